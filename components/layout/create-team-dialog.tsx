"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, Dialog, FormField, Input, errorMessageOf, fieldErrorsOf, FormDialogFooter } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";

/** "Create team": a new tenant with the signed-in user as owner; then switches to it. */
export function CreateTeamDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const create = useMutation(
    trpc.tenant.create.mutationOptions({
      onSuccess: async (t) => {
        await qc.invalidateQueries({ queryKey: trpc.account.me.queryKey() });
        setName("");
        onClose();
        router.push(`/t/${t.slug}/queues`);
        router.refresh();
      },
    }),
  );
  const fe = fieldErrorsOf(create.error);
  const close = () => {
    create.reset();
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Create a team"
      description="A team has its own queues, topics, API keys, members and 12-digit account id. You will be its owner."
      footer={
        <FormDialogFooter
          formId="create-team-form"
          submitLabel="Create team"
          onCancel={close}
          loading={create.isPending}
        />
      }
    >
      <form
        id="create-team-form"
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name });
        }}
      >
        <FormField label="Team name" error={fe.name} hint="Shown in the console; the URL is derived from it.">
          <Input
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="Payments"
            autoComplete="off"
            data-autofocus
          />
        </FormField>
        {errorMessageOf(create.error) && <Alert tone="danger">{errorMessageOf(create.error)}</Alert>}
      </form>
    </Dialog>
  );
}

"use client";
import { useId, useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  Button,
  Card,
  CardFooter,
  CardHeader,
  Dialog,
  FormField,
  Input,
  errorMessageOf,
  useToast,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant } from "@/components/layout/tenant-context";

// Settings → danger zone. Deleting a team cannot be undone, so the owner types its name first
// (the server checks it again) and the button stays disabled until it matches.
export function DeleteTeamCard() {
  const tenant = useCurrentTenant();
  const { can } = usePermissions();
  const [open, setOpen] = useState(false);
  const allowed = can("tenant:delete");
  return (
    <Card className="border-red-200">
      <CardHeader
        title="Danger zone"
        description={
          allowed
            ? "Delete this team and everything in it: queues and their messages, topics, subscriptions, deliveries, API keys, members and the audit log. There is no undo."
            : "Only owners can delete a team."
        }
      />
      <CardFooter className="rounded-t-none border-t-0 bg-white">
        <Button variant="danger" onClick={() => setOpen(true)} disabled={!allowed}>
          Delete team
        </Button>
      </CardFooter>
      {allowed && <DeleteTeamDialog open={open} onClose={() => setOpen(false)} name={tenant.name} slug={tenant.slug} />}
    </Card>
  );
}

function DeleteTeamDialog({
  open,
  onClose,
  name,
  slug,
}: {
  open: boolean;
  onClose: () => void;
  name: string;
  slug: string;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const formId = useId();
  const [typed, setTyped] = useState("");
  const del = useMutation(
    trpc.tenant.delete.mutationOptions({
      onSuccess: async (t) => {
        qc.clear();
        toast(`Team “${t.name}” deleted`);
        router.replace("/");
        router.refresh();
      },
    }),
  );
  const close = () => {
    setTyped("");
    del.reset();
    onClose();
  };
  const matches = typed.trim() === name;
  return (
    <Dialog
      open={open}
      onClose={close}
      title={`Delete ${name}?`}
      description="Everything in this team is deleted at once, for every member. Running deliveries stop."
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={del.isPending} data-autofocus>
            Cancel
          </Button>
          <Button variant="danger" type="submit" form={formId} loading={del.isPending} disabled={!matches}>
            Delete this team
          </Button>
        </>
      }
    >
      <form
        id={formId}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (matches) del.mutate({ tenant: slug, confirmName: typed });
        }}
        className="space-y-3"
      >
        <FormField label={`Type ${name} to confirm`}>
          <Input
            name="confirmName"
            value={typed}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setTyped(e.target.value)}
          />
        </FormField>
        {errorMessageOf(del.error) && <Alert tone="danger">{errorMessageOf(del.error)}</Alert>}
      </form>
    </Dialog>
  );
}

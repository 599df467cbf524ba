"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, Dialog, FormDialogFooter, FormField, Input, Textarea, fieldErrorsOf, useToast } from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import type { BusView } from "./types";

/** Create a custom event bus (every team already has “default”). */
export function CreateBusDialog({
  open,
  onClose,
  onCreated,
  tenant,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (b: BusView) => void;
  tenant: string;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const create = useMutation(
    trpc.events.createBus.mutationOptions({
      onSuccess: async (b) => {
        await qc.invalidateQueries({ queryKey: trpc.events.buses.pathKey() });
        toast(`Event bus “${b.name}” created`);
        setName("");
        setDescription("");
        onCreated(b);
      },
    }),
  );
  const fe = fieldErrorsOf(create.error);
  const close = () => {
    create.reset();
    onClose();
  };
  const other = otherErrors(create.error, ["name", "description"]);
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Create event bus"
      description="A bus receives events from your apps and routes each one to the targets of every rule whose pattern it matches."
      footer={
        <FormDialogFooter
          formId="create-bus-form"
          submitLabel="Create event bus"
          onCancel={close}
          loading={create.isPending}
        />
      }
    >
      <form
        id="create-bus-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ tenant, name: name.trim(), description: description.trim() || undefined });
        }}
      >
        <FormField label="Name" error={fe.name} hint="Letters, digits, . - and _, up to 256 characters.">
          <Input
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoComplete="off"
            placeholder="orders"
            data-autofocus
          />
        </FormField>
        <FormField label="Description (optional)" error={fe.description}>
          <Textarea
            name="description"
            rows={2}
            className="font-sans"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            maxLength={512}
          />
        </FormField>
        {other && <Alert tone="danger">{other}</Alert>}
      </form>
    </Dialog>
  );
}

"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, Dialog, FormDialogFooter, FormField, Input, fieldErrorsOf, useToast } from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";

export type CreatedFunction = RouterOutputs["function"]["create"];

/** Register a function: a name, the URL of your service, a timeout and an optional concurrency limit. */
export function CreateFunctionDialog({
  open,
  onClose,
  onCreated,
  tenant,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (f: CreatedFunction) => void;
  tenant: string;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [timeout, setTimeoutSeconds] = useState("3");
  const [concurrency, setConcurrency] = useState("");
  const [description, setDescription] = useState("");
  const create = useMutation(
    trpc.function.create.mutationOptions({
      onSuccess: async (r) => {
        await qc.invalidateQueries({ queryKey: trpc.function.list.pathKey() });
        toast(`Function “${r.function.name}” created`);
        setName("");
        setUrl("");
        setTimeoutSeconds("3");
        setConcurrency("");
        setDescription("");
        onCreated(r);
      },
    }),
  );
  const fe = fieldErrorsOf(create.error);
  const close = () => {
    create.reset();
    onClose();
  };
  const other = otherErrors(create.error, ["name", "url", "timeoutSeconds", "reservedConcurrency", "description"]);
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Create function"
      description="Signalbox POSTs each invocation's event to your service, signed with Standard Webhooks headers, and gives it a Lambda ARN that rules, schedules and the Lambda API can invoke."
      footer={
        <FormDialogFooter
          formId="create-function-form"
          submitLabel="Create function"
          onCancel={close}
          loading={create.isPending}
        />
      }
    >
      <form
        id="create-function-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({
            tenant,
            name: name.trim(),
            url: url.trim(),
            timeoutSeconds: Number(timeout),
            reservedConcurrency: concurrency.trim() === "" ? null : Number(concurrency),
            description: description.trim() || undefined,
          });
        }}
      >
        {other && <Alert tone="danger">{other}</Alert>}
        <FormField label="Name" hint="Letters, digits, hyphens and underscores (1–64)." error={fe.name}>
          <Input value={name} onChange={(e) => setName(e.target.value)} placeholder="process-order" data-autofocus />
        </FormField>
        <FormField
          label="URL of your service"
          hint="Reached through the guarded HTTP client: private and metadata addresses are refused."
          error={fe.url}
        >
          <Input value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://orders.example.com/lambda" />
        </FormField>
        <div className="grid grid-cols-2 gap-3">
          <FormField label="Timeout (seconds)" hint="1–900, Lambda's default 3." error={fe.timeoutSeconds}>
            <Input
              type="number"
              min={1}
              max={900}
              value={timeout}
              onChange={(e) => setTimeoutSeconds(e.target.value)}
            />
          </FormField>
          <FormField label="Concurrency limit" hint="Empty: no limit." error={fe.reservedConcurrency}>
            <Input
              type="number"
              min={0}
              max={1000}
              value={concurrency}
              onChange={(e) => setConcurrency(e.target.value)}
            />
          </FormField>
        </div>
        <FormField label="Description" error={fe.description}>
          <Input value={description} onChange={(e) => setDescription(e.target.value)} />
        </FormField>
      </form>
    </Dialog>
  );
}

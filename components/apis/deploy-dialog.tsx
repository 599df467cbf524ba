"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, Dialog, FormDialogFooter, FormField, Input, Select, fieldErrorsOf, useToast } from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import type { ApiDetail } from "./types";

/** Deploy the API's current definition to a new or an existing stage. */
export function DeployDialog({
  open,
  onClose,
  onDeployed,
  tenant,
  api,
}: {
  open: boolean;
  onClose: () => void;
  onDeployed: (stage: string) => void;
  tenant: string;
  api: ApiDetail;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [choice, setChoice] = useState<string>(api.stages[0]?.stageName ?? "__new");
  const [stageName, setStageName] = useState("prod");
  const [description, setDescription] = useState("");
  const deploy = useMutation(
    trpc.apis.deploy.mutationOptions({
      onSuccess: async (_, input) => {
        await qc.invalidateQueries({ queryKey: trpc.apis.get.pathKey() });
        await qc.invalidateQueries({ queryKey: trpc.apis.stageChoices.pathKey() });
        toast(`Deployed to ${input.stageName}`);
        setDescription("");
        onDeployed(input.stageName);
      },
    }),
  );
  const fe = fieldErrorsOf(deploy.error);
  const close = () => (deploy.reset(), onClose());
  const isNew = choice === "__new";
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Deploy API"
      description="A deployment is a snapshot of the API as it is now; the stage serves it at its invoke URL."
      footer={
        <FormDialogFooter formId="deploy-form" submitLabel="Deploy" onCancel={close} loading={deploy.isPending} />
      }
    >
      <form
        id="deploy-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          deploy.mutate({
            tenant,
            apiId: api.id,
            stageName: isNew ? stageName.trim() : choice,
            description: description.trim() || undefined,
          });
        }}
      >
        <FormField label="Stage">
          <Select name="stage" value={choice} onChange={(e) => setChoice(e.target.value)}>
            {api.stages.map((s) => (
              <option key={s.stageName} value={s.stageName}>
                {s.stageName}
              </option>
            ))}
            <option value="__new">New stage…</option>
          </Select>
        </FormField>
        {isNew && (
          <FormField label="Stage name" error={fe.stageName} hint="Letters, digits, - and _, e.g. prod, dev, v1.">
            <Input
              name="stageName"
              value={stageName}
              onChange={(e) => setStageName(e.target.value)}
              autoComplete="off"
            />
          </FormField>
        )}
        <FormField label="Deployment description (optional)" error={fe.description}>
          <Input name="description" value={description} onChange={(e) => setDescription(e.target.value)} />
        </FormField>
        {otherErrors(deploy.error, ["stageName", "description"]) && (
          <Alert tone="danger">{otherErrors(deploy.error, ["stageName", "description"])}</Alert>
        )}
      </form>
    </Dialog>
  );
}

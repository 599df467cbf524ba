"use client";
import { useRouter } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, Dialog, errorMessageOf, fieldErrorsOf, useToast, FormDialogFooter } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { QueueSettingsFields, useQueueForm, type QueueOption } from "./queue-settings-fields";
import { defaultQueueForm, mapServerFieldErrors, validateQueueForm, type FormErrors } from "./queue-settings";

/** Create a queue with every attribute; opens the new queue's page when it exists. */
export function CreateQueueDialog({
  open,
  onClose,
  tenant,
  queues,
}: {
  open: boolean;
  onClose: () => void;
  tenant: string;
  queues: QueueOption[];
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const router = useRouter();
  const { state, setState, errors, setErrors, edit } = useQueueForm(defaultQueueForm);
  const create = useMutation(
    trpc.queue.create.mutationOptions({
      onSuccess: async (q) => {
        await qc.invalidateQueries({ queryKey: trpc.queue.list.queryKey({ tenant }) });
        toast(q.created ? `Queue “${q.name}” created` : `Queue “${q.name}” already exists with these settings`);
        setState(defaultQueueForm());
        onClose();
        router.push(tenantPath(tenant, "queues", encodeURIComponent(q.name)));
      },
    }),
  );
  const server = mapServerFieldErrors(fieldErrorsOf(create.error));
  const shown: FormErrors = { ...server.errors, ...errors };
  const message = errorMessageOf(create.error) ?? (server.rest.length ? server.rest.join(" ") : null);
  const close = () => {
    create.reset();
    setErrors({});
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      size="lg"
      title="Create queue"
      description="Every setting can be changed later except the name and the type."
      footer={
        <FormDialogFooter
          formId="create-queue-form"
          submitLabel="Create queue"
          onCancel={close}
          loading={create.isPending}
        />
      }
    >
      <form
        id="create-queue-form"
        noValidate
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          const v = validateQueueForm(state, { checkName: true });
          setErrors(v.errors);
          if (!v.payload) return;
          create.reset();
          // Create sends only what is set: an empty policy is "none" (AWS's defaults).
          const { redriveAllowPolicy, redrivePolicy, ...rest } = v.payload;
          create.mutate({
            tenant,
            ...rest,
            ...(redrivePolicy ? { redrivePolicy } : {}),
            ...(redriveAllowPolicy ? { redriveAllowPolicy } : {}),
          });
        }}
      >
        <QueueSettingsFields mode="create" state={state} set={edit} errors={shown} queues={queues} />
        {Object.keys(errors).length > 0 && <p className="text-sm text-red-600">Fix the fields marked in red.</p>}
        {message && <Alert tone="danger">{message}</Alert>}
      </form>
    </Dialog>
  );
}

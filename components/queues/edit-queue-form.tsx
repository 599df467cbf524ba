"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, errorMessageOf, fieldErrorsOf, useToast } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { QueueSettingsFields, useQueueForm } from "./queue-settings-fields";
import { formFromSettings, mapServerFieldErrors, validateQueueForm } from "./queue-settings";
import type { QueueDetail } from "./types";

/** SetQueueAttributes as a form, prefilled with the queue's current values. */
export function EditQueueForm({ tenant, queue, onDone }: { tenant: string; queue: QueueDetail; onDone: () => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const list = useQuery(trpc.queue.list.queryOptions({ tenant }));
  const { state, errors, setErrors, edit } = useQueueForm(() =>
    formFromSettings(queue.name, queue.fifo, queue.settings as never),
  );
  const update = useMutation(
    trpc.queue.updateAttributes.mutationOptions({
      onSuccess: async () => {
        await Promise.all([
          qc.invalidateQueries({ queryKey: trpc.queue.get.queryKey({ tenant, name: queue.name }) }),
          qc.invalidateQueries({ queryKey: trpc.queue.list.queryKey({ tenant }) }),
        ]);
        toast("Queue settings saved");
        onDone();
      },
    }),
  );
  const server = mapServerFieldErrors(fieldErrorsOf(update.error));
  const message = errorMessageOf(update.error) ?? (server.rest.length ? server.rest.join(" ") : null);
  return (
    <form
      noValidate
      aria-label="Edit queue settings"
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const v = validateQueueForm(state, { checkName: false });
        setErrors(v.errors);
        if (!v.payload) return;
        // Name, type and tags are not attributes: SetQueueAttributes gets the rest.
        const p = v.payload;
        update.mutate({
          tenant,
          name: queue.name,
          visibilityTimeout: p.visibilityTimeout,
          messageRetentionPeriod: p.messageRetentionPeriod,
          maximumMessageSize: p.maximumMessageSize,
          delaySeconds: p.delaySeconds,
          receiveMessageWaitTimeSeconds: p.receiveMessageWaitTimeSeconds,
          redrivePolicy: p.redrivePolicy,
          redriveAllowPolicy: p.redriveAllowPolicy,
          ...(queue.fifo
            ? {
                contentBasedDeduplication: p.contentBasedDeduplication,
                deduplicationScope: p.deduplicationScope,
                fifoThroughputLimit: p.fifoThroughputLimit,
              }
            : {}),
        });
      }}
    >
      <QueueSettingsFields
        mode="edit"
        state={state}
        set={edit}
        errors={{ ...server.errors, ...errors }}
        queues={(list.data ?? []).map((q) => ({ name: q.name, arn: q.arn, fifo: q.fifo }))}
        selfArn={queue.arn}
      />
      {message && <Alert tone="danger">{message}</Alert>}
      <div className="flex flex-wrap justify-end gap-2 border-t border-gray-200 pt-4">
        <Button variant="secondary" onClick={onDone} disabled={update.isPending}>
          Cancel
        </Button>
        <Button type="submit" loading={update.isPending}>
          Save changes
        </Button>
      </div>
    </form>
  );
}

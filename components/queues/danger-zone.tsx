"use client";
import { useState, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, CardHeader, Dialog, FormField, Input, useToast } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";

/** A destructive action confirmed by typing the queue's name (nothing happens on a slip of the finger). */
function TypeToConfirmDialog({
  open,
  onClose,
  onConfirm,
  title,
  name,
  confirmLabel,
  loading,
  error,
  children,
}: {
  open: boolean;
  onClose: () => void;
  onConfirm: () => void;
  title: string;
  name: string;
  confirmLabel: string;
  loading: boolean;
  error: ReactNode;
  children: ReactNode;
}) {
  const [typed, setTyped] = useState("");
  const close = () => {
    setTyped("");
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      size="sm"
      title={title}
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={loading}>
            Cancel
          </Button>
          <Button
            variant="danger"
            type="submit"
            form={`confirm-${confirmLabel}`}
            disabled={typed !== name}
            loading={loading}
          >
            {confirmLabel}
          </Button>
        </>
      }
    >
      <form
        id={`confirm-${confirmLabel}`}
        className="space-y-4 text-sm text-gray-600"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed === name) onConfirm();
        }}
      >
        {children}
        <FormField
          label={
            <>
              Type <span className="font-mono font-semibold text-gray-900">{name}</span> to confirm
            </>
          }
        >
          <Input
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            data-autofocus
          />
        </FormField>
        {error}
      </form>
    </Dialog>
  );
}

function purgeErrorText(message: string): { title: string; text: string } {
  if (/PurgeQueue|purge.*progress/i.test(message)) {
    return {
      title: "A purge is already in progress",
      text: `This queue was purged less than 60 seconds ago. Like AWS, Signalbox allows one purge per queue every 60 seconds; wait a minute and try again. (${message})`,
    };
  }
  return { title: "Could not purge the queue", text: message };
}

export function DangerZone({ tenant, name, messages }: { tenant: string; name: string; messages: number }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const router = useRouter();
  const [dialog, setDialog] = useState<"purge" | "delete" | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.queue.pathKey() });
  const purge = useMutation(
    trpc.queue.purge.mutationOptions({
      onSuccess: async (r) => {
        await refresh();
        toast(`Purged ${r.purged.toLocaleString()} ${r.purged === 1 ? "message" : "messages"} from “${name}”`);
        setDialog(null);
      },
    }),
  );
  const del = useMutation(
    trpc.queue.delete.mutationOptions({
      onSuccess: async () => {
        toast(`Queue “${name}” deleted`);
        setDialog(null);
        router.push(tenantPath(tenant, "queues"));
        await qc.invalidateQueries({ queryKey: trpc.queue.list.queryKey({ tenant }) });
      },
    }),
  );
  const purgeErr = purge.error ? purgeErrorText(purge.error.message) : null;
  return (
    <Card className="border-red-200">
      <CardHeader title="Danger zone" description="These actions cannot be undone." />
      <div className="divide-y divide-gray-100">
        <div className="flex flex-col gap-3 px-5 py-4 sm:flex-row sm:items-center sm:justify-between">
          <div>
            <p className="text-sm font-medium text-gray-900">Purge messages</p>
            <p className="text-sm text-gray-500">
              Deletes every message in the queue ({messages.toLocaleString()} now), including in-flight ones. Once every
              60 seconds.
            </p>
          </div>
          <Button variant="secondary" className="text-red-700" onClick={() => (purge.reset(), setDialog("purge"))}>
            Purge…
          </Button>
        </div>
        <div className="flex flex-col gap-3 px-5 py-4 sm:flex-row sm:items-center sm:justify-between">
          <div>
            <p className="text-sm font-medium text-gray-900">Delete queue</p>
            <p className="text-sm text-gray-500">
              Deletes the queue and all its messages. Applications using its URL get QueueDoesNotExist.
            </p>
          </div>
          <Button variant="danger" onClick={() => (del.reset(), setDialog("delete"))}>
            Delete queue…
          </Button>
        </div>
      </div>
      <TypeToConfirmDialog
        open={dialog === "purge"}
        onClose={() => setDialog(null)}
        onConfirm={() => purge.mutate({ tenant, name })}
        title={`Purge “${name}”?`}
        name={name}
        confirmLabel="Purge queue"
        loading={purge.isPending}
        error={
          purgeErr && (
            <Alert tone={purgeErr.title.startsWith("A purge") ? "warning" : "danger"} title={purgeErr.title}>
              {purgeErr.text}
            </Alert>
          )
        }
      >
        <p>
          Every message in the queue is deleted, including messages in flight and delayed ones. Consumers holding
          receipt handles can no longer delete them.
        </p>
      </TypeToConfirmDialog>
      <TypeToConfirmDialog
        open={dialog === "delete"}
        onClose={() => setDialog(null)}
        onConfirm={() => del.mutate({ tenant, name })}
        title={`Delete “${name}”?`}
        name={name}
        confirmLabel="Delete queue"
        loading={del.isPending}
        error={del.error && <Alert tone="danger">{del.error.message}</Alert>}
      >
        <p>
          The queue and its messages are deleted. Queues that use it as their dead-letter queue stop moving failed
          messages to it.
        </p>
      </TypeToConfirmDialog>
    </Card>
  );
}

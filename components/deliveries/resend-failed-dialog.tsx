"use client";
import { useEffect, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  Button,
  Dialog,
  FormField,
  Input,
  errorMessageOf,
  fieldErrorsOf,
  FormDialogFooter,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import type { ResendProgress, SourceKind } from "./types";

function toLocalInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

const SOURCE_NAMES: Record<SourceKind, string> = {
  topic: "topics",
  rule: "event rules",
  schedule: "schedules",
  function: "functions",
  workflow: "workflows",
  api: "APIs",
};

/** "Resend all failed since …": starts the bulk job, then follows its progress until it finishes. */
export function ResendFailedDialog({
  open,
  onClose,
  tenant,
  topicId,
  subscriptionId,
  sourceKind = null,
  sourceArn = null,
  defaultSince,
  scopeLabel,
}: {
  open: boolean;
  onClose: () => void;
  tenant: string;
  topicId: string | null;
  subscriptionId: string | null;
  /** Only deliveries of this source kind (the dashboard's Source filter). */
  sourceKind?: SourceKind | null;
  /** Only deliveries of this source (one rule or schedule, by ARN). */
  sourceArn?: string | null;
  defaultSince: Date;
  scopeLabel: string;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [since, setSince] = useState(() => toLocalInput(defaultSince));
  const [jobId, setJobId] = useState<string | null>(null);
  useEffect(() => {
    if (open) {
      setSince(toLocalInput(defaultSince));
      setJobId(null);
    }
    // Only when the dialog opens: the default follows the dashboard's range at that moment.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);
  const start = useMutation(trpc.delivery.resendFailed.mutationOptions({ onSuccess: (r) => setJobId(r.id) }));
  const progress = useQuery({
    ...trpc.delivery.resendProgress.queryOptions({ tenant, id: jobId ?? "" }),
    enabled: !!jobId,
    refetchInterval: (query) =>
      (query.state.data as ResendProgress | undefined)?.status === "finished" ? false : 1000,
  });
  const p = progress.data as ResendProgress | undefined;
  const finished = p?.status === "finished";
  useEffect(() => {
    if (finished) void qc.invalidateQueries({ queryKey: trpc.delivery.pathKey() });
  }, [finished, qc, trpc]);
  const total = p?.total ?? 0;
  const done = p?.done ?? 0;
  const pct = total > 0 ? Math.round((done / total) * 100) : finished ? 100 : 0;
  const fe = fieldErrorsOf(start.error);
  const close = () => {
    start.reset();
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Resend failed deliveries"
      description={`Every delivery in ${scopeLabel}${sourceKind ? ` from ${SOURCE_NAMES[sourceKind]}` : ""} that failed (or went to a dead-letter queue) since the time below is sent again, with its original id so receivers can deduplicate. Calls made by workflow tasks are not resent (their executions handled them).`}
      footer={
        jobId ? (
          <Button onClick={close} variant={finished ? "primary" : "secondary"}>
            {finished ? "Done" : "Close (keeps running)"}
          </Button>
        ) : (
          <FormDialogFooter
            formId="resend-failed-form"
            submitLabel="Resend failed"
            onCancel={close}
            loading={start.isPending}
          />
        )
      }
    >
      {!jobId ? (
        <form
          id="resend-failed-form"
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            const d = new Date(since);
            if (Number.isNaN(d.getTime())) return;
            start.mutate({ tenant, since: d, topicId, subscriptionId, sourceKind, sourceArn });
          }}
        >
          <FormField label="Failed since" hint="Your local time." error={fe.since}>
            <Input type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} required />
          </FormField>
          {errorMessageOf(start.error) && <Alert tone="danger">{errorMessageOf(start.error)}</Alert>}
        </form>
      ) : (
        <div className="space-y-3" data-testid="resend-progress">
          <div className="flex items-baseline justify-between text-sm">
            <span className="font-medium text-gray-900">{finished ? "Finished" : "Resending…"}</span>
            <span className="text-gray-600">
              {done} of {p ? total : "…"} queued again
            </span>
          </div>
          <div
            className="h-2 w-full overflow-hidden rounded-full bg-gray-100"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct}
            aria-label="Resend progress"
          >
            <div className="h-full rounded-full bg-accent-600 transition-all" style={{ width: `${pct}%` }} />
          </div>
          {finished && total === 0 && <p className="text-sm text-gray-500">Nothing had failed since then.</p>}
          {finished && total > 0 && (
            <p className="text-sm text-gray-500">The deliveries are queued; the attempt log shows how each one goes.</p>
          )}
          {progress.error && <Alert tone="danger">{progress.error.message}</Alert>}
        </div>
      )}
    </Dialog>
  );
}

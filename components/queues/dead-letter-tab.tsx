"use client";
import { useState } from "react";
import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { RotateCcw, ShieldAlert } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  EmptyState,
  FormField,
  Input,
  LoadingBlock,
  RelativeTime,
  Select,
  errorMessageOf,
  fieldErrorsOf,
  useToast,
  type BadgeTone,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { nameFromArn, parseIntIn } from "./format";
import type { MoveTask, QueueDetail } from "./types";

const STATUS: Record<string, { label: string; tone: BadgeTone }> = {
  RUNNING: { label: "Running", tone: "info" },
  COMPLETED: { label: "Completed", tone: "success" },
  CANCELLING: { label: "Cancelling", tone: "warning" },
  CANCELLED: { label: "Cancelled", tone: "neutral" },
  FAILED: { label: "Failed", tone: "danger" },
};

function TaskRow({
  t,
  onCancel,
  cancelling,
  write,
}: {
  t: MoveTask;
  onCancel: (handle: string) => void;
  cancelling: boolean;
  write: boolean;
}) {
  const total = t.approximateNumberOfMessagesToMove ?? 0;
  const pct =
    total > 0
      ? Math.min(100, Math.round((t.approximateNumberOfMessagesMoved / total) * 100))
      : t.status === "COMPLETED"
        ? 100
        : 0;
  const st = STATUS[t.status] ?? { label: t.status, tone: "neutral" as BadgeTone };
  return (
    <li className="space-y-2 px-5 py-4" data-testid="move-task">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <Badge tone={st.tone} dot>
            {st.label}
          </Badge>
          <span className="text-gray-700">
            to{" "}
            {t.destinationArn ? (
              <span className="font-medium">{nameFromArn(t.destinationArn)}</span>
            ) : (
              "their source queues"
            )}
          </span>
          {t.maxNumberOfMessagesPerSecond && (
            <span className="text-xs text-gray-500">· {t.maxNumberOfMessagesPerSecond}/s</span>
          )}
          <span className="text-xs text-gray-500">
            · started <RelativeTime date={new Date(t.startedTimestamp)} />
          </span>
        </div>
        {write && t.status === "RUNNING" && t.taskHandle && (
          <Button variant="secondary" size="sm" loading={cancelling} onClick={() => onCancel(t.taskHandle!)}>
            Cancel
          </Button>
        )}
      </div>
      <div className="flex items-center gap-3">
        <div
          className="h-2 flex-1 overflow-hidden rounded-full bg-gray-100"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={total}
          aria-valuenow={t.approximateNumberOfMessagesMoved}
          aria-label="Messages moved"
        >
          <div
            className={t.status === "FAILED" ? "h-full bg-red-500" : "h-full bg-accent-600 transition-all"}
            style={{ width: `${pct}%` }}
          />
        </div>
        <span className="shrink-0 text-xs text-gray-600 tabular-nums" data-testid="move-progress">
          {t.approximateNumberOfMessagesMoved.toLocaleString()} of {total.toLocaleString()} moved
        </span>
      </div>
      {t.failureReason && <p className="text-sm text-red-700">{t.failureReason}</p>}
    </li>
  );
}

function RedriveCard({ tenant, queue, write }: { tenant: string; queue: QueueDetail; write: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const list = useQuery(trpc.queue.list.queryOptions({ tenant }));
  const tasks = useQuery({
    ...trpc.queue.listMoveTasks.queryOptions({ tenant, name: queue.name }),
    refetchInterval: (q) =>
      (q.state.data ?? []).some((t) => t.status === "RUNNING" || t.status === "CANCELLING") ? 1_500 : 10_000,
  });
  const [dest, setDest] = useState("");
  const [rate, setRate] = useState("");
  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: trpc.queue.listMoveTasks.queryKey({ tenant, name: queue.name }) }),
      qc.invalidateQueries({ queryKey: trpc.queue.get.queryKey({ tenant, name: queue.name }) }),
    ]);
  const start = useMutation(
    trpc.queue.startMoveTask.mutationOptions({
      onSuccess: async () => {
        toast("Redrive started");
        await refresh();
      },
    }),
  );
  const cancel = useMutation(
    trpc.queue.cancelMoveTask.mutationOptions({
      onSuccess: async (r) => {
        toast(`Redrive cancelled after ${r.approximateNumberOfMessagesMoved} messages`);
        await refresh();
      },
    }),
  );
  const r = rate.trim() ? parseIntIn(rate, 1, 500, "Rate") : {};
  const fe = fieldErrorsOf(start.error);
  const running = (tasks.data ?? []).some((t) => t.status === "RUNNING" || t.status === "CANCELLING");
  const destinations = (list.data ?? []).filter((q) => q.fifo === queue.fifo && q.arn !== queue.arn);
  const depth = queue.counts.visible + queue.counts.inFlight + queue.counts.delayed;
  return (
    <Card>
      <CardHeader
        title="Redrive"
        description="Move the messages this dead-letter queue holds back to where they came from (StartMessageMoveTask), at an optional rate."
      />
      {write && (
        <CardBody className="border-b border-gray-200">
          <form
            noValidate
            aria-label="Start redrive"
            className="grid items-start gap-3 sm:grid-cols-[2fr_1fr_auto]"
            onSubmit={(e) => {
              e.preventDefault();
              if (r.error) return;
              start.mutate({
                tenant,
                name: queue.name,
                ...(dest ? { destinationArn: dest } : {}),
                ...(r.value ? { maxNumberOfMessagesPerSecond: r.value } : {}),
              });
            }}
          >
            <FormField
              label="Destination"
              error={fe.DestinationArn ?? fe.destinationArn}
              hint="Each message goes back to the queue it was dead-lettered from, or all to one queue."
            >
              <Select value={dest} onChange={(e) => setDest(e.target.value)}>
                <option value="">Their source queues</option>
                {destinations.map((q) => (
                  <option key={q.arn} value={q.arn}>
                    {q.name}
                  </option>
                ))}
              </Select>
            </FormField>
            <FormField
              label="Rate (messages/s)"
              error={r.error ?? fe.MaxNumberOfMessagesPerSecond ?? fe.maxNumberOfMessagesPerSecond}
              hint="Optional, 1 – 500"
            >
              <Input
                inputMode="numeric"
                value={rate}
                onChange={(e) => setRate(e.target.value)}
                placeholder="As fast as possible"
              />
            </FormField>
            <div className="sm:pt-6">
              <Button
                type="submit"
                loading={start.isPending}
                disabled={running || !!r.error}
                className="w-full sm:w-auto"
              >
                <RotateCcw className="h-4 w-4" aria-hidden />
                Start redrive
              </Button>
            </div>
          </form>
          {running && (
            <p className="mt-2 text-xs text-gray-500">
              A redrive is running; one task at a time per dead-letter queue.
            </p>
          )}
          {!running && depth === 0 && (
            <p className="mt-2 text-xs text-gray-500">
              The queue holds no messages right now, so a redrive would move nothing.
            </p>
          )}
          {errorMessageOf(start.error) && (
            <Alert tone="danger" className="mt-3">
              {errorMessageOf(start.error)}
            </Alert>
          )}
          {cancel.error && (
            <Alert tone="danger" className="mt-3">
              {cancel.error.message}
            </Alert>
          )}
        </CardBody>
      )}
      <div>
        <h3 className="px-5 pt-4 text-sm font-semibold text-gray-900">Move tasks</h3>
        {tasks.isPending ? (
          <LoadingBlock label="Loading move tasks…" />
        ) : tasks.error ? (
          <div className="p-5">
            <Alert tone="danger">{tasks.error.message}</Alert>
          </div>
        ) : tasks.data.length === 0 ? (
          <p className="px-5 pt-1 pb-5 text-sm text-gray-500">No redrive has run on this queue yet.</p>
        ) : (
          <ul className="divide-y divide-gray-100" aria-label="Move tasks">
            {tasks.data.map((t) => (
              <TaskRow
                key={`${t.startedTimestamp}-${t.status}`}
                t={t}
                write={write}
                cancelling={cancel.isPending}
                onCancel={(h) => cancel.mutate({ tenant, taskHandle: h })}
              />
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}

export function DeadLetterTab({ tenant, queue, write }: { tenant: string; queue: QueueDetail; write: boolean }) {
  const href = (n: string) => tenantPath(tenant, "queues", encodeURIComponent(n));
  const sources = queue.deadLetterSources;
  const own = queue.settings.redrivePolicy;
  return (
    <div className="space-y-6">
      {own && (
        <Alert tone="info" title="This queue has a dead-letter queue">
          Messages received {own.maxReceiveCount} {own.maxReceiveCount === 1 ? "time" : "times"} without being deleted
          move to{" "}
          <Link className="font-medium underline" href={href(nameFromArn(own.deadLetterTargetArn))}>
            {nameFromArn(own.deadLetterTargetArn)}
          </Link>
          . Redrive them from that queue&apos;s page.
        </Alert>
      )}
      {sources.length === 0 ? (
        <EmptyState
          icon={<ShieldAlert className="h-5 w-5" aria-hidden />}
          title="Not a dead-letter queue"
          description="No queue sends its failed messages here. To use this queue as a dead-letter queue, edit another queue's settings and choose this one as its dead-letter queue."
        />
      ) : (
        <>
          <Card>
            <CardHeader
              title="Source queues"
              description="Queues that move messages here after their maximum receives (ListDeadLetterSourceQueues)."
            />
            <ul className="divide-y divide-gray-100">
              {sources.map((s) => (
                <li key={s.arn} className="flex flex-wrap items-center justify-between gap-2 px-5 py-3 text-sm">
                  <Link href={href(s.name)} className="font-medium text-accent-700 hover:underline">
                    {s.name}
                  </Link>
                  <span className="min-w-0 truncate font-mono text-xs text-gray-500">{s.arn}</span>
                </li>
              ))}
            </ul>
          </Card>
          <RedriveCard tenant={tenant} queue={queue} write={write} />
        </>
      )}
    </div>
  );
}

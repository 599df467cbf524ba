"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardHeader,
  LoadingBlock,
  MiddleTruncate,
  RelativeTime,
  useToast,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import type { DisabledEndpoint, FailingEndpoint, SourceKind } from "./types";

/** The endpoints with the most failed attempts in the range. */
export function FailingEndpointsCard({
  tenant,
  topicId,
  subscriptionId,
  sourceKind = null,
  sourceArn = null,
  from,
  to,
  live,
  onPick,
}: {
  tenant: string;
  topicId: string | null;
  subscriptionId: string | null;
  sourceKind?: SourceKind | null;
  sourceArn?: string | null;
  from: Date;
  to: Date;
  live: boolean;
  onPick: (subscriptionId: string) => void;
}) {
  const trpc = useTRPC();
  const q = useQuery({
    ...trpc.delivery.failingEndpoints.queryOptions({
      tenant,
      topicId,
      subscriptionId,
      sourceKind,
      sourceArn,
      from,
      to,
      limit: 5,
    }),
    refetchInterval: live ? 10_000 : false,
    placeholderData: (prev) => prev,
  });
  const rows = (q.data ?? []) as FailingEndpoint[];
  return (
    <Card className="min-w-0">
      <CardHeader
        title="Top failing endpoints"
        description="Deliveries published in this range that failed (and were not resent since) or wait for a retry."
      />
      <div className="px-5 py-3">
        {q.isPending ? (
          <LoadingBlock />
        ) : q.error ? (
          <Alert tone="danger">{q.error.message}</Alert>
        ) : rows.length === 0 ? (
          <p className="py-4 text-sm text-gray-500">No failed or retrying deliveries in this range.</p>
        ) : (
          <ul className="divide-y divide-gray-100" data-testid="failing-endpoints">
            {rows.map((r) => (
              <li key={(r.subscriptionId ?? "") + r.endpoint} className="flex items-start gap-3 py-2.5">
                <button
                  type="button"
                  className="min-w-0 flex-1 text-left disabled:cursor-default"
                  // An invocation target (a rule's or schedule's) is no subscription to narrow to.
                  disabled={!r.subscriptionId}
                  onClick={() => r.subscriptionId && onPick(r.subscriptionId)}
                  title={r.subscriptionId ? "Narrow the dashboard to this subscription" : undefined}
                >
                  <div className="flex items-center justify-between gap-3">
                    <MiddleTruncate value={r.endpoint} className="font-mono text-xs text-gray-900" />
                    <span className="flex shrink-0 gap-1">
                      {r.failures > 0 && <Badge tone="danger">{r.failures} failed</Badge>}
                      {r.retrying > 0 && <Badge tone="warning">{r.retrying} retrying</Badge>}
                    </span>
                  </div>
                  <div className="mt-0.5 truncate text-xs text-gray-500">
                    {r.protocol} · last {r.lastStatus ? `HTTP ${r.lastStatus}` : (r.lastError ?? "error")} ·{" "}
                    <RelativeTime date={r.lastFailureAt} />
                  </div>
                </button>
                {r.subscriptionId && (
                  <Link
                    href={`/t/${tenant}/deliveries/endpoints/${encodeURIComponent(r.subscriptionId)}`}
                    className="shrink-0 text-xs font-medium text-accent-700 hover:underline"
                  >
                    Endpoint
                  </Link>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}

/** Subscriptions Signalbox stopped delivering to after too many failures; re-enable in one click. */
export function DisabledEndpointsCard({
  tenant,
  topicId,
  canWrite,
}: {
  tenant: string;
  topicId: string | null;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  // The procedure's input is `z.object({})` + tenant, which zod 4 types as Record<string, never>; cast.
  const input = { tenant } as never;
  const q = useQuery({ ...trpc.delivery.disabledEndpoints.queryOptions(input), refetchInterval: 15_000 });
  const reenable = useMutation(
    trpc.topic.reenable.mutationOptions({
      onSuccess: async () => {
        toast("Endpoint re-enabled: deliveries resume");
        await Promise.all([
          qc.invalidateQueries({ queryKey: trpc.delivery.disabledEndpoints.pathKey() }),
          qc.invalidateQueries({ queryKey: trpc.topic.subscriptions.pathKey() }),
        ]);
      },
      onError: (e) => toast(e.message, "danger"),
    }),
  );
  const rows = ((q.data ?? []) as DisabledEndpoint[]).filter((r) => !topicId || r.topicId === topicId);
  return (
    <Card className="min-w-0">
      <CardHeader
        title="Disabled endpoints"
        description="Stopped after failing continuously. New messages are skipped until re-enabled."
      />
      <div className="px-5 py-3">
        {q.isPending ? (
          <LoadingBlock />
        ) : q.error ? (
          <Alert tone="danger">{q.error.message}</Alert>
        ) : rows.length === 0 ? (
          <p className="py-4 text-sm text-gray-500">Every endpoint is enabled.</p>
        ) : (
          <ul className="divide-y divide-gray-100" data-testid="disabled-endpoints">
            {rows.map((r) => (
              <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 py-2.5">
                <div className="min-w-0 flex-1">
                  <Link
                    href={`/t/${tenant}/deliveries/endpoints/${encodeURIComponent(r.id)}`}
                    className="block hover:underline"
                  >
                    <MiddleTruncate value={r.endpoint} className="font-mono text-xs text-gray-900" />
                  </Link>
                  <div className="truncate text-xs text-gray-500">
                    {r.topicName} · {r.disabledReason ?? `${r.consecutiveFailures} consecutive failures`} ·{" "}
                    <RelativeTime date={r.disabledAt} />
                  </div>
                </div>
                {canWrite && (
                  <Button
                    size="sm"
                    variant="secondary"
                    loading={reenable.isPending && reenable.variables?.id === r.id}
                    onClick={() => reenable.mutate({ tenant, id: r.id })}
                  >
                    Re-enable
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}

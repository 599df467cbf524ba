"use client";
import { useEffect, useMemo, useState } from "react";
import Link from "next/link";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ArrowLeft } from "lucide-react";
import {
  Alert,
  Badge,
  Card,
  CardBody,
  CardHeader,
  CopyButton,
  EmptyState,
  LoadingBlock,
  MiddleTruncate,
  RelativeTime,
  SegmentedControl,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { usePermissions } from "@/components/layout/permissions";
import { SUB_STATUS_LABEL, SUB_STATUS_TONE, subStatus } from "@/components/topics/subscription-status";
import { DeliveryChart } from "./delivery-chart";
import { AttemptLog, EMPTY_FILTERS, type AttemptFilters } from "./attempt-log";
import { AttemptDrawer } from "./attempt-drawer";
import { Stat, failedSub, latencySub, type Totals } from "./stats";
import { RANGES, fillBuckets, formatMs, formatRate, rangeMs, type RangeId, type SeriesPoint } from "./time-range";

type LastAttempt = {
  id: string;
  outcome: string;
  startedAt: Date | string;
  durationMs: number;
  responseStatus: number | null;
  error: string | null;
  nextRetryAt: Date | string | null;
};

/**
 * /t/<slug>/deliveries/endpoints/<subscription id>: one endpoint as Svix and Hookdeck show it:
 * success rate, latency, its last response, health over time and its attempts, searchable.
 */
export function EndpointView({ subscriptionId }: { subscriptionId: string }) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const { can } = usePermissions();
  const [rangeId, setRangeId] = useState<RangeId>("24h");
  const [now, setNow] = useState(() => Date.now());
  const [filters, setFilters] = useState<AttemptFilters>(EMPTY_FILTERS);
  const [openAttempt, setOpenAttempt] = useState<string | null>(null);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 10_000);
    return () => clearInterval(t);
  }, []);
  const { from, to } = useMemo(() => {
    const end = Math.ceil(now / 1000) * 1000 + 1000;
    return { from: new Date(end - rangeMs(rangeId)), to: new Date(end) };
  }, [now, rangeId]);
  const q = useQuery({
    ...trpc.delivery.endpoint.queryOptions({ tenant: tenant.slug, subscriptionId, from, to }),
    placeholderData: keepPreviousData,
    retry: false,
  });
  const chartFrom = q.data?.from ? new Date(q.data.from).getTime() : from.getTime();
  const chart = useMemo(
    () => (q.data ? fillBuckets(q.data.points as SeriesPoint[], new Date(chartFrom), to, q.data.bucketSeconds) : []),
    [q.data, chartFrom, to],
  );
  const back = (
    <Link
      href={`/t/${tenant.slug}/deliveries`}
      className="inline-flex items-center gap-1 text-sm text-gray-500 hover:text-gray-900"
    >
      <ArrowLeft className="h-4 w-4" aria-hidden />
      Deliveries
    </Link>
  );
  if (q.isPending) return <LoadingBlock label="Loading the endpoint…" />;
  if (q.error && !q.data)
    return (
      <div className="space-y-4">
        {back}
        <EmptyState title="Endpoint not found" description={q.error.message} className="max-w-xl" />
      </div>
    );
  const { endpoint: e, totals: rawTotals, lastAttempt: rawLast } = q.data!;
  const totals = rawTotals as Totals;
  const last = rawLast as LastAttempt | null;
  const status = subStatus(e);
  const total = totals.succeeded + totals.failed + totals.dlq + totals.retrying + totals.pending;
  return (
    <div className="space-y-5" data-testid="endpoint-view">
      <div className="min-w-0 space-y-2">
        {back}
        <div className="flex min-w-0 items-center gap-2">
          <h1 className="min-w-0 text-xl font-semibold tracking-tight text-gray-900 sm:text-2xl">
            <MiddleTruncate value={e.endpoint} className="font-mono" />
          </h1>
          <CopyButton value={e.endpoint} label="Copy endpoint" />
        </div>
        <div className="flex flex-wrap items-center gap-2 text-sm text-gray-500">
          <Badge tone={SUB_STATUS_TONE[status]} dot>
            {SUB_STATUS_LABEL[status]}
          </Badge>
          <span className="uppercase">{e.protocol}</span>·
          <span>
            topic{" "}
            <Link
              className="font-medium text-accent-700 hover:underline"
              href={`/t/${tenant.slug}/topics/${encodeURIComponent(e.topicName)}?tab=subscriptions`}
            >
              {e.topicName}
            </Link>
          </span>
          {e.disabledAt && <span>· disabled: {e.disabledReason ?? `${e.consecutiveFailures} failures in a row`}</span>}
        </div>
      </div>

      <SegmentedControl
        label="Time range"
        options={RANGES.map((r) => ({ value: r.id, label: r.id, ariaLabel: `Last ${r.label}` }))}
        value={rangeId}
        onChange={setRangeId}
      />

      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4" data-testid="endpoint-stats">
        <Stat
          testId="endpoint-success-rate"
          label="Success rate"
          value={formatRate(totals.successRate)}
          sub={`${totals.succeeded} of ${totals.succeeded + totals.failed + totals.dlq} finished`}
          tone={totals.successRate === null ? undefined : totals.successRate >= 0.99 ? "good" : "bad"}
        />
        <Stat
          testId="endpoint-latency"
          label="Latency p50 / p95"
          value={formatMs(totals.p50LatencyMs)}
          sub={latencySub(totals)}
        />
        <Stat
          testId="endpoint-failed"
          label="Failed"
          value={totals.failed + totals.dlq}
          sub={failedSub(totals)}
          tone={totals.failed + totals.dlq > 0 ? "bad" : undefined}
        />
        <Stat
          testId="endpoint-last-response"
          label="Last response"
          value={last ? (last.responseStatus ?? (last.outcome === "succeeded" ? "OK" : "No answer")) : "—"}
          sub={
            last ? (
              <span className="flex min-w-0 flex-wrap gap-x-1">
                <span className="min-w-0 truncate" title={last.error ?? undefined}>
                  {last.error ?? `${formatMs(last.durationMs)}`}
                </span>
                · <RelativeTime date={last.startedAt} />
              </span>
            ) : (
              "never tried yet"
            )
          }
          tone={last ? (last.outcome === "succeeded" ? "good" : "bad") : undefined}
        />
      </div>

      <Card className="min-w-0">
        <CardHeader
          title="Health"
          description="Deliveries to this endpoint by publish time and where they stand now."
        />
        <CardBody>
          {total === 0 ? (
            <p className="py-10 text-center text-sm text-gray-500" data-testid="endpoint-chart-empty">
              No deliveries to this endpoint in the last {RANGES.find((r) => r.id === rangeId)?.label}.
            </p>
          ) : (
            <DeliveryChart data={chart} bucketSeconds={q.data!.bucketSeconds} />
          )}
        </CardBody>
      </Card>
      {q.error && <Alert tone="danger">{q.error.message}</Alert>}

      <AttemptLog
        title="Attempts to this endpoint"
        tenant={tenant.slug}
        from={from}
        to={to}
        topicId={null}
        subscriptionId={e.id}
        filters={filters}
        onFiltersChange={setFilters}
        onOpen={setOpenAttempt}
        live
      />
      <AttemptDrawer
        tenant={tenant.slug}
        attemptId={openAttempt}
        onClose={() => setOpenAttempt(null)}
        canWrite={can("resource:write")}
        onOpenAttempt={setOpenAttempt}
      />
    </div>
  );
}

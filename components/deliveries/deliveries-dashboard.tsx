"use client";
import { useEffect, useMemo, useState } from "react";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Activity, RotateCcw } from "lucide-react";
import { Alert, Button, Card, CardBody, CardHeader, LoadingBlock, SegmentedControl, Select, cn } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { usePermissions } from "@/components/layout/permissions";
import { DeliveryChart } from "./delivery-chart";
import { Stat, failedSub, latencySub, type Totals } from "./stats";
import { AttemptLog, EMPTY_FILTERS, type AttemptFilters } from "./attempt-log";
import { AttemptDrawer } from "./attempt-drawer";
import { ResendFailedDialog } from "./resend-failed-dialog";
import { DisabledEndpointsCard, FailingEndpointsCard } from "./endpoint-cards";
import { EmailOutboxCard } from "./email-outbox";
import { RANGES, fillBuckets, formatMs, formatRate, rangeMs, type RangeId, type SeriesPoint } from "./time-range";
import { WORKFLOW_NO_RESEND, type DeliveryNotification, type SourceKind } from "./types";

// The dashboard's source filter: topic subscriptions, or what rules, schedules, … invoked.
const SOURCE_OPTIONS: Array<{ value: SourceKind | ""; label: string }> = [
  { value: "", label: "All sources" },
  { value: "topic", label: "Topics" },
  { value: "rule", label: "Event rules" },
  { value: "schedule", label: "Schedules" },
  { value: "function", label: "Functions" },
  { value: "workflow", label: "Workflows" },
  { value: "api", label: "APIs" },
];

/**
 * The operators' deliveries dashboard. Whole tenant (no `topicId`), or fixed to one topic (topic
 * page). The toolbar narrows to a topic and/or one subscription; everything below follows it.
 */
export function DeliveriesDashboard({
  tenant,
  topicId: fixedTopicId,
  initialSubscriptionId = null,
  initialMessageId = "",
  initialSourceArn = null,
}: {
  tenant: string;
  topicId?: string;
  initialSubscriptionId?: string | null;
  initialMessageId?: string;
  /** One source by ARN (an event rule, a schedule), e.g. from the event explorer's link. */
  initialSourceArn?: string | null;
}) {
  const trpc = useTRPC();
  const { can } = usePermissions();
  const canWrite = can("resource:write");
  const [rangeId, setRangeId] = useState<RangeId>("1h");
  const [live, setLive] = useState(true);
  const [now, setNow] = useState(() => Date.now());
  const [pickedTopic, setPickedTopic] = useState<string | null>(null);
  const [subscriptionId, setSubscriptionId] = useState<string | null>(initialSubscriptionId);
  const [sourceArn, setSourceArn] = useState<string | null>(initialSourceArn);
  const [sourceKind, setSourceKind] = useState<SourceKind | null>(() => kindOfSourceArn(initialSourceArn));
  useEffect(() => {
    setSourceArn(initialSourceArn);
    if (initialSourceArn) setSourceKind(kindOfSourceArn(initialSourceArn));
  }, [initialSourceArn]);
  const [filters, setFilters] = useState<AttemptFilters>({ ...EMPTY_FILTERS, messageId: initialMessageId });
  const [openAttempt, setOpenAttempt] = useState<string | null>(null);
  const [resending, setResending] = useState(false);
  useEffect(() => setSubscriptionId(initialSubscriptionId), [initialSubscriptionId]);
  useEffect(() => setFilters((f) => ({ ...f, messageId: initialMessageId })), [initialMessageId]);
  useEffect(() => {
    if (!live) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(t);
  }, [live]);
  const topicId = fixedTopicId ?? pickedTopic;
  const { from, to } = useMemo(() => {
    const end = Math.ceil(now / 1000) * 1000 + 1000;
    return { from: new Date(end - rangeMs(rangeId)), to: new Date(end) };
  }, [now, rangeId]);

  const topics = useQuery({ ...trpc.topic.list.queryOptions({ tenant }), enabled: !fixedTopicId });
  const subs = useQuery(trpc.topic.subscriptions.queryOptions({ tenant, topicId: topicId ?? undefined }));
  const overview = useQuery({
    ...trpc.delivery.overview.queryOptions({ tenant, topicId, subscriptionId, sourceKind, sourceArn, from, to }),
    placeholderData: keepPreviousData,
  });
  const totals = overview.data?.totals as Totals | undefined;
  // The server zooms the chart to where the deliveries are (its `from`), the tiles keep the whole range.
  const chartFrom = overview.data?.from ? new Date(overview.data.from).getTime() : from.getTime();
  const chart = useMemo(
    () =>
      overview.data
        ? fillBuckets(overview.data.points as SeriesPoint[], new Date(chartFrom), to, overview.data.bucketSeconds)
        : [],
    [overview.data, chartFrom, to],
  );
  const zoomed = chartFrom > from.getTime() + 60_000;
  const anyInRange =
    chart.some((p) => p.succeeded + p.failed + p.retrying > 0) ||
    (totals && totals.succeeded + totals.failed + totals.dlq + totals.retrying + totals.pending > 0);

  const topicOptions = (topics.data ?? []).map((t) => ({ id: t.id, label: t.name }));
  const subOptions = (subs.data ?? []).map((s) => ({ id: s.id, label: `${s.protocol} → ${s.endpoint}` }));
  const scopeLabel = sourceArn
    ? `this ${sourceKind ?? "source"}`
    : subscriptionId
      ? "this subscription"
      : topicId
        ? "this topic"
        : "this team";

  return (
    <div className="space-y-5" data-testid="deliveries-dashboard">
      {!fixedTopicId && <DisabledNotifications tenant={tenant} />}
      {sourceArn && (
        <div
          className="flex flex-wrap items-center gap-2 rounded-lg border border-accent-200 bg-accent-50/60 px-3 py-2 text-sm"
          data-testid="source-scope"
        >
          <span className="text-gray-700">
            Only deliveries from {sourceKind ?? "source"}{" "}
            <code className="font-mono text-xs break-all text-gray-900">{sourceArn.split(/[:/]/).pop()}</code>
          </span>
          <Button size="sm" variant="ghost" onClick={() => setSourceArn(null)}>
            Show all
          </Button>
        </div>
      )}
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="flex flex-wrap items-end gap-3">
          <SegmentedControl
            label="Time range"
            options={RANGES.map((r) => ({ value: r.id, label: r.id, ariaLabel: `Last ${r.label}` }))}
            value={rangeId}
            onChange={setRangeId}
          />
          <button
            type="button"
            aria-pressed={live}
            onClick={() => setLive(!live)}
            className={cn(
              "inline-flex h-9 items-center gap-2 rounded-md border px-3 text-sm font-medium shadow-sm",
              live ? "border-green-300 bg-green-50 text-green-800" : "border-gray-300 bg-white text-gray-700",
            )}
            title={live ? "Refreshing every 5 seconds; click to pause" : "Paused; click to follow live"}
          >
            <span
              className={cn("h-2 w-2 rounded-full", live ? "animate-pulse bg-green-500" : "bg-gray-400")}
              aria-hidden
            />
            {live ? "Live" : "Paused"}
          </button>
        </div>
        <div className="flex w-full flex-wrap items-end gap-3 sm:w-auto">
          {!fixedTopicId && (
            <label className="w-full min-w-0 text-xs font-medium text-gray-600 sm:w-40 sm:flex-none">
              Source
              <Select
                className="mt-1"
                value={sourceKind ?? ""}
                onChange={(e) => {
                  const v = (e.target.value || null) as SourceKind | null;
                  setSourceKind(v);
                  setSourceArn(null);
                  // Topics and subscriptions narrow topic deliveries only.
                  if (v && v !== "topic") {
                    setPickedTopic(null);
                    setSubscriptionId(null);
                  }
                }}
              >
                {SOURCE_OPTIONS.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </Select>
            </label>
          )}
          {!fixedTopicId && (
            <label className="w-full min-w-0 text-xs font-medium text-gray-600 sm:w-48 sm:flex-none">
              Topic
              <Select
                className="mt-1"
                value={pickedTopic ?? ""}
                onChange={(e) => {
                  setPickedTopic(e.target.value || null);
                  setSubscriptionId(null);
                }}
              >
                <option value="">All topics</option>
                {topicOptions.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.label}
                  </option>
                ))}
              </Select>
            </label>
          )}
          <label className="w-full min-w-0 text-xs font-medium text-gray-600 sm:w-64 sm:flex-none">
            Subscription
            <Select
              className="mt-1"
              value={subscriptionId ?? ""}
              onChange={(e) => setSubscriptionId(e.target.value || null)}
            >
              <option value="">All subscriptions</option>
              {subscriptionId && !subOptions.some((s) => s.id === subscriptionId) && (
                <option value={subscriptionId}>{subscriptionId}</option>
              )}
              {subOptions.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.label}
                </option>
              ))}
            </Select>
          </label>
        </div>
      </div>

      {overview.error ? (
        <Alert tone="danger" title="Could not load deliveries">
          {overview.error.message}
        </Alert>
      ) : (
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5" data-testid="delivery-stats">
          <Stat
            testId="stat-succeeded"
            label="Succeeded"
            value={totals ? totals.succeeded : "…"}
            tone={totals?.succeeded ? "good" : undefined}
          />
          <Stat
            testId="stat-failed"
            label="Failed"
            value={totals ? totals.failed + totals.dlq : "…"}
            sub={totals ? failedSub(totals) : undefined}
            tone={totals && totals.failed + totals.dlq > 0 ? "bad" : undefined}
          />
          <Stat
            testId="stat-retrying"
            label="Retrying"
            value={totals ? totals.retrying + totals.pending : "…"}
            sub={totals?.pending ? `${totals.pending} not tried yet` : "waiting for a retry"}
            tone={totals && totals.retrying > 0 ? "warn" : undefined}
          />
          <Stat
            testId="stat-success-rate"
            label="Success rate"
            value={totals ? formatRate(totals.successRate) : "…"}
            sub="of finished deliveries"
          />
          <Stat
            testId="stat-latency"
            className="col-span-2 sm:col-span-1"
            label="Latency p50 / p95"
            value={totals ? formatMs(totals.p50LatencyMs) : "…"}
            sub={totals ? latencySub(totals) : undefined}
          />
        </div>
      )}

      <Card className="min-w-0">
        <CardHeader
          title="Deliveries over time"
          description={
            zoomed
              ? `Deliveries by publish time and where they stand now. Zoomed to the first delivery of the last ${RANGES.find((r) => r.id === rangeId)?.label}.`
              : `Deliveries by publish time and where they stand now: delivered, waiting for a retry, failed.`
          }
          actions={
            canWrite &&
            (sourceKind === "workflow" ? (
              <span title={WORKFLOW_NO_RESEND} data-testid="resend-all-unavailable">
                <Button variant="secondary" size="sm" disabled>
                  <RotateCcw className="h-4 w-4" aria-hidden />
                  Resend all failed…
                </Button>
              </span>
            ) : (
              <Button variant="secondary" size="sm" onClick={() => setResending(true)}>
                <RotateCcw className="h-4 w-4" aria-hidden />
                Resend all failed…
              </Button>
            ))
          }
        />
        <CardBody>
          {overview.isPending ? (
            <LoadingBlock label="Loading the chart…" />
          ) : !anyInRange ? (
            <div
              className="flex h-64 flex-col items-center justify-center gap-2 text-center text-sm text-gray-500"
              data-testid="chart-empty"
            >
              <Activity className="h-6 w-6 text-gray-300" aria-hidden />
              <p className="font-medium text-gray-700">
                No deliveries in the last {RANGES.find((r) => r.id === rangeId)?.label}
              </p>
              <p className="max-w-sm">
                Deliveries appear here as soon as a message is published to a topic with subscriptions.
              </p>
            </div>
          ) : (
            <DeliveryChart data={chart} bucketSeconds={overview.data?.bucketSeconds ?? 60} />
          )}
        </CardBody>
      </Card>

      <div className="grid gap-5 lg:grid-cols-2">
        <FailingEndpointsCard
          tenant={tenant}
          topicId={topicId}
          subscriptionId={subscriptionId}
          sourceKind={sourceKind}
          sourceArn={sourceArn}
          from={from}
          to={to}
          live={live}
          onPick={(id) => setSubscriptionId(id)}
        />
        <DisabledEndpointsCard tenant={tenant} topicId={topicId} canWrite={canWrite} />
      </div>

      <AttemptLog
        tenant={tenant}
        from={from}
        to={to}
        topicId={topicId}
        subscriptionId={subscriptionId}
        sourceKind={sourceKind}
        sourceArn={sourceArn}
        filters={filters}
        onFiltersChange={setFilters}
        topics={topicOptions}
        onOpen={setOpenAttempt}
        live={live}
      />

      {!fixedTopicId && <EmailOutboxCard tenant={tenant} />}

      <AttemptDrawer
        tenant={tenant}
        attemptId={openAttempt}
        onClose={() => setOpenAttempt(null)}
        canWrite={canWrite}
        onOpenAttempt={setOpenAttempt}
      />
      {canWrite && (
        <ResendFailedDialog
          open={resending}
          onClose={() => setResending(false)}
          tenant={tenant}
          topicId={topicId}
          subscriptionId={subscriptionId}
          sourceKind={sourceKind}
          defaultSince={from}
          scopeLabel={scopeLabel}
        />
      )}
    </div>
  );
}

/** Unread "endpoint disabled" notices, so nobody misses that deliveries stopped. */
function DisabledNotifications({ tenant }: { tenant: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const q = useQuery({
    ...trpc.delivery.notifications.queryOptions({ tenant, unreadOnly: true }),
    refetchInterval: 30_000,
  });
  const mark = useMutation(
    trpc.delivery.markNotificationsRead.mutationOptions({
      onSuccess: () => qc.invalidateQueries({ queryKey: trpc.delivery.notifications.pathKey() }),
    }),
  );
  const rows = (q.data ?? []) as DeliveryNotification[];
  if (rows.length === 0) return null;
  return (
    <Alert
      tone="warning"
      title={rows.length === 1 ? "An endpoint needs attention" : `${rows.length} notices about your endpoints`}
      actions={
        <Button
          size="sm"
          variant="secondary"
          loading={mark.isPending}
          onClick={() => mark.mutate({ tenant, ids: rows.map((r) => r.id) })}
        >
          Dismiss
        </Button>
      }
    >
      <ul className="list-disc space-y-0.5 pl-5">
        {rows.slice(0, 5).map((r) => (
          <li key={r.id}>{r.message}</li>
        ))}
      </ul>
    </Alert>
  );
}

/** The source kind an ARN names: an EventBridge rule or a Scheduler schedule (else none). */
function kindOfSourceArn(arn: string | null): SourceKind | null {
  if (!arn) return null;
  if (/^arn:aws:events:[^:]*:[^:]*:rule\//.test(arn)) return "rule";
  if (/^arn:aws:scheduler:[^:]*:[^:]*:schedule\//.test(arn)) return "schedule";
  return null;
}

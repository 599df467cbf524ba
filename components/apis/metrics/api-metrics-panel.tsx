"use client";
import { useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Activity } from "lucide-react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { Alert, Card, CardBody, CardHeader, EmptyState, LoadingBlock, SegmentedControl, Select } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { bucketLabel, formatMs, tickLabel, timeTicks } from "@/components/deliveries/time-range";

// An API's CloudWatch-style metrics (Count, 4XXError, 5XXError, Latency, IntegrationLatency,
// CacheHitCount/CacheMissCount) over a range ending now, for all stages or one. The server zooms
// the range to where the data is and picks the period; the totals come from the same rows as the
// charts. Standalone ({tenant, apiId, stages}) so REST, HTTP and WebSocket API pages can mount it.

export const METRIC_RANGES = [
  { value: "1h", label: "1 h", ms: 3600_000 },
  { value: "3h", label: "3 h", ms: 3 * 3600_000 },
  { value: "12h", label: "12 h", ms: 12 * 3600_000 },
  { value: "1d", label: "1 day", ms: 86400_000 },
  { value: "7d", label: "7 days", ms: 7 * 86400_000 },
  { value: "15d", label: "15 days", ms: 15 * 86400_000 },
] as const;
type RangeValue = (typeof METRIC_RANGES)[number]["value"];

const axis = { tick: { fontSize: 11, fill: "#6b7280" }, tickLine: false } as const;
const tooltipStyle = { fontSize: 12, borderRadius: 8, borderColor: "#e5e7eb" };

function Stat({ label, value, sub }: { label: string; value: string; sub?: string }) {
  return (
    <div className="rounded-lg border border-gray-200 bg-white px-4 py-3" data-stat={label}>
      <div className="text-xs font-medium text-gray-500">{label}</div>
      <div className="mt-1 text-xl font-semibold text-gray-900 tabular-nums">{value}</div>
      {sub && <div className="mt-0.5 text-xs text-gray-500">{sub}</div>}
    </div>
  );
}

const n = (v: number) => v.toLocaleString();

/** A bar chart of a few series per period (stacked). */
function SeriesBars({
  title,
  description,
  label,
  data,
  xAxis,
  labelFormatter,
  series,
}: {
  title: string;
  description: string;
  label: string;
  data: Record<string, unknown>[];
  xAxis: React.ComponentProps<typeof XAxis>;
  labelFormatter: (v: unknown) => string;
  series: readonly (readonly [key: string, name: string, color: string])[];
}) {
  return (
    <Card>
      <CardHeader title={title} description={description} />
      <CardBody>
        <div className="h-60 w-full" role="img" aria-label={label}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e5e7eb" />
              <XAxis {...xAxis} />
              <YAxis allowDecimals={false} axisLine={false} width={48} {...axis} />
              <Tooltip labelFormatter={labelFormatter} contentStyle={tooltipStyle} />
              <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12 }} />
              {series.map(([key, name, color]) => (
                <Bar key={key} dataKey={key} name={name} stackId="s" fill={color} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
      </CardBody>
    </Card>
  );
}

/**
 * An API's metrics. `websocket`: CloudWatch's WebSocket names (ConnectCount, MessageCount,
 * ClientError, IntegrationError, ExecutionError, IntegrationLatency) instead of the request ones.
 */
export function ApiMetricsPanel({
  tenant,
  apiId,
  stages,
  websocket = false,
}: {
  tenant: string;
  apiId: string;
  stages: string[];
  websocket?: boolean;
}) {
  const trpc = useTRPC();
  const [range, setRange] = useState<RangeValue>("3h");
  const [stage, setStage] = useState<string>("");
  // "GET /items": one method of one resource (CloudWatch's Resource and Method dimensions).
  const [resource, setResource] = useState<string>("");
  const [known, setKnown] = useState<string[]>([]);
  // The range ends "now" when asked; a minute's rounding keeps the query key stable between renders.
  const [now] = useState(() => Date.now());
  const ms = METRIC_RANGES.find((r) => r.value === range)!.ms;
  const input = {
    tenant,
    apiId,
    from: new Date(now - ms).toISOString(),
    stage: stage || undefined,
    ...(resource
      ? { method: resource.split(" ")[0] as "GET", resource: resource.slice(resource.indexOf(" ") + 1) }
      : {}),
  };
  const q = useQuery({ ...trpc.apis.metrics.queryOptions(input), refetchInterval: 30_000 });
  const dims = q.data?.dimensions;
  const choices = useMemo(
    () => [...new Set([...known, ...(dims ?? []).map((d) => `${d.method} ${d.resource}`)])].sort(),
    [known, dims],
  );
  if (choices.length !== known.length) setKnown(choices);
  const data = useMemo(
    () =>
      (q.data?.points ?? []).map((p) => ({
        ...p,
        t: Date.parse(p.time),
        ok: p.count - p.errors4xx - p.errors5xx,
      })),
    [q.data],
  );
  const xAxis = useMemo(() => {
    const from = data[0]?.t ?? 0;
    const to = data[data.length - 1]?.t ?? from;
    const { ticks, stepMs } = timeTicks(from, to);
    return {
      dataKey: "t",
      type: "number" as const,
      scale: "time" as const,
      domain: ["dataMin", "dataMax"] as [string, string],
      ticks,
      tickFormatter: (t: number) => tickLabel(t, stepMs, to - from),
      minTickGap: 16,
      axisLine: { stroke: "#e5e7eb" },
      ...axis,
    };
  }, [data]);

  const controls = (
    <div className="flex flex-wrap items-center gap-3">
      <SegmentedControl label="Time range" options={METRIC_RANGES} value={range} onChange={setRange} />
      <div className="w-44">
        <Select aria-label="Stage" value={stage} onChange={(e) => setStage(e.target.value)}>
          <option value="">All stages</option>
          {stages.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </Select>
      </div>
      <div className="w-64">
        <Select aria-label="Resource" value={resource} onChange={(e) => setResource(e.target.value)}>
          <option value="">{websocket ? "All route keys" : "All resources and methods"}</option>
          {choices.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </Select>
      </div>
    </div>
  );
  if (q.isPending)
    return (
      <div className="space-y-4">
        {controls}
        <LoadingBlock />
      </div>
    );
  if (q.error)
    return (
      <div className="space-y-4">
        {controls}
        <Alert tone="danger" title="Could not load metrics">
          {q.error.message}
        </Alert>
      </div>
    );
  const m = q.data;
  const t = m.totals;
  const per = bucketLabel(m.period);
  const label = (v: unknown) => `${new Date(Number(v)).toLocaleString()} (per ${per})`;
  return (
    <div className="space-y-4" data-testid="api-metrics">
      {controls}
      {t.count === 0 ? (
        <EmptyState
          icon={<Activity className="h-6 w-6" aria-hidden />}
          title={websocket ? "No connections or messages in this range" : "No requests in this range"}
          description={
            websocket
              ? "Connect to a deployed stage's WebSocket URL and send a message; counts appear here within a few seconds."
              : "Call a deployed stage's invoke URL; counts appear here within a few seconds."
          }
        />
      ) : websocket ? (
        <>
          <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
            <Stat label="ConnectCount" value={n(t.connectCount)} sub="$connect requests" />
            <Stat label="MessageCount" value={n(t.messageCount)} sub="to and from clients" />
            <Stat label="ClientError" value={n(t.clientErrors)} sub="4XX before the integration" />
            <Stat label="IntegrationError" value={n(t.integrationErrors)} sub="integration answered 4XX/5XX" />
            <Stat label="ExecutionError" value={n(t.executionErrors)} sub="integration call failed" />
            <Stat
              label="IntegrationLatency"
              value={formatMs(t.integrationLatencyAvg)}
              sub={`max ${formatMs(t.integrationLatencyMax)}`}
            />
          </div>
          <p className="text-xs text-gray-500">
            {new Date(m.from).toLocaleString()} – {new Date(m.to).toLocaleString()}, one point per {per}
            {Date.parse(m.from) > Date.parse(m.requested.from) ? " (zoomed to where the data is)" : ""}.
          </p>
          <div className="grid gap-4 xl:grid-cols-2">
            <SeriesBars
              title="Connections and messages"
              description={`ConnectCount and MessageCount, per ${per}`}
              label="Connections and messages per period"
              data={data}
              xAxis={xAxis}
              labelFormatter={label}
              series={[
                ["connectCount", "ConnectCount", "#0284c7"],
                ["messageCount", "MessageCount", "#4f46e5"],
              ]}
            />
            <SeriesBars
              title="Errors"
              description={`ClientError, IntegrationError and ExecutionError, per ${per}`}
              label="Errors per period"
              data={data}
              xAxis={xAxis}
              labelFormatter={label}
              series={[
                ["clientErrors", "ClientError", "#f59e0b"],
                ["integrationErrors", "IntegrationError", "#ea580c"],
                ["executionErrors", "ExecutionError", "#dc2626"],
              ]}
            />
          </div>
        </>
      ) : (
        <>
          <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
            <Stat
              label="Requests (Count)"
              value={n(t.count)}
              sub={`${n(t.count - t.errors4xx - t.errors5xx)} 2XX/3XX`}
            />
            <Stat label="4XXError" value={n(t.errors4xx)} sub={`${((t.errors4xx / t.count) * 100).toFixed(1)} %`} />
            <Stat label="5XXError" value={n(t.errors5xx)} sub={`${((t.errors5xx / t.count) * 100).toFixed(1)} %`} />
            <Stat
              label="Latency"
              value={formatMs(t.latencyAvg)}
              sub={`p50 ${formatMs(t.latencyP50)} · p90 ${formatMs(t.latencyP90)} · p99 ${formatMs(t.latencyP99)}`}
            />
            <Stat
              label="IntegrationLatency"
              value={formatMs(t.integrationLatencyAvg)}
              sub={`max ${formatMs(t.integrationLatencyMax)}`}
            />
            <Stat
              label="Cache hits / misses"
              value={`${n(t.cacheHits)} / ${n(t.cacheMisses)}`}
              sub={t.cacheHitRate === null ? "caching off" : `${Math.round(t.cacheHitRate * 100)} % hits`}
            />
          </div>
          <p className="text-xs text-gray-500">
            {new Date(m.from).toLocaleString()} – {new Date(m.to).toLocaleString()}, one point per {per}
            {Date.parse(m.from) > Date.parse(m.requested.from) ? " (zoomed to where the data is)" : ""}. Latency
            percentiles are estimated from a bucketed histogram.
          </p>
          <div className="grid gap-4 xl:grid-cols-2">
            <Card>
              <CardHeader title="Requests" description={`Count by outcome, per ${per}`} />
              <CardBody>
                <div className="h-60 w-full" role="img" aria-label="Requests per period: 2XX/3XX, 4XX and 5XX">
                  <ResponsiveContainer width="100%" height="100%">
                    <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
                      <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e5e7eb" />
                      <XAxis {...xAxis} />
                      <YAxis allowDecimals={false} axisLine={false} width={48} {...axis} />
                      <Tooltip labelFormatter={label} contentStyle={tooltipStyle} />
                      <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12 }} />
                      <Bar dataKey="ok" name="2XX/3XX" stackId="c" fill="#4f46e5" isAnimationActive={false} />
                      <Bar dataKey="errors4xx" name="4XXError" stackId="c" fill="#f59e0b" isAnimationActive={false} />
                      <Bar dataKey="errors5xx" name="5XXError" stackId="c" fill="#dc2626" isAnimationActive={false} />
                    </BarChart>
                  </ResponsiveContainer>
                </div>
              </CardBody>
            </Card>
            <Card>
              <CardHeader title="Latency" description="Milliseconds: average, p50, p90, p99 and integration average" />
              <CardBody>
                <div className="h-60 w-full" role="img" aria-label="Latency per period in milliseconds">
                  <ResponsiveContainer width="100%" height="100%">
                    <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
                      <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e5e7eb" />
                      <XAxis {...xAxis} />
                      <YAxis axisLine={false} width={48} {...axis} />
                      <Tooltip
                        labelFormatter={label}
                        contentStyle={tooltipStyle}
                        formatter={(v) => formatMs(Number(v))}
                      />
                      <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12 }} />
                      {(
                        [
                          ["latencyAvg", "Average", "#4f46e5", 2],
                          ["latencyP50", "p50", "#0284c7", 1.5],
                          ["latencyP90", "p90", "#f59e0b", 1.5],
                          ["latencyP99", "p99", "#dc2626", 1.5],
                          ["integrationLatencyAvg", "Integration", "#15803d", 1.5],
                        ] as const
                      ).map(([key, name, color, w]) => (
                        <Line
                          key={key}
                          type="monotone"
                          dataKey={key}
                          name={name}
                          stroke={color}
                          strokeWidth={w}
                          dot={data.length < 30}
                          connectNulls
                          isAnimationActive={false}
                        />
                      ))}
                    </LineChart>
                  </ResponsiveContainer>
                </div>
              </CardBody>
            </Card>
            <Card>
              <CardHeader title="Cache" description={`CacheHitCount and CacheMissCount, per ${per}`} />
              <CardBody>
                <div className="h-60 w-full" role="img" aria-label="Cache hits and misses per period">
                  <ResponsiveContainer width="100%" height="100%">
                    <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
                      <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e5e7eb" />
                      <XAxis {...xAxis} />
                      <YAxis allowDecimals={false} axisLine={false} width={48} {...axis} />
                      <Tooltip labelFormatter={label} contentStyle={tooltipStyle} />
                      <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12 }} />
                      <Bar dataKey="cacheHits" name="Hits" stackId="k" fill="#15803d" isAnimationActive={false} />
                      <Bar dataKey="cacheMisses" name="Misses" stackId="k" fill="#9ca3af" isAnimationActive={false} />
                    </BarChart>
                  </ResponsiveContainer>
                </div>
              </CardBody>
            </Card>
          </div>
        </>
      )}
    </div>
  );
}

"use client";
import { useEffect, useMemo, useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Activity } from "lucide-react";
import { Alert, Card, CardBody, CardHeader, EmptyState, LoadingBlock, SegmentedControl } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { RANGES, bucketLabel, rangeMs, tickLabel, timeTicks, type RangeId } from "@/components/deliveries/time-range";

// AWS/Events metric names, as CloudWatch shows them for a rule.
const SERIES = [
  { key: "matchedEvents", label: "MatchedEvents", color: "#6366f1" },
  { key: "invocations", label: "Invocations", color: "#16a34a" },
  { key: "failedInvocations", label: "FailedInvocations", color: "#dc2626" },
  { key: "throttledRules", label: "ThrottledRules", color: "#f59e0b" },
] as const;
type Key = (typeof SERIES)[number]["key"];
type Point = { t: number } & Record<Key, number>;

/** Per-rule metrics over a range, zoomed to where the data is; the tiles count the whole range. */
export function RuleMetrics({ tenant, bus, rule }: { tenant: string; bus: string; rule: string }) {
  const trpc = useTRPC();
  const [rangeId, setRangeId] = useState<RangeId>("1h");
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 10_000);
    return () => clearInterval(t);
  }, []);
  const { from, to } = useMemo(() => {
    const end = Math.ceil(now / 60_000) * 60_000;
    return { from: new Date(end - rangeMs(rangeId)), to: new Date(end) };
  }, [now, rangeId]);
  const m = useQuery({
    ...trpc.events.ruleMetrics.queryOptions({ tenant, bus, rule, from, to }),
    placeholderData: keepPreviousData,
  });
  const data = useMemo(() => {
    if (!m.data) return [] as Point[];
    const step = m.data.bucketSeconds * 1000;
    const byT = new Map(m.data.points.map((p) => [Math.floor(new Date(p.t).getTime() / step) * step, p]));
    const out: Point[] = [];
    for (let t = Math.floor(new Date(m.data.from).getTime() / step) * step; t < to.getTime(); t += step) {
      const p = byT.get(t);
      out.push({
        t,
        matchedEvents: p?.matchedEvents ?? 0,
        invocations: p?.invocations ?? 0,
        failedInvocations: p?.failedInvocations ?? 0,
        throttledRules: p?.throttledRules ?? 0,
      });
    }
    return out;
  }, [m.data, to]);
  const totals = m.data?.totals;
  return (
    <Card>
      <CardHeader
        title="Rule metrics"
        description={
          m.data && new Date(m.data.from).getTime() > from.getTime() + 60_000
            ? `Zoomed to where the data is, per ${bucketLabel(m.data.bucketSeconds)}; the totals cover the whole ${RANGES.find((r) => r.id === rangeId)?.label}.`
            : m.data
              ? `Per ${bucketLabel(m.data.bucketSeconds)}.`
              : undefined
        }
        actions={
          <SegmentedControl<RangeId>
            label="Time range"
            options={RANGES.map((r) => ({ value: r.id, label: r.id, ariaLabel: r.label }))}
            value={rangeId}
            onChange={setRangeId}
          />
        }
      />
      <CardBody>
        {m.isPending ? (
          <LoadingBlock />
        ) : m.error ? (
          <Alert tone="danger" title="Could not load metrics">
            {m.error.message}
          </Alert>
        ) : (
          <div className="space-y-4">
            <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label="Totals">
              {SERIES.map((s) => (
                <div key={s.key} className="rounded-lg border border-gray-200 px-3 py-2">
                  <dt className="text-xs text-gray-500">{s.label}</dt>
                  <dd className="text-xl font-semibold tabular-nums text-gray-900" data-testid={`metric-${s.key}`}>
                    {(totals?.[s.key] ?? 0).toLocaleString()}
                  </dd>
                </div>
              ))}
            </dl>
            {SERIES.every((s) => !totals?.[s.key]) ? (
              <EmptyState
                icon={<Activity className="h-5 w-5" aria-hidden />}
                title="Nothing in this range"
                description="The rule matched no event in this time range. Send an event from the bus page to see it here."
              />
            ) : (
              <MetricsChart data={data} bucketSeconds={m.data.bucketSeconds} />
            )}
          </div>
        )}
      </CardBody>
    </Card>
  );
}

function MetricsChart({ data, bucketSeconds }: { data: Point[]; bucketSeconds: number }) {
  const from = data[0]?.t ?? 0;
  const to = (data[data.length - 1]?.t ?? 0) + bucketSeconds * 1000;
  const { ticks, stepMs } = timeTicks(from, to);
  return (
    <div className="h-64 w-full" role="img" aria-label={`Rule metrics per ${bucketLabel(bucketSeconds)}`}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} barCategoryGap={1}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e5e7eb" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[from - (bucketSeconds * 1000) / 2, to - (bucketSeconds * 1000) / 2]}
            ticks={ticks}
            tickFormatter={(t: number) => tickLabel(t, stepMs, to - from)}
            tick={{ fontSize: 11, fill: "#6b7280" }}
            minTickGap={16}
            tickLine={false}
            axisLine={{ stroke: "#e5e7eb" }}
          />
          <YAxis
            allowDecimals={false}
            tick={{ fontSize: 11, fill: "#6b7280" }}
            tickLine={false}
            axisLine={false}
            width={48}
          />
          <Tooltip
            cursor={{ fill: "rgba(0,0,0,0.04)" }}
            labelFormatter={(t) => new Date(Number(t)).toLocaleString()}
            contentStyle={{ fontSize: 12, borderRadius: 8, borderColor: "#e5e7eb" }}
          />
          <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12 }} />
          {SERIES.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} isAnimationActive={false} maxBarSize={14} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

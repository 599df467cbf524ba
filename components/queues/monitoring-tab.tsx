"use client";
import { useMemo, useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Alert, Card, CardBody, CardHeader, LoadingBlock, SegmentedControl } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { DepthChart, ThroughputChart, type MetricPoint } from "./queue-charts";

const RANGES = [
  { hours: 1, label: "1h" },
  { hours: 6, label: "6h" },
  { hours: 24, label: "24h" },
] as const;

export function MonitoringTab({ tenant, name }: { tenant: string; name: string }) {
  const trpc = useTRPC();
  const [hours, setHours] = useState(1);
  // Counters are flushed every few seconds and depth is sampled each minute; half a minute is fresh enough.
  const metrics = useQuery({
    ...trpc.queue.metrics.queryOptions({ tenant, name, hours }),
    refetchInterval: 30_000,
    placeholderData: keepPreviousData,
  });
  const data: MetricPoint[] = useMemo(
    () =>
      (metrics.data?.points ?? []).map((p) => ({
        t: new Date(p.minute).getTime(),
        sent: p.sent,
        received: p.received,
        deleted: p.deleted,
        depth: p.depth,
        inFlight: p.inFlight,
        delayed: p.delayed,
      })),
    [metrics.data],
  );
  // The charts start shortly before the first minute with anything in it, so a burst at the end
  // of a 6 or 24 hour range is not a sliver at the right edge (the totals keep the whole range).
  const chartData = useMemo(() => zoomToData(data), [data]);
  const totals = useMemo(
    () =>
      data.reduce(
        (a, p) => ({ sent: a.sent + p.sent, received: a.received + p.received, deleted: a.deleted + p.deleted }),
        { sent: 0, received: 0, deleted: 0 },
      ),
    [data],
  );
  const sampled = data.some((p) => p.depth !== null);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-gray-600">
          Per-minute activity over the last {hours === 1 ? "hour" : `${hours} hours`}. Updates every 30 seconds.
        </p>
        <SegmentedControl
          label="Time range"
          options={RANGES.map((r) => ({ value: r.hours, label: r.label }))}
          value={hours}
          onChange={setHours}
        />
      </div>
      {metrics.isPending ? (
        <LoadingBlock label="Loading metrics…" />
      ) : metrics.error ? (
        <Alert tone="danger" title="Could not load metrics">
          {metrics.error.message}
        </Alert>
      ) : (
        <>
          <dl className="grid grid-cols-3 gap-3">
            {(
              [
                ["Sent", totals.sent],
                ["Received", totals.received],
                ["Deleted", totals.deleted],
              ] as const
            ).map(([k, v]) => (
              <div key={k} className="rounded-lg border border-gray-200 bg-white px-4 py-3">
                <dt className="text-xs font-medium text-gray-500">{k}</dt>
                <dd className="mt-1 text-xl font-semibold text-gray-900 tabular-nums">{v.toLocaleString()}</dd>
              </div>
            ))}
          </dl>
          <Card>
            <CardHeader title="Sent, received and deleted" description="Messages per minute." />
            <CardBody>
              <ThroughputChart data={chartData} />
            </CardBody>
          </Card>
          <Card>
            <CardHeader
              title="Queue depth"
              description="Messages in the queue at each minute, sampled by the worker: available, in flight and delayed."
            />
            <CardBody>
              {sampled ? (
                <DepthChart data={chartData} />
              ) : (
                <p className="py-10 text-center text-sm text-gray-500">
                  No depth samples in this range yet. The worker records the depth once a minute.
                </p>
              )}
            </CardBody>
          </Card>
        </>
      )}
    </div>
  );
}

/** Drops the quiet lead-in of a series, keeping at least the last 15 minutes and a little margin. */
export function zoomToData(data: MetricPoint[]): MetricPoint[] {
  const busy = (p: MetricPoint) => p.sent + p.received + p.deleted > 0 || !!p.depth || !!p.inFlight || !!p.delayed;
  const first = data.findIndex(busy);
  if (first < 0 || data.length === 0) return data;
  const end = data[data.length - 1]!.t;
  const start = Math.min(data[first]!.t - Math.max((end - data[first]!.t) * 0.1, 60_000), end - 15 * 60_000);
  if (start <= data[0]!.t + (end - data[0]!.t) / 2) return data;
  return data.filter((p) => p.t >= start);
}

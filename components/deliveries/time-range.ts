// Time ranges of the deliveries dashboard, always ending "now" (the dashboard ticks to follow it).
export const RANGES = [
  { id: "1h", label: "1 hour", ms: 3600_000 },
  { id: "6h", label: "6 hours", ms: 6 * 3600_000 },
  { id: "24h", label: "24 hours", ms: 24 * 3600_000 },
  { id: "7d", label: "7 days", ms: 7 * 24 * 3600_000 },
] as const;

export type RangeId = (typeof RANGES)[number]["id"];

export function rangeMs(id: RangeId): number {
  return RANGES.find((r) => r.id === id)?.ms ?? 3600_000;
}

export function isRangeId(v: string | null | undefined): v is RangeId {
  return RANGES.some((r) => r.id === v);
}

export type SeriesPoint = { t: Date | string; succeeded: number; failed: number; retrying: number; dlq: number };

/**
 * The server only returns buckets that had deliveries; a chart needs every bucket of the range,
 * zero where nothing happened, or quiet periods disappear from the time axis.
 */
export function fillBuckets(points: SeriesPoint[], from: Date, to: Date, bucketSeconds: number) {
  const step = bucketSeconds * 1000;
  const byT = new Map(points.map((p) => [Math.floor(new Date(p.t).getTime() / step) * step, p]));
  const out: { t: number; succeeded: number; failed: number; retrying: number }[] = [];
  for (let t = Math.floor(from.getTime() / step) * step; t <= to.getTime(); t += step) {
    const p = byT.get(t);
    out.push({ t, succeeded: p?.succeeded ?? 0, failed: (p?.failed ?? 0) + (p?.dlq ?? 0), retrying: p?.retrying ?? 0 });
  }
  return out;
}

// Tick steps that read well on a time axis; at most ~7 labels whatever the width.
const TICK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map((m) => m * 60_000);

/** Round times (on the local clock) for the axis between `from` and `to`, and the step between them. */
export function timeTicks(from: number, to: number, maxTicks = 7): { ticks: number[]; stepMs: number } {
  const span = Math.max(to - from, 60_000);
  const stepMs = TICK_STEPS.find((s) => span / s <= maxTicks) ?? 1440 * 60_000;
  // Align to the local clock (a day starts at local midnight), not to UTC.
  const offset = new Date(from).getTimezoneOffset() * 60_000;
  const first = Math.ceil((from - offset) / stepMs) * stepMs + offset;
  const ticks: number[] = [];
  for (let t = first; t <= to; t += stepMs) ticks.push(t);
  return { ticks, stepMs };
}

/** A label for a tick: dates for day steps, "Tue 14:00" when the axis spans days, else "14:05". */
export function tickLabel(t: number, stepMs: number, spanMs: number): string {
  const d = new Date(t);
  if (stepMs >= 86400_000) return d.toLocaleDateString(undefined, { weekday: "short", month: "short", day: "numeric" });
  const time = d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  if (spanMs > 86400_000) return `${d.toLocaleDateString(undefined, { weekday: "short" })} ${time}`;
  return time;
}

/** "1 min", "10 min", "3 h": the bucket size a chart's bars stand for. */
export function bucketLabel(bucketSeconds: number): string {
  if (bucketSeconds >= 86400) return `${bucketSeconds / 86400} d`;
  if (bucketSeconds >= 3600) return `${bucketSeconds / 3600} h`;
  return `${bucketSeconds / 60} min`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${ms} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatRate(r: number | null | undefined): string {
  if (r === null || r === undefined) return "—";
  const pct = r * 100;
  return `${pct >= 99.95 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

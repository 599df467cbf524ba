import type { ReactNode } from "react";
import { cn } from "@/components/ui";
import { formatMs } from "./time-range";

// The number tiles of the deliveries dashboard and the endpoint view (same totals, same words).

export type Totals = {
  succeeded: number;
  failed: number;
  retrying: number;
  pending: number;
  dlq: number;
  failedAfterRetries: number;
  resentSucceeded: number;
  successRate: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
};

export function Stat({
  label,
  value,
  sub,
  tone,
  testId,
  className,
}: {
  label: string;
  value: ReactNode;
  sub?: ReactNode;
  tone?: "good" | "bad" | "warn";
  testId?: string;
  className?: string;
}) {
  return (
    <div
      className={cn("rounded-lg border border-gray-200 bg-white px-4 py-3 shadow-xs", className)}
      data-testid={testId}
    >
      <div className="text-xs font-medium text-gray-500">{label}</div>
      <div
        data-value
        className={cn(
          "mt-1 text-2xl font-semibold tabular-nums",
          tone === "good"
            ? "text-green-700"
            : tone === "bad"
              ? "text-red-700"
              : tone === "warn"
                ? "text-amber-700"
                : "text-gray-900",
        )}
      >
        {value}
      </div>
      {sub && <div className="mt-0.5 text-xs text-gray-500">{sub}</div>}
    </div>
  );
}

/** What the Failed tile says under its number: only "after retries" when retries ran. */
export function failedSub(t: Totals): string {
  const failed = t.failed + t.dlq;
  if (failed === 0) return "none in this range";
  const parts = [];
  if (t.failedAfterRetries > 0)
    parts.push(t.failedAfterRetries === failed ? "gave up after retries" : `${t.failedAfterRetries} after retries`);
  const firstTry = failed - t.failedAfterRetries;
  if (firstTry > 0) parts.push(firstTry === failed ? "on the first attempt, no retry" : `${firstTry} without a retry`);
  if (t.dlq) parts.push(`${t.dlq} sent to a DLQ`);
  return parts.join(" · ");
}

/** Under the latency tile: p95, and how many resent deliveries the percentiles leave out. */
export function latencySub(t: Totals): string {
  const base = `p95 ${formatMs(t.p95LatencyMs)} · publish → delivered`;
  return t.resentSucceeded ? `${base} · ${t.resentSucceeded} resent not counted` : base;
}

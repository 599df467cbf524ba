import { pool } from "../../db";
import { logger } from "../../logger";
import { bumpMetrics, type MetricBump } from "./delivery.repository";

// Per-minute delivery counters of deliveries made in a publish transaction. Every publish to a
// topic bumps the same (subscription, minute) rows; doing it inside the publish transactions made
// them queue behind each other's row locks until commit. Instead each process merges its bumps and
// writes them with at most one statement in flight, right after the publishes commit (callers
// await it, so a dashboard read after a publish sees its counts). A process killed in between
// loses those few counts in the chart; the deliveries themselves are committed.

let pending = new Map<string, MetricBump>();
let running: Promise<void> | null = null;

function merge(b: MetricBump): void {
  const key = `${b.subscriptionId}\u0000${b.minute}`;
  const m = pending.get(key);
  if (!m) return void pending.set(key, { ...b });
  m.succeeded += b.succeeded;
  m.failed += b.failed;
  m.retrying += b.retrying;
  m.dlq += b.dlq;
  m.latencySumMs += b.latencySumMs;
}

export function recordDeliveryMetrics(bumps: MetricBump[]): Promise<void> {
  if (bumps.length === 0) return Promise.resolve();
  for (const b of bumps) merge(b);
  // A flush in flight picks these up in its next round.
  running ??= (async () => {
    try {
      while (pending.size) {
        const batch = [...pending.values()];
        pending = new Map();
        await bumpMetrics(pool(), batch).catch((err) => logger.warn({ err }, "delivery metrics not recorded"));
      }
    } finally {
      running = null;
    }
  })();
  return running;
}

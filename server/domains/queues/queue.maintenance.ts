import { pool, withTransaction } from "../../db";
import type { JobContext } from "../../jobs/registry";
import { deleteExpiredMessages, pruneMetrics, pruneQueueSideTables, sampleDepths } from "./maintenance.repository";

// Handlers of the periodic queue jobs (contracts in queue.jobs.ts).

const RETENTION_BATCH = 5_000;
const METRICS_KEEP_DAYS = 14;

export async function runQueueRetention(_data: unknown, ctx: JobContext): Promise<void> {
  const started = Date.now();
  let total = 0;
  for (;;) {
    const n = await withTransaction((tx) => deleteExpiredMessages(tx, new Date(), RETENTION_BATCH));
    total += n;
    if (n < RETENTION_BATCH || Date.now() - started > 45_000) break;
  }
  await pruneQueueSideTables(pool(), new Date());
  if (total) ctx.log.info({ deleted: total }, "expired queue messages deleted");
}

export async function runQueueMetricsRollup(): Promise<void> {
  const t = new Date();
  await sampleDepths(pool(), new Date(Math.floor(t.getTime() / 60_000) * 60_000), t);
  await pruneMetrics(pool(), new Date(t.getTime() - METRICS_KEEP_DAYS * 86_400_000));
}

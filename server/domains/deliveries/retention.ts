import { pool } from "../../db";
import type { JobContext } from "../../jobs/registry";
import { deleteExpiredResubscribeTokens } from "../topics/topic.repository";
import { deliveryConfig } from "./delivery.config";
import {
  deleteExpiredTopicDedup,
  deleteOldAttempts,
  deleteOldInvocations,
  deleteOldMetrics,
  deleteOldRateCounters,
} from "./retention.repository";

// Hourly housekeeping: attempts and finished invocations past the retention, rate counters older than a minute, expired
// FIFO dedup ids, metrics older than 90 days. Deletes run in batches to keep transactions short.
const BATCH = 5000;

export async function runRetention(ctx: JobContext): Promise<void> {
  const days = deliveryConfig().SIGNALBOX_DELIVERY_ATTEMPT_RETENTION_DAYS;
  let deleted = 0;
  for (;;) {
    const n = await deleteOldAttempts(pool(), days, BATCH);
    deleted += n;
    if (n < BATCH) break;
  }
  for (;;) {
    const n = await deleteOldInvocations(pool(), days, BATCH);
    deleted += n;
    if (n < BATCH) break;
  }
  await deleteOldRateCounters(pool());
  await deleteExpiredTopicDedup(pool());
  await deleteExpiredResubscribeTokens(pool());
  await deleteOldMetrics(pool());
  ctx.log.info({ deleted }, "delivery retention done");
}

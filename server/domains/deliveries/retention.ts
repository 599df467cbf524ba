import { pool } from "../../db";
import type { JobContext } from "../../jobs/registry";
import { deliveryConfig } from "./delivery.config";

// Hourly housekeeping: attempts past the retention, rate counters older than a minute, expired
// FIFO dedup ids, metrics older than 90 days. Deletes run in batches to keep transactions short.
export async function runRetention(ctx: JobContext): Promise<void> {
  const days = deliveryConfig().SIGNALBOX_DELIVERY_ATTEMPT_RETENTION_DAYS;
  let deleted = 0;
  for (;;) {
    const r = await pool().query(
      // The lower bound (min(started_at), read from the index) makes the condition a range, which
      // the planner estimates narrow with or without statistics, so it walks the started_at index
      // instead of scanning the whole table each hour (sql-plans.int.test.ts).
      `DELETE FROM delivery_attempts WHERE id IN (SELECT id FROM delivery_attempts
         WHERE started_at >= (SELECT min(started_at) FROM delivery_attempts) AND started_at < now() - make_interval(secs => $1 * 86400) LIMIT 5000)`,
      [days],
    );
    deleted += r.rowCount ?? 0;
    if ((r.rowCount ?? 0) < 5000) break;
  }
  await pool().query(`DELETE FROM delivery_rate_counters WHERE second < extract(epoch from now())::bigint - 60`);
  await pool().query(`DELETE FROM topic_dedup WHERE expires_at < now()`);
  await pool().query(`DELETE FROM topic_resubscribe_tokens WHERE expires_at < now()`);
  await pool().query(`DELETE FROM delivery_metrics_minute WHERE minute < now() - interval '90 days'`);
  ctx.log.info({ deleted }, "delivery retention done");
}

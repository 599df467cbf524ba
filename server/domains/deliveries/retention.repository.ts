import type { Queryable } from "../../db";

// Housekeeping deletes of the delivery engine (retention.ts), each one statement.

/** Deletes up to `limit` attempts older than `days`; returns how many went. */
export async function deleteOldAttempts(db: Queryable, days: number, limit: number): Promise<number> {
  const r = await db.query(
    // The lower bound (min(started_at), read from the index) makes the condition a range, which
    // the planner estimates narrow with or without statistics, so it walks the started_at index
    // instead of scanning the whole table each hour (sql-plans.int.test.ts).
    `DELETE FROM delivery_attempts WHERE id IN (SELECT id FROM delivery_attempts
       WHERE started_at >= (SELECT min(started_at) FROM delivery_attempts) AND started_at < now() - make_interval(secs => $1 * 86400) LIMIT $2)`,
    [days, limit],
  );
  return r.rowCount ?? 0;
}

/** Rate counters only matter for the current second; keep a minute. */
export async function deleteOldRateCounters(db: Queryable): Promise<void> {
  await db.query(`DELETE FROM delivery_rate_counters WHERE second < extract(epoch from now())::bigint - 60`);
  await db.query(`DELETE FROM invocation_rate_counters WHERE second < extract(epoch from now())::bigint - 60`);
}

/**
 * Finished invocations older than `days` (with their attempts, by cascade). Topic deliveries go
 * with their topic's messages; an invocation has no message, so it is kept as long as its attempts.
 */
export async function deleteOldInvocations(db: Queryable, days: number, limit: number): Promise<number> {
  const r = await db.query(
    `DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries
       WHERE source_kind <> 'topic' AND completed_at < now() - make_interval(secs => $1 * 86400) LIMIT $2)`,
    [days, limit],
  );
  return r.rowCount ?? 0;
}

export async function deleteExpiredTopicDedup(db: Queryable): Promise<void> {
  await db.query(`DELETE FROM topic_dedup WHERE expires_at < now()`);
}

/** The dashboard shows at most 90 days. */
export async function deleteOldMetrics(db: Queryable): Promise<void> {
  await db.query(`DELETE FROM delivery_metrics_minute WHERE minute < now() - interval '90 days'`);
}

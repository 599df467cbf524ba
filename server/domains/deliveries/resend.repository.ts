import type { Queryable } from "../../db";

// "Resend all failed since …" (resend.ts): the progress row the console polls, and the failed
// deliveries it reopens page by page.

export type ResendRow = {
  topic_id: string | null;
  subscription_id: string | null;
  source_kind: string | null;
  source_arn: string | null;
  since: Date | null;
  status: string;
  created_at: Date;
};

export async function findResend(db: Queryable, resendId: string, tenantId: string): Promise<ResendRow | undefined> {
  const r = await db.query(
    `SELECT topic_id, subscription_id, source_kind, source_arn, since, status, created_at FROM delivery_resends WHERE id = $1 AND tenant_id = $2`,
    [resendId, tenantId],
  );
  return r.rows[0];
}

// updated_at < the request time: a delivery that fails again during this run is not picked twice.
// A workflow Task's call (source_kind 'workflow') is a log of a call the execution made itself and
// handled with its own Retry/Catch: it is never resent (see delivery.service.ts).
const FILTER = `tenant_id = $1 AND status IN ('failed', 'dlq') AND source_kind IS DISTINCT FROM 'workflow' AND ($2::text IS NULL OR topic_id = $2) AND ($3::text IS NULL OR subscription_id = $3) AND ($4::timestamptz IS NULL OR created_at >= $4) AND updated_at < $5 AND ($6::text IS NULL OR source_kind = $6) AND ($7::text IS NULL OR source_arn = $7)`;
const filterArgs = (tenantId: string, job: ResendRow) => [
  tenantId,
  job.topic_id,
  job.subscription_id,
  job.since,
  job.created_at,
  job.source_kind,
  job.source_arn,
];

export async function countResendable(db: Queryable, tenantId: string, job: ResendRow): Promise<number> {
  const r = await db.query(`SELECT count(*)::int AS n FROM deliveries WHERE ${FILTER}`, filterArgs(tenantId, job));
  return r.rows[0].n;
}

/** Rows already reopened stay counted in `done`; total is what is done plus what is still to do. */
export async function setResendTotal(db: Queryable, resendId: string, remaining: number): Promise<void> {
  await db.query(`UPDATE delivery_resends SET total = done + $2 WHERE id = $1`, [resendId, remaining]);
}

/** Reopens up to `limit` of the matching deliveries (pending, due now); returns their ids. */
export async function reopenResendPage(
  db: Queryable,
  tenantId: string,
  job: ResendRow,
  limit: number,
): Promise<string[]> {
  const r = await db.query(
    `UPDATE deliveries SET status = 'pending', next_attempt_at = NULL, updated_at = now(), completed_at = NULL
      WHERE id IN (SELECT id FROM deliveries WHERE ${FILTER} ORDER BY created_at LIMIT $8 FOR UPDATE SKIP LOCKED) RETURNING id`,
    [...filterArgs(tenantId, job), limit],
  );
  return r.rows.map((x: { id: string }) => x.id);
}

export async function addResendDone(db: Queryable, resendId: string, n: number): Promise<void> {
  await db.query(`UPDATE delivery_resends SET done = done + $2 WHERE id = $1`, [resendId, n]);
}

export async function finishResend(db: Queryable, resendId: string): Promise<void> {
  await db.query(`UPDATE delivery_resends SET status = 'finished', finished_at = now() WHERE id = $1`, [resendId]);
}

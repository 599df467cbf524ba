import type { JobContext } from "../../jobs/registry";
import { pool, withTransaction } from "../../db";
import { enqueueDeliverChunks } from "./delivery.enqueue";

// "Resend all failed since …": reopens failed/dlq deliveries in pages and enqueues deliver jobs,
// updating the progress row (total/done) that the console polls. Each page commits its reopened
// rows with their jobs, so a crash resumes where it stopped (reopened rows are no longer failed).

const PAGE = 500;

export async function runResend(
  data: { resendId: string; tenantId: string; baseUrl?: string },
  ctx: JobContext,
): Promise<void> {
  const r = await pool().query(
    `SELECT topic_id, subscription_id, since, status, created_at FROM delivery_resends WHERE id = $1 AND tenant_id = $2`,
    [data.resendId, data.tenantId],
  );
  const job = r.rows[0];
  if (!job || job.status !== "running") return;
  const filter = `tenant_id = $1 AND status IN ('failed', 'dlq') AND ($2::text IS NULL OR topic_id = $2) AND ($3::text IS NULL OR subscription_id = $3) AND ($4::timestamptz IS NULL OR created_at >= $4) AND updated_at < $5`;
  // updated_at < the request time: a delivery that fails again during this run is not picked twice.
  const args = [data.tenantId, job.topic_id, job.subscription_id, job.since, job.created_at];
  const total = await pool().query(`SELECT count(*)::int AS n FROM deliveries WHERE ${filter}`, args);
  await pool().query(`UPDATE delivery_resends SET total = done + $2 WHERE id = $1`, [data.resendId, total.rows[0].n]);
  for (;;) {
    const n = await withTransaction(async (tx) => {
      const page = await tx.query(
        `UPDATE deliveries SET status = 'pending', next_attempt_at = NULL, updated_at = now(), completed_at = NULL
          WHERE id IN (SELECT id FROM deliveries WHERE ${filter} ORDER BY created_at LIMIT ${PAGE} FOR UPDATE SKIP LOCKED) RETURNING id`,
        args,
      );
      await enqueueDeliverChunks(
        page.rows.map((x: { id: string }) => x.id),
        data.baseUrl,
        tx,
      );
      await tx.query(`UPDATE delivery_resends SET done = done + $2 WHERE id = $1`, [data.resendId, page.rowCount ?? 0]);
      return page.rowCount ?? 0;
    });
    if (n < PAGE) break;
  }
  await pool().query(`UPDATE delivery_resends SET status = 'finished', finished_at = now() WHERE id = $1`, [
    data.resendId,
  ]);
  ctx.log.info({ resendId: data.resendId }, "resend finished");
}

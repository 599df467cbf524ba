import type { Queryable } from "../../db";

// Reads behind the queue list's activity column (queue.activity.ts).

/** Rows of queue_metrics for a tenant since `since`, summed per queue and hour. */
export async function queueHourlyMetrics(db: Queryable, tenantId: string, since: Date) {
  const q = await db.query(
    `SELECT queue_id AS "queueId", to_timestamp(floor(extract(epoch FROM minute) / 3600) * 3600) AS hour, sum(sent)::bigint AS sent, sum(received)::bigint AS received,
            max(minute) FILTER (WHERE sent + received + deleted > 0) AS "lastAt"
       FROM queue_metrics WHERE tenant_id = $1 AND minute >= $2
      GROUP BY 1, 2`,
    [tenantId, since],
  );
  return q.rows as { queueId: string; hour: Date; sent: string; received: string; lastAt: Date | null }[];
}

/** The last minute with any activity per queue, however long ago (only for queues quiet for 24 h). */
export async function queueLastActivity(db: Queryable, tenantId: string, queueIds: string[]) {
  if (queueIds.length === 0) return new Map<string, Date>();
  const q = await db.query(
    `SELECT DISTINCT ON (queue_id) queue_id AS "queueId", minute FROM queue_metrics
      WHERE tenant_id = $1 AND queue_id = ANY($2::text[]) AND sent + received + deleted > 0
      ORDER BY queue_id, minute DESC`,
    [tenantId, queueIds],
  );
  return new Map(q.rows.map((r: { queueId: string; minute: Date }) => [r.queueId, r.minute]));
}

/** The tenant's queue ids. */
export async function tenantQueueIds(db: Queryable, tenantId: string): Promise<string[]> {
  const q = await db.query(`SELECT id FROM queues WHERE tenant_id = $1`, [tenantId]);
  return q.rows.map((r: { id: string }) => r.id);
}

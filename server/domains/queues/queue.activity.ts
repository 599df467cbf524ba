import { assertCan, type Actor } from "../../auth/permissions";
import { pool } from "../../db";

// Throughput sparklines and last activity for the queue list, read from the per-minute
// queue_metrics the queues already write (no counting of messages), one statement per list.

export const ACTIVITY_HOURS = 24;

export type QueueActivity = {
  queueId: string;
  /** Messages sent per hour over the last 24 hours, oldest first (24 numbers). */
  sentPerHour: number[];
  /** Messages received per hour, same buckets. */
  receivedPerHour: number[];
  sent24h: number;
  /** The last minute anything was sent, received or deleted (null: no activity on record). */
  lastActivityAt: Date | null;
};

/** Rows of queue_metrics for a tenant since `since`, summed per queue and hour (repository). */
export async function queueHourlyMetrics(tenantId: string, since: Date) {
  const q = await pool().query(
    `SELECT queue_id AS "queueId", to_timestamp(floor(extract(epoch FROM minute) / 3600) * 3600) AS hour, sum(sent)::bigint AS sent, sum(received)::bigint AS received,
            max(minute) FILTER (WHERE sent + received + deleted > 0) AS "lastAt"
       FROM queue_metrics WHERE tenant_id = $1 AND minute >= $2
      GROUP BY 1, 2`,
    [tenantId, since],
  );
  return q.rows as { queueId: string; hour: Date; sent: string; received: string; lastAt: Date | null }[];
}

/** The last minute with any activity per queue, however long ago (only for queues quiet for 24 h). */
export async function queueLastActivity(tenantId: string, queueIds: string[]) {
  if (queueIds.length === 0) return new Map<string, Date>();
  const q = await pool().query(
    `SELECT DISTINCT ON (queue_id) queue_id AS "queueId", minute FROM queue_metrics
      WHERE tenant_id = $1 AND queue_id = ANY($2::text[]) AND sent + received + deleted > 0
      ORDER BY queue_id, minute DESC`,
    [tenantId, queueIds],
  );
  return new Map(q.rows.map((r: { queueId: string; minute: Date }) => [r.queueId, r.minute]));
}

/** Hour buckets ending with the current hour, oldest first. */
export function hourBuckets(now: Date, hours = ACTIVITY_HOURS): number[] {
  const current = Math.floor(now.getTime() / 3600_000) * 3600_000;
  return Array.from({ length: hours }, (_, i) => current - (hours - 1 - i) * 3600_000);
}

/** The tenant's queue ids (repository). */
export async function tenantQueueIds(tenantId: string): Promise<string[]> {
  const q = await pool().query(`SELECT id FROM queues WHERE tenant_id = $1`, [tenantId]);
  return q.rows.map((r: { id: string }) => r.id);
}

export async function listQueueActivity(actor: Actor, tenantId: string, now = new Date()): Promise<QueueActivity[]> {
  assertCan(actor.role, "resource:read");
  const buckets = hourBuckets(now);
  const [ids, rows] = await Promise.all([
    tenantQueueIds(tenantId),
    queueHourlyMetrics(tenantId, new Date(buckets[0]!)),
  ]);
  const out = new Map<string, QueueActivity>(
    ids.map((id) => [
      id,
      {
        queueId: id,
        sentPerHour: buckets.map(() => 0),
        receivedPerHour: buckets.map(() => 0),
        sent24h: 0,
        lastActivityAt: null,
      },
    ]),
  );
  for (const r of rows) {
    const a = out.get(r.queueId);
    if (!a) continue;
    const i = buckets.indexOf(new Date(r.hour).getTime());
    if (i >= 0) {
      a.sentPerHour[i] += Number(r.sent);
      a.receivedPerHour[i] += Number(r.received);
    }
    a.sent24h += Number(r.sent);
    if (r.lastAt && (!a.lastActivityAt || r.lastAt > a.lastActivityAt)) a.lastActivityAt = r.lastAt;
  }
  // Queues quiet for a day still say when they were last used.
  const quiet = [...out.values()].filter((a) => !a.lastActivityAt).map((a) => a.queueId);
  const older = await queueLastActivity(tenantId, quiet);
  for (const id of quiet) out.get(id)!.lastActivityAt = older.get(id) ?? null;
  return [...out.values()];
}

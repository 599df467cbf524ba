import { assertCan, type Actor } from "../../auth/permissions";
import { pool } from "../../db";
import { queueHourlyMetrics, queueLastActivity, tenantQueueIds } from "./queue-activity.repository";

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

/** Hour buckets ending with the current hour, oldest first. */
export function hourBuckets(now: Date, hours = ACTIVITY_HOURS): number[] {
  const current = Math.floor(now.getTime() / 3600_000) * 3600_000;
  return Array.from({ length: hours }, (_, i) => current - (hours - 1 - i) * 3600_000);
}

export async function listQueueActivity(actor: Actor, tenantId: string, now = new Date()): Promise<QueueActivity[]> {
  assertCan(actor.role, "resource:read");
  const buckets = hourBuckets(now);
  const [ids, rows] = await Promise.all([
    tenantQueueIds(pool(), tenantId),
    queueHourlyMetrics(pool(), tenantId, new Date(buckets[0]!)),
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
  const older = await queueLastActivity(pool(), tenantId, quiet);
  for (const id of quiet) out.get(id)!.lastActivityAt = older.get(id) ?? null;
  return [...out.values()];
}

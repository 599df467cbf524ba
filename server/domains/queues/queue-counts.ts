import { pool } from "../../db";
import { logger } from "../../logger";
import { liveQueueCounts, refreshQueueCounts, storedQueueCounts, type QueueCountsRow } from "./queue.repository";

// ApproximateNumberOfMessages{,NotVisible,Delayed} and the console's queue list, without counting
// backlogs on every call (175 ms at 1M messages, on every GetQueueAttributes and every 3 s console
// poll). A queue is counted live only as far as LIVE_COUNT_LIMIT rows: below that the count is
// exact and cheap. A larger queue is served from queue_counts, which the worker's minute roll-up
// refreshes in one pass over all queues (AWS documents these counts as approximate, and eventually
// consistent over about a minute). Nothing on the send/receive/delete path touches a counter, so
// the hot path never serialises on a row per queue.

export const LIVE_COUNT_LIMIT = 1_000;
/** A stored count older than this (worker stopped, or the queue is new) is recounted on read, once per process at a time. */
export const STORED_COUNT_STALE_MS = 120_000;

export type { QueueCountsRow };

const refreshing = new Map<string, Promise<QueueCountsRow>>();

function refreshOnce(tenantId: string, queueId: string, now: Date): Promise<QueueCountsRow> {
  let p = refreshing.get(queueId);
  if (!p) {
    p = refreshQueueCounts(pool(), tenantId, queueId, now).finally(() => refreshing.delete(queueId));
    refreshing.set(queueId, p);
  }
  return p;
}

/** Approximate counts of the tenant's queues (missing from the map: no messages). */
export async function approximateQueueCounts(
  tenantId: string,
  queueIds: string[],
  now: Date,
  opts: { liveLimit?: number } = {},
): Promise<Map<string, QueueCountsRow>> {
  if (!queueIds.length) return new Map();
  const { exact, large } = await liveQueueCounts(pool(), tenantId, queueIds, now, opts.liveLimit ?? LIVE_COUNT_LIMIT);
  if (!large.length) return exact;
  const stored = await storedQueueCounts(pool(), tenantId, large);
  await Promise.all(
    large.map(async (id) => {
      const s = stored.get(id);
      if (s && now.getTime() - s.countedAt.getTime() < STORED_COUNT_STALE_MS) {
        exact.set(id, { visible: s.visible, inFlight: s.inFlight, delayed: s.delayed, oldestSentAt: s.oldestSentAt });
        return;
      }
      try {
        exact.set(id, await refreshOnce(tenantId, id, now));
      } catch (err) {
        // E.g. the queue was deleted meanwhile: an old count beats an error for an approximate figure.
        logger.warn({ err, queueId: id }, "queue count refresh failed");
        if (s) exact.set(id, s);
      }
    }),
  );
  return exact;
}

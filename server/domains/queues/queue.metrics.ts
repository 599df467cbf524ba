import { pool } from "../../db";
import { logger } from "../../logger";
import { addMetricCounts } from "./maintenance.repository";

// Per-minute sent/received/deleted counters. Counting in the hot statements would make every
// send contend on one row per queue and minute; instead each process adds up in memory and
// flushes once every few seconds with one multi-row upsert. A crash loses at most that much of
// the chart, never a message.

type Key = string; // queueId|minuteIso
const pending = new Map<
  Key,
  { queueId: string; tenantId: string; minute: Date; sent: number; received: number; deleted: number }
>();
let timer: NodeJS.Timeout | undefined;
const FLUSH_MS = 5_000;

function minuteOf(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 60_000) * 60_000);
}

export function countMetric(
  q: { id: string; tenantId: string },
  kind: "sent" | "received" | "deleted",
  n: number,
  at = new Date(),
): void {
  if (n <= 0) return;
  const minute = minuteOf(at);
  const key = `${q.id}|${minute.getTime()}`;
  let e = pending.get(key);
  if (!e) pending.set(key, (e = { queueId: q.id, tenantId: q.tenantId, minute, sent: 0, received: 0, deleted: 0 }));
  e[kind] += n;
  if (!timer) {
    timer = setTimeout(
      () => void flushMetrics().catch((err) => logger.warn({ err }, "queue metrics flush failed")),
      FLUSH_MS,
    );
    timer.unref();
  }
}

export async function flushMetrics(): Promise<void> {
  timer = undefined;
  if (pending.size === 0) return;
  const rows = [...pending.values()];
  pending.clear();
  await addMetricCounts(pool(), rows);
}

import { pool } from "../../db";
import type { JobContext } from "../../jobs/registry";
import { deleteExpiredArchivedEvents } from "./archive.repository";

// Archive retention (hourly): archived events older than their archive's RetentionDays are
// deleted in chunks, so one big expiry never holds a long transaction. RetentionDays 0 keeps
// events forever.

const CHUNK = 5_000;

export async function runArchiveRetention(_data: unknown, ctx?: Pick<JobContext, "log">): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await deleteExpiredArchivedEvents(pool(), CHUNK);
    total += n;
    if (n < CHUNK) break;
  }
  if (total) ctx?.log.info({ deleted: total }, "expired archived events deleted");
  return total;
}

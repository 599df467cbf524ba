import { pool } from "../../db";
import { deleteEventsBefore } from "./event.repository";

// Retention of accepted events: the explorer keeps the last 24 hours (AWS keeps none; archives,
// when configured, keep theirs). Deletes in batches so one run never holds a long transaction.

export const EVENT_RETENTION_MS = 24 * 3600_000;
const BATCH = 5_000;
const MAX_BATCHES = 200;

export async function runEventRetention(): Promise<number> {
  const cutoff = new Date(Date.now() - EVENT_RETENTION_MS);
  let total = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    const n = await deleteEventsBefore(pool(), cutoff, BATCH);
    total += n;
    if (n < BATCH) break;
  }
  return total;
}

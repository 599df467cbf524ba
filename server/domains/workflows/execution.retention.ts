import { pool } from "../../db";
import { deleteEndedExecutions } from "./execution.repository";

// Retention of ended executions: AWS keeps a STANDARD execution's history 90 days after it closes
// and keeps no EXPRESS execution (Signalbox keeps those an hour, for StartSyncExecution and the
// console). Map run items go with their parent's retention window (they are kept until then).
// Deletes in batches so one run never holds a long transaction.

export const STANDARD_RETENTION_MS = 90 * 86400_000;
export const EXPRESS_RETENTION_MS = 3600_000;
const BATCH = 1_000;
const MAX_BATCHES = 100;

export async function runExecutionRetention(now = new Date()): Promise<number> {
  let total = 0;
  for (const [type, ms] of [
    ["EXPRESS", EXPRESS_RETENTION_MS],
    ["STANDARD", STANDARD_RETENTION_MS],
  ] as const) {
    const cutoff = new Date(now.getTime() - ms);
    for (let i = 0; i < MAX_BATCHES; i++) {
      const n = await deleteEndedExecutions(pool(), type, cutoff, BATCH);
      total += n;
      if (n < BATCH) break;
    }
  }
  return total;
}

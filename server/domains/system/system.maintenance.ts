import { pool } from "../../db";
import { pruneLoginAttempts, pruneWorkerHeartbeats } from "./system.repository";

// Handlers of the housekeeping jobs in system.jobs.ts (registered in jobs/catalog.ts).

export async function runPruneLoginAttempts(): Promise<void> {
  await pruneLoginAttempts(pool());
  await pruneWorkerHeartbeats(pool());
}

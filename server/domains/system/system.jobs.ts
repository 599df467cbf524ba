import { z } from "zod";
import { defineJob, type JobContract } from "../../jobs/registry";
import { pool } from "../../db";

// Housekeeping that belongs to no single domain (handlers registered in jobs/catalog.ts).
export const pruneLoginAttempts = defineJob({
  name: "system.prune-login-attempts",
  schema: z.object({}).passthrough(),
  cron: "*/15 * * * *",
});

export async function runPruneLoginAttempts(): Promise<void> {
  // Throttling only looks back 15 minutes; keep a day for investigation.
  await pool().query(`DELETE FROM login_attempts WHERE created_at < now() - interval '1 day'`);
  await pool().query(`DELETE FROM worker_heartbeats WHERE last_seen_at < now() - interval '1 day'`);
}

export const systemJobs: JobContract[] = [pruneLoginAttempts];

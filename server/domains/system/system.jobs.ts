import { z } from "zod";
import { defineJob } from "../../jobs/registry";
import { pool } from "../../db";
import { BOSS_SCHEMA } from "../../jobs/boss";
import { runVacuumRound } from "./vacuum";

// Housekeeping that belongs to no single domain.
export const pruneLoginAttempts = defineJob({
  name: "system.prune-login-attempts",
  schema: z.object({}).passthrough(),
  cron: "*/15 * * * *",
  handler: async () => {
    // Throttling only looks back 15 minutes; keep a day for investigation.
    await pool().query(`DELETE FROM login_attempts WHERE created_at < now() - interval '1 day'`);
    await pool().query(`DELETE FROM worker_heartbeats WHERE last_seen_at < now() - interval '1 day'`);
  },
});

/** Vacuum and analyze the hot tables when PostgreSQL's autovacuum is off or falls behind (vacuum.ts). */
export const vacuumHotTables = defineJob({
  name: "system.vacuum",
  schema: z.object({}).passthrough(),
  cron: "* * * * *",
  queue: { policy: "singleton", retryLimit: 0, expireInSeconds: 600 },
  handler: async () => {
    await runVacuumRound(BOSS_SCHEMA);
  },
});

export const systemJobs = [pruneLoginAttempts, vacuumHotTables];

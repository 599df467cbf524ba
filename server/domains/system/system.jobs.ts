import { z } from "zod";
import { defineJob, type JobContract } from "../../jobs/registry";

// Contracts of the housekeeping that belongs to no single domain (handlers: system.maintenance.ts,
// vacuum.ts; registered in jobs/catalog.ts).
export const pruneLoginAttempts = defineJob({
  name: "system.prune-login-attempts",
  schema: z.object({}).passthrough(),
  cron: "*/15 * * * *",
});

/** Vacuum and analyze the hot tables when PostgreSQL's autovacuum is off or falls behind (vacuum.ts). */
export const vacuumHotTables = defineJob({
  name: "system.vacuum",
  schema: z.object({}).passthrough(),
  cron: "* * * * *",
  queue: { policy: "singleton", retryLimit: 0, expireInSeconds: 600 },
});

export const systemJobs: JobContract[] = [pruneLoginAttempts, vacuumHotTables];

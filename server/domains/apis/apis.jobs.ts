import { z } from "zod";
import { defineJob } from "../../jobs/registry";

/** Drops API access-log rows and per-minute API metrics past their retention (metrics/retention.ts). */
export const apiMetricsRetentionJob = defineJob({
  name: "apis.metrics-retention",
  schema: z.object({}).passthrough(),
  cron: "17 * * * *",
});

export const apiJobs = [apiMetricsRetentionJob];

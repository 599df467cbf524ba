import { z } from "zod";
import { defineJob, type JobContract } from "../../jobs/registry";

// Contracts of the archive jobs (handlers: replay.run.ts and archive.retention.ts, registered in
// jobs/catalog.ts). Both are safe to run twice.

/**
 * Runs one replay to its end: batches of archived events re-put in time order, the cursor
 * committed with each batch, so a killed worker's retry resumes after the last committed batch.
 */
export const replayJob = defineJob({
  name: "archives.replay",
  schema: z.object({ tenantId: z.string().min(1), replayId: z.string().min(1) }),
  // A killed worker stops heartbeating: its replay is retried within seconds and resumes from the
  // committed cursor. A long replay runs as a chain of jobs of ~20 s each, so none nears expiry.
  queue: { retryLimit: 20, retryDelay: 2, retryBackoff: true, expireInSeconds: 120, heartbeatSeconds: 10 },
  work: { localConcurrency: 2, pollingIntervalSeconds: 1 },
});

/** Deletes archived events older than their archive's RetentionDays (0 = kept forever). */
export const archiveRetentionJob = defineJob({
  name: "archives.retention",
  schema: z.object({}).passthrough(),
  cron: "7 * * * *",
  queue: { policy: "singleton", retryLimit: 2 },
});

export const archiveJobs: JobContract[] = [replayJob, archiveRetentionJob];

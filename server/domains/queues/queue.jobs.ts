import { z } from "zod";
import { defineJob, type JobContract } from "../../jobs/registry";

// Contracts of the queue housekeeping jobs (handlers: queue.maintenance.ts and move-tasks.ts,
// registered in jobs/catalog.ts). Every handler is idempotent (pg-boss delivers at least once).

/** Retention: messages past their queue's MessageRetentionPeriod disappear (receives already skip them). */
export const queueRetention = defineJob({
  name: "queues.retention",
  schema: z.object({}).passthrough(),
  cron: "* * * * *",
  queue: { policy: "singleton", retryLimit: 2 },
});

/** Per-minute depth samples for the console charts, and pruning of old minutes. */
export const queueMetricsRollup = defineJob({
  name: "queues.metrics-rollup",
  schema: z.object({}).passthrough(),
  cron: "* * * * *",
  queue: { policy: "singleton", retryLimit: 1 },
});

export const queueMoveTask = defineJob({
  name: "queues.move-task",
  schema: z.object({ taskId: z.string().min(1) }),
  queue: { retryLimit: 10, retryDelay: 5, expireInSeconds: 120 },
  work: { localConcurrency: 2 },
});

export const queueJobs: JobContract[] = [queueRetention, queueMetricsRollup, queueMoveTask];

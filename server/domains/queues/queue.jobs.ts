import { z } from "zod";
import { defineJob } from "../../jobs/registry";
import { enqueue } from "../../jobs/boss";
import { pool, withTransaction } from "../../db";
import { deleteExpiredMessages, pruneMetrics, pruneQueueSideTables, sampleDepths } from "./maintenance.repository";
import { runMoveTask, setMoveTaskJob } from "./move-tasks";

// Queue housekeeping in the worker. Every handler is idempotent (pg-boss delivers at least once).

const RETENTION_BATCH = 5_000;
const METRICS_KEEP_DAYS = 14;

/** Retention: messages past their queue's MessageRetentionPeriod disappear (receives already skip them). */
export const queueRetention = defineJob({
  name: "queues.retention",
  schema: z.object({}).passthrough(),
  cron: "* * * * *",
  queue: { policy: "singleton", retryLimit: 2 },
  handler: async (_data, ctx) => {
    const started = Date.now();
    let total = 0;
    for (;;) {
      const n = await withTransaction((tx) => deleteExpiredMessages(tx, new Date(), RETENTION_BATCH));
      total += n;
      if (n < RETENTION_BATCH || Date.now() - started > 45_000) break;
    }
    await pruneQueueSideTables(pool(), new Date());
    if (total) ctx.log.info({ deleted: total }, "expired queue messages deleted");
  },
});

/** Per-minute depth samples for the console charts, and pruning of old minutes. */
export const queueMetricsRollup = defineJob({
  name: "queues.metrics-rollup",
  schema: z.object({}).passthrough(),
  cron: "* * * * *",
  queue: { policy: "singleton", retryLimit: 1 },
  handler: async () => {
    const t = new Date();
    await sampleDepths(pool(), new Date(Math.floor(t.getTime() / 60_000) * 60_000), t);
    await pruneMetrics(pool(), new Date(t.getTime() - METRICS_KEEP_DAYS * 86_400_000));
  },
});

export const queueMoveTask = defineJob({
  name: "queues.move-task",
  schema: z.object({ taskId: z.string().min(1) }),
  queue: { retryLimit: 10, retryDelay: 5, expireInSeconds: 120 },
  work: { localConcurrency: 2 },
  handler: async (data, ctx) => {
    const next = await runMoveTask(data.taskId, ctx.log);
    if (next === "again") await enqueue(queueMoveTask, { taskId: data.taskId });
  },
});
setMoveTaskJob(queueMoveTask as never);

export const queueJobs = [queueRetention, queueMetricsRollup, queueMoveTask];

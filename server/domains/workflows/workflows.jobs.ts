import { z } from "zod";
import { defineJob } from "../../jobs/registry";

// Jobs of the workflow executor. A remote task (an HTTP call, a function) runs in `workflows.task`,
// outside any transaction; it then records TaskSucceeded/TaskFailed with completeTask. The runner
// (executor/runner.ts) is not a job: it is a loop in every worker woken by NOTIFY.
export const runTaskJob = defineJob({
  name: "workflows.task",
  schema: z.object({ executionId: z.string(), frameId: z.string(), scheduledEventId: z.number().int() }),
  queue: { retryLimit: 5, retryDelay: 1, retryBackoff: true, expireInSeconds: 900 },
  work: { localConcurrency: 8, pollingIntervalSeconds: 0.5 },
});

/** Stops the RUNNING child executions of an execution that ended unsuccessfully (or of one map run). */
export const stopChildrenJob = defineJob({
  name: "workflows.stop-children",
  schema: z.object({ executionId: z.string(), mapRunArn: z.string().optional() }),
  queue: { retryLimit: 5, retryDelay: 1, retryBackoff: true },
  work: { pollingIntervalSeconds: 0.5 },
});

/** Forgets ended executions as AWS does: EXPRESS ones after an hour, STANDARD ones after 90 days. */
export const executionRetentionJob = defineJob({
  name: "workflows.retention",
  schema: z.object({}).passthrough(),
  cron: "23 * * * *",
});

export const workflowJobs = [runTaskJob, stopChildrenJob, executionRetentionJob];

import type { Queryable } from "../../../db";
import { enqueue } from "../../../platform/enqueue";
import type { ExecutionRow } from "../execution.repository";
import { stopChildrenJob } from "../workflows.jobs";

/**
 * Child executions (states:startExecution, Distributed Map items) of an execution that ended
 * unsuccessfully, or of a failed map run, are stopped by a job after the commit: a parent never
 * locks its children in its own transaction (children lock their parent when they end).
 */
export async function stopChildrenLater(tx: Queryable, ex: ExecutionRow, mapRunArn?: string): Promise<void> {
  if (!mapRunArn && !/states:startExecution|"DISTRIBUTED"/.test(ex.definition)) return;
  await enqueue(stopChildrenJob, { executionId: ex.id, ...(mapRunArn ? { mapRunArn } : {}) }, { tx });
}

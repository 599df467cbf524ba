import { pool, withTransaction, type Queryable } from "../../../db";
import * as repo from "../execution.repository";
import { emitExecutionStatusChange } from "../status-events";
import { statusRecord } from "../execution.status";
import { notifyParent } from "./parent";
import { stopChildrenLater } from "./stop-children";
import * as xrepo from "./executor.repository";

// Aborting an execution (StopExecution, or its parent stopped / failed): ExecutionAborted with the
// given error and cause, every thread and waiting task token dropped, the status change emitted,
// the parent task (if any) completed, and its own children stopped by a job after the commit (a
// parent never locks its children in its own transaction: children lock their parent when they end).

export async function abortExecution(
  tx: Queryable,
  ex: repo.ExecutionRow,
  error: string | null,
  cause: string | null,
): Promise<Date> {
  const stopDate = new Date();
  if (ex.type !== "EXPRESS") {
    const last = await repo.rootFrameLastEvent(tx, ex.id);
    await repo.insertEvents(tx, ex.id, ex.tenant_id, [
      {
        id: ex.next_event_id,
        previousEventId: last,
        type: "ExecutionAborted",
        timestamp: stopDate,
        details: {
          executionAbortedEventDetails: {
            ...(error !== null ? { error } : {}),
            ...(cause !== null ? { cause } : {}),
          },
        },
      },
    ]);
  }
  await xrepo.abortActiveFrames(tx, ex.id);
  const updated = await repo.markAborted(tx, ex.id, stopDate, error, cause);
  if (ex.type === "STANDARD") await emitExecutionStatusChange(tx, statusRecord(updated));
  await notifyParent(tx, updated);
  await stopChildrenLater(tx, ex);
  return stopDate;
}

/** The `workflows.stop-children` job: each RUNNING child aborted in its own transaction. */
export async function runStopChildren(data: { executionId: string; mapRunArn?: string }): Promise<void> {
  const ids = await repo.runningChildren(pool(), data.executionId, data.mapRunArn);
  for (const id of ids)
    await withTransaction(async (tx) => {
      const child = await xrepo.lockExecution(tx, id);
      if (child?.status === "RUNNING") await abortExecution(tx, child, null, null);
    });
}

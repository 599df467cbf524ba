import type { Queryable } from "../../../db";
import type { TaskOutcome } from "../tasks/resource";
import * as repo from "../execution.repository";
import * as xrepo from "./executor.repository";

// Completes a task the executor is waiting on (a remote task's job, SendTaskSuccess/Failure, a child
// execution that ended): records TaskSucceeded/TaskFailed in the execution's history and makes the
// thread runnable; the runner then applies the result (ResultSelector/ResultPath, Retry/Catch) and
// moves on. Safe to call twice: a task that is no longer awaited (completed, timed out, stopped)
// is left alone and false is returned.

export type TaskRef = { executionId: string; frameId: string; scheduledEventId: number };

export async function completeTask(tx: Queryable, ref: TaskRef, outcome: TaskOutcome): Promise<boolean> {
  if (outcome.kind === "pending") return false;
  const ex = await xrepo.lockExecution(tx, ref.executionId);
  if (!ex || ex.status !== "RUNNING") return false;
  const frame = await xrepo.getFrame(tx, ref.frameId);
  const pending = frame?.pending as { scheduledEventId?: number; resourceType?: string; resource?: string } | null;
  if (!frame || frame.status !== "task" || pending?.scheduledEventId !== ref.scheduledEventId) return false;
  const id = ex.next_event_id;
  const common = { resourceType: pending.resourceType, resource: pending.resource };
  const event: repo.EventInsert =
    outcome.kind === "succeeded"
      ? {
          id,
          previousEventId: frame.last_event_id,
          type: "TaskSucceeded",
          timestamp: new Date(),
          details: {
            taskSucceededEventDetails: {
              ...common,
              output: JSON.stringify(outcome.output ?? null),
              outputDetails: { truncated: false },
            },
          },
        }
      : {
          id,
          previousEventId: frame.last_event_id,
          type: "TaskFailed",
          timestamp: new Date(),
          details: { taskFailedEventDetails: { ...common, error: outcome.error, cause: outcome.cause } },
        };
  if (ex.type !== "EXPRESS") await repo.insertEvents(tx, ex.id, ex.tenant_id, [event]);
  const next =
    outcome.kind === "succeeded"
      ? { status: "result", pending: { result: outcome.output ?? null } }
      : { status: "error", pending: { failure: { error: outcome.error, cause: outcome.cause } } };
  await xrepo.setFrameState(tx, frame.id, { ...next, lastEventId: id, wakeAt: null });
  await xrepo.completeToken(tx, frame.id, ref.scheduledEventId);
  await xrepo.setNextEventAndReady(tx, ex.id, id + 1, new Date());
  await repo.notifyRunners(tx, ex.runner_schema, ex.id);
  return true;
}

/** SendTaskHeartbeat: pushes the thread's heartbeat deadline forward. */
export async function heartbeatTask(tx: Queryable, ref: TaskRef): Promise<boolean> {
  const frame = await xrepo.getFrame(tx, ref.frameId, true);
  const p = frame?.pending as { scheduledEventId?: number; heartbeatSeconds?: number; timeoutAt?: string } | null;
  if (!frame || frame.status !== "task" || p?.scheduledEventId !== ref.scheduledEventId) return false;
  if (!p.heartbeatSeconds) return true;
  const hb = new Date(Date.now() + p.heartbeatSeconds * 1000);
  const timeout = p.timeoutAt ? new Date(p.timeoutAt) : null;
  // The execution's wake-up may now be earlier than needed; a runner waking early finds nothing due.
  await xrepo.setFrameHeartbeat(tx, frame.id, hb, timeout && timeout < hb ? timeout : hb);
  return true;
}

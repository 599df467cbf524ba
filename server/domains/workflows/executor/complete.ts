import type { Queryable } from "../../../db";
import type { TaskOutcome } from "../tasks/resource";
import * as repo from "../execution.repository";
import * as xrepo from "./executor.repository";
import { activityStartedEvent, endEvent, submittedEvent, type HistoryEntry, type TaskFamily } from "./task-events";

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
  const pending = frame?.pending as {
    scheduledEventId?: number;
    resourceType?: string;
    resource?: string;
    family?: TaskFamily;
    token?: string;
    startedEventId?: number;
    submittedEventId?: number;
    request?: { pattern?: string };
  } | null;
  if (!frame || frame.status !== "task" || pending?.scheduledEventId !== ref.scheduledEventId) return false;
  const family = pending.family ?? "task";
  const entries: HistoryEntry[] = [];
  // A remote .waitForTaskToken call answered (SendTaskSuccess/Failure) before its job recorded
  // TaskSubmitted: AWS's history always has it first, so it is written here, without the response.
  if (family === "task" && pending.request?.pattern === "waitForTaskToken" && pending.submittedEventId === undefined)
    entries.push(submittedEvent(pending.resourceType ?? "", pending.resource ?? "", null));
  // Tasks taken before ActivityStarted was written at hand-out get it here, from the task's row.
  if (family === "activity" && pending.startedEventId === undefined) {
    const started = await activityStartedEvent(tx, pending.token);
    if (started) entries.push(started);
  }
  entries.push(
    endEvent(
      family,
      pending.resourceType ?? "",
      pending.resource ?? "",
      outcome.kind === "succeeded"
        ? { kind: "succeeded", output: outcome.output ?? null }
        : { kind: "failed", error: outcome.error, cause: outcome.cause },
    ),
  );
  let id = ex.next_event_id;
  let previousEventId = frame.last_event_id;
  const events: repo.EventInsert[] = entries.map((e) => {
    const ev = { id, previousEventId, type: e.type, timestamp: e.timestamp ?? new Date(), details: e.details };
    previousEventId = id++;
    return ev;
  });
  id = previousEventId;
  if (ex.type !== "EXPRESS") await repo.insertEvents(tx, ex.id, ex.tenant_id, events);
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

/**
 * A remote `.waitForTaskToken` call was accepted (its job's resource answered "pending"): records
 * TaskSubmitted with the call's response, as AWS does, under the execution's lock with the next
 * event id. Nothing when the task is no longer awaited (already answered, timed out, stopped).
 */
export async function recordSubmitted(tx: Queryable, ref: TaskRef, submitted: unknown): Promise<boolean> {
  const ex = await xrepo.lockExecution(tx, ref.executionId);
  if (!ex || ex.status !== "RUNNING") return false;
  const frame = await xrepo.getFrame(tx, ref.frameId);
  const pending = frame?.pending as {
    scheduledEventId?: number;
    resourceType?: string;
    resource?: string;
    family?: TaskFamily;
    submittedEventId?: number;
  } | null;
  if (!frame || frame.status !== "task" || pending?.scheduledEventId !== ref.scheduledEventId) return false;
  if ((pending.family ?? "task") !== "task" || pending.submittedEventId !== undefined) return false;
  const id = ex.next_event_id;
  const e = submittedEvent(pending.resourceType ?? "", pending.resource ?? "", submitted ?? null);
  if (ex.type !== "EXPRESS")
    await repo.insertEvents(tx, ex.id, ex.tenant_id, [
      { id, previousEventId: frame.last_event_id, type: e.type, timestamp: new Date(), details: e.details },
    ]);
  await xrepo.setFrameState(tx, frame.id, {
    status: "task",
    pending: { ...pending, submittedEventId: id },
    lastEventId: id,
    wakeAt: frame.wake_at,
  });
  await xrepo.bumpNextEvent(tx, ex.id, id + 1, null);
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

import type { Queryable } from "../../../db";
import * as repo from "../execution.repository";
import * as xrepo from "./executor.repository";

// ActivityStarted at hand-out: GetActivityTask's transaction, having claimed an activity task, appends
// ActivityStarted (with the worker's name) to the execution's history under the execution's row lock,
// with the next event id and the thread's last event as its previous one, as AWS writes it when a
// worker takes the task; the heartbeat clock (HeartbeatSeconds) starts from there. The thread keeps
// `startedEventId` in its pending task so the end of the activity does not record it again.

export type StartedOutcome = "recorded" | "gone" | "untracked";

/**
 * "recorded": the event is in the history; "gone": the task's thread no longer waits on it (timed
 * out, stopped, already completed): the caller drops the task and hands out another; "untracked": the
 * token is not the executor's (a task queued outside an execution, e.g. by a test), nothing recorded.
 */
export async function recordActivityStarted(
  tx: Queryable,
  token: string,
  workerName: string | null,
  startedAt: Date,
): Promise<StartedOutcome> {
  const t = await xrepo.tokenByValue(tx, token);
  if (!t) return "untracked";
  const ex = await xrepo.lockExecution(tx, t.execution_id);
  if (!ex || ex.status !== "RUNNING" || t.status !== "waiting") return "gone";
  const frame = await xrepo.getFrame(tx, t.frame_id);
  const pending = frame?.pending as {
    scheduledEventId?: number;
    heartbeatSeconds?: number;
    timeoutAt?: string;
    startedEventId?: number;
  } | null;
  if (!frame || frame.status !== "task" || pending?.scheduledEventId !== t.scheduled_event_id) return "gone";
  if (pending.startedEventId !== undefined) return "recorded";
  const id = ex.next_event_id;
  if (ex.type !== "EXPRESS")
    await repo.insertEvents(tx, ex.id, ex.tenant_id, [
      {
        id,
        previousEventId: frame.last_event_id,
        type: "ActivityStarted",
        timestamp: startedAt,
        details: { activityStartedEventDetails: workerName !== null ? { workerName } : {} },
      },
    ]);
  const heartbeatAt = pending.heartbeatSeconds ? new Date(startedAt.getTime() + pending.heartbeatSeconds * 1000) : null;
  const timeoutAt = pending.timeoutAt ? new Date(pending.timeoutAt) : null;
  const wakes = [timeoutAt, heartbeatAt].filter((d): d is Date => d !== null);
  const wakeAt = wakes.length ? new Date(Math.min(...wakes.map((d) => d.getTime()))) : null;
  await xrepo.setFrameState(tx, frame.id, {
    status: "task",
    pending: {
      ...pending,
      startedEventId: id,
      ...(heartbeatAt ? { heartbeatAt: heartbeatAt.toISOString() } : {}),
    },
    lastEventId: id,
    wakeAt,
  });
  await xrepo.bumpNextEvent(tx, ex.id, id + 1, wakeAt);
  return "recorded";
}

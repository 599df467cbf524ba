import { pool, withTransaction } from "../../../db";
import { BOSS_SCHEMA } from "../../../jobs/boss";
import { logger } from "../../../logger";
import { listen } from "../../../platform/listen";
import { WORKFLOWS_CHANNEL } from "../execution.repository";
import { advanceExecution } from "./engine";
import * as xrepo from "./executor.repository";
import { completeTask, recordSubmitted, type TaskRef } from "./complete";
import { taskResourceFor } from "../tasks/registry";
import type { TaskOutcome, TaskRequest } from "../tasks/resource";

// The runner, in every worker process: executions whose ready_at has come (just started, a task
// completed, a Wait or a retry delay ended, a timeout is due) are advanced, up to CONCURRENCY at a
// time, each in its own transaction holding its row lock (engine.ts). A NOTIFY on
// WORKFLOWS_CHANNEL (sent by StartExecution, task completions, SendTask*) wakes it at once; it
// otherwise sleeps until the earliest ready_at (at most SWEEP_MS). Several runners (processes)
// share the work: a row locked by one is skipped by the others (SKIP LOCKED), and a runner that dies
// mid-transaction leaves ready_at set, so another takes the execution from its last commit.

const CONCURRENCY = Math.max(1, Number(process.env.SIGNALBOX_WORKFLOW_CONCURRENCY ?? 12));
const BATCH = 200;
const SWEEP_MS = 1_000;

export type Runner = { stop: () => Promise<void>; wake: () => void };

export async function startExecutionRunner(): Promise<Runner> {
  let stopped = false;
  const queue: string[] = [];
  const queued = new Set<string>();
  const inFlight = new Set<string>();
  // Lanes with nothing to do wait here; a NOTIFY (or the earliest ready_at) wakes them all.
  let waiters: Array<() => void> = [];
  let woken = false;
  const wake = () => {
    woken = true;
    const w = waiters;
    waiters = [];
    for (const r of w) r();
  };
  const unlisten = await listen(WORKFLOWS_CHANNEL, {
    onNotify: (payload) => {
      if (payload === BOSS_SCHEMA) return wake();
      if (payload.startsWith(`${BOSS_SCHEMA}:`)) {
        // An execution that is ready now: queue it directly (its row lock still decides who runs it).
        const id = payload.slice(BOSS_SCHEMA.length + 1);
        if (!inFlight.has(id) && !queued.has(id)) {
          queued.add(id);
          queue.push(id);
        }
        wakeOne();
      }
    },
    onResync: wake,
  });
  const wakeOne = () => {
    const r = waiters.shift();
    if (r) r();
  };
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopped) return resolve();
      const t = setTimeout(resolve, ms);
      waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });

  let refilling: Promise<number> | null = null;
  // One query at a time refills the shared queue with due executions (oldest first).
  const refill = () => {
    refilling ??= (async () => {
      woken = false;
      try {
        const ids = await xrepo.dueExecutionIds(pool(), BOSS_SCHEMA, new Date(), BATCH);
        for (const id of ids)
          if (!inFlight.has(id) && !queued.has(id)) {
            queued.add(id);
            queue.push(id);
          }
        if (ids.length) return 0;
        const due = await xrepo.earliestReady(pool(), BOSS_SCHEMA);
        return due ? Math.min(SWEEP_MS, Math.max(0, due.getTime() - Date.now())) : SWEEP_MS;
      } catch (err) {
        logger.error({ err }, "workflow runner could not read due executions");
        return 1000;
      } finally {
        refilling = null;
      }
    })();
    return refilling;
  };

  const lane = async () => {
    while (!stopped) {
      const id = queue.shift();
      if (id === undefined) {
        const wait = await refill();
        if (queue.length === 0 && wait > 0) await idle(wait);
        continue;
      }
      queued.delete(id);
      inFlight.add(id);
      try {
        await advanceExecution(id);
      } catch (err) {
        logger.error({ err, execution: id }, "workflow execution could not advance");
      } finally {
        inFlight.delete(id);
      }
    }
  };
  const lanes = Promise.all(Array.from({ length: CONCURRENCY }, lane));

  return {
    wake,
    stop: async () => {
      stopped = true;
      unlisten();
      wake();
      await lanes;
    },
  };
}

/** The `workflows.task` job: runs a remote task resource outside any transaction, then completes it. */
export async function runRemoteTask(data: TaskRef): Promise<void> {
  const frame = await xrepo.getFrame(pool(), data.frameId);
  const pending = frame?.pending as {
    scheduledEventId?: number;
    request?: TaskRequest;
    submittedEventId?: number;
  } | null;
  const req = pending?.request;
  if (!frame || frame.status !== "task" || pending?.scheduledEventId !== data.scheduledEventId || !req) return;
  // A .waitForTaskToken call already accepted (TaskSubmitted) is not made again when the job is redelivered.
  if (pending.submittedEventId !== undefined) return;
  const res = taskResourceFor(req.resource);
  let outcome: TaskOutcome;
  if (!res || res.mode !== "remote") outcome = { kind: "failed", error: "States.Runtime", cause: "resource gone" };
  else {
    try {
      outcome = await res.run(req);
    } catch (err) {
      outcome = { kind: "failed", error: "States.TaskFailed", cause: (err as Error).message ?? String(err) };
    }
  }
  if (outcome.kind === "pending") {
    // A .waitForTaskToken call was accepted: TaskSubmitted, then the token's answer ends the task.
    if (req.pattern === "waitForTaskToken") await withTransaction((tx) => recordSubmitted(tx, data, outcome.submitted));
    return;
  }
  await withTransaction((tx) => completeTask(tx, data, outcome));
}

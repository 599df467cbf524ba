import { pool, withTransaction } from "../../../db";
import { BOSS_SCHEMA } from "../../../jobs/boss";
import { logger } from "../../../logger";
import { listen } from "../../../platform/listen";
import { WORKFLOWS_CHANNEL } from "../execution.repository";
import { advanceExecution } from "./engine";
import * as xrepo from "./executor.repository";
import { completeTask, type TaskRef } from "./complete";
import { taskResourceFor } from "../tasks/registry";
import type { TaskOutcome, TaskRequest } from "../tasks/resource";

// The runner, in every worker process: executions whose ready_at has come (just started, a task
// completed, a Wait or a retry delay ended, a timeout is due) are advanced, up to CONCURRENCY at a
// time, each in its own transaction holding its row lock (engine.ts). A NOTIFY on
// WORKFLOWS_CHANNEL (sent by StartExecution, task completions, SendTask*) wakes it at once; it
// otherwise sleeps until the earliest ready_at (at most SWEEP_MS). Several runners (processes)
// share the work: a row locked by one is skipped by the others (SKIP LOCKED), and a runner that dies
// mid-transaction leaves ready_at set, so another takes the execution from its last commit.

const CONCURRENCY = Math.max(1, Number(process.env.SIGNALBOX_WORKFLOW_CONCURRENCY ?? 8));
const BATCH = 200;
const SWEEP_MS = 1_000;

export type Runner = { stop: () => Promise<void>; wake: () => void };

export async function startExecutionRunner(): Promise<Runner> {
  let stopped = false;
  let sleeping: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  let woken = false;
  const wake = () => {
    woken = true;
    if (!sleeping) return;
    clearTimeout(sleeping.timer);
    const r = sleeping.resolve;
    sleeping = undefined;
    r();
  };
  const unlisten = await listen(WORKFLOWS_CHANNEL, {
    onNotify: (payload) => {
      if (payload === BOSS_SCHEMA) wake();
    },
    onResync: wake,
  });
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken) return resolve();
      sleeping = { timer: setTimeout(wake, ms), resolve };
    });
  const inFlight = new Set<string>();

  const round = async (): Promise<number> => {
    const ids = await xrepo.dueExecutionIds(pool(), BOSS_SCHEMA, new Date(), BATCH);
    const queue = ids.filter((id) => !inFlight.has(id));
    let done = 0;
    const lane = async () => {
      for (let id = queue.shift(); id !== undefined && !stopped; id = queue.shift()) {
        inFlight.add(id);
        try {
          await advanceExecution(id);
          done++;
        } catch (err) {
          logger.error({ err, execution: id }, "workflow execution could not advance");
        } finally {
          inFlight.delete(id);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, lane));
    return done;
  };

  const run = (async () => {
    while (!stopped) {
      woken = false;
      let n: number;
      try {
        n = await round();
      } catch (err) {
        logger.error({ err }, "workflow runner round failed");
        await sleep(1000);
        continue;
      }
      if (stopped) break;
      if (n > 0) continue;
      let wait = SWEEP_MS;
      try {
        const due = await xrepo.earliestReady(pool(), BOSS_SCHEMA);
        if (due) wait = Math.min(SWEEP_MS, Math.max(0, due.getTime() - Date.now()));
      } catch {
        wait = 1000;
      }
      if (wait > 0 && !stopped) await sleep(wait);
    }
  })();

  return {
    wake,
    stop: async () => {
      stopped = true;
      unlisten();
      wake();
      await run;
    },
  };
}

/** The `workflows.task` job: runs a remote task resource outside any transaction, then completes it. */
export async function runRemoteTask(data: TaskRef): Promise<void> {
  const frame = await xrepo.getFrame(pool(), data.frameId);
  const pending = frame?.pending as { scheduledEventId?: number; request?: TaskRequest } | null;
  const req = pending?.request;
  if (!frame || frame.status !== "task" || pending?.scheduledEventId !== data.scheduledEventId || !req) return;
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
  if (outcome.kind === "pending") return;
  await withTransaction((tx) => completeTask(tx, data, outcome));
}

import os from "node:os";
import { randomUUID } from "node:crypto";
import { getBoss, ensureQueues, stopBoss } from "./boss";
import { HANDLERS } from "./catalog";
import { CONTRACTS } from "./contracts";
import { logger } from "../logger";
import { pool } from "../db";
import { beatWorkerHeartbeat, deleteWorkerHeartbeat } from "../domains/system/system.repository";
import { startTimerLoop } from "../domains/timers/timer.loop";
import { startEventRouter } from "../domains/events/event-router";
import { startExecutionRunner } from "../domains/workflows/executor/runner";

// The worker process: runs every job in the catalog, writes a heartbeat that /api/health reads,
// and on SIGTERM stops taking jobs, lets running ones finish (pg-boss graceful stop), then exits.
export const HEARTBEAT_INTERVAL_MS = 5_000;

export async function startWorker(): Promise<{ stop: () => Promise<void> }> {
  const boss = await getBoss("worker");
  await ensureQueues(CONTRACTS);
  const unhandled = CONTRACTS.filter((c) => !HANDLERS.some((h) => h.contract === c)).map((c) => c.name);
  if (unhandled.length) throw new Error(`jobs without a handler in jobs/catalog.ts: ${unhandled.join(", ")}`);
  const id = randomUUID();
  const log = logger.child({ workerId: id });

  for (const { contract: job, handler } of HANDLERS) {
    await boss.work(
      job.name,
      {
        batchSize: job.work?.batchSize ?? 1,
        localConcurrency: job.work?.localConcurrency ?? 1,
        pollingIntervalSeconds: job.work?.pollingIntervalSeconds ?? 1,
        ...job.work,
      } as never,
      (async (jobs: Array<{ id: string; data: unknown; retryCount?: number }>) => {
        for (const j of jobs) {
          const jl = log.child({ jobId: j.id, job: job.name });
          const parsed = job.schema.safeParse(j.data);
          if (!parsed.success) {
            // A payload that cannot be parsed will never succeed: fail it loudly, do not retry forever.
            jl.error({ issues: parsed.error.issues }, "job payload rejected");
            throw new Error(`invalid payload for ${job.name}`);
          }
          await handler(parsed.data, { jobId: j.id, log: jl, retryCount: j.retryCount ?? 0 });
        }
      }) as never,
    );
    if (job.cron) await boss.schedule(job.name, job.cron, {}, { tz: "UTC" } as never);
  }

  const beat = async () => {
    await beatWorkerHeartbeat(pool(), id, os.hostname(), process.pid).catch((err) =>
      log.warn({ err }, "heartbeat failed"),
    );
  };
  await beat();
  const timer = setInterval(beat, HEARTBEAT_INTERVAL_MS);
  timer.unref();
  // Rule and Scheduler schedules: enqueue each fire time's job exactly once (domains/timers).
  const timers = await startTimerLoop();
  // Accepted events: matched and handed to the delivery engine (domains/events/event-router.ts).
  const router = startEventRouter();
  // Workflow executions: advanced as soon as they are ready (domains/workflows/executor/runner.ts).
  const workflows = await startExecutionRunner();
  log.info({ jobs: HANDLERS.length }, "worker started");

  return {
    stop: async () => {
      clearInterval(timer);
      await timers.stop();
      await router.stop();
      await workflows.stop();
      await stopBoss();
      await deleteWorkerHeartbeat(pool(), id).catch(() => {});
      log.info("worker stopped");
    },
  };
}

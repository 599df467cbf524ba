import { pool, withTransaction } from "../../db";
import { BOSS_SCHEMA } from "../../jobs/boss";
import { logger } from "../../logger";
import { enqueue } from "../../platform/enqueue";
import { listen } from "../../platform/listen";
import { planFire } from "../../core/schedule/timer-plan";
import * as repo from "./timer.repository";
import { dueWithin, fireContract, fireJobId, specOf, TIMERS_CHANNEL } from "./timer.service";

// The timer loop, in every worker process: sleeps until the earliest due timer (woken sooner by a
// NOTIFY on TIMERS_CHANNEL when an upsert sets a nearer one), then claims due timers with
// FOR UPDATE SKIP LOCKED and, for each, in ONE transaction: enqueues the owner's fire job for the
// fire time (pg-boss job id derived from owner + fire time, singleton key owner + fire time) and
// advances next_fire_at. Two loops never take the same row at once, and the row they see next is
// already advanced, so each fire time is enqueued exactly once. A loop that dies mid-transaction
// enqueued nothing and advanced nothing: the next loop fires the same time (see
// core/schedule/timer-plan.ts for fire times missed while no loop ran). A loop fires only the
// timers of its own pg-boss schema (SIGNALBOX_BOSS_SCHEMA): installations or test files sharing a
// database with separate job schemas keep their timers apart.

const BATCH = 100;
const MAX_SLEEP_MS = 30_000;

/** Fires every timer due at `now` (one transaction per batch). Returns how many were claimed. */
export async function fireDueTimers(now: Date = new Date(), limit = BATCH): Promise<number> {
  return withTransaction(async (tx) => {
    const rows = await repo.claimDueTimers(tx, BOSS_SCHEMA, now, limit);
    for (const row of rows) {
      let plan: ReturnType<typeof planFire>;
      try {
        plan = planFire(specOf(row), row.next_fire_at ?? row.due_at!, now);
      } catch (err) {
        // An expression this version cannot read (written by another version): park the timer.
        logger.error({ err, timer: row.id }, "timer cannot be planned; parked");
        await repo.advanceTimer(tx, row.id, {
          nextFireAt: null,
          dueAt: null,
          firedAt: null,
          enqueuedAt: now,
          missed: 0,
        });
        continue;
      }
      const contract = fireContract(row.fire_job);
      if (plan.fireTime && contract) {
        const fireTime = plan.fireTime.toISOString();
        await enqueue(
          contract,
          { tenantId: row.tenant_id, ownerId: row.owner_id, fireTime },
          {
            tx,
            id: fireJobId(row.fire_job, row.owner_kind, row.owner_id, plan.fireTime),
            singletonKey: `${row.owner_kind}:${row.owner_id}:${fireTime}`,
          },
        );
      } else if (!contract) {
        logger.error({ timer: row.id, job: row.fire_job }, "timer fire job has no contract; fire skipped");
      }
      if (plan.missed > 0) {
        logger.warn(
          { timer: row.id, owner: row.owner_id, missed: plan.missed },
          "timer fires missed while no worker ran",
        );
      }
      await repo.advanceTimer(tx, row.id, {
        nextFireAt: plan.next,
        dueAt: plan.next ? dueWithin(plan.next, row.flexible_window_minutes) : null,
        firedAt: contract ? plan.fireTime : null,
        enqueuedAt: new Date(),
        missed: plan.missed,
      });
    }
    return rows.length;
  });
}

export type TimerLoop = { stop: () => Promise<void>; wake: () => void };

/** Starts the loop; `stop` lets the current round finish. */
export async function startTimerLoop(opts: { maxSleepMs?: number } = {}): Promise<TimerLoop> {
  const maxSleep = opts.maxSleepMs ?? MAX_SLEEP_MS;
  let stopped = false;
  let sleeping: { until: number; timer: NodeJS.Timeout; resolve: () => void } | undefined;
  const wake = () => {
    if (!sleeping) return;
    clearTimeout(sleeping.timer);
    const r = sleeping.resolve;
    sleeping = undefined;
    r();
  };
  const unlisten = await listen(TIMERS_CHANNEL, {
    onNotify: (payload) => {
      const due = Date.parse(payload);
      if (sleeping && (Number.isNaN(due) || due < sleeping.until)) wake();
    },
    // Notices may have been missed: look at the table again.
    onResync: wake,
  });
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      sleeping = { until: Date.now() + ms, timer: setTimeout(() => wake(), ms), resolve };
    });

  const run = (async () => {
    while (!stopped) {
      let claimed: number;
      try {
        claimed = await fireDueTimers(new Date());
      } catch (err) {
        logger.error({ err }, "timer round failed");
        await sleep(1000);
        continue;
      }
      if (stopped) break;
      if (claimed >= BATCH) continue;
      let wait = maxSleep;
      try {
        const due = await repo.earliestDueAt(pool(), BOSS_SCHEMA);
        if (due) wait = Math.min(maxSleep, Math.max(0, due.getTime() - Date.now()));
      } catch (err) {
        logger.warn({ err }, "timer loop could not read the next due time");
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

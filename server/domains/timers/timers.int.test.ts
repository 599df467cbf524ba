import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool, withTransaction } from "../../db";
import { BOSS_SCHEMA, ensureQueues, stopBoss } from "../../jobs/boss";
import { stopListening } from "../../platform/listen";
import { fireScheduleJob } from "../schedules/schedule.jobs";
import { createTestTenant, type TestTenant } from "../../../tests/helpers/fixtures";
import { deleteTimer, getTimer, upsertTimer } from "./timer.service";
import { fireDueTimers, startTimerLoop } from "./timer.loop";

// The timer loop against the real database: exactly once with racing loops, a one-time schedule
// within a second of its time (measured from the rows the loop wrote, not by sleeping), and what a
// restart does with fires missed while no worker ran.

let t: TestTenant;
const FIRE_JOB = fireScheduleJob.name;

beforeAll(async () => {
  t = await createTestTenant();
  await ensureQueues([fireScheduleJob]);
});
afterAll(async () => {
  // Leave no recurring timer behind: a later run's loops would keep firing it.
  await pool().query(`DELETE FROM timers WHERE tenant_id = $1`, [t.tenant.id]);
  await stopListening();
  await stopBoss();
});

async function jobsFor(ownerIds: string[]) {
  const r = await pool().query(
    `SELECT data->>'ownerId' AS owner, data->>'fireTime' AS fire_time, singleton_key, created_on
       FROM "${BOSS_SCHEMA}".job WHERE name = $1 AND data->>'ownerId' = ANY($2::text[])`,
    [FIRE_JOB, ownerIds],
  );
  return r.rows as Array<{ owner: string; fire_time: string; singleton_key: string }>;
}

async function addTimer(expression: string, extra: Partial<Parameters<typeof upsertTimer>[1]> = {}, now?: Date) {
  const ownerId = randomUUID();
  await withTransaction((tx) =>
    upsertTimer(
      tx,
      { tenantId: t.tenant.id, ownerKind: "schedule", ownerId, expression, enabled: true, fireJob: FIRE_JOB, ...extra },
      now,
    ),
  );
  return ownerId;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const atIn = (ms: number) => `at(${new Date(Date.now() + ms).toISOString().slice(0, 19)})`;

describe("timers", () => {
  it("refuses a bad expression or zone with AWS's message, for rules in PutRule's words", async () => {
    await expect(addTimer("rate(1 minutes)")).rejects.toThrow("Invalid Schedule Expression rate(1 minutes).");
    await expect(
      addTimer("rate(5 minutes)", { ownerKind: "rule" }).then(() =>
        addTimer("at(2030-01-01T00:00:00)", { ownerKind: "rule" }),
      ),
    ).rejects.toThrow("Parameter ScheduleExpression is not valid.");
    await expect(addTimer("rate(5 minutes)", { timezone: "Mars/Olympus" })).rejects.toThrow(/time zone/);
  });

  it("two loops racing fire each one-time timer exactly once, within a second of its time", async () => {
    const owners: string[] = [];
    // Seconds ahead, so the loops are asleep when they come due and must wake on time.
    for (let i = 0; i < 12; i++) owners.push(await addTimer(atIn(2500 + (i % 3) * 1000)));
    const loops = [await startTimerLoop(), await startTimerLoop()];
    try {
      await waitFor("every timer fired", async () => {
        const r = await pool().query(
          `SELECT count(*)::int AS n FROM timers WHERE owner_id = ANY($1::text[]) AND fire_count > 0`,
          [owners],
        );
        return r.rows[0].n === owners.length;
      });
    } finally {
      await Promise.all(loops.map((l) => l.stop()));
    }
    const jobs = await jobsFor(owners);
    expect(jobs).toHaveLength(owners.length);
    expect(new Set(jobs.map((j) => j.owner)).size).toBe(owners.length);
    for (const j of jobs) expect(j.singleton_key).toBe(`schedule:${j.owner}:${j.fire_time}`);
    const rows = await pool().query(
      `SELECT fire_count, next_fire_at, last_fire_at, last_enqueued_at FROM timers WHERE owner_id = ANY($1::text[])`,
      [owners],
    );
    for (const r of rows.rows) {
      expect(r.fire_count).toBe(1);
      expect(r.next_fire_at).toBeNull();
      const lateMs = r.last_enqueued_at.getTime() - r.last_fire_at.getTime();
      expect(lateMs).toBeGreaterThanOrEqual(0);
      expect(lateMs).toBeLessThan(1000);
    }
  });

  it("a sleeping loop is woken by a new nearer timer (NOTIFY) and fires it on time", async () => {
    // Long sleeps: only the NOTIFY from upsertTimer can make it fire within a second.
    const loop = await startTimerLoop({ maxSleepMs: 120_000 });
    try {
      await new Promise((r) => setTimeout(r, 300)); // let it go to sleep
      const owner = await addTimer(atIn(1500));
      const row = await waitFor("the timer fired", async () => {
        const r = await getTimer(pool(), "schedule", owner);
        return r && r.fire_count > 0 ? r : undefined;
      });
      expect(row.last_enqueued_at!.getTime() - row.last_fire_at!.getTime()).toBeLessThan(1000);
    } finally {
      await loop.stop();
    }
  });

  it("concurrent rounds over the same due timers enqueue each fire time once", async () => {
    const past = new Date(Date.now() - 30_000);
    const owners: string[] = [];
    for (let i = 0; i < 30; i++) owners.push(await addTimer("rate(1 hour)", {}, past));
    const claimed = await Promise.all([0, 1, 2, 3].map(() => fireDueTimers(new Date(), 10)));
    for (let more = await fireDueTimers(new Date(), 100); more > 0; more = await fireDueTimers(new Date(), 100))
      claimed.push(more);
    expect(claimed.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(owners.length);
    const jobs = await jobsFor(owners);
    expect(jobs).toHaveLength(owners.length);
    expect(jobs.every((j) => j.fire_time === past.toISOString())).toBe(true);
    // Advanced by one period: nothing is due again.
    expect(await fireDueTimers(new Date(), 100)).toBe(0);
  });

  it("a round that dies before committing fires nothing; the next one fires the same time once", async () => {
    const owner = await addTimer("rate(1 hour)", {}, new Date(Date.now() - 1000));
    const client = await pool().connect();
    try {
      await client.query("BEGIN");
      await client.query(`SELECT id FROM timers WHERE owner_id = $1 FOR UPDATE`, [owner]);
      // Another loop skips the row while the first holds it…
      await fireDueTimers(new Date(), 100);
      expect(await jobsFor([owner])).toHaveLength(0);
      // …and the first dies (rollback: nothing enqueued, nothing advanced).
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    await fireDueTimers(new Date(), 100);
    await fireDueTimers(new Date(), 100);
    expect(await jobsFor([owner])).toHaveLength(1);
  });

  it("after downtime: the latest missed fire runs once; one older than the maximum age is dropped", async () => {
    const created = new Date(Date.now() - 3600_000);
    const minutely = await addTimer("rate(1 minute)", {}, created);
    const stale = await addTimer(
      `at(${new Date(Date.now() - 7200_000).toISOString().slice(0, 19)})`,
      { maxAgeSeconds: 3600 },
      new Date(Date.now() - 8000_000),
    );
    const now = new Date();
    await fireDueTimers(now, 100);
    await fireDueTimers(now, 100);
    const jobs = await jobsFor([minutely, stale]);
    expect(jobs).toHaveLength(1);
    const fired = new Date(jobs[0]!.fire_time).getTime();
    expect(jobs[0]!.owner).toBe(minutely);
    expect(now.getTime() - fired).toBeLessThan(60_000);
    const m = await getTimer(pool(), "schedule", minutely);
    expect(m!.missed_count).toBe(60);
    expect(m!.next_fire_at!.getTime()).toBeGreaterThan(now.getTime());
    const s = await getTimer(pool(), "schedule", stale);
    expect(s).toMatchObject({ fire_count: 0, missed_count: 1, next_fire_at: null, due_at: null });
  });

  it("a one-time at() already past when created fires at once, once; one past the maximum age never", async () => {
    const past = (ms: number) => new Date(Date.now() - ms).toISOString().slice(0, 19);
    const recentAt = past(10 * 60_000);
    const recent = await addTimer(`at(${recentAt})`);
    const ancient = await addTimer(`at(${past(2 * 86400_000)})`);
    const r = await getTimer(pool(), "schedule", recent);
    expect(r!.next_fire_at).toEqual(new Date(`${recentAt}Z`));
    expect(r!.due_at!.getTime()).toBeLessThanOrEqual(Date.now());
    const now = new Date();
    await fireDueTimers(now, 100);
    await fireDueTimers(now, 100);
    const jobs = await jobsFor([recent, ancient]);
    expect(jobs.map((j) => j.owner)).toEqual([recent]);
    // The fire time is the at() time itself (what <aws.scheduler.scheduled-time> says).
    expect(new Date(jobs[0]!.fire_time).toISOString()).toBe(r!.next_fire_at!.toISOString());
    expect(await getTimer(pool(), "schedule", recent)).toMatchObject({ fire_count: 1, next_fire_at: null });
    expect(await getTimer(pool(), "schedule", ancient)).toMatchObject({
      fire_count: 0,
      missed_count: 1,
      next_fire_at: null,
    });
  });

  it("a Scheduler rate fires at once; a rule's rate first fires one period after it was created", async () => {
    const now = new Date(Date.now() - 5000);
    const schedule = await addTimer("rate(5 minutes)", {}, now);
    const rule = await addTimer("rate(5 minutes)", { ownerKind: "rule" }, now);
    expect((await getTimer(pool(), "schedule", schedule))!.next_fire_at).toEqual(now);
    expect((await getTimer(pool(), "rule", rule))!.next_fire_at).toEqual(new Date(now.getTime() + 300_000));
  });

  it("an unchanged upsert keeps the next fire time; a disabled or deleted timer never fires", async () => {
    const created = new Date(Date.now() - 90_000);
    const owner = await addTimer("rate(1 hour)", {}, created);
    const before = await getTimer(pool(), "schedule", owner);
    await withTransaction((tx) =>
      upsertTimer(tx, {
        tenantId: t.tenant.id,
        ownerKind: "schedule",
        ownerId: owner,
        expression: "rate(1 hour)",
        enabled: true,
        fireJob: FIRE_JOB,
      }),
    );
    const after = await getTimer(pool(), "schedule", owner);
    expect(after!.next_fire_at).toEqual(before!.next_fire_at);
    expect(after!.anchor_at).toEqual(before!.anchor_at);

    const disabled = await addTimer("rate(1 hour)", { enabled: false }, created);
    const deleted = await addTimer("rate(1 hour)", {}, created);
    await withTransaction((tx) => deleteTimer(tx, "schedule", deleted));
    await fireDueTimers(new Date(), 100);
    expect(await jobsFor([disabled, deleted])).toHaveLength(0);
  });
});

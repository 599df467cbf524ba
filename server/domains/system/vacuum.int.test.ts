import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../db";
import { healthReport } from "../../http/health";
import { BOSS_SCHEMA } from "../../jobs/boss";
import { MIN_VACUUM_INTERVAL_MS, runVacuumRound, vacuumReason, type VacuumStatus } from "./vacuum";
import { tableActivity, vacuumAnalyze, type TableActivity } from "./vacuum.repository";

// The vacuum manager against the real PostgreSQL: a table with autovacuum disabled and dead rows
// gets vacuumed and analyzed by a round; /api/health says who vacuums and when it last happened.

const schema = `vac_${randomBytes(4).toString("hex")}`;
const table = { schema, table: "churn" };

/** Activity counters reach pg_stat_user_tables shortly after a transaction ends: wait for them. */
async function activityWhen(ok: (t: TableActivity) => boolean): Promise<TableActivity> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [t] = await tableActivity(pool(), [table]);
    if (t && ok(t)) return t;
    if (Date.now() > deadline) throw new Error(`table activity never matched: ${JSON.stringify(t)}`);
    await pool().query(`SELECT pg_stat_force_next_flush()`);
    await new Promise((r) => setTimeout(r, 100)); // polling a condition, not a timed assertion
  }
}

beforeAll(async () => {
  await pool().query(`CREATE SCHEMA ${schema}`);
  await pool().query(
    `CREATE TABLE ${schema}.churn (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false, toast.autovacuum_enabled = false)`,
  );
});
afterAll(async () => {
  await pool().query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
});

describe("vacuum manager", () => {
  it("vacuums and analyzes a hot table whose dead rows pile up with autovacuum off, then leaves it alone", async () => {
    await pool().query(`INSERT INTO ${schema}.churn SELECT i, 'x' FROM generate_series(1, 6000) i`);
    await pool().query(`DELETE FROM ${schema}.churn WHERE id > 1000`);
    const before = await activityWhen((t) => t.deadRows >= 5000);
    expect(before.autovacuumDisabled).toBe(true);
    expect(before.lastVacuumAt).toBeNull();

    const done = await runVacuumRound(BOSS_SCHEMA, { tables: [table] });
    expect(done).toEqual([{ table: `${schema}.churn`, reason: "dead rows" }]);
    const after = await activityWhen((t) => t.lastVacuumAt !== null);
    // Not `deadRows === 0`: VACUUM keeps dead rows that a concurrent snapshot in this database
    // (another test file's open transaction) may still see, so that count depends on timing.
    expect(after.lastVacuumAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(after.lastAnalyzeAt).not.toBeNull();

    // More dead rows right away: not again within the minimum interval.
    await pool().query(`INSERT INTO ${schema}.churn SELECT i, 'y' FROM generate_series(1001, 3000) i`);
    await pool().query(`DELETE FROM ${schema}.churn WHERE id > 10`);
    await activityWhen((t) => t.deadRows >= 2990);
    expect(await runVacuumRound(BOSS_SCHEMA, { tables: [table] })).toEqual([]);
    // Past the interval it would (the clock is the round's `now`).
    const later = new Date(Date.now() + MIN_VACUUM_INTERVAL_MS + 1_000);
    const t = await activityWhen(() => true);
    expect(vacuumReason(t, false, later)).toBe("dead rows");
  });

  it("decides from the counters: in charge only when autovacuum cannot do it, or when it falls far behind", () => {
    const now = new Date();
    const base: TableActivity = {
      schema: "public",
      table: "queue_messages",
      liveRows: 10_000,
      deadRows: 0,
      modifiedSinceAnalyze: 0,
      autovacuumDisabled: false,
      lastVacuumAt: null,
      lastAutovacuumAt: null,
      lastAnalyzeAt: now,
      lastAutoanalyzeAt: null,
    };
    expect(vacuumReason({ ...base, deadRows: 2_000 }, true, now)).toBe("dead rows");
    expect(vacuumReason({ ...base, deadRows: 2_000 }, false, now)).toBeNull();
    expect(vacuumReason({ ...base, deadRows: 60_000 }, false, now)).toBe("dead rows piling up");
    expect(vacuumReason({ ...base, modifiedSinceAnalyze: 5_000 }, true, now)).toBe("stale statistics");
    expect(vacuumReason({ ...base, lastAnalyzeAt: null }, true, now)).toBe("no statistics");
    expect(vacuumReason({ ...base, deadRows: 2_000, lastAutovacuumAt: now }, true, now)).toBeNull();
    expect(vacuumReason(base, true, now)).toBeNull();
  });

  it("/api/health reports who vacuums the hot tables and when Signalbox last did", async () => {
    const setting = await pool().query(`SELECT current_setting('autovacuum') = 'on' AS on`);
    const started = new Date(Date.now() - 1_000);
    await vacuumAnalyze(pool(), "public", "queue_messages");
    const report = await healthReport();
    const detail = report.checks.vacuum.detail as VacuumStatus;
    expect(report.checks.vacuum.ok).toBe(true);
    // The other checks' SQL lives in health.repository.ts now; they still answer.
    expect(report.checks.database.ok).toBe(true);
    expect(report.checks.migrations).toMatchObject({ ok: true, detail: { pending: [] } });
    expect(report.checks.worker.detail).toMatchObject({ alive: expect.any(Number) });
    if (!setting.rows[0].on) expect(detail).toMatchObject({ autovacuum: false, managedBy: "signalbox" });
    expect(detail.managedBy).toBe(detail.autovacuum ? "postgres" : "signalbox");
    expect(new Date(detail.lastRunAt!).getTime()).toBeGreaterThanOrEqual(started.getTime());
    expect(detail.tables.map((t) => t.table)).toEqual(
      expect.arrayContaining(["public.queue_messages", "public.deliveries", "public.delivery_attempts"]),
    );
  });
});

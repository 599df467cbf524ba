import { pool, type Queryable } from "../../db";
import { logger } from "../../logger";
import { autovacuumState, tableActivity, vacuumAnalyze, type TableActivity } from "./vacuum.repository";

// Signalbox's hot tables churn: every message is inserted, updated on receive and deleted within
// seconds, every job and delivery likewise. Without vacuum, dead rows bloat their indexes and the
// SQS cycle halves (8 clients: 1,629 vs 4,034 msg/s with a VACUUM every 60 s); without ANALYZE the
// planner has no statistics. PostgreSQL's autovacuum normally does both, but some servers run with
// it off (the one on our CI machines does). So the worker checks once a minute: when autovacuum is
// off or not running, or a table has it disabled, Signalbox vacuums and analyzes the hot tables
// that need it itself; when autovacuum runs but dead rows pile up far past its thresholds,
// Signalbox helps out. /api/health reports which of the two is in charge.

/** Our hot tables in the public schema, and pg-boss's job table (its partitions) in its schema. */
export function hotTables(bossSchema: string): Array<{ schema: string; table: string }> {
  return [
    ...["queue_messages", "queue_fifo_groups", "deliveries", "delivery_attempts"].map((table) => ({
      schema: "public",
      table,
    })),
    { schema: bossSchema, table: "job" },
  ];
}

/** Dead rows that justify a vacuum when we are in charge: PostgreSQL's own default formula, a bit keener. */
const MANAGED_DEAD = { base: 1_000, fraction: 0.05 };
/** Rows changed since the last ANALYZE that justify one (fresh plans after a burst). */
const MANAGED_MODIFIED = { base: 1_000, fraction: 0.1 };
/** When autovacuum is running: dead rows past this mean it is not keeping up. */
const BEHIND_DEAD = { base: 50_000, fraction: 0.2 };
/** Never vacuum one table more often than this (a big table's VACUUM costs I/O of its own). */
export const MIN_VACUUM_INTERVAL_MS = 30_000;

export type VacuumStatus = {
  autovacuum: boolean;
  managedBy: "postgres" | "signalbox";
  /** The latest VACUUM of a hot table that autovacuum did not run (ours, or an operator's). */
  lastRunAt: Date | null;
  tables: Array<{ table: string; deadRows: number; liveRows: number; lastVacuumAt: Date | null }>;
};

const latest = (...ds: Array<Date | null>) => ds.reduce<Date | null>((a, d) => (d && (!a || d > a) ? d : a), null);

/** Why a table needs a vacuum now, or null. */
export function vacuumReason(t: TableActivity, managed: boolean, now: Date): string | null {
  const last = latest(t.lastVacuumAt, t.lastAutovacuumAt);
  if (last && now.getTime() - last.getTime() < MIN_VACUUM_INTERVAL_MS) return null;
  if (t.deadRows >= BEHIND_DEAD.base + BEHIND_DEAD.fraction * t.liveRows) return "dead rows piling up";
  if (!(managed || t.autovacuumDisabled)) return null;
  if (t.deadRows >= MANAGED_DEAD.base + MANAGED_DEAD.fraction * t.liveRows) return "dead rows";
  if (t.modifiedSinceAnalyze >= MANAGED_MODIFIED.base + MANAGED_MODIFIED.fraction * t.liveRows)
    return "stale statistics";
  if (t.liveRows > 0 && !t.lastAnalyzeAt && !t.lastAutoanalyzeAt) return "no statistics";
  return null;
}

async function managedBySignalbox(db: Queryable): Promise<boolean> {
  const av = await autovacuumState(db);
  return !av.enabled || !av.launcherRunning;
}

export async function vacuumStatus(bossSchema: string, db: Queryable = pool()): Promise<VacuumStatus> {
  const [managed, tables] = await Promise.all([managedBySignalbox(db), tableActivity(db, hotTables(bossSchema))]);
  return {
    autovacuum: !managed,
    managedBy: managed ? "signalbox" : "postgres",
    lastRunAt: latest(...tables.map((t) => t.lastVacuumAt)),
    tables: tables.map((t) => ({
      table: `${t.schema}.${t.table}`,
      deadRows: t.deadRows,
      liveRows: t.liveRows,
      lastVacuumAt: latest(t.lastVacuumAt, t.lastAutovacuumAt),
    })),
  };
}

/**
 * One round (the system.vacuum job, once a minute): VACUUM (ANALYZE) each hot table that needs
 * it, one at a time (they are I/O, not something to run in parallel on a busy server). Returns
 * what it vacuumed and why.
 */
export async function runVacuumRound(
  bossSchema: string,
  opts: { db?: Queryable; now?: Date; tables?: Array<{ schema: string; table: string }> } = {},
): Promise<Array<{ table: string; reason: string }>> {
  const db = opts.db ?? pool();
  const now = opts.now ?? new Date();
  const managed = await managedBySignalbox(db);
  const done: Array<{ table: string; reason: string }> = [];
  for (const t of await tableActivity(db, opts.tables ?? hotTables(bossSchema))) {
    const reason = vacuumReason(t, managed, now);
    if (!reason) continue;
    await vacuumAnalyze(db, t.schema, t.table);
    done.push({ table: `${t.schema}.${t.table}`, reason });
  }
  if (done.length)
    logger.info({ vacuumed: done, managedBy: managed ? "signalbox" : "postgres" }, "vacuumed hot tables");
  return done;
}

import type { Queryable } from "../../db";

// SQL of the vacuum manager: whether PostgreSQL's autovacuum is working, the activity counters of
// our hot tables (pg_stat_user_tables) and the VACUUM itself.

export type AutovacuumState = {
  /** `autovacuum` and `track_counts` are on (autovacuum needs both). */
  enabled: boolean;
  /** The launcher process exists (it can be on in the settings and still not be running). */
  launcherRunning: boolean;
};

export async function autovacuumState(db: Queryable): Promise<AutovacuumState> {
  const r = await db.query(
    `SELECT current_setting('autovacuum') = 'on' AND current_setting('track_counts') = 'on' AS enabled,
       EXISTS (SELECT 1 FROM pg_stat_activity WHERE backend_type = 'autovacuum launcher') AS launcher`,
  );
  return { enabled: r.rows[0].enabled, launcherRunning: r.rows[0].launcher };
}

export type TableActivity = {
  schema: string;
  table: string;
  liveRows: number;
  deadRows: number;
  modifiedSinceAnalyze: number;
  /** autovacuum_enabled = false on the table itself. */
  autovacuumDisabled: boolean;
  lastVacuumAt: Date | null;
  lastAutovacuumAt: Date | null;
  lastAnalyzeAt: Date | null;
  lastAutoanalyzeAt: Date | null;
};

/**
 * Activity of the given tables, plus every partition of the given partitioned tables (pg-boss
 * keeps its jobs in partitions of `job`; the parent has no rows of its own).
 */
export async function tableActivity(db: Queryable, tables: Array<{ schema: string; table: string }>) {
  const r = await db.query(
    `WITH wanted AS (
       SELECT c.oid FROM unnest($1::text[], $2::text[]) AS w(s, t)
       JOIN pg_namespace n ON n.nspname = w.s JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = w.t
     ), leaves AS (
       SELECT oid FROM wanted
       UNION SELECT i.inhrelid FROM pg_inherits i JOIN wanted ON i.inhparent = wanted.oid
     )
     SELECT s.schemaname, s.relname, s.n_live_tup::float8 AS live, s.n_dead_tup::float8 AS dead,
       s.n_mod_since_analyze::float8 AS modified, s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze,
       coalesce('autovacuum_enabled=false' = ANY(c.reloptions), false) AS av_off
     FROM leaves JOIN pg_class c ON c.oid = leaves.oid AND c.relkind = 'r'
     JOIN pg_stat_user_tables s ON s.relid = c.oid
     ORDER BY s.schemaname, s.relname`,
    [tables.map((t) => t.schema), tables.map((t) => t.table)],
  );
  return r.rows.map((x): TableActivity => ({
    schema: x.schemaname,
    table: x.relname,
    liveRows: x.live,
    deadRows: x.dead,
    modifiedSinceAnalyze: x.modified,
    autovacuumDisabled: x.av_off,
    lastVacuumAt: x.last_vacuum,
    lastAutovacuumAt: x.last_autovacuum,
    lastAnalyzeAt: x.last_analyze,
    lastAutoanalyzeAt: x.last_autoanalyze,
  }));
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * VACUUM (ANALYZE) of one table. VACUUM cannot run inside a transaction: `db` must be the pool
 * or a client outside one. SKIP_LOCKED: a table someone else is vacuuming (or altering) is left
 * for the next round instead of waiting.
 */
export async function vacuumAnalyze(db: Queryable, schema: string, table: string): Promise<void> {
  await db.query(`VACUUM (ANALYZE, SKIP_LOCKED) ${ident(schema)}.${ident(table)}`);
}

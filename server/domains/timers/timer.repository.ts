import type { Queryable } from "../../db";

// SQL of the timers table (migration 20261202030000_timers_and_schedules).

export type TimerRow = {
  id: string;
  tenant_id: string;
  owner_kind: "rule" | "schedule";
  owner_id: string;
  expression: string;
  timezone: string;
  start_date: Date | null;
  end_date: Date | null;
  anchor_at: Date;
  flexible_window_minutes: number | null;
  max_age_seconds: number;
  fire_job: string;
  boss_schema: string;
  enabled: boolean;
  next_fire_at: Date | null;
  due_at: Date | null;
  last_fire_at: Date | null;
  last_enqueued_at: Date | null;
  fire_count: number;
  missed_count: number;
};

export async function findTimer(db: Queryable, ownerKind: string, ownerId: string): Promise<TimerRow | null> {
  const r = await db.query(`SELECT * FROM timers WHERE owner_kind = $1 AND owner_id = $2`, [ownerKind, ownerId]);
  return (r.rows[0] as TimerRow | undefined) ?? null;
}

/** Locks the owner's timer row for the rest of the transaction (upserts of one owner serialize). */
export async function lockTimer(db: Queryable, ownerKind: string, ownerId: string): Promise<TimerRow | null> {
  const r = await db.query(`SELECT * FROM timers WHERE owner_kind = $1 AND owner_id = $2 FOR UPDATE`, [
    ownerKind,
    ownerId,
  ]);
  return (r.rows[0] as TimerRow | undefined) ?? null;
}

export type TimerWrite = Omit<TimerRow, "last_fire_at" | "last_enqueued_at" | "fire_count" | "missed_count" | "id"> & {
  id: string;
};

export async function upsertTimerRow(db: Queryable, t: TimerWrite): Promise<void> {
  await db.query(
    `INSERT INTO timers (id, tenant_id, owner_kind, owner_id, expression, timezone, start_date, end_date,
                         anchor_at, flexible_window_minutes, max_age_seconds, fire_job, enabled,
                         next_fire_at, due_at, boss_schema)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     ON CONFLICT (owner_kind, owner_id) DO UPDATE SET
       tenant_id = EXCLUDED.tenant_id, expression = EXCLUDED.expression, timezone = EXCLUDED.timezone,
       start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date, anchor_at = EXCLUDED.anchor_at,
       flexible_window_minutes = EXCLUDED.flexible_window_minutes, max_age_seconds = EXCLUDED.max_age_seconds,
       fire_job = EXCLUDED.fire_job, enabled = EXCLUDED.enabled, next_fire_at = EXCLUDED.next_fire_at,
       due_at = EXCLUDED.due_at, boss_schema = EXCLUDED.boss_schema, updated_at = now()`,
    [
      t.id,
      t.tenant_id,
      t.owner_kind,
      t.owner_id,
      t.expression,
      t.timezone,
      t.start_date,
      t.end_date,
      t.anchor_at,
      t.flexible_window_minutes,
      t.max_age_seconds,
      t.fire_job,
      t.enabled,
      t.next_fire_at,
      t.due_at,
      t.boss_schema,
    ],
  );
}

export async function deleteTimerRow(db: Queryable, ownerKind: string, ownerId: string): Promise<boolean> {
  const r = await db.query(`DELETE FROM timers WHERE owner_kind = $1 AND owner_id = $2`, [ownerKind, ownerId]);
  return (r.rowCount ?? 0) > 0;
}

/** Claims up to `limit` due timers of a job schema; rows another loop holds are skipped, never waited for. */
export async function claimDueTimers(db: Queryable, bossSchema: string, now: Date, limit: number): Promise<TimerRow[]> {
  const r = await db.query(
    `SELECT * FROM timers
      WHERE boss_schema = $1 AND enabled AND due_at IS NOT NULL AND due_at <= $2
      ORDER BY due_at
      LIMIT $3
      FOR UPDATE SKIP LOCKED`,
    [bossSchema, now, limit],
  );
  return r.rows as TimerRow[];
}

export async function advanceTimer(
  db: Queryable,
  id: string,
  a: { nextFireAt: Date | null; dueAt: Date | null; firedAt: Date | null; enqueuedAt: Date; missed: number },
): Promise<void> {
  await db.query(
    `UPDATE timers SET next_fire_at = $2, due_at = $3,
            last_fire_at = COALESCE($4, last_fire_at),
            last_enqueued_at = CASE WHEN $4::timestamptz IS NULL THEN last_enqueued_at ELSE $5 END,
            fire_count = fire_count + CASE WHEN $4::timestamptz IS NULL THEN 0 ELSE 1 END,
            missed_count = missed_count + $6,
            updated_at = now()
      WHERE id = $1`,
    [id, a.nextFireAt, a.dueAt, a.firedAt, a.enqueuedAt, a.missed],
  );
}

/** The earliest due time of any enabled timer of a job schema (what the loop sleeps until). */
export async function earliestDueAt(db: Queryable, bossSchema: string): Promise<Date | null> {
  const r = await db.query(
    `SELECT min(due_at) AS due FROM timers WHERE boss_schema = $1 AND enabled AND due_at IS NOT NULL`,
    [bossSchema],
  );
  return (r.rows[0]?.due as Date | null) ?? null;
}

/** Tells every timer loop that a timer is due at `dueAt` (delivered when the transaction commits). */
export async function notifyTimerChanged(db: Queryable, channel: string, dueAt: Date): Promise<void> {
  await db.query(`SELECT pg_notify($1, $2)`, [channel, dueAt.toISOString()]);
}

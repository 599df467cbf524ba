import type { Queryable } from "../../db";

// SQL of archives, archived events and replays. Every function takes the tenant and puts it in
// its WHERE, except those the hook and the jobs call with ids they already resolved.

export type { Queryable };

export type ArchiveState = "ENABLED" | "DISABLED" | "CREATING" | "UPDATING" | "CREATE_FAILED" | "UPDATE_FAILED";

export type ArchiveRow = {
  id: string;
  tenantId: string;
  name: string;
  arn: string;
  busId: string;
  eventSourceArn: string;
  description: string | null;
  eventPattern: string | null;
  retentionDays: number;
  state: ArchiveState;
  stateReason: string | null;
  createdAt: Date;
};

export type ArchiveStats = { eventCount: number; sizeBytes: number };

export type ReplayState = "STARTING" | "RUNNING" | "CANCELLING" | "COMPLETED" | "CANCELLED" | "FAILED";

export type ReplayRow = {
  id: string;
  tenantId: string;
  name: string;
  arn: string;
  archiveId: string | null;
  eventSourceArn: string;
  description: string | null;
  destinationArn: string;
  filterArns: string[];
  eventStartTime: Date;
  eventEndTime: Date;
  state: ReplayState;
  stateReason: string | null;
  cursorTime: Date | null;
  cursorId: string | null;
  replayedCount: number;
  totalCount: number | null;
  eventLastReplayedTime: Date | null;
  replayStartTime: Date | null;
  replayEndTime: Date | null;
  createdAt: Date;
};

const ARCHIVE_COLS = `id, tenant_id AS "tenantId", name, arn, bus_id AS "busId", event_source_arn AS "eventSourceArn",
  description, event_pattern AS "eventPattern", retention_days AS "retentionDays", state, state_reason AS "stateReason",
  created_at AS "createdAt"`;
const REPLAY_COLS = `id, tenant_id AS "tenantId", name, arn, archive_id AS "archiveId", event_source_arn AS "eventSourceArn",
  description, destination_arn AS "destinationArn", filter_arns AS "filterArns", event_start_time AS "eventStartTime",
  event_end_time AS "eventEndTime", state, state_reason AS "stateReason", cursor_time AS "cursorTime",
  cursor_id::text AS "cursorId", replayed_count AS "replayedCount", total_count AS "totalCount",
  event_last_replayed_time AS "eventLastReplayedTime", replay_start_time AS "replayStartTime",
  replay_end_time AS "replayEndTime", created_at AS "createdAt"`;

// ---------- archives

export async function insertArchive(db: Queryable, a: Omit<ArchiveRow, "createdAt">): Promise<ArchiveRow | null> {
  const r = await db.query(
    `INSERT INTO event_archives (id, tenant_id, name, arn, bus_id, event_source_arn, description, event_pattern, retention_days, state)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT DO NOTHING RETURNING ${ARCHIVE_COLS}`,
    [
      a.id,
      a.tenantId,
      a.name,
      a.arn,
      a.busId,
      a.eventSourceArn,
      a.description,
      a.eventPattern,
      a.retentionDays,
      a.state,
    ],
  );
  return r.rows[0] ?? null;
}

export async function findArchive(db: Queryable, tenantId: string, name: string): Promise<ArchiveRow | null> {
  const r = await db.query(`SELECT ${ARCHIVE_COLS} FROM event_archives WHERE tenant_id = $1 AND name = $2`, [
    tenantId,
    name,
  ]);
  return r.rows[0] ?? null;
}

export async function findArchiveByArn(db: Queryable, tenantId: string, arn: string): Promise<ArchiveRow | null> {
  const r = await db.query(`SELECT ${ARCHIVE_COLS} FROM event_archives WHERE tenant_id = $1 AND arn = $2`, [
    tenantId,
    arn,
  ]);
  return r.rows[0] ?? null;
}

/** The archives of a bus (the PutEvents hook caches them per bus). */
export async function archivesOfBus(db: Queryable, busId: string): Promise<ArchiveRow[]> {
  const r = await db.query(`SELECT ${ARCHIVE_COLS} FROM event_archives WHERE bus_id = $1`, [busId]);
  return r.rows;
}

export async function updateArchiveRow(
  db: Queryable,
  tenantId: string,
  name: string,
  patch: { description?: string | null; eventPattern?: string | null; retentionDays?: number },
): Promise<ArchiveRow | null> {
  const r = await db.query(
    `UPDATE event_archives SET
        description = CASE WHEN $3::boolean THEN $4 ELSE description END,
        event_pattern = CASE WHEN $5::boolean THEN $6 ELSE event_pattern END,
        retention_days = COALESCE($7, retention_days),
        updated_at = now()
      WHERE tenant_id = $1 AND name = $2 RETURNING ${ARCHIVE_COLS}`,
    [
      tenantId,
      name,
      patch.description !== undefined,
      patch.description ?? null,
      patch.eventPattern !== undefined,
      patch.eventPattern ?? null,
      patch.retentionDays ?? null,
    ],
  );
  return r.rows[0] ?? null;
}

export async function deleteArchiveRow(db: Queryable, tenantId: string, id: string): Promise<void> {
  await db.query(`DELETE FROM event_archives WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
}

export async function listArchiveRows(
  db: Queryable,
  tenantId: string,
  opts: { prefix?: string; eventSourceArn?: string; state?: string; after?: string; limit: number },
): Promise<ArchiveRow[]> {
  const r = await db.query(
    `SELECT ${ARCHIVE_COLS} FROM event_archives
      WHERE tenant_id = $1 AND ($2::text IS NULL OR starts_with(name, $2)) AND ($3::text IS NULL OR event_source_arn = $3)
        AND ($4::text IS NULL OR state = $4) AND ($5::text IS NULL OR name > $5)
      ORDER BY name LIMIT $6`,
    [tenantId, opts.prefix ?? null, opts.eventSourceArn ?? null, opts.state ?? null, opts.after ?? null, opts.limit],
  );
  return r.rows;
}

/**
 * EventCount and SizeBytes of archives, by id: the sums of their counter shards (at most 16 rows
 * each), kept by the statements that archive and expire events (insertArchivedEvents,
 * deleteExpiredArchivedEvents), so describing an archive costs the same whatever its size.
 */
export async function archiveStats(db: Queryable, archiveIds: string[]): Promise<Map<string, ArchiveStats>> {
  const out = new Map<string, ArchiveStats>();
  if (!archiveIds.length) return out;
  const r = await db.query(
    `SELECT archive_id AS "archiveId", sum(event_count)::bigint AS n, sum(size_bytes)::bigint AS bytes
       FROM archive_counters WHERE archive_id = ANY($1::text[]) GROUP BY archive_id`,
    [archiveIds],
  );
  for (const row of r.rows) out.set(row.archiveId, { eventCount: Number(row.n), sizeBytes: Number(row.bytes) });
  return out;
}

/** Counter shards per archive: concurrent PutEvents on one bus spread over them instead of queueing on one row. */
export const COUNTER_SHARDS = 16;
const randomShard = () => Math.floor(Math.random() * COUNTER_SHARDS);

/**
 * Adds the rows of `changed` (a CTE with archive_id, tenant_id, size; `sign` 1 or -1) to one shard
 * of each archive's counters. Archives in id order, so two statements lock shared shards in the
 * same order (no deadlock).
 */
const bumpCounters = (changed: string, sign: 1 | -1, shardParam: string) => `
  INSERT INTO archive_counters (archive_id, shard, tenant_id, event_count, size_bytes)
  SELECT archive_id, ${shardParam}::int, min(tenant_id), ${sign} * count(*), ${sign} * coalesce(sum(size), 0)
    FROM ${changed} GROUP BY archive_id ORDER BY archive_id
  ON CONFLICT (archive_id, shard) DO UPDATE
    SET event_count = archive_counters.event_count + EXCLUDED.event_count,
        size_bytes = archive_counters.size_bytes + EXCLUDED.size_bytes`;

// ---------- archived events

export type ArchivedEventInput = {
  archiveId: string;
  tenantId: string;
  eventId: string;
  eventTime: Date;
  envelope: string;
  size: number;
};

/** One multi-row INSERT for every (archive, event) pair of a PutEvents call. */
export async function insertArchivedEvents(db: Queryable, rows: ArchivedEventInput[]): Promise<void> {
  if (!rows.length) return;
  await db.query(
    `WITH ins AS (
       INSERT INTO archived_events (archive_id, tenant_id, event_id, event_time, envelope, size)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::int[])
       RETURNING archive_id, tenant_id, size)
     ${bumpCounters("ins", 1, "$7")}`,
    [
      rows.map((r) => r.archiveId),
      rows.map((r) => r.tenantId),
      rows.map((r) => r.eventId),
      rows.map((r) => r.eventTime),
      rows.map((r) => r.envelope),
      rows.map((r) => r.size),
      randomShard(),
    ],
  );
}

export type ArchivedEvent = { id: string; eventTime: Date; envelope: string; size: number };

/** The next batch of a replay window after the cursor, in (event_time, id) order. */
export async function archivedBatch(
  db: Queryable,
  archiveId: string,
  window: { start: Date; end: Date },
  cursor: { time: Date; id: string } | null,
  limit: number,
): Promise<ArchivedEvent[]> {
  const r = await db.query(
    `SELECT id::text AS id, event_time AS "eventTime", envelope, size FROM archived_events
      WHERE archive_id = $1 AND event_time >= $2 AND event_time < $3
        AND ($4::timestamptz IS NULL OR (event_time, id) > ($4::timestamptz, $5::bigint))
      ORDER BY event_time, id LIMIT $6`,
    [archiveId, window.start, window.end, cursor?.time ?? null, cursor?.id ?? null, limit],
  );
  return r.rows;
}

export async function countInWindow(
  db: Queryable,
  archiveId: string,
  window: { start: Date; end: Date },
): Promise<number> {
  const r = await db.query(
    `SELECT count(*)::int AS n FROM archived_events WHERE archive_id = $1 AND event_time >= $2 AND event_time < $3`,
    [archiveId, window.start, window.end],
  );
  return r.rows[0].n;
}

/** Retention: deletes up to `limit` expired events across archives (and counts them off); returns how many. */
export async function deleteExpiredArchivedEvents(db: Queryable, limit: number): Promise<number> {
  const r = await db.query(
    `WITH del AS (
       DELETE FROM archived_events WHERE id IN (
         SELECT e.id FROM event_archives a
           JOIN archived_events e ON e.archive_id = a.id AND e.archived_at < now() - make_interval(days => a.retention_days)
          WHERE a.retention_days > 0 LIMIT $1)
       RETURNING archive_id, tenant_id, size),
     counted AS (${bumpCounters("del", -1, "$2")} RETURNING 1)
     SELECT count(*)::int AS n FROM del`,
    [limit, randomShard()],
  );
  return r.rows[0].n;
}

// ---------- replays

export async function insertReplay(
  db: Queryable,
  r: Pick<
    ReplayRow,
    | "id"
    | "tenantId"
    | "name"
    | "arn"
    | "archiveId"
    | "eventSourceArn"
    | "description"
    | "destinationArn"
    | "filterArns"
    | "eventStartTime"
    | "eventEndTime"
    | "totalCount"
  >,
): Promise<ReplayRow | null> {
  const res = await db.query(
    `INSERT INTO event_replays (id, tenant_id, name, arn, archive_id, event_source_arn, description, destination_arn,
                                filter_arns, event_start_time, event_end_time, total_count, state, replay_start_time)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,'STARTING', now()) ON CONFLICT DO NOTHING RETURNING ${REPLAY_COLS}`,
    [
      r.id,
      r.tenantId,
      r.name,
      r.arn,
      r.archiveId,
      r.eventSourceArn,
      r.description,
      r.destinationArn,
      r.filterArns,
      r.eventStartTime,
      r.eventEndTime,
      r.totalCount,
    ],
  );
  return res.rows[0] ?? null;
}

export async function findReplay(db: Queryable, tenantId: string, name: string): Promise<ReplayRow | null> {
  const r = await db.query(`SELECT ${REPLAY_COLS} FROM event_replays WHERE tenant_id = $1 AND name = $2`, [
    tenantId,
    name,
  ]);
  return r.rows[0] ?? null;
}

/** The replay row locked for one batch (the job and CancelReplay serialize on it). */
export async function lockReplay(db: Queryable, tenantId: string, id: string): Promise<ReplayRow | null> {
  const r = await db.query(`SELECT ${REPLAY_COLS} FROM event_replays WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [
    tenantId,
    id,
  ]);
  return r.rows[0] ?? null;
}

export async function countActiveReplays(db: Queryable, tenantId: string): Promise<number> {
  const r = await db.query(
    `SELECT count(*)::int AS n FROM event_replays WHERE tenant_id = $1 AND state IN ('STARTING', 'RUNNING', 'CANCELLING')`,
    [tenantId],
  );
  return r.rows[0].n;
}

export async function listReplayRows(
  db: Queryable,
  tenantId: string,
  opts: { prefix?: string; eventSourceArn?: string; state?: string; after?: string; limit: number },
): Promise<ReplayRow[]> {
  const r = await db.query(
    `SELECT ${REPLAY_COLS} FROM event_replays
      WHERE tenant_id = $1 AND ($2::text IS NULL OR starts_with(name, $2)) AND ($3::text IS NULL OR event_source_arn = $3)
        AND ($4::text IS NULL OR state = $4) AND ($5::text IS NULL OR name > $5)
      ORDER BY name LIMIT $6`,
    [tenantId, opts.prefix ?? null, opts.eventSourceArn ?? null, opts.state ?? null, opts.after ?? null, opts.limit],
  );
  return r.rows;
}

/** Progress of one committed batch (or the final state when `state` is given). */
export async function updateReplayProgress(
  db: Queryable,
  id: string,
  p: {
    state?: ReplayState;
    stateReason?: string | null;
    cursor?: { time: Date; id: string };
    replayed?: number;
    lastReplayed?: Date;
    finished?: boolean;
  },
): Promise<void> {
  await db.query(
    `UPDATE event_replays SET
        state = COALESCE($2, state),
        state_reason = CASE WHEN $3::boolean THEN $4 ELSE state_reason END,
        cursor_time = COALESCE($5, cursor_time),
        cursor_id = COALESCE($6::bigint, cursor_id),
        replayed_count = replayed_count + $7,
        event_last_replayed_time = COALESCE($8, event_last_replayed_time),
        replay_end_time = CASE WHEN $9::boolean THEN now() ELSE replay_end_time END
      WHERE id = $1`,
    [
      id,
      p.state ?? null,
      p.stateReason !== undefined,
      p.stateReason ?? null,
      p.cursor?.time ?? null,
      p.cursor?.id ?? null,
      p.replayed ?? 0,
      p.lastReplayed ?? null,
      p.finished ?? false,
    ],
  );
}

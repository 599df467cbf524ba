import type { Queryable } from "../../db";
import { expiredMessagesSql, moveChunkSql } from "./queue.sql";

// SQL for the queue workers: metrics roll-ups, retention, housekeeping of side tables, and
// message-move tasks. The database handle comes first; where statements must commit together the
// parameter is named `tx` and the caller opens the transaction.
// ---------------------------------------------------------------------------------------------
// Metrics

export async function metricSeries(db: Queryable, tenantId: string, queueId: string, since: Date) {
  const r = await db.query(
    `SELECT minute, sent::int, received::int, deleted::int, depth::int, in_flight::int, delayed::int FROM queue_metrics
     WHERE tenant_id = $1 AND queue_id = $2 AND minute >= $3 ORDER BY minute`,
    [tenantId, queueId, since],
  );
  return r.rows as Array<{
    minute: Date;
    sent: number;
    received: number;
    deleted: number;
    depth: number | null;
    in_flight: number | null;
    delayed: number | null;
  }>;
}

/**
 * The roll-up job's depth sample for every queue (idempotent per minute), written twice: as the
 * minute's chart point and as the queue's approximate counts (queue_counts), which
 * GetQueueAttributes and the console read for queues too large to count on each call. One pass
 * over the messages a minute, in the worker, instead of one per call and per console poll.
 */
export async function sampleDepths(db: Queryable, minute: Date, now: Date): Promise<number> {
  const r = await db.query(
    `WITH c AS (
       SELECT q.id AS queue_id, q.tenant_id,
         count(m.id) FILTER (WHERE m.visible_at <= $2) AS visible,
         count(m.id) FILTER (WHERE m.visible_at > $2 AND m.receive_count > 0) AS in_flight,
         count(m.id) FILTER (WHERE m.visible_at > $2 AND m.receive_count = 0) AS delayed,
         min(m.sent_at) AS oldest
       FROM queues q LEFT JOIN queue_messages m ON m.queue_id = q.id AND (m.expires_at > $2) IS TRUE
       GROUP BY q.id, q.tenant_id
     ), counts AS (
       INSERT INTO queue_counts AS qc (queue_id, tenant_id, visible, in_flight, delayed, oldest_sent_at, counted_at)
       SELECT queue_id, tenant_id, visible, in_flight, delayed, oldest, $2 FROM c
       ON CONFLICT (queue_id) DO UPDATE SET visible = EXCLUDED.visible, in_flight = EXCLUDED.in_flight, delayed = EXCLUDED.delayed,
         oldest_sent_at = EXCLUDED.oldest_sent_at, counted_at = EXCLUDED.counted_at
       WHERE qc.counted_at <= EXCLUDED.counted_at
     )
     INSERT INTO queue_metrics AS qm (queue_id, tenant_id, minute, depth, in_flight, delayed)
     SELECT queue_id, tenant_id, $1, visible, in_flight, delayed FROM c
     ON CONFLICT (queue_id, minute) DO UPDATE SET depth = EXCLUDED.depth, in_flight = EXCLUDED.in_flight, delayed = EXCLUDED.delayed`,
    [minute, now],
  );
  return r.rowCount ?? 0;
}

/** Adds per-minute sent/received/deleted counts (queue.metrics.ts flushes them in one statement). */
export async function addMetricCounts(
  db: Queryable,
  rows: Array<{ queueId: string; tenantId: string; minute: Date; sent: number; received: number; deleted: number }>,
): Promise<void> {
  await db.query(
    `INSERT INTO queue_metrics AS m (queue_id, tenant_id, minute, sent, received, deleted)
     SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::bigint[], $5::bigint[], $6::bigint[])
     ON CONFLICT (queue_id, minute) DO UPDATE SET sent = m.sent + EXCLUDED.sent, received = m.received + EXCLUDED.received, deleted = m.deleted + EXCLUDED.deleted`,
    [
      rows.map((r) => r.queueId),
      rows.map((r) => r.tenantId),
      rows.map((r) => r.minute),
      rows.map((r) => r.sent),
      rows.map((r) => r.received),
      rows.map((r) => r.deleted),
    ],
  );
}

export async function pruneMetrics(db: Queryable, before: Date): Promise<number> {
  const r = await db.query(`DELETE FROM queue_metrics WHERE minute < $1`, [before]);
  return r.rowCount ?? 0;
}

// ---------------------------------------------------------------------------------------------
// Retention and housekeeping (worker)

/**
 * Deletes up to `limit` expired messages (retention period passed), fixing FIFO group counters in
 * the same transaction. Batched so one run never holds long locks; the job loops until done.
 */
export async function deleteExpiredMessages(tx: Queryable, now: Date, limit: number): Promise<number> {
  const r = await tx.query(expiredMessagesSql(now, limit));
  const counts = new Map<string, { queueId: string; groupId: string; n: number }>();
  for (const row of r.rows) {
    if (!row.group_id) continue;
    const k = `${row.queue_id}\u0000${row.group_id}`;
    const e = counts.get(k) ?? { queueId: row.queue_id, groupId: row.group_id, n: 0 };
    e.n += 1;
    counts.set(k, e);
  }
  if (counts.size) {
    const list = [...counts.values()].sort((a, b) => (a.queueId + a.groupId < b.queueId + b.groupId ? -1 : 1));
    await tx.query(
      `UPDATE queue_fifo_groups g SET pending = GREATEST(g.pending - u.n, 0) FROM unnest($1::text[], $2::text[], $3::int[]) AS u(q, grp, n)
         WHERE g.queue_id = u.q AND g.group_id = u.grp`,
      [list.map((x) => x.queueId), list.map((x) => x.groupId), list.map((x) => x.n)],
    );
  }
  return r.rowCount ?? 0;
}

/** Expired dedup and receive-attempt entries, names deleted over a minute ago, and FIFO group rows with nothing left. */
export async function pruneQueueSideTables(db: Queryable, now: Date): Promise<void> {
  await db.query(`DELETE FROM queue_deleted_names WHERE deleted_at <= $1::timestamptz - interval '60 seconds'`, [now]);
  await db.query(`DELETE FROM queue_dedup WHERE expires_at <= $1`, [now]);
  await db.query(`DELETE FROM queue_receive_attempts WHERE expires_at <= $1`, [now]);
  // pending = 0 is re-checked on the row's latest version, so a concurrent send that adds a message wins.
  await db.query(
    `DELETE FROM queue_fifo_groups WHERE pending = 0 AND available_at < $1::timestamptz - interval '10 minutes'`,
    [now],
  );
}

// ---------------------------------------------------------------------------------------------
// Message-move tasks

export type MoveTaskRow = {
  id: string;
  tenant_id: string;
  source_queue_id: string;
  source_arn: string;
  destination_arn: string | null;
  max_per_second: number | null;
  status: string;
  moved: string;
  to_move: string;
  cutoff: Date;
  failure_reason: string | null;
  started_at: Date;
  updated_at: Date;
};

export async function insertMoveTask(
  tx: Queryable,
  t: {
    id: string;
    tenantId: string;
    sourceQueueId: string;
    sourceArn: string;
    destinationArn: string | null;
    maxPerSecond: number | null;
    toMove: number;
    cutoff: Date;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO queue_move_tasks (id, tenant_id, source_queue_id, source_arn, destination_arn, max_per_second, status, to_move, cutoff, started_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'RUNNING', $7, $8, $8, $8)`,
    [t.id, t.tenantId, t.sourceQueueId, t.sourceArn, t.destinationArn, t.maxPerSecond, t.toMove, t.cutoff],
  );
}

export async function activeMoveTask(
  db: Queryable,
  tenantId: string,
  sourceQueueId: string,
): Promise<MoveTaskRow | null> {
  const r = await db.query(
    `SELECT * FROM queue_move_tasks WHERE tenant_id = $1 AND source_queue_id = $2 AND status IN ('RUNNING', 'CANCELLING') LIMIT 1`,
    [tenantId, sourceQueueId],
  );
  return r.rows[0] ?? null;
}

export async function listMoveTaskRows(
  db: Queryable,
  tenantId: string,
  sourceQueueId: string,
  limit: number,
): Promise<MoveTaskRow[]> {
  const r = await db.query(
    `SELECT * FROM queue_move_tasks WHERE tenant_id = $1 AND source_queue_id = $2 ORDER BY started_at DESC LIMIT $3`,
    [tenantId, sourceQueueId, limit],
  );
  return r.rows;
}

export async function findMoveTask(db: Queryable, tenantId: string | null, id: string): Promise<MoveTaskRow | null> {
  const r = await db.query(`SELECT * FROM queue_move_tasks WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2)`, [
    id,
    tenantId,
  ]);
  return r.rows[0] ?? null;
}

export async function setMoveTaskStatus(
  db: Queryable,
  tenantId: string,
  id: string,
  status: string,
  fromStatuses: string[],
  failureReason?: string,
): Promise<MoveTaskRow | null> {
  const r = await db.query(
    `UPDATE queue_move_tasks SET status = $3, failure_reason = COALESCE($5, failure_reason), updated_at = now() WHERE tenant_id = $1 AND id = $2 AND status = ANY($4) RETURNING *`,
    [tenantId, id, status, fromStatuses, failureReason ?? null],
  );
  return r.rows[0] ?? null;
}

export async function addMoved(tx: Queryable, id: string, n: number): Promise<void> {
  await tx.query(`UPDATE queue_move_tasks SET moved = moved + $2, updated_at = now() WHERE id = $1`, [id, n]);
}

/** A chunk of messages to move (moveChunkSql): sent before the task started, not in flight, locked for this inIndexOrder transaction. */
export async function lockMovable(
  tx: Queryable,
  tenantId: string,
  queueId: string,
  cutoff: Date,
  now: Date,
  limit: number,
): Promise<Array<{ id: string; group_id: string | null; dead_letter_source_arn: string | null }>> {
  const r = await tx.query(moveChunkSql(tenantId, queueId, cutoff, now, limit));
  return r.rows;
}

export async function countMovable(
  db: Queryable,
  tenantId: string,
  queueId: string,
  cutoff: Date,
  now: Date,
): Promise<number> {
  const r = await db.query(
    `SELECT count(*)::int AS n FROM queue_messages WHERE tenant_id = $1 AND queue_id = $2 AND sent_at <= $3 AND (expires_at > $4) IS TRUE`,
    [tenantId, queueId, cutoff, now],
  );
  return r.rows[0].n;
}

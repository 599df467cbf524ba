import type { Queryable } from "../../db";
import type { PermissionGrant, QueueSettings, RedriveAllowPolicy, RedrivePolicy } from "../../core/sqs";
import { liveCountsSql } from "./queue.sql";

// SQL for queues themselves (create, look up, settings, tags, permissions, counts). Messages are in
// message.repository.ts, worker housekeeping in maintenance.repository.ts. All of it is
// node-postgres with hand-written SQL, never Prisma: queue lookups sit on the data plane's hot path.
// Every function takes the database handle first (the caller picks the pool or its transaction;
// a parameter named `tx` must be a transaction), and the tenant id, which it filters on (queue ids
// are unique anyway; the tenant filter is the guard against a bug elsewhere handing us another
// tenant's queue id).

export type { Queryable };
export { NOTIFY_CHANNEL } from "./queue.sql";

export type QueueRow = {
  id: string;
  tenantId: string;
  accountId: string;
  name: string;
  arn: string;
  settings: QueueSettings;
  permissions: PermissionGrant[];
  tags: Record<string, string>;
  createdAt: Date;
  modifiedAt: Date;
  purgedAt: Date | null;
};

const QUEUE_COLUMNS = `q.id, q.tenant_id, t.account_id, q.name, q.arn, q.fifo, q.visibility_timeout, q.message_retention_period,
  q.maximum_message_size, q.delay_seconds, q.receive_message_wait_time_seconds, q.redrive_policy, q.redrive_allow_policy,
  q.content_based_deduplication, q.deduplication_scope, q.fifo_throughput_limit, q.policy, q.permissions, q.extra_attributes,
  q.tags, q.created_at, q.modified_at, q.purged_at`;

function toQueue(r: Record<string, unknown>): QueueRow {
  return {
    id: r.id as string,
    tenantId: r.tenant_id as string,
    accountId: r.account_id as string,
    name: r.name as string,
    arn: r.arn as string,
    settings: {
      fifo: r.fifo as boolean,
      visibilityTimeout: r.visibility_timeout as number,
      retentionPeriod: r.message_retention_period as number,
      maximumMessageSize: r.maximum_message_size as number,
      delaySeconds: r.delay_seconds as number,
      receiveWaitSeconds: r.receive_message_wait_time_seconds as number,
      redrivePolicy: (r.redrive_policy as RedrivePolicy | null) ?? null,
      redriveAllowPolicy: (r.redrive_allow_policy as RedriveAllowPolicy | null) ?? null,
      contentBasedDedup: r.content_based_deduplication as boolean,
      deduplicationScope: r.deduplication_scope as "queue" | "messageGroup",
      fifoThroughputLimit: r.fifo_throughput_limit as "perQueue" | "perMessageGroupId",
      policy: (r.policy as string | null) ?? null,
      extra: (r.extra_attributes as Record<string, string>) ?? {},
    },
    permissions: (r.permissions as PermissionGrant[]) ?? [],
    tags: (r.tags as Record<string, string>) ?? {},
    createdAt: r.created_at as Date,
    modifiedAt: r.modified_at as Date,
    purgedAt: (r.purged_at as Date | null) ?? null,
  };
}

function settingsParams(s: QueueSettings) {
  return [
    s.fifo,
    s.visibilityTimeout,
    s.retentionPeriod,
    s.maximumMessageSize,
    s.delaySeconds,
    s.receiveWaitSeconds,
    s.redrivePolicy ? JSON.stringify(s.redrivePolicy) : null,
    s.redrivePolicy?.deadLetterTargetArn ?? null,
    s.redriveAllowPolicy ? JSON.stringify(s.redriveAllowPolicy) : null,
    s.contentBasedDedup,
    s.deduplicationScope,
    s.fifoThroughputLimit,
    s.policy,
    JSON.stringify(s.extra),
  ];
}

/** Inserts a queue; null when the name is taken (the caller compares attributes). */
export async function insertQueue(
  db: Queryable,
  q: {
    id: string;
    tenantId: string;
    name: string;
    arn: string;
    settings: QueueSettings;
    tags: Record<string, string>;
    now: Date;
  },
): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO queues (id, tenant_id, name, arn, fifo, visibility_timeout, message_retention_period, maximum_message_size, delay_seconds,
       receive_message_wait_time_seconds, redrive_policy, dead_letter_target_arn, redrive_allow_policy, content_based_deduplication,
       deduplication_scope, fifo_throughput_limit, policy, extra_attributes, tags, created_at, modified_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)
     ON CONFLICT (tenant_id, name) DO NOTHING`,
    [q.id, q.tenantId, q.name, q.arn, ...settingsParams(q.settings), JSON.stringify(q.tags), q.now],
  );
  return r.rowCount === 1;
}

export async function findQueueByName(db: Queryable, tenantId: string, name: string): Promise<QueueRow | null> {
  const r = await db.query(
    `SELECT ${QUEUE_COLUMNS} FROM queues q JOIN tenants t ON t.id = q.tenant_id WHERE q.tenant_id = $1 AND q.name = $2`,
    [tenantId, name],
  );
  return r.rows[0] ? toQueue(r.rows[0]) : null;
}

export async function findQueueById(db: Queryable, tenantId: string, id: string): Promise<QueueRow | null> {
  const r = await db.query(
    `SELECT ${QUEUE_COLUMNS} FROM queues q JOIN tenants t ON t.id = q.tenant_id WHERE q.tenant_id = $1 AND q.id = $2`,
    [tenantId, id],
  );
  return r.rows[0] ? toQueue(r.rows[0]) : null;
}

/** Cross-tenant lookups (queue URL of another account, ARNs from other domains): the caller checks access. */
export async function findQueueByAccountAndName(
  db: Queryable,
  accountId: string,
  name: string,
): Promise<QueueRow | null> {
  const r = await db.query(
    `SELECT ${QUEUE_COLUMNS} FROM queues q JOIN tenants t ON t.id = q.tenant_id WHERE t.account_id = $1 AND q.name = $2`,
    [accountId, name],
  );
  return r.rows[0] ? toQueue(r.rows[0]) : null;
}

export async function findQueueRowByArn(db: Queryable, arn: string): Promise<QueueRow | null> {
  const r = await db.query(
    `SELECT ${QUEUE_COLUMNS} FROM queues q JOIN tenants t ON t.id = q.tenant_id WHERE q.arn = $1`,
    [arn],
  );
  return r.rows[0] ? toQueue(r.rows[0]) : null;
}

/** ListQueues: name order, prefix, keyset pagination after a name. */
export async function listQueueRows(
  db: Queryable,
  tenantId: string,
  opts: { prefix?: string; after?: string; limit: number },
): Promise<QueueRow[]> {
  const r = await db.query(
    `SELECT ${QUEUE_COLUMNS} FROM queues q JOIN tenants t ON t.id = q.tenant_id
     WHERE q.tenant_id = $1 AND ($2::text IS NULL OR starts_with(q.name, $2)) AND ($3::text IS NULL OR q.name > $3)
     ORDER BY q.name LIMIT $4`,
    [tenantId, opts.prefix ?? null, opts.after ?? null, opts.limit],
  );
  return r.rows.map(toQueue);
}

export async function updateQueueSettings(
  db: Queryable,
  tenantId: string,
  id: string,
  s: QueueSettings,
  now: Date,
): Promise<void> {
  await db.query(
    `UPDATE queues SET fifo = $3, visibility_timeout = $4, message_retention_period = $5, maximum_message_size = $6, delay_seconds = $7,
       receive_message_wait_time_seconds = $8, redrive_policy = $9, dead_letter_target_arn = $10, redrive_allow_policy = $11,
       content_based_deduplication = $12, deduplication_scope = $13, fifo_throughput_limit = $14, policy = $15, extra_attributes = $16,
       modified_at = $17
     WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, ...settingsParams(s), now],
  );
}

/**
 * Read-modify-write of the queue's tags under a row lock, from the stored value (not a cached
 * copy), so two processes tagging and untagging the same queue cannot lose each other's change.
 * `change` may throw to refuse; nothing is written then.
 */
export async function changeQueueTags(
  tx: Queryable,
  tenantId: string,
  id: string,
  change: (current: Record<string, string>) => Record<string, string>,
): Promise<void> {
  const r = await tx.query(`SELECT tags FROM queues WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [tenantId, id]);
  if (!r.rows[0]) return;
  await tx.query(`UPDATE queues SET tags = $3 WHERE tenant_id = $1 AND id = $2`, [
    tenantId,
    id,
    JSON.stringify(change((r.rows[0].tags as Record<string, string>) ?? {})),
  ]);
}

/** The same for AddPermission/RemovePermission grants. */
export async function changeQueuePermissions(
  tx: Queryable,
  tenantId: string,
  id: string,
  change: (current: PermissionGrant[]) => PermissionGrant[],
  now: Date,
): Promise<void> {
  const r = await tx.query(`SELECT permissions FROM queues WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [
    tenantId,
    id,
  ]);
  if (!r.rows[0]) return;
  await tx.query(`UPDATE queues SET permissions = $3, modified_at = $4 WHERE tenant_id = $1 AND id = $2`, [
    tenantId,
    id,
    JSON.stringify(change((r.rows[0].permissions as PermissionGrant[]) ?? [])),
    now,
  ]);
}

/**
 * Deletes the queue; its messages go with it (FK cascade), the side tables explicitly. Its name
 * is remembered with the deletion time, in the same transaction (QueueDeletedRecently).
 */
export async function deleteQueueRow(tx: Queryable, tenantId: string, id: string, deletedAt: Date): Promise<boolean> {
  const r = await tx.query(`DELETE FROM queues WHERE tenant_id = $1 AND id = $2 RETURNING name`, [tenantId, id]);
  if (r.rowCount) {
    await tx.query(
      `INSERT INTO queue_deleted_names (tenant_id, name, deleted_at) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, name) DO UPDATE SET deleted_at = EXCLUDED.deleted_at`,
      [tenantId, r.rows[0].name, deletedAt],
    );
  }
  await tx.query(`DELETE FROM queue_fifo_groups WHERE tenant_id = $1 AND queue_id = $2`, [tenantId, id]);
  await tx.query(`DELETE FROM queue_dedup WHERE queue_id = $1`, [id]);
  await tx.query(`DELETE FROM queue_receive_attempts WHERE queue_id = $1`, [id]);
  await tx.query(
    `UPDATE queue_move_tasks SET status = 'FAILED', failure_reason = 'The source queue was deleted.', updated_at = now() WHERE tenant_id = $1 AND source_queue_id = $2 AND status IN ('RUNNING', 'CANCELLING')`,
    [tenantId, id],
  );
  return (r.rowCount ?? 0) > 0;
}

/** Whether a queue of this name was deleted after `since` (CreateQueue must wait 60 s). */
export async function deletedSince(db: Queryable, tenantId: string, name: string, since: Date): Promise<boolean> {
  const r = await db.query(`SELECT 1 FROM queue_deleted_names WHERE tenant_id = $1 AND name = $2 AND deleted_at > $3`, [
    tenantId,
    name,
    since,
  ]);
  return (r.rowCount ?? 0) > 0;
}

/** ListDeadLetterSourceQueues. */
export async function listDeadLetterSources(
  db: Queryable,
  tenantId: string,
  dlqArn: string,
  opts: { after?: string; limit: number },
): Promise<QueueRow[]> {
  const r = await db.query(
    `SELECT ${QUEUE_COLUMNS} FROM queues q JOIN tenants t ON t.id = q.tenant_id
     WHERE q.tenant_id = $1 AND q.dead_letter_target_arn = $2 AND ($3::text IS NULL OR q.name > $3) ORDER BY q.name LIMIT $4`,
    [tenantId, dlqArn, opts.after ?? null, opts.limit],
  );
  return r.rows.map(toQueue);
}

export type QueueCountsRow = { visible: number; inFlight: number; delayed: number; oldestSentAt: Date | null };

/**
 * Counts of each queue read from at most `limit` of its rows (liveCountsSql): queues with fewer
 * rows get exact counts; the ids of the others are returned as `large` (served from queue_counts).
 * In flight = received and not yet visible again, delayed = never received and not visible yet.
 */
export async function liveQueueCounts(
  db: Queryable,
  tenantId: string,
  queueIds: string[],
  now: Date,
  limit: number,
): Promise<{ exact: Map<string, QueueCountsRow>; large: string[] }> {
  const r = await db.query(liveCountsSql(tenantId, queueIds, now, limit));
  const exact = new Map<string, QueueCountsRow>();
  const large: string[] = [];
  for (const row of r.rows) {
    if (row.total >= limit) large.push(row.queue_id);
    else
      exact.set(row.queue_id, {
        visible: row.visible,
        inFlight: row.in_flight,
        delayed: row.delayed,
        oldestSentAt: row.oldest,
      });
  }
  return { exact, large };
}

/** The stored approximate counts (queue_counts) of these queues, with when they were counted. */
export async function storedQueueCounts(
  db: Queryable,
  tenantId: string,
  queueIds: string[],
): Promise<Map<string, QueueCountsRow & { countedAt: Date }>> {
  const r = await db.query(
    `SELECT queue_id, visible::float8 AS visible, in_flight::float8 AS in_flight, delayed::float8 AS delayed, oldest_sent_at, counted_at
     FROM queue_counts WHERE tenant_id = $1 AND queue_id = ANY($2::text[])`,
    [tenantId, queueIds],
  );
  return new Map(
    r.rows.map((row) => [
      row.queue_id,
      {
        visible: row.visible,
        inFlight: row.in_flight,
        delayed: row.delayed,
        oldestSentAt: row.oldest_sent_at,
        countedAt: row.counted_at,
      },
    ]),
  );
}

/**
 * Counts one queue completely and stores the result in queue_counts (unless a newer count is
 * already there). Its cost grows with the backlog: only for a large queue whose stored count is
 * missing or stale (the worker's roll-up normally keeps it fresh).
 */
export async function refreshQueueCounts(
  db: Queryable,
  tenantId: string,
  queueId: string,
  now: Date,
): Promise<QueueCountsRow> {
  const r = await db.query(
    `WITH c AS (
       SELECT count(*) FILTER (WHERE visible_at <= $3) AS visible,
         count(*) FILTER (WHERE visible_at > $3 AND receive_count > 0) AS in_flight,
         count(*) FILTER (WHERE visible_at > $3 AND receive_count = 0) AS delayed,
         min(sent_at) AS oldest
       FROM queue_messages WHERE tenant_id = $1 AND queue_id = $2 AND (expires_at > $3) IS TRUE
     ), s AS (
       INSERT INTO queue_counts AS qc (queue_id, tenant_id, visible, in_flight, delayed, oldest_sent_at, counted_at)
       SELECT $2, $1, visible, in_flight, delayed, oldest, $3 FROM c
       ON CONFLICT (queue_id) DO UPDATE SET visible = EXCLUDED.visible, in_flight = EXCLUDED.in_flight, delayed = EXCLUDED.delayed,
         oldest_sent_at = EXCLUDED.oldest_sent_at, counted_at = EXCLUDED.counted_at
       WHERE qc.counted_at <= EXCLUDED.counted_at
     )
     SELECT visible::float8 AS visible, in_flight::float8 AS in_flight, delayed::float8 AS delayed, oldest FROM c`,
    [tenantId, queueId, now],
  );
  const row = r.rows[0];
  return { visible: row.visible, inFlight: row.in_flight, delayed: row.delayed, oldestSentAt: row.oldest };
}

export async function tenantAccountId(db: Queryable, tenantId: string): Promise<string | null> {
  const r = await db.query(`SELECT account_id FROM tenants WHERE id = $1`, [tenantId]);
  return r.rows[0]?.account_id ?? null;
}

export async function listAllQueueRows(db: Queryable, tenantId: string): Promise<QueueRow[]> {
  const r = await db.query(
    `SELECT ${QUEUE_COLUMNS} FROM queues q JOIN tenants t ON t.id = q.tenant_id WHERE q.tenant_id = $1 ORDER BY q.name LIMIT 5000`,
    [tenantId],
  );
  return r.rows.map(toQueue);
}

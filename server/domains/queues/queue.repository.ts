import { pool, withTransaction, type Queryable } from "../../db";
import type { PermissionGrant, QueueSettings, RedriveAllowPolicy, RedrivePolicy } from "../../core/sqs";

// SQL for queues themselves (create, look up, settings, tags, permissions, counts). Messages are in
// message.repository.ts, worker housekeeping in maintenance.repository.ts. All of it is
// node-postgres with hand-written SQL, never Prisma: queue lookups sit on the data plane's hot path.
// Every function takes the tenant id and filters on it (queue ids are unique anyway; the tenant
// filter is the guard against a bug elsewhere handing us another tenant's queue id).

export type { Queryable };
const db = (tx?: Queryable): Queryable => tx ?? pool();

export const NOTIFY_CHANNEL = "signalbox_queue";

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
export async function insertQueue(q: {
  id: string;
  tenantId: string;
  name: string;
  arn: string;
  settings: QueueSettings;
  tags: Record<string, string>;
  now: Date;
}): Promise<boolean> {
  const r = await pool().query(
    `INSERT INTO queues (id, tenant_id, name, arn, fifo, visibility_timeout, message_retention_period, maximum_message_size, delay_seconds,
       receive_message_wait_time_seconds, redrive_policy, dead_letter_target_arn, redrive_allow_policy, content_based_deduplication,
       deduplication_scope, fifo_throughput_limit, policy, extra_attributes, tags, created_at, modified_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)
     ON CONFLICT (tenant_id, name) DO NOTHING`,
    [q.id, q.tenantId, q.name, q.arn, ...settingsParams(q.settings), JSON.stringify(q.tags), q.now],
  );
  return r.rowCount === 1;
}

export async function findQueueByName(tenantId: string, name: string, tx?: Queryable): Promise<QueueRow | null> {
  const r = await db(tx).query(
    `SELECT ${QUEUE_COLUMNS} FROM queues q JOIN tenants t ON t.id = q.tenant_id WHERE q.tenant_id = $1 AND q.name = $2`,
    [tenantId, name],
  );
  return r.rows[0] ? toQueue(r.rows[0]) : null;
}

export async function findQueueById(tenantId: string, id: string, tx?: Queryable): Promise<QueueRow | null> {
  const r = await db(tx).query(
    `SELECT ${QUEUE_COLUMNS} FROM queues q JOIN tenants t ON t.id = q.tenant_id WHERE q.tenant_id = $1 AND q.id = $2`,
    [tenantId, id],
  );
  return r.rows[0] ? toQueue(r.rows[0]) : null;
}

/** Cross-tenant lookups (queue URL of another account, ARNs from other domains): the caller checks access. */
export async function findQueueByAccountAndName(accountId: string, name: string): Promise<QueueRow | null> {
  const r = await pool().query(
    `SELECT ${QUEUE_COLUMNS} FROM queues q JOIN tenants t ON t.id = q.tenant_id WHERE t.account_id = $1 AND q.name = $2`,
    [accountId, name],
  );
  return r.rows[0] ? toQueue(r.rows[0]) : null;
}

export async function findQueueRowByArn(arn: string, tx?: Queryable): Promise<QueueRow | null> {
  const r = await db(tx).query(
    `SELECT ${QUEUE_COLUMNS} FROM queues q JOIN tenants t ON t.id = q.tenant_id WHERE q.arn = $1`,
    [arn],
  );
  return r.rows[0] ? toQueue(r.rows[0]) : null;
}

/** ListQueues: name order, prefix, keyset pagination after a name. */
export async function listQueueRows(
  tenantId: string,
  opts: { prefix?: string; after?: string; limit: number },
): Promise<QueueRow[]> {
  const r = await pool().query(
    `SELECT ${QUEUE_COLUMNS} FROM queues q JOIN tenants t ON t.id = q.tenant_id
     WHERE q.tenant_id = $1 AND ($2::text IS NULL OR starts_with(q.name, $2)) AND ($3::text IS NULL OR q.name > $3)
     ORDER BY q.name LIMIT $4`,
    [tenantId, opts.prefix ?? null, opts.after ?? null, opts.limit],
  );
  return r.rows.map(toQueue);
}

export async function updateQueueSettings(tenantId: string, id: string, s: QueueSettings, now: Date): Promise<void> {
  await pool().query(
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
  tenantId: string,
  id: string,
  change: (current: Record<string, string>) => Record<string, string>,
): Promise<void> {
  await withTransaction(async (tx) => {
    const r = await tx.query(`SELECT tags FROM queues WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [tenantId, id]);
    if (!r.rows[0]) return;
    await tx.query(`UPDATE queues SET tags = $3 WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      id,
      JSON.stringify(change((r.rows[0].tags as Record<string, string>) ?? {})),
    ]);
  });
}

/** The same for AddPermission/RemovePermission grants. */
export async function changeQueuePermissions(
  tenantId: string,
  id: string,
  change: (current: PermissionGrant[]) => PermissionGrant[],
  now: Date,
): Promise<void> {
  await withTransaction(async (tx) => {
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
  });
}

/**
 * Deletes the queue; its messages go with it (FK cascade), the side tables explicitly. Its name
 * is remembered with the deletion time, in the same transaction (QueueDeletedRecently).
 */
export async function deleteQueueRow(tenantId: string, id: string, deletedAt: Date): Promise<boolean> {
  return withTransaction(async (client) => {
    const r = await client.query(`DELETE FROM queues WHERE tenant_id = $1 AND id = $2 RETURNING name`, [tenantId, id]);
    if (r.rowCount) {
      await client.query(
        `INSERT INTO queue_deleted_names (tenant_id, name, deleted_at) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, name) DO UPDATE SET deleted_at = EXCLUDED.deleted_at`,
        [tenantId, r.rows[0].name, deletedAt],
      );
    }
    await client.query(`DELETE FROM queue_fifo_groups WHERE tenant_id = $1 AND queue_id = $2`, [tenantId, id]);
    await client.query(`DELETE FROM queue_dedup WHERE queue_id = $1`, [id]);
    await client.query(`DELETE FROM queue_receive_attempts WHERE queue_id = $1`, [id]);
    await client.query(
      `UPDATE queue_move_tasks SET status = 'FAILED', failure_reason = 'The source queue was deleted.', updated_at = now() WHERE tenant_id = $1 AND source_queue_id = $2 AND status IN ('RUNNING', 'CANCELLING')`,
      [tenantId, id],
    );
    return (r.rowCount ?? 0) > 0;
  });
}

/** Whether a queue of this name was deleted after `since` (CreateQueue must wait 60 s). */
export async function deletedSince(tenantId: string, name: string, since: Date): Promise<boolean> {
  const r = await pool().query(
    `SELECT 1 FROM queue_deleted_names WHERE tenant_id = $1 AND name = $2 AND deleted_at > $3`,
    [tenantId, name, since],
  );
  return (r.rowCount ?? 0) > 0;
}

/** ListDeadLetterSourceQueues. */
export async function listDeadLetterSources(
  tenantId: string,
  dlqArn: string,
  opts: { after?: string; limit: number },
): Promise<QueueRow[]> {
  const r = await pool().query(
    `SELECT ${QUEUE_COLUMNS} FROM queues q JOIN tenants t ON t.id = q.tenant_id
     WHERE q.tenant_id = $1 AND q.dead_letter_target_arn = $2 AND ($3::text IS NULL OR q.name > $3) ORDER BY q.name LIMIT $4`,
    [tenantId, dlqArn, opts.after ?? null, opts.limit],
  );
  return r.rows.map(toQueue);
}

export type QueueCountsRow = { visible: number; inFlight: number; delayed: number; oldestSentAt: Date | null };

/**
 * Approximate counts, as AWS's are approximate: in flight = received and not yet visible again,
 * delayed = never received and not visible yet. One pass over the queue's rows.
 */
export async function countQueueMessages(
  tenantId: string,
  queueIds: string[],
  now: Date,
): Promise<Map<string, QueueCountsRow>> {
  const r = await pool().query(
    `SELECT queue_id,
       count(*) FILTER (WHERE visible_at <= $3) AS visible,
       count(*) FILTER (WHERE visible_at > $3 AND receive_count > 0) AS in_flight,
       count(*) FILTER (WHERE visible_at > $3 AND receive_count = 0) AS delayed,
       min(sent_at) AS oldest
     FROM queue_messages WHERE tenant_id = $1 AND queue_id = ANY($2) AND expires_at > $3 GROUP BY queue_id`,
    [tenantId, queueIds, now],
  );
  const out = new Map<string, QueueCountsRow>();
  for (const row of r.rows)
    out.set(row.queue_id, {
      visible: Number(row.visible),
      inFlight: Number(row.in_flight),
      delayed: Number(row.delayed),
      oldestSentAt: row.oldest,
    });
  return out;
}

export async function tenantAccountId(tenantId: string): Promise<string | null> {
  const r = await pool().query(`SELECT account_id FROM tenants WHERE id = $1`, [tenantId]);
  return r.rows[0]?.account_id ?? null;
}

export async function listAllQueueRows(tenantId: string): Promise<QueueRow[]> {
  const r = await pool().query(
    `SELECT ${QUEUE_COLUMNS} FROM queues q JOIN tenants t ON t.id = q.tenant_id WHERE q.tenant_id = $1 ORDER BY q.name LIMIT 5000`,
    [tenantId],
  );
  return r.rows.map(toQueue);
}

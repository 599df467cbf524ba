import pg, { escapeLiteral } from "pg";
import { pool, type Queryable } from "../../db";
import type { StoredAttributes } from "../../core/sqs";
import {
  INDEX_ORDER_SETTINGS,
  NOTIFY_CHANNEL,
  RECEIVED_COLUMNS,
  browseSql,
  fifoGroupHeadsSql,
  fifoReadyGroupsSql,
  receiveStandardSql,
  type DeadLetterMove,
  type Sql,
} from "./queue.sql";

// SQL for messages: the data plane's hot path (send, receive, delete, change visibility), FIFO
// groups and deduplication, purge and browse. One statement per SQS call wherever possible. The
// database handle comes first: the caller decides which transaction a statement joins. The hot
// statements are builders in queue.sql.ts.

export type { DeadLetterMove };

/**
 * Runs `fn` in a transaction whose planner may not sort where an index gives the order. The
 * statements run inside (receive, group heads, browse, move chunks) each have an index that
 * serves their ORDER BY; without statistics (or with stale ones, after a burst filled a queue)
 * the planner estimates a handful of rows and prefers a bitmap scan plus a Sort, which reads and
 * sorts every visible message of the queue. Sorting stays possible where nothing else gives the
 * order; it is only priced out. One round trip more than a bare statement.
 */
export async function inIndexOrder<T>(fn: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool().connect();
  let broken: Error | undefined;
  try {
    await client.query(`BEGIN; ${INDEX_ORDER_SETTINGS}`);
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    broken = await rollback(client);
    throw err;
  } finally {
    client.release(broken);
  }
}

/** Rolls back; a connection that cannot even do that is returned as broken (the pool drops it). */
async function rollback(client: pg.PoolClient): Promise<Error | undefined> {
  try {
    await client.query("ROLLBACK");
    return undefined;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** A builder's statement with its values written in as literals (strings, finite numbers, dates, null). */
export function inlined(sql: Sql): string {
  return sql.text.replace(/\$(\d+)/g, (_, i: string) => {
    const v = sql.values[Number(i) - 1];
    if (v === null || v === undefined) return "NULL";
    if (typeof v === "number" && Number.isFinite(v)) return `(${v})`;
    if (v instanceof Date) return `${escapeLiteral(v.toISOString())}::timestamptz`;
    if (typeof v === "string") return escapeLiteral(v);
    throw new Error(`cannot inline parameter $${i}`);
  });
}

/**
 * One statement in an inIndexOrder transaction, in one round trip instead of three: BEGIN, the
 * settings, the statement and COMMIT go as one simple-protocol query, so the values are written
 * in as escaped literals (the planner makes the same custom plan either way). For the standard
 * receive, the hottest statement there is.
 */
export async function queryInIndexOrder(sql: Sql): Promise<pg.QueryResult> {
  const client = await pool().connect();
  let broken: Error | undefined;
  try {
    const results = (await client.query(
      `BEGIN; ${INDEX_ORDER_SETTINGS} ${inlined(sql)}; COMMIT`,
    )) as unknown as pg.QueryResult[];
    return results[results.length - 2];
  } catch (err) {
    // The rest of the string was skipped: leave no aborted transaction on the pooled connection.
    broken = await rollback(client);
    throw err;
  } finally {
    client.release(broken);
  }
}

// ---------------------------------------------------------------------------------------------
// Messages

export type NewMessage = {
  id: string;
  body: string;
  attributes: StoredAttributes | null;
  systemAttributes: StoredAttributes | null;
  md5Body: string;
  md5Attributes: string | null;
  md5SystemAttributes: string | null;
  size: number;
  senderId: string;
  sentAt: Date;
  visibleAt: Date;
  expiresAt: Date;
  groupId: string | null;
  dedupId: string | null;
  deadLetterSourceArn?: string | null;
};

/**
 * Inserts messages with one multi-row INSERT (unnest of arrays) and wakes long-polling
 * receivers in every web process with pg_notify, all in one statement (so one round trip and
 * atomic: the notification is delivered only if the insert commits).
 */
export async function insertMessages(
  db: Queryable,
  queueId: string,
  tenantId: string,
  msgs: NewMessage[],
): Promise<Array<{ id: string; seq: string }>> {
  const cols = {
    id: [] as string[],
    body: [] as string[],
    attrs: [] as (string | null)[],
    sys: [] as (string | null)[],
    md5b: [] as string[],
    md5a: [] as (string | null)[],
    md5s: [] as (string | null)[],
    size: [] as number[],
    sender: [] as string[],
    sent: [] as Date[],
    vis: [] as Date[],
    exp: [] as Date[],
    grp: [] as (string | null)[],
    dd: [] as (string | null)[],
    dls: [] as (string | null)[],
  };
  for (const m of msgs) {
    cols.id.push(m.id);
    cols.body.push(m.body);
    cols.attrs.push(m.attributes ? JSON.stringify(m.attributes) : null);
    cols.sys.push(m.systemAttributes ? JSON.stringify(m.systemAttributes) : null);
    cols.md5b.push(m.md5Body);
    cols.md5a.push(m.md5Attributes);
    cols.md5s.push(m.md5SystemAttributes);
    cols.size.push(m.size);
    cols.sender.push(m.senderId);
    cols.sent.push(m.sentAt);
    cols.vis.push(m.visibleAt);
    cols.exp.push(m.expiresAt);
    cols.grp.push(m.groupId);
    cols.dd.push(m.dedupId);
    cols.dls.push(m.deadLetterSourceArn ?? null);
  }
  const r = await db.query(
    `WITH ins AS (
       INSERT INTO queue_messages (id, queue_id, tenant_id, body, attributes, system_attributes, md5_body, md5_attributes, md5_system_attributes,
         size, sender_id, sent_at, visible_at, expires_at, group_id, dedup_id, dead_letter_source_arn)
       SELECT u.id, $1, $2, u.body, u.attrs::jsonb, u.sys::jsonb, u.md5b, u.md5a, u.md5s, u.size, u.sender, u.sent, u.vis, u.exp, u.grp, u.dd, u.dls
       FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::text[],
                   $12::timestamptz[], $13::timestamptz[], $14::timestamptz[], $15::text[], $16::text[], $17::text[])
            AS u(id, body, attrs, sys, md5b, md5a, md5s, size, sender, sent, vis, exp, grp, dd, dls)
       RETURNING id, seq
     )
     SELECT ins.id::text AS id, ins.seq::text AS seq FROM ins, (SELECT pg_notify('${NOTIFY_CHANNEL}', $1)) n`,
    [
      queueId,
      tenantId,
      cols.id,
      cols.body,
      cols.attrs,
      cols.sys,
      cols.md5b,
      cols.md5a,
      cols.md5s,
      cols.size,
      cols.sender,
      cols.sent,
      cols.vis,
      cols.exp,
      cols.grp,
      cols.dd,
      cols.dls,
    ],
  );
  return r.rows;
}

/**
 * FIFO deduplication: claims (queue, scope, dedup id) for this message unless a live claim
 * exists. Returns null when claimed, or the earlier message's id and sequence (a duplicate: AWS
 * answers success with the original ids and stores nothing). Concurrent senders of the same id
 * serialise on the primary key, so exactly one wins.
 */
export async function claimDedup(
  tx: Queryable,
  d: { queueId: string; scopeKey: string; dedupId: string; messageId: string; seq: string; now: Date; expiresAt: Date },
): Promise<{ messageId: string; seq: string } | null> {
  const r = await tx.query(
    `INSERT INTO queue_dedup (queue_id, scope_key, dedup_id, message_id, seq, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (queue_id, scope_key, dedup_id) DO UPDATE SET message_id = EXCLUDED.message_id, seq = EXCLUDED.seq, expires_at = EXCLUDED.expires_at
       WHERE queue_dedup.expires_at <= $7
     RETURNING message_id`,
    [d.queueId, d.scopeKey, d.dedupId, d.messageId, d.seq, d.expiresAt, d.now],
  );
  if (r.rowCount === 1) return null;
  const prior = await tx.query(
    `SELECT message_id::text AS message_id, seq::text AS seq FROM queue_dedup WHERE queue_id = $1 AND scope_key = $2 AND dedup_id = $3`,
    [d.queueId, d.scopeKey, d.dedupId],
  );
  return { messageId: prior.rows[0].message_id, seq: prior.rows[0].seq };
}

/** Sequence numbers for FIFO messages are taken before the insert (the dedup row records them). */
export async function nextSequenceNumbers(tx: Queryable, n: number): Promise<string[]> {
  const r = await tx.query(
    `SELECT nextval(pg_get_serial_sequence('queue_messages', 'seq'))::text AS seq FROM generate_series(1, $1)`,
    [n],
  );
  return r.rows.map((x) => x.seq);
}

export async function insertMessagesWithSeq(
  db: Queryable,
  queueId: string,
  tenantId: string,
  msgs: Array<NewMessage & { seq: string }>,
): Promise<void> {
  await db.query(
    `INSERT INTO queue_messages (id, queue_id, tenant_id, seq, body, attributes, system_attributes, md5_body, md5_attributes, md5_system_attributes,
       size, sender_id, sent_at, visible_at, expires_at, group_id, dedup_id, dead_letter_source_arn)
     SELECT u.id, $1, $2, u.seq, u.body, u.attrs::jsonb, u.sys::jsonb, u.md5b, u.md5a, u.md5s, u.size, u.sender, u.sent, u.vis, u.exp, u.grp, u.dd, u.dls
     FROM unnest($3::uuid[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::int[], $12::text[],
                 $13::timestamptz[], $14::timestamptz[], $15::timestamptz[], $16::text[], $17::text[], $18::text[])
          AS u(id, seq, body, attrs, sys, md5b, md5a, md5s, size, sender, sent, vis, exp, grp, dd, dls)`,
    [
      queueId,
      tenantId,
      msgs.map((m) => m.id),
      msgs.map((m) => m.seq),
      msgs.map((m) => m.body),
      msgs.map((m) => (m.attributes ? JSON.stringify(m.attributes) : null)),
      msgs.map((m) => (m.systemAttributes ? JSON.stringify(m.systemAttributes) : null)),
      msgs.map((m) => m.md5Body),
      msgs.map((m) => m.md5Attributes),
      msgs.map((m) => m.md5SystemAttributes),
      msgs.map((m) => m.size),
      msgs.map((m) => m.senderId),
      msgs.map((m) => m.sentAt),
      msgs.map((m) => m.visibleAt),
      msgs.map((m) => m.expiresAt),
      msgs.map((m) => m.groupId),
      msgs.map((m) => m.dedupId),
      msgs.map((m) => m.deadLetterSourceArn ?? null),
    ],
  );
}

/**
 * Adds `delta` pending messages to FIFO groups (creating them). A group that was empty becomes
 * available when its first message does (FIFO delay is per queue, so later messages are never
 * visible earlier).
 */
export async function adjustFifoGroups(
  tx: Queryable,
  queueId: string,
  tenantId: string,
  deltas: Array<{ groupId: string; delta: number; availableAt: Date }>,
): Promise<void> {
  if (deltas.length === 0) return;
  // Sorted so that concurrent transactions lock group rows in the same order (no deadlocks).
  const sorted = [...deltas].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  await tx.query(
    `INSERT INTO queue_fifo_groups AS g (queue_id, group_id, tenant_id, pending, available_at)
     SELECT $1, u.grp, $2, u.delta, u.avail FROM unnest($3::text[], $4::int[], $5::timestamptz[]) AS u(grp, delta, avail)
     ON CONFLICT (queue_id, group_id) DO UPDATE SET
       pending = GREATEST(g.pending + EXCLUDED.pending, 0),
       available_at = CASE WHEN g.pending <= 0 AND EXCLUDED.pending > 0 THEN GREATEST(g.available_at, EXCLUDED.available_at) ELSE g.available_at END`,
    [queueId, tenantId, sorted.map((d) => d.groupId), sorted.map((d) => d.delta), sorted.map((d) => d.availableAt)],
  );
}

export async function notifyQueue(db: Queryable, queueId: string): Promise<void> {
  await db.query(`SELECT pg_notify('${NOTIFY_CHANNEL}', $1)`, [queueId]);
}

export type ReceivedRow = {
  id: string;
  body: string;
  attributes: StoredAttributes | null;
  system_attributes: StoredAttributes | null;
  md5_body: string;
  md5_attributes: string | null;
  md5_system_attributes: string | null;
  sender_id: string;
  sent_at: Date;
  first_receive_at: Date;
  receive_count: number;
  receipt_token: string;
  group_id: string | null;
  dedup_id: string | null;
  seq: string;
  dead_letter_source_arn: string | null;
  visible_at: Date;
};

/** Sorts rows by seq (decimal strings): UPDATE … RETURNING comes back in no particular order. */
function bySeq<T extends { seq: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => a.seq.length - b.seq.length || (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
}

/**
 * Standard receive (receiveStandardSql): the oldest visible messages, returned in send order
 * (SQS standard queues promise best-effort order; this is the best we can do cheaply). Runs in an
 * index-order transaction of its own (queryInIndexOrder).
 */
export async function receiveStandard(
  q: { id: string; tenantId: string },
  n: number,
  now: Date,
  visibleUntil: Date,
  dlq: DeadLetterMove | null,
): Promise<ReceivedRow[]> {
  const r = await queryInIndexOrder(receiveStandardSql(q, n, now, visibleUntil, dlq));
  return bySeq(r.rows as ReceivedRow[]);
}

/** FIFO step 1: lock ready groups (SKIP LOCKED: concurrent receivers take other groups). */
export async function lockReadyGroups(
  tx: Queryable,
  q: { id: string; tenantId: string },
  now: Date,
  n: number,
): Promise<string[]> {
  const r = await tx.query(fifoReadyGroupsSql(q, now, n));
  return r.rows.map((x) => x.group_id);
}

/** FIFO step 2: the first messages of each locked group in sequence order (the group row lock guards them; `tx` is an inIndexOrder transaction). */
export async function groupHeads(
  tx: Queryable,
  q: { id: string; tenantId: string },
  groups: string[],
  n: number,
): Promise<
  Array<{ id: string; group_id: string; seq: string; visible_at: Date; receive_count: number; expires_at: Date }>
> {
  const r = await tx.query(fifoGroupHeadsSql(q, groups, n));
  return r.rows;
}

export async function markReceived(
  tx: Queryable,
  tenantId: string,
  queueId: string,
  ids: string[],
  now: Date,
  visibleUntil: Date,
): Promise<ReceivedRow[]> {
  const r = await tx.query(
    `UPDATE queue_messages m SET visible_at = $5, receive_count = m.receive_count + 1, first_receive_at = COALESCE(m.first_receive_at, $4),
       receipt_token = substr(md5(random()::text || m.id::text), 1, 16)
     WHERE m.tenant_id = $1 AND m.queue_id = $2 AND m.id = ANY($3::uuid[]) RETURNING ${RECEIVED_COLUMNS}`,
    [tenantId, queueId, ids, now, visibleUntil],
  );
  const order = new Map(ids.map((id, i) => [id, i]));
  return r.rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}

export async function setGroupAvailableAt(
  tx: Queryable,
  queueId: string,
  groups: Array<{ groupId: string; availableAt: Date }>,
): Promise<void> {
  if (!groups.length) return;
  await tx.query(
    `UPDATE queue_fifo_groups g SET available_at = u.avail FROM unnest($2::text[], $3::timestamptz[]) AS u(grp, avail)
     WHERE g.queue_id = $1 AND g.group_id = u.grp`,
    [queueId, groups.map((g) => g.groupId), groups.map((g) => g.availableAt)],
  );
}

/** Moves FIFO messages to another queue (dead-letter or move task), keeping id, body and attributes. */
export async function moveMessageRows(
  tx: Queryable,
  ids: string[],
  to: {
    queueId: string;
    tenantId: string;
    retentionSeconds: number;
    sourceArn: string | null;
    keepSourceArn?: boolean;
    resetReceives?: boolean;
  },
  now: Date,
): Promise<Array<{ id: string; group_id: string | null; old_group: string | null }>> {
  if (!ids.length) return [];
  const r = await tx.query(
    `UPDATE queue_messages m SET queue_id = $2, tenant_id = $3, visible_at = $4, receipt_token = NULL,
       dead_letter_source_arn = CASE WHEN $6::boolean THEN m.dead_letter_source_arn ELSE $5 END,
       expires_at = GREATEST(m.sent_at + make_interval(secs => $7), $4::timestamptz + interval '1 second'),
       seq = nextval(pg_get_serial_sequence('queue_messages', 'seq')),
       receive_count = CASE WHEN $8::boolean THEN 0 ELSE m.receive_count END,
       first_receive_at = CASE WHEN $8::boolean THEN NULL ELSE m.first_receive_at END
     WHERE m.id = ANY($1::uuid[]) RETURNING m.id::text AS id, m.group_id, m.group_id AS old_group`,
    [
      ids,
      to.queueId,
      to.tenantId,
      now,
      to.sourceArn,
      to.keepSourceArn ?? false,
      to.retentionSeconds,
      to.resetReceives ?? false,
    ],
  );
  await notifyQueue(tx, to.queueId);
  return r.rows;
}

/** Deletes by (message id, receipt token): an older token no longer matches, so nothing happens. */
export async function deleteByReceipts(
  db: Queryable,
  tenantId: string,
  queueId: string,
  items: Array<{ messageId: string; token: string }>,
): Promise<Array<{ id: string; group_id: string | null }>> {
  const r = await db.query(
    `DELETE FROM queue_messages m USING unnest($3::uuid[], $4::text[]) AS d(id, token)
     WHERE m.tenant_id = $1 AND m.queue_id = $2 AND m.id = d.id AND m.receipt_token = d.token
     RETURNING m.id::text AS id, m.group_id`,
    [tenantId, queueId, items.map((i) => i.messageId), items.map((i) => i.token)],
  );
  return r.rows;
}

/** Messages still in flight in these groups (to know when each group unlocks). */
export async function inFlightByGroup(
  tx: Queryable,
  queueId: string,
  groups: string[],
  now: Date,
): Promise<Map<string, Date[]>> {
  const r = await tx.query(
    `SELECT group_id, visible_at FROM queue_messages
     WHERE queue_id = $1 AND group_id IS NOT NULL AND group_id = ANY($2) AND receive_count > 0 AND visible_at > $3`,
    [queueId, groups, now],
  );
  const out = new Map<string, Date[]>();
  for (const row of r.rows)
    (out.get(row.group_id) ?? out.set(row.group_id, []).get(row.group_id)!).push(row.visible_at);
  return out;
}

/**
 * ChangeMessageVisibility for one or more receipts, one statement. Matches only the current
 * token, and refuses to extend past 12 hours after the first receive.
 */
export async function changeVisibilityRows(
  db: Queryable,
  tenantId: string,
  queueId: string,
  items: Array<{ messageId: string; token: string; visibleAt: Date }>,
  maxInFlightSeconds: number,
): Promise<Array<{ id: string; group_id: string | null; visible_at: Date }>> {
  const r = await db.query(
    `UPDATE queue_messages m SET visible_at = d.vis FROM unnest($3::uuid[], $4::text[], $5::timestamptz[]) AS d(id, token, vis)
     WHERE m.tenant_id = $1 AND m.queue_id = $2 AND m.id = d.id AND m.receipt_token = d.token
       AND d.vis <= COALESCE(m.first_receive_at, d.vis) + make_interval(secs => $6)
     RETURNING m.id::text AS id, m.group_id, m.visible_at`,
    [
      tenantId,
      queueId,
      items.map((i) => i.messageId),
      items.map((i) => i.token),
      items.map((i) => i.visibleAt),
      maxInFlightSeconds,
    ],
  );
  return r.rows;
}

export async function findMessageState(
  db: Queryable,
  tenantId: string,
  queueId: string,
  messageId: string,
): Promise<{ receipt_token: string | null; first_receive_at: Date | null; visible_at: Date } | null> {
  const r = await db.query(
    `SELECT receipt_token, first_receive_at, visible_at FROM queue_messages WHERE tenant_id = $1 AND queue_id = $2 AND id = $3::uuid`,
    [tenantId, queueId, messageId],
  );
  return r.rows[0] ?? null;
}

/** PurgeQueue: every message sent before the purge goes; FIFO groups are recounted. `tx`: one transaction. */
export async function purgeQueueMessages(tx: Queryable, tenantId: string, queueId: string, now: Date): Promise<number> {
  const r = await tx.query(`DELETE FROM queue_messages WHERE tenant_id = $1 AND queue_id = $2 AND sent_at <= $3`, [
    tenantId,
    queueId,
    now,
  ]);
  await tx.query(
    `UPDATE queue_fifo_groups g SET pending = (SELECT count(*) FROM queue_messages m WHERE m.queue_id = g.queue_id AND m.group_id = g.group_id), available_at = $3
     WHERE g.tenant_id = $1 AND g.queue_id = $2`,
    [tenantId, queueId, now],
  );
  await tx.query(`UPDATE queues SET purged_at = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, queueId, now]);
  return r.rowCount ?? 0;
}

/**
 * Browse: read messages without receiving them (no change to visibility or receive counts), in
 * send order. Runs in its own inIndexOrder transaction (browseSql).
 */
export async function browseMessages(
  tenantId: string,
  queueId: string,
  opts: { afterSeq?: string; limit: number; now: Date },
) {
  return inIndexOrder(async (tx) => (await tx.query(browseSql(tenantId, queueId, opts))).rows);
}

/** The earliest moment a not-yet-visible message of the queue becomes visible (long-poll timer). */
export async function nextVisibleAt(db: Queryable, queueId: string, now: Date): Promise<Date | null> {
  const r = await db.query(
    `SELECT visible_at FROM queue_messages WHERE queue_id = $1 AND visible_at > $2 ORDER BY visible_at LIMIT 1`,
    [queueId, now],
  );
  return r.rows[0]?.visible_at ?? null;
}

// ---------------------------------------------------------------------------------------------
// ReceiveRequestAttemptId memory (FIFO)

export async function findReceiveAttempt(
  db: Queryable,
  queueId: string,
  attemptId: string,
  now: Date,
): Promise<Array<{ id: string; token: string }> | null> {
  const r = await db.query(
    `SELECT messages FROM queue_receive_attempts WHERE queue_id = $1 AND attempt_id = $2 AND expires_at > $3`,
    [queueId, attemptId, now],
  );
  return r.rows[0]?.messages ?? null;
}

export async function saveReceiveAttempt(
  tx: Queryable,
  queueId: string,
  attemptId: string,
  msgs: Array<{ id: string; token: string }>,
  expiresAt: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO queue_receive_attempts (queue_id, attempt_id, messages, expires_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (queue_id, attempt_id) DO UPDATE SET messages = EXCLUDED.messages, expires_at = EXCLUDED.expires_at`,
    [queueId, attemptId, JSON.stringify(msgs), expiresAt],
  );
}

/** Messages of an earlier attempt that are still in flight under the same receipt token. */
export async function rowsForAttempt(
  db: Queryable,
  tenantId: string,
  queueId: string,
  msgs: Array<{ id: string; token: string }>,
  now: Date,
): Promise<ReceivedRow[]> {
  const r = await db.query(
    `SELECT ${RECEIVED_COLUMNS} FROM queue_messages m JOIN unnest($3::uuid[], $4::text[]) AS d(id, token) ON m.id = d.id AND m.receipt_token = d.token
     WHERE m.tenant_id = $1 AND m.queue_id = $2 AND m.visible_at > $5 ORDER BY m.seq`,
    [tenantId, queueId, msgs.map((m) => m.id), msgs.map((m) => m.token), now],
  );
  return r.rows;
}

/**
 * Locks the FIFO group rows of these messages, in group order, before a delete or visibility
 * change touches the messages: a receive holds its groups first and the messages second, so
 * taking the same order here means the two can never deadlock.
 */
export async function lockGroupsOfMessages(tx: Queryable, queueId: string, messageIds: string[]): Promise<void> {
  await tx.query(
    `SELECT g.group_id FROM queue_fifo_groups g
     WHERE g.queue_id = $1 AND g.group_id IN (SELECT m.group_id FROM queue_messages m WHERE m.queue_id = $1 AND m.id = ANY($2::uuid[]))
     ORDER BY g.group_id FOR UPDATE`,
    [queueId, messageIds],
  );
}

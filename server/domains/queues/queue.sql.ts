// The hot statements of queues as builders (pg-boss style): each returns `{ text, values }`, the
// repositories run them, and sql-plans.int.test.ts runs EXPLAIN on them against a seeded table,
// with and without statistics, to prove which index serves each one.
//
// Two rules keep these plans independent of statistics (autovacuum may be off, a table may be
// queried before anything analyzed it):
//  - every ORDER BY is served by an index whose leading columns are the equality filters
//    (queue_id) followed by the ORDER BY columns, so no plan needs a Sort;
//  - the expiry test is written `(m.expires_at > $now) IS TRUE`, which no index can match.
//    queue_messages_expires_at_idx exists for the retention delete; a plain `expires_at > $now`
//    matches every live row, yet without statistics the planner estimated it selective, combined
//    it with the receive index in a BitmapAnd and sorted (16 ms and 2,865 buffers for 10 rows
//    instead of 0.8 ms and 6). expires_at is NOT NULL, so IS TRUE changes nothing else.

export type Sql = { text: string; values: unknown[] };

/**
 * Planner settings for the transaction these statements run in (inIndexOrder in
 * message.repository.ts): a Sort is priced out wherever an index can give the order instead.
 * Without statistics the planner estimates a handful of rows per queue and would otherwise pick
 * a bitmap scan plus a Sort of every visible message of the queue.
 */
export const INDEX_ORDER_SETTINGS = "SET LOCAL enable_sort = off; SET LOCAL enable_incremental_sort = off;";

export const NOTIFY_CHANNEL = "signalbox_queue";

/** Columns a receive returns (ReceivedRow in message.repository.ts). */
export const RECEIVED_COLUMNS = `m.id::text AS id, m.body, m.attributes, m.system_attributes, m.md5_body, m.md5_attributes, m.md5_system_attributes,
  m.sender_id, m.sent_at, m.first_receive_at, m.receive_count, m.receipt_token, m.group_id, m.dedup_id, m.seq::text AS seq,
  m.dead_letter_source_arn, m.visible_at`;

const NEW_TOKEN = `substr(md5(random()::text || m.id::text), 1, 16)`;

export type DeadLetterMove = {
  maxReceiveCount: number;
  dlqId: string;
  dlqTenantId: string;
  sourceArn: string;
  dlqRetentionSeconds: number;
};

/**
 * Standard receive, one statement: lock up to n visible messages, oldest-visible first and in
 * send order among equals (queue_messages_queue_id_visible_at_seq_idx serves the whole ORDER BY;
 * SKIP LOCKED lets concurrent receivers take different rows without waiting), move those already
 * received maxReceiveCount times to the dead-letter queue (same row: id, body and attributes are
 * kept), and hand out the rest with a new receipt token and visibility deadline. RETURNING has no
 * order: the repository sorts the rows by seq.
 */
export function receiveStandardSql(
  q: { id: string; tenantId: string },
  n: number,
  now: Date,
  visibleUntil: Date,
  dlq: DeadLetterMove | null,
): Sql {
  const pick = `SELECT id, receive_count FROM queue_messages
       WHERE queue_id = $1 AND tenant_id = $2 AND visible_at <= $3 AND (expires_at > $3) IS TRUE
       ORDER BY visible_at, seq LIMIT $5 FOR UPDATE SKIP LOCKED`;
  const receive = `UPDATE queue_messages m SET visible_at = $4, receive_count = m.receive_count + 1,
       first_receive_at = COALESCE(m.first_receive_at, $3), receipt_token = ${NEW_TOKEN}`;
  if (!dlq) {
    return {
      text: `WITH c AS (${pick}) ${receive} FROM c WHERE m.id = c.id RETURNING ${RECEIVED_COLUMNS}`,
      values: [q.id, q.tenantId, now, visibleUntil, n],
    };
  }
  return {
    text: `WITH c AS (${pick}),
     moved AS (
       UPDATE queue_messages m SET queue_id = $7, tenant_id = $8, dead_letter_source_arn = $9, visible_at = $3, receipt_token = NULL,
         expires_at = m.sent_at + make_interval(secs => $10)
       FROM c WHERE m.id = c.id AND c.receive_count >= $6
       RETURNING m.id, pg_notify('${NOTIFY_CHANNEL}', $7)
     )
     ${receive} FROM c WHERE m.id = c.id AND c.receive_count < $6 AND (SELECT count(*) FROM moved) >= 0
     RETURNING ${RECEIVED_COLUMNS}`,
    values: [
      q.id,
      q.tenantId,
      now,
      visibleUntil,
      n,
      dlq.maxReceiveCount,
      dlq.dlqId,
      dlq.dlqTenantId,
      dlq.sourceArn,
      dlq.dlqRetentionSeconds,
    ],
  };
}

/** FIFO receive, step 1: ready groups, waiting longest first (partial queue_fifo_groups_ready_idx). */
export function fifoReadyGroupsSql(q: { id: string; tenantId: string }, now: Date, n: number): Sql {
  return {
    text: `SELECT group_id FROM queue_fifo_groups WHERE queue_id = $1 AND tenant_id = $2 AND pending > 0 AND available_at <= $3
     ORDER BY available_at LIMIT $4 FOR UPDATE SKIP LOCKED`,
    values: [q.id, q.tenantId, now, n],
  };
}

/**
 * FIFO receive, step 2: the first messages of each locked group in sequence order, from the
 * partial queue_messages_fifo_group_seq_idx (`group_id IS NOT NULL` is spelled out so that the
 * partial index is provably usable).
 */
export function fifoGroupHeadsSql(q: { id: string; tenantId: string }, groups: string[], n: number): Sql {
  return {
    text: `SELECT h.* FROM unnest($3::text[]) AS g(group_id), LATERAL (
       SELECT m.id::text AS id, m.group_id, m.seq::text AS seq, m.visible_at, m.receive_count, m.expires_at FROM queue_messages m
       WHERE m.queue_id = $1 AND m.tenant_id = $2 AND m.group_id IS NOT NULL AND m.group_id = g.group_id ORDER BY m.seq LIMIT $4) h`,
    values: [q.id, q.tenantId, groups, n],
  };
}

/** Console browse: live messages in send order after a cursor (queue_messages_queue_id_seq_idx). */
export function browseSql(tenantId: string, queueId: string, o: { afterSeq?: string; limit: number; now: Date }): Sql {
  return {
    text: `SELECT m.id::text AS id, m.body, m.attributes, m.system_attributes, m.md5_body, m.md5_attributes, m.size, m.sender_id, m.sent_at,
       m.first_receive_at, m.receive_count, m.visible_at, m.expires_at, m.group_id, m.dedup_id, m.seq::text AS seq, m.dead_letter_source_arn
     FROM queue_messages m WHERE m.tenant_id = $1 AND m.queue_id = $2 AND (m.expires_at > $3) IS TRUE AND ($4::bigint IS NULL OR m.seq > $4)
     ORDER BY m.seq LIMIT $5`,
    values: [tenantId, queueId, o.now, o.afterSeq ?? null, o.limit],
  };
}

/**
 * A move-task chunk: messages sent before the task started and not in flight, in send order,
 * locked for this transaction (queue_messages_queue_id_seq_idx; the visibility test is written
 * so that the receive index cannot be picked for it and sorted).
 */
export function moveChunkSql(tenantId: string, queueId: string, cutoff: Date, now: Date, limit: number): Sql {
  return {
    text: `SELECT id::text AS id, group_id, dead_letter_source_arn FROM queue_messages
     WHERE tenant_id = $1 AND queue_id = $2 AND sent_at <= $3 AND (visible_at <= $4) IS TRUE AND (expires_at > $4) IS TRUE
     ORDER BY seq LIMIT $5 FOR UPDATE SKIP LOCKED`,
    values: [tenantId, queueId, cutoff, now, limit],
  };
}

/** Retention: a batch of expired messages, oldest expiry first (queue_messages_expires_at_idx). */
export function expiredMessagesSql(now: Date, limit: number): Sql {
  return {
    text: `DELETE FROM queue_messages WHERE id IN (
       SELECT id FROM queue_messages WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING queue_id, group_id`,
    values: [now, limit],
  };
}

/**
 * Counts of each queue, reading at most `limit` of its rows: a queue with fewer is counted
 * exactly; one that reaches the limit is "large" and served from queue_counts instead, so the
 * cost of a count never grows with the backlog.
 */
export function liveCountsSql(tenantId: string, queueIds: string[], now: Date, limit: number): Sql {
  return {
    text: `SELECT q.id AS queue_id, c.* FROM unnest($2::text[]) AS q(id), LATERAL (
       SELECT count(*)::int AS total,
         count(*) FILTER (WHERE s.visible_at <= $3)::int AS visible,
         count(*) FILTER (WHERE s.visible_at > $3 AND s.receive_count > 0)::int AS in_flight,
         count(*) FILTER (WHERE s.visible_at > $3 AND s.receive_count = 0)::int AS delayed,
         min(s.sent_at) AS oldest
       FROM (SELECT m.visible_at, m.receive_count, m.sent_at FROM queue_messages m
             WHERE m.tenant_id = $1 AND m.queue_id = q.id AND (m.expires_at > $3) IS TRUE LIMIT $4) s) c`,
    values: [tenantId, queueIds, now, limit],
  };
}

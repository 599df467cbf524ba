import type { Queryable } from "../../db";

// SQL of published topic messages: the messages themselves, FIFO dedup claims and the console's
// recent-messages view (split from topic.repository.ts, which keeps topics and subscriptions).

export type NewMessage = {
  id: string;
  tenantId: string;
  topicId: string;
  body: string;
  attributes: Record<string, unknown>;
  subject: string | null;
  messageStructure: string | null;
  messageGroupId: string | null;
  deduplicationId: string | null;
};

/** Inserts messages in one statement; FIFO topics get a sequence number from a global sequence. */
export async function insertMessages(
  tx: Queryable,
  msgs: NewMessage[],
  fifo: boolean,
): Promise<Map<string, { seq: string | null; createdAt: Date }>> {
  const r = await tx.query(
    `INSERT INTO topic_messages (id, tenant_id, topic_id, body, attributes, subject, message_structure, message_group_id, deduplication_id, sequence_number)
     SELECT m.id, m.tenant_id, m.topic_id, m.body, m.attributes, m.subject, m.message_structure, m.message_group_id, m.deduplication_id,
            CASE WHEN $2 THEN (extract(epoch from clock_timestamp())*1000)::bigint * 1000000 + nextval('topic_messages_seq') % 1000000 END
       FROM jsonb_to_recordset($1::jsonb) AS m(id text, tenant_id text, topic_id text, body text, attributes jsonb, subject text,
            message_structure text, message_group_id text, deduplication_id text)
     RETURNING id, sequence_number::text AS seq, created_at AS "createdAt"`,
    [
      JSON.stringify(
        msgs.map((m) => ({
          id: m.id,
          tenant_id: m.tenantId,
          topic_id: m.topicId,
          body: m.body,
          attributes: m.attributes,
          subject: m.subject,
          message_structure: m.messageStructure,
          message_group_id: m.messageGroupId,
          deduplication_id: m.deduplicationId,
        })),
      ),
      fifo,
    ],
  );
  return new Map(
    r.rows.map((x: { id: string; seq: string | null; createdAt: Date }) => [
      x.id,
      { seq: x.seq, createdAt: x.createdAt },
    ]),
  );
}

/** FIFO dedup: claims the id for 5 minutes; returns the earlier message when it was already claimed. */
export async function claimDedup(
  tx: Queryable,
  topicId: string,
  dedupId: string,
  messageId: string,
  expiresAt: Date,
): Promise<{ messageId: string; seq: string | null } | null> {
  await tx.query(`DELETE FROM topic_dedup WHERE topic_id = $1 AND deduplication_id = $2 AND expires_at < now()`, [
    topicId,
    dedupId,
  ]);
  const r = await tx.query(
    `INSERT INTO topic_dedup (topic_id, deduplication_id, message_id, expires_at) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING RETURNING message_id`,
    [topicId, dedupId, messageId, expiresAt],
  );
  if (r.rowCount) return null;
  const e = await tx.query(
    `SELECT message_id AS "messageId", sequence_number::text AS seq FROM topic_dedup WHERE topic_id = $1 AND deduplication_id = $2`,
    [topicId, dedupId],
  );
  return e.rows[0] ?? null;
}

export async function setDedupSequence(
  tx: Queryable,
  topicId: string,
  dedupId: string,
  seq: string | null,
): Promise<void> {
  await tx.query(`UPDATE topic_dedup SET sequence_number = $3 WHERE topic_id = $1 AND deduplication_id = $2`, [
    topicId,
    dedupId,
    seq,
  ]);
}

export type MessageRow = NewMessage & { sequenceNumber: string | null; createdAt: Date };

export async function findMessagesByIds(db: Queryable, ids: string[]): Promise<MessageRow[]> {
  const r = await db.query(
    `SELECT id, tenant_id AS "tenantId", topic_id AS "topicId", body, attributes, subject, message_structure AS "messageStructure",
            message_group_id AS "messageGroupId", deduplication_id AS "deduplicationId", sequence_number::text AS "sequenceNumber", created_at AS "createdAt"
       FROM topic_messages WHERE id = ANY($1::text[])`,
    [ids],
  );
  return r.rows;
}

/** Console: a topic's latest messages, newest first, bodies cut to 2 KiB. */
export async function listRecentTopicMessages(db: Queryable, tenantId: string, topicId: string, limit: number) {
  const r = await db.query(
    `SELECT id, left(body, 2048) AS body, attributes, subject, message_group_id AS "messageGroupId", sequence_number::text AS "sequenceNumber", created_at AS "createdAt"
       FROM topic_messages WHERE tenant_id = $1 AND topic_id = $2 ORDER BY created_at DESC LIMIT $3`,
    [tenantId, topicId, limit],
  );
  return r.rows;
}

import { randomUUID } from "node:crypto";
import { isAppError, type AppError } from "../../core/errors";
import { assertCan, type Actor } from "../../auth/permissions";
import { pool, withTransaction, type Queryable } from "../../db";
import {
  DEDUP_WINDOW_SECONDS,
  MAX_BATCH_PAYLOAD_BYTES,
  dedupScopeKey,
  formatSequenceNumber,
  messageSize,
  prepareMessage,
  sqsError,
  toStoredAttributes,
  type PreparedMessage,
  type SendInput,
} from "../../core/sqs";
import { type QueueRow } from "./queue.repository";
import {
  adjustFifoGroups,
  claimDedup,
  insertMessages,
  insertMessagesWithSeq,
  nextSequenceNumbers,
  notifyQueue,
  type NewMessage,
} from "./message.repository";
import { assertQueueAccess, now } from "./queue.context";
import { countMetric } from "./queue.metrics";

// SendMessage, SendMessageBatch and deliveries from other domains: validate every entry (a bad
// entry fails alone, as in AWS), refuse the whole batch before storing anything when the batch
// itself is wrong, then store all valid entries in one statement (standard) or one transaction
// (FIFO: sequence numbers, deduplication, group counters).

export type SendResult =
  | {
      ok: true;
      messageId: string;
      md5Body: string;
      md5Attributes?: string;
      md5SystemAttributes?: string;
      sequenceNumber?: string;
    }
  | { ok: false; error: AppError };

export async function sendMessages(
  actor: Actor,
  tenantId: string,
  q: QueueRow,
  entries: SendInput[],
  opts: {
    senderId: string;
    batch: boolean;
    tx?: Queryable;
    deadLetterSourceArn?: string;
    /** aws:SourceArn of the sender (a topic) for a foreign queue's Policy conditions. */
    sourceArn?: string;
    /** The AWS service sending for the source (events.amazonaws.com): a Service principal. */
    service?: string;
  },
): Promise<SendResult[]> {
  assertCan(actor.role, "resource:write");
  await assertQueueAccess(tenantId, q, "SendMessage", opts.sourceArn, opts.service);
  if (opts.batch) {
    // AWS: the sum of all entries (bodies and attributes) may not exceed the largest message size.
    let total = 0;
    for (const e of entries)
      total += messageSize(typeof e.body === "string" ? e.body : "", (e.attributes ?? null) as never);
    if (total > MAX_BATCH_PAYLOAD_BYTES) {
      throw sqsError(
        "BatchRequestTooLong",
        `Batch requests cannot be longer than ${MAX_BATCH_PAYLOAD_BYTES} bytes. You have sent ${total} bytes.`,
      );
    }
  }
  const t = now();
  const results: SendResult[] = new Array(entries.length);
  const prepared: Array<{ index: number; p: PreparedMessage }> = [];
  entries.forEach((e, index) => {
    try {
      prepared.push({ index, p: prepareMessage(e, q.settings) });
    } catch (err) {
      if (!isAppError(err)) throw err;
      if (!opts.batch) throw err;
      results[index] = { ok: false, error: err };
    }
  });
  if (prepared.length === 0) return results;

  const rows: NewMessage[] = prepared.map(({ p }) => ({
    id: randomUUID(),
    body: p.body,
    attributes: toStoredAttributes(p.attributes),
    systemAttributes: toStoredAttributes(p.systemAttributes),
    md5Body: p.md5Body,
    md5Attributes: p.md5Attributes ?? null,
    md5SystemAttributes: p.md5SystemAttributes ?? null,
    size: p.size,
    senderId: opts.senderId,
    sentAt: t,
    visibleAt: new Date(t.getTime() + p.delaySeconds * 1000),
    expiresAt: new Date(t.getTime() + q.settings.retentionPeriod * 1000),
    groupId: p.groupId,
    dedupId: p.dedupId,
    deadLetterSourceArn: opts.deadLetterSourceArn ?? null,
  }));

  if (!q.settings.fifo) {
    await insertMessages(opts.tx ?? pool(), q.id, q.tenantId, rows);
    prepared.forEach(({ index, p }, i) => {
      results[index] = {
        ok: true,
        messageId: rows[i].id,
        md5Body: p.md5Body,
        md5Attributes: p.md5Attributes,
        md5SystemAttributes: p.md5SystemAttributes,
      };
    });
    countMetric(q, "sent", rows.length, t);
    return results;
  }

  const storeFifo = async (tx: Queryable) => {
    const seqs = await nextSequenceNumbers(tx, rows.length);
    const fresh: Array<NewMessage & { seq: string }> = [];
    const dedupExpires = new Date(t.getTime() + DEDUP_WINDOW_SECONDS * 1000);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const { index, p } = prepared[i];
      const dup = await claimDedup(tx, {
        queueId: q.id,
        scopeKey: dedupScopeKey(q.settings, row.groupId),
        dedupId: row.dedupId!,
        messageId: row.id,
        seq: seqs[i],
        now: t,
        expiresAt: dedupExpires,
      });
      if (dup) {
        // Accepted but not stored: AWS answers with the original message's id and sequence number.
        results[index] = {
          ok: true,
          messageId: dup.messageId,
          md5Body: p.md5Body,
          md5Attributes: p.md5Attributes,
          md5SystemAttributes: p.md5SystemAttributes,
          sequenceNumber: formatSequenceNumber(dup.seq),
        };
        continue;
      }
      fresh.push({ ...row, seq: seqs[i] });
      results[index] = {
        ok: true,
        messageId: row.id,
        md5Body: p.md5Body,
        md5Attributes: p.md5Attributes,
        md5SystemAttributes: p.md5SystemAttributes,
        sequenceNumber: formatSequenceNumber(seqs[i]),
      };
    }
    if (fresh.length) {
      await insertMessagesWithSeq(tx, q.id, q.tenantId, fresh);
      const byGroup = new Map<string, { delta: number; availableAt: Date }>();
      for (const m of fresh) {
        const g = byGroup.get(m.groupId!) ?? { delta: 0, availableAt: m.visibleAt };
        g.delta += 1;
        byGroup.set(m.groupId!, g);
      }
      await adjustFifoGroups(
        tx,
        q.id,
        q.tenantId,
        [...byGroup].map(([groupId, g]) => ({ groupId, ...g })),
      );
      await notifyQueue(tx, q.id);
    }
    return fresh.length;
  };
  const stored = opts.tx ? await storeFifo(opts.tx) : await withTransaction(storeFifo);
  countMetric(q, "sent", stored, t);
  return results;
}

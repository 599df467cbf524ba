import { assertCan, type Actor } from "../../auth/permissions";
import { pool } from "../../db";
import {
  MAX_IN_FLIGHT_SECONDS,
  MAX_MESSAGES_PER_RECEIVE,
  MAX_RECEIVE_ATTEMPT_ID_LENGTH,
  RECEIVE_ATTEMPT_WINDOW_SECONDS,
  RECEIVE_WAIT_TIME_SECONDS,
  VISIBILITY_TIMEOUT,
  encodeReceiptHandle,
  fromStoredAttributes,
  groupAvailableAt,
  pickFifoMessages,
  sqsError,
  type MessageAttributeValue,
} from "../../core/sqs";
import { type QueueRow } from "./queue.repository";
import {
  adjustFifoGroups,
  findReceiveAttempt,
  groupHeads,
  inIndexOrder,
  inFlightByGroup,
  lockReadyGroups,
  markReceived,
  moveMessageRows,
  nextVisibleAt,
  receiveStandard,
  rowsForAttempt,
  saveReceiveAttempt,
  setGroupAvailableAt,
  type DeadLetterMove,
  type ReceivedRow,
} from "./message.repository";
import { assertQueueAccess, now, queueByArn, receiptHandleKey } from "./queue.context";
import { subscribeQueue } from "./queue.notify";
import { countMetric } from "./queue.metrics";

// ReceiveMessage: short and long polling, standard and FIFO, dead-letter moves on the way.

export type ReceivedMessage = {
  messageId: string;
  receiptHandle: string;
  body: string;
  md5Body: string;
  md5Attributes?: string;
  md5SystemAttributes?: string;
  attributes?: Record<string, MessageAttributeValue>;
  system: {
    ApproximateReceiveCount: string;
    SentTimestamp: string;
    ApproximateFirstReceiveTimestamp: string;
    SenderId: string;
    MessageGroupId?: string;
    MessageDeduplicationId?: string;
    SequenceNumber?: string;
    DeadLetterQueueSourceArn?: string;
    AWSTraceHeader?: string;
  };
};

export type ReceiveOptions = {
  maxMessages?: number;
  visibilityTimeout?: number;
  waitTimeSeconds?: number;
  attemptId?: string;
  /** The caller's connection: once aborted, no receive runs (it would hide messages from live consumers). */
  signal?: AbortSignal;
};

function toMessage(q: QueueRow, r: ReceivedRow): ReceivedMessage {
  const sys = fromStoredAttributes(r.system_attributes);
  return {
    messageId: r.id,
    receiptHandle: encodeReceiptHandle({ queueId: q.id, messageId: r.id, token: r.receipt_token }, receiptHandleKey()),
    body: r.body,
    md5Body: r.md5_body,
    md5Attributes: r.md5_attributes ?? undefined,
    md5SystemAttributes: r.md5_system_attributes ?? undefined,
    attributes: fromStoredAttributes(r.attributes),
    system: {
      ApproximateReceiveCount: String(r.receive_count),
      SentTimestamp: String(r.sent_at.getTime()),
      ApproximateFirstReceiveTimestamp: String(r.first_receive_at.getTime()),
      SenderId: r.sender_id,
      ...(r.group_id ? { MessageGroupId: r.group_id } : {}),
      ...(q.settings.fifo && r.dedup_id ? { MessageDeduplicationId: r.dedup_id } : {}),
      ...(q.settings.fifo ? { SequenceNumber: r.seq.padStart(20, "0") } : {}),
      ...(r.dead_letter_source_arn ? { DeadLetterQueueSourceArn: r.dead_letter_source_arn } : {}),
      ...(sys?.AWSTraceHeader?.StringValue ? { AWSTraceHeader: sys.AWSTraceHeader.StringValue } : {}),
    },
  };
}

export function checkReceiveOptions(o: ReceiveOptions): void {
  const n = o.maxMessages ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > MAX_MESSAGES_PER_RECEIVE) {
    throw sqsError(
      "InvalidParameterValue",
      `Value ${n} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and ${MAX_MESSAGES_PER_RECEIVE}, if provided.`,
      "MaxNumberOfMessages",
    );
  }
  if (
    o.visibilityTimeout !== undefined &&
    (!Number.isInteger(o.visibilityTimeout) ||
      o.visibilityTimeout < VISIBILITY_TIMEOUT.min ||
      o.visibilityTimeout > VISIBILITY_TIMEOUT.max)
  ) {
    throw sqsError(
      "InvalidParameterValue",
      `Value ${o.visibilityTimeout} for parameter VisibilityTimeout is invalid. Reason: Must be >= ${VISIBILITY_TIMEOUT.min} and <= ${VISIBILITY_TIMEOUT.max}, if provided.`,
      "VisibilityTimeout",
    );
  }
  if (
    o.waitTimeSeconds !== undefined &&
    (!Number.isInteger(o.waitTimeSeconds) ||
      o.waitTimeSeconds < RECEIVE_WAIT_TIME_SECONDS.min ||
      o.waitTimeSeconds > RECEIVE_WAIT_TIME_SECONDS.max)
  ) {
    throw sqsError(
      "InvalidParameterValue",
      `Value ${o.waitTimeSeconds} for parameter WaitTimeSeconds is invalid. Reason: Must be >= ${RECEIVE_WAIT_TIME_SECONDS.min} and <= ${RECEIVE_WAIT_TIME_SECONDS.max}.`,
      "WaitTimeSeconds",
    );
  }
  if (
    o.attemptId !== undefined &&
    (o.attemptId.length === 0 ||
      o.attemptId.length > MAX_RECEIVE_ATTEMPT_ID_LENGTH ||
      !/^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]+$/.test(o.attemptId))
  ) {
    throw sqsError(
      "InvalidParameterValue",
      `Value ${o.attemptId} for parameter ReceiveRequestAttemptId is invalid.`,
      "ReceiveRequestAttemptId",
    );
  }
}

async function deadLetterTarget(q: QueueRow): Promise<DeadLetterMove | null> {
  const rp = q.settings.redrivePolicy;
  if (!rp) return null;
  const dlq = await queueByArn(rp.deadLetterTargetArn);
  // A dead-letter queue must be of the same type and in the same account; otherwise messages stay.
  if (!dlq || dlq.tenantId !== q.tenantId || dlq.settings.fifo !== q.settings.fifo) return null;
  return {
    maxReceiveCount: rp.maxReceiveCount,
    dlqId: dlq.id,
    dlqTenantId: dlq.tenantId,
    sourceArn: q.arn,
    dlqRetentionSeconds: dlq.settings.retentionPeriod,
  };
}

async function receiveFifo(
  q: QueueRow,
  n: number,
  t: Date,
  visibleUntil: Date,
  dlq: DeadLetterMove | null,
  attemptId?: string,
): Promise<ReceivedRow[]> {
  return inIndexOrder(async (tx) => {
    const groups = await lockReadyGroups(tx, q, t, n);
    if (groups.length === 0) return [];
    let heads = (await groupHeads(tx, q, groups, n)).filter((h) => h.expires_at.getTime() > t.getTime());
    if (dlq) {
      // Heads already received maxReceiveCount times go to the dead-letter queue first.
      const dead = heads.filter((h) => h.visible_at.getTime() <= t.getTime() && h.receive_count >= dlq.maxReceiveCount);
      if (dead.length) {
        const moved = await moveMessageRows(
          tx,
          dead.map((d) => d.id),
          {
            queueId: dlq.dlqId,
            tenantId: dlq.dlqTenantId,
            retentionSeconds: dlq.dlqRetentionSeconds,
            sourceArn: q.arn,
          },
          t,
        );
        const counts = new Map<string, number>();
        for (const m of moved) counts.set(m.group_id!, (counts.get(m.group_id!) ?? 0) + 1);
        await adjustFifoGroups(
          tx,
          q.id,
          q.tenantId,
          [...counts].map(([groupId, c]) => ({ groupId, delta: -c, availableAt: t })),
        );
        await adjustFifoGroups(
          tx,
          dlq.dlqId,
          dlq.dlqTenantId,
          [...counts].map(([groupId, c]) => ({ groupId, delta: c, availableAt: t })),
        );
        const deadIds = new Set(dead.map((d) => d.id));
        heads = heads.filter((h) => !deadIds.has(h.id));
      }
    }
    const picks = pickFifoMessages(
      groups,
      heads.map((h) => ({
        id: h.id,
        groupId: h.group_id,
        seq: BigInt(h.seq),
        visibleAt: h.visible_at,
        receiveCount: h.receive_count,
      })),
      t,
      n,
    );
    const picked = new Set(picks.map((p) => p.groupId));
    // Groups that gave nothing: park them until their head becomes visible (or drop an empty one).
    const parked: Array<{ groupId: string; availableAt: Date }> = [];
    for (const g of groups) {
      if (picked.has(g)) continue;
      const head = heads.filter((h) => h.group_id === g).sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1))[0];
      if (!head) {
        await adjustFifoGroups(tx, q.id, q.tenantId, [{ groupId: g, delta: -1_000_000_000, availableAt: t }]);
      } else if (head.visible_at.getTime() > t.getTime()) {
        parked.push({ groupId: g, availableAt: head.visible_at });
      }
    }
    await setGroupAvailableAt(tx, q.id, [
      ...parked,
      ...[...picked].map((groupId) => ({ groupId, availableAt: visibleUntil })),
    ]);
    if (!picks.length) return [];
    const rows = await markReceived(
      tx,
      q.tenantId,
      q.id,
      picks.map((p) => p.id),
      t,
      visibleUntil,
    );
    if (attemptId)
      await saveReceiveAttempt(
        tx,
        q.id,
        attemptId,
        rows.map((r) => ({ id: r.id, token: r.receipt_token })),
        new Date(t.getTime() + RECEIVE_ATTEMPT_WINDOW_SECONDS * 1000),
      );
    return rows;
  });
}

async function receiveOnce(q: QueueRow, n: number, vt: number, attemptId?: string): Promise<ReceivedRow[]> {
  const t = now();
  const visibleUntil = new Date(t.getTime() + vt * 1000);
  const dlq = await deadLetterTarget(q);
  if (!q.settings.fifo) return receiveStandard(q, n, t, visibleUntil, dlq);
  if (attemptId) {
    // A retried receive (same attempt id within 5 minutes) gets the same messages and handles,
    // as long as none of them was deleted or made visible in between.
    const prior = await findReceiveAttempt(pool(), q.id, attemptId, t);
    if (prior && prior.length) {
      const rows = await rowsForAttempt(pool(), q.tenantId, q.id, prior, t);
      if (rows.length === prior.length) return rows;
    }
  }
  return receiveFifo(q, n, t, visibleUntil, dlq, attemptId);
}

/**
 * Receives up to `maxMessages`. With a wait time, it subscribes to the queue's wake-ups first,
 * then looks; if nothing is there it sleeps until a send commits anywhere, the next delayed or
 * in-flight message becomes visible, or the wait ends. If `signal` aborts (the client hung up),
 * it stops waiting and returns nothing without looking again: a receive on behalf of a dead
 * connection would make a message invisible for the visibility timeout with nobody to process it.
 */
export async function receiveMessages(
  actor: Actor,
  tenantId: string,
  q: QueueRow,
  o: ReceiveOptions,
): Promise<ReceivedMessage[]> {
  assertCan(actor.role, "resource:write");
  await assertQueueAccess(tenantId, q, "ReceiveMessage");
  checkReceiveOptions(o);
  const n = o.maxMessages ?? 1;
  const vt = o.visibilityTimeout ?? q.settings.visibilityTimeout;
  const wait = o.waitTimeSeconds ?? q.settings.receiveWaitSeconds;
  const attemptId = q.settings.fifo ? o.attemptId : undefined;
  const signal = o.signal;
  if (signal?.aborted) return [];
  let rows: ReceivedRow[] = [];
  if (wait <= 0) {
    rows = await receiveOnce(q, n, vt, attemptId);
  } else {
    const deadline = Date.now() + wait * 1000;
    const sub = await subscribeQueue(q.id);
    try {
      while (!signal?.aborted) {
        rows = await receiveOnce(q, n, vt, attemptId);
        const left = deadline - Date.now();
        if (rows.length || left <= 0) break;
        const next = await nextVisibleAt(pool(), q.id, now());
        if (signal?.aborted) break;
        const untilNext = next ? Math.max(next.getTime() - now().getTime(), 10) : left;
        await sub.wait(Math.min(left, untilNext), signal);
      }
    } finally {
      sub.close();
    }
  }
  if (rows.length) countMetric(q, "received", rows.length);
  return rows.map((r) => toMessage(q, r));
}

/** When a FIFO group unlocks after deletes or visibility changes: once its last in-flight message is visible. */
export async function refreshGroupLocks(
  tx: Parameters<typeof inFlightByGroup>[0],
  q: QueueRow,
  groups: string[],
  t: Date,
): Promise<void> {
  if (!groups.length) return;
  const inFlight = await inFlightByGroup(tx, q.id, groups, t);
  await setGroupAvailableAt(
    tx,
    q.id,
    groups.map((g) => ({ groupId: g, availableAt: groupAvailableAt(inFlight.get(g) ?? [], t) })),
  );
}

export { MAX_IN_FLIGHT_SECONDS };

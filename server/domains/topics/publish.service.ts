import { createHash, randomUUID } from "node:crypto";
import { assertCan, type Actor } from "../../auth/permissions";
import { withTransaction, pool, type Queryable } from "../../db";
import { AppError } from "../../core/errors";
import { crossAccountDecision } from "../../core/sqs/permissions";
import type { SnsAttribute } from "../../core/sns/envelope";
import {
  checkFifoPublish,
  checkMessage,
  checkMessageAttributes,
  checkSubject,
  FIFO_DEDUP_WINDOW_MS,
  MAX_BATCH_ENTRIES,
  MAX_MESSAGE_BYTES,
  messageSize,
} from "../../core/sns/publish-rules";
import { enqueue } from "../../platform/enqueue";
import { originForJob } from "../../platform/public-url";
import { gated } from "../../platform/tx-gate";
import { fanoutJob } from "../deliveries/delivery.jobs";
import { deliverToQueuesInline } from "../deliveries/inline";
import { recordDeliveryMetrics } from "../deliveries/metrics-flusher";
import type { MetricBump } from "../deliveries/delivery.repository";
import { findTopicByArn, findTopicByArnUnscoped, type TopicRow } from "./topic.repository";
import {
  claimDedup,
  insertMessages,
  listRecentTopicMessages,
  setDedupSequence,
  type MessageRow,
  type NewMessage,
} from "./topic-message.repository";
import { requireTopic, type TenantRef } from "./topic.service";
import { ruleError, snsInvalid, topicNotFound } from "./topic.errors";

// Publish and PublishBatch: validate, then commit the message(s), their delivery to queue
// subscribers (deliveries/inline.ts) AND the fan-out job for the other subscribers in one
// transaction, so an accepted message is never lost and never fanned out without being stored.

export type PublishInput = {
  message: string;
  subject?: string | null;
  messageStructure?: string | null;
  messageAttributes?: Record<string, SnsAttribute>;
  messageGroupId?: string | null;
  messageDeduplicationId?: string | null;
};

export type PublishResult = { messageId: string; sequenceNumber: string | null };

function validate(topic: TopicRow, e: PublishInput): { dedupId: string | null } {
  const attrs = e.messageAttributes ?? {};
  const problem =
    checkSubject(e.subject) ??
    checkMessageAttributes(attrs) ??
    checkMessage(e.message, e.messageStructure, attrs) ??
    checkFifoPublish(topic.fifo, topic.contentBasedDedup, e.messageGroupId, e.messageDeduplicationId);
  if (problem) throw ruleError(problem);
  const dedupId = topic.fifo
    ? (e.messageDeduplicationId ?? createHash("sha256").update(e.message).digest("hex"))
    : null;
  return { dedupId };
}

/**
 * Publishes validated entries inside `tx`; entries whose FIFO dedup id was seen in the last 5
 * minutes return the earlier message id. Queue subscribers are served in `tx` (their per-minute
 * counters are pushed to `metrics`, to record once `tx` committed); the others through the fan-out job.
 */
async function publishEntriesInTx(
  tx: Queryable,
  tenant: TenantRef,
  topic: TopicRow,
  entries: Array<PublishInput & { dedupId: string | null }>,
  baseUrl: string,
  metrics: MetricBump[],
): Promise<PublishResult[]> {
  const results: PublishResult[] = [];
  const fresh: NewMessage[] = [];
  const freshIndex: number[] = [];
  for (const [i, e] of entries.entries()) {
    const id = randomUUID();
    if (e.dedupId) {
      const prior = await claimDedup(tx, topic.id, e.dedupId, id, new Date(Date.now() + FIFO_DEDUP_WINDOW_MS));
      if (prior) {
        results[i] = { messageId: prior.messageId, sequenceNumber: prior.seq };
        continue;
      }
    }
    fresh.push({
      id,
      tenantId: tenant.id,
      topicId: topic.id,
      body: e.message,
      attributes: e.messageAttributes ?? {},
      subject: e.subject ?? null,
      messageStructure: e.messageStructure || null,
      messageGroupId: e.messageGroupId ?? null,
      deduplicationId: e.dedupId,
    });
    freshIndex.push(i);
  }
  if (fresh.length) {
    const stored = await insertMessages(tx, fresh, topic.fifo);
    const seq = (id: string) => stored.get(id)?.seq ?? null;
    fresh.forEach((m, k) => (results[freshIndex[k]!] = { messageId: m.id, sequenceNumber: seq(m.id) }));
    for (const m of fresh) if (m.deduplicationId) await setDedupSequence(tx, topic.id, m.deduplicationId, seq(m.id));
    // Queue subscribers now (FIFO: in sequence order); the others through the fan-out job.
    const rows: MessageRow[] = fresh.map((m) => ({
      ...m,
      sequenceNumber: seq(m.id),
      createdAt: stored.get(m.id)!.createdAt,
    }));
    const inline = await deliverToQueuesInline(rows, topic.id, baseUrl, tx);
    metrics.push(...inline.metrics);
    const ids = fresh.map((m) => m.id);
    if (inline.othersToFanOut)
      await enqueue(fanoutJob, { messageIds: ids, baseUrl: originForJob(baseUrl), queuesDone: true }, { tx });
  }
  return results;
}

/** Publishes validated entries in a transaction of their own. */
async function publishEntries(
  tenant: TenantRef,
  topic: TopicRow,
  entries: Array<PublishInput & { dedupId: string | null }>,
  baseUrl: string,
): Promise<PublishResult[]> {
  // Queue subscribers are delivered inside this transaction, which may need a second pooled
  // connection (queue lookups): gated (platform/tx-gate.ts).
  const metrics: MetricBump[] = [];
  const results = await gated(() =>
    withTransaction((tx) => publishEntriesInTx(tx, tenant, topic, entries, baseUrl, metrics)),
  );
  await recordDeliveryMetrics(metrics);
  return results;
}

/**
 * Publish on behalf of another service (an event rule's or a schedule's topic target), inside the
 * caller's transaction `tx`. The topic is the source tenant's own, or another tenant's whose topic
 * Policy allows SNS:Publish to the source: its account, or the service acting for it
 * (`source.service`, e.g. events.amazonaws.com) with aws:SourceArn / aws:SourceAccount conditions.
 * Throws AppError: NotFound when there is no such topic (or the policy does not mention the
 * source), AuthorizationError when the policy denies it, InvalidParameter when the message breaks
 * a rule (a FIFO topic without a group id). The queue subscribers' counters go to `metrics`
 * (record them after the commit, metrics-flusher.ts).
 */
export async function publishInTransaction(
  tx: Queryable,
  source: TenantRef & { sourceArn?: string; service?: string },
  topicArn: string,
  input: PublishInput,
  opts: { baseUrl: string; metrics: MetricBump[] },
): Promise<PublishResult> {
  let topic = await findTopicByArn(tx, source.id, topicArn);
  if (!topic) {
    const foreign = await findTopicByArnUnscoped(tx, topicArn);
    const decision = foreign
      ? crossAccountDecision([], foreign.policy, {
          accountId: source.accountId,
          action: "SNS:Publish",
          queueArn: foreign.arn,
          sourceArn: source.sourceArn,
          service: source.service,
        })
      : "none";
    if (decision === "deny")
      throw new AppError("forbidden", "Authorization error", { awsCode: "AuthorizationError", awsStatus: 403 });
    if (decision !== "allow") throw topicNotFound();
    topic = foreign!;
  }
  const { dedupId } = validate(topic, input);
  const owner = { id: topic.tenantId, accountId: "" };
  const [r] = await publishEntriesInTx(tx, owner, topic, [{ ...input, dedupId }], opts.baseUrl, opts.metrics);
  return r!;
}

export async function publish(
  actor: Actor,
  tenant: TenantRef,
  topicArn: string,
  input: PublishInput,
  opts: { baseUrl: string },
): Promise<PublishResult> {
  assertCan(actor.role, "resource:write");
  if (!topicArn)
    throw snsInvalid("Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter", "topicArn");
  const topic = await requireTopic(tenant, topicArn);
  const { dedupId } = validate(topic, input);
  const [r] = await publishEntries(tenant, topic, [{ ...input, dedupId }], opts.baseUrl);
  return r!;
}

export type BatchEntry = PublishInput & { id: string };
export type BatchResult = {
  successful: Array<{ id: string; messageId: string; sequenceNumber: string | null }>;
  failed: Array<{ id: string; code: string; message: string; senderFault: boolean }>;
};

export async function publishBatch(
  actor: Actor,
  tenant: TenantRef,
  topicArn: string,
  entries: BatchEntry[],
  opts: { baseUrl: string },
): Promise<BatchResult> {
  assertCan(actor.role, "resource:write");
  const topic = await requireTopic(tenant, topicArn);
  if (entries.length === 0)
    throw new AppError("validation", "The batch request doesn't contain any entries.", {
      awsCode: "EmptyBatchRequest",
    });
  if (entries.length > MAX_BATCH_ENTRIES)
    throw new AppError("validation", `The batch request contains more entries than permissible.`, {
      awsCode: "TooManyEntriesInBatchRequest",
    });
  const ids = new Set<string>();
  let total = 0;
  for (const e of entries) {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(e.id ?? ""))
      throw new AppError(
        "validation",
        "The Id of a batch entry in a batch request doesn't abide by the specification.",
        { awsCode: "InvalidBatchEntryId" },
      );
    if (ids.has(e.id))
      throw new AppError("validation", "Two or more batch entries in the request have the same Id.", {
        awsCode: "BatchEntryIdsNotDistinct",
      });
    ids.add(e.id);
    total += messageSize(e.message ?? "", e.messageAttributes ?? {});
  }
  if (total > MAX_MESSAGE_BYTES)
    throw new AppError("validation", "The length of all the batch messages put together is more than the limit.", {
      awsCode: "BatchRequestTooLong",
    });
  const result: BatchResult = { successful: [], failed: [] };
  const ok: Array<BatchEntry & { dedupId: string | null }> = [];
  for (const e of entries) {
    try {
      ok.push({ ...e, dedupId: validate(topic, e).dedupId });
    } catch (err) {
      const a = err as AppError;
      result.failed.push({ id: e.id, code: a.awsCode ?? "InvalidParameter", message: a.message, senderFault: true });
    }
  }
  if (ok.length) {
    const published = await publishEntries(tenant, topic, ok, opts.baseUrl);
    ok.forEach((e, i) =>
      result.successful.push({
        id: e.id,
        messageId: published[i]!.messageId,
        sequenceNumber: published[i]!.sequenceNumber,
      }),
    );
  }
  return result;
}

/** Console: recent messages of a topic (body truncated). */
export async function listRecentMessages(actor: Actor, tenant: TenantRef, topicArn: string, limit = 50) {
  assertCan(actor.role, "resource:read");
  const topic = await requireTopic(tenant, topicArn);
  return listRecentTopicMessages(pool(), tenant.id, topic.id, Math.min(Math.max(limit, 1), 200));
}

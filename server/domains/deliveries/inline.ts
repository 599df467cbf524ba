import { randomUUID } from "node:crypto";
import type { Queryable } from "../../db";
import { listConfirmedSubscriptions } from "../topics/topic.repository";
import type { MessageRow } from "../topics/topic-message.repository";
import { insertAttempts, insertDeliveries, type TopicDeliveryRow, type MetricBump } from "./delivery.repository";
import { baseAttempt, latencySince } from "./attempt-record";
import { enqueueDeliverChunks } from "./delivery.enqueue";
import { matches } from "./filter";
import { topicDelivery } from "./topic-delivery";
import { queueTarget } from "./targets/queue";
import type { TargetInput } from "./targets/target";

// Queue subscribers are served inside the Publish transaction: the queue messages, the delivery
// rows (already succeeded) and a small attempt record commit with the published message (the
// per-minute counters follow right after the commit, see metrics-flusher.ts), in a handful of set-based statements per publish (one multi-row INSERT per target
// queue). It keeps each FIFO message group in publish order and makes queue delivery exactly
// once, with no job hop between publish and delivery. A queue that refuses (deleted, permission
// removed) gets a pending delivery that a deliver job retries on the usual schedule.

export type InlineResult = {
  /** The topic has subscribers that are not queues: a fan-out job serves them. */
  othersToFanOut: boolean;
  /** Per-minute counters to record once the transaction committed (metrics-flusher.ts). */
  metrics: MetricBump[];
};

export async function deliverToQueuesInline(
  published: MessageRow[],
  topicId: string,
  baseUrl: string,
  tx: Queryable,
): Promise<InlineResult> {
  if (published.length === 0) return { othersToFanOut: false, metrics: [] };
  const subs = await listConfirmedSubscriptions(tx, topicId);
  const othersToFanOut = subs.some((s) => s.protocol !== "sqs");
  const queueSubs = subs.filter((s) => s.protocol === "sqs" && !s.disabledAt);
  if (queueSubs.length === 0) return { othersToFanOut, metrics: [] };
  // FIFO: sequence order, which each target queue's INSERT then follows.
  const messages = [...published].sort((a, b) =>
    BigInt(a.sequenceNumber ?? 0) < BigInt(b.sequenceNumber ?? 0) ? -1 : 1,
  );
  const inputs: TargetInput[] = [];
  const now = new Date();
  for (const m of messages)
    for (const s of queueSubs) {
      if (!matches(s, m)) continue;
      const delivery: TopicDeliveryRow = {
        ...topicDelivery(m, s, randomUUID()),
        status: "pending",
        attempts: 0,
        createdAt: now,
      };
      inputs.push({ delivery, message: m, subscription: s, topicPolicy: null, baseUrl });
    }
  if (inputs.length === 0) return { othersToFanOut, metrics: [] };
  const t0 = performance.now();
  const verdicts = await queueTarget.deliverBatch!(inputs, tx);
  const durationMs = Math.round(performance.now() - t0);
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString();
  const metrics = new Map<string, MetricBump>();
  const retry: string[] = [];
  const ok: TargetInput[] = [];
  inputs.forEach((input, k) => {
    if (verdicts[k]!.result === "success") ok.push(input);
    else retry.push(input.delivery.id);
  });
  const latency = (i: TargetInput) => latencySince(new Date(i.message.createdAt));
  await insertDeliveries(
    tx,
    inputs.map((i, k) =>
      verdicts[k]!.result === "success"
        ? { ...i.delivery, status: "succeeded" as const, attempts: 1, latencyMs: latency(i) }
        : { ...i.delivery, status: "pending" as const },
    ),
  );
  // The attempt log keeps no request copy for a success: the message is in the queue.
  await insertAttempts(
    tx,
    ok.map((i) => ({ ...baseAttempt(i.delivery, now), outcome: "succeeded" as const, durationMs })),
  );
  for (const i of ok) {
    const m = metrics.get(i.subscription.id) ?? {
      subscriptionId: i.subscription.id,
      tenantId: i.delivery.tenantId,
      topicId: i.delivery.topicId,
      minute,
      succeeded: 0,
      failed: 0,
      retrying: 0,
      dlq: 0,
      latencySumMs: 0,
    };
    m.succeeded += 1;
    m.latencySumMs += latency(i);
    metrics.set(i.subscription.id, m);
  }
  await enqueueDeliverChunks(retry, baseUrl, tx);
  return { othersToFanOut, metrics: [...metrics.values()] };
}

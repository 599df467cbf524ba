import { randomUUID } from "node:crypto";
import { withTransaction } from "../../db";
import type { JobContext } from "../../jobs/registry";
import { retryDelaySeconds, type RetryPolicy } from "../../core/sns/delivery-policy";
import { deliverToQueue } from "../queues/queue.delivery";
import type { SubscriptionRow } from "../topics/topic.repository";
import type { MessageRow } from "../topics/topic-message.repository";
import {
  addFailures,
  bumpMetrics,
  insertAttempts,
  insertNotification,
  resetFailures,
  updateDeliveries,
  type AttemptRecord,
  type DeliveryRow,
  type DeliveryUpdate,
  type MetricBump,
  underSavepoint,
} from "./delivery.repository";
import { enqueueDeliverChunks } from "./delivery.enqueue";
import { queueMessageFor } from "./payload";
import { publicUrl } from "../../platform/public-url";
import { deliveryConfig } from "./delivery.config";
import { gated } from "../../platform/tx-gate";

// After a chunk's attempts: one transaction records every attempt, moves each delivery on
// (succeeded / retrying with its next time / DLQ / failed), enqueues the retries, bumps the
// per-minute metrics and the endpoints' failure streaks (disabling an endpoint that crossed the
// threshold, with a console notification).

export type Outcome = {
  delivery: DeliveryRow;
  subscription: SubscriptionRow | undefined;
  message: MessageRow | undefined;
  success: boolean;
  /** The attempt and status were already committed (queue deliveries). */
  recorded: boolean;
  retryable: boolean;
  policy: RetryPolicy;
  error: string | null;
  statusCode: number | null;
  latencyMs: number | null;
  /** Failures count toward disabling the endpoint (the target kind's autoDisable). */
  autoDisable: boolean;
  attempt: AttemptRecord;
};

const minuteOf = (d: Date) => new Date(Math.floor(d.getTime() / 60_000) * 60_000).toISOString();

export async function finalizeOutcomes(
  outcomes: Outcome[],
  baseUrl: string | undefined,
  ctx: JobContext,
  random: () => number = Math.random,
): Promise<void> {
  if (outcomes.length === 0) return;
  const now = new Date();
  const updates: DeliveryUpdate[] = [];
  const attempts: AttemptRecord[] = [];
  const retries = new Map<number, string[]>(); // startAfter second → delivery ids
  const toDlq: Outcome[] = [];
  const metrics = new Map<string, MetricBump>();
  const bump = (o: Outcome, k: "succeeded" | "failed" | "retrying" | "dlq") => {
    const key = o.delivery.subscriptionId;
    const m = metrics.get(key) ?? {
      subscriptionId: key,
      tenantId: o.delivery.tenantId,
      topicId: o.delivery.topicId,
      minute: minuteOf(now),
      succeeded: 0,
      failed: 0,
      retrying: 0,
      dlq: 0,
      latencySumMs: 0,
    };
    m[k] += 1;
    if (k === "succeeded") m.latencySumMs += o.latencyMs ?? 0;
    metrics.set(key, m);
  };
  const successSubs = new Set<string>();
  const failuresBySub = new Map<string, number>();

  for (const o of outcomes) {
    const endpointProtocol = o.autoDisable;
    if (o.success) {
      bump(o, "succeeded");
      if (endpointProtocol) successSubs.add(o.delivery.subscriptionId);
      if (o.recorded) continue;
      updates.push({
        id: o.delivery.id,
        status: "succeeded",
        nextAttemptAt: null,
        lastStatusCode: o.statusCode,
        lastError: null,
        latencyMs: o.latencyMs,
      });
      attempts.push({ ...o.attempt, outcome: "succeeded" });
      continue;
    }
    if (endpointProtocol && o.attempt.outcome !== "skipped")
      failuresBySub.set(o.delivery.subscriptionId, (failuresBySub.get(o.delivery.subscriptionId) ?? 0) + 1);
    const delay = o.retryable ? retryDelaySeconds(o.policy, o.delivery.attempts + 1, random()) : null;
    if (delay !== null) {
      const at = new Date(now.getTime() + delay * 1000);
      updates.push({
        id: o.delivery.id,
        status: "retrying",
        nextAttemptAt: at.toISOString(),
        lastStatusCode: o.statusCode,
        lastError: o.error,
        latencyMs: null,
      });
      attempts.push({
        ...o.attempt,
        outcome: o.attempt.outcome === "skipped" ? "skipped" : "failed",
        nextRetryAt: at.toISOString(),
      });
      const sec = Math.ceil(at.getTime() / 1000);
      retries.set(sec, [...(retries.get(sec) ?? []), o.delivery.id]);
      bump(o, "retrying");
    } else if (o.subscription?.redrivePolicy?.deadLetterTargetArn && o.message && o.attempt.outcome !== "skipped") {
      attempts.push({ ...o.attempt, outcome: "failed" });
      toDlq.push(o);
    } else {
      updates.push({
        id: o.delivery.id,
        status: "failed",
        nextAttemptAt: null,
        lastStatusCode: o.statusCode,
        lastError: o.error,
        latencyMs: null,
      });
      attempts.push({ ...o.attempt, outcome: o.attempt.outcome === "skipped" ? "skipped" : "failed" });
      bump(o, "failed");
    }
  }

  // Queue messages for the DLQs are built outside the transaction (signing is CPU work).
  const dlqMessages = await Promise.all(
    toDlq.map((o) => queueMessageFor(o.message!, o.subscription!, publicUrl(baseUrl))),
  );
  const cfg = deliveryConfig();
  const run = (fn: () => Promise<void>) => (toDlq.length ? gated(fn) : fn());
  await run(() =>
    withTransaction(async (tx) => {
      for (const [i, o] of toDlq.entries()) {
        const dlqArn = o.subscription!.redrivePolicy!.deadLetterTargetArn!;
        const started = new Date();
        const q = dlqMessages[i]!;
        const dlqError = await underSavepoint(tx, "dlq", () =>
          deliverToQueue(
            {
              queueArn: dlqArn,
              sourceTenantId: o.delivery.tenantId,
              senderId: o.subscription!.arn,
              body: q.body,
              attributes: q.attributes,
              messageGroupId: o.message!.messageGroupId ?? undefined,
              sourceArn: o.subscription!.arn,
            },
            tx,
          ),
        );
        if (dlqError === null) {
          updates.push({
            id: o.delivery.id,
            status: "dlq",
            nextAttemptAt: null,
            lastStatusCode: o.statusCode,
            lastError: o.error,
            latencyMs: null,
          });
          attempts.push({
            ...o.attempt,
            attemptNumber: o.attempt.attemptNumber,
            protocol: "sqs",
            targetKind: "queue",
            endpoint: dlqArn,
            outcome: "dlq",
            startedAt: started.toISOString(),
            durationMs: Date.now() - started.getTime(),
            requestBody: q.body.slice(0, 65536),
            requestHeaders: null,
            responseStatus: null,
            responseHeaders: null,
            responseBody: null,
            error: `moved to dead-letter queue after: ${o.error}`,
          });
          bump(o, "dlq");
        } else {
          updates.push({
            id: o.delivery.id,
            status: "failed",
            nextAttemptAt: null,
            lastStatusCode: o.statusCode,
            lastError: `${o.error}; dead-letter queue delivery failed: ${dlqError.message}`,
            latencyMs: null,
          });
          bump(o, "failed");
        }
      }
      await updateDeliveries(tx, updates);
      await insertAttempts(tx, attempts);
      for (const [sec, ids] of retries) await enqueueDeliverChunks(ids, baseUrl, tx, new Date(sec * 1000));
      await bumpMetrics(tx, [...metrics.values()]);
      await resetFailures(
        tx,
        [...successSubs].filter((s) => !failuresBySub.has(s)),
      );
      for (const [subId, n] of [...failuresBySub].sort(([a], [b]) => a.localeCompare(b))) {
        const r = await addFailures(
          tx,
          subId,
          n,
          cfg.SIGNALBOX_WEBHOOK_DISABLE_AFTER_FAILURES,
          cfg.SIGNALBOX_WEBHOOK_DISABLE_AFTER_HOURS,
        );
        if (r.disabled) {
          await insertNotification(tx, {
            id: randomUUID(),
            tenantId: r.tenantId,
            kind: "subscription_disabled",
            subscriptionId: subId,
            message: `Subscription ${r.arn} was disabled: ${r.reason}. Fix the endpoint, then re-enable it.`,
          });
          ctx.log.warn({ subscriptionId: subId }, "subscription disabled after continuous failures");
        }
      }
    }),
  );
}

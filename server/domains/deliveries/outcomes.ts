import { randomUUID } from "node:crypto";
import { withTransaction } from "../../db";
import type { JobContext } from "../../jobs/registry";
import { retryDelaySeconds, type RetryPolicy } from "../../core/sns/delivery-policy";
import { deliverToQueue, type DeliverInput } from "../queues/queue.delivery";
import {
  deadLetterAttributes,
  retryDecision,
  TARGET_ERROR_CODES,
  type RetryDecision,
} from "../../core/events/target-retry";
import type { InvocationData } from "./invocation.repository";
import { SERVICE_OF_SOURCE } from "./targets/queue";
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
  /** Set for an invocation: AWS's retry policy and dead-letter queue apply (core/events/target-retry.ts). */
  invocation?: InvocationData;
  /** Invocations: the ERROR_CODE of a dead-letter message. */
  errorCode?: string;
  /** Invocations: not attempted, the event outlived MaximumEventAgeInSeconds. */
  expired?: boolean;
  /** Invocations: the target throttled; retried until the event's age runs out, not counted as a retry. */
  throttled?: boolean;
};

/** One message for a dead-letter queue, built outside the transaction (signing is CPU work). */
type DlqSend = {
  o: Outcome;
  queueArn: string;
  senderId: string;
  /** The AWS service that sends for the source (a queue Policy's Service principal). */
  service?: string;
  build: () => Promise<{ body: string; attributes?: DeliverInput["attributes"]; messageGroupId?: string }>;
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
  const toDlq: DlqSend[] = [];
  const metrics = new Map<string, MetricBump>();
  // Per-subscription counters: topic deliveries only (an invocation has no subscription).
  const bump = (o: Outcome, k: "succeeded" | "failed" | "retrying" | "dlq") => {
    const key = o.delivery.subscriptionId;
    if (key === null || o.delivery.topicId === null) return;
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

  const retryAt = (o: Outcome, delaySeconds: number, counted = true) => {
    const at = new Date(now.getTime() + delaySeconds * 1000);
    updates.push({
      id: o.delivery.id,
      status: "retrying",
      nextAttemptAt: at.toISOString(),
      lastStatusCode: o.statusCode,
      lastError: o.error,
      latencyMs: null,
      ...(counted ? {} : { attemptsDelta: 0 }),
    });
    attempts.push({
      ...o.attempt,
      outcome: o.attempt.outcome === "skipped" ? "skipped" : "failed",
      nextRetryAt: at.toISOString(),
    });
    const sec = Math.ceil(at.getTime() / 1000);
    retries.set(sec, [...(retries.get(sec) ?? []), o.delivery.id]);
  };
  const failFinally = (o: Outcome, error: string | null) => {
    updates.push({
      id: o.delivery.id,
      status: "failed",
      nextAttemptAt: null,
      lastStatusCode: o.statusCode,
      lastError: error,
      latencyMs: null,
    });
    attempts.push({ ...o.attempt, outcome: o.attempt.outcome === "skipped" ? "skipped" : "failed", error });
  };

  for (const o of outcomes) {
    if (o.invocation) {
      const inv = o.invocation;
      if (o.success) {
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
      const decision: RetryDecision = o.expired
        ? { retry: false, condition: "MaximumEventAgeInSeconds" }
        : retryDecision({
            // A throttle uses no retry: only the event's age limits it.
            policy: {
              maxRetryAttempts: o.throttled ? Number.MAX_SAFE_INTEGER : inv.maxRetryAttempts,
              maxAgeSeconds: inv.maxAgeSeconds,
            },
            attemptsMade: o.throttled ? 1 : o.delivery.attempts + 1,
            permanent: !o.retryable,
            eventTime: inv.eventTime,
            now,
            random: random(),
          });
      if (decision.retry) {
        retryAt(o, decision.delaySeconds, !o.throttled);
        continue;
      }
      const why = decision.condition ? `${decision.condition} exhausted` : "cannot succeed on retry";
      const error = `${o.error ?? "failed"} (${why})`;
      if (!inv.deadLetterArn) {
        failFinally(o, error);
        continue;
      }
      attempts.push({ ...o.attempt, error });
      // Retries made: the attempts before this one (an expired invocation made no attempt now, a
      // throttled one's does not count).
      const retryAttempts = Math.max(0, o.delivery.attempts + (o.expired || o.throttled ? 0 : 1) - 1);
      toDlq.push({
        o: { ...o, error },
        queueArn: inv.deadLetterArn,
        senderId: inv.sourceArn,
        service: SERVICE_OF_SOURCE[inv.sourceKind],
        build: async () => ({
          body: inv.originalEvent ?? inv.payload,
          attributes: deadLetterAttributes(inv.deadLetterStyle, {
            sourceArn: inv.sourceArn,
            targetArn: inv.targetArn,
            errorCode: o.errorCode ?? TARGET_ERROR_CODES.errorFromTarget,
            errorMessage: o.error ?? "",
            condition: decision.condition,
            retryAttempts,
            scheduledTime: inv.eventTime,
            executionId: o.delivery.id,
          }),
        }),
      });
      continue;
    }
    const endpointProtocol = o.autoDisable;
    if (o.success) {
      bump(o, "succeeded");
      if (endpointProtocol) successSubs.add(o.delivery.subscriptionId!);
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
      failuresBySub.set(o.delivery.subscriptionId!, (failuresBySub.get(o.delivery.subscriptionId!) ?? 0) + 1);
    const delay = o.retryable ? retryDelaySeconds(o.policy, o.delivery.attempts + 1, random()) : null;
    if (delay !== null) {
      retryAt(o, delay);
      bump(o, "retrying");
    } else if (o.subscription?.redrivePolicy?.deadLetterTargetArn && o.message && o.attempt.outcome !== "skipped") {
      attempts.push({ ...o.attempt, outcome: "failed" });
      const sub = o.subscription;
      const msg = o.message;
      toDlq.push({
        o,
        queueArn: sub.redrivePolicy!.deadLetterTargetArn!,
        senderId: sub.arn,
        build: async () => ({
          ...(await queueMessageFor(msg, sub, publicUrl(baseUrl))),
          messageGroupId: msg.messageGroupId ?? undefined,
        }),
      });
    } else {
      failFinally(o, o.error);
      bump(o, "failed");
    }
  }

  // Queue messages for the DLQs are built outside the transaction (signing is CPU work).
  const dlqMessages = await Promise.all(toDlq.map((d) => d.build()));
  const cfg = deliveryConfig();
  const run = (fn: () => Promise<void>) => (toDlq.length ? gated(fn) : fn());
  await run(() =>
    withTransaction(async (tx) => {
      for (const [i, { o, queueArn: dlqArn, senderId, service }] of toDlq.entries()) {
        const started = new Date();
        const q = dlqMessages[i]!;
        const dlqError = await underSavepoint(tx, "dlq", () =>
          deliverToQueue(
            {
              queueArn: dlqArn,
              sourceTenantId: o.delivery.tenantId,
              senderId,
              body: q.body,
              attributes: q.attributes,
              messageGroupId: q.messageGroupId,
              sourceArn: senderId,
              service,
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
            requestHeaders:
              q.attributes && o.invocation
                ? Object.fromEntries(Object.entries(q.attributes).map(([k, a]) => [k, a.StringValue ?? a.DataType]))
                : null,
            responseStatus: null,
            responseHeaders: null,
            responseBody: null,
            error: `moved to dead-letter queue after: ${o.error}`,
            nextRetryAt: null,
          });
          if (!o.invocation) bump(o, "dlq");
        } else {
          updates.push({
            id: o.delivery.id,
            status: "failed",
            nextAttemptAt: null,
            lastStatusCode: o.statusCode,
            lastError: `${o.error}; dead-letter queue delivery failed: ${dlqError.message}`,
            latencyMs: null,
          });
          if (!o.invocation) bump(o, "failed");
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

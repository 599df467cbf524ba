import { withTransaction } from "../../db";
import type { JobContext } from "../../jobs/registry";
import { effectiveDeliveryPolicy, retryDelaySeconds, type RetryPolicy } from "../../core/sns/delivery-policy";
import { deliverToQueue } from "../queues/queue.delivery";
import {
  findMessagesByIds,
  findSubscriptionsByIds,
  type MessageRow,
  type SubscriptionRow,
} from "../topics/topic.repository";
import { sendEmail } from "./email";
import {
  claimSuccess,
  insertAttempts,
  claimOpenDeliveries,
  loadTopicPolicies,
  takeRateSlot,
  type AttemptRecord,
  type DeliveryRow,
} from "./delivery.repository";
import { guardedRequest } from "./guarded-http";
import { emailFor, httpRequestFor, queueMessageFor } from "./payload";
import { finalizeOutcomes, type Outcome } from "./outcomes";
import { gated } from "./tx-gate";
import { enqueueDeliverChunks } from "./fanout";

// One deliver job = a chunk of deliveries attempted concurrently. Only deliveries still pending or
// retrying are attempted, so a job that runs twice (at-least-once) re-sends HTTP at most (with the
// same webhook-id) and never double-delivers into a queue: a queue delivery commits together with
// the row that marks it succeeded.

export const MAX_REQUEST_BODY_LOGGED = 64 * 1024;
export const MAX_RESPONSE_BODY_LOGGED = 4 * 1024;
/** Queue (and email) deliveries that fail (queue deleted, permission removed) retry on this schedule. */
export const QUEUE_RETRY_POLICY: RetryPolicy = {
  minDelayTarget: 1,
  maxDelayTarget: 300,
  numRetries: 10,
  numNoDelayRetries: 0,
  numMinDelayRetries: 0,
  numMaxDelayRetries: 0,
  backoffFunction: "exponential",
};
const THROTTLE_WAIT_MS = 30_000;

const truncate = (s: string, n: number) =>
  Buffer.byteLength(s) <= n ? s : Buffer.from(s).subarray(0, n).toString("utf8");

function baseAttempt(d: DeliveryRow, startedAt: Date): AttemptRecord {
  return {
    deliveryId: d.id,
    tenantId: d.tenantId,
    topicId: d.topicId,
    subscriptionId: d.subscriptionId,
    messageId: d.messageId,
    attemptNumber: d.attempts + 1,
    protocol: d.protocol,
    endpoint: d.endpoint,
    outcome: "failed",
    startedAt: startedAt.toISOString(),
    durationMs: 0,
    requestHeaders: null,
    requestBody: null,
    responseStatus: null,
    responseHeaders: null,
    responseBody: null,
    error: null,
    nextRetryAt: null,
  };
}

async function waitForRateSlot(subscriptionId: string, limit: number): Promise<boolean> {
  const deadline = Date.now() + THROTTLE_WAIT_MS;
  while (Date.now() < deadline) {
    const now = Date.now();
    if (await takeRateSlot(subscriptionId, Math.floor(now / 1000), limit)) return true;
    await new Promise((r) => setTimeout(r, 1000 - (now % 1000) + Math.floor(Math.random() * 20)));
  }
  return false;
}

async function attemptOne(
  d: DeliveryRow,
  msg: MessageRow | undefined,
  sub: SubscriptionRow | undefined,
  topicPolicy: unknown,
  baseUrl: string,
): Promise<Outcome | null> {
  const started = new Date();
  const attempt = baseAttempt(d, started);
  const t0 = performance.now();
  const fail = (
    error: string,
    retryable: boolean,
    policy: RetryPolicy,
    extra: Partial<AttemptRecord> = {},
  ): Outcome => ({
    delivery: d,
    subscription: sub,
    message: msg,
    success: false,
    recorded: false,
    retryable,
    policy,
    error,
    statusCode: extra.responseStatus ?? null,
    latencyMs: null,
    attempt: { ...attempt, ...extra, error, durationMs: Math.round(performance.now() - t0) },
  });
  if (!sub || !msg) return fail("subscription or message no longer exists", false, QUEUE_RETRY_POLICY);
  if (sub.disabledAt)
    return fail(`subscription disabled: ${sub.disabledReason ?? "too many failures"}`, false, QUEUE_RETRY_POLICY, {
      outcome: "skipped",
    });
  const latencyMs = () => Math.max(0, Date.now() - new Date(msg.createdAt).getTime());

  if (d.protocol === "email" || d.protocol === "email-json") {
    const m = await emailFor(msg, sub, baseUrl);
    const sent = await sendEmail({
      tenantId: d.tenantId,
      subscriptionId: sub.id,
      deliveryId: d.id,
      to: sub.endpoint,
      subject: m.subject,
      body: m.body,
    });
    const record = {
      requestHeaders: { subject: m.subject, to: sub.endpoint },
      requestBody: truncate(m.body, MAX_REQUEST_BODY_LOGGED),
    };
    if (!sent.ok) return fail(sent.error, true, QUEUE_RETRY_POLICY, record);
    return {
      delivery: d,
      subscription: sub,
      message: msg,
      success: true,
      recorded: false,
      retryable: false,
      policy: QUEUE_RETRY_POLICY,
      error: null,
      statusCode: null,
      latencyMs: latencyMs(),
      attempt: {
        ...attempt,
        ...record,
        outcome: "succeeded",
        responseBody: sent.via,
        durationMs: Math.round(performance.now() - t0),
      },
    };
  }

  // http / https
  const policy = effectiveDeliveryPolicy(sub.deliveryPolicy, topicPolicy);
  if (policy.maxReceivesPerSecond && !(await waitForRateSlot(sub.id, policy.maxReceivesPerSecond))) {
    return fail(`throttled: maxReceivesPerSecond ${policy.maxReceivesPerSecond} reached`, true, policy.retry, {
      outcome: "failed",
    });
  }
  const req = await httpRequestFor(d.id, msg, sub, baseUrl, policy.headerContentType);
  const sent = { requestHeaders: req.headers, requestBody: truncate(req.body, MAX_REQUEST_BODY_LOGGED) };
  const res = await guardedRequest({
    url: req.url,
    method: "POST",
    headers: req.headers,
    body: req.body,
    maxResponseBytes: MAX_RESPONSE_BODY_LOGGED,
  });
  if (!res.ok)
    return fail(`${res.kind}: ${res.error}`, res.kind !== "blocked" && res.kind !== "bad_url", policy.retry, {
      ...sent,
      durationMs: res.durationMs,
    });
  const received = {
    responseStatus: res.status,
    responseHeaders: res.headers,
    responseBody: res.body.toString("utf8"),
    durationMs: res.durationMs,
  };
  if (res.status >= 200 && res.status < 300) {
    return {
      delivery: d,
      subscription: sub,
      message: msg,
      success: true,
      recorded: false,
      retryable: false,
      policy: policy.retry,
      error: null,
      statusCode: res.status,
      latencyMs: latencyMs(),
      attempt: { ...attempt, ...sent, ...received, outcome: "succeeded" },
    };
  }
  return { ...fail(`HTTP ${res.status}`, true, policy.retry, { ...sent, ...received }), statusCode: res.status };
}

export async function runDeliver(data: { deliveryIds: string[]; baseUrl: string }, ctx: JobContext): Promise<void> {
  const { claimed: open, leased } = await claimOpenDeliveries(data.deliveryIds);
  if (leased.length) {
    // Someone else holds these (or their retry is not due): look again when the lease/retry time
    // comes, so a runner that died holding them does not strand them.
    const at = new Date(Math.max(...leased.map((l) => new Date(l.until).getTime())) + 1000);
    await withTransaction((tx) =>
      enqueueDeliverChunks(
        leased.map((l) => l.id),
        data.baseUrl,
        tx,
        at,
      ),
    );
  }
  if (open.length === 0) return;
  const [messages, subs, topicPolicies] = await Promise.all([
    findMessagesByIds([...new Set(open.map((d) => d.messageId))]),
    findSubscriptionsByIds([...new Set(open.map((d) => d.subscriptionId))]),
    loadTopicPolicies([...new Set(open.map((d) => d.topicId))]),
  ]);
  const msgById = new Map(messages.map((m) => [m.id, m]));
  const subById = new Map(subs.map((s) => [s.id, s]));
  const others = open.filter((d) => d.protocol !== "sqs");
  const [queueOutcomes, otherOutcomes] = await Promise.all([
    deliverQueueBatch(
      open.filter((d) => d.protocol === "sqs"),
      msgById,
      subById,
      data.baseUrl,
    ),
    Promise.all(
      others.map((d) =>
        attemptOne(
          d,
          msgById.get(d.messageId),
          subById.get(d.subscriptionId),
          topicPolicies.get(d.topicId),
          data.baseUrl,
        ).catch((e) => {
          ctx.log.error({ err: e, deliveryId: d.id }, "delivery attempt crashed");
          return null;
        }),
      ),
    ),
  ]);
  const outcomes = [...queueOutcomes, ...otherOutcomes.filter((o): o is Outcome => o !== null)];
  await finalizeOutcomes(outcomes, data.baseUrl, ctx);
}

/**
 * Queue deliveries of a chunk in ONE transaction: each under a savepoint, marked succeeded only
 * if it was still open, so the queue message and the delivery row commit together (exactly once
 * even when the job runs twice).
 */
async function deliverQueueBatch(
  ds: DeliveryRow[],
  msgById: Map<string, MessageRow>,
  subById: Map<string, SubscriptionRow>,
  baseUrl: string,
): Promise<Outcome[]> {
  if (ds.length === 0) return [];
  const outcomes: Outcome[] = [];
  const ready: Array<{
    d: DeliveryRow;
    msg: MessageRow;
    sub: SubscriptionRow;
    q: Awaited<ReturnType<typeof queueMessageFor>>;
  }> = [];
  for (const d of ds) {
    const msg = msgById.get(d.messageId);
    const sub = subById.get(d.subscriptionId);
    const attempt = baseAttempt(d, new Date());
    const fail = (error: string, retryable: boolean, outcome: AttemptRecord["outcome"] = "failed"): Outcome => ({
      delivery: d,
      subscription: sub,
      message: msg,
      success: false,
      recorded: false,
      retryable,
      policy: QUEUE_RETRY_POLICY,
      error,
      statusCode: null,
      latencyMs: null,
      attempt: { ...attempt, outcome, error },
    });
    if (!sub || !msg) outcomes.push(fail("subscription or message no longer exists", false));
    else if (sub.disabledAt)
      outcomes.push(fail(`subscription disabled: ${sub.disabledReason ?? "too many failures"}`, false, "skipped"));
    else ready.push({ d, msg, sub, q: await queueMessageFor(msg, sub, baseUrl) });
  }
  if (ready.length === 0) return outcomes;
  const failures: Outcome[] = [];
  const successes: Outcome[] = [];
  await gated(() =>
    withTransaction(async (tx) => {
      const attempts: AttemptRecord[] = [];
      for (const { d, msg, sub, q } of ready) {
        const started = new Date();
        const t0 = performance.now();
        const latency = Math.max(0, Date.now() - new Date(msg.createdAt).getTime());
        const attempt = {
          ...baseAttempt(d, started),
          requestBody: truncate(q.body, MAX_REQUEST_BODY_LOGGED),
          requestHeaders: q.attributes
            ? Object.fromEntries(Object.entries(q.attributes).map(([k, a]) => [k, a.DataType]))
            : null,
        };
        await tx.query("SAVEPOINT queue_delivery");
        try {
          if (!(await claimSuccess(d.id, latency, tx))) {
            await tx.query("RELEASE SAVEPOINT queue_delivery");
            continue; // another run finished it
          }
          await deliverToQueue(
            {
              queueArn: sub.endpoint,
              sourceTenantId: sub.tenantId,
              senderId: sub.topicArn,
              body: q.body,
              attributes: q.attributes,
              messageGroupId: msg.messageGroupId ?? undefined,
              messageDeduplicationId: msg.deduplicationId ?? undefined,
              sourceArn: sub.topicArn,
            },
            tx,
          );
          await tx.query("RELEASE SAVEPOINT queue_delivery");
          attempts.push({ ...attempt, outcome: "succeeded", durationMs: Math.round(performance.now() - t0) });
          successes.push({
            delivery: d,
            subscription: sub,
            message: msg,
            success: true,
            recorded: true,
            retryable: false,
            policy: QUEUE_RETRY_POLICY,
            error: null,
            statusCode: null,
            latencyMs: latency,
            attempt,
          });
        } catch (e) {
          await tx.query("ROLLBACK TO SAVEPOINT queue_delivery");
          const error = (e as Error).message || "queue delivery failed";
          failures.push({
            delivery: d,
            subscription: sub,
            message: msg,
            success: false,
            recorded: false,
            retryable: true,
            policy: QUEUE_RETRY_POLICY,
            error,
            statusCode: null,
            latencyMs: null,
            attempt: { ...attempt, error, durationMs: Math.round(performance.now() - t0) },
          });
        }
      }
      await insertAttempts(attempts, tx);
    }),
  );
  return [...outcomes, ...successes, ...failures];
}

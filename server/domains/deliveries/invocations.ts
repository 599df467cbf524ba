import { randomUUID } from "node:crypto";
import type { Queryable } from "../../db";
import { AppError } from "../../core/errors";
import {
  targetRetryPolicy,
  retryPolicyProblem,
  type AwsRetryPolicy,
  type DeadLetterStyle,
} from "../../core/events/target-retry";
import { publicUrl } from "../../platform/public-url";
import { insertAttempts, underSavepoint, type DeliveryRow } from "./delivery.repository";
import { baseAttempt, latencySince } from "./attempt-record";
import { enqueueDeliverChunks } from "./delivery.enqueue";
import {
  findByDedupeKeys,
  insertInvocations,
  forAttempt,
  reopenInlineInvocations,
  type InvocationData,
  type NewInvocationRow,
} from "./invocation.repository";
import { invocationKind } from "./targets/registry";
import type { Classified, InvocationInput, TargetKindName } from "./targets/target";

// Invocations: how every source other than a topic (an event rule, a schedule, a function, a
// workflow, an API integration) hands the delivery engine something to send. The source gives the
// target (kind + ARN), the payload (already transformed: Input / InputPath / InputTransformer),
// the kind's parameters, AWS's RetryPolicy and a dead-letter queue; the engine does the rest as it
// does for topic subscribers: claiming with a lease, retries with backoff and jitter (AWS's
// semantics, core/events/target-retry.ts), rate limits, the dead-letter queue with AWS's message
// attributes, the attempt log, the dashboard (by source kind), resend and retention.
//
// createInvocations runs inside the SOURCE's transaction (e.g. PutEvents storing the events), so an
// accepted event and its invocations commit together:
//  - local kinds (a queue or a topic in this database) are delivered right there, in that
//    transaction, under a savepoint: delivered exactly once, committed with the event. A refusal
//    (queue deleted, no permission, FIFO group missing) leaves a pending row and a deliver job that
//    retries it (and sends it to the dead-letter queue when it cannot succeed);
//  - remote kinds (functions, API destinations) get deliver jobs, enqueued in that transaction.
// Local delivery may need a second pooled connection (queue lookups are cached through the pool):
// run the source transaction under `gated` (platform/tx-gate.ts), as Publish does.

export type InvocationSourceKind = "rule" | "schedule" | "function" | "workflow" | "api";

/** One thing to send, as a source describes it. */
export type Invocation = {
  /** The tenant that owns the source (its account is the caller for cross-account checks). */
  tenantId: string;
  /** What produced it; the dashboard's source filter and the attempt log show it. */
  sourceKind: InvocationSourceKind;
  /** The rule's / schedule's / function's ARN (RULE_ARN / SCHEDULE_ARN of a dead-letter message). */
  sourceArn: string;
  /** The target kind (targets/registry.ts): 'queue' | 'topic' | 'event-bus' | 'function' | 'api-destination' | 'workflow'. */
  targetKind: TargetKindName;
  /** The target's ARN (an SQS queue, an SNS topic, a bus, a function, an API destination). */
  targetArn: string;
  /** The rule target's / schedule target's Id, for the console. */
  targetId?: string | null;
  /** What is sent: the event, or the target's Input / InputPath / InputTransformer result. */
  payload: string;
  /**
   * The event itself when `payload` is a transformation of it: an EventBridge dead-letter message
   * carries the event. Omit when `payload` is the event (or for Scheduler, whose DLQ gets the input).
   */
  originalEvent?: string | null;
  /**
   * The kind's parameters. queue: `{ messageGroupId?, messageDeduplicationId? }` (SqsParameters;
   * a FIFO queue needs messageGroupId; messageDeduplicationId defaults to `eventId`, as EventBridge
   * does; pass null for none, as Scheduler does, leaving it to the queue's content-based
   * deduplication). topic: `{ messageGroupId?, messageDeduplicationId?, subject? }`. Other kinds
   * document theirs in their module (e.g. HttpParameters for API destinations).
   */
  params?: Record<string, unknown>;
  /** The event's id (the event explorer lists "attempts for this event" by it). */
  eventId?: string | null;
  /** The event's time: MaximumEventAgeInSeconds counts from it (default: now). */
  eventTime?: Date;
  /** AWS's RetryPolicy; missing fields take AWS's defaults (185 retries, 86,400 s). */
  retryPolicy?: AwsRetryPolicy | null;
  /** DeadLetterConfig.Arn: an SQS queue ARN; without one a delivery that gives up ends failed. */
  deadLetterArn?: string | null;
  /** The dead-letter message's attribute set (default: 'scheduler' for schedules, else 'events'). */
  deadLetterStyle?: DeadLetterStyle;
  /**
   * Idempotency key, unique per tenant (e.g. `${eventId}:${ruleArn}:${targetId}`, or a schedule's
   * `${scheduleArn}:${fireTime}`): a second createInvocations with the same key creates nothing and
   * returns the first one's delivery.
   */
  dedupeKey?: string | null;
};

export type InvocationResult = {
  deliveryId: string;
  /** False: the dedupe key existed, nothing new was created. */
  created: boolean;
  /** 'succeeded' when a local kind delivered it in this transaction; else 'pending' (a job attempts it). */
  status: string;
};

/**
 * Creates invocations inside `tx` and delivers the local ones there (see the header). Results are
 * in the order of `invocations`. Throws AppError validation for a RetryPolicy outside AWS's limits
 * or a target kind that does not take invocations (the source validates first; this is the net).
 */
export async function createInvocations(
  tx: Queryable,
  invocations: Invocation[],
  opts: { baseUrl?: string } = {},
): Promise<InvocationResult[]> {
  if (invocations.length === 0) return [];
  const now = new Date();
  const rows: NewInvocationRow[] = invocations.map((inv) => {
    const problem = retryPolicyProblem(inv.retryPolicy);
    if (problem) throw new AppError("validation", problem, { awsCode: "ValidationException" });
    const local = invocationKind(inv.targetKind).mode === "local"; // throws for a kind that takes no invocations
    const policy = targetRetryPolicy(inv.retryPolicy);
    const eventTime = inv.eventTime ?? now;
    // A local kind's row goes in already succeeded (the delivery below commits with it or not at
    // all): the common path writes each row once; the few refused are reopened after.
    const inline = local
      ? { status: "succeeded" as const, attempts: 1, latencyMs: latencySince(eventTime, now.getTime()) }
      : { status: "pending" as const, attempts: 0, latencyMs: null };
    return {
      deliveryId: randomUUID(),
      tenantId: inv.tenantId,
      sourceKind: inv.sourceKind,
      sourceArn: inv.sourceArn,
      targetKind: inv.targetKind,
      targetArn: inv.targetArn,
      targetId: inv.targetId ?? null,
      payload: inv.payload,
      originalEvent: inv.originalEvent ?? null,
      params: inv.params ?? {},
      eventId: inv.eventId ?? null,
      eventTime: eventTime.toISOString(),
      maxRetryAttempts: policy.maxRetryAttempts,
      maxAgeSeconds: policy.maxAgeSeconds,
      deadLetterArn: inv.deadLetterArn ?? null,
      deadLetterStyle: inv.deadLetterStyle ?? (inv.sourceKind === "schedule" ? "scheduler" : "events"),
      dedupeKey: inv.dedupeKey ?? null,
      ...inline,
    };
  });
  const inserted = await insertInvocations(tx, rows);
  const results: InvocationResult[] = rows.map((r) => ({ deliveryId: r.deliveryId, created: true, status: "pending" }));
  const baseUrl = publicUrl(opts.baseUrl);
  const fresh = rows.filter((r) => inserted.has(r.deliveryId));
  const local = new Map<string, InvocationInput[]>();
  const remote: string[] = [];
  for (const r of fresh) {
    const kind = invocationKind(r.targetKind as TargetKindName);
    if (kind.mode !== "local") {
      remote.push(r.deliveryId);
      continue;
    }
    const inputs = local.get(kind.kind) ?? [];
    inputs.push(toInput(r, now, baseUrl));
    local.set(kind.kind, inputs);
  }
  const retry: string[] = [...remote];
  const refused: string[] = [];
  for (const [kindName, inputs] of local) {
    const kind = invocationKind(kindName as TargetKindName);
    if (kind.mode !== "local") continue;
    const t0 = performance.now();
    let verdicts: Classified[] = [];
    const crashed = await underSavepoint(tx, "invocations_inline", async () => {
      verdicts = await kind.invokeBatch!(inputs, tx);
    });
    if (crashed) {
      refused.push(...inputs.map((i) => i.delivery.id));
      continue;
    }
    const durationMs = Math.round(performance.now() - t0);
    const ok = inputs.filter((_, k) => verdicts[k]?.result === "success");
    refused.push(...inputs.filter((_, k) => verdicts[k]?.result !== "success").map((i) => i.delivery.id));
    // The attempt log keeps no request copy for a success: the message is in the queue / topic.
    await insertAttempts(
      tx,
      ok.map((i) => ({ ...baseAttempt(i.delivery, now), outcome: "succeeded" as const, durationMs })),
    );
    const okIds = new Set(ok.map((i) => i.delivery.id));
    for (const res of results) if (okIds.has(res.deliveryId)) res.status = "succeeded";
  }
  // Refused inline (the refusal's own statements were undone under its savepoint): pending, not
  // attempted yet, for a deliver job to retry (and dead-letter if it cannot succeed).
  await reopenInlineInvocations(tx, refused);
  retry.push(...refused);
  await enqueueDeliverChunks(retry, opts.baseUrl, tx);
  // Rows not inserted: their dedupe key exists (possibly from an earlier row of this same call,
  // hence after the deliveries above, so its status is where it stands now).
  const skipped = rows.flatMap((r, i) => (inserted.has(r.deliveryId) ? [] : [i]));
  const keysByTenant = new Map<string, string[]>();
  for (const i of skipped) {
    const keys = keysByTenant.get(rows[i]!.tenantId) ?? [];
    keys.push(rows[i]!.dedupeKey!);
    keysByTenant.set(rows[i]!.tenantId, keys);
  }
  for (const [tenantId, keys] of keysByTenant) {
    const existing = await findByDedupeKeys(tx, tenantId, keys);
    for (const i of skipped) {
      if (rows[i]!.tenantId !== tenantId) continue;
      const e = existing.get(rows[i]!.dedupeKey!);
      if (e) results[i] = { deliveryId: e.id, created: false, status: e.status };
    }
  }
  return results;
}

function toInput(r: NewInvocationRow, now: Date, baseUrl: string): InvocationInput {
  const delivery: DeliveryRow = {
    id: r.deliveryId,
    tenantId: r.tenantId,
    topicId: null,
    messageId: null,
    subscriptionId: null,
    protocol: r.targetKind,
    endpoint: r.targetArn,
    sourceKind: r.sourceKind,
    sourceArn: r.sourceArn,
    targetKind: r.targetKind,
    status: "pending",
    attempts: 0,
    createdAt: now,
  };
  const invocation: InvocationData = forAttempt({ ...r, eventTime: new Date(r.eventTime) }, 1);
  return { delivery, invocation, baseUrl };
}

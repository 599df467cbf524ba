import { pool, withTransaction, type Queryable } from "../../db";
import type { JobContext } from "../../jobs/registry";
import { gated } from "../../platform/tx-gate";
import { publicUrl } from "../../platform/public-url";
import { findSubscriptionsByIds, type SubscriptionRow } from "../topics/topic.repository";
import { findMessagesByIds, type MessageRow } from "../topics/topic-message.repository";
import {
  claimOpenDeliveries,
  insertAttempts,
  isTopicDelivery,
  loadTopicPolicies,
  lockOpenDeliveries,
  markSucceeded,
  takeInvocationRateSlot,
  takeRateSlot,
  type DeliveryRow,
  type TopicDeliveryRow,
} from "./delivery.repository";
import { baseAttempt, latencySince } from "./attempt-record";
import { eventTooOld } from "../../core/events/target-retry";
import { findInvocations, forAttempt, type InvocationData } from "./invocation.repository";
import { enqueueDeliverChunks } from "./delivery.enqueue";
import { finalizeOutcomes, type Outcome } from "./outcomes";
import { invocationKind, targetForProtocol } from "./targets/registry";
import {
  LOCAL_RETRY_POLICY,
  type Classified,
  type InvocationInput,
  type LocalTarget,
  type RemoteTarget,
  type TargetInput,
  type TargetKindName,
} from "./targets/target";

// The delivery engine: one deliver job (or a fan-out) = a chunk of deliveries. Each is handed to
// its target kind (targets/registry.ts): remote kinds are attempted concurrently outside any
// transaction; local kinds (queues in this database) get the whole chunk in one transaction that
// also marks them succeeded, so a re-run never delivers twice. Only deliveries still open are
// attempted, so a job that runs twice (at-least-once) re-sends HTTP at most (with the same
// webhook-id). Then finalizeOutcomes applies the shared rules (retries, DLQ, auto-disable, metrics).
// Invocations (invocations.ts) go the same way through their kinds' invoke/invokeBatch, with AWS's
// retry policy (core/events/target-retry.ts) instead of a subscription's delivery policy.

const THROTTLE_WAIT_MS = 30_000;

export { baseAttempt };

/** Turns a target's verdict into the engine's Outcome. */
export function toOutcome(input: TargetInput, c: Classified, started: Date, t0: number, recorded = false): Outcome {
  const { delivery: d, message: msg, subscription: sub } = input;
  const target = targetForProtocol(d.protocol);
  const success = c.result === "success";
  return {
    delivery: d,
    subscription: sub,
    message: msg,
    success,
    recorded,
    retryable: c.result === "retryable",
    policy: target.policy?.(input).retry ?? LOCAL_RETRY_POLICY,
    error: c.error,
    statusCode: c.statusCode,
    latencyMs: success ? latencySince(new Date(msg.createdAt)) : null,
    autoDisable: target.autoDisable,
    attempt: {
      ...baseAttempt(d, started),
      ...c.record,
      durationMs: c.record.durationMs ?? Math.round(performance.now() - t0),
      outcome: success ? "succeeded" : "failed",
      error: c.error,
    },
  };
}

/** A delivery that cannot be attempted at all (its subscription or message is gone, or it is disabled). */
function unattemptable(d: TopicDeliveryRow, msg: MessageRow | undefined, sub: SubscriptionRow | undefined): Outcome {
  const disabled = !!sub?.disabledAt;
  const error = disabled
    ? `subscription disabled: ${sub!.disabledReason ?? "too many failures"}`
    : "subscription or message no longer exists";
  return {
    delivery: d,
    subscription: sub,
    message: msg,
    success: false,
    recorded: false,
    retryable: false,
    policy: LOCAL_RETRY_POLICY,
    error,
    statusCode: null,
    latencyMs: null,
    autoDisable: false,
    attempt: { ...baseAttempt(d, new Date()), outcome: disabled ? "skipped" : "failed", error },
  };
}

/** What a verdict becomes: toOutcome (topic deliveries) or invocationOutcome (invocations). */
type OutcomeOf<I> = (input: I, c: Classified, started: Date, t0: number, recorded?: boolean) => Outcome;

/** A remote kind's rate limit: `take` claims a slot of a second; `throttled` is the verdict when none comes. */
type RateLimit = { take: (second: number) => Promise<boolean>; throttled: Classified };

/** Waits (up to THROTTLE_WAIT_MS, second by second) for a rate slot; false when none came. */
async function waitForSlot(take: RateLimit["take"]): Promise<boolean> {
  const deadline = Date.now() + THROTTLE_WAIT_MS;
  while (Date.now() < deadline) {
    const now = Date.now();
    if (await take(Math.floor(now / 1000))) return true;
    await new Promise((r) => setTimeout(r, 1000 - (now % 1000) + Math.floor(Math.random() * 20)));
  }
  return false;
}

/**
 * One attempt of a remote kind (a subscription's delivery or an invocation), outside any
 * transaction: a slot of the kind's rate limit first when it has one (a retryable "throttled"
 * verdict when none comes in time), then the kind's call; its verdict becomes the engine's Outcome.
 */
async function attemptRemote<I>(
  input: I,
  limit: () => RateLimit | null | Promise<RateLimit | null>,
  call: (input: I) => Promise<Classified>,
  outcomeOf: OutcomeOf<I>,
): Promise<Outcome> {
  const started = new Date();
  const t0 = performance.now();
  const l = await limit();
  if (l && !(await waitForSlot(l.take))) return outcomeOf(input, l.throttled, started, t0);
  return outcomeOf(input, await call(input), started, t0);
}

/** A topic delivery's limit: the subscription's maxReceivesPerSecond (its delivery policy). */
function subscriptionLimit(target: RemoteTarget, input: TargetInput): RateLimit | null {
  const maxPerSecond = target.policy?.(input).maxPerSecond;
  if (!maxPerSecond) return null;
  return {
    take: (second) => takeRateSlot(pool(), input.subscription.id, second, maxPerSecond),
    throttled: {
      result: "retryable",
      error: `throttled: maxReceivesPerSecond ${maxPerSecond} reached`,
      statusCode: null,
      record: {},
    },
  };
}

/** An invocation's limit: the kind's invocation rate (e.g. an API destination's). */
async function invocationLimit(target: RemoteTarget, input: InvocationInput): Promise<RateLimit | null> {
  const rate = await target.invocationRate?.(input);
  if (!rate) return null;
  return {
    take: (second) => takeInvocationRateSlot(pool(), rate.key, second, rate.perSecond),
    throttled: {
      result: "retryable",
      error: `throttled: ${rate.perSecond} invocations per second reached`,
      statusCode: null,
      throttled: true,
      record: {},
    },
  };
}

/**
 * A chunk for a local target (deliveries or invocations) in ONE transaction: lock the rows still
 * open, deliver them, mark the successes in one UPDATE and log them, all committed together
 * (exactly once). Failures are returned for finalizeOutcomes (retry / DLQ) like any other.
 */
async function attemptLocal<I extends { delivery: DeliveryRow }>(
  inputs: I[],
  batch: (todo: I[], tx: Queryable) => Promise<Classified[]>,
  outcomeOf: OutcomeOf<I>,
): Promise<Outcome[]> {
  if (inputs.length === 0) return [];
  return gated(() =>
    withTransaction(async (tx) => {
      const open = await lockOpenDeliveries(
        tx,
        inputs.map((i) => i.delivery.id),
      );
      const todo = inputs.filter((i) => open.has(i.delivery.id)); // the rest: another run finished them
      const started = new Date();
      const t0 = performance.now();
      const verdicts = await batch(todo, tx);
      const outcomes = todo.map((input, k) =>
        outcomeOf(input, verdicts[k]!, started, t0, verdicts[k]!.result === "success"),
      );
      const ok = outcomes.filter((o) => o.success);
      await markSucceeded(
        tx,
        ok.map((o) => ({ id: o.delivery.id, latencyMs: o.latencyMs ?? 0 })),
      );
      await insertAttempts(
        tx,
        ok.map((o) => o.attempt),
      );
      return outcomes;
    }),
  );
}

/** Attempts already-claimed deliveries through their target kinds and finalizes the outcomes. */
export async function attemptDeliveries(open: DeliveryRow[], baseUrl: string, ctx: JobContext): Promise<void> {
  if (open.length === 0) return;
  const topicRows = open.filter(isTopicDelivery);
  const invocationRows = open.filter((d) => !isTopicDelivery(d));
  const [topicOutcomes, invocationOutcomes] = await Promise.all([
    attemptTopicDeliveries(topicRows, baseUrl, ctx),
    attemptInvocations(invocationRows, baseUrl, ctx),
  ]);
  await finalizeOutcomes([...topicOutcomes, ...invocationOutcomes], baseUrl, ctx);
}

async function attemptTopicDeliveries(open: TopicDeliveryRow[], baseUrl: string, ctx: JobContext): Promise<Outcome[]> {
  if (open.length === 0) return [];
  const [messages, subs, topicPolicies] = await Promise.all([
    findMessagesByIds(pool(), [...new Set(open.map((d) => d.messageId))]),
    findSubscriptionsByIds(pool(), [...new Set(open.map((d) => d.subscriptionId))]),
    loadTopicPolicies(pool(), [...new Set(open.map((d) => d.topicId))]),
  ]);
  const msgById = new Map(messages.map((m) => [m.id, m]));
  const subById = new Map(subs.map((s) => [s.id, s]));
  const outcomes: Outcome[] = [];
  const local = new Map<LocalTarget, TargetInput[]>();
  const remote: Array<Promise<Outcome | null>> = [];
  for (const d of open) {
    const message = msgById.get(d.messageId);
    const subscription = subById.get(d.subscriptionId);
    if (!message || !subscription || subscription.disabledAt) {
      outcomes.push(unattemptable(d, message, subscription));
      continue;
    }
    const input: TargetInput = {
      delivery: d,
      message,
      subscription,
      topicPolicy: topicPolicies.get(d.topicId),
      baseUrl,
    };
    const target = targetForProtocol(d.protocol);
    if (target.mode === "local") local.set(target, [...(local.get(target) ?? []), input]);
    else
      remote.push(
        attemptRemote(
          input,
          () => subscriptionLimit(target, input),
          (i) => target.attempt!(i),
          toOutcome,
        ).catch((e) => {
          ctx.log.error({ err: e, deliveryId: d.id }, "delivery attempt crashed");
          return null;
        }),
      );
  }
  const [localOutcomes, remoteOutcomes] = await Promise.all([
    Promise.all(
      [...local].map(([target, inputs]) =>
        attemptLocal(inputs, (todo, tx) => target.deliverBatch!(todo, tx), toOutcome),
      ),
    ),
    Promise.all(remote),
  ]);
  outcomes.push(...localOutcomes.flat(), ...remoteOutcomes.filter((o): o is Outcome => o !== null));
  return outcomes;
}

/** An invocation's verdict as the engine's Outcome (finalizeOutcomes applies AWS's retry policy). */
function invocationOutcome(
  input: InvocationInput,
  c: Classified,
  started: Date,
  t0: number,
  recorded = false,
): Outcome {
  const success = c.result === "success";
  return {
    delivery: input.delivery,
    subscription: undefined,
    message: undefined,
    invocation: input.invocation,
    errorCode: c.errorCode,
    throttled: c.throttled,
    success,
    recorded,
    retryable: c.result === "retryable",
    policy: LOCAL_RETRY_POLICY,
    error: c.error,
    statusCode: c.statusCode,
    latencyMs: success ? latencySince(input.invocation.eventTime) : null,
    autoDisable: false,
    attempt: {
      ...baseAttempt(input.delivery, started),
      ...c.record,
      durationMs: c.record.durationMs ?? Math.round(performance.now() - t0),
      outcome: success ? "succeeded" : "failed",
      error: c.error,
    },
  };
}

/** Reopened by a resend (pending again after attempts): one more attempt, whatever the event's age. */
const resent = (d: DeliveryRow) => d.status === "pending" && d.attempts > 0;

async function attemptInvocations(open: DeliveryRow[], baseUrl: string, ctx: JobContext): Promise<Outcome[]> {
  if (open.length === 0) return [];
  const data = new Map(
    (
      await findInvocations(
        pool(),
        open.map((d) => d.id),
      )
    ).map((i) => [i.deliveryId, i]),
  );
  const outcomes: Outcome[] = [];
  const local = new Map<LocalTarget, InvocationInput[]>();
  const remote: Array<Promise<Outcome | null>> = [];
  const now = new Date();
  for (const d of open) {
    const stored = data.get(d.id);
    if (!stored) continue; // deleted since it was claimed (retention, tenant deletion)
    const invocation = forAttempt(stored, d.attempts + 1);
    const input: InvocationInput = { delivery: d, invocation, baseUrl };
    let target;
    try {
      target = invocationKind(d.targetKind as TargetKindName);
    } catch (e) {
      outcomes.push(
        invocationOutcome(
          input,
          { result: "permanent", error: (e as Error).message, statusCode: null, record: {} },
          now,
          performance.now(),
        ),
      );
      continue;
    }
    if (!resent(d) && eventTooOld(policyOf(invocation), invocation.eventTime, now)) {
      outcomes.push(expired(input, now));
      continue;
    }
    if (target.mode === "local") local.set(target, [...(local.get(target) ?? []), input]);
    else
      remote.push(
        attemptRemote(
          input,
          () => invocationLimit(target, input),
          (i) => target.invoke!(i),
          invocationOutcome,
        ).catch((e) => {
          ctx.log.error({ err: e, deliveryId: d.id }, "invocation attempt crashed");
          return null;
        }),
      );
  }
  const [localOutcomes, remoteOutcomes] = await Promise.all([
    Promise.all(
      [...local].map(([target, inputs]) =>
        attemptLocal(inputs, (todo, tx) => target.invokeBatch!(todo, tx), invocationOutcome),
      ),
    ),
    Promise.all(remote),
  ]);
  outcomes.push(...localOutcomes.flat(), ...remoteOutcomes.filter((o): o is Outcome => o !== null));
  return outcomes;
}

const policyOf = (i: InvocationData) => ({ maxRetryAttempts: i.maxRetryAttempts, maxAgeSeconds: i.maxAgeSeconds });

/** An invocation whose event outlived MaximumEventAgeInSeconds before this attempt: not attempted. */
function expired(input: InvocationInput, now: Date): Outcome {
  const o = invocationOutcome(
    input,
    {
      result: "retryable",
      error: `not attempted: the event is older than MaximumEventAgeInSeconds (${input.invocation.maxAgeSeconds} s)`,
      statusCode: null,
      record: {},
    },
    now,
    performance.now(),
  );
  return { ...o, expired: true, attempt: { ...o.attempt, outcome: "skipped" } };
}

export async function runDeliver(data: { deliveryIds: string[]; baseUrl?: string }, ctx: JobContext): Promise<void> {
  const baseUrl = publicUrl(data.baseUrl);
  const { claimed, leased } = await claimOpenDeliveries(pool(), data.deliveryIds);
  await recheckLeased(leased, data.baseUrl);
  await attemptDeliveries(claimed, baseUrl, ctx);
}

/**
 * Deliveries someone else holds (or whose retry is not due): look again when the lease/retry time
 * comes, so a runner that died holding them does not strand them.
 */
export async function recheckLeased(leased: Array<{ id: string; until: Date }>, baseUrl?: string): Promise<void> {
  if (leased.length === 0) return;
  const at = new Date(Math.max(...leased.map((l) => new Date(l.until).getTime())) + 1000);
  await withTransaction((tx) =>
    enqueueDeliverChunks(
      leased.map((l) => l.id),
      baseUrl,
      tx,
      at,
    ),
  );
}

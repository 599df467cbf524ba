import type { Queryable } from "../../db";
import { logger } from "../../logger";
import { pool } from "../../db";
import { applyTargetInput } from "../../core/events/input-transform";
import type { EventEnvelope } from "../../core/events/envelope";
import { targetKindOf } from "../../core/events/target-arn";
import { createInvocations, type Invocation } from "../deliveries/invocations";
import type { AwsRetryPolicy } from "../../core/events/target-retry";
import { listTargetsOfRules, type TargetDefinition } from "./bus.repository";
import { bumpRuleMetrics, type RuleMetricBump } from "./event.repository";

// From "these rules matched this event" to invocations in the delivery engine: one per (event,
// rule, target), with the target's input applied (Input / InputPath / InputTransformer), its
// RetryPolicy and DeadLetterConfig, and a dedupe key (event, rule, target) that makes a retried
// fire or a replayed call create nothing twice. Runs inside the caller's transaction.

export type RuleMatch = { id: string; name: string; arn: string; tenantId: string };
export type MatchedEvent = {
  envelope: EventEnvelope;
  envelopeText: string;
  /** `<aws.events.event.ingestion-time>` (seconds precision). */
  ingestionTime: string;
  /** When Signalbox received it: MaximumEventAgeInSeconds counts from here (the event's own `time` is the sender's). */
  receivedAt: Date;
  rules: RuleMatch[];
};

function transformerOf(t: TargetDefinition) {
  const it = t.InputTransformer as { InputPathsMap?: Record<string, string>; InputTemplate?: string } | undefined;
  return it ? { inputPathsMap: it.InputPathsMap, inputTemplate: it.InputTemplate ?? "" } : undefined;
}

export function invocationFor(ev: MatchedEvent, rule: RuleMatch, t: TargetDefinition): Invocation {
  const sqs = t.SqsParameters as { MessageGroupId?: string } | undefined;
  const payload = applyTargetInput(
    ev.envelope,
    {
      input: t.Input as string | undefined,
      inputPath: t.InputPath as string | undefined,
      inputTransformer: transformerOf(t),
    },
    { ruleArn: rule.arn, ruleName: rule.name, ingestionTime: ev.ingestionTime },
  );
  const kind = targetKindOf(t.Arn);
  return {
    tenantId: rule.tenantId,
    sourceKind: "rule",
    sourceArn: rule.arn,
    targetKind: kind as Invocation["targetKind"],
    targetArn: t.Arn,
    targetId: t.Id,
    payload,
    // A dead-letter message carries the event itself, not the transformed input.
    originalEvent: payload === ev.envelopeText ? null : ev.envelopeText,
    params: {
      ...(sqs?.MessageGroupId ? { messageGroupId: sqs.MessageGroupId } : {}),
      ...(t.HttpParameters ? { httpParameters: t.HttpParameters } : {}),
      ...(t.RoleArn ? { roleArn: t.RoleArn } : {}),
    },
    eventId: ev.envelope.id,
    eventTime: ev.receivedAt,
    retryPolicy: (t.RetryPolicy as AwsRetryPolicy | undefined) ?? null,
    deadLetterArn: (t.DeadLetterConfig as { Arn?: string } | undefined)?.Arn ?? null,
    dedupeKey: `rule:${ev.envelope.id}:${rule.id}:${t.Id}`,
  };
}

// Every kind PutTargets accepts (core/events/target-arn.ts) has a delivery kind, state machines
// included (deliveries/targets/workflow.ts); a stored target whose ARN no kind serves any more is
// skipped rather than failing the whole batch.
const deliverable = (arn: string): boolean => targetKindOf(arn) !== null;

/**
 * Creates the invocations of every matched (event, rule, target) in `tx`. Returns the per-rule
 * counters to record once the transaction committed (recordRuleMetrics).
 */
export async function dispatchMatches(tx: Queryable, matched: MatchedEvent[]): Promise<RuleMetricBump[]> {
  const ruleIds = [...new Set(matched.flatMap((m) => m.rules.map((r) => r.id)))];
  if (ruleIds.length === 0) return [];
  const targets = await listTargetsOfRules(tx, ruleIds);
  const byRule = new Map<string, TargetDefinition[]>();
  for (const t of targets) {
    const list = byRule.get(t.ruleId) ?? [];
    list.push(t.definition);
    byRule.set(t.ruleId, list);
  }
  const invocations: Invocation[] = [];
  const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
  const bumps = new Map<string, RuleMetricBump>();
  for (const ev of matched)
    for (const rule of ev.rules) {
      const ts = byRule.get(rule.id) ?? [];
      for (const t of ts) if (deliverable(t.Arn)) invocations.push(invocationFor(ev, rule, t));
      const b = bumps.get(rule.id) ?? {
        ruleId: rule.id,
        tenantId: rule.tenantId,
        minute,
        matchedEvents: 0,
        invocations: 0,
        triggeredRules: 0,
      };
      b.matchedEvents++;
      b.invocations += ts.length;
      if (ts.length) b.triggeredRules++;
      bumps.set(rule.id, b);
    }
  if (invocations.length) await createInvocations(tx, invocations);
  return [...bumps.values()];
}

// Every matching event bumps the same (rule, minute) rows: written after commit, merged per process,
// one statement in flight (the same reasoning as deliveries/metrics-flusher.ts). A process killed in
// between loses those counts in the chart, never an invocation.
let pending = new Map<string, RuleMetricBump>();
let running: Promise<void> | null = null;

export function recordRuleMetrics(bumps: RuleMetricBump[]): Promise<void> {
  if (bumps.length === 0) return Promise.resolve();
  for (const b of bumps) {
    const key = `${b.ruleId}\u0000${b.minute}`;
    const m = pending.get(key);
    if (!m) pending.set(key, { ...b });
    else {
      m.matchedEvents += b.matchedEvents;
      m.invocations += b.invocations;
      m.triggeredRules += b.triggeredRules;
    }
  }
  running ??= (async () => {
    try {
      while (pending.size) {
        const batch = [...pending.values()];
        pending = new Map();
        await bumpRuleMetrics(pool(), batch).catch((err) => logger.warn({ err }, "event rule metrics not recorded"));
      }
    } finally {
      running = null;
    }
  })();
  return running;
}

import type { z } from "zod";
import { assertCan, type Actor } from "../../auth/permissions";
import { pool } from "../../db";
import { AppError, fieldError, isAppError } from "../../core/errors";
import { bucketSeconds, zoomFrom } from "../deliveries/delivery-dashboard.repository";
import {
  createBus,
  deleteBus,
  describeBus,
  listBuses,
  putPermission,
  removePermission,
  type Caller,
} from "./bus.service";
import {
  deleteRule,
  describeRule,
  disableRule,
  enableRule,
  listRules,
  listTargetsByRule,
  putRule,
} from "./rule.service";
import { putTargets, removeTargets } from "./target.service";
import { targetKindOf } from "../../core/events/target-arn";
import { putEvents } from "./put-events";
import { failedInvocationsPerMinute, findEvent, ruleMetrics, searchEvents, type StoredEvent } from "./event.repository";
import { countRulesOfBus, countTargets, type BusRow, type RuleRow, type TargetRow } from "./bus.repository";
import { attemptsOfDeliveries, invocationsOfEvents } from "./event-explorer.repository";
import type {
  createBusInput,
  eventSearchInput,
  putEventInput,
  putRuleInput,
  putTargetInput,
} from "./events.console-schemas";
import type {
  BusView,
  RuleDetail,
  EventDetail,
  EventEnvelope,
  EventSummary,
  RuleView,
  TargetView,
} from "./events.views";

// The console's use of the events service: the same use cases the AWS door calls (so the console
// gets AWS's checks and messages), with the console's form fields mapped to AWS's shapes and the
// rows mapped to the shapes the pages show (components/events/types.ts).

type Tenant = { id: string; accountId: string };
const callerOf = (t: Tenant): Caller => ({ tenantId: t.id, accountId: t.accountId });

async function busView(b: BusRow): Promise<BusView> {
  return {
    name: b.name,
    arn: b.arn,
    description: b.description,
    policy: b.policy,
    createdAt: b.createdAt,
    lastModifiedAt: b.updatedAt,
    rules: await countRulesOfBus(pool(), b.id),
  };
}

async function ruleView(r: RuleRow): Promise<RuleView> {
  return {
    name: r.name,
    arn: r.arn,
    busName: r.busName,
    description: r.description,
    eventPattern: r.eventPattern,
    scheduleExpression: r.scheduleExpression,
    state: r.state,
    managedBy: r.managedBy,
    targets: await countTargets(pool(), r.id),
    createdAt: r.createdAt,
  };
}

function targetView(t: TargetRow): TargetView {
  const d = t.definition as Record<string, unknown> & {
    Input?: string;
    InputPath?: string;
    InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
    RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
    DeadLetterConfig?: { Arn?: string };
    SqsParameters?: { MessageGroupId?: string };
  };
  return {
    id: t.targetId,
    arn: t.arn,
    input: d.Input ?? null,
    inputPath: d.InputPath ?? null,
    inputTransformer: d.InputTransformer
      ? { inputPathsMap: d.InputTransformer.InputPathsMap, inputTemplate: d.InputTransformer.InputTemplate }
      : null,
    retryPolicy: d.RetryPolicy
      ? {
          maximumRetryAttempts: d.RetryPolicy.MaximumRetryAttempts,
          maximumEventAgeInSeconds: d.RetryPolicy.MaximumEventAgeInSeconds,
        }
      : null,
    deadLetterArn: d.DeadLetterConfig?.Arn ?? null,
    messageGroupId: d.SqsParameters?.MessageGroupId ?? null,
  };
}

// --- buses ---------------------------------------------------------------------------------------

export async function consoleBuses(actor: Actor, tenant: Tenant): Promise<BusView[]> {
  const all: BusRow[] = [];
  let nextToken: string | null = null;
  do {
    const page = await listBuses(actor, callerOf(tenant), { nextToken, limit: 100 });
    all.push(...page.buses);
    nextToken = page.nextToken;
  } while (nextToken);
  all.sort((a, b) => (a.name === "default" ? -1 : b.name === "default" ? 1 : a.name.localeCompare(b.name)));
  return Promise.all(all.map(busView));
}

export async function consoleBus(actor: Actor, tenant: Tenant, name: string): Promise<BusView> {
  return busView(await describeBus(actor, callerOf(tenant), name));
}

export async function consoleCreateBus(
  actor: Actor,
  tenant: Tenant,
  input: z.infer<typeof createBusInput>,
): Promise<BusView> {
  return busView(
    await createBus(actor, callerOf(tenant), { name: input.name, description: input.description || null }),
  );
}

export async function consoleDeleteBus(actor: Actor, tenant: Tenant, name: string) {
  await deleteBus(actor, callerOf(tenant), name);
  return { deleted: true };
}

export async function consoleGrant(
  actor: Actor,
  tenant: Tenant,
  input: { bus: string; principal: string; statementId: string },
): Promise<BusView> {
  await putPermission(actor, callerOf(tenant), {
    eventBusName: input.bus,
    action: "events:PutEvents",
    principal: input.principal,
    statementId: input.statementId,
  });
  return consoleBus(actor, tenant, input.bus);
}

export async function consoleRevoke(actor: Actor, tenant: Tenant, input: { bus: string; statementId: string }) {
  await removePermission(actor, callerOf(tenant), { eventBusName: input.bus, statementId: input.statementId });
  return consoleBus(actor, tenant, input.bus);
}

// --- rules ---------------------------------------------------------------------------------------

export async function consoleRules(actor: Actor, tenant: Tenant, bus: string): Promise<RuleView[]> {
  const all: RuleRow[] = [];
  let nextToken: string | null = null;
  do {
    const page = await listRules(actor, callerOf(tenant), { eventBusName: bus, nextToken, limit: 100 });
    all.push(...page.rules);
    nextToken = page.nextToken;
  } while (nextToken);
  return Promise.all(all.map(ruleView));
}

export async function consoleRule(
  actor: Actor,
  tenant: Tenant,
  ref: { bus: string; rule: string },
): Promise<RuleDetail> {
  const r = await describeRule(actor, callerOf(tenant), ref.bus, ref.rule);
  const { targets } = await listTargetsByRule(actor, callerOf(tenant), { rule: ref.rule, eventBusName: ref.bus });
  return { ...(await ruleView(r)), targets: targets.map(targetView) };
}

export async function consolePutRule(
  actor: Actor,
  tenant: Tenant,
  input: z.infer<typeof putRuleInput>,
): Promise<RuleView> {
  await putRule(actor, callerOf(tenant), {
    name: input.name,
    eventBusName: input.bus,
    eventPattern: input.eventPattern?.trim() || null,
    scheduleExpression: input.scheduleExpression?.trim() || null,
    state: input.state,
    description: input.description ?? null,
  });
  return ruleView(await describeRule(actor, callerOf(tenant), input.bus, input.name));
}

export async function consoleSetRuleState(
  actor: Actor,
  tenant: Tenant,
  input: { bus: string; rule: string; enabled: boolean },
): Promise<RuleView> {
  await (input.enabled ? enableRule : disableRule)(actor, callerOf(tenant), input.bus, input.rule);
  return ruleView(await describeRule(actor, callerOf(tenant), input.bus, input.rule));
}

/** The console's delete removes the targets first when asked (AWS refuses a rule that has targets). */
export async function consoleDeleteRule(
  actor: Actor,
  tenant: Tenant,
  input: { bus: string; rule: string; force?: boolean },
) {
  if (input.force) {
    const { targets } = await listTargetsByRule(actor, callerOf(tenant), { rule: input.rule, eventBusName: input.bus });
    if (targets.length)
      await removeTargets(actor, callerOf(tenant), {
        rule: input.rule,
        eventBusName: input.bus,
        ids: targets.map((t) => t.targetId),
      });
  }
  await deleteRule(actor, callerOf(tenant), input.bus, input.rule);
  return { deleted: true };
}

// --- targets -------------------------------------------------------------------------------------

/** The form's fields → AWS's Target (PutTargets' shape); a per-entry failure becomes a form error. */
export async function consolePutTarget(actor: Actor, tenant: Tenant, input: z.infer<typeof putTargetInput>) {
  const t = input.target;
  const retry =
    t.maximumRetryAttempts !== undefined || t.maximumEventAgeInSeconds !== undefined
      ? {
          ...(t.maximumRetryAttempts !== undefined ? { MaximumRetryAttempts: t.maximumRetryAttempts } : {}),
          ...(t.maximumEventAgeInSeconds !== undefined ? { MaximumEventAgeInSeconds: t.maximumEventAgeInSeconds } : {}),
        }
      : undefined;
  const target = {
    Id: t.id,
    Arn: t.arn,
    ...(t.input !== undefined ? { Input: t.input } : {}),
    ...(t.inputPath !== undefined ? { InputPath: t.inputPath } : {}),
    ...(t.inputTransformer
      ? {
          InputTransformer: {
            ...(t.inputTransformer.inputPathsMap ? { InputPathsMap: t.inputTransformer.inputPathsMap } : {}),
            InputTemplate: t.inputTransformer.inputTemplate,
          },
        }
      : {}),
    ...(t.messageGroupId ? { SqsParameters: { MessageGroupId: t.messageGroupId } } : {}),
    ...(retry ? { RetryPolicy: retry } : {}),
    ...(t.deadLetterArn ? { DeadLetterConfig: { Arn: t.deadLetterArn } } : {}),
    // PutTargets requires a role for a state machine (AWS's console creates one): the console's own.
    ...(targetKindOf(t.arn) === "workflow"
      ? { RoleArn: `arn:aws:iam::${tenant.accountId}:role/signalbox-console` }
      : {}),
  };
  let out: Awaited<ReturnType<typeof putTargets>>;
  try {
    out = await putTargets(actor, callerOf(tenant), { rule: input.rule, eventBusName: input.bus, targets: [target] });
  } catch (err) {
    // The service names the whole Targets list; the form shows the message under the field it is about.
    if (isAppError(err) && err.fieldErrors?.targets) throw fieldError(fieldOfTargetError(err.message), err.message);
    throw err;
  }
  const failed = out.failed[0];
  if (failed) throw fieldError(fieldOfTargetError(failed.ErrorMessage), failed.ErrorMessage);
  return { id: t.id };
}

/** Which form field an AWS per-target error is about. */
function fieldOfTargetError(message: string): string {
  if (/InputTransformer|InputTemplate|InputPathsMap/i.test(message)) return "inputTransformer";
  if (/InputPath/i.test(message)) return "inputPath";
  if (/\bInput\b/i.test(message)) return "input";
  if (/MessageGroupId|SqsParameters|FIFO/i.test(message)) return "messageGroupId";
  if (/DeadLetter/i.test(message)) return "deadLetterArn";
  if (/Retry|EventAge/i.test(message)) return "maximumRetryAttempts";
  if (/\bId\b/.test(message)) return "id";
  return "arn";
}

export async function consoleRemoveTarget(
  actor: Actor,
  tenant: Tenant,
  input: { bus: string; rule: string; id: string },
) {
  const out = await removeTargets(actor, callerOf(tenant), {
    rule: input.rule,
    eventBusName: input.bus,
    ids: [input.id],
  });
  const failed = out.failed[0];
  if (failed) throw new AppError("validation", failed.ErrorMessage);
  return { removed: true };
}

// --- events --------------------------------------------------------------------------------------

/** PutEvents with one entry, as an application would send it; AWS's per-entry error → the form. */
export async function consolePutEvent(actor: Actor, tenant: Tenant, input: z.infer<typeof putEventInput>) {
  assertCan(actor.role, "resource:write");
  const [r] = await putEvents(pool(), callerOf(tenant), input.bus, [
    {
      Source: input.source,
      DetailType: input.detailType,
      Detail: input.detail,
      Resources: input.resources?.length ? input.resources : undefined,
    },
  ]);
  if (!r || !("EventId" in r)) {
    const msg = r && "ErrorMessage" in r ? r.ErrorMessage : "The event was not accepted.";
    const field = /Detail\b|JSON/i.test(msg)
      ? "detail"
      : /DetailType/i.test(msg)
        ? "detailType"
        : /Source/i.test(msg)
          ? "source"
          : "detail";
    throw fieldError(field, msg, r && "ErrorCode" in r ? r.ErrorCode : undefined);
  }
  return { eventId: r.EventId };
}

function parseEnvelope(e: StoredEvent): EventEnvelope {
  return JSON.parse(e.envelope) as EventEnvelope;
}

export async function consoleEvents(
  actor: Actor,
  tenant: Tenant,
  q: z.infer<typeof eventSearchInput>,
): Promise<{ items: EventSummary[]; nextCursor: string | null }> {
  const bus = await describeBus(actor, callerOf(tenant), q.bus);
  const limit = q.limit ?? 50;
  const before = q.cursor ? decodeCursor(q.cursor) : undefined;
  const rows = await searchEvents(pool(), tenant.id, {
    busId: bus.id,
    source: q.source?.trim() || undefined,
    detailType: q.detailType?.trim() || undefined,
    id: q.id?.trim() || undefined,
    from: q.from ?? undefined,
    to: q.to ?? undefined,
    before,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const inv = await invocationsOfEvents(
    pool(),
    tenant.id,
    page.map((e) => e.id),
  );
  const items = page.map((e) => {
    const mine = inv.filter((i) => i.eventId === e.id);
    return {
      ...summaryOf(e, bus.name),
      invocations: mine.length,
      failed: mine.filter((i) => i.status === "failed" || i.status === "dlq").length,
    };
  });
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

function summaryOf(e: StoredEvent, busName: string): EventSummary {
  return {
    id: e.id,
    busName,
    source: e.source,
    detailType: e.detailType,
    time: e.eventTime,
    ingestedAt: e.receivedAt,
    ingest: e.ingest,
    matchedRules: e.matchedRules.length,
    invocations: 0,
    failed: 0,
    envelope: parseEnvelope(e),
  };
}

const encodeCursor = (e: StoredEvent) =>
  Buffer.from(JSON.stringify([new Date(e.receivedAt).toISOString(), e.id])).toString("base64url");
function decodeCursor(c: string): { receivedAt: Date; id: string } | undefined {
  try {
    const [t, id] = JSON.parse(Buffer.from(c, "base64url").toString("utf8")) as [string, string];
    return { receivedAt: new Date(t), id };
  } catch {
    throw fieldError("cursor", "That page of events no longer exists; search again.");
  }
}

/** One event's path: the rules it matched (by their invocations) and each target's attempts. */
export async function consoleEvent(actor: Actor, tenant: Tenant, q: { bus: string; id: string }): Promise<EventDetail> {
  const bus = await describeBus(actor, callerOf(tenant), q.bus);
  const e = await findEvent(pool(), tenant.id, q.id);
  if (!e || e.busId !== bus.id) throw new AppError("not_found", `No event ${q.id} on the bus ${bus.name}.`);
  const inv = await invocationsOfEvents(pool(), tenant.id, [e.id]);
  const attempts = await attemptsOfDeliveries(
    pool(),
    tenant.id,
    inv.map((i) => i.deliveryId),
  );
  // A rule ARN ends in its name (rule/<name> on the default bus, rule/<bus>/<name> elsewhere).
  const nameOf = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);
  return {
    ...summaryOf(e, bus.name),
    invocations: inv.map((i) => ({
      deliveryId: i.deliveryId,
      ruleName: nameOf(i.ruleArn),
      ruleArn: i.ruleArn,
      targetId: i.targetId,
      targetArn: i.targetArn,
      targetKind: i.targetKind,
      status: i.status,
      attempts: attempts
        .filter((a) => a.deliveryId === i.deliveryId)
        .map((a) => ({
          id: a.id,
          attemptNumber: a.attemptNumber,
          outcome: a.outcome,
          startedAt: a.startedAt,
          durationMs: a.durationMs,
          responseStatus: a.responseStatus,
          error: a.error,
        })),
    })),
    failed: inv.filter((i) => i.status === "failed" || i.status === "dlq").length,
    // The rules the event matched when it arrived, with or without targets.
    matched: e.matchedRules.map((ruleArn) => ({ ruleArn, ruleName: nameOf(ruleArn) })),
  };
}

// --- metrics -------------------------------------------------------------------------------------

type MetricPoint = {
  t: Date;
  matchedEvents: number;
  invocations: number;
  failedInvocations: number;
  throttledRules: number;
};

/**
 * A rule's AWS/Events metrics over [from, to): per-minute counters summed into buckets, the chart
 * zoomed to where the data is; totals are the sums of the same rows, so tiles and bars agree.
 */
export async function consoleRuleMetrics(
  actor: Actor,
  tenant: Tenant,
  q: { bus: string; rule: string; from: Date; to: Date },
) {
  const rule = await describeRule(actor, callerOf(tenant), q.bus, q.rule);
  const [rows, failed] = await Promise.all([
    ruleMetrics(pool(), tenant.id, rule.id, q.from, q.to),
    failedInvocationsPerMinute(pool(), tenant.id, rule.arn, q.from, q.to),
  ]);
  const firsts = [rows[0]?.minute, failed[0]?.minute].filter(Boolean).map((d) => new Date(d!).getTime());
  const from = zoomFrom({ from: q.from, to: q.to }, firsts.length ? new Date(Math.min(...firsts)) : null);
  const bucket = bucketSeconds({ from, to: q.to });
  const step = bucket * 1000;
  const byT = new Map<number, MetricPoint>();
  const at = (d: Date) => {
    const t = Math.floor(new Date(d).getTime() / step) * step;
    let p = byT.get(t);
    if (!p)
      byT.set(t, (p = { t: new Date(t), matchedEvents: 0, invocations: 0, failedInvocations: 0, throttledRules: 0 }));
    return p;
  };
  const totals = { matchedEvents: 0, invocations: 0, failedInvocations: 0, throttledRules: 0 };
  for (const r of rows) {
    const p = at(r.minute);
    p.matchedEvents += r.matchedEvents;
    p.invocations += r.invocations;
    p.throttledRules += r.throttledRules;
    totals.matchedEvents += r.matchedEvents;
    totals.invocations += r.invocations;
    totals.throttledRules += r.throttledRules;
  }
  for (const f of failed) {
    at(f.minute).failedInvocations += f.failed;
    totals.failedInvocations += f.failed;
  }
  return {
    from,
    bucketSeconds: bucket,
    points: [...byT.values()].sort((a, b) => a.t.getTime() - b.t.getTime()),
    totals,
  };
}

import { randomUUID } from "node:crypto";
import { assertCan, type Actor } from "../../auth/permissions";
import { pool, withTransaction, type Queryable } from "../../db";
import { compilePattern, matchPattern, PatternError } from "../../core/events/pattern";
import { constraintMessage, ruleArn as buildRuleArn, ruleNameProblem } from "../../core/events/names";
import { parseScheduleExpression, ScheduleExpressionError } from "../../core/schedule/expressions";
import {
  countTargets,
  deleteRuleRow,
  findRule,
  listRulesPage,
  listTargets,
  lockRule,
  ruleNamesByTarget,
  setRuleState,
  upsertRule,
  type BusRow,
  type RuleRow,
  type RuleState,
  type TargetRow,
} from "./bus.repository";
import { decodeToken, encodeToken, region, requireOwnBus, type Caller } from "./bus.service";
import { invalidPattern, managedRule, ruleNotFound, ebValidation } from "./event.errors";
import { noteRulesChanged, forgetRuleIndex } from "./rule-index";
import { syncRuleTimer, dropRuleTimer } from "./rule-schedule";

// Rules: PutRule (create or replace), Describe/List/Enable/Disable/DeleteRule, TestEventPattern.
// Every change to a bus's rules NOTIFYs the processes' rule indexes (rule-index.ts) and keeps the
// rule's schedule timer in step (rule-schedule.ts), in the same transaction.

export const RULE_STATES: readonly RuleState[] = [
  "ENABLED",
  "DISABLED",
  "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
];

export type PutRuleInput = {
  name: string;
  eventBusName?: string | null;
  eventPattern?: string | null;
  scheduleExpression?: string | null;
  state?: string | null;
  description?: string | null;
  roleArn?: string | null;
  tags?: Record<string, string>;
};

export function ruleArnFor(caller: Pick<Caller, "accountId">, busName: string, name: string): string {
  return buildRuleArn(region(), caller.accountId, busName, name);
}

/** Compiles a pattern or throws InvalidEventPatternException with the matcher's (AWS's) message. */
export function checkPattern(pattern: string) {
  try {
    return compilePattern(pattern);
  } catch (err) {
    if (err instanceof PatternError) throw invalidPattern(err.message);
    throw err;
  }
}

function checkSchedule(expr: string): void {
  try {
    parseScheduleExpression(expr, "events");
  } catch (err) {
    if (err instanceof ScheduleExpressionError) throw ebValidation(err.message, "scheduleExpression");
    throw err;
  }
}

export async function requireRule(db: Queryable, caller: Caller, busRef: string | null | undefined, name: string) {
  const problem = ruleNameProblem(name);
  if (problem) throw ebValidation(problem, "name");
  const bus = await requireOwnBus(db, caller, busRef);
  const rule = await findRule(db, caller.tenantId, bus.id, name);
  if (!rule) throw ruleNotFound(name, bus.name);
  return { bus, rule };
}

export async function putRule(actor: Actor, caller: Caller, input: PutRuleInput): Promise<{ ruleArn: string }> {
  assertCan(actor.role, "resource:write");
  const problem = ruleNameProblem(input.name ?? "");
  if (problem) throw ebValidation(problem, "name");
  if (!input.eventPattern && !input.scheduleExpression)
    throw ebValidation("Parameter(s) EventPattern or ScheduleExpression must be specified.", "eventPattern");
  if (input.eventPattern) {
    if (input.eventPattern.length > 4096)
      throw ebValidation(
        constraintMessage(input.eventPattern, "eventPattern", "Member must have length less than or equal to 4096"),
        "eventPattern",
      );
    checkPattern(input.eventPattern);
  }
  if (input.scheduleExpression) {
    if (input.scheduleExpression.length > 256)
      throw ebValidation(
        constraintMessage(
          input.scheduleExpression,
          "scheduleExpression",
          "Member must have length less than or equal to 256",
        ),
        "scheduleExpression",
      );
    checkSchedule(input.scheduleExpression);
  }
  const state = (input.state ?? "ENABLED") as RuleState;
  if (!RULE_STATES.includes(state))
    throw ebValidation(
      constraintMessage(
        String(input.state),
        "state",
        "Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]",
      ),
      "state",
    );
  if (input.description && input.description.length > 512)
    throw ebValidation(
      constraintMessage(input.description, "description", "Member must have length less than or equal to 512"),
      "description",
    );
  const out = await withTransaction(async (tx) => {
    const bus = await requireOwnBus(tx, caller, input.eventBusName);
    if (input.scheduleExpression && bus.name !== "default")
      throw ebValidation("ScheduleExpression is supported only on the default event bus.", "scheduleExpression");
    const existing = await findRule(tx, caller.tenantId, bus.id, input.name);
    if (existing?.managedBy)
      throw managedRule(`Rule ${input.name} is managed by ${existing.managedBy} and cannot be modified.`);
    const arn = ruleArnFor(caller, bus.name, input.name);
    await upsertRule(tx, {
      id: existing?.id ?? randomUUID(),
      tenantId: caller.tenantId,
      busId: bus.id,
      name: input.name,
      arn,
      eventPattern: input.eventPattern || null,
      scheduleExpression: input.scheduleExpression || null,
      state,
      description: input.description ?? null,
      roleArn: input.roleArn ?? null,
      managedBy: null,
      createdBy: caller.accountId,
      tags: input.tags ?? {},
    });
    const rule = (await findRule(tx, caller.tenantId, bus.id, input.name))!;
    await noteRulesChanged(tx, bus.id);
    await syncRuleTimer(tx, rule);
    return { bus, arn };
  });
  forgetRuleIndex(out.bus.id);
  return { ruleArn: out.arn };
}

export async function describeRule(actor: Actor, caller: Caller, busRef: string | null | undefined, name: string) {
  assertCan(actor.role, "resource:read");
  return (await requireRule(pool(), caller, busRef, name)).rule;
}

export async function listRules(
  actor: Actor,
  caller: Caller,
  opts: { eventBusName?: string | null; namePrefix?: string | null; nextToken?: string | null; limit?: number | null },
): Promise<{ rules: RuleRow[]; nextToken: string | null }> {
  assertCan(actor.role, "resource:read");
  if (opts.limit !== undefined && opts.limit !== null && (opts.limit < 1 || opts.limit > 100))
    throw ebValidation(
      constraintMessage(
        String(opts.limit),
        "limit",
        opts.limit < 1
          ? "Member must have value greater than or equal to 1"
          : "Member must have value less than or equal to 100",
      ),
      "limit",
    );
  const bus = await requireOwnBus(pool(), caller, opts.eventBusName);
  const limit = opts.limit ?? 100;
  const after = opts.nextToken ? decodeToken(opts.nextToken) : null;
  const rows = await listRulesPage(pool(), caller.tenantId, bus.id, opts.namePrefix || null, after, limit + 1);
  const page = rows.slice(0, limit);
  return { rules: page, nextToken: rows.length > limit ? encodeToken(page[page.length - 1]!.name) : null };
}

async function changeState(
  actor: Actor,
  caller: Caller,
  busRef: string | null | undefined,
  name: string,
  state: RuleState,
) {
  assertCan(actor.role, "resource:write");
  const busId = await withTransaction(async (tx) => {
    const { bus, rule } = await requireRule(tx, caller, busRef, name);
    if (rule.managedBy) throw managedRule(`Rule ${name} is managed by ${rule.managedBy} and cannot be modified.`);
    await setRuleState(tx, caller.tenantId, rule.id, state);
    await noteRulesChanged(tx, bus.id);
    await syncRuleTimer(tx, { ...rule, state });
    return bus.id;
  });
  forgetRuleIndex(busId);
}

export const enableRule = (actor: Actor, caller: Caller, busRef: string | null | undefined, name: string) =>
  changeState(actor, caller, busRef, name, "ENABLED");
export const disableRule = (actor: Actor, caller: Caller, busRef: string | null | undefined, name: string) =>
  changeState(actor, caller, busRef, name, "DISABLED");

/** DeleteRule: refused while targets remain; a managed rule needs Force; an unknown rule is not an error. */
export async function deleteRule(
  actor: Actor,
  caller: Caller,
  busRef: string | null | undefined,
  name: string,
  force = false,
): Promise<void> {
  assertCan(actor.role, "resource:write");
  const problem = ruleNameProblem(name ?? "");
  if (problem) throw ebValidation(problem, "name");
  const busId = await withTransaction(async (tx) => {
    const bus = await requireOwnBus(tx, caller, busRef);
    const rule = await findRule(tx, caller.tenantId, bus.id, name);
    if (!rule) return null;
    await lockRule(tx, rule.id);
    if (rule.managedBy && !force)
      throw managedRule(`Rule ${name} is managed by ${rule.managedBy} and cannot be deleted without Force.`);
    if ((await countTargets(tx, rule.id)) > 0)
      throw ebValidation("Rule can't be deleted since it has targets.", "name");
    await deleteRuleRow(tx, caller.tenantId, rule.id);
    await dropRuleTimer(tx, rule.id);
    await noteRulesChanged(tx, bus.id);
    return bus.id;
  });
  if (busId) forgetRuleIndex(busId);
}

export async function listTargetsByRule(
  actor: Actor,
  caller: Caller,
  opts: { rule: string; eventBusName?: string | null; nextToken?: string | null; limit?: number | null },
): Promise<{ targets: TargetRow[]; nextToken: string | null }> {
  assertCan(actor.role, "resource:read");
  const { rule } = await requireRule(pool(), caller, opts.eventBusName, opts.rule);
  const all = await listTargets(pool(), rule.id);
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 100);
  const start = opts.nextToken ? Number(decodeToken(opts.nextToken)) : 0;
  if (!Number.isInteger(start) || start < 0) throw ebValidation("The NextToken provided is invalid.", "nextToken");
  const page = all.slice(start, start + limit);
  return { targets: page, nextToken: start + limit < all.length ? encodeToken(String(start + limit)) : null };
}

export async function listRuleNamesByTarget(
  actor: Actor,
  caller: Caller,
  opts: { targetArn: string; eventBusName?: string | null; nextToken?: string | null; limit?: number | null },
): Promise<{ ruleNames: string[]; nextToken: string | null }> {
  assertCan(actor.role, "resource:read");
  if (!opts.targetArn) throw ebValidation("Parameter TargetArn must be specified.", "targetArn");
  const bus = await requireOwnBus(pool(), caller, opts.eventBusName);
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 100);
  const after = opts.nextToken ? decodeToken(opts.nextToken) : null;
  const names = await ruleNamesByTarget(pool(), caller.tenantId, bus.id, opts.targetArn, after, limit + 1);
  const page = names.slice(0, limit);
  return { ruleNames: page, nextToken: names.length > limit ? encodeToken(page[page.length - 1]!) : null };
}

const EVENT_FIELDS = ["id", "account", "source", "time", "region", "resources", "detail-type"] as const;

/** TestEventPattern: AWS requires a whole event (id, account, source, time, region, resources, detail-type). */
export function testEventPattern(pattern: string, event: string): boolean {
  const compiled = checkPattern(pattern);
  let parsed: unknown;
  try {
    parsed = JSON.parse(event);
  } catch {
    throw ebValidation("Parameter Event is not valid.", "event");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw ebValidation("Parameter Event is not valid.", "event");
  for (const f of EVENT_FIELDS)
    if (!(f in (parsed as Record<string, unknown>)))
      throw ebValidation(`Parameter Event is not valid. Reason: Provided Event is missing the field ${f}.`, "event");
  return matchPattern(compiled, parsed);
}

export type { BusRow, RuleRow };

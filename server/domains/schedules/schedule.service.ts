import { randomUUID } from "node:crypto";
import { pool, withTransaction, type Queryable } from "../../db";
import { env } from "../../env";
import { assertCan, type Actor } from "../../auth/permissions";
import type { TenantRef } from "../../http/authenticate";
import { parseScheduleExpression, ScheduleExpressionError } from "../../core/schedule/expressions";
import { isValidTimeZone } from "../../core/schedule/zoned-time";
import { applyContextAttributes, withAttemptNumber } from "../../core/schedule/context-attributes";
import { targetKindOfArn } from "../../core/events/target-kind";
import { recordAudit } from "../audit/audit.service";
import { deleteTimer, getTimer, upsertTimer } from "../timers/timer.service";
import { fireScheduleJob } from "./schedule.jobs";
import * as repo from "./schedule.repository";
import type { ScheduleGroupRow, ScheduleRow, ScheduleTarget } from "./schedule.repository";
import { Checks, CLIENT_TOKEN_RE, conflict, NAME_RE, notFound, validation } from "./schedule.validate";

// EventBridge Scheduler: schedule groups and schedules (CreateSchedule … ListTagsForResource).
// Every change commits the schedule and its timer (domains/timers) in one transaction; the timer
// loop enqueues `scheduler.fire-schedule` per fire time and schedule.fire.ts invokes the target.
// The `default` group exists for every tenant (created on first use, never deletable).

export const DEFAULT_GROUP = "default";
const DEFAULT_RETRY = { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 };

export const groupArn = (tenant: TenantRef, name: string) =>
  `arn:aws:scheduler:${env().SIGNALBOX_REGION}:${tenant.accountId}:schedule-group/${name}`;
export const scheduleArn = (tenant: TenantRef, group: string, name: string) =>
  `arn:aws:scheduler:${env().SIGNALBOX_REGION}:${tenant.accountId}:schedule/${group}/${name}`;

const groupNotFound = (name: string) => notFound(`Schedule group ${name} does not exist.`);
const scheduleNotFound = (name: string) => notFound(`Schedule ${name} does not exist.`);

/** The target kinds a schedule can invoke here, by the target ARN (Scheduler has no API destinations). */
export function scheduleTargetKind(arn: string): "queue" | "topic" | "event-bus" | "function" | "workflow" | null {
  const kind = targetKindOfArn(arn);
  return kind === "api-destination" ? null : kind;
}

async function ensureDefaultGroup(db: Queryable, tenant: TenantRef): Promise<ScheduleGroupRow> {
  const found = await repo.findGroup(db, tenant.id, DEFAULT_GROUP);
  if (found) return found;
  const row = await repo.insertGroup(db, {
    id: randomUUID(),
    tenant_id: tenant.id,
    name: DEFAULT_GROUP,
    arn: groupArn(tenant, DEFAULT_GROUP),
    tags: {},
    client_token: null,
  });
  return row ?? (await repo.findGroup(db, tenant.id, DEFAULT_GROUP))!;
}

async function requireGroup(db: Queryable, tenant: TenantRef, name: string): Promise<ScheduleGroupRow> {
  if (name === DEFAULT_GROUP) return ensureDefaultGroup(db, tenant);
  const g = await repo.findGroup(db, tenant.id, name);
  if (!g) throw groupNotFound(name);
  return g;
}

function tagsIn(c: Checks, value: unknown, path: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    c.fail(value, path, "Member must be a list");
    return undefined;
  }
  if (value.length > 200) c.fail(value, path, "Member must have length less than or equal to 200");
  const out: Record<string, string> = {};
  value.forEach((t, i) => {
    const o = c.object(t, `${path}.${i + 1}.member`);
    if (!o) return;
    const k = c.string(o.Key, `${path}.${i + 1}.member.key`, { min: 1, max: 128, required: true });
    const v = c.string(o.Value, `${path}.${i + 1}.member.value`, { min: 1, max: 256, required: true });
    if (k !== undefined && v !== undefined) out[k] = v;
  });
  return out;
}

export const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

// ---- schedule groups -------------------------------------------------------------------------

export async function createScheduleGroup(
  actor: Actor,
  tenant: TenantRef,
  input: { name: string; tags?: unknown; clientToken?: unknown },
): Promise<ScheduleGroupRow> {
  assertCan(actor.role, "resource:write");
  const c = new Checks();
  const name = c.string(input.name, "name", { min: 1, max: 64, pattern: NAME_RE, required: true });
  const tags = tagsIn(c, input.tags, "tags") ?? {};
  const token = c.string(input.clientToken, "clientToken", { min: 1, max: 64, pattern: CLIENT_TOKEN_RE });
  c.done();
  return withTransaction(async (tx) => {
    const row = await repo.insertGroup(tx, {
      id: randomUUID(),
      tenant_id: tenant.id,
      name: name!,
      arn: groupArn(tenant, name!),
      tags,
      client_token: token ?? null,
    });
    if (!row) {
      const existing = (await repo.findGroup(tx, tenant.id, name!))!;
      if (token && existing.client_token === token) return existing;
      throw conflict(`Schedule group ${name} already exists.`);
    }
    await recordAudit(actor, tenant.id, "schedule-group.create", { type: "schedule-group", id: row.id }, { name }, tx);
    return row;
  });
}

export async function getScheduleGroup(actor: Actor, tenant: TenantRef, name: string): Promise<ScheduleGroupRow> {
  assertCan(actor.role, "resource:read");
  return requireGroup(pool(), tenant, name);
}

export async function deleteScheduleGroup(actor: Actor, tenant: TenantRef, name: string): Promise<void> {
  assertCan(actor.role, "resource:write");
  if (name === DEFAULT_GROUP) throw validation("You cannot delete the default schedule group.");
  await withTransaction(async (tx) => {
    const g = await repo.findGroup(tx, tenant.id, name);
    if (!g) throw groupNotFound(name);
    // Its schedules go with it (AWS deletes them too), timers first.
    for (const id of await repo.scheduleIdsOfGroup(tx, g.id)) await deleteTimer(tx, "schedule", id);
    await repo.deleteGroup(tx, tenant.id, g.id);
    await recordAudit(actor, tenant.id, "schedule-group.delete", { type: "schedule-group", id: g.id }, { name }, tx);
  });
}

const encodeToken = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
function decodeToken<T>(token: string | undefined): T | undefined {
  if (!token) return undefined;
  try {
    return JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as T;
  } catch {
    throw validation("The NextToken is not valid.");
  }
}

function pageArgs(c: Checks, q: { maxResults?: string | null; nextToken?: string | null }) {
  let limit = 100;
  if (q.maxResults !== undefined && q.maxResults !== null) {
    const n = Number(q.maxResults);
    if (!Number.isInteger(n)) c.fail(q.maxResults, "maxResults", "Member must be an integer");
    else limit = c.int(n, "maxResults", 1, 100) ?? 100;
  }
  const token = c.string(q.nextToken ?? undefined, "nextToken", { min: 1, max: 2048 });
  return { limit, token };
}

export async function listScheduleGroups(
  actor: Actor,
  tenant: TenantRef,
  q: { namePrefix?: string | null; maxResults?: string | null; nextToken?: string | null },
): Promise<{ groups: ScheduleGroupRow[]; nextToken?: string }> {
  assertCan(actor.role, "resource:read");
  const c = new Checks();
  const prefix = c.string(q.namePrefix ?? undefined, "namePrefix", { min: 1, max: 64, pattern: NAME_RE });
  const { limit, token } = pageArgs(c, q);
  c.done();
  await ensureDefaultGroup(pool(), tenant);
  const after = decodeToken<string>(token);
  const rows = await repo.listGroups(pool(), tenant.id, { prefix, after, limit: limit + 1 });
  const more = rows.length > limit;
  const groups = rows.slice(0, limit);
  return { groups, nextToken: more ? encodeToken(groups[groups.length - 1]!.name) : undefined };
}

// ---- schedules -------------------------------------------------------------------------------

export type ScheduleInput = {
  name: string;
  groupName?: unknown;
  description?: unknown;
  scheduleExpression?: unknown;
  scheduleExpressionTimezone?: unknown;
  startDate?: unknown;
  endDate?: unknown;
  flexibleTimeWindow?: unknown;
  state?: unknown;
  actionAfterCompletion?: unknown;
  kmsKeyArn?: unknown;
  target?: unknown;
  clientToken?: unknown;
};

type CheckedSchedule = Omit<repo.ScheduleWrite, "id" | "tenant_id" | "group_id" | "arn"> & { groupName: string };

function checkTarget(c: Checks, value: unknown): ScheduleTarget | undefined {
  const t = c.object(value, "target", true);
  if (!t) return undefined;
  const arn = c.string(t.Arn, "target.arn", { min: 1, max: 1600, required: true });
  const roleArn = c.string(t.RoleArn, "target.roleArn", {
    min: 1,
    max: 1600,
    required: true,
    pattern: /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/,
  });
  const input = c.string(t.Input, "target.input", { min: 1 });
  const out: ScheduleTarget = { Arn: arn ?? "", RoleArn: roleArn ?? "" };
  if (input !== undefined) out.Input = input;
  const rp = c.object(t.RetryPolicy, "target.retryPolicy");
  out.RetryPolicy = {
    MaximumEventAgeInSeconds:
      c.int(rp?.MaximumEventAgeInSeconds, "target.retryPolicy.maximumEventAgeInSeconds", 60, 86400) ??
      DEFAULT_RETRY.MaximumEventAgeInSeconds,
    MaximumRetryAttempts:
      c.int(rp?.MaximumRetryAttempts, "target.retryPolicy.maximumRetryAttempts", 0, 185) ??
      DEFAULT_RETRY.MaximumRetryAttempts,
  };
  const dlc = c.object(t.DeadLetterConfig, "target.deadLetterConfig");
  if (dlc) {
    const dlqArn = c.string(dlc.Arn, "target.deadLetterConfig.arn", {
      min: 1,
      max: 1600,
      pattern: /^arn:aws(-[a-z]+)?:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9\-_.]+$/,
    });
    out.DeadLetterConfig = dlqArn ? { Arn: dlqArn } : {};
  }
  const sqs = c.object(t.SqsParameters, "target.sqsParameters");
  if (sqs) {
    const g = c.string(sqs.MessageGroupId, "target.sqsParameters.messageGroupId", { min: 1, max: 128 });
    out.SqsParameters = g ? { MessageGroupId: g } : {};
  }
  const eb = c.object(t.EventBridgeParameters, "target.eventBridgeParameters");
  if (eb) {
    const detailType = c.string(eb.DetailType, "target.eventBridgeParameters.detailType", {
      min: 1,
      max: 128,
      required: true,
    });
    const source = c.string(eb.Source, "target.eventBridgeParameters.source", {
      min: 1,
      max: 256,
      required: true,
      pattern: /^(?!aws\.).+$/,
    });
    if (detailType && source) out.EventBridgeParameters = { DetailType: detailType, Source: source };
  }
  for (const k of ["EcsParameters", "KinesisParameters", "SageMakerPipelineParameters"]) {
    if (t[k] !== undefined && t[k] !== null)
      throw validation(`Signalbox does not invoke ${k.replace("Parameters", "")} targets.`);
  }
  return out;
}

/** The Input as it will be sent (context attributes replaced by sample values). */
function sampleInput(input: string): string {
  const fired = applyContextAttributes(input, { scheduleArn: "arn", scheduledTime: new Date(0), executionId: "id" });
  return withAttemptNumber(fired, 1);
}

function isJsonObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

function checkSchedule(input: ScheduleInput, now: Date): CheckedSchedule {
  const c = new Checks();
  const name = c.string(input.name, "name", { min: 1, max: 64, pattern: NAME_RE, required: true });
  const groupName = c.string(input.groupName, "groupName", { min: 1, max: 64, pattern: NAME_RE }) ?? DEFAULT_GROUP;
  const description = c.string(input.description, "description", { max: 512 });
  const expression = c.string(input.scheduleExpression, "scheduleExpression", { min: 1, max: 256, required: true });
  const timezone =
    c.string(input.scheduleExpressionTimezone, "scheduleExpressionTimezone", { min: 1, max: 50 }) ?? "UTC";
  const startDate = c.date(input.startDate, "startDate");
  const endDate = c.date(input.endDate, "endDate");
  const ftw = c.object(input.flexibleTimeWindow, "flexibleTimeWindow", true);
  const mode = ftw ? c.oneOf(ftw.Mode, "flexibleTimeWindow.mode", ["OFF", "FLEXIBLE"] as const) : undefined;
  if (ftw && (ftw.Mode === undefined || ftw.Mode === null)) c.required(ftw.Mode, "flexibleTimeWindow.mode");
  const window = ftw
    ? c.int(ftw.MaximumWindowInMinutes, "flexibleTimeWindow.maximumWindowInMinutes", 1, 1440)
    : undefined;
  const state = c.oneOf(input.state, "state", ["ENABLED", "DISABLED"] as const) ?? "ENABLED";
  const aac = c.oneOf(input.actionAfterCompletion, "actionAfterCompletion", ["NONE", "DELETE"] as const) ?? "NONE";
  const kms = c.string(input.kmsKeyArn, "kmsKeyArn", { min: 1, max: 2048 });
  c.string(input.clientToken, "clientToken", { min: 1, max: 64, pattern: CLIENT_TOKEN_RE });
  const target = checkTarget(c, input.target);
  c.done();

  let parsed;
  try {
    parsed = parseScheduleExpression(expression!, "scheduler");
  } catch (err) {
    if (err instanceof ScheduleExpressionError) throw validation(err.message);
    throw err;
  }
  if (!isValidTimeZone(timezone)) throw validation(`Invalid time zone: ${timezone}`);
  if (mode === "FLEXIBLE" && window === undefined)
    throw validation("MaximumWindowInMinutes must be provided when the FlexibleTimeWindow Mode is FLEXIBLE.");
  if (mode === "OFF" && window !== undefined)
    throw validation("MaximumWindowInMinutes must not be provided when the FlexibleTimeWindow Mode is OFF.");
  if (parsed.kind !== "at") {
    if (startDate && startDate.getTime() < now.getTime() - 5 * 60_000)
      throw validation("The StartDate you specify cannot be earlier than 5 minutes ago.");
    if (endDate && endDate.getTime() <= now.getTime())
      throw validation("The EndDate you specify cannot be earlier than the current time.");
    if (startDate && endDate && endDate.getTime() <= startDate.getTime())
      throw validation("The StartDate must come before the EndDate.");
  }
  const kind = scheduleTargetKind(target!.Arn);
  if (!kind)
    throw validation(
      `Invalid target ARN ${target!.Arn}: Signalbox schedules invoke SQS queues, SNS topics, EventBridge event buses, functions and state machines.`,
    );
  if (kind === "event-bus" && !target!.EventBridgeParameters)
    throw validation("EventBridgeParameters must be provided for an EventBridge event bus target.");
  if (kind === "event-bus" && target!.Input !== undefined && !isJsonObject(sampleInput(target!.Input)))
    throw validation("The Input of an EventBridge event bus target must be a JSON object (the event's detail).");
  if (kind !== "event-bus" && target!.EventBridgeParameters)
    throw validation("EventBridgeParameters can only be provided for an EventBridge event bus target.");
  if (kind !== "queue" && target!.SqsParameters)
    throw validation("SqsParameters can only be provided for an SQS queue target.");
  if (kind === "queue" && target!.Arn.endsWith(".fifo") && !target!.SqsParameters?.MessageGroupId)
    throw validation("MessageGroupId must be provided in SqsParameters for a FIFO queue target.");
  return {
    name: name!,
    groupName,
    description: description ?? null,
    schedule_expression: expression!,
    timezone,
    start_date: startDate ?? null,
    end_date: endDate ?? null,
    flexible_mode: mode ?? "OFF",
    flexible_window_minutes: mode === "FLEXIBLE" ? window! : null,
    state,
    action_after_completion: aac,
    kms_key_arn: kms ?? null,
    target: target!,
    client_token: typeof input.clientToken === "string" ? input.clientToken : null,
  };
}

async function syncTimer(tx: Queryable, s: repo.ScheduleWrite) {
  await upsertTimer(tx, {
    tenantId: s.tenant_id,
    ownerKind: "schedule",
    ownerId: s.id,
    expression: s.schedule_expression,
    timezone: s.timezone,
    startDate: s.start_date,
    endDate: s.end_date,
    flexibleWindowMinutes: s.flexible_window_minutes,
    maxAgeSeconds: s.target.RetryPolicy?.MaximumEventAgeInSeconds ?? DEFAULT_RETRY.MaximumEventAgeInSeconds,
    enabled: s.state === "ENABLED",
    fireJob: fireScheduleJob.name,
  });
}

export async function createSchedule(actor: Actor, tenant: TenantRef, input: ScheduleInput): Promise<ScheduleRow> {
  assertCan(actor.role, "resource:write");
  const s = checkSchedule(input, new Date());
  return withTransaction(async (tx) => {
    const group = await requireGroup(tx, tenant, s.groupName);
    const { groupName: _g, ...fields } = s;
    const row: repo.ScheduleWrite = {
      ...fields,
      id: randomUUID(),
      tenant_id: tenant.id,
      group_id: group.id,
      arn: scheduleArn(tenant, group.name, s.name),
    };
    if (!(await repo.insertSchedule(tx, row))) {
      const existing = (await repo.findSchedule(tx, tenant.id, group.name, s.name))!;
      if (s.client_token && existing.client_token === s.client_token) return existing;
      throw conflict(`Schedule ${s.name} already exists.`);
    }
    await syncTimer(tx, row);
    await recordAudit(
      actor,
      tenant.id,
      "schedule.create",
      { type: "schedule", id: row.id },
      { name: s.name, group: group.name },
      tx,
    );
    return (await repo.findScheduleById(tx, tenant.id, row.id))!;
  });
}

export async function updateSchedule(actor: Actor, tenant: TenantRef, input: ScheduleInput): Promise<ScheduleRow> {
  assertCan(actor.role, "resource:write");
  const s = checkSchedule(input, new Date());
  return withTransaction(async (tx) => {
    if (s.groupName !== DEFAULT_GROUP && !(await repo.findGroup(tx, tenant.id, s.groupName)))
      throw groupNotFound(s.groupName);
    const existing = await repo.findSchedule(tx, tenant.id, s.groupName, s.name, { forUpdate: true });
    if (!existing) throw scheduleNotFound(s.name);
    const { groupName: _g, ...fields } = s;
    const row: repo.ScheduleWrite = {
      ...fields,
      id: existing.id,
      tenant_id: tenant.id,
      group_id: existing.group_id,
      arn: existing.arn,
    };
    await repo.updateSchedule(tx, row);
    await syncTimer(tx, row);
    await recordAudit(
      actor,
      tenant.id,
      "schedule.update",
      { type: "schedule", id: row.id },
      { name: s.name, group: s.groupName },
      tx,
    );
    return (await repo.findScheduleById(tx, tenant.id, row.id))!;
  });
}

function checkRef(name: string, groupName: string | null | undefined) {
  const c = new Checks();
  c.string(name, "name", { min: 1, max: 64, pattern: NAME_RE, required: true });
  c.string(groupName ?? undefined, "groupName", { min: 1, max: 64, pattern: NAME_RE });
  c.done();
  return groupName || DEFAULT_GROUP;
}

export async function getSchedule(
  actor: Actor,
  tenant: TenantRef,
  name: string,
  groupName?: string | null,
): Promise<ScheduleRow> {
  assertCan(actor.role, "resource:read");
  const group = checkRef(name, groupName);
  const s = await repo.findSchedule(pool(), tenant.id, group, name);
  if (!s) {
    if (group !== DEFAULT_GROUP && !(await repo.findGroup(pool(), tenant.id, group))) throw groupNotFound(group);
    throw scheduleNotFound(name);
  }
  return s;
}

export async function deleteSchedule(
  actor: Actor,
  tenant: TenantRef,
  name: string,
  groupName?: string | null,
): Promise<void> {
  assertCan(actor.role, "resource:write");
  const group = checkRef(name, groupName);
  await withTransaction(async (tx) => {
    const s = await repo.findSchedule(tx, tenant.id, group, name, { forUpdate: true });
    if (!s) {
      if (group !== DEFAULT_GROUP && !(await repo.findGroup(tx, tenant.id, group))) throw groupNotFound(group);
      throw scheduleNotFound(name);
    }
    await deleteTimer(tx, "schedule", s.id);
    await repo.deleteScheduleRow(tx, s.id);
    await recordAudit(actor, tenant.id, "schedule.delete", { type: "schedule", id: s.id }, { name, group }, tx);
  });
}

/** Deletes a schedule whose last invocation was made (ActionAfterCompletion DELETE), inside `tx`. */
export async function deleteCompletedSchedule(tx: Queryable, s: ScheduleRow): Promise<void> {
  await deleteTimer(tx, "schedule", s.id);
  await repo.deleteScheduleRow(tx, s.id);
}

export async function listSchedules(
  actor: Actor,
  tenant: TenantRef,
  q: {
    scheduleGroup?: string | null;
    namePrefix?: string | null;
    state?: string | null;
    maxResults?: string | null;
    nextToken?: string | null;
  },
): Promise<{ schedules: ScheduleRow[]; nextToken?: string }> {
  assertCan(actor.role, "resource:read");
  const c = new Checks();
  const group = c.string(q.scheduleGroup ?? undefined, "groupName", { min: 1, max: 64, pattern: NAME_RE });
  const prefix = c.string(q.namePrefix ?? undefined, "namePrefix", { min: 1, max: 64, pattern: NAME_RE });
  const state = c.oneOf(q.state ?? undefined, "state", ["ENABLED", "DISABLED"] as const);
  const { limit, token } = pageArgs(c, q);
  c.done();
  const after = decodeToken<{ group: string; name: string }>(token);
  const rows = await repo.listSchedules(pool(), tenant.id, { group, prefix, state, after, limit: limit + 1 });
  const more = rows.length > limit;
  const schedules = rows.slice(0, limit);
  const last = schedules[schedules.length - 1];
  return { schedules, nextToken: more && last ? encodeToken({ group: last.group_name, name: last.name }) : undefined };
}

/** The schedule's next fire time (for the console), from its timer. */
export async function nextFireOf(s: ScheduleRow): Promise<Date | null> {
  return (await getTimer(pool(), "schedule", s.id))?.next_fire_at ?? null;
}

// ---- tags (schedule groups are the taggable resource) -----------------------------------------

async function taggable(db: Queryable, tenant: TenantRef, arn: string): Promise<ScheduleGroupRow> {
  const c = new Checks();
  c.string(arn, "resourceArn", { min: 1, max: 1011, required: true });
  c.done();
  const m = /^arn:aws[a-z-]*:scheduler:[a-z0-9-]+:(\d{12}):schedule-group\/([0-9a-zA-Z\-_.]+)$/.exec(arn);
  if (!m) throw validation(`Invalid resource ARN ${arn}.`);
  if (m[1] !== tenant.accountId) throw notFound(`Schedule group ${m[2]} does not exist.`);
  return requireGroup(db, tenant, m[2]!);
}

export async function listTagsForResource(
  actor: Actor,
  tenant: TenantRef,
  arn: string,
): Promise<Record<string, string>> {
  assertCan(actor.role, "resource:read");
  return (await taggable(pool(), tenant, arn)).tags;
}

export async function tagResource(actor: Actor, tenant: TenantRef, arn: string, tagsValue: unknown): Promise<void> {
  assertCan(actor.role, "resource:write");
  const c = new Checks();
  if (c.required(tagsValue, "tags")) tagsIn(c, tagsValue, "tags");
  c.done();
  const tags = tagsIn(new Checks(), tagsValue, "tags") ?? {};
  await withTransaction(async (tx) => {
    const g = await taggable(tx, tenant, arn);
    const merged = { ...g.tags, ...tags };
    if (Object.keys(merged).length > 200) throw validation("A resource can have at most 200 tags.");
    await repo.setGroupTags(tx, g.id, merged);
  });
}

export async function untagResource(actor: Actor, tenant: TenantRef, arn: string, keys: string[]): Promise<void> {
  assertCan(actor.role, "resource:write");
  const c = new Checks();
  if (keys.length === 0) c.fail(null, "tagKeys", "Member must not be null");
  c.done();
  await withTransaction(async (tx) => {
    const g = await taggable(tx, tenant, arn);
    const tags = { ...g.tags };
    for (const k of keys) delete tags[k];
    await repo.setGroupTags(tx, g.id, tags);
  });
}

import type { Actor } from "../../auth/permissions";
import { AppError, isAppError } from "../../core/errors";
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listSchedules,
  nextFireOf,
  updateSchedule,
} from "../schedules/schedule.service";
import type { ScheduleRow } from "../schedules/schedule.repository";

// The console's EventBridge Scheduler page (a view of the event-buses section): the scheduler
// helper's use cases, the same ones CreateSchedule/ListSchedules call, with the form mapped to
// Scheduler's shapes.

type Tenant = { id: string; slug: string; name: string; accountId: string };

export type ScheduleForm = {
  name: string;
  group?: string;
  description?: string;
  expression: string;
  timezone: string;
  startDate?: Date;
  endDate?: Date;
  flexibleWindowMinutes?: number;
  enabled: boolean;
  deleteAfterCompletion: boolean;
  targetArn: string;
  input?: string;
  messageGroupId?: string;
  detailType?: string;
  eventSource?: string;
  maximumRetryAttempts?: number;
  maximumEventAgeInSeconds?: number;
  deadLetterArn?: string;
};

function view(s: ScheduleRow, nextFire: Date | null) {
  return {
    name: s.name,
    group: s.group_name,
    arn: s.arn,
    description: s.description,
    expression: s.schedule_expression,
    timezone: s.timezone,
    state: s.state,
    targetArn: s.target.Arn,
    input: s.target.Input ?? null,
    startDate: s.start_date,
    endDate: s.end_date,
    flexibleWindowMinutes: s.flexible_window_minutes,
    actionAfterCompletion: s.action_after_completion,
    nextFire,
  };
}

export async function consoleSchedules(actor: Actor, tenant: Tenant) {
  const rows: ScheduleRow[] = [];
  let nextToken: string | undefined;
  do {
    const page = await listSchedules(actor, tenant, { nextToken: nextToken ?? null, maxResults: "100" });
    rows.push(...page.schedules);
    nextToken = page.nextToken;
  } while (nextToken);
  return Promise.all(rows.map(async (s) => view(s, await nextFireOf(s))));
}

export async function consoleCreateSchedule(actor: Actor, tenant: Tenant, f: ScheduleForm) {
  const s = await createSchedule(actor, tenant, {
    name: f.name,
    groupName: f.group || undefined,
    description: f.description || undefined,
    scheduleExpression: f.expression,
    scheduleExpressionTimezone: f.timezone,
    startDate: f.startDate?.toISOString(),
    endDate: f.endDate?.toISOString(),
    flexibleTimeWindow: f.flexibleWindowMinutes
      ? { Mode: "FLEXIBLE", MaximumWindowInMinutes: f.flexibleWindowMinutes }
      : { Mode: "OFF" },
    state: f.enabled ? "ENABLED" : "DISABLED",
    actionAfterCompletion: f.deleteAfterCompletion ? "DELETE" : "NONE",
    target: {
      Arn: f.targetArn,
      // Scheduler requires a role; Signalbox checks the team's own access instead and keeps it as given.
      RoleArn: `arn:aws:iam::${tenant.accountId}:role/signalbox-console`,
      ...(f.input ? { Input: f.input } : {}),
      ...(f.messageGroupId ? { SqsParameters: { MessageGroupId: f.messageGroupId } } : {}),
      ...(f.detailType || f.eventSource
        ? { EventBridgeParameters: { DetailType: f.detailType ?? "", Source: f.eventSource ?? "" } }
        : {}),
      RetryPolicy: {
        ...(f.maximumRetryAttempts !== undefined ? { MaximumRetryAttempts: f.maximumRetryAttempts } : {}),
        ...(f.maximumEventAgeInSeconds !== undefined ? { MaximumEventAgeInSeconds: f.maximumEventAgeInSeconds } : {}),
      },
      ...(f.deadLetterArn ? { DeadLetterConfig: { Arn: f.deadLetterArn } } : {}),
    },
  });
  return view(s, await nextFireOf(s));
}

export async function consoleDeleteSchedule(actor: Actor, tenant: Tenant, ref: { name: string; group: string }) {
  await deleteSchedule(actor, tenant, ref.name, ref.group);
  return { deleted: true };
}

/** What an edit may change; everything else (target, role, retry policy, dead-letter queue, dates) stays. */
export type ScheduleEdit = {
  name: string;
  group: string;
  expression: string;
  timezone: string;
  input?: string;
  flexibleWindowMinutes?: number;
  enabled: boolean;
};

/** Scheduler's messages under the edit form's fields (the rest shows above the buttons). */
function fieldOfScheduleError(message: string): string | null {
  if (/flexible|MaximumWindowInMinutes/i.test(message)) return "flexibleWindowMinutes";
  if (/time ?zone/i.test(message)) return "timezone";
  if (/[Ii]nput/.test(message)) return "input";
  if (/expression|\b(at|rate|cron)\(/i.test(message)) return "expression";
  return null;
}

/**
 * UpdateSchedule replaces the whole schedule (as AWS's does): the stored one is read and sent back
 * with the edited fields, so an edit in the console never drops what it does not show.
 */
async function replaceSchedule(actor: Actor, tenant: Tenant, s: ScheduleRow, patch: Partial<ScheduleEdit>) {
  const flex = patch.flexibleWindowMinutes !== undefined ? patch.flexibleWindowMinutes : s.flexible_window_minutes;
  const { Input: _input, ...target } = s.target;
  const input = patch.input !== undefined ? patch.input : s.target.Input;
  try {
    return await updateSchedule(actor, tenant, {
      name: s.name,
      groupName: s.group_name,
      description: s.description ?? undefined,
      scheduleExpression: patch.expression ?? s.schedule_expression,
      scheduleExpressionTimezone: patch.timezone ?? s.timezone,
      // Scheduler refuses a StartDate more than 5 minutes ago, even one it stored: a start date
      // that has passed no longer limits anything, so an edit leaves it out.
      startDate:
        s.start_date && s.start_date.getTime() > Date.now() - 4 * 60_000 ? s.start_date.toISOString() : undefined,
      endDate: s.end_date?.toISOString(),
      flexibleTimeWindow: flex ? { Mode: "FLEXIBLE", MaximumWindowInMinutes: flex } : { Mode: "OFF" },
      state: patch.enabled === undefined ? s.state : patch.enabled ? "ENABLED" : "DISABLED",
      actionAfterCompletion: s.action_after_completion,
      kmsKeyArn: s.kms_key_arn ?? undefined,
      target: { ...target, ...(input ? { Input: input } : {}) },
    });
  } catch (e) {
    const field = isAppError(e) && e.code === "validation" ? fieldOfScheduleError(e.message) : null;
    if (field && isAppError(e))
      throw new AppError("validation", e.message, { fieldErrors: { [field]: [e.message] }, awsCode: e.awsCode });
    throw e;
  }
}

export async function consoleUpdateSchedule(actor: Actor, tenant: Tenant, f: ScheduleEdit) {
  const s = await getSchedule(actor, tenant, f.name, f.group);
  const updated = await replaceSchedule(actor, tenant, s, {
    expression: f.expression,
    timezone: f.timezone,
    input: f.input ?? "",
    flexibleWindowMinutes: f.flexibleWindowMinutes ?? 0,
    enabled: f.enabled,
  });
  return view(updated, await nextFireOf(updated));
}

export async function consoleSetScheduleState(
  actor: Actor,
  tenant: Tenant,
  ref: { name: string; group: string; enabled: boolean },
) {
  const s = await getSchedule(actor, tenant, ref.name, ref.group);
  const updated = await replaceSchedule(actor, tenant, s, { enabled: ref.enabled });
  return view(updated, await nextFireOf(updated));
}

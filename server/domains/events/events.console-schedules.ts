import type { Actor } from "../../auth/permissions";
import { createSchedule, deleteSchedule, listSchedules, nextFireOf } from "../schedules/schedule.service";
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

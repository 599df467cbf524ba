import type { AwsAction, AwsCall, AwsReply, AwsService, RestJsonRoute } from "../types";
import { restJsonErrorReply } from "../rest-json";
import * as schedules from "../../../domains/schedules/schedule.service";
import type { ScheduleGroupRow, ScheduleRow } from "../../../domains/schedules/schedule.repository";

// EventBridge Scheduler on /api/aws (REST JSON, SigV4 scope `scheduler`): schedule groups,
// schedules and tags, with the SDK's paths and query names. Timestamps are epoch seconds, as the
// REST JSON protocol encodes them. Errors: the code in x-amzn-ErrorType, `{ "Message" }`.

const ROUTES: RestJsonRoute[] = [
  { method: "POST", path: "/schedules/{Name}", action: "CreateSchedule" },
  { method: "GET", path: "/schedules/{Name}", action: "GetSchedule" },
  { method: "PUT", path: "/schedules/{Name}", action: "UpdateSchedule" },
  { method: "DELETE", path: "/schedules/{Name}", action: "DeleteSchedule" },
  { method: "GET", path: "/schedules", action: "ListSchedules" },
  { method: "POST", path: "/schedule-groups/{Name}", action: "CreateScheduleGroup" },
  { method: "GET", path: "/schedule-groups/{Name}", action: "GetScheduleGroup" },
  { method: "DELETE", path: "/schedule-groups/{Name}", action: "DeleteScheduleGroup" },
  { method: "GET", path: "/schedule-groups", action: "ListScheduleGroups" },
  { method: "POST", path: "/tags/{ResourceArn}", action: "TagResource" },
  { method: "DELETE", path: "/tags/{ResourceArn}", action: "UntagResource" },
  { method: "GET", path: "/tags/{ResourceArn}", action: "ListTagsForResource" },
];

const epoch = (d: Date | null | undefined) => (d ? d.getTime() / 1000 : undefined);

function reply(body: Record<string, unknown>, requestId: string): AwsReply {
  return {
    headers: { "content-type": "application/json", "x-amzn-requestid": requestId },
    body: JSON.stringify(body),
  };
}

const q = (call: AwsCall, name: string) => call.query?.get(name) ?? null;
const body = (call: AwsCall) => call.json ?? {};
const pathName = (call: AwsCall) => call.pathParams?.Name ?? "";

function groupOut(g: ScheduleGroupRow) {
  return {
    Arn: g.arn,
    CreationDate: epoch(g.created_at),
    LastModificationDate: epoch(g.updated_at),
    Name: g.name,
    State: "ACTIVE",
  };
}

export function scheduleOut(s: ScheduleRow) {
  return {
    ActionAfterCompletion: s.action_after_completion,
    Arn: s.arn,
    CreationDate: epoch(s.created_at),
    Description: s.description ?? undefined,
    EndDate: epoch(s.end_date),
    FlexibleTimeWindow:
      s.flexible_mode === "FLEXIBLE"
        ? { Mode: "FLEXIBLE", MaximumWindowInMinutes: s.flexible_window_minutes }
        : { Mode: "OFF" },
    GroupName: s.group_name,
    KmsKeyArn: s.kms_key_arn ?? undefined,
    LastModificationDate: epoch(s.updated_at),
    Name: s.name,
    ScheduleExpression: s.schedule_expression,
    ScheduleExpressionTimezone: s.timezone,
    StartDate: epoch(s.start_date),
    State: s.state,
    Target: s.target,
  };
}

function scheduleInput(call: AwsCall): schedules.ScheduleInput {
  const b = body(call);
  return {
    name: pathName(call),
    groupName: b.GroupName,
    description: b.Description,
    scheduleExpression: b.ScheduleExpression,
    scheduleExpressionTimezone: b.ScheduleExpressionTimezone,
    startDate: b.StartDate,
    endDate: b.EndDate,
    flexibleTimeWindow: b.FlexibleTimeWindow,
    state: b.State,
    actionAfterCompletion: b.ActionAfterCompletion,
    kmsKeyArn: b.KmsKeyArn,
    target: b.Target,
    clientToken: b.ClientToken,
  };
}

const actions: Array<[string, AwsAction]> = [
  [
    "CreateSchedule",
    async (call) => {
      const s = await schedules.createSchedule(call.ctx.actor, call.ctx.tenant, scheduleInput(call));
      return reply({ ScheduleArn: s.arn }, call.ctx.requestId);
    },
  ],
  [
    "UpdateSchedule",
    async (call) => {
      const s = await schedules.updateSchedule(call.ctx.actor, call.ctx.tenant, scheduleInput(call));
      return reply({ ScheduleArn: s.arn }, call.ctx.requestId);
    },
  ],
  [
    "GetSchedule",
    async (call) => {
      const s = await schedules.getSchedule(call.ctx.actor, call.ctx.tenant, pathName(call), q(call, "groupName"));
      return reply(scheduleOut(s), call.ctx.requestId);
    },
  ],
  [
    "DeleteSchedule",
    async (call) => {
      await schedules.deleteSchedule(call.ctx.actor, call.ctx.tenant, pathName(call), q(call, "groupName"));
      return reply({}, call.ctx.requestId);
    },
  ],
  [
    "ListSchedules",
    async (call) => {
      const r = await schedules.listSchedules(call.ctx.actor, call.ctx.tenant, {
        scheduleGroup: q(call, "ScheduleGroup"),
        namePrefix: q(call, "NamePrefix"),
        state: q(call, "State"),
        maxResults: q(call, "MaxResults"),
        nextToken: q(call, "NextToken"),
      });
      return reply(
        {
          NextToken: r.nextToken,
          Schedules: r.schedules.map((s) => ({
            Arn: s.arn,
            CreationDate: epoch(s.created_at),
            GroupName: s.group_name,
            LastModificationDate: epoch(s.updated_at),
            Name: s.name,
            State: s.state,
            Target: { Arn: s.target.Arn },
          })),
        },
        call.ctx.requestId,
      );
    },
  ],
  [
    "CreateScheduleGroup",
    async (call) => {
      const b = body(call);
      const g = await schedules.createScheduleGroup(call.ctx.actor, call.ctx.tenant, {
        name: pathName(call),
        tags: b.Tags,
        clientToken: b.ClientToken,
      });
      return reply({ ScheduleGroupArn: g.arn }, call.ctx.requestId);
    },
  ],
  [
    "GetScheduleGroup",
    async (call) => {
      const g = await schedules.getScheduleGroup(call.ctx.actor, call.ctx.tenant, pathName(call));
      return reply(groupOut(g), call.ctx.requestId);
    },
  ],
  [
    "DeleteScheduleGroup",
    async (call) => {
      await schedules.deleteScheduleGroup(call.ctx.actor, call.ctx.tenant, pathName(call));
      return reply({}, call.ctx.requestId);
    },
  ],
  [
    "ListScheduleGroups",
    async (call) => {
      const r = await schedules.listScheduleGroups(call.ctx.actor, call.ctx.tenant, {
        namePrefix: q(call, "NamePrefix"),
        maxResults: q(call, "MaxResults"),
        nextToken: q(call, "NextToken"),
      });
      return reply({ NextToken: r.nextToken, ScheduleGroups: r.groups.map(groupOut) }, call.ctx.requestId);
    },
  ],
  [
    "TagResource",
    async (call) => {
      await schedules.tagResource(call.ctx.actor, call.ctx.tenant, call.pathParams?.ResourceArn ?? "", body(call).Tags);
      return reply({}, call.ctx.requestId);
    },
  ],
  [
    "UntagResource",
    async (call) => {
      await schedules.untagResource(
        call.ctx.actor,
        call.ctx.tenant,
        call.pathParams?.ResourceArn ?? "",
        call.query?.getAll("TagKeys") ?? [],
      );
      return reply({}, call.ctx.requestId);
    },
  ],
  [
    "ListTagsForResource",
    async (call) => {
      const tags = await schedules.listTagsForResource(
        call.ctx.actor,
        call.ctx.tenant,
        call.pathParams?.ResourceArn ?? "",
      );
      return reply({ Tags: schedules.tagList(tags) }, call.ctx.requestId);
    },
  ],
];

export const schedulerService: AwsService = {
  name: "scheduler",
  actions: new Map(actions),
  routes: ROUTES,
  renderError: (err, c) => restJsonErrorReply(err, c.requestId),
};

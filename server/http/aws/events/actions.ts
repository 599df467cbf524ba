import { assertCan } from "../../../auth/permissions";
import { AppError } from "../../../core/errors";
import { pool } from "../../../db";
import {
  createBus,
  deleteBus,
  describeBus,
  listBuses,
  putPermission,
  removePermission,
  updateBus,
} from "../../../domains/events/bus.service";
import {
  deleteRule,
  describeRule,
  disableRule,
  enableRule,
  listRuleNamesByTarget,
  listRules,
  listTargetsByRule,
  putRule,
  testEventPattern,
} from "../../../domains/events/rule.service";
import { putTargets, removeTargets } from "../../../domains/events/target.service";
import { checkTags, listTagsForResource, tagResource, untagResource } from "../../../domains/events/tag.service";
import { putEvents, type PutEventsEntry } from "../../../domains/events/put-events";
import type { BusRow, RuleRow, TargetDefinition } from "../../../domains/events/bus.repository";
import { ebNotFound } from "../../../domains/events/event.errors";
import { bool, compact, epoch, int, list, obj, str, caller, jsonActions, type Handler } from "./wire";

// Every EventBridge action Signalbox serves over AWS JSON 1.1 (X-Amz-Target: AWSEvents.<Action>).
// Each handler reads its members, calls one use case and shapes AWS's reply.

function busOut(b: BusRow, withPolicy = true) {
  return compact({
    Name: b.name,
    Arn: b.arn,
    Description: b.description,
    KmsKeyIdentifier: b.kmsKeyIdentifier,
    DeadLetterConfig: b.deadLetterConfig,
    Policy: withPolicy ? b.policy : null,
    CreationTime: epoch(b.createdAt),
    LastModifiedTime: epoch(b.updatedAt),
  });
}

function ruleOut(r: RuleRow, describe = false) {
  return compact({
    Name: r.name,
    Arn: r.arn,
    EventPattern: r.eventPattern,
    ScheduleExpression: r.scheduleExpression,
    State: r.state,
    Description: r.description,
    RoleArn: r.roleArn,
    ManagedBy: r.managedBy,
    EventBusName: r.busName,
    CreatedBy: describe ? r.createdBy : null,
  });
}

const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

const HANDLERS: Array<[string, Handler]> = [
  [
    "CreateEventBus",
    async (ctx, i) => {
      // Partner event sources do not exist here: a bus tied to one cannot be made (AWS's answer for an unknown source).
      const source = str(i, "EventSourceName");
      if (source) throw ebNotFound(`Event source ${source} does not exist.`);
      const b = await createBus(ctx.actor, caller(ctx), {
        name: str(i, "Name", true),
        description: str(i, "Description"),
        kmsKeyIdentifier: str(i, "KmsKeyIdentifier"),
        deadLetterConfig: obj(i, "DeadLetterConfig") as { Arn?: string } | undefined,
        tags: checkTags(list(i, "Tags")),
        policy: str(i, "Policy"),
      });
      return compact({
        EventBusArn: b.arn,
        Description: b.description,
        KmsKeyIdentifier: b.kmsKeyIdentifier,
        DeadLetterConfig: b.deadLetterConfig,
      });
    },
  ],
  ["DescribeEventBus", async (ctx, i) => busOut(await describeBus(ctx.actor, caller(ctx), str(i, "Name")))],
  [
    "UpdateEventBus",
    async (ctx, i) => {
      const patch: Parameters<typeof updateBus>[3] = {};
      if ("Description" in i) patch.description = str(i, "Description") ?? null;
      if ("KmsKeyIdentifier" in i) patch.kmsKeyIdentifier = str(i, "KmsKeyIdentifier") ?? null;
      if ("DeadLetterConfig" in i) patch.deadLetterConfig = (obj(i, "DeadLetterConfig") as { Arn?: string }) ?? null;
      const b = await updateBus(ctx.actor, caller(ctx), str(i, "Name"), patch);
      return compact({
        Arn: b.arn,
        Name: b.name,
        KmsKeyIdentifier: b.kmsKeyIdentifier,
        Description: b.description,
        DeadLetterConfig: b.deadLetterConfig,
      });
    },
  ],
  [
    "DeleteEventBus",
    async (ctx, i) => {
      await deleteBus(ctx.actor, caller(ctx), str(i, "Name", true));
      return {};
    },
  ],
  [
    "ListEventBuses",
    async (ctx, i) => {
      const r = await listBuses(ctx.actor, caller(ctx), {
        namePrefix: str(i, "NamePrefix"),
        nextToken: str(i, "NextToken"),
        limit: int(i, "Limit"),
      });
      return compact({ EventBuses: r.buses.map((b) => busOut(b)), NextToken: r.nextToken });
    },
  ],
  [
    "PutPermission",
    async (ctx, i) => {
      const policy = str(i, "Policy");
      await putPermission(
        ctx.actor,
        caller(ctx),
        policy !== undefined
          ? { policy, eventBusName: str(i, "EventBusName") }
          : {
              eventBusName: str(i, "EventBusName"),
              action: str(i, "Action"),
              principal: str(i, "Principal"),
              statementId: str(i, "StatementId"),
              condition: obj(i, "Condition") as { Type: string; Key: string; Value: string } | undefined,
            },
      );
      return {};
    },
  ],
  [
    "RemovePermission",
    async (ctx, i) => {
      await removePermission(ctx.actor, caller(ctx), {
        eventBusName: str(i, "EventBusName"),
        statementId: str(i, "StatementId"),
        removeAllPermissions: bool(i, "RemoveAllPermissions"),
      });
      return {};
    },
  ],
  [
    "PutEvents",
    async (ctx, i) => {
      assertCan(ctx.actor.role, "resource:write");
      const entries = list<PutEventsEntry>(i, "Entries", true);
      for (const e of entries)
        if (!e || typeof e !== "object" || Array.isArray(e))
          throw new AppError("validation", "Unexpected type for member Entries.", {
            awsCode: "SerializationException",
          });
      const results = await putEvents(pool(), caller(ctx), "default", entries);
      return { FailedEntryCount: results.filter((r) => "ErrorCode" in r).length, Entries: results };
    },
  ],
  [
    "PutRule",
    async (ctx, i) => {
      const r = await putRule(ctx.actor, caller(ctx), {
        name: str(i, "Name", true),
        eventBusName: str(i, "EventBusName"),
        eventPattern: str(i, "EventPattern"),
        scheduleExpression: str(i, "ScheduleExpression"),
        state: str(i, "State"),
        description: str(i, "Description"),
        roleArn: str(i, "RoleArn"),
        tags: checkTags(list(i, "Tags")),
      });
      return { RuleArn: r.ruleArn };
    },
  ],
  [
    "DescribeRule",
    async (ctx, i) =>
      ruleOut(await describeRule(ctx.actor, caller(ctx), str(i, "EventBusName"), str(i, "Name", true)), true),
  ],
  [
    "ListRules",
    async (ctx, i) => {
      const r = await listRules(ctx.actor, caller(ctx), {
        eventBusName: str(i, "EventBusName"),
        namePrefix: str(i, "NamePrefix"),
        nextToken: str(i, "NextToken"),
        limit: int(i, "Limit"),
      });
      return compact({ Rules: r.rules.map((x) => ruleOut(x)), NextToken: r.nextToken });
    },
  ],
  [
    "EnableRule",
    async (ctx, i) => {
      await enableRule(ctx.actor, caller(ctx), str(i, "EventBusName"), str(i, "Name", true));
      return {};
    },
  ],
  [
    "DisableRule",
    async (ctx, i) => {
      await disableRule(ctx.actor, caller(ctx), str(i, "EventBusName"), str(i, "Name", true));
      return {};
    },
  ],
  [
    "DeleteRule",
    async (ctx, i) => {
      await deleteRule(ctx.actor, caller(ctx), str(i, "EventBusName"), str(i, "Name", true), bool(i, "Force") ?? false);
      return {};
    },
  ],
  [
    "PutTargets",
    async (ctx, i) => {
      const r = await putTargets(ctx.actor, caller(ctx), {
        rule: str(i, "Rule", true),
        eventBusName: str(i, "EventBusName"),
        targets: list<TargetDefinition>(i, "Targets", true),
      });
      return { FailedEntryCount: r.failed.length, FailedEntries: r.failed };
    },
  ],
  [
    "RemoveTargets",
    async (ctx, i) => {
      const r = await removeTargets(ctx.actor, caller(ctx), {
        rule: str(i, "Rule", true),
        eventBusName: str(i, "EventBusName"),
        ids: list<string>(i, "Ids", true),
        force: bool(i, "Force"),
      });
      return { FailedEntryCount: r.failed.length, FailedEntries: r.failed };
    },
  ],
  [
    "ListTargetsByRule",
    async (ctx, i) => {
      const r = await listTargetsByRule(ctx.actor, caller(ctx), {
        rule: str(i, "Rule", true),
        eventBusName: str(i, "EventBusName"),
        nextToken: str(i, "NextToken"),
        limit: int(i, "Limit"),
      });
      return compact({ Targets: r.targets.map((t) => t.definition), NextToken: r.nextToken });
    },
  ],
  [
    "ListRuleNamesByTarget",
    async (ctx, i) => {
      const r = await listRuleNamesByTarget(ctx.actor, caller(ctx), {
        targetArn: str(i, "TargetArn", true),
        eventBusName: str(i, "EventBusName"),
        nextToken: str(i, "NextToken"),
        limit: int(i, "Limit"),
      });
      return compact({ RuleNames: r.ruleNames, NextToken: r.nextToken });
    },
  ],
  [
    "TestEventPattern",
    async (ctx, i) => {
      assertCan(ctx.actor.role, "resource:read");
      return { Result: testEventPattern(str(i, "EventPattern", true), str(i, "Event", true)) };
    },
  ],
  [
    "TagResource",
    async (ctx, i) => {
      await tagResource(ctx.actor, caller(ctx), str(i, "ResourceARN", true), checkTags(list(i, "Tags", true)));
      return {};
    },
  ],
  [
    "UntagResource",
    async (ctx, i) => {
      await untagResource(ctx.actor, caller(ctx), str(i, "ResourceARN", true), list<string>(i, "TagKeys", true));
      return {};
    },
  ],
  [
    "ListTagsForResource",
    async (ctx, i) => ({
      Tags: tagList(await listTagsForResource(ctx.actor, caller(ctx), str(i, "ResourceARN", true))),
    }),
  ],
];

export const eventsActions = jsonActions(HANDLERS);

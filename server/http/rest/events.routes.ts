import { z } from "zod";
import { defineRoute } from "./route";
import { assertCan } from "../../auth/permissions";
import { pool } from "../../db";
import { AppError } from "../../core/errors";
import { listBuses, type Caller } from "../../domains/events/bus.service";
import { listRules } from "../../domains/events/rule.service";
import { putEvents } from "../../domains/events/put-events";
import { getBusByName, getEventTrace, searchRecentEvents } from "../../domains/events/event.explorer";
import type { BusRow, RuleRow } from "../../domains/events/bus.repository";
import type { RestContext } from "./route";

// REST for event buses (/api/v1/buses/...): put events with a Bearer key (the same PutEvents as
// the AWS door, in camelCase JSON), and the read side: buses, rules, recent events, one event's trace.

const caller = (ctx: RestContext): Caller => ({ tenantId: ctx.tenant.id, accountId: ctx.tenant.accountId });

const busOut = z.object({
  name: z.string(),
  arn: z.string(),
  description: z.string().nullable(),
  policy: z.string().nullable(),
  tags: z.record(z.string(), z.string()),
  createdAt: z.string(),
});
const busView = (b: BusRow) => ({
  name: b.name,
  arn: b.arn,
  description: b.description,
  policy: b.policy,
  tags: b.tags,
  createdAt: b.createdAt.toISOString(),
});

const ruleOut = z.object({
  name: z.string(),
  arn: z.string(),
  eventPattern: z.string().nullable(),
  scheduleExpression: z.string().nullable(),
  state: z.string(),
  description: z.string().nullable(),
});
const ruleView = (r: RuleRow) => ({
  name: r.name,
  arn: r.arn,
  eventPattern: r.eventPattern,
  scheduleExpression: r.scheduleExpression,
  state: r.state,
  description: r.description,
});

const entryIn = z.object({
  source: z.string(),
  detailType: z.string(),
  detail: z.union([z.record(z.string(), z.unknown()), z.string()]).describe("A JSON object, or its text"),
  resources: z.array(z.string()).optional(),
  time: z.string().datetime({ offset: true }).optional(),
  traceHeader: z.string().optional(),
});

const eventSummary = z.object({
  id: z.string(),
  busName: z.string(),
  source: z.string(),
  detailType: z.string(),
  time: z.string(),
  receivedAt: z.string(),
  size: z.number(),
  ingest: z.string(),
  replayName: z.string().nullable(),
  matchedRules: z.array(z.string()),
});

export const eventRoutes = [
  defineRoute({
    method: "POST",
    path: "/api/v1/buses/:bus/events",
    tag: "event buses",
    summary:
      "Put 1–10 events on a bus (PutEvents). Each entry is accepted (eventId) or refused on its own (errorCode, errorMessage).",
    body: z.object({ entries: z.array(entryIn) }),
    response: z.object({
      failedEntryCount: z.number(),
      entries: z.array(
        z.object({
          eventId: z.string().optional(),
          errorCode: z.string().optional(),
          errorMessage: z.string().optional(),
        }),
      ),
    }),
    handler: async (ctx, { body }) => {
      assertCan(ctx.actor.role, "resource:write");
      const results = await putEvents(
        pool(),
        caller(ctx),
        ctx.params.bus!,
        body.entries.map((e) => ({
          Source: e.source,
          DetailType: e.detailType,
          Detail: typeof e.detail === "string" ? e.detail : JSON.stringify(e.detail),
          Resources: e.resources,
          Time: e.time,
          TraceHeader: e.traceHeader,
        })),
      );
      return {
        failedEntryCount: results.filter((r) => "ErrorCode" in r).length,
        entries: results.map((r) =>
          "EventId" in r ? { eventId: r.EventId } : { errorCode: r.ErrorCode, errorMessage: r.ErrorMessage },
        ),
      };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/buses",
    tag: "event buses",
    summary: "List event buses (the default bus always exists; 100 per page, pass nextToken).",
    query: z.object({ prefix: z.string().optional(), nextToken: z.string().optional() }),
    response: z.object({ buses: z.array(busOut), nextToken: z.string().nullable() }),
    handler: async (ctx, { query }) => {
      const r = await listBuses(ctx.actor, caller(ctx), { namePrefix: query.prefix, nextToken: query.nextToken });
      return { buses: r.buses.map(busView), nextToken: r.nextToken };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/buses/:bus",
    tag: "event buses",
    summary: "An event bus with its resource policy.",
    response: busOut,
    handler: async (ctx) => busView(await getBusByName(ctx.actor, caller(ctx), ctx.params.bus!)),
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/buses/:bus/rules",
    tag: "event buses",
    summary: "The bus's rules (100 per page, pass nextToken).",
    query: z.object({ prefix: z.string().optional(), nextToken: z.string().optional() }),
    response: z.object({ rules: z.array(ruleOut), nextToken: z.string().nullable() }),
    handler: async (ctx, { query }) => {
      const r = await listRules(ctx.actor, caller(ctx), {
        eventBusName: ctx.params.bus!,
        namePrefix: query.prefix,
        nextToken: query.nextToken,
      });
      return { rules: r.rules.map(ruleView), nextToken: r.nextToken };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/buses/:bus/events",
    tag: "event buses",
    summary: "Recent events on the bus (last 24 hours), newest first; filter by source, detailType, id, time range.",
    query: z.object({
      source: z.string().optional(),
      detailType: z.string().optional(),
      id: z.string().optional(),
      from: z.string().datetime({ offset: true }).optional(),
      to: z.string().datetime({ offset: true }).optional(),
      cursor: z.string().optional(),
      limit: z.coerce.number().int().min(1).max(200).optional(),
    }),
    response: z.object({ events: z.array(eventSummary), nextCursor: z.string().nullable() }),
    handler: async (ctx, { query }) =>
      searchRecentEvents(ctx.actor, caller(ctx), {
        busName: ctx.params.bus!,
        source: query.source,
        detailType: query.detailType,
        id: query.id,
        from: query.from ? new Date(query.from) : null,
        to: query.to ? new Date(query.to) : null,
        cursor: query.cursor,
        limit: query.limit,
      }),
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/buses/:bus/events/:id",
    tag: "event buses",
    summary: "One event with its trace: the rules it matched and each target invocation with its outcome.",
    response: z.object({
      event: eventSummary,
      envelope: z.unknown(),
      rules: z.array(z.object({ ruleArn: z.string(), invocations: z.array(z.record(z.string(), z.unknown())) })),
      otherInvocations: z.array(z.record(z.string(), z.unknown())),
    }),
    handler: async (ctx) => {
      const trace = await getEventTrace(ctx.actor, caller(ctx), ctx.params.id!);
      if (trace.event.busName !== ctx.params.bus)
        throw new AppError("not_found", `Event ${ctx.params.id} does not exist on bus ${ctx.params.bus}.`);
      return trace;
    },
  }),
];

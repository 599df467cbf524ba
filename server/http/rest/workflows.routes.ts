import { z } from "zod";
import { defineRoute, RawReply, type RestContext } from "./route";
import { assertCan } from "../../auth/permissions";
import { AppError } from "../../core/errors";
import { pool, withTransaction } from "../../db";
import { env } from "../../env";
import { gated } from "../../platform/tx-gate";
import { startExecutionInTx } from "../../domains/workflows/start";
import {
  describeExecution,
  getExecutionHistory,
  listExecutions,
  listWaitingTaskTokens,
  sendTaskFailure,
  sendTaskHeartbeat,
  sendTaskSuccess,
  stopExecution,
  type DescribeExecutionOutput,
  type ExecutionListItem,
} from "../../domains/workflows/execution.service";
import { executionArnById, executionIdByArn } from "../../domains/workflows/execution-lookup.repository";

// REST for workflows (/api/v1/state-machines/{name}/executions, /api/v1/executions/{execution},
// /api/v1/task-tokens/...): what a tenant's app needs at run time (start, watch, stop, answer a
// waiting task), over the same use cases as the Step Functions door (wf-exec's execution service).
// Inputs and outputs are JSON values here, not JSON text as on the AWS wire. An execution is named
// by its ARN (URL-encoded) or its id; a state machine by its name (`orders`, `orders:live` for an
// alias, `orders:3` for a version) or its ARN.

type Caller = { tenant: { id: string; accountId: string }; actor: RestContext["actor"] };
const callerOf = (ctx: RestContext): Caller => ({ tenant: ctx.tenant, actor: ctx.actor });

function stateMachineArnOf(ctx: RestContext, ref: string): string {
  if (ref.startsWith("arn:")) return ref;
  return `arn:aws:states:${env().SIGNALBOX_REGION}:${ctx.tenant.accountId}:stateMachine:${ref}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The execution ARN a path names: an ARN as is, an id looked up in the caller's tenant. */
async function executionArnOf(ctx: RestContext, ref: string): Promise<string> {
  if (ref.startsWith("arn:")) return ref;
  const arn = UUID.test(ref) ? await executionArnById(pool(), ctx.tenant.id, ref) : null;
  if (!arn) throw new AppError("not_found", `Execution Does Not Exist: '${ref}'`, { awsCode: "ExecutionDoesNotExist" });
  return arn;
}

const jsonOf = (text: string | undefined | null): unknown => {
  if (text === undefined || text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};
const iso = (d: Date | undefined | null) => (d ? d.toISOString() : null);

const STATUSES = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"] as const;

const executionOut = z.object({
  id: z.string().nullable(),
  executionArn: z.string(),
  stateMachineArn: z.string(),
  name: z.string(),
  status: z.enum(STATUSES),
  startDate: z.string(),
  stopDate: z.string().nullable(),
  input: z.unknown().describe("The execution's input (JSON)"),
  output: z.unknown().describe("Its output (JSON) once SUCCEEDED, else null"),
  error: z.string().nullable(),
  cause: z.string().nullable(),
  stateMachineVersionArn: z.string().nullable(),
  stateMachineAliasArn: z.string().nullable(),
  mapRunArn: z.string().nullable(),
  redriveCount: z.number(),
  redriveStatus: z.string(),
});

function executionView(id: string | null, d: DescribeExecutionOutput) {
  return {
    id,
    executionArn: d.executionArn,
    stateMachineArn: d.stateMachineArn,
    name: d.name,
    status: d.status,
    startDate: iso(d.startDate)!,
    stopDate: iso(d.stopDate),
    input: jsonOf(d.input),
    output: jsonOf(d.output),
    error: d.error ?? null,
    cause: d.cause ?? null,
    stateMachineVersionArn: d.stateMachineVersionArn ?? null,
    stateMachineAliasArn: d.stateMachineAliasArn ?? null,
    mapRunArn: d.mapRunArn ?? null,
    redriveCount: d.redriveCount,
    redriveStatus: d.redriveStatus,
  };
}

const listItemOut = z.object({
  executionArn: z.string(),
  stateMachineArn: z.string(),
  name: z.string(),
  status: z.enum(STATUSES),
  startDate: z.string(),
  stopDate: z.string().nullable(),
  redriveCount: z.number(),
});
const listItemView = (e: ExecutionListItem) => ({
  executionArn: e.executionArn,
  stateMachineArn: e.stateMachineArn,
  name: e.name,
  status: e.status,
  startDate: iso(e.startDate)!,
  stopDate: iso(e.stopDate),
  redriveCount: e.redriveCount,
});

// AWS's limits for the same members of StartExecution / SendTask* / StopExecution.
const MAX_PAYLOAD = 262_144;
const json = z.unknown().refine((v) => v !== undefined, "Required");
const payloadText = (v: unknown) => JSON.stringify(v);
const withinPayload = (v: unknown) => v === undefined || Buffer.byteLength(payloadText(v)) <= MAX_PAYLOAD;
const token = z.string().min(1).max(2048);

const startIn = z.object({
  input: z
    .unknown()
    .optional()
    .refine(withinPayload, `input must be at most ${MAX_PAYLOAD} bytes of JSON`)
    .describe("The execution's input: any JSON value (default {})"),
  name: z
    .string()
    .min(1)
    .max(80)
    .optional()
    .describe("Execution name, unique per state machine: starting the same name with the same input again is a no-op"),
  traceHeader: z.string().max(256).optional(),
});

export const workflowRoutes = [
  defineRoute({
    method: "POST",
    path: "/api/v1/state-machines/:stateMachine/executions",
    tag: "workflows",
    summary:
      "Start an execution (201). With a name, idempotent: the same name and input while it runs answers 200 with the same execution; a different input is 409 ExecutionAlreadyExists.",
    status: 201,
    body: startIn,
    response: z.object({
      executionArn: z.string(),
      id: z.string().nullable(),
      startDate: z.string(),
      created: z.boolean(),
    }),
    handler: async (ctx, { body }) => {
      assertCan(ctx.actor.role, "resource:write");
      const started = await gated(() =>
        withTransaction((tx) =>
          startExecutionInTx(tx, callerOf(ctx), {
            stateMachineArn: stateMachineArnOf(ctx, ctx.params.stateMachine!),
            ...(body.name !== undefined ? { name: body.name } : {}),
            input: body.input === undefined ? "{}" : payloadText(body.input),
            ...(body.traceHeader !== undefined ? { traceHeader: body.traceHeader } : {}),
          }),
        ),
      );
      const out = {
        executionArn: started.executionArn,
        id: await executionIdByArn(pool(), ctx.tenant.id, started.executionArn),
        startDate: started.startDate.toISOString(),
        created: started.created,
      };
      return started.created ? out : new RawReply(JSON.stringify(out), "application/json", 200);
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/state-machines/:stateMachine/executions",
    tag: "workflows",
    summary: "A state machine's executions, newest first (filter by status; pass nextToken for the next page).",
    query: z.object({
      status: z.enum(STATUSES).optional(),
      maxResults: z.coerce.number().int().min(1).max(1000).optional(),
      nextToken: z.string().optional(),
    }),
    response: z.object({ executions: z.array(listItemOut), nextToken: z.string().nullable() }),
    handler: async (ctx, { query }) => {
      assertCan(ctx.actor.role, "resource:read");
      const r = await listExecutions(callerOf(ctx), {
        stateMachineArn: stateMachineArnOf(ctx, ctx.params.stateMachine!),
        ...(query.status ? { statusFilter: query.status } : {}),
        ...(query.maxResults ? { maxResults: query.maxResults } : {}),
        ...(query.nextToken ? { nextToken: query.nextToken } : {}),
      });
      return { executions: r.executions.map(listItemView), nextToken: r.nextToken ?? null };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/executions/:execution",
    tag: "workflows",
    summary: "An execution's status, input and output (by its ARN, URL-encoded, or its id).",
    response: executionOut,
    handler: async (ctx) => {
      assertCan(ctx.actor.role, "resource:read");
      const executionArn = await executionArnOf(ctx, ctx.params.execution!);
      const d = await describeExecution(callerOf(ctx), { executionArn });
      return executionView(await executionIdByArn(pool(), ctx.tenant.id, executionArn), d);
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/executions/:execution/history",
    tag: "workflows",
    summary: "An execution's history events (AWS's types and members), oldest first unless reverseOrder=true.",
    query: z.object({
      maxResults: z.coerce.number().int().min(1).max(1000).optional(),
      nextToken: z.string().optional(),
      reverseOrder: z.enum(["true", "false"]).optional(),
    }),
    response: z.object({ events: z.array(z.record(z.string(), z.unknown())), nextToken: z.string().nullable() }),
    handler: async (ctx, { query }) => {
      assertCan(ctx.actor.role, "resource:read");
      const r = await getExecutionHistory(callerOf(ctx), {
        executionArn: await executionArnOf(ctx, ctx.params.execution!),
        ...(query.maxResults ? { maxResults: query.maxResults } : {}),
        ...(query.nextToken ? { nextToken: query.nextToken } : {}),
        reverseOrder: query.reverseOrder === "true",
      });
      return {
        events: r.events.map((e) => ({ ...e, timestamp: e.timestamp.toISOString() })),
        nextToken: r.nextToken ?? null,
      };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/executions/:execution/task-tokens",
    tag: "workflows",
    summary: "The task tokens a running execution waits on (.waitForTaskToken tasks), to answer them.",
    response: z.object({
      taskTokens: z.array(
        z.object({ taskToken: z.string(), stateName: z.string(), scheduledEventId: z.number(), createdAt: z.string() }),
      ),
    }),
    handler: async (ctx) => {
      assertCan(ctx.actor.role, "resource:read");
      const list = await listWaitingTaskTokens(callerOf(ctx), await executionArnOf(ctx, ctx.params.execution!));
      return { taskTokens: list.map((t) => ({ ...t, createdAt: t.createdAt.toISOString() })) };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/executions/:execution/stop",
    tag: "workflows",
    summary: "Stop a running execution (ABORTED), with an optional error and cause.",
    body: z.object({ error: z.string().max(256).optional(), cause: z.string().max(32_768).optional() }),
    response: z.object({ stopDate: z.string() }),
    handler: async (ctx, { body }) => {
      assertCan(ctx.actor.role, "resource:write");
      const r = await stopExecution(callerOf(ctx), {
        executionArn: await executionArnOf(ctx, ctx.params.execution!),
        ...(body.error !== undefined ? { error: body.error } : {}),
        ...(body.cause !== undefined ? { cause: body.cause } : {}),
      });
      return { stopDate: r.stopDate.toISOString() };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/task-tokens/success",
    tag: "workflows",
    summary: "Complete a waiting task (SendTaskSuccess): its output is any JSON value. 204.",
    status: 204,
    body: z.object({
      taskToken: token,
      output: json.refine(withinPayload, `output must be at most ${MAX_PAYLOAD} bytes of JSON`),
    }),
    handler: async (ctx, { body }) => {
      assertCan(ctx.actor.role, "resource:write");
      await sendTaskSuccess(callerOf(ctx), { taskToken: body.taskToken, output: payloadText(body.output) });
      return undefined;
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/task-tokens/failure",
    tag: "workflows",
    summary: "Fail a waiting task (SendTaskFailure) with an error name and cause the state's Catch/Retry see. 204.",
    status: 204,
    body: z.object({
      taskToken: token,
      error: z.string().max(256).optional(),
      cause: z.string().max(32_768).optional(),
    }),
    handler: async (ctx, { body }) => {
      assertCan(ctx.actor.role, "resource:write");
      await sendTaskFailure(callerOf(ctx), {
        taskToken: body.taskToken,
        ...(body.error !== undefined ? { error: body.error } : {}),
        ...(body.cause !== undefined ? { cause: body.cause } : {}),
      });
      return undefined;
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/task-tokens/heartbeat",
    tag: "workflows",
    summary:
      "Report that a waiting task is still being worked on (SendTaskHeartbeat), resetting its HeartbeatSeconds. 204.",
    status: 204,
    body: z.object({ taskToken: token }),
    handler: async (ctx, { body }) => {
      assertCan(ctx.actor.role, "resource:write");
      await sendTaskHeartbeat(callerOf(ctx), { taskToken: body.taskToken });
      return undefined;
    },
  }),
];

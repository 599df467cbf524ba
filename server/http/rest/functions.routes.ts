import { z } from "zod";
import { defineRoute } from "./route";
import {
  createFunction,
  deleteFunction,
  getFunctionByIdOrName,
  listFunctions,
  rotateFunctionSecret,
  updateFunction,
} from "../../domains/functions/function.service";
import { invokeFunction } from "../../domains/functions/function.invoke";
import { functionView } from "../../domains/functions/function.console";
import {
  createFunctionInput,
  functionSettingsInput,
  invokeFunctionInput,
} from "../../domains/functions/function.schemas";

// REST for functions (/api/v1/functions/...): the same use cases as the Lambda door and the console.

const fnOut = z
  .object({
    id: z.string(),
    name: z.string(),
    arn: z.string(),
    url: z.string(),
    timeoutSeconds: z.number(),
    reservedConcurrency: z.number().nullable(),
  })
  .passthrough();

export const functionRoutes = [
  defineRoute({
    method: "POST",
    path: "/api/v1/functions",
    tag: "functions",
    summary:
      "Register a function (your HTTPS service under a Lambda ARN). The answer carries its Standard Webhooks signing secret, shown once.",
    status: 201,
    body: createFunctionInput,
    response: z.object({ function: fnOut, signingSecret: z.string() }),
    handler: async (ctx, { body }) => {
      const { fn, secret } = await createFunction(ctx.actor, ctx.tenant, body);
      return { function: functionView(fn), signingSecret: secret };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/functions",
    tag: "functions",
    summary: "List functions (by name; pass marker for the next page).",
    query: z.object({ marker: z.string().optional(), maxItems: z.coerce.number().int().min(1).max(50).optional() }),
    response: z.object({ functions: z.array(fnOut), nextMarker: z.string().nullable() }),
    handler: async (ctx, { query }) => {
      const r = await listFunctions(ctx.actor, ctx.tenant, { marker: query.marker, maxItems: query.maxItems });
      return { functions: r.functions.map(functionView), nextMarker: r.nextMarker };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/functions/:name",
    tag: "functions",
    summary: "A function's settings.",
    response: fnOut,
    handler: async (ctx) => functionView(await getFunctionByIdOrName(ctx.actor, ctx.tenant, ctx.params.name!)),
  }),
  defineRoute({
    method: "PATCH",
    path: "/api/v1/functions/:name",
    tag: "functions",
    summary: "Change a function's URL, timeout, concurrency limit, async retry settings or on-failure destination.",
    body: functionSettingsInput,
    response: fnOut,
    handler: async (ctx, { body }) => functionView(await updateFunction(ctx.actor, ctx.tenant, ctx.params.name!, body)),
  }),
  defineRoute({
    method: "DELETE",
    path: "/api/v1/functions/:name",
    tag: "functions",
    summary: "Delete a function.",
    status: 204,
    handler: async (ctx) => {
      await deleteFunction(ctx.actor, ctx.tenant, ctx.params.name!);
      return undefined;
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/functions/:name/rotate-secret",
    tag: "functions",
    summary: "Replace the function's signing secret (shown once).",
    response: z.object({ signingSecret: z.string() }),
    handler: async (ctx) => ({ signingSecret: await rotateFunctionSecret(ctx.actor, ctx.tenant, ctx.params.name!) }),
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/functions/:name/invoke",
    tag: "functions",
    summary:
      "Invoke a function. RequestResponse answers {statusCode: 200, payload, functionError}; Event queues it (202); DryRun only checks (204).",
    body: invokeFunctionInput,
    response: z.object({
      statusCode: z.number(),
      requestId: z.string(),
      payload: z.unknown().optional(),
      functionError: z.string().nullable().optional(),
    }),
    handler: async (ctx, { body }) => {
      const r = await invokeFunction({ actor: ctx.actor, tenant: ctx.tenant }, ctx.params.name!, body.payload, {
        invocationType: body.invocationType,
        requestId: ctx.requestId,
      });
      if (r.statusCode !== 200) return r;
      return {
        statusCode: 200,
        requestId: r.requestId,
        payload: JSON.parse(r.payload) as unknown,
        functionError: r.functionError,
      };
    },
  }),
];

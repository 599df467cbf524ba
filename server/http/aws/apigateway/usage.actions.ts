import { z } from "zod";
import { AppError } from "../../../core/errors";
import * as usage from "../../../domains/apis/usage/usage.service";
import type { ApiKeyRow, UsagePlanRow } from "../../../domains/apis/usage/usage.repository";
import type { AwsAction, AwsCall, AwsReply, RestJsonRoute } from "../types";

// API Gateway v1's API keys, usage plans and usage (/apikeys, /usageplans, ...): routes and actions
// the apigateway service (apigateway.service.ts) spreads in. Paths and members as
// @aws-sdk/client-api-gateway sends them; replies in AWS's shapes (lists as `item`, dates as epoch
// seconds), errors as BadRequestException / NotFoundException / ConflictException.
export const usageRoutes: RestJsonRoute[] = [
  // POST /apikeys is CreateApiKey, or ImportApiKeys with ?mode=import (a CSV body).
  { method: "POST", path: "/apikeys", action: "CreateApiKey" },
  { method: "GET", path: "/apikeys", action: "GetApiKeys" },
  { method: "GET", path: "/apikeys/{apiKey}", action: "GetApiKey" },
  { method: "PATCH", path: "/apikeys/{apiKey}", action: "UpdateApiKey" },
  { method: "DELETE", path: "/apikeys/{apiKey}", action: "DeleteApiKey" },
  { method: "POST", path: "/usageplans", action: "CreateUsagePlan" },
  { method: "GET", path: "/usageplans", action: "GetUsagePlans" },
  { method: "GET", path: "/usageplans/{usagePlanId}", action: "GetUsagePlan" },
  { method: "PATCH", path: "/usageplans/{usagePlanId}", action: "UpdateUsagePlan" },
  { method: "DELETE", path: "/usageplans/{usagePlanId}", action: "DeleteUsagePlan" },
  { method: "POST", path: "/usageplans/{usagePlanId}/keys", action: "CreateUsagePlanKey" },
  { method: "GET", path: "/usageplans/{usagePlanId}/keys", action: "GetUsagePlanKeys" },
  { method: "GET", path: "/usageplans/{usagePlanId}/keys/{keyId}", action: "GetUsagePlanKey" },
  { method: "DELETE", path: "/usageplans/{usagePlanId}/keys/{keyId}", action: "DeleteUsagePlanKey" },
  { method: "GET", path: "/usageplans/{usagePlanId}/usage", action: "GetUsage" },
  { method: "PATCH", path: "/usageplans/{usagePlanId}/keys/{keyId}/usage", action: "UpdateUsage" },
];

/** Actions whose body the service must not parse as JSON (ImportApiKeys shares CreateApiKey's route). */
export const usageRawBodyActions: ReadonlySet<string> = new Set(["CreateApiKey"]);

const JSON_CT = "application/json";
const caller = (call: AwsCall) => ({ tenant: call.ctx.tenant, actor: call.ctx.actor });
const reply = (status: number, body: unknown): AwsReply => ({
  status,
  headers: { "content-type": JSON_CT },
  body: JSON.stringify(body),
});
const accepted = (): AwsReply => ({ status: 202, headers: { "content-type": JSON_CT }, body: "" });
const epoch = (d: Date) => Math.floor(new Date(d).getTime() / 1000);
const p = (call: AwsCall, name: string) => call.pathParams?.[name] ?? "";
const q = (call: AwsCall, name: string) => call.query?.get(name) ?? undefined;
const qInt = (call: AwsCall, name: string) => {
  const v = q(call, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw usage.badRequest(`Invalid ${name} parameter: ${v}`);
  return n;
};
const qBool = (call: AwsCall, name: string) => q(call, name) === "true";

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw usage.badRequest(`Invalid request body: ${issue.path.join(".") || "body"}: ${issue.message}`);
}

export function apiKeyOut(k: ApiKeyRow, includeValue: boolean): Record<string, unknown> {
  return {
    id: k.id,
    ...(includeValue ? { value: k.value } : {}),
    ...(k.name ? { name: k.name } : {}),
    ...(k.customerId ? { customerId: k.customerId } : {}),
    ...(k.description !== null ? { description: k.description } : {}),
    enabled: k.enabled,
    createdDate: epoch(k.createdAt),
    lastUpdatedDate: epoch(k.updatedAt),
    stageKeys: k.stageKeys,
    tags: k.tags,
  };
}

export function usagePlanOut(u: UsagePlanRow): Record<string, unknown> {
  return {
    id: u.id,
    name: u.name,
    ...(u.description !== null ? { description: u.description } : {}),
    apiStages: u.apiStages,
    ...(u.throttle ? { throttle: u.throttle } : {}),
    ...(u.quota ? { quota: u.quota } : {}),
    ...(u.productCode ? { productCode: u.productCode } : {}),
    tags: u.tags,
  };
}

const planKeyOut = (k: ApiKeyRow) => ({
  id: k.id,
  type: "API_KEY",
  value: k.value,
  ...(k.name ? { name: k.name } : {}),
});

const tags = z.record(z.string(), z.string());
const throttle = z.object({ burstLimit: z.number().optional(), rateLimit: z.number().optional() });
const patchOps = z.object({
  patchOperations: z
    .array(
      z.object({
        op: z.string().optional(),
        path: z.string().optional(),
        value: z.string().optional(),
        from: z.string().optional(),
      }),
    )
    .optional(),
});

const createApiKeyBody = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  enabled: z.boolean().optional(),
  generateDistinctId: z.boolean().optional(),
  value: z.string().optional(),
  stageKeys: z.array(z.object({ restApiId: z.string().optional(), stageName: z.string().optional() })).optional(),
  customerId: z.string().optional(),
  tags: tags.optional(),
});

const createApiKey: AwsAction = async (call) => {
  const text = call.rawBody?.length ? call.rawBody.toString("utf8") : "";
  if (q(call, "mode") === "import") {
    const out = await usage.importApiKeys(caller(call), text, {
      format: q(call, "format"),
      failOnWarnings: qBool(call, "failonwarnings"),
    });
    return reply(201, { ids: out.ids, warnings: out.warnings });
  }
  let json: unknown = {};
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      throw new AppError("validation", "The request body is not valid JSON.", {
        awsCode: "SerializationException",
        awsStatus: 400,
      });
    }
  }
  const key = await usage.createApiKey(caller(call), parse(createApiKeyBody, json));
  return reply(201, apiKeyOut(key, true));
};

const getApiKey: AwsAction = async (call) =>
  reply(200, apiKeyOut(await usage.getApiKey(caller(call), p(call, "apiKey")), qBool(call, "includeValue")));

const getApiKeys: AwsAction = async (call) => {
  const r = await usage.getApiKeys(caller(call), {
    nameQuery: q(call, "name"),
    customerId: q(call, "customerId"),
    position: q(call, "position"),
    limit: qInt(call, "limit"),
  });
  const include = qBool(call, "includeValues");
  return reply(200, {
    ...(r.position ? { position: r.position } : {}),
    item: r.items.map((k) => apiKeyOut(k, include)),
  });
};

const updateApiKey: AwsAction = async (call) => {
  const body = parse(patchOps, call.json);
  const key = await usage.updateApiKey(caller(call), p(call, "apiKey"), body.patchOperations ?? []);
  return reply(200, apiKeyOut(key, false));
};

const deleteApiKey: AwsAction = async (call) => {
  await usage.deleteApiKey(caller(call), p(call, "apiKey"));
  return accepted();
};

const createUsagePlanBody = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  apiStages: z
    .array(
      z.object({
        apiId: z.string().optional(),
        stage: z.string().optional(),
        throttle: z.record(z.string(), throttle).optional(),
      }),
    )
    .optional(),
  throttle: throttle.optional(),
  quota: z
    .object({ limit: z.number().optional(), offset: z.number().optional(), period: z.string().optional() })
    .optional(),
  tags: tags.optional(),
});

const createUsagePlan: AwsAction = async (call) =>
  reply(201, usagePlanOut(await usage.createUsagePlan(caller(call), parse(createUsagePlanBody, call.json))));

const getUsagePlan: AwsAction = async (call) =>
  reply(200, usagePlanOut(await usage.getUsagePlan(caller(call), p(call, "usagePlanId"))));

const getUsagePlans: AwsAction = async (call) => {
  const r = await usage.getUsagePlans(caller(call), {
    keyId: q(call, "keyId"),
    position: q(call, "position"),
    limit: qInt(call, "limit"),
  });
  return reply(200, { ...(r.position ? { position: r.position } : {}), item: r.items.map(usagePlanOut) });
};

const updateUsagePlan: AwsAction = async (call) => {
  const body = parse(patchOps, call.json);
  return reply(
    200,
    usagePlanOut(await usage.updateUsagePlan(caller(call), p(call, "usagePlanId"), body.patchOperations ?? [])),
  );
};

const deleteUsagePlan: AwsAction = async (call) => {
  await usage.deleteUsagePlan(caller(call), p(call, "usagePlanId"));
  return accepted();
};

const createUsagePlanKeyBody = z.object({ keyId: z.string().optional(), keyType: z.string().optional() });

const createUsagePlanKey: AwsAction = async (call) => {
  const body = parse(createUsagePlanKeyBody, call.json);
  return reply(201, planKeyOut(await usage.createUsagePlanKey(caller(call), p(call, "usagePlanId"), body)));
};

const getUsagePlanKey: AwsAction = async (call) =>
  reply(200, planKeyOut(await usage.getUsagePlanKey(caller(call), p(call, "usagePlanId"), p(call, "keyId"))));

const getUsagePlanKeys: AwsAction = async (call) => {
  const r = await usage.getUsagePlanKeys(caller(call), p(call, "usagePlanId"), {
    nameQuery: q(call, "name"),
    position: q(call, "position"),
    limit: qInt(call, "limit"),
  });
  return reply(200, { ...(r.position ? { position: r.position } : {}), item: r.items.map(planKeyOut) });
};

const deleteUsagePlanKey: AwsAction = async (call) => {
  await usage.deleteUsagePlanKey(caller(call), p(call, "usagePlanId"), p(call, "keyId"));
  return accepted();
};

const getUsage: AwsAction = async (call) => {
  const r = await usage.getUsage(caller(call), p(call, "usagePlanId"), {
    startDate: q(call, "startDate"),
    endDate: q(call, "endDate"),
    keyId: q(call, "keyId"),
    position: q(call, "position"),
    limit: qInt(call, "limit"),
  });
  return reply(200, {
    usagePlanId: r.usagePlanId,
    startDate: r.startDate,
    endDate: r.endDate,
    ...(r.position ? { position: r.position } : {}),
    values: r.items,
  });
};

const updateUsage: AwsAction = async (call) => {
  const body = parse(patchOps, call.json);
  const r = await usage.updateUsage(caller(call), p(call, "usagePlanId"), p(call, "keyId"), body.patchOperations ?? []);
  return reply(200, { usagePlanId: r.usagePlanId, startDate: r.startDate, endDate: r.endDate, values: r.items });
};

export const usageActions: [string, AwsAction][] = [
  ["CreateApiKey", createApiKey],
  ["GetApiKey", getApiKey],
  ["GetApiKeys", getApiKeys],
  ["UpdateApiKey", updateApiKey],
  ["DeleteApiKey", deleteApiKey],
  ["CreateUsagePlan", createUsagePlan],
  ["GetUsagePlan", getUsagePlan],
  ["GetUsagePlans", getUsagePlans],
  ["UpdateUsagePlan", updateUsagePlan],
  ["DeleteUsagePlan", deleteUsagePlan],
  ["CreateUsagePlanKey", createUsagePlanKey],
  ["GetUsagePlanKey", getUsagePlanKey],
  ["GetUsagePlanKeys", getUsagePlanKeys],
  ["DeleteUsagePlanKey", deleteUsagePlanKey],
  ["GetUsage", getUsage],
  ["UpdateUsage", updateUsage],
];

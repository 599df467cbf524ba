import type { Actor } from "../../auth/permissions";
import { assertCan } from "../../auth/permissions";
import { executeApiBase } from "../../platform/execute-api";
import { AppError, isAppError } from "../../core/errors";
import { renderTemplate } from "../../core/apis/vtl";
import { resourcePath } from "../../core/apis/model";
import * as apis from "./rest-api.service";
import * as deploys from "./deployment.service";
import { exportApi, importApi } from "./openapi.service";
import { parseDefinition } from "../../core/apis/openapi";
import { flushStageCache } from "./response-cache.service";
import { authorizerView } from "./authorizers/rest-authorizer-view";

// The APIs console's calls (REST APIs, API Gateway v1): thin wrappers over the control plane's
// services that gather what one page shows in one round trip (an API with its resource tree,
// stages and deployments) and turn the services' BadRequest/Conflict errors into a form's field
// error where the field is known. Members act, viewers read: the services check the role.

export type ConsoleTenant = { id: string; slug: string; name: string; accountId: string };
type Ctx = { actor: Actor; tenant: ConsoleTenant };
const caller = (c: Ctx): apis.Caller => ({ actor: c.actor, tenant: c.tenant });

/** Runs `fn`; an AppError from the service becomes a field error on `field`. */
export async function onField<T>(field: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isAppError(e) && (e.code === "validation" || e.code === "conflict") && !e.fieldErrors)
      throw new AppError(e.code, e.message, { fieldErrors: { [field]: [e.message] } });
    throw e;
  }
}

export async function consoleApis(c: Ctx) {
  const out = (await apis.getRestApis(caller(c), null, "500")) as { item: Record<string, unknown>[] };
  return out.item.map((a) => ({
    id: String(a.id),
    name: String(a.name),
    description: (a.description as string | undefined) ?? null,
    createdDate: Number(a.createdDate),
  }));
}

export async function consoleCreateApi(c: Ctx, input: { name: string; description?: string; openapi?: string }) {
  if (input.openapi !== undefined) {
    let parsed: unknown;
    try {
      parsed = parseDefinition(input.openapi);
    } catch (e) {
      const message = e instanceof AppError ? e.message : "The file is neither JSON nor YAML.";
      throw new AppError("validation", message, { fieldErrors: { openapi: [message] } });
    }
    if (parsed && typeof parsed === "object" && input.name) {
      const info = ((parsed as Record<string, unknown>).info ?? {}) as Record<string, unknown>;
      (parsed as Record<string, unknown>).info = { ...info, title: input.name };
    }
    const out = await onField("openapi", () =>
      importApi(caller(c), Buffer.from(JSON.stringify(parsed)), { failOnWarnings: false }),
    );
    return { id: String(out.id), name: String(out.name), warnings: (out.warnings as string[] | undefined) ?? [] };
  }
  const out = await onField("name", () =>
    apis.createRestApi(caller(c), {
      name: input.name,
      description: input.description,
      endpointConfiguration: { types: ["REGIONAL"] },
    }),
  );
  return { id: String(out.id), name: String(out.name), warnings: [] as string[] };
}

export async function consoleDeleteApi(c: Ctx, apiId: string) {
  await apis.deleteRestApi(caller(c), apiId);
  return { deleted: true };
}

/** The API page: the API, its resources (with methods) by path, stages, deployments, authorizers, validators. */
export async function consoleApi(c: Ctx, apiId: string, origin: string | null) {
  const cl = caller(c);
  const api = await apis.loadApi(cl, apiId);
  assertCan(c.actor.role, "resource:read");
  const doc = api.doc;
  const resources = Object.values(doc.resources)
    .map((r) => ({
      id: r.id,
      parentId: r.parentId ?? null,
      pathPart: r.pathPart ?? "",
      path: resourcePath(doc, r.id),
      methods: Object.values(r.methods).map((m) => structuredClone(m)),
    }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const stages = ((await deploys.getStages(cl, apiId, null)) as { item: Record<string, unknown>[] }).item;
  const deployments = ((await deploys.getDeployments(cl, apiId, null, "500")) as { item?: Record<string, unknown>[] })
    .item;
  const base = executeApiBase(origin ?? process.env.SIGNALBOX_PUBLIC_URL ?? "http://localhost:3000", apiId);
  return {
    id: api.id,
    name: api.name,
    description: api.settings.description ?? null,
    apiKeySource: api.settings.apiKeySource,
    policy: api.settings.policy ?? null,
    createdAt: new Date(api.createdAt).toISOString(),
    rootResourceId: doc.rootResourceId,
    resources,
    authorizers: Object.values(doc.authorizers ?? {}).map(authorizerView),
    validators: Object.values(doc.requestValidators ?? {}).map((v) => ({ id: v.id, name: v.name })),
    stages: stages.map((s) => ({
      stageName: String(s.stageName),
      description: (s.description as string | undefined) ?? null,
      deploymentId: String(s.deploymentId),
      invokeUrl: `${base}/${String(s.stageName)}`,
      variables: (s.variables as Record<string, string> | undefined) ?? {},
      methodSettings: (s.methodSettings ?? {}) as Record<string, Record<string, unknown>>,
      cacheClusterEnabled: s.cacheClusterEnabled === true,
      lastUpdatedDate: Number(s.lastUpdatedDate),
    })),
    deployments: (deployments ?? [])
      .map((d) => ({
        id: String(d.id),
        description: (d.description as string | undefined) ?? null,
        createdDate: Number(d.createdDate),
      }))
      .sort((a, b) => b.createdDate - a.createdDate),
  };
}

export async function consoleAddResource(c: Ctx, input: { apiId: string; parentId: string; pathPart: string }) {
  return onField("pathPart", () => apis.createResource(caller(c), input.apiId, input.parentId, input.pathPart));
}

export async function consoleDeleteResource(c: Ctx, input: { apiId: string; resourceId: string }) {
  await apis.deleteResource(caller(c), input.apiId, input.resourceId);
  return { deleted: true };
}

export type MethodRequestInput = {
  apiId: string;
  resourceId: string;
  httpMethod: string;
  authorizationType: "NONE" | "AWS_IAM" | "CUSTOM" | "COGNITO_USER_POOLS";
  authorizerId?: string | null;
  apiKeyRequired: boolean;
  requestParameters: Record<string, boolean>;
  requestValidatorId?: string | null;
};

/** Creates the method, or saves its method request (PutMethod / UpdateMethod). */
export async function consoleSaveMethod(c: Ctx, input: MethodRequestInput & { create: boolean }) {
  const cl = caller(c);
  if ((input.authorizationType === "CUSTOM" || input.authorizationType === "COGNITO_USER_POOLS") && !input.authorizerId)
    throw new AppError("validation", "Choose an authorizer.", {
      fieldErrors: { authorizerId: ["Choose an authorizer."] },
    });
  if (input.create)
    return onField("httpMethod", () =>
      apis.putMethod(cl, input.apiId, input.resourceId, input.httpMethod, {
        authorizationType: input.authorizationType,
        authorizerId: input.authorizerId ?? undefined,
        apiKeyRequired: input.apiKeyRequired,
        requestParameters: input.requestParameters,
        requestValidatorId: input.requestValidatorId ?? undefined,
      }),
    );
  const current = (await apis.getMethod(cl, input.apiId, input.resourceId, input.httpMethod)) as Record<
    string,
    unknown
  >;
  const ops: { op: string; path: string; value?: string }[] = [
    { op: "replace", path: "/authorizationType", value: input.authorizationType },
    { op: "replace", path: "/apiKeyRequired", value: String(input.apiKeyRequired) },
    { op: "replace", path: "/authorizerId", value: input.authorizerId ?? "" },
    { op: "replace", path: "/requestValidatorId", value: input.requestValidatorId ?? "" },
  ];
  const before = (current.requestParameters ?? {}) as Record<string, boolean>;
  for (const k of Object.keys(before))
    if (!(k in input.requestParameters)) ops.push({ op: "remove", path: `/requestParameters/${k}` });
  for (const [k, v] of Object.entries(input.requestParameters))
    ops.push({ op: k in before ? "replace" : "add", path: `/requestParameters/${k}`, value: String(v) });
  return onField("requestParameters", () =>
    apis.updateMethod(cl, input.apiId, input.resourceId, input.httpMethod, ops),
  );
}

export async function consoleDeleteMethod(c: Ctx, input: { apiId: string; resourceId: string; httpMethod: string }) {
  await apis.deleteMethod(caller(c), input.apiId, input.resourceId, input.httpMethod);
  return { deleted: true };
}

export type IntegrationInput = {
  apiId: string;
  resourceId: string;
  httpMethod: string;
  type: "MOCK" | "HTTP" | "HTTP_PROXY" | "AWS" | "AWS_PROXY";
  integrationHttpMethod?: string;
  uri?: string;
  requestParameters: Record<string, string>;
  requestTemplates: Record<string, string>;
  passthroughBehavior: "WHEN_NO_MATCH" | "WHEN_NO_TEMPLATES" | "NEVER";
  timeoutInMillis: number;
  responses: { statusCode: string; selectionPattern?: string; responseTemplate?: string }[];
};

/**
 * PutIntegration, then the responses: for the non-proxy types each row is a method response and an
 * integration response (status, selection pattern, application/json template), as the AWS console
 * sets them up; rows removed in the form are deleted.
 */
export async function consoleSaveIntegration(c: Ctx, input: IntegrationInput) {
  const cl = caller(c);
  const { apiId, resourceId, httpMethod } = input;
  const field = input.type === "MOCK" ? "type" : "uri";
  await onField(field, () =>
    apis.putIntegration(cl, apiId, resourceId, httpMethod, {
      type: input.type,
      httpMethod: input.type === "MOCK" ? undefined : input.type === "AWS_PROXY" ? "POST" : input.integrationHttpMethod,
      uri: input.uri || undefined,
      requestParameters: Object.keys(input.requestParameters).length ? input.requestParameters : undefined,
      requestTemplates: Object.keys(input.requestTemplates).length ? input.requestTemplates : undefined,
      passthroughBehavior: input.passthroughBehavior,
      timeoutInMillis: input.timeoutInMillis,
    }),
  );
  const proxy = input.type === "HTTP_PROXY" || input.type === "AWS_PROXY";
  const method = (await apis.getMethod(cl, apiId, resourceId, httpMethod)) as {
    methodResponses?: Record<string, unknown>;
  };
  const wanted = proxy ? [] : input.responses;
  const codes = new Set(wanted.map((r) => r.statusCode));
  for (const code of Object.keys(method.methodResponses ?? {}))
    if (!codes.has(code)) await apis.deleteMethodResponse(cl, apiId, resourceId, httpMethod, code);
  for (const r of wanted) {
    if (!method.methodResponses?.[r.statusCode])
      await onField("responses", () =>
        apis.putMethodResponse(cl, apiId, resourceId, httpMethod, r.statusCode, {
          responseModels: undefined,
        }),
      );
    await onField("responses", () =>
      apis.putIntegrationResponse(cl, apiId, resourceId, httpMethod, r.statusCode, {
        selectionPattern: r.selectionPattern || undefined,
        responseTemplates: r.responseTemplate ? { "application/json": r.responseTemplate } : undefined,
      }),
    );
  }
  return apis.getMethod(cl, apiId, resourceId, httpMethod);
}

/**
 * Renders a mapping template against a sample request with the gateway's renderer, as the
 * integration would: the output, or Velocity's error.
 */
export function consolePreviewTemplate(
  c: Ctx,
  input: {
    template: string;
    body: string;
    path: Record<string, string>;
    querystring: Record<string, string>;
    header: Record<string, string>;
    stageVariables: Record<string, string>;
    apiId: string;
    resourcePath: string;
    httpMethod: string;
  },
): { ok: true; output: string; json: boolean } | { ok: false; error: string } {
  assertCan(c.actor.role, "resource:read");
  try {
    const output = renderTemplate(input.template, {
      body: input.body,
      params: { path: input.path, querystring: input.querystring, header: input.header },
      stageVariables: input.stageVariables,
      context: {
        apiId: input.apiId,
        accountId: c.tenant.accountId,
        httpMethod: input.httpMethod,
        resourcePath: input.resourcePath,
        stage: "test-invoke-stage",
        requestId: "00000000-0000-0000-0000-000000000000",
        identity: { sourceIp: "test-invoke-source-ip", apiKey: null, userAgent: null },
      },
    });
    let json = false;
    try {
      JSON.parse(output);
      json = true;
    } catch {
      json = false;
    }
    return { ok: true, output, json };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

export async function consoleDeploy(
  c: Ctx,
  input: { apiId: string; stageName: string; stageDescription?: string; description?: string },
) {
  const out = await onField("stageName", () =>
    deploys.createDeployment(caller(c), input.apiId, {
      stageName: input.stageName,
      stageDescription: input.stageDescription,
      description: input.description,
    }),
  );
  return { id: String(out.id) };
}

export type StageSettingsInput = {
  apiId: string;
  stageName: string;
  description: string;
  variables: Record<string, string>;
  throttlingRateLimit: number | null;
  throttlingBurstLimit: number | null;
  cacheClusterEnabled: boolean;
  cachingEnabled: boolean;
  cacheTtlInSeconds: number;
  deploymentId?: string;
};

/** UpdateStage: description, stage variables, the stage-wide method settings (throttling, cache). */
export async function consoleUpdateStage(c: Ctx, input: StageSettingsInput) {
  const cl = caller(c);
  const stage = await deploys.getStage(cl, input.apiId, input.stageName);
  const before = (stage.variables ?? {}) as Record<string, string>;
  const ops: { op: string; path: string; value?: string }[] = [
    { op: "replace", path: "/description", value: input.description },
    { op: "replace", path: "/cacheClusterEnabled", value: String(input.cacheClusterEnabled) },
  ];
  if (input.deploymentId) ops.push({ op: "replace", path: "/deploymentId", value: input.deploymentId });
  for (const k of Object.keys(before)) if (!(k in input.variables)) ops.push({ op: "remove", path: `/variables/${k}` });
  for (const [k, v] of Object.entries(input.variables)) ops.push({ op: "replace", path: `/variables/${k}`, value: v });
  if (input.throttlingRateLimit !== null)
    ops.push({ op: "replace", path: "/*/*/throttling/rateLimit", value: String(input.throttlingRateLimit) });
  if (input.throttlingBurstLimit !== null)
    ops.push({ op: "replace", path: "/*/*/throttling/burstLimit", value: String(input.throttlingBurstLimit) });
  ops.push({ op: "replace", path: "/*/*/caching/enabled", value: String(input.cachingEnabled) });
  ops.push({ op: "replace", path: "/*/*/caching/ttlInSeconds", value: String(input.cacheTtlInSeconds) });
  return onField("variables", () => deploys.updateStage(cl, input.apiId, input.stageName, ops));
}

/** Flush cache: the stage's cached answers go, for every web process. */
export async function consoleFlushStageCache(c: Ctx, input: { apiId: string; stageName: string }) {
  return flushStageCache(caller(c), input.apiId, input.stageName);
}

/** The API's resource policy (empty: none); an invalid document is a field error on `policy`. */
export async function consoleSavePolicy(c: Ctx, input: { apiId: string; policy: string }) {
  const value = input.policy.trim();
  if (value) {
    try {
      JSON.parse(value);
    } catch (e) {
      throw new AppError("validation", `Not JSON: ${(e as Error).message}`, { fieldErrors: { policy: ["Not JSON."] } });
    }
  }
  await onField("policy", () =>
    apis.updateRestApi(caller(c), input.apiId, [{ op: "replace", path: "/policy", value }]),
  );
  return { saved: true, policy: value || null };
}

export async function consoleDeleteStage(c: Ctx, input: { apiId: string; stageName: string }) {
  await deploys.deleteStage(caller(c), input.apiId, input.stageName);
  return { deleted: true };
}

/** OpenAPI 3 export of a stage's deployment, with the API Gateway extensions (x-amazon-apigateway-*). */
export async function consoleExport(c: Ctx, input: { apiId: string; stageName: string }, origin: string | null) {
  return exportApi(caller(c), input.apiId, input.stageName, "oas30", {
    accept: "application/json",
    extensions: "apigateway",
    serverUrl: origin ?? process.env.SIGNALBOX_PUBLIC_URL ?? "http://localhost:3000",
  });
}

/** Every API stage of the team, for the usage plans' stage picker. */
export async function consoleStageChoices(c: Ctx) {
  const cl = caller(c);
  const out: { apiId: string; apiName: string; stage: string }[] = [];
  for (const a of await consoleApis(c)) {
    const stages = ((await deploys.getStages(cl, a.id, null)) as { item: Record<string, unknown>[] }).item;
    for (const s of stages) out.push({ apiId: a.id, apiName: a.name, stage: String(s.stageName) });
  }
  return out;
}

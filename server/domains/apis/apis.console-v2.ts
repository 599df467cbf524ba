import type { Actor } from "../../auth/permissions";
import { AppError } from "../../core/errors";
import type { Cors, Integration, RouteSettings, Stage } from "../../core/apis/v2/model";
import { onField, type ConsoleTenant } from "./apis.console";
import * as http from "./v2/http-api.service";
import * as ws from "./ws/ws-api.service";

// The APIs console's calls for HTTP APIs (API Gateway v2, protocolType HTTP): thin wrappers over
// http-api.service (which checks roles, validates and auto-deploys) that gather one page's data in
// one round trip and turn the service's errors into a form's field error where the field is known.
// The list of v2 APIs (HTTP and WebSocket) is here too; WebSocket pages are in apis.console-ws.ts.

type Ctx = { actor: Actor; tenant: ConsoleTenant };
const caller = (c: Ctx) => ({ actor: c.actor, tenant: c.tenant });
export const baseUrlOf = (origin: string | null) =>
  (origin ?? process.env.SIGNALBOX_PUBLIC_URL ?? "http://localhost:3000").replace(/\/$/, "");

/** The team's HTTP and WebSocket APIs (the REST APIs come from `apis.list`). */
export async function consoleV2Apis(c: Ctx, origin: string | null) {
  const base = baseUrlOf(origin);
  const out = (await http.getApis(caller(c), base, null, "500")) as { items: Record<string, unknown>[] };
  const httpApis = out.items.map((a) => ({
    id: String(a.apiId),
    name: String(a.name),
    protocol: "HTTP" as const,
    description: (a.description as string | undefined) ?? null,
    endpoint: String(a.apiEndpoint),
    createdDate: Date.parse(String(a.createdDate)) / 1000,
  }));
  const wsApis = (await ws.listWsApis(caller(c))).map((row) => {
    const a = ws.apiWire(row, base);
    return {
      id: row.id,
      name: row.name,
      protocol: "WEBSOCKET" as const,
      description: (a.description as string | undefined) ?? null,
      endpoint: String(a.apiEndpoint),
      createdDate: row.createdAt.getTime() / 1000,
    };
  });
  return [...httpApis, ...wsApis].sort((a, b) => b.createdDate - a.createdDate);
}

export type HttpCreateInput = {
  name: string;
  description?: string;
  target?: string;
  routeKey?: string;
  cors?: Cors | null;
};

/** CreateApi (HTTP), with quick create when a target (URL or function ARN) is given. */
export async function consoleCreateHttpApi(c: Ctx, input: HttpCreateInput, origin: string | null) {
  const out = await onField(input.target ? "target" : "name", () =>
    http.createApi(
      caller(c),
      {
        name: input.name,
        protocolType: "HTTP",
        description: input.description || undefined,
        corsConfiguration: input.cors ?? undefined,
        target: input.target || undefined,
        routeKey: input.target ? input.routeKey || undefined : undefined,
      },
      baseUrlOf(origin),
    ),
  );
  return { id: String(out.apiId), name: String(out.name) };
}

export async function consoleDeleteHttpApi(c: Ctx, apiId: string) {
  await http.deleteApi(caller(c), apiId);
  return { deleted: true };
}

/** The HTTP API page: the API, its routes, integrations, authorizers, stages (with invoke URLs), deployments. */
export async function consoleHttpApi(c: Ctx, apiId: string, origin: string | null) {
  const cl = caller(c);
  const base = baseUrlOf(origin);
  const api = await http.getApi(cl, apiId, base);
  const routes = ((await http.getRoutes(cl, apiId, null, "500")).items as Record<string, unknown>[]).map((r) => ({
    routeId: String(r.routeId),
    routeKey: String(r.routeKey),
    target: (r.target as string | undefined) ?? null,
    authorizationType: String(r.authorizationType),
    authorizerId: (r.authorizerId as string | undefined) ?? null,
    authorizationScopes: (r.authorizationScopes as string[] | undefined) ?? [],
    managed: r.apiGatewayManaged === true,
  }));
  routes.sort((a, b) => pathOf(a.routeKey).localeCompare(pathOf(b.routeKey)) || a.routeKey.localeCompare(b.routeKey));
  const integrations = (await http.getIntegrations(cl, apiId, null, "500")).items as unknown as Integration[];
  const authorizers = (await http.getAuthorizers(cl, apiId, null, "500")).items as Record<string, unknown>[];
  const stages = (await http.getStages(cl, apiId, null, "500")).items as unknown as Stage[];
  const deployments = (await http.getDeployments(cl, apiId, null, "500")).items as Record<string, unknown>[];
  const endpoint = String(api.apiEndpoint);
  return {
    id: apiId,
    name: String(api.name),
    description: (api.description as string | undefined) ?? null,
    endpoint,
    createdDate: String(api.createdDate),
    cors: (api.corsConfiguration as Cors | undefined) ?? null,
    routes,
    integrations: integrations.map((i) => ({
      integrationId: i.integrationId,
      integrationType: i.integrationType,
      integrationSubtype: i.integrationSubtype ?? null,
      integrationUri: i.integrationUri ?? null,
      integrationMethod: i.integrationMethod ?? null,
      payloadFormatVersion: i.payloadFormatVersion,
      timeoutInMillis: i.timeoutInMillis,
      description: i.description ?? null,
      requestParameters: i.requestParameters ?? {},
      managed: i.apiGatewayManaged === true,
    })),
    authorizers: authorizers.map((a) => ({
      authorizerId: String(a.authorizerId),
      name: String(a.name),
      authorizerType: a.authorizerType as "JWT" | "REQUEST",
      identitySource: (a.identitySource as string[] | undefined) ?? [],
      issuer: (a.jwtConfiguration as { issuer?: string } | undefined)?.issuer ?? null,
      audience: (a.jwtConfiguration as { audience?: string[] } | undefined)?.audience ?? [],
      authorizerUri: (a.authorizerUri as string | undefined) ?? null,
      authorizerPayloadFormatVersion: (a.authorizerPayloadFormatVersion as string | undefined) ?? null,
      authorizerResultTtlInSeconds: (a.authorizerResultTtlInSeconds as number | undefined) ?? 0,
      enableSimpleResponses: a.enableSimpleResponses === true,
    })),
    stages: stages.map((s) => ({
      stageName: s.stageName,
      description: s.description ?? null,
      autoDeploy: s.autoDeploy === true,
      deploymentId: s.deploymentId ?? null,
      ...stageSettingsView(s),
      invokeUrl: s.stageName === "$default" ? endpoint : `${endpoint}/${s.stageName}`,
      lastUpdatedDate: s.lastUpdatedDate,
      lastDeploymentStatusMessage: s.lastDeploymentStatusMessage ?? null,
      managed: s.apiGatewayManaged === true,
    })),
    deployments: deployments
      .map((d) => ({
        id: String(d.deploymentId),
        description: (d.description as string | undefined) ?? null,
        autoDeployed: d.autoDeployed === true,
        createdDate: String(d.createdDate),
      }))
      .sort((a, b) => b.createdDate.localeCompare(a.createdDate)),
  };
}

const pathOf = (routeKey: string) => (routeKey === "$default" ? "~" : (routeKey.split(" ")[1] ?? routeKey));

/** UpdateApi (name, description) and the CORS configuration (null: DeleteCorsConfiguration). */
export async function consoleUpdateHttpApi(
  c: Ctx,
  input: { apiId: string; name: string; description: string; cors: Cors | null },
  origin: string | null,
) {
  const cl = caller(c);
  await onField("name", () =>
    http.updateApi(cl, input.apiId, { name: input.name, description: input.description }, baseUrlOf(origin)),
  );
  if (input.cors) await onField("cors", () => http.updateApi(cl, input.apiId, { corsConfiguration: input.cors! }, ""));
  else {
    const api = await http.getApi(cl, input.apiId, "");
    if (api.corsConfiguration) await http.deleteCorsConfiguration(cl, input.apiId);
  }
  return { saved: true };
}

export type HttpRouteInput = {
  apiId: string;
  routeId?: string;
  routeKey: string;
  target: string | null;
  authorizationType: "NONE" | "JWT" | "CUSTOM" | "AWS_IAM";
  authorizerId?: string | null;
  authorizationScopes: string[];
};

/** CreateRoute / UpdateRoute: the route key, its integration (`integrations/<id>`) and its authorization. */
export async function consoleSaveHttpRoute(c: Ctx, input: HttpRouteInput) {
  if ((input.authorizationType === "JWT" || input.authorizationType === "CUSTOM") && !input.authorizerId)
    throw new AppError("validation", "Choose an authorizer.", {
      fieldErrors: { authorizerId: ["Choose an authorizer."] },
    });
  const body = {
    routeKey: input.routeKey,
    target: input.target ?? "",
    authorizationType: input.authorizationType,
    authorizerId:
      input.authorizationType === "JWT" || input.authorizationType === "CUSTOM"
        ? (input.authorizerId ?? undefined)
        : undefined,
    authorizationScopes: input.authorizationType === "JWT" ? input.authorizationScopes : undefined,
  };
  const field = (e: unknown) => (String((e as Error).message).includes("uthoriz") ? "authorizerId" : "routeKey");
  try {
    return input.routeId
      ? await http.updateRoute(caller(c), input.apiId, input.routeId, body)
      : await http.createRoute(caller(c), input.apiId, body);
  } catch (e) {
    return onField(field(e), () => Promise.reject(e));
  }
}

export async function consoleDeleteHttpRoute(c: Ctx, input: { apiId: string; routeId: string }) {
  await http.deleteRoute(caller(c), input.apiId, input.routeId);
  return { deleted: true };
}

export type HttpIntegrationInput = {
  apiId: string;
  integrationId?: string;
  kind: "HTTP_PROXY" | "FUNCTION" | "AWS_SERVICE";
  uri?: string;
  method?: string;
  subtype?: string;
  payloadFormatVersion?: "1.0" | "2.0";
  timeoutInMillis: number;
  description?: string;
  requestParameters: Record<string, string>;
};

/** CreateIntegration / UpdateIntegration: an HTTP proxy, a function (Lambda proxy) or an AWS service subtype. */
export async function consoleSaveHttpIntegration(c: Ctx, input: HttpIntegrationInput) {
  const body: http.IntegrationInput =
    input.kind === "HTTP_PROXY"
      ? {
          integrationType: "HTTP_PROXY",
          integrationUri: input.uri,
          integrationMethod: input.method ?? "ANY",
          payloadFormatVersion: "1.0",
        }
      : input.kind === "FUNCTION"
        ? {
            integrationType: "AWS_PROXY",
            integrationUri: input.uri,
            payloadFormatVersion: input.payloadFormatVersion ?? "2.0",
          }
        : { integrationType: "AWS_PROXY", integrationSubtype: input.subtype, payloadFormatVersion: "1.0" };
  body.timeoutInMillis = input.timeoutInMillis;
  body.description = input.description || undefined;
  body.requestParameters = input.requestParameters;
  if (input.kind !== "AWS_SERVICE") body.integrationSubtype = undefined;
  const fieldOf = (m: string) =>
    /mapping expression|request parameter|subtype/i.test(m) || input.kind === "AWS_SERVICE"
      ? "requestParameters"
      : /timeout/i.test(m)
        ? "timeoutInMillis"
        : "uri";
  try {
    return input.integrationId
      ? await http.updateIntegration(caller(c), input.apiId, input.integrationId, body)
      : await http.createIntegration(caller(c), input.apiId, body);
  } catch (e) {
    return onField(fieldOf(String((e as Error).message)), () => Promise.reject(e));
  }
}

export async function consoleDeleteHttpIntegration(c: Ctx, input: { apiId: string; integrationId: string }) {
  await onField("integrationId", () => http.deleteIntegration(caller(c), input.apiId, input.integrationId));
  return { deleted: true };
}

export type HttpAuthorizerInput = {
  apiId: string;
  authorizerId?: string;
  name: string;
  authorizerType: "JWT" | "REQUEST";
  identitySource: string[];
  issuer?: string;
  audience?: string[];
  authorizerUri?: string;
  authorizerPayloadFormatVersion?: "1.0" | "2.0";
  authorizerResultTtlInSeconds?: number;
  enableSimpleResponses?: boolean;
};

export async function consoleSaveHttpAuthorizer(c: Ctx, input: HttpAuthorizerInput) {
  const jwt = input.authorizerType === "JWT";
  const body: http.AuthorizerInput = {
    name: input.name,
    authorizerType: input.authorizerType,
    identitySource: input.identitySource,
    jwtConfiguration: jwt ? { issuer: input.issuer, audience: input.audience ?? [] } : undefined,
    authorizerUri: jwt ? undefined : input.authorizerUri,
    authorizerPayloadFormatVersion: jwt ? undefined : (input.authorizerPayloadFormatVersion ?? "2.0"),
    authorizerResultTtlInSeconds: jwt ? undefined : (input.authorizerResultTtlInSeconds ?? 0),
    enableSimpleResponses: jwt ? undefined : (input.enableSimpleResponses ?? false),
  };
  const fieldOf = (m: string) =>
    /issuer/i.test(m)
      ? "issuer"
      : /audience/i.test(m)
        ? "audience"
        : /identity source/i.test(m)
          ? "identitySource"
          : /uri/i.test(m)
            ? "authorizerUri"
            : /simple|payload/i.test(m)
              ? "enableSimpleResponses"
              : /ttl/i.test(m)
                ? "authorizerResultTtlInSeconds"
                : "name";
  try {
    return input.authorizerId
      ? await http.updateAuthorizer(caller(c), input.apiId, input.authorizerId, body)
      : await http.createAuthorizer(caller(c), input.apiId, body);
  } catch (e) {
    return onField(fieldOf(String((e as Error).message)), () => Promise.reject(e));
  }
}

export async function consoleDeleteHttpAuthorizer(c: Ctx, input: { apiId: string; authorizerId: string }) {
  await onField("authorizerId", () => http.deleteAuthorizer(caller(c), input.apiId, input.authorizerId));
  return { deleted: true };
}

export type RouteThrottle = { throttlingRateLimit: number | null; throttlingBurstLimit: number | null };

/**
 * The settings the console edits on a stage of an HTTP or WebSocket API. Absent fields are left as
 * they are (the WebSocket create dialog sends none of them).
 */
export type StageSettingsInput = {
  apiId: string;
  stageName: string;
  create: boolean;
  description: string;
  autoDeploy: boolean;
  stageVariables?: Record<string, string>;
  /** The default route throttling (defaultRouteSettings); null: none. */
  throttlingRateLimit?: number | null;
  throttlingBurstLimit?: number | null;
  /** Per-route throttling (RouteSettings by route key); absent: left as it is. */
  routeSettings?: Record<string, RouteThrottle>;
  /** AccessLogSettings; null: DeleteAccessLogSettings; absent: left as it is. */
  accessLogSettings?: { destinationArn: string; format: string } | null;
};
export type HttpStageInput = StageSettingsInput & {
  stageVariables: Record<string, string>;
  throttlingRateLimit: number | null;
  throttlingBurstLimit: number | null;
};

/** How the console shows a stage's settings (HTTP and WebSocket stages alike). */
export function stageSettingsView(s: {
  stageVariables?: Record<string, string>;
  defaultRouteSettings?: RouteSettings;
  routeSettings?: Record<string, RouteSettings>;
  accessLogSettings?: { destinationArn?: string; format?: string };
}) {
  return {
    stageVariables: s.stageVariables ?? {},
    throttlingRateLimit: s.defaultRouteSettings?.throttlingRateLimit ?? null,
    throttlingBurstLimit: s.defaultRouteSettings?.throttlingBurstLimit ?? null,
    routeSettings: Object.fromEntries(
      Object.entries(s.routeSettings ?? {}).map(([key, r]) => [
        key,
        { throttlingRateLimit: r.throttlingRateLimit ?? null, throttlingBurstLimit: r.throttlingBurstLimit ?? null },
      ]),
    ) as Record<string, RouteThrottle>,
    accessLogSettings: s.accessLogSettings?.format
      ? { destinationArn: s.accessLogSettings.destinationArn ?? "", format: s.accessLogSettings.format }
      : null,
  };
}

const throttleOf = (t: RouteThrottle): RouteSettings => ({
  ...(t.throttlingRateLimit !== null ? { throttlingRateLimit: t.throttlingRateLimit } : {}),
  ...(t.throttlingBurstLimit !== null ? { throttlingBurstLimit: t.throttlingBurstLimit } : {}),
});

/** A route's settings with new throttling: its other settings (logging, metrics) are kept. */
function withThrottle(before: RouteSettings | undefined, t: RouteThrottle): RouteSettings {
  const { throttlingRateLimit: _r, throttlingBurstLimit: _b, ...rest } = before ?? {};
  return { ...rest, ...throttleOf(t) };
}

type StageCaller = ReturnType<typeof caller>;
/** The stage calls of one kind of API (http-api.service or ws-resources.service). */
export type StageOps = {
  getStage: (cl: StageCaller, apiId: string, name: string) => Promise<object>;
  createStage: (cl: StageCaller, apiId: string, body: http.StageInput) => Promise<object>;
  updateStage: (cl: StageCaller, apiId: string, name: string, body: http.StageInput) => Promise<object>;
  deleteAccessLogSettings: (cl: StageCaller, apiId: string, name: string) => Promise<void>;
};

/**
 * CreateStage / UpdateStage from the console, for HTTP and WebSocket APIs: auto-deploy, stage
 * variables, the default route throttling, per-route throttling (RouteSettings) and access logging.
 * Route and default settings keep what the console does not edit (logging level, metrics).
 */
export async function consoleSaveStage(c: Ctx, input: StageSettingsInput, ops: StageOps) {
  const cl = caller(c);
  const before: Partial<Stage> = input.create ? {} : await ops.getStage(cl, input.apiId, input.stageName);
  const body: http.StageInput = {
    stageName: input.stageName,
    description: input.description || undefined,
    autoDeploy: input.autoDeploy,
  };
  if (input.stageVariables) body.stageVariables = input.stageVariables;
  if (input.throttlingRateLimit !== undefined || input.throttlingBurstLimit !== undefined)
    body.defaultRouteSettings = withThrottle(
      { detailedMetricsEnabled: false, ...before.defaultRouteSettings },
      {
        throttlingRateLimit: input.throttlingRateLimit ?? null,
        throttlingBurstLimit: input.throttlingBurstLimit ?? null,
      },
    );
  if (input.accessLogSettings) body.accessLogSettings = input.accessLogSettings;
  if (input.routeSettings)
    body.routeSettings = Object.fromEntries(
      Object.entries(input.routeSettings).map(([key, t]) => [key, withThrottle(before.routeSettings?.[key], t)]),
    );
  const field = (m: string) => (/route key/i.test(m) ? "routeSettings" : input.create ? "stageName" : "stageVariables");
  const run = async () => {
    try {
      return input.create
        ? await ops.createStage(cl, input.apiId, body)
        : await ops.updateStage(cl, input.apiId, input.stageName, body);
    } catch (e) {
      return onField(field(String((e as Error).message)), () => Promise.reject(e));
    }
  };
  const out = (await run()) as Partial<Stage>;
  if (input.accessLogSettings === null && out.accessLogSettings)
    await ops.deleteAccessLogSettings(cl, input.apiId, input.stageName);
  return out;
}

export const consoleSaveHttpStage = (c: Ctx, input: HttpStageInput) => consoleSaveStage(c, input, http);

export async function consoleDeleteHttpStage(c: Ctx, input: { apiId: string; stageName: string }) {
  await http.deleteStage(caller(c), input.apiId, input.stageName);
  return { deleted: true };
}

/** CreateDeployment onto a stage (one without auto-deploy). */
export async function consoleDeployHttp(c: Ctx, input: { apiId: string; stageName: string; description?: string }) {
  const out = await onField("stageName", () =>
    http.createDeployment(caller(c), input.apiId, {
      stageName: input.stageName,
      description: input.description || undefined,
    }),
  );
  return { id: String(out.deploymentId) };
}

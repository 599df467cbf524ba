import {
  badRequest,
  checkSelection,
  conflict,
  getWsApi,
  iso,
  mutateWsApi,
  newResourceId,
  notFound,
  snapshotOf,
  type Caller,
  type Wire,
  type WsApiRow,
  type WsDoc,
} from "./ws-api.service";
import { accessLogSettingsError } from "../../../core/apis/access-log-settings";

// The parts of a WebSocket API (API Gateway v2, protocolType WEBSOCKET): routes, route responses,
// integrations, integration responses, REQUEST authorizers, deployments and stages, with
// apigatewayv2's checks and error messages. Both doors call these: the AWS door (v2-ws.actions.ts)
// renders the wire shapes they return, the console (apis.console-ws.ts) picks what it shows.
// Each change runs in one transaction on the API's document (mutateWsApi) and is audited as
// `ws_api.<Action>`.

const INTEGRATION_TYPES = new Set(["AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK"]);
const ROUTE_KEY_RE = /^(\$connect|\$disconnect|\$default|[^$\s][^\s]{0,127})$/;

function pick(input: Wire, keys: readonly string[]): Wire {
  const out: Wire = {};
  for (const k of keys) if (input[k] !== undefined) out[k] = input[k];
  return out;
}

const ROUTE_KEYS = [
  "apiKeyRequired",
  "authorizationScopes",
  "authorizationType",
  "authorizerId",
  "modelSelectionExpression",
  "operationName",
  "requestModels",
  "requestParameters",
  "routeKey",
  "routeResponseSelectionExpression",
  "target",
] as const;
const INTEGRATION_KEYS = [
  "connectionId",
  "connectionType",
  "contentHandlingStrategy",
  "credentialsArn",
  "description",
  "integrationMethod",
  "integrationType",
  "integrationUri",
  "passthroughBehavior",
  "payloadFormatVersion",
  "requestParameters",
  "requestTemplates",
  "templateSelectionExpression",
  "timeoutInMillis",
] as const;
const STAGE_KEYS = [
  "accessLogSettings",
  "autoDeploy",
  "clientCertificateId",
  "defaultRouteSettings",
  "deploymentId",
  "description",
  "routeSettings",
  "stageVariables",
  "tags",
] as const;
const AUTHORIZER_KEYS = [
  "authorizerCredentialsArn",
  "authorizerType",
  "authorizerUri",
  "identitySource",
  "identityValidationExpression",
  "name",
] as const;
const IDENTITY_SOURCE_RE =
  /^(?:route\.request\.(?:header|querystring)\.[^\s,]+|stageVariables\.[^\s,]+|context\.[^\s,]+)$/;

function checkTarget(doc: WsDoc, target: unknown) {
  if (target === undefined) return;
  const m = typeof target === "string" ? /^integrations\/([a-z0-9]+)$/.exec(target) : null;
  if (!m || !doc.integrations[m[1]!]) throw badRequest(`Invalid target: ${String(target)}`);
}

/** A WebSocket API's authorizer: REQUEST (a Lambda function) only, as API Gateway allows. */
function checkAuthorizer(a: Wire) {
  if (typeof a.name !== "string" || !a.name.length || a.name.length > 128)
    throw badRequest("Invalid request input: name must be 1 to 128 characters");
  if (a.authorizerType !== "REQUEST")
    throw badRequest(
      a.authorizerType === "JWT"
        ? "JWT authorizers are only supported for HTTP APIs"
        : `Invalid authorizer type: ${String(a.authorizerType)}`,
    );
  if (typeof a.authorizerUri !== "string" || !/^arn:aws:apigateway:[^:]+:lambda:path\//.test(a.authorizerUri))
    throw badRequest("AuthorizerUri must be a Lambda function invocation URI");
  if (a.identitySource !== undefined) {
    const list = a.identitySource;
    if (!Array.isArray(list) || list.some((x) => typeof x !== "string" || !IDENTITY_SOURCE_RE.test(x)))
      throw badRequest(
        "Invalid identity source: expected route.request.header.<name>, route.request.querystring.<name>, stageVariables.<name> or context.<name>",
      );
  }
}

function authorizerOf(doc: WsDoc, id: string): Wire {
  const a = doc.authorizers?.[id];
  if (!a) throw notFound(`Invalid Authorizer identifier specified ${id}`);
  return a;
}

/** Authorization is on $connect only, and CUSTOM needs an authorizer of this API. */
function checkRouteAuth(doc: WsDoc, r: Wire) {
  const type = r.authorizationType ?? "NONE";
  if (!["NONE", "AWS_IAM", "CUSTOM"].includes(String(type)))
    throw badRequest(`Invalid authorization type: ${String(type)}`);
  if (type !== "NONE" && r.routeKey !== "$connect")
    throw badRequest("Currently, authorization is restricted to the $connect route only");
  if (type === "CUSTOM") {
    if (typeof r.authorizerId !== "string") throw badRequest("AuthorizerId is required for CUSTOM authorization");
    authorizerOf(doc, r.authorizerId);
  }
}

function checkRouteKey(doc: WsDoc, key: unknown, except?: string) {
  if (typeof key !== "string" || !ROUTE_KEY_RE.test(key)) throw badRequest(`Invalid route key: ${String(key)}`);
  for (const r of Object.values(doc.routes))
    if (r.routeKey === key && r.routeId !== except) throw conflict(`Route with key ${key} already exists for this API`);
}

function checkIntegration(i: Wire) {
  if (typeof i.integrationType !== "string" || !INTEGRATION_TYPES.has(i.integrationType))
    throw badRequest(`Invalid integration type: ${String(i.integrationType)}`);
  if (i.integrationType !== "MOCK" && typeof i.integrationUri !== "string")
    throw badRequest("IntegrationUri is required for this integration type");
  if (i.timeoutInMillis !== undefined) {
    const t = Number(i.timeoutInMillis);
    if (!Number.isInteger(t) || t < 50 || t > 29_000)
      throw badRequest("Timeout must be between 50 milliseconds and 29 seconds.");
  }
}

function routeOf(doc: WsDoc, id: string): Wire {
  const r = doc.routes[id];
  if (!r) throw notFound(`Invalid Route identifier specified ${id}`);
  return r;
}
function integrationOf(doc: WsDoc, id: string): Wire {
  const i = doc.integrations[id];
  if (!i) throw notFound(`Invalid Integration identifier specified ${id}`);
  return i;
}
/**
 * A stage's throttles are not negative, and its RouteSettings name routes of the API (as
 * apigatewayv2's UpdateStage checks them).
 */
function checkStageSettings(doc: WsDoc, s: Wire) {
  const check = (r: unknown) => {
    const t = (r ?? {}) as { throttlingRateLimit?: unknown; throttlingBurstLimit?: unknown };
    if (typeof t.throttlingRateLimit === "number" && t.throttlingRateLimit < 0)
      throw badRequest("Throttling rate limit must be non-negative");
    if (typeof t.throttlingBurstLimit === "number" && t.throttlingBurstLimit < 0)
      throw badRequest("Throttling burst limit must be non-negative");
  };
  check(s.defaultRouteSettings);
  for (const [key, r] of Object.entries((s.routeSettings ?? {}) as Record<string, unknown>)) {
    if (!Object.values(doc.routes).some((x) => x.routeKey === key))
      throw badRequest(`Invalid route key specified: ${key}`);
    check(r);
  }
}

function stageOf(doc: WsDoc, name: string): Wire {
  const s = doc.stages[name];
  if (!s) throw notFound(`Invalid stage identifier specified`);
  return s;
}

const read = async (caller: Caller, apiId: string) => (await getWsApi(caller, apiId)).doc;

// ---- the API ----

export async function updateWsApi(caller: Caller, apiId: string, input: Wire): Promise<WsApiRow> {
  await mutateWsApi(caller, apiId, "UpdateApi", (doc) => {
    if (input.routeSelectionExpression !== undefined)
      doc.routeSelectionExpression = doc.api.routeSelectionExpression = checkSelection(input.routeSelectionExpression);
    Object.assign(
      doc.api,
      pick(input, ["apiKeySelectionExpression", "description", "disableExecuteApiEndpoint", "version", "name"]),
    );
  });
  return getWsApi(caller, apiId);
}

// ---- routes and route responses ----

export function createRoute(caller: Caller, apiId: string, input: Wire): Promise<Wire> {
  return mutateWsApi(caller, apiId, "CreateRoute", (doc) => {
    checkRouteKey(doc, input.routeKey);
    checkTarget(doc, input.target);
    const routeId = newResourceId();
    const r: Wire = { apiKeyRequired: false, authorizationType: "NONE", ...pick(input, ROUTE_KEYS), routeId };
    checkRouteAuth(doc, r);
    doc.routes[routeId] = r;
    return r;
  });
}

export const getRoutes = async (caller: Caller, apiId: string) => Object.values((await read(caller, apiId)).routes);
export const getRoute = async (caller: Caller, apiId: string, routeId: string) =>
  routeOf(await read(caller, apiId), routeId);

export function updateRoute(caller: Caller, apiId: string, routeId: string, input: Wire): Promise<Wire> {
  return mutateWsApi(caller, apiId, "UpdateRoute", (doc) => {
    const r = routeOf(doc, routeId);
    if (input.routeKey !== undefined) checkRouteKey(doc, input.routeKey, r.routeId as string);
    checkTarget(doc, input.target);
    const next = { ...r, ...pick(input, ROUTE_KEYS) };
    if (next.authorizationType !== "CUSTOM") delete next.authorizerId;
    checkRouteAuth(doc, next);
    for (const k of Object.keys(r)) delete r[k];
    return Object.assign(r, next);
  });
}

export async function deleteRoute(caller: Caller, apiId: string, routeId: string): Promise<void> {
  await mutateWsApi(caller, apiId, "DeleteRoute", (doc) => {
    routeOf(doc, routeId);
    delete doc.routes[routeId];
    delete doc.routeResponses[routeId];
  });
}

/** DeleteRouteResponse: a two-way route stops answering once its routeResponseSelectionExpression goes too. */
export async function deleteRouteResponse(
  caller: Caller,
  apiId: string,
  routeId: string,
  routeResponseId: string,
): Promise<void> {
  await mutateWsApi(caller, apiId, "DeleteRouteResponse", (doc) => {
    routeOf(doc, routeId);
    if (!doc.routeResponses[routeId]?.[routeResponseId])
      throw notFound(`Invalid RouteResponse identifier specified ${routeResponseId}`);
    delete doc.routeResponses[routeId]![routeResponseId];
  });
}

export function createRouteResponse(caller: Caller, apiId: string, routeId: string, input: Wire): Promise<Wire> {
  return mutateWsApi(caller, apiId, "CreateRouteResponse", (doc) => {
    routeOf(doc, routeId);
    if (typeof input.routeResponseKey !== "string") throw badRequest("RouteResponseKey is required");
    const id = newResourceId();
    const rr: Wire = {
      ...pick(input, ["modelSelectionExpression", "responseModels", "responseParameters", "routeResponseKey"]),
      routeResponseId: id,
    };
    (doc.routeResponses[routeId] ??= {})[id] = rr;
    return rr;
  });
}

export async function getRouteResponses(caller: Caller, apiId: string, routeId: string): Promise<Wire[]> {
  const doc = await read(caller, apiId);
  routeOf(doc, routeId);
  return Object.values(doc.routeResponses[routeId] ?? {});
}

// ---- integrations and integration responses ----

export function createIntegration(caller: Caller, apiId: string, input: Wire): Promise<Wire> {
  checkIntegration(input);
  return mutateWsApi(caller, apiId, "CreateIntegration", (doc) => {
    const integrationId = newResourceId();
    const i: Wire = {
      connectionType: "INTERNET",
      passthroughBehavior: "WHEN_NO_MATCH",
      timeoutInMillis: 29_000,
      ...pick(input, INTEGRATION_KEYS),
      ...(input.integrationType === "AWS_PROXY" || input.integrationType === "HTTP_PROXY"
        ? {}
        : { integrationResponseSelectionExpression: "${integration.response.statuscode}" }),
      integrationId,
    };
    if (input.integrationType === "HTTP_PROXY" || input.integrationType === "HTTP") i.integrationMethod ??= "POST";
    doc.integrations[integrationId] = i;
    return i;
  });
}

export const getIntegrations = async (caller: Caller, apiId: string) =>
  Object.values((await read(caller, apiId)).integrations);
export const getIntegration = async (caller: Caller, apiId: string, integrationId: string) =>
  integrationOf(await read(caller, apiId), integrationId);

export function updateIntegration(caller: Caller, apiId: string, integrationId: string, input: Wire): Promise<Wire> {
  return mutateWsApi(caller, apiId, "UpdateIntegration", (doc) => {
    const i = integrationOf(doc, integrationId);
    const next = { ...i, ...pick(input, INTEGRATION_KEYS) };
    checkIntegration(next);
    return Object.assign(i, next);
  });
}

export async function deleteIntegration(caller: Caller, apiId: string, integrationId: string): Promise<void> {
  await mutateWsApi(caller, apiId, "DeleteIntegration", (doc) => {
    integrationOf(doc, integrationId);
    if (Object.values(doc.routes).some((r) => r.target === `integrations/${integrationId}`))
      throw conflict(`Integration ${integrationId} is used as target of a route`);
    delete doc.integrations[integrationId];
    delete doc.integrationResponses[integrationId];
  });
}

export function createIntegrationResponse(
  caller: Caller,
  apiId: string,
  integrationId: string,
  input: Wire,
): Promise<Wire> {
  return mutateWsApi(caller, apiId, "CreateIntegrationResponse", (doc) => {
    integrationOf(doc, integrationId);
    if (typeof input.integrationResponseKey !== "string") throw badRequest("IntegrationResponseKey is required");
    const id = newResourceId();
    const ir: Wire = {
      ...pick(input, [
        "contentHandlingStrategy",
        "integrationResponseKey",
        "responseParameters",
        "responseTemplates",
        "templateSelectionExpression",
      ]),
      integrationResponseId: id,
    };
    (doc.integrationResponses[integrationId] ??= {})[id] = ir;
    return ir;
  });
}

export async function deleteIntegrationResponse(
  caller: Caller,
  apiId: string,
  integrationId: string,
  integrationResponseId: string,
): Promise<void> {
  await mutateWsApi(caller, apiId, "DeleteIntegrationResponse", (doc) => {
    integrationOf(doc, integrationId);
    if (!doc.integrationResponses[integrationId]?.[integrationResponseId])
      throw notFound(`Invalid IntegrationResponse identifier specified ${integrationResponseId}`);
    delete doc.integrationResponses[integrationId]![integrationResponseId];
  });
}

export async function getIntegrationResponses(caller: Caller, apiId: string, integrationId: string): Promise<Wire[]> {
  const doc = await read(caller, apiId);
  integrationOf(doc, integrationId);
  return Object.values(doc.integrationResponses[integrationId] ?? {});
}

// ---- authorizers (REQUEST: a Lambda function decides on $connect) ----

export function createAuthorizer(caller: Caller, apiId: string, input: Wire): Promise<Wire> {
  checkAuthorizer(input);
  return mutateWsApi(caller, apiId, "CreateAuthorizer", (doc) => {
    const authorizerId = newResourceId();
    const a: Wire = { ...pick(input, AUTHORIZER_KEYS), authorizerId };
    (doc.authorizers ??= {})[authorizerId] = a;
    return a;
  });
}

export const getAuthorizers = async (caller: Caller, apiId: string) =>
  Object.values((await read(caller, apiId)).authorizers ?? {});
export const getAuthorizer = async (caller: Caller, apiId: string, authorizerId: string) =>
  authorizerOf(await read(caller, apiId), authorizerId);

export function updateAuthorizer(caller: Caller, apiId: string, authorizerId: string, input: Wire): Promise<Wire> {
  return mutateWsApi(caller, apiId, "UpdateAuthorizer", (doc) => {
    const a = authorizerOf(doc, authorizerId);
    const next = { ...a, ...pick(input, AUTHORIZER_KEYS) };
    checkAuthorizer(next);
    return Object.assign(a, next);
  });
}

export async function deleteAuthorizer(caller: Caller, apiId: string, authorizerId: string): Promise<void> {
  await mutateWsApi(caller, apiId, "DeleteAuthorizer", (doc) => {
    authorizerOf(doc, authorizerId);
    if (Object.values(doc.routes).some((r) => r.authorizerId === authorizerId))
      throw conflict(`Authorizer ${authorizerId} is used by a route`);
    delete doc.authorizers![authorizerId];
  });
}

// ---- deployments and stages ----

export function createDeployment(caller: Caller, apiId: string, input: Wire): Promise<Wire> {
  return mutateWsApi(caller, apiId, "CreateDeployment", (doc) => {
    if (!Object.keys(doc.routes).length) throw badRequest("At least one route is required before deploying the Api.");
    const id = newResourceId();
    const wire: Wire = {
      autoDeployed: false,
      createdDate: iso(),
      deploymentId: id,
      deploymentStatus: "DEPLOYED",
      ...(input.description !== undefined ? { description: input.description } : {}),
    };
    doc.deployments[id] = { wire, snapshot: snapshotOf(doc) };
    if (typeof input.stageName === "string") {
      const s = stageOf(doc, input.stageName);
      s.deploymentId = id;
      s.lastUpdatedDate = iso();
    }
    return wire;
  });
}

export const getDeployments = async (caller: Caller, apiId: string) =>
  Object.values((await read(caller, apiId)).deployments).map((d) => d.wire);

function checkAccessLog(settings: unknown): void {
  const error = accessLogSettingsError(settings as { destinationArn?: string; format?: string }, "WEBSOCKET");
  if (error) throw badRequest(error);
}

export function createStage(caller: Caller, apiId: string, input: Wire): Promise<Wire> {
  const name = input.stageName;
  if (typeof name !== "string" || !/^[A-Za-z0-9_-]{1,128}$/.test(name))
    throw badRequest("Stage name only allows a-zA-Z0-9_- and must be 1-128 characters");
  return mutateWsApi(caller, apiId, "CreateStage", (doc) => {
    if (doc.stages[name]) throw conflict(`Stage ${name} already exists`);
    if (typeof input.deploymentId === "string" && !doc.deployments[input.deploymentId])
      throw badRequest(`Invalid deployment identifier specified ${input.deploymentId}`);
    const now = iso();
    const s: Wire = {
      createdDate: now,
      defaultRouteSettings: { dataTraceEnabled: false, detailedMetricsEnabled: false, loggingLevel: "OFF" },
      lastUpdatedDate: now,
      routeSettings: {},
      stageVariables: {},
      tags: {},
      ...pick(input, STAGE_KEYS),
      stageName: name,
    };
    checkAccessLog(s.accessLogSettings);
    if (s.autoDeploy === true && Object.keys(doc.routes).length) {
      const id = newResourceId();
      doc.deployments[id] = {
        wire: { autoDeployed: true, createdDate: now, deploymentId: id, deploymentStatus: "DEPLOYED" },
        snapshot: snapshotOf(doc),
      };
      s.deploymentId = id;
    }
    checkStageSettings(doc, s);
    doc.stages[name] = s;
    return s;
  });
}

export const getStages = async (caller: Caller, apiId: string) => Object.values((await read(caller, apiId)).stages);
export const getStage = async (caller: Caller, apiId: string, stageName: string) =>
  stageOf(await read(caller, apiId), stageName);

export function updateStage(caller: Caller, apiId: string, stageName: string, input: Wire): Promise<Wire> {
  return mutateWsApi(caller, apiId, "UpdateStage", (doc) => {
    const s = stageOf(doc, stageName);
    if (typeof input.deploymentId === "string" && !doc.deployments[input.deploymentId])
      throw badRequest(`Invalid deployment identifier specified ${input.deploymentId}`);
    checkAccessLog(input.accessLogSettings);
    checkStageSettings(doc, { ...s, ...pick(input, STAGE_KEYS) });
    return Object.assign(s, pick(input, STAGE_KEYS), { lastUpdatedDate: iso() });
  });
}

/** DeleteAccessLogSettings: the stage stops writing access-log lines. */
export async function deleteAccessLogSettings(caller: Caller, apiId: string, stageName: string): Promise<void> {
  await mutateWsApi(caller, apiId, "DeleteAccessLogSettings", (doc) => {
    const s = stageOf(doc, stageName);
    delete s.accessLogSettings;
    s.lastUpdatedDate = iso();
  });
}

/** DeleteRouteSettings: the route falls back to the stage's default route settings. */
export async function deleteRouteSettings(
  caller: Caller,
  apiId: string,
  stageName: string,
  routeKey: string,
): Promise<void> {
  await mutateWsApi(caller, apiId, "DeleteRouteSettings", (doc) => {
    const s = stageOf(doc, stageName);
    const settings = (s.routeSettings ?? {}) as Record<string, unknown>;
    if (!settings[routeKey]) throw notFound(`Invalid route key specified ${routeKey}`);
    delete settings[routeKey];
    s.lastUpdatedDate = iso();
  });
}

export async function deleteStage(caller: Caller, apiId: string, stageName: string): Promise<void> {
  await mutateWsApi(caller, apiId, "DeleteStage", (doc) => {
    stageOf(doc, stageName);
    delete doc.stages[stageName];
  });
}

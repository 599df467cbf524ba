import { assertCan } from "../../../auth/permissions";
import { pool, withTransaction, type Queryable } from "../../../db";
import { executeApiBase } from "../../../platform/execute-api";
import { badRequest, conflict, newId, notFound } from "../../../core/apis/model";
import { accessLogSettingsError } from "../../../core/apis/access-log-settings";
import {
  AUTHORIZATION_TYPES,
  INTEGRATION_SUBTYPES,
  emptyHttpDoc,
  parseRouteKey,
  snapshotOf,
  type ApiSettings,
  type Authorizer,
  type Cors,
  type HttpApiDoc,
  type Integration,
  type Route,
  type RouteSettings,
  type Stage,
} from "../../../core/apis/v2/model";
import { audit, type Caller } from "../rest-api.service";
import {
  deleteHttpApiRow,
  deleteHttpDeployment,
  findHttpApi,
  insertHttpApi,
  insertHttpDeployment,
  listHttpApis,
  saveHttpApi,
  type HttpApiRow,
} from "./http-api.repository";

// API Gateway v2 HTTP APIs' control plane: APIs (with quick create), routes, integrations,
// authorizers, stages, deployments and tags. An API's document is edited under its row lock, one
// transaction per call; a change to what the API serves redeploys every autoDeploy stage in that
// transaction (as API Gateway's auto-deploy does).

export type Wire = Record<string, unknown>;
export type { HttpApiRow };
const apiNotFound = (caller: Caller, id: string) =>
  notFound(`Invalid API identifier specified ${caller.tenant.accountId}:${id}`);

export async function load(caller: Caller, id: string, db: Queryable = pool(), lock = false): Promise<HttpApiRow> {
  const api = await findHttpApi(db, caller.tenant.id, id, lock);
  if (!api) throw apiNotFound(caller, id);
  return api;
}

export async function read(caller: Caller, id: string): Promise<HttpApiRow> {
  assertCan(caller.actor.role, "resource:read");
  return load(caller, id);
}

async function insertDeployment(
  tx: Queryable,
  api: HttpApiRow,
  description: string | undefined,
  autoDeployed: boolean,
): Promise<string> {
  const id = newId(6);
  const now = new Date().toISOString();
  api.doc.deployments[id] = {
    deploymentId: id,
    ...(description !== undefined ? { description } : {}),
    autoDeployed,
    createdDate: now,
  };
  await insertHttpDeployment(tx, api.tenantId, api.id, id, snapshotOf(api.doc));
  return id;
}

const save = saveHttpApi;

/** Runs `fn` on the API under its row lock; `redeploy` redeploys every autoDeploy stage after it. */
export async function mutate<T>(
  caller: Caller,
  id: string,
  operation: string,
  redeploy: boolean,
  fn: (doc: HttpApiDoc, api: HttpApiRow, tx: Queryable) => T | Promise<T>,
): Promise<T> {
  assertCan(caller.actor.role, "resource:write");
  return withTransaction(async (tx) => {
    const api = await load(caller, id, tx, true);
    const out = await fn(api.doc, api, tx);
    if (redeploy) await autoDeploy(tx, api);
    await save(tx, api);
    await audit(caller, "api.definition.update", id, { name: api.name, operation, protocolType: "HTTP" }, tx);
    return out;
  });
}

export async function autoDeploy(tx: Queryable, api: HttpApiRow): Promise<void> {
  const stages = Object.values(api.doc.stages).filter((s) => s.autoDeploy);
  if (!stages.length) return;
  const id = await insertDeployment(
    tx,
    api,
    "Automatic deployment triggered by changes to the Api configuration",
    true,
  );
  const now = new Date().toISOString();
  for (const s of stages) {
    s.deploymentId = id;
    s.lastUpdatedDate = now;
    s.lastDeploymentStatusMessage = `Successfully deployed stage with deployment ID '${id}'`;
  }
}

function page<T>(
  items: T[],
  nextToken?: string | null,
  maxResults?: string | null,
): { items: T[]; nextToken?: string } {
  const start = nextToken ? Number(Buffer.from(nextToken, "base64url").toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw badRequest("Invalid nextToken");
  const limit = maxResults ? Number(maxResults) : 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badRequest("Invalid maxResults");
  const out = items.slice(start, start + limit);
  return start + limit < items.length
    ? { items: out, nextToken: Buffer.from(String(start + limit)).toString("base64url") }
    : { items: out };
}

// ---------------------------------------------------------------------------------------------
// APIs

export type CreateApiInput = {
  name?: string;
  protocolType?: string;
  description?: string;
  version?: string;
  corsConfiguration?: Cors;
  disableExecuteApiEndpoint?: boolean;
  disableSchemaValidation?: boolean;
  routeSelectionExpression?: string;
  apiKeySelectionExpression?: string;
  ipAddressType?: string;
  tags?: Record<string, string>;
  target?: string;
  routeKey?: string;
  credentialsArn?: string;
};

export function checkCors(c: Cors | undefined): void {
  if (!c) return;
  if (c.maxAge !== undefined && (c.maxAge < -1 || c.maxAge > 86400))
    throw badRequest("MaxAge must be between -1 and 86400");
  if (c.allowCredentials && (c.allowOrigins ?? []).includes("*"))
    throw badRequest("allow-credentials is not supported with wildcard origin");
}

export function apiWire(api: HttpApiRow, baseUrl: string): Wire {
  const s = api.doc.api;
  return {
    apiEndpoint: executeApiBase(baseUrl, api.id),
    apiId: api.id,
    apiKeySelectionExpression: s.apiKeySelectionExpression ?? "$request.header.x-api-key",
    ...(s.corsConfiguration ? { corsConfiguration: s.corsConfiguration } : {}),
    createdDate: new Date(api.createdAt).toISOString(),
    ...(s.description !== undefined ? { description: s.description } : {}),
    disableExecuteApiEndpoint: s.disableExecuteApiEndpoint ?? false,
    ...(s.ipAddressType ? { ipAddressType: s.ipAddressType } : { ipAddressType: "ipv4" }),
    name: api.name,
    protocolType: api.protocolType,
    routeSelectionExpression: s.routeSelectionExpression,
    tags: s.tags ?? {},
    ...(s.version !== undefined ? { version: s.version } : {}),
  };
}

export function checkName(name: string | undefined): string {
  if (!name || name.length > 128) throw badRequest("Invalid API name specified");
  return name;
}

export async function createApi(caller: Caller, input: CreateApiInput, baseUrl: string): Promise<Wire> {
  assertCan(caller.actor.role, "resource:write");
  const name = checkName(input.name);
  if (input.protocolType !== "HTTP")
    throw badRequest(
      input.protocolType === "WEBSOCKET"
        ? "WebSocket APIs are not supported by this endpoint"
        : "Invalid protocol type specified. Must be one of [HTTP, WEBSOCKET]",
    );
  checkCors(input.corsConfiguration);
  if (input.routeSelectionExpression && input.routeSelectionExpression !== "${request.method} ${request.path}")
    throw badRequest("Route selection expression for HTTP APIs must be ${request.method} ${request.path}");
  const doc = emptyHttpDoc({
    description: input.description,
    version: input.version,
    corsConfiguration: input.corsConfiguration,
    disableExecuteApiEndpoint: input.disableExecuteApiEndpoint,
    disableSchemaValidation: input.disableSchemaValidation,
    routeSelectionExpression: "${request.method} ${request.path}",
    apiKeySelectionExpression: input.apiKeySelectionExpression,
    ipAddressType: input.ipAddressType,
    tags: input.tags ?? {},
  } satisfies ApiSettings);
  const id = newId(10);
  return withTransaction(async (tx) => {
    const api = await insertHttpApi(tx, { id, tenantId: caller.tenant.id, name, doc });
    if (input.target) {
      quickCreate(api.doc, input.target, input.routeKey, input.credentialsArn);
      await autoDeploy(tx, api);
      await save(tx, api);
    } else if (input.routeKey) throw badRequest("RouteKey is only supported with Target (quick create)");
    await audit(caller, "api.create", id, { name, protocolType: "HTTP" }, tx);
    return apiWire(api, baseUrl);
  });
}

/**
 * Quick create (CreateApi / UpdateApi with `target`): the API-managed integration for the target
 * (a function ARN: AWS_PROXY with payload 2.0; a URL: HTTP_PROXY), the managed route to it
 * (`routeKey`, default `$default`) and an auto-deploying `$default` stage; an update changes the
 * managed ones in place.
 */
function quickCreate(
  doc: HttpApiDoc,
  target: string | undefined,
  routeKey: string | undefined,
  credentialsArn?: string,
) {
  const managedRoute = Object.values(doc.routes).find((r) => r.apiGatewayManaged);
  const managedIntegration = Object.values(doc.integrations).find((i) => i.apiGatewayManaged);
  if (target !== undefined) {
    const fn = /^arn:/.test(target);
    const integration = integrationFromInput(
      {
        integrationType: fn ? "AWS_PROXY" : "HTTP_PROXY",
        integrationUri: target,
        ...(fn ? { payloadFormatVersion: "2.0" } : { integrationMethod: "ANY" }),
        credentialsArn,
      },
      managedIntegration?.integrationId ?? newId(7),
    );
    integration.apiGatewayManaged = true;
    doc.integrations[integration.integrationId] = integration;
    if (!managedRoute) {
      const routeId = newId(7);
      doc.routes[routeId] = {
        routeId,
        routeKey: routeKey ?? "$default",
        authorizationType: "NONE",
        apiKeyRequired: false,
        target: `integrations/${integration.integrationId}`,
        apiGatewayManaged: true,
      };
    }
  }
  const route = managedRoute ?? Object.values(doc.routes).find((r) => r.apiGatewayManaged);
  if (!route) throw badRequest("Target is required: this API was not made by quick create");
  if (routeKey !== undefined) route.routeKey = routeKey;
  checkRoute(doc, route);
  if (!doc.stages.$default) {
    const now = new Date().toISOString();
    doc.stages.$default = {
      stageName: "$default",
      autoDeploy: true,
      apiGatewayManaged: true,
      defaultRouteSettings: { detailedMetricsEnabled: false },
      routeSettings: {},
      stageVariables: {},
      tags: {},
      createdDate: now,
      lastUpdatedDate: now,
    };
  }
}

export async function getApi(caller: Caller, id: string, baseUrl: string): Promise<Wire> {
  return apiWire(await read(caller, id), baseUrl);
}

export async function getApis(
  caller: Caller,
  baseUrl: string,
  nextToken?: string | null,
  maxResults?: string | null,
): Promise<Wire> {
  assertCan(caller.actor.role, "resource:read");
  const p = page(await listHttpApis(pool(), caller.tenant.id), nextToken, maxResults);
  return { items: p.items.map((a) => apiWire(a, baseUrl)), ...(p.nextToken ? { nextToken: p.nextToken } : {}) };
}

export async function updateApi(caller: Caller, id: string, input: CreateApiInput, baseUrl: string): Promise<Wire> {
  const redeploy = input.corsConfiguration !== undefined || input.target !== undefined || input.routeKey !== undefined;
  return mutate(caller, id, "UpdateApi", redeploy, (doc, api) => {
    if (input.target !== undefined || input.routeKey !== undefined)
      quickCreate(doc, input.target, input.routeKey, input.credentialsArn);
    if (input.name !== undefined) api.name = checkName(input.name);
    checkCors(input.corsConfiguration);
    const s = doc.api;
    for (const k of [
      "description",
      "version",
      "corsConfiguration",
      "disableExecuteApiEndpoint",
      "disableSchemaValidation",
      "apiKeySelectionExpression",
      "ipAddressType",
    ] as const)
      if (input[k] !== undefined) (s as Record<string, unknown>)[k] = input[k];
    return apiWire(api, baseUrl);
  });
}

export async function deleteCorsConfiguration(caller: Caller, id: string): Promise<void> {
  await mutate(caller, id, "DeleteCorsConfiguration", true, (doc) => {
    delete doc.api.corsConfiguration;
  });
}

export async function deleteApi(caller: Caller, id: string): Promise<void> {
  assertCan(caller.actor.role, "resource:write");
  await withTransaction(async (tx) => {
    const api = await load(caller, id, tx, true);
    await deleteHttpApiRow(tx, caller.tenant.id, id);
    await audit(caller, "api.delete", id, { name: api.name, protocolType: "HTTP" }, tx);
  });
}

// ---------------------------------------------------------------------------------------------
// Routes

export type RouteInput = Partial<Omit<Route, "routeId" | "apiGatewayManaged">>;

export function checkRoute(doc: HttpApiDoc, r: Route): void {
  parseRouteKey(r.routeKey);
  if (!AUTHORIZATION_TYPES.includes(r.authorizationType))
    throw badRequest(`Invalid authorization type specified. Must be one of [${AUTHORIZATION_TYPES.join(", ")}]`);
  if (r.authorizationType === "JWT" || r.authorizationType === "CUSTOM") {
    const a = r.authorizerId ? doc.authorizers[r.authorizerId] : undefined;
    if (!a) throw badRequest(`Invalid authorizer ID specified: ${r.authorizerId ?? ""}`);
    if ((a.authorizerType === "JWT") !== (r.authorizationType === "JWT"))
      throw badRequest(
        `The authorization type ${r.authorizationType} is not compatible with authorizer type ${a.authorizerType}`,
      );
  } else if (r.authorizerId) {
    throw badRequest(`AuthorizerId must not be set when the authorization type is ${r.authorizationType}`);
  }
  if (r.apiKeyRequired) throw badRequest("API keys are not supported for HTTP APIs");
  if (r.target !== undefined && r.target !== "") {
    const m = /^integrations\/(.+)$/.exec(r.target);
    if (!m || !doc.integrations[m[1]]) throw badRequest(`Invalid target specified: ${r.target}`);
  }
  for (const other of Object.values(doc.routes))
    if (other.routeId !== r.routeId && other.routeKey === r.routeKey)
      throw conflict(`Route with key ${r.routeKey} already exists for this API`);
}

const routeNotFound = (id: string) => notFound(`Invalid Route identifier specified ${id}`);

function routeWire(r: Route): Wire {
  return {
    apiKeyRequired: r.apiKeyRequired ?? false,
    ...r,
    apiGatewayManaged: r.apiGatewayManaged ?? undefined,
  };
}

export async function createRoute(caller: Caller, apiId: string, input: RouteInput): Promise<Wire> {
  return mutate(caller, apiId, "CreateRoute", true, (doc) => {
    if (!input.routeKey) throw badRequest("RouteKey is required");
    const route: Route = {
      ...stripUndefined(input),
      routeId: newId(7),
      routeKey: input.routeKey,
      authorizationType: input.authorizationType ?? "NONE",
      apiKeyRequired: input.apiKeyRequired ?? false,
    };
    checkRoute(doc, route);
    doc.routes[route.routeId] = route;
    return routeWire(route);
  });
}

export async function getRoute(caller: Caller, apiId: string, routeId: string): Promise<Wire> {
  const r = (await read(caller, apiId)).doc.routes[routeId];
  if (!r) throw routeNotFound(routeId);
  return routeWire(r);
}

export async function getRoutes(caller: Caller, apiId: string, nextToken?: string | null, max?: string | null) {
  const api = await read(caller, apiId);
  const p = page(Object.values(api.doc.routes).map(routeWire), nextToken, max);
  return p;
}

export async function updateRoute(caller: Caller, apiId: string, routeId: string, input: RouteInput): Promise<Wire> {
  return mutate(caller, apiId, "UpdateRoute", true, (doc) => {
    const r = doc.routes[routeId];
    if (!r) throw routeNotFound(routeId);
    const next: Route = { ...r, ...stripUndefined(input) };
    if (input.authorizationType === "NONE" || input.authorizationType === "AWS_IAM") delete next.authorizerId;
    checkRoute(doc, next);
    doc.routes[routeId] = next;
    return routeWire(next);
  });
}

export async function deleteRoute(caller: Caller, apiId: string, routeId: string): Promise<void> {
  await mutate(caller, apiId, "DeleteRoute", true, (doc) => {
    if (!doc.routes[routeId]) throw routeNotFound(routeId);
    delete doc.routes[routeId];
  });
}

export async function deleteRouteRequestParameter(caller: Caller, apiId: string, routeId: string, key: string) {
  await mutate(caller, apiId, "DeleteRouteRequestParameter", true, (doc) => {
    const r = doc.routes[routeId];
    if (!r) throw routeNotFound(routeId);
    if (!r.requestParameters?.[key]) throw notFound(`Invalid request parameter key specified ${key}`);
    delete r.requestParameters[key];
  });
}

// ---------------------------------------------------------------------------------------------
// Integrations

export type IntegrationInput = Partial<Omit<Integration, "integrationId" | "apiGatewayManaged">> & {
  contentHandlingStrategy?: string;
  passthroughBehavior?: string;
  requestTemplates?: Record<string, string>;
  templateSelectionExpression?: string;
};

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const PARAM_TARGET = /^(append|overwrite|remove):(header\.[A-Za-z0-9!#$%&'*+.^_`|~-]+|querystring\.[^\s]+|path)$/;
const RESPONSE_TARGET = /^(append|overwrite|remove):(header\.[A-Za-z0-9!#$%&'*+.^_`|~-]+|statuscode)$/;
const SUBTYPE_PARAM = /^[A-Z][A-Za-z]*$/;

function checkIntegration(i: Integration): void {
  const t = i.integrationType;
  if (!["AWS_PROXY", "HTTP_PROXY"].includes(t))
    throw badRequest(
      ["MOCK", "HTTP", "AWS"].includes(t)
        ? `Integration type ${t} is not supported for HTTP APIs`
        : `Invalid integration type specified. Must be one of [AWS, HTTP, MOCK, HTTP_PROXY, AWS_PROXY]`,
    );
  if (i.timeoutInMillis < 50 || i.timeoutInMillis > 30000)
    throw badRequest("Timeout must be between 50 milliseconds and 30 seconds.");
  if (t === "HTTP_PROXY") {
    if (!i.integrationUri || !/^https?:\/\//.test(i.integrationUri))
      throw badRequest("Invalid integration URI specified. Integration URI must be a valid URL.");
    if (i.payloadFormatVersion !== "1.0")
      throw badRequest("Invalid payload format version specified. Must be 1.0 for HTTP_PROXY integrations.");
    if (!i.integrationMethod) throw badRequest("IntegrationMethod is required for HTTP_PROXY integrations");
  } else if (i.integrationSubtype) {
    if (!INTEGRATION_SUBTYPES.includes(i.integrationSubtype))
      throw badRequest(`Invalid integration subtype specified: ${i.integrationSubtype}`);
    if (i.payloadFormatVersion !== "1.0")
      throw badRequest("Invalid payload format version specified. Must be 1.0 for AWS service integrations.");
    for (const k of Object.keys(i.requestParameters ?? {}))
      if (!SUBTYPE_PARAM.test(k)) throw badRequest(`Invalid request parameter key specified: ${k}`);
  } else {
    if (!i.integrationUri || !/^arn:aws:(lambda|apigateway):/.test(i.integrationUri))
      throw badRequest("Invalid integration URI specified. Integration URI must be a Lambda function ARN.");
    if (!["1.0", "2.0"].includes(i.payloadFormatVersion))
      throw badRequest("Invalid payload format version specified. Must be one of [1.0, 2.0].");
  }
  if (!i.integrationSubtype)
    for (const k of Object.keys(i.requestParameters ?? {}))
      if (!PARAM_TARGET.test(k)) throw badRequest(`Invalid mapping expression specified: ${k}`);
  for (const [status, m] of Object.entries(i.responseParameters ?? {})) {
    if (!/^[1-5]\d\d$/.test(status)) throw badRequest(`Invalid status code specified: ${status}`);
    for (const k of Object.keys(m))
      if (!RESPONSE_TARGET.test(k)) throw badRequest(`Invalid mapping expression specified: ${k}`);
  }
}

export function integrationFromInput(input: IntegrationInput, id: string): Integration {
  if (!input.integrationType) throw badRequest("IntegrationType is required");
  const i: Integration = {
    ...stripUndefined({
      integrationSubtype: input.integrationSubtype,
      integrationUri: input.integrationUri,
      integrationMethod: input.integrationMethod,
      connectionId: input.connectionId,
      credentialsArn: input.credentialsArn,
      description: input.description,
      requestParameters: input.requestParameters,
      responseParameters: input.responseParameters,
      tlsConfig: input.tlsConfig,
    }),
    integrationId: id,
    integrationType: input.integrationType,
    connectionType: input.connectionType ?? "INTERNET",
    payloadFormatVersion:
      input.payloadFormatVersion ?? (input.integrationType === "AWS_PROXY" && !input.integrationSubtype ? "" : "1.0"),
    timeoutInMillis: input.timeoutInMillis ?? 30000,
  };
  if (i.integrationType === "AWS_PROXY" && !i.integrationSubtype && !input.payloadFormatVersion)
    throw badRequest("PayloadFormatVersion is required for Lambda proxy integrations. Must be one of [1.0, 2.0].");
  checkIntegration(i);
  return i;
}

const integrationNotFound = (id: string) => notFound(`Invalid Integration identifier specified ${id}`);

function integrationWire(i: Integration): Wire {
  return { ...i, integrationResponseSelectionExpression: undefined };
}

export async function createIntegration(caller: Caller, apiId: string, input: IntegrationInput): Promise<Wire> {
  return mutate(caller, apiId, "CreateIntegration", true, (doc) => {
    const i = integrationFromInput(input, newId(7));
    doc.integrations[i.integrationId] = i;
    return integrationWire(i);
  });
}

export async function getIntegration(caller: Caller, apiId: string, id: string): Promise<Wire> {
  const i = (await read(caller, apiId)).doc.integrations[id];
  if (!i) throw integrationNotFound(id);
  return integrationWire(i);
}

export async function getIntegrations(caller: Caller, apiId: string, nextToken?: string | null, max?: string | null) {
  const api = await read(caller, apiId);
  return page(Object.values(api.doc.integrations).map(integrationWire), nextToken, max);
}

export async function updateIntegration(caller: Caller, apiId: string, id: string, input: IntegrationInput) {
  return mutate(caller, apiId, "UpdateIntegration", true, (doc) => {
    const i = doc.integrations[id];
    if (!i) throw integrationNotFound(id);
    const next = integrationFromInput({ ...i, ...stripUndefined(input) }, id);
    if (i.apiGatewayManaged) next.apiGatewayManaged = true;
    doc.integrations[id] = next;
    return integrationWire(next);
  });
}

export async function deleteIntegration(caller: Caller, apiId: string, id: string): Promise<void> {
  await mutate(caller, apiId, "DeleteIntegration", true, (doc) => {
    if (!doc.integrations[id]) throw integrationNotFound(id);
    const user = Object.values(doc.routes).find((r) => r.target === `integrations/${id}`);
    if (user)
      throw conflict(`Cannot delete integration ${id}: it is the target of route ${user.routeId} (${user.routeKey})`);
    delete doc.integrations[id];
  });
}

// ---------------------------------------------------------------------------------------------
// Authorizers

export type AuthorizerInput = Partial<Omit<Authorizer, "authorizerId">>;

export function checkAuthorizer(a: Authorizer): void {
  if (!a.name) throw badRequest("Name is required");
  if (a.authorizerType === "JWT") {
    if (!a.jwtConfiguration?.issuer) throw badRequest("JWT authorizers require jwtConfiguration.issuer");
    if (!a.jwtConfiguration.audience?.length) throw badRequest("JWT authorizers require jwtConfiguration.audience");
    if (!a.identitySource?.length || a.identitySource.length !== 1)
      throw badRequest("JWT authorizers require exactly one identity source");
  } else if (a.authorizerType === "REQUEST") {
    if (!a.authorizerUri) throw badRequest("AuthorizerUri is required for REQUEST authorizers");
    const v = a.authorizerPayloadFormatVersion;
    if (v !== "1.0" && v !== "2.0")
      throw badRequest(
        "AuthorizerPayloadFormatVersion is required for REQUEST authorizers. Must be one of [1.0, 2.0].",
      );
    if (a.enableSimpleResponses && v !== "2.0")
      throw badRequest("Simple responses are only supported with authorizer payload format version 2.0");
    const ttl = a.authorizerResultTtlInSeconds ?? 0;
    if (ttl < 0 || ttl > 3600) throw badRequest("AuthorizerResultTtlInSeconds must be between 0 and 3600");
    if (ttl > 0 && !a.identitySource?.length)
      throw badRequest("Identity source is required when authorizer caching is enabled");
  } else {
    throw badRequest("Invalid authorizer type specified. Must be one of [JWT, REQUEST]");
  }
  for (const s of a.identitySource ?? [])
    if (!/^\$(request\.(header|querystring)\.[^\s]+|context\.[A-Za-z.]+|stageVariables\.[A-Za-z0-9_]+)$/.test(s))
      throw badRequest(`Invalid identity source specified: ${s}`);
}

const authorizerNotFound = (id: string) => notFound(`Invalid Authorizer identifier specified ${id}`);

function authorizerWire(a: Authorizer): Wire {
  return a.authorizerType === "REQUEST" ? { authorizerResultTtlInSeconds: 0, ...a } : a;
}

export async function createAuthorizer(caller: Caller, apiId: string, input: AuthorizerInput): Promise<Wire> {
  return mutate(caller, apiId, "CreateAuthorizer", true, (doc) => {
    const a = { ...stripUndefined(input), authorizerId: newId(6) } as Authorizer;
    checkAuthorizer(a);
    doc.authorizers[a.authorizerId] = a;
    return authorizerWire(a);
  });
}

export async function getAuthorizer(caller: Caller, apiId: string, id: string): Promise<Wire> {
  const a = (await read(caller, apiId)).doc.authorizers[id];
  if (!a) throw authorizerNotFound(id);
  return authorizerWire(a);
}

export async function getAuthorizers(caller: Caller, apiId: string, nextToken?: string | null, max?: string | null) {
  const api = await read(caller, apiId);
  return page(Object.values(api.doc.authorizers).map(authorizerWire), nextToken, max);
}

export async function updateAuthorizer(caller: Caller, apiId: string, id: string, input: AuthorizerInput) {
  return mutate(caller, apiId, "UpdateAuthorizer", true, (doc) => {
    const a = doc.authorizers[id];
    if (!a) throw authorizerNotFound(id);
    const next = { ...a, ...stripUndefined(input), authorizerId: id } as Authorizer;
    checkAuthorizer(next);
    doc.authorizers[id] = next;
    return authorizerWire(next);
  });
}

export async function deleteAuthorizer(caller: Caller, apiId: string, id: string): Promise<void> {
  await mutate(caller, apiId, "DeleteAuthorizer", true, (doc) => {
    if (!doc.authorizers[id]) throw authorizerNotFound(id);
    const user = Object.values(doc.routes).find((r) => r.authorizerId === id);
    if (user) throw conflict(`Cannot delete authorizer ${id}: it is used by route ${user.routeId} (${user.routeKey})`);
    delete doc.authorizers[id];
  });
}

// ---------------------------------------------------------------------------------------------
// Stages and deployments

export type StageInput = Partial<
  Omit<Stage, "createdDate" | "lastUpdatedDate" | "lastDeploymentStatusMessage" | "apiGatewayManaged">
>;

const stageNotFound = (name: string) => notFound(`Invalid stage identifier specified ${name}`);

function checkStage(doc: HttpApiDoc, s: Stage): void {
  if (!/^(\$default|[A-Za-z0-9_-]{1,128})$/.test(s.stageName)) throw badRequest(`Invalid stage name: ${s.stageName}`);
  if (s.deploymentId && !doc.deployments[s.deploymentId])
    throw notFound(`Invalid deployment identifier specified ${s.deploymentId}`);
  const checkSettings = (r: RouteSettings | undefined) => {
    if (!r) return;
    if (r.throttlingRateLimit !== undefined && r.throttlingRateLimit < 0)
      throw badRequest("Throttling rate limit must be non-negative");
    if (r.throttlingBurstLimit !== undefined && r.throttlingBurstLimit < 0)
      throw badRequest("Throttling burst limit must be non-negative");
  };
  checkSettings(s.defaultRouteSettings);
  for (const [k, v] of Object.entries(s.routeSettings ?? {})) {
    if (!Object.values(doc.routes).some((r) => r.routeKey === k)) throw badRequest(`Invalid route key specified: ${k}`);
    checkSettings(v);
  }
  for (const k of Object.keys(s.stageVariables ?? {}))
    if (!/^[A-Za-z0-9_]{1,64}$/.test(k)) throw badRequest(`Invalid stage variable name: ${k}`);
  const logError = accessLogSettingsError(s.accessLogSettings, "HTTP");
  if (logError) throw badRequest(logError);
}

function stageWire(s: Stage): Wire {
  return {
    defaultRouteSettings: { detailedMetricsEnabled: false },
    routeSettings: {},
    stageVariables: {},
    tags: {},
    ...s,
    autoDeploy: s.autoDeploy ?? false,
  };
}

export async function createStage(caller: Caller, apiId: string, input: StageInput): Promise<Wire> {
  return mutate(caller, apiId, "CreateStage", false, async (doc, api, tx) => {
    if (!input.stageName) throw badRequest("StageName is required");
    if (doc.stages[input.stageName]) throw conflict(`Stage already exists: ${input.stageName}`);
    const now = new Date().toISOString();
    const s: Stage = { ...stripUndefined(input), stageName: input.stageName, createdDate: now, lastUpdatedDate: now };
    checkStage(doc, s);
    doc.stages[s.stageName] = s;
    if (s.autoDeploy && !s.deploymentId) {
      const id = await insertDeployment(
        tx,
        api,
        "Automatic deployment triggered by changes to the Api configuration",
        true,
      );
      s.deploymentId = id;
      s.lastDeploymentStatusMessage = `Successfully deployed stage with deployment ID '${id}'`;
    }
    return stageWire(s);
  });
}

export async function getStage(caller: Caller, apiId: string, name: string): Promise<Wire> {
  const s = (await read(caller, apiId)).doc.stages[name];
  if (!s) throw stageNotFound(name);
  return stageWire(s);
}

export async function getStages(caller: Caller, apiId: string, nextToken?: string | null, max?: string | null) {
  const api = await read(caller, apiId);
  return page(Object.values(api.doc.stages).map(stageWire), nextToken, max);
}

export async function updateStage(caller: Caller, apiId: string, name: string, input: StageInput): Promise<Wire> {
  return mutate(caller, apiId, "UpdateStage", false, async (doc, api, tx) => {
    const s = doc.stages[name];
    if (!s) throw stageNotFound(name);
    const next: Stage = { ...s, ...stripUndefined(input), stageName: name, lastUpdatedDate: new Date().toISOString() };
    checkStage(doc, next);
    if (next.autoDeploy && !s.autoDeploy && input.deploymentId === undefined) {
      next.deploymentId = await insertDeployment(tx, api, undefined, true);
    }
    doc.stages[name] = next;
    return stageWire(next);
  });
}

export async function deleteStage(caller: Caller, apiId: string, name: string): Promise<void> {
  await mutate(caller, apiId, "DeleteStage", false, (doc) => {
    if (!doc.stages[name]) throw stageNotFound(name);
    delete doc.stages[name];
  });
}

/** DeleteAccessLogSettings: the stage stops writing access-log lines. */
export async function deleteAccessLogSettings(caller: Caller, apiId: string, name: string) {
  await mutate(caller, apiId, "DeleteAccessLogSettings", false, (doc) => {
    const s = doc.stages[name];
    if (!s) throw stageNotFound(name);
    delete s.accessLogSettings;
    s.lastUpdatedDate = new Date().toISOString();
  });
}

export async function deleteRouteSettings(caller: Caller, apiId: string, name: string, routeKey: string) {
  await mutate(caller, apiId, "DeleteRouteSettings", false, (doc) => {
    const s = doc.stages[name];
    if (!s) throw stageNotFound(name);
    if (!s.routeSettings?.[routeKey]) throw notFound(`Invalid route key specified ${routeKey}`);
    delete s.routeSettings[routeKey];
  });
}

export async function createDeployment(
  caller: Caller,
  apiId: string,
  input: { description?: string; stageName?: string },
): Promise<Wire> {
  return mutate(caller, apiId, "CreateDeployment", false, async (doc, api, tx) => {
    const stage = input.stageName ? doc.stages[input.stageName] : undefined;
    if (input.stageName && !stage) throw stageNotFound(input.stageName);
    if (stage?.autoDeploy)
      throw badRequest(`Stage ${stage.stageName} has autoDeploy enabled: deployments are made automatically`);
    const id = await insertDeployment(tx, api, input.description, false);
    if (stage) {
      stage.deploymentId = id;
      stage.lastUpdatedDate = new Date().toISOString();
    }
    return deploymentWire(doc.deployments[id]);
  });
}

function deploymentWire(d: HttpApiDoc["deployments"][string]): Wire {
  return { ...d, deploymentStatus: "DEPLOYED" };
}

export async function getDeployment(caller: Caller, apiId: string, id: string): Promise<Wire> {
  const d = (await read(caller, apiId)).doc.deployments[id];
  if (!d) throw notFound(`Invalid deployment identifier specified ${id}`);
  return deploymentWire(d);
}

export async function getDeployments(caller: Caller, apiId: string, nextToken?: string | null, max?: string | null) {
  const api = await read(caller, apiId);
  return page(Object.values(api.doc.deployments).map(deploymentWire), nextToken, max);
}

export async function updateDeployment(caller: Caller, apiId: string, id: string, description?: string) {
  return mutate(caller, apiId, "UpdateDeployment", false, (doc) => {
    const d = doc.deployments[id];
    if (!d) throw notFound(`Invalid deployment identifier specified ${id}`);
    if (description !== undefined) d.description = description;
    return deploymentWire(d);
  });
}

export async function deleteDeployment(caller: Caller, apiId: string, id: string): Promise<void> {
  await mutate(caller, apiId, "DeleteDeployment", false, async (doc, api, tx) => {
    if (!doc.deployments[id]) throw notFound(`Invalid deployment identifier specified ${id}`);
    const user = Object.values(doc.stages).find((s) => s.deploymentId === id);
    if (user) throw badRequest(`Active stages pointing to this deployment must be moved or deleted`);
    delete doc.deployments[id];
    await deleteHttpDeployment(tx, api.tenantId, api.id, id);
  });
}

// ---------------------------------------------------------------------------------------------
// Tags (arn:aws:apigateway:<region>::/apis/<id>[/stages/<name>])

function parseArn(arn: string): { apiId: string; stage?: string } {
  const m = /^arn:aws:apigateway:[^:]*::\/apis\/([^/]+)(?:\/stages\/([^/]+))?$/.exec(arn);
  if (!m) throw badRequest(`Invalid ARN specified in the request: ${arn}`);
  return { apiId: m[1], stage: m[2] };
}

async function changeTags(caller: Caller, arn: string, fn: (t: Record<string, string>) => Record<string, string>) {
  const { apiId, stage } = parseArn(arn);
  await mutate(caller, apiId, "TagResource", false, (doc) => {
    if (stage) {
      const s = doc.stages[stage];
      if (!s) throw stageNotFound(stage);
      s.tags = fn({ ...(s.tags ?? {}) });
    } else doc.api.tags = fn({ ...(doc.api.tags ?? {}) });
  });
}

export async function tagResource(caller: Caller, arn: string, tags: Record<string, string>): Promise<void> {
  for (const [k, v] of Object.entries(tags)) {
    if (!k || k.length > 128 || k.startsWith("aws:")) throw badRequest(`Invalid tag key: ${k}`);
    if (v.length > 256) throw badRequest(`Invalid tag value for key ${k}`);
  }
  await changeTags(caller, arn, (t) => {
    const next = { ...t, ...tags };
    if (Object.keys(next).length > 50) throw badRequest("Too many tags: a resource can have at most 50");
    return next;
  });
}

export async function untagResource(caller: Caller, arn: string, keys: string[]): Promise<void> {
  await changeTags(caller, arn, (t) => {
    for (const k of keys) delete t[k];
    return t;
  });
}

export async function getTags(caller: Caller, arn: string): Promise<Record<string, string>> {
  const { apiId, stage } = parseArn(arn);
  const api = await read(caller, apiId);
  if (!stage) return api.doc.api.tags ?? {};
  const s = api.doc.stages[stage];
  if (!s) throw stageNotFound(stage);
  return s.tags ?? {};
}

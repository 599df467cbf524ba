import { assertCan, type Actor } from "../../auth/permissions";
import { pool, withTransaction, type Queryable } from "../../db";
import {
  AUTHORIZATION_TYPES,
  HTTP_METHODS,
  INTEGRATION_TYPES,
  MAX_TIMEOUT_MS,
  MIN_TIMEOUT_MS,
  PASSTHROUGH_BEHAVIORS,
  badRequest,
  checkPathPart,
  conflict,
  emptyDoc,
  epochSeconds,
  integrationWire,
  methodWire,
  newId,
  notFound,
  page,
  resourcePath,
  resourceWire,
  type ApiDoc,
  type ApiSettings,
  type Authorizer,
  type Integration,
  type IntegrationResponse,
  type Method,
  type MethodResponse,
  type StoredResource,
} from "../../core/apis/model";
import { applyPatch, type PatchOperation } from "../../core/apis/patch";
import { parseResourcePolicy } from "../../core/apis/resource-policy";
import { recordAudit } from "../audit/audit.service";
import { GATEWAY_RESPONSE_TYPES, defaultGatewayResponse } from "../../core/apis/gateway-responses";
import { deleteApiRow, findApi, insertApi, listApis, saveApi, type RestApiRow } from "./rest-api.repository";

// API Gateway v1's control plane for REST APIs, resources, methods, integrations and their
// responses, models, request validators and gateway responses. An API's definition is one document
// changed under its row's lock (`mutate`), so concurrent edits of one API serialize and each call
// sees a consistent tree. Inputs and outputs are API Gateway's members (camelCase); timestamps in
// epoch seconds as the REST JSON wire has them.

export type Caller = { actor: Actor; tenant: { id: string; accountId: string } };
export type Wire = Record<string, unknown>;

export const apiNotFound = (caller: Caller, id: string) =>
  notFound(`Invalid API identifier specified ${caller.tenant.accountId}:${id}`);
const resourceNotFound = () => notFound("Invalid Resource identifier specified");
const methodNotFound = () => notFound("Invalid Method identifier specified");
const integrationNotFound = () => notFound("No integration defined for method");
const responseNotFound = () => notFound("Invalid Response status code specified");

export async function loadApi(caller: Caller, id: string, db: Queryable = pool(), lock = false): Promise<RestApiRow> {
  const api = await findApi(db, caller.tenant.id, id, lock);
  if (!api) throw apiNotFound(caller, id);
  return api;
}

/** Runs `fn` on the API's document under its row lock and saves what it changed. */
async function mutate<T>(
  caller: Caller,
  id: string,
  operation: string,
  fn: (doc: ApiDoc, api: RestApiRow) => T,
): Promise<T> {
  assertCan(caller.actor.role, "resource:write");
  return withTransaction(async (tx) => {
    const api = await loadApi(caller, id, tx, true);
    const out = fn(api.doc, api);
    await saveApi(tx, caller.tenant.id, id, { name: api.name, settings: api.settings, doc: api.doc });
    await audit(caller, "api.definition.update", id, { name: api.name, operation }, tx);
    return out;
  });
}

/** One audit row per change, in the change's transaction. */
export async function audit(
  caller: Caller,
  action: string,
  apiId: string,
  summary: Record<string, unknown>,
  tx?: Queryable,
): Promise<void> {
  await recordAudit(caller.actor, caller.tenant.id, action, { type: "rest_api", id: apiId }, summary, tx);
}

async function read(caller: Caller, id: string): Promise<RestApiRow> {
  assertCan(caller.actor.role, "resource:read");
  return loadApi(caller, id);
}

// ---------------------------------------------------------------------------------------------
// REST APIs

export function restApiWire(api: RestApiRow): Wire {
  const s = api.settings;
  const out: Wire = { id: api.id, name: api.name };
  if (s.description !== undefined) out.description = s.description;
  out.createdDate = epochSeconds(new Date(api.createdAt));
  if (s.version !== undefined) out.version = s.version;
  if (s.binaryMediaTypes?.length) out.binaryMediaTypes = s.binaryMediaTypes;
  if (s.minimumCompressionSize !== undefined) out.minimumCompressionSize = s.minimumCompressionSize;
  out.apiKeySource = s.apiKeySource;
  out.endpointConfiguration = s.endpointConfiguration;
  if (s.policy !== undefined) out.policy = s.policy;
  if (s.tags && Object.keys(s.tags).length) out.tags = s.tags;
  out.disableExecuteApiEndpoint = s.disableExecuteApiEndpoint;
  out.rootResourceId = api.doc.rootResourceId;
  return out;
}

export type CreateRestApiInput = {
  name?: string;
  description?: string;
  version?: string;
  cloneFrom?: string;
  binaryMediaTypes?: string[];
  minimumCompressionSize?: number;
  apiKeySource?: string;
  endpointConfiguration?: { types?: string[] };
  policy?: string;
  tags?: Record<string, string>;
  disableExecuteApiEndpoint?: boolean;
};

function settingsOf(input: CreateRestApiInput): ApiSettings {
  if (input.apiKeySource !== undefined && input.apiKeySource !== "HEADER" && input.apiKeySource !== "AUTHORIZER")
    throw badRequest(`Invalid API key source specified: ${input.apiKeySource}`);
  const types = input.endpointConfiguration?.types ?? ["EDGE"];
  for (const t of types)
    if (!["EDGE", "REGIONAL", "PRIVATE"].includes(t)) throw badRequest(`Invalid endpoint type specified: ${t}`);
  const s: ApiSettings = {
    apiKeySource: (input.apiKeySource as ApiSettings["apiKeySource"]) ?? "HEADER",
    endpointConfiguration: { types },
    disableExecuteApiEndpoint: input.disableExecuteApiEndpoint ?? false,
  };
  if (input.description !== undefined) s.description = input.description;
  if (input.version !== undefined) s.version = input.version;
  if (input.binaryMediaTypes?.length) s.binaryMediaTypes = input.binaryMediaTypes;
  if (input.minimumCompressionSize !== undefined) {
    if (input.minimumCompressionSize < 0 || input.minimumCompressionSize > 10485760)
      throw badRequest("Invalid minimumCompressionSize: must be between 0 and 10485760");
    s.minimumCompressionSize = input.minimumCompressionSize;
  }
  if (input.policy !== undefined && input.policy !== "") {
    // Checked here so the gateway never meets a policy it cannot evaluate.
    try {
      parseResourcePolicy(input.policy);
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    s.policy = input.policy;
  }
  if (input.tags && Object.keys(input.tags).length) s.tags = input.tags;
  return s;
}

export async function createRestApi(caller: Caller, input: CreateRestApiInput, doc?: ApiDoc): Promise<Wire> {
  assertCan(caller.actor.role, "resource:write");
  const name = input.name?.trim();
  if (!name) throw badRequest("Invalid REST API name specified. Must be non-empty.");
  let startDoc = doc ?? emptyDoc();
  if (input.cloneFrom) {
    const source = await loadApi(caller, input.cloneFrom);
    startDoc = structuredClone(source.doc);
  }
  const row = await insertApi(pool(), {
    id: newId(10),
    tenantId: caller.tenant.id,
    name,
    settings: settingsOf(input),
    doc: startDoc,
  });
  await audit(caller, "api.create", row.id, { name: row.name });
  return restApiWire(row);
}

export async function getRestApi(caller: Caller, id: string): Promise<Wire> {
  return restApiWire(await read(caller, id));
}

export async function getRestApis(caller: Caller, position: string | null, limit: string | null): Promise<Wire> {
  assertCan(caller.actor.role, "resource:read");
  const p = page(await listApis(pool(), caller.tenant.id), position, limit);
  return { ...(p.position ? { position: p.position } : {}), item: p.items.map(restApiWire) };
}

export async function updateRestApi(caller: Caller, id: string, ops: PatchOperation[] | undefined): Promise<Wire> {
  assertCan(caller.actor.role, "resource:write");
  return withTransaction(async (tx) => {
    const api = await loadApi(caller, id, tx, true);
    const target: Record<string, unknown> = { ...api.settings, name: api.name };
    applyPatch(
      target,
      ops,
      {
        name: "string",
        description: "string",
        version: "string",
        binaryMediaTypes: "list",
        minimumCompressionSize: "int",
        apiKeySource: "string",
        policy: "string",
        disableExecuteApiEndpoint: "boolean",
      },
      (op, seg) => {
        // /endpointConfiguration/types/EDGE (replace with value REGIONAL)
        if (seg[0] !== "endpointConfiguration") return false;
        if (seg[1] !== "types" || !op.value) throw badRequest(`Invalid patch path ${op.path}`);
        target.endpointConfiguration = { types: [op.value] };
        return true;
      },
    );
    const name = String(target.name ?? "").trim();
    if (!name) throw badRequest("Invalid REST API name specified. Must be non-empty.");
    delete target.name;
    const settings = settingsOf(target as CreateRestApiInput);
    await saveApi(tx, caller.tenant.id, id, { name, settings, doc: api.doc });
    await audit(caller, "api.update", id, { before: { name: api.name }, after: { name } }, tx);
    return restApiWire({ ...api, name, settings });
  });
}

export async function deleteRestApi(caller: Caller, id: string): Promise<void> {
  assertCan(caller.actor.role, "resource:write");
  await withTransaction(async (tx) => {
    const api = await loadApi(caller, id, tx, true);
    await deleteApiRow(tx, caller.tenant.id, id);
    await audit(caller, "api.delete", id, { name: api.name }, tx);
  });
}

/** Replaces an API's document (PutRestApi overwrite/merge, ImportRestApi's result). */
export async function replaceDoc(
  caller: Caller,
  id: string,
  fn: (api: RestApiRow) => { doc: ApiDoc; name?: string; settings?: Partial<ApiSettings> },
): Promise<Wire> {
  assertCan(caller.actor.role, "resource:write");
  return withTransaction(async (tx) => {
    const api = await loadApi(caller, id, tx, true);
    const r = fn(api);
    const next = { name: r.name ?? api.name, settings: { ...api.settings, ...(r.settings ?? {}) }, doc: r.doc };
    await saveApi(tx, caller.tenant.id, id, next);
    await audit(caller, "api.import", id, { name: next.name }, tx);
    return restApiWire({ ...api, ...next });
  });
}

// ---------------------------------------------------------------------------------------------
// Resources

function resourceOf(doc: ApiDoc, id: string): StoredResource {
  const r = Object.prototype.hasOwnProperty.call(doc.resources, id) ? doc.resources[id] : undefined;
  if (!r) throw resourceNotFound();
  return r;
}

function checkSibling(doc: ApiDoc, parentId: string, pathPart: string, selfId?: string): void {
  const parent = resourceOf(doc, parentId);
  if (parent.pathPart?.endsWith("+}"))
    throw badRequest(`Cannot create a child of a resource with a greedy path variable: ${parent.pathPart}`);
  for (const r of Object.values(doc.resources)) {
    if (r.parentId !== parentId || r.id === selfId) continue;
    if (r.pathPart === pathPart)
      throw conflict(`Another resource with the same parent already has this name: ${pathPart}`);
    if (r.pathPart?.startsWith("{") && pathPart.startsWith("{"))
      throw badRequest(
        `A sibling (${r.pathPart}) of this resource already has a variable path part -- only one is allowed`,
      );
  }
}

export async function createResource(caller: Caller, apiId: string, parentId: string, pathPart?: string) {
  return mutate(caller, apiId, "createResource", (doc) => {
    if (!pathPart) throw badRequest("Resource's path part must be specified");
    resourceOf(doc, parentId);
    checkPathPart(pathPart);
    checkSibling(doc, parentId, pathPart);
    const r: StoredResource = { id: newId(6), parentId, pathPart, methods: {} };
    doc.resources[r.id] = r;
    return resourceWire(doc, r, false);
  });
}

const embedsMethods = (embed: string[]) => embed.includes("methods");

export async function getResource(caller: Caller, apiId: string, id: string, embed: string[]) {
  const api = await read(caller, apiId);
  return resourceWire(api.doc, resourceOf(api.doc, id), embedsMethods(embed));
}

export async function getResources(
  caller: Caller,
  apiId: string,
  position: string | null,
  limit: string | null,
  embed: string[],
) {
  const api = await read(caller, apiId);
  const all = Object.values(api.doc.resources)
    .map((r) => [resourcePath(api.doc, r.id), r] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => r);
  const p = page(all, position, limit);
  return {
    ...(p.position ? { position: p.position } : {}),
    item: p.items.map((r) => resourceWire(api.doc, r, embedsMethods(embed))),
  };
}

export async function updateResource(caller: Caller, apiId: string, id: string, ops: PatchOperation[] | undefined) {
  return mutate(caller, apiId, "updateResource", (doc) => {
    const r = resourceOf(doc, id);
    if (r.parentId === undefined && ops?.length) throw badRequest("Cannot update the root resource");
    const target: Record<string, unknown> = { pathPart: r.pathPart, parentId: r.parentId };
    applyPatch(target, ops, { pathPart: "string", parentId: "string" });
    const pathPart = String(target.pathPart ?? "");
    const parentId = String(target.parentId ?? "");
    checkPathPart(pathPart);
    resourceOf(doc, parentId);
    // No cycles: the new parent may not be this resource or one of its descendants.
    for (let p: string | undefined = parentId; p !== undefined; p = doc.resources[p]?.parentId)
      if (p === id) throw badRequest("Invalid parent resource: a resource cannot be its own ancestor");
    checkSibling(doc, parentId, pathPart, id);
    r.pathPart = pathPart;
    r.parentId = parentId;
    return resourceWire(doc, r, false);
  });
}

export async function deleteResource(caller: Caller, apiId: string, id: string) {
  return mutate(caller, apiId, "deleteResource", (doc) => {
    const r = resourceOf(doc, id);
    if (r.parentId === undefined) throw badRequest("Cannot delete the root resource of an API");
    const doomed = new Set([id]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const x of Object.values(doc.resources))
        if (x.parentId && doomed.has(x.parentId) && !doomed.has(x.id)) {
          doomed.add(x.id);
          grew = true;
        }
    }
    for (const d of doomed) delete doc.resources[d];
  });
}

// ---------------------------------------------------------------------------------------------
// Methods

function checkHttpMethod(m: string): string {
  if (!(HTTP_METHODS as readonly string[]).includes(m))
    throw badRequest("Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY");
  return m;
}

function methodOf(doc: ApiDoc, resourceId: string, httpMethod: string): Method {
  const r = resourceOf(doc, resourceId);
  const m = Object.prototype.hasOwnProperty.call(r.methods, httpMethod) ? r.methods[httpMethod] : undefined;
  if (!m) throw methodNotFound();
  return m;
}

function checkMethodRefs(doc: ApiDoc, m: Method): void {
  if (!(AUTHORIZATION_TYPES as readonly string[]).includes(m.authorizationType))
    throw badRequest(
      `Invalid authorization type specified. Valid options are NONE, AWS_IAM, CUSTOM, COGNITO_USER_POOLS`,
    );
  if (
    (m.authorizationType === "CUSTOM" || m.authorizationType === "COGNITO_USER_POOLS") &&
    (!m.authorizerId || !doc.authorizers?.[m.authorizerId])
  )
    throw badRequest(
      "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.",
    );
  if (m.requestValidatorId && !doc.requestValidators[m.requestValidatorId])
    throw badRequest("Invalid Request Validator identifier specified");
  for (const model of Object.values(m.requestModels ?? {}))
    if (!doc.models[model]) throw badRequest(`Invalid model identifier specified: ${model}`);
  for (const p of Object.keys(m.requestParameters ?? {}))
    if (!/^method\.request\.(path|querystring|multivaluequerystring|header|multivalueheader)\.[^.]+/.test(p))
      throw badRequest(
        `Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid method request parameter specified: ${p}]`,
      );
}

export type PutMethodInput = {
  authorizationType?: string;
  authorizerId?: string;
  apiKeyRequired?: boolean;
  operationName?: string;
  requestParameters?: Record<string, boolean>;
  requestModels?: Record<string, string>;
  requestValidatorId?: string;
  authorizationScopes?: string[];
};

export async function putMethod(
  caller: Caller,
  apiId: string,
  resourceId: string,
  httpMethod: string,
  input: PutMethodInput,
) {
  return mutate(caller, apiId, "putMethod", (doc) => {
    const r = resourceOf(doc, resourceId);
    checkHttpMethod(httpMethod);
    if (r.methods[httpMethod]) throw conflict("Method already exists for this resource");
    if (!input.authorizationType)
      throw badRequest("Invalid authorization type specified. Authorization type must be non-empty");
    const m: Method = {
      httpMethod,
      authorizationType: input.authorizationType,
      apiKeyRequired: input.apiKeyRequired ?? false,
    };
    if (input.authorizerId) m.authorizerId = input.authorizerId;
    if (input.operationName) m.operationName = input.operationName;
    if (input.requestParameters) m.requestParameters = input.requestParameters;
    if (input.requestModels) m.requestModels = input.requestModels;
    if (input.requestValidatorId) m.requestValidatorId = input.requestValidatorId;
    if (input.authorizationScopes?.length) m.authorizationScopes = input.authorizationScopes;
    checkMethodRefs(doc, m);
    r.methods[httpMethod] = m;
    return methodWire(m);
  });
}

export async function getMethod(caller: Caller, apiId: string, resourceId: string, httpMethod: string) {
  const api = await read(caller, apiId);
  return methodWire(methodOf(api.doc, resourceId, httpMethod));
}

export async function updateMethod(
  caller: Caller,
  apiId: string,
  resourceId: string,
  httpMethod: string,
  ops: PatchOperation[] | undefined,
) {
  return mutate(caller, apiId, "updateMethod", (doc) => {
    const m = methodOf(doc, resourceId, httpMethod);
    const target = { ...m } as Record<string, unknown>;
    applyPatch(target, ops, {
      authorizationType: "string",
      authorizerId: "string",
      apiKeyRequired: "boolean",
      operationName: "string",
      requestValidatorId: "string",
      requestParameters: "boolMap",
      requestModels: "stringMap",
      authorizationScopes: "list",
    });
    const next = target as Method;
    checkMethodRefs(doc, next);
    resourceOf(doc, resourceId).methods[httpMethod] = next;
    return methodWire(next);
  });
}

export async function deleteMethod(caller: Caller, apiId: string, resourceId: string, httpMethod: string) {
  return mutate(caller, apiId, "deleteMethod", (doc) => {
    methodOf(doc, resourceId, httpMethod);
    delete resourceOf(doc, resourceId).methods[httpMethod];
  });
}

// ---------------------------------------------------------------------------------------------
// Method responses

function checkStatusCode(code: string): void {
  if (!/^[1-5]\d\d$/.test(code)) throw badRequest("Invalid status code specified");
}

function checkHeaderMappings(keys: string[], prefix: string): void {
  for (const k of keys)
    if (!k.startsWith(prefix))
      throw badRequest(
        `Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: ${k}]`,
      );
}

export async function putMethodResponse(
  caller: Caller,
  apiId: string,
  resourceId: string,
  httpMethod: string,
  statusCode: string,
  input: { responseParameters?: Record<string, boolean>; responseModels?: Record<string, string> },
) {
  return mutate(caller, apiId, "putMethodResponse", (doc) => {
    const m = methodOf(doc, resourceId, httpMethod);
    checkStatusCode(statusCode);
    if (m.methodResponses?.[statusCode]) throw conflict("Response already exists for this resource");
    checkHeaderMappings(Object.keys(input.responseParameters ?? {}), "method.response.header.");
    for (const model of Object.values(input.responseModels ?? {}))
      if (!doc.models[model]) throw badRequest(`Invalid model identifier specified: ${model}`);
    const r: MethodResponse = { statusCode };
    if (input.responseParameters) r.responseParameters = input.responseParameters;
    if (input.responseModels) r.responseModels = input.responseModels;
    m.methodResponses = { ...(m.methodResponses ?? {}), [statusCode]: r };
    return r;
  });
}

function methodResponseOf(m: Method, statusCode: string): MethodResponse {
  const r = m.methodResponses?.[statusCode];
  if (!r || !Object.prototype.hasOwnProperty.call(m.methodResponses, statusCode)) throw responseNotFound();
  return r;
}

export async function getMethodResponse(
  caller: Caller,
  apiId: string,
  resourceId: string,
  httpMethod: string,
  statusCode: string,
) {
  const api = await read(caller, apiId);
  return methodResponseOf(methodOf(api.doc, resourceId, httpMethod), statusCode);
}

export async function updateMethodResponse(
  caller: Caller,
  apiId: string,
  resourceId: string,
  httpMethod: string,
  statusCode: string,
  ops: PatchOperation[] | undefined,
) {
  return mutate(caller, apiId, "updateMethodResponse", (doc) => {
    const m = methodOf(doc, resourceId, httpMethod);
    const r = { ...methodResponseOf(m, statusCode) } as Record<string, unknown>;
    applyPatch(r, ops, { responseParameters: "boolMap", responseModels: "stringMap" });
    checkHeaderMappings(Object.keys((r.responseParameters as object) ?? {}), "method.response.header.");
    m.methodResponses![statusCode] = r as MethodResponse;
    return r;
  });
}

export async function deleteMethodResponse(
  caller: Caller,
  apiId: string,
  resourceId: string,
  httpMethod: string,
  statusCode: string,
) {
  return mutate(caller, apiId, "deleteMethodResponse", (doc) => {
    const m = methodOf(doc, resourceId, httpMethod);
    methodResponseOf(m, statusCode);
    delete m.methodResponses![statusCode];
  });
}

// ---------------------------------------------------------------------------------------------
// Integrations

export type PutIntegrationInput = {
  type?: string;
  httpMethod?: string;
  uri?: string;
  connectionType?: string;
  connectionId?: string;
  credentials?: string;
  requestParameters?: Record<string, string>;
  requestTemplates?: Record<string, string | null>;
  passthroughBehavior?: string;
  cacheNamespace?: string;
  cacheKeyParameters?: string[];
  contentHandling?: string;
  timeoutInMillis?: number;
};

function checkIntegration(doc: ApiDoc, i: Integration): void {
  if (!(INTEGRATION_TYPES as readonly string[]).includes(i.type))
    throw badRequest(`Invalid integration type specified: ${i.type}`);
  if (!(PASSTHROUGH_BEHAVIORS as readonly string[]).includes(i.passthroughBehavior))
    throw badRequest(
      "Invalid passthrough behavior specified. Valid options are WHEN_NO_MATCH, WHEN_NO_TEMPLATES, NEVER",
    );
  if (i.timeoutInMillis < MIN_TIMEOUT_MS || i.timeoutInMillis > MAX_TIMEOUT_MS)
    throw badRequest(`Timeout should be between ${MIN_TIMEOUT_MS} ms and ${MAX_TIMEOUT_MS} ms`);
  if (i.type !== "MOCK") {
    if (!i.httpMethod) throw badRequest("Enumeration value for HttpMethod must be non-empty");
    checkHttpMethod(i.httpMethod);
    if (i.type === "HTTP" || i.type === "HTTP_PROXY") {
      let ok: boolean;
      try {
        const u = new URL(i.uri ?? "");
        ok = u.protocol === "http:" || u.protocol === "https:";
      } catch {
        ok = false;
      }
      if (!ok) throw badRequest("Invalid HTTP endpoint specified for URI");
    } else {
      const m = /^arn:aws:apigateway:[^:]+:([^:]+):(path|action)\/.+$/.exec(i.uri ?? "");
      if (!m) throw badRequest("AWS ARN for integration must contain path or action");
      if (i.type === "AWS_PROXY" && m[1] !== "lambda")
        throw badRequest(
          "Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations.",
        );
    }
  }
  for (const [k, v] of Object.entries(i.requestParameters ?? {})) {
    if (!/^integration\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.[^.]+/.test(k))
      throw badRequest(
        `Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: ${k}]`,
      );
    if (
      !/^(method\.request\.(path|querystring|header|multivaluequerystring|multivalueheader|body)|stageVariables\.|context\.|'.*'$)/.test(
        v,
      )
    )
      throw badRequest(
        `Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression parameter specified: ${v}]`,
      );
  }
  void doc;
}

export async function putIntegration(
  caller: Caller,
  apiId: string,
  resourceId: string,
  httpMethod: string,
  input: PutIntegrationInput,
) {
  return mutate(caller, apiId, "putIntegration", (doc) => {
    const m = methodOf(doc, resourceId, httpMethod);
    if (!input.type) throw badRequest("Invalid integration type specified: null");
    const i: Integration = {
      type: input.type as Integration["type"],
      passthroughBehavior: input.passthroughBehavior ?? "WHEN_NO_MATCH",
      timeoutInMillis: input.timeoutInMillis ?? MAX_TIMEOUT_MS,
      cacheNamespace: input.cacheNamespace ?? resourceId,
      cacheKeyParameters: input.cacheKeyParameters ?? [],
    };
    if (input.httpMethod) i.httpMethod = input.httpMethod;
    if (input.uri) i.uri = input.uri;
    if (input.type === "HTTP" || input.type === "HTTP_PROXY") i.connectionType = input.connectionType ?? "INTERNET";
    else if (input.connectionType) i.connectionType = input.connectionType;
    if (input.connectionId) i.connectionId = input.connectionId;
    if (input.credentials) i.credentials = input.credentials;
    if (input.requestParameters) i.requestParameters = input.requestParameters;
    if (input.requestTemplates) i.requestTemplates = input.requestTemplates;
    if (input.contentHandling) i.contentHandling = input.contentHandling;
    checkIntegration(doc, i);
    m.methodIntegration = i;
    return integrationWire(i);
  });
}

function integrationOf(m: Method): Integration {
  if (!m.methodIntegration) throw integrationNotFound();
  return m.methodIntegration;
}

export async function getIntegration(caller: Caller, apiId: string, resourceId: string, httpMethod: string) {
  const api = await read(caller, apiId);
  return integrationWire(integrationOf(methodOf(api.doc, resourceId, httpMethod)));
}

export async function updateIntegration(
  caller: Caller,
  apiId: string,
  resourceId: string,
  httpMethod: string,
  ops: PatchOperation[] | undefined,
) {
  return mutate(caller, apiId, "updateIntegration", (doc) => {
    const m = methodOf(doc, resourceId, httpMethod);
    const target = { ...integrationOf(m) } as Record<string, unknown>;
    applyPatch(target, ops, {
      type: "string",
      httpMethod: "string",
      uri: "string",
      connectionType: "string",
      connectionId: "string",
      credentials: "string",
      passthroughBehavior: "string",
      contentHandling: "string",
      timeoutInMillis: "int",
      cacheNamespace: "string",
      requestParameters: "stringMap",
      requestTemplates: "stringMap",
      cacheKeyParameters: "list",
    });
    const next = target as Integration;
    checkIntegration(doc, next);
    m.methodIntegration = next;
    return integrationWire(next);
  });
}

export async function deleteIntegration(caller: Caller, apiId: string, resourceId: string, httpMethod: string) {
  return mutate(caller, apiId, "deleteIntegration", (doc) => {
    const m = methodOf(doc, resourceId, httpMethod);
    integrationOf(m);
    delete m.methodIntegration;
  });
}

export type PutIntegrationResponseInput = {
  selectionPattern?: string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string | null>;
  contentHandling?: string;
};

function checkIntegrationResponse(r: IntegrationResponse): void {
  if (r.selectionPattern !== undefined) {
    try {
      new RegExp(r.selectionPattern);
    } catch {
      throw badRequest(`Invalid selection pattern specified: ${r.selectionPattern}`);
    }
  }
  checkHeaderMappings(Object.keys(r.responseParameters ?? {}), "method.response.header.");
}

export async function putIntegrationResponse(
  caller: Caller,
  apiId: string,
  resourceId: string,
  httpMethod: string,
  statusCode: string,
  input: PutIntegrationResponseInput,
) {
  return mutate(caller, apiId, "putIntegrationResponse", (doc) => {
    const m = methodOf(doc, resourceId, httpMethod);
    const i = integrationOf(m);
    checkStatusCode(statusCode);
    if (!m.methodResponses?.[statusCode]) throw responseNotFound();
    const r: IntegrationResponse = { statusCode };
    if (input.selectionPattern !== undefined) r.selectionPattern = input.selectionPattern;
    if (input.responseParameters) r.responseParameters = input.responseParameters;
    if (input.responseTemplates) r.responseTemplates = input.responseTemplates;
    if (input.contentHandling) r.contentHandling = input.contentHandling;
    checkIntegrationResponse(r);
    i.integrationResponses = { ...(i.integrationResponses ?? {}), [statusCode]: r };
    return r;
  });
}

function integrationResponseOf(i: Integration, statusCode: string): IntegrationResponse {
  const r = i.integrationResponses?.[statusCode];
  if (!r || !Object.prototype.hasOwnProperty.call(i.integrationResponses, statusCode)) throw responseNotFound();
  return r;
}

export async function getIntegrationResponse(
  caller: Caller,
  apiId: string,
  resourceId: string,
  httpMethod: string,
  statusCode: string,
) {
  const api = await read(caller, apiId);
  return integrationResponseOf(integrationOf(methodOf(api.doc, resourceId, httpMethod)), statusCode);
}

export async function updateIntegrationResponse(
  caller: Caller,
  apiId: string,
  resourceId: string,
  httpMethod: string,
  statusCode: string,
  ops: PatchOperation[] | undefined,
) {
  return mutate(caller, apiId, "updateIntegrationResponse", (doc) => {
    const i = integrationOf(methodOf(doc, resourceId, httpMethod));
    const r = { ...integrationResponseOf(i, statusCode) } as Record<string, unknown>;
    applyPatch(r, ops, {
      selectionPattern: "string",
      contentHandling: "string",
      responseParameters: "stringMap",
      responseTemplates: "stringMap",
    });
    checkIntegrationResponse(r as IntegrationResponse);
    i.integrationResponses![statusCode] = r as IntegrationResponse;
    return r;
  });
}

export async function deleteIntegrationResponse(
  caller: Caller,
  apiId: string,
  resourceId: string,
  httpMethod: string,
  statusCode: string,
) {
  return mutate(caller, apiId, "deleteIntegrationResponse", (doc) => {
    const i = integrationOf(methodOf(doc, resourceId, httpMethod));
    integrationResponseOf(i, statusCode);
    delete i.integrationResponses![statusCode];
  });
}

// ---------------------------------------------------------------------------------------------
// Models

function checkSchema(schema: string | undefined): void {
  if (schema === undefined) return;
  try {
    const v = JSON.parse(schema);
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
  } catch {
    throw badRequest(
      "Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified. Unsupported keyword(s): [] ]",
    );
  }
}

export async function createModel(
  caller: Caller,
  apiId: string,
  input: { name?: string; description?: string; schema?: string; contentType?: string },
) {
  return mutate(caller, apiId, "createModel", (doc) => {
    if (!input.name || !/^[a-zA-Z0-9]+$/.test(input.name))
      throw badRequest("Invalid model name specified: " + (input.name ?? "null"));
    if (!input.contentType) throw badRequest("Invalid content type specified: null");
    if (doc.models[input.name]) throw conflict("Model name already exists for this REST API");
    checkSchema(input.schema);
    const m = {
      id: newId(6),
      name: input.name,
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.schema !== undefined ? { schema: input.schema } : {}),
      contentType: input.contentType,
    };
    doc.models[input.name] = m;
    return m;
  });
}

function modelOf(doc: ApiDoc, name: string) {
  const m = Object.prototype.hasOwnProperty.call(doc.models, name) ? doc.models[name] : undefined;
  if (!m) throw notFound(`Invalid model name specified: ${name}`);
  return m;
}

export async function getModel(caller: Caller, apiId: string, name: string) {
  return modelOf((await read(caller, apiId)).doc, name);
}

export async function getModels(caller: Caller, apiId: string, position: string | null, limit: string | null) {
  const api = await read(caller, apiId);
  const p = page(
    Object.values(api.doc.models).sort((a, b) => a.name.localeCompare(b.name)),
    position,
    limit,
  );
  return { ...(p.position ? { position: p.position } : {}), item: p.items };
}

export async function updateModel(caller: Caller, apiId: string, name: string, ops: PatchOperation[] | undefined) {
  return mutate(caller, apiId, "updateModel", (doc) => {
    const m = { ...modelOf(doc, name) } as Record<string, unknown>;
    applyPatch(m, ops, { description: "string", schema: "string" });
    checkSchema(m.schema as string | undefined);
    doc.models[name] = m as never;
    return m;
  });
}

export async function deleteModel(caller: Caller, apiId: string, name: string) {
  return mutate(caller, apiId, "deleteModel", (doc) => {
    modelOf(doc, name);
    for (const r of Object.values(doc.resources))
      for (const m of Object.values(r.methods))
        if (
          Object.values(m.requestModels ?? {}).includes(name) ||
          Object.values(m.methodResponses ?? {}).some((x) => Object.values(x.responseModels ?? {}).includes(name))
        )
          throw conflict(
            `Cannot delete model '${name}', is referenced in method request: ${resourcePath(doc, r.id)}/${m.httpMethod}`,
          );
    delete doc.models[name];
  });
}

// ---------------------------------------------------------------------------------------------
// Request validators

export async function createRequestValidator(
  caller: Caller,
  apiId: string,
  input: { name?: string; validateRequestBody?: boolean; validateRequestParameters?: boolean },
) {
  return mutate(caller, apiId, "createRequestValidator", (doc) => {
    if (input.name && Object.values(doc.requestValidators).some((v) => v.name === input.name))
      throw conflict(`Validator with name ${input.name} already exists for this REST API`);
    const v = {
      id: newId(6),
      ...(input.name !== undefined ? { name: input.name } : {}),
      validateRequestBody: input.validateRequestBody ?? false,
      validateRequestParameters: input.validateRequestParameters ?? false,
    };
    doc.requestValidators[v.id] = v;
    return v;
  });
}

function validatorOf(doc: ApiDoc, id: string) {
  const v = Object.prototype.hasOwnProperty.call(doc.requestValidators, id) ? doc.requestValidators[id] : undefined;
  if (!v) throw notFound("Invalid Request Validator identifier specified");
  return v;
}

export async function getRequestValidator(caller: Caller, apiId: string, id: string) {
  return validatorOf((await read(caller, apiId)).doc, id);
}

export async function getRequestValidators(
  caller: Caller,
  apiId: string,
  position: string | null,
  limit: string | null,
) {
  const api = await read(caller, apiId);
  const p = page(Object.values(api.doc.requestValidators), position, limit);
  return { ...(p.position ? { position: p.position } : {}), item: p.items };
}

export async function updateRequestValidator(
  caller: Caller,
  apiId: string,
  id: string,
  ops: PatchOperation[] | undefined,
) {
  return mutate(caller, apiId, "updateRequestValidator", (doc) => {
    const v = { ...validatorOf(doc, id) } as Record<string, unknown>;
    applyPatch(v, ops, { name: "string", validateRequestBody: "boolean", validateRequestParameters: "boolean" });
    doc.requestValidators[id] = v as never;
    return v;
  });
}

export async function deleteRequestValidator(caller: Caller, apiId: string, id: string) {
  return mutate(caller, apiId, "deleteRequestValidator", (doc) => {
    validatorOf(doc, id);
    for (const r of Object.values(doc.resources))
      for (const m of Object.values(r.methods))
        if (m.requestValidatorId === id) throw conflict("Cannot delete request validator which is in use by a method");
    delete doc.requestValidators[id];
  });
}

// ---------------------------------------------------------------------------------------------
// Gateway responses

function checkResponseType(t: string): void {
  if (!GATEWAY_RESPONSE_TYPES.includes(t)) throw badRequest(`Invalid response type specified: ${t}`);
}

function gatewayResponseOf(doc: ApiDoc, t: string) {
  checkResponseType(t);
  return doc.gatewayResponses[t] ?? defaultGatewayResponse(t);
}

export async function putGatewayResponse(
  caller: Caller,
  apiId: string,
  responseType: string,
  input: {
    statusCode?: string;
    responseParameters?: Record<string, string>;
    responseTemplates?: Record<string, string>;
  },
) {
  return mutate(caller, apiId, "putGatewayResponse", (doc) => {
    checkResponseType(responseType);
    if (input.statusCode !== undefined) checkStatusCode(input.statusCode);
    checkHeaderMappings(Object.keys(input.responseParameters ?? {}), "gatewayresponse.header.");
    const r = {
      responseType,
      ...(input.statusCode ? { statusCode: input.statusCode } : {}),
      responseParameters: input.responseParameters ?? {},
      responseTemplates: input.responseTemplates ?? {},
      defaultResponse: false,
    };
    doc.gatewayResponses[responseType] = r;
    return r;
  });
}

export async function getGatewayResponse(caller: Caller, apiId: string, responseType: string) {
  return gatewayResponseOf((await read(caller, apiId)).doc, responseType);
}

export async function getGatewayResponses(
  caller: Caller,
  apiId: string,
  position: string | null,
  limit: string | null,
) {
  const api = await read(caller, apiId);
  const p = page(
    GATEWAY_RESPONSE_TYPES.map((t) => gatewayResponseOf(api.doc, t)),
    position,
    limit,
  );
  return { ...(p.position ? { position: p.position } : {}), item: p.items };
}

export async function updateGatewayResponse(
  caller: Caller,
  apiId: string,
  responseType: string,
  ops: PatchOperation[] | undefined,
) {
  return mutate(caller, apiId, "updateGatewayResponse", (doc) => {
    const r = { ...gatewayResponseOf(doc, responseType) } as Record<string, unknown>;
    applyPatch(r, ops, { statusCode: "string", responseParameters: "stringMap", responseTemplates: "stringMap" });
    if (r.statusCode !== undefined) checkStatusCode(String(r.statusCode));
    r.defaultResponse = false;
    doc.gatewayResponses[responseType] = r as never;
    return r;
  });
}

export async function deleteGatewayResponse(caller: Caller, apiId: string, responseType: string) {
  return mutate(caller, apiId, "deleteGatewayResponse", (doc) => {
    checkResponseType(responseType);
    if (!doc.gatewayResponses[responseType]) throw notFound("Invalid Gateway Response identifier specified");
    delete doc.gatewayResponses[responseType];
  });
}

// ---------------------------------------------------------------------------------------------
// Authorizers

export type AuthorizerInput = {
  name?: string;
  type?: string;
  providerARNs?: string[];
  authType?: string;
  authorizerUri?: string;
  authorizerCredentials?: string;
  identitySource?: string;
  identityValidationExpression?: string;
  authorizerResultTtlInSeconds?: number;
};

function checkAuthorizer(a: Authorizer): void {
  if (!a.name) throw badRequest("Invalid authorizer name specified. Must be non-empty.");
  if (!["TOKEN", "REQUEST", "COGNITO_USER_POOLS"].includes(a.type))
    throw badRequest(
      `Invalid authorizer type specified: ${a.type}. Valid values are TOKEN, REQUEST, COGNITO_USER_POOLS`,
    );
  if (
    a.type !== "COGNITO_USER_POOLS" &&
    !/^arn:aws:apigateway:[^:]+:lambda:path\/2015-03-31\/functions\/.+\/invocations$/.test(a.authorizerUri ?? "")
  )
    throw badRequest("Invalid Authorizer URI specified");
  if (a.type === "COGNITO_USER_POOLS" && !a.providerARNs?.length)
    throw badRequest("Invalid provider ARNs specified. A COGNITO_USER_POOLS authorizer needs at least one.");
  if (a.type === "TOKEN" && !/^method\.request\.header\.[^.]+$/.test(a.identitySource ?? ""))
    throw badRequest("Invalid identity source specified: a TOKEN authorizer takes one method.request.header.<name>");
  if (a.authorizerResultTtlInSeconds < 0 || a.authorizerResultTtlInSeconds > 3600)
    throw badRequest("Invalid authorizer TTL specified. Value must be between 0 and 3600");
  if (a.identityValidationExpression !== undefined) {
    try {
      new RegExp(a.identityValidationExpression);
    } catch {
      throw badRequest(`Invalid identity validation expression specified: ${a.identityValidationExpression}`);
    }
  }
}

export async function createAuthorizer(caller: Caller, apiId: string, input: AuthorizerInput) {
  return mutate(caller, apiId, "createAuthorizer", (doc) => {
    const a: Authorizer = {
      id: newId(6),
      name: input.name ?? "",
      type: (input.type ?? "") as Authorizer["type"],
      authorizerResultTtlInSeconds: input.authorizerResultTtlInSeconds ?? 300,
    };
    if (input.providerARNs && a.type === "COGNITO_USER_POOLS") a.providerARNs = input.providerARNs;
    if (input.authType) a.authType = input.authType;
    if (input.authorizerUri) a.authorizerUri = input.authorizerUri;
    if (input.authorizerCredentials) a.authorizerCredentials = input.authorizerCredentials;
    a.identitySource = input.identitySource ?? (a.type === "TOKEN" ? "method.request.header.Authorization" : undefined);
    if (a.identitySource === undefined) delete a.identitySource;
    if (input.identityValidationExpression) a.identityValidationExpression = input.identityValidationExpression;
    checkAuthorizer(a);
    doc.authorizers = { ...(doc.authorizers ?? {}), [a.id]: a };
    return a;
  });
}

function authorizerOf(doc: ApiDoc, id: string): Authorizer {
  const a =
    doc.authorizers && Object.prototype.hasOwnProperty.call(doc.authorizers, id) ? doc.authorizers[id] : undefined;
  if (!a) throw notFound("Invalid Authorizer identifier specified");
  return a;
}

export async function getAuthorizer(caller: Caller, apiId: string, id: string) {
  return authorizerOf((await read(caller, apiId)).doc, id);
}

export async function getAuthorizers(caller: Caller, apiId: string, position: string | null, limit: string | null) {
  const api = await read(caller, apiId);
  const p = page(Object.values(api.doc.authorizers ?? {}), position, limit);
  return { ...(p.position ? { position: p.position } : {}), item: p.items };
}

export async function updateAuthorizer(caller: Caller, apiId: string, id: string, ops: PatchOperation[] | undefined) {
  return mutate(caller, apiId, "updateAuthorizer", (doc) => {
    const a = { ...authorizerOf(doc, id) } as Record<string, unknown>;
    applyPatch(a, ops, {
      name: "string",
      type: "string",
      authType: "string",
      authorizerUri: "string",
      authorizerCredentials: "string",
      identitySource: "string",
      identityValidationExpression: "string",
      authorizerResultTtlInSeconds: "int",
      providerARNs: "list",
    });
    // providerARNs belong to COGNITO_USER_POOLS authorizers ("for a TOKEN or REQUEST authorizer, this
    // is not defined"): an authorizer switched to TOKEN or REQUEST drops its user pools, and a
    // TOKEN authorizer made from a Cognito one gets the header it reads by default.
    if (a.type !== "COGNITO_USER_POOLS") delete a.providerARNs;
    if (a.type === "TOKEN" && a.identitySource === undefined) a.identitySource = "method.request.header.Authorization";
    checkAuthorizer(a as Authorizer);
    doc.authorizers![id] = a as Authorizer;
    return a;
  });
}

export async function deleteAuthorizer(caller: Caller, apiId: string, id: string) {
  return mutate(caller, apiId, "deleteAuthorizer", (doc) => {
    authorizerOf(doc, id);
    for (const r of Object.values(doc.resources))
      for (const m of Object.values(r.methods))
        if (m.authorizerId === id)
          throw conflict(
            "Cannot delete authorizer, is referenced in method: " + `${resourcePath(doc, r.id)}/${m.httpMethod}`,
          );
    delete doc.authorizers![id];
  });
}

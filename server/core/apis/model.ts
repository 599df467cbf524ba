import { randomBytes } from "node:crypto";
import { AppError } from "../errors";

// API Gateway v1 (REST APIs): the definition document and its wire shapes. The stored shapes use
// AWS's member names, so the control plane renders them almost as they are and a deployment is a
// plain copy. Pure: no I/O.

export const HTTP_METHODS = ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "ANY"] as const;
export const AUTHORIZATION_TYPES = ["NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"] as const;
export const INTEGRATION_TYPES = ["MOCK", "HTTP", "HTTP_PROXY", "AWS", "AWS_PROXY"] as const;
export const PASSTHROUGH_BEHAVIORS = ["WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"] as const;
/** API Gateway's integration timeout: 50 ms to 29 s (the default). */
export const MIN_TIMEOUT_MS = 50;
export const MAX_TIMEOUT_MS = 29_000;
export const DEFAULT_PAGE_LIMIT = 25;
export const MAX_PAGE_LIMIT = 500;

export type IntegrationResponse = {
  statusCode: string;
  selectionPattern?: string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string | null>;
  contentHandling?: string;
};

export type Integration = {
  type: (typeof INTEGRATION_TYPES)[number];
  httpMethod?: string;
  uri?: string;
  connectionType?: string;
  connectionId?: string;
  credentials?: string;
  requestParameters?: Record<string, string>;
  requestTemplates?: Record<string, string | null>;
  passthroughBehavior: string;
  contentHandling?: string;
  timeoutInMillis: number;
  cacheNamespace: string;
  cacheKeyParameters: string[];
  integrationResponses?: Record<string, IntegrationResponse>;
};

export type MethodResponse = {
  statusCode: string;
  responseParameters?: Record<string, boolean>;
  responseModels?: Record<string, string>;
};

export type Method = {
  httpMethod: string;
  authorizationType: string;
  authorizerId?: string;
  apiKeyRequired: boolean;
  requestValidatorId?: string;
  operationName?: string;
  requestParameters?: Record<string, boolean>;
  requestModels?: Record<string, string>;
  authorizationScopes?: string[];
  methodResponses?: Record<string, MethodResponse>;
  methodIntegration?: Integration;
};

export type StoredResource = {
  id: string;
  parentId?: string;
  pathPart?: string;
  methods: Record<string, Method>;
};

export type Model = { id: string; name: string; description?: string; schema?: string; contentType: string };
export type RequestValidator = {
  id: string;
  name?: string;
  validateRequestBody: boolean;
  validateRequestParameters: boolean;
};
export type GatewayResponse = {
  responseType: string;
  statusCode?: string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string>;
  defaultResponse: boolean;
};

export type ApiDoc = {
  rootResourceId: string;
  resources: Record<string, StoredResource>;
  models: Record<string, Model>;
  requestValidators: Record<string, RequestValidator>;
  /** Only the customized ones; the rest are AWS's defaults (gateway-responses.ts). */
  gatewayResponses: Record<string, GatewayResponse>;
  /** Lambda (TOKEN / REQUEST) and Cognito authorizers by id; absent in documents made before them. */
  authorizers?: Record<string, Authorizer>;
};

export type Authorizer = {
  id: string;
  name: string;
  type: "TOKEN" | "REQUEST" | "COGNITO_USER_POOLS";
  providerARNs?: string[];
  authType?: string;
  authorizerUri?: string;
  authorizerCredentials?: string;
  identitySource?: string;
  identityValidationExpression?: string;
  authorizerResultTtlInSeconds: number;
};

export type ApiSettings = {
  description?: string;
  version?: string;
  binaryMediaTypes?: string[];
  minimumCompressionSize?: number;
  apiKeySource: "HEADER" | "AUTHORIZER";
  endpointConfiguration: { types: string[] };
  policy?: string;
  tags?: Record<string, string>;
  disableExecuteApiEndpoint: boolean;
};

/** What a deployment freezes: the document and the API's settings the gateway reads. */
export type Snapshot = { doc: ApiDoc; settings: ApiSettings; name: string };

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
/** API Gateway's identifiers: 10 characters for APIs and root resources, 6 for the rest. */
export function newId(length: number): string {
  const bytes = randomBytes(length);
  let s = "";
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return s;
}

export const badRequest = (message: string) =>
  new AppError("validation", message, { awsCode: "BadRequestException", awsStatus: 400 });
export const notFound = (message: string) =>
  new AppError("not_found", message, { awsCode: "NotFoundException", awsStatus: 404 });
export const conflict = (message: string) =>
  new AppError("conflict", message, { awsCode: "ConflictException", awsStatus: 409 });

const EMPTY_SCHEMA = `{
  "$schema": "http://json-schema.org/draft-04/schema#",
  "title" : "Empty Schema",
  "type" : "object"
}`;
const ERROR_SCHEMA = `{
  "$schema" : "http://json-schema.org/draft-04/schema#",
  "title" : "Error Schema",
  "type" : "object",
  "properties" : {
    "message" : { "type" : "string" }
  }
}`;

/** A new API: the root resource and the two models API Gateway creates with it (Empty, Error). */
export function emptyDoc(): ApiDoc {
  const rootResourceId = newId(10);
  const empty = newId(6);
  const error = newId(6);
  return {
    rootResourceId,
    resources: { [rootResourceId]: { id: rootResourceId, methods: {} } },
    models: {
      Empty: {
        id: empty,
        name: "Empty",
        description: "This is a default empty schema model",
        schema: EMPTY_SCHEMA,
        contentType: "application/json",
      },
      Error: {
        id: error,
        name: "Error",
        description: "This is a default error schema model",
        schema: ERROR_SCHEMA,
        contentType: "application/json",
      },
    },
    requestValidators: {},
    gatewayResponses: {},
  };
}

/** A resource's full path ("/", "/pets/{id}"), from its parents. */
export function resourcePath(doc: ApiDoc, id: string): string {
  const parts: string[] = [];
  let r = doc.resources[id];
  let guard = 0;
  while (r && r.parentId !== undefined && guard++ < 1000) {
    parts.unshift(r.pathPart ?? "");
    r = doc.resources[r.parentId];
  }
  return "/" + parts.join("/");
}

/** The wire shape of a Method (GetMethod, embedded in resources). */
export function methodWire(m: Method): Record<string, unknown> {
  const out: Record<string, unknown> = {
    httpMethod: m.httpMethod,
    authorizationType: m.authorizationType,
  };
  if (m.authorizerId) out.authorizerId = m.authorizerId;
  out.apiKeyRequired = m.apiKeyRequired;
  if (m.requestValidatorId) out.requestValidatorId = m.requestValidatorId;
  if (m.operationName) out.operationName = m.operationName;
  if (m.requestParameters && Object.keys(m.requestParameters).length) out.requestParameters = m.requestParameters;
  if (m.requestModels && Object.keys(m.requestModels).length) out.requestModels = m.requestModels;
  if (m.methodResponses && Object.keys(m.methodResponses).length) out.methodResponses = m.methodResponses;
  if (m.methodIntegration) out.methodIntegration = integrationWire(m.methodIntegration);
  if (m.authorizationScopes?.length) out.authorizationScopes = m.authorizationScopes;
  return out;
}

export function integrationWire(i: Integration): Record<string, unknown> {
  const out: Record<string, unknown> = { type: i.type };
  if (i.httpMethod) out.httpMethod = i.httpMethod;
  if (i.uri) out.uri = i.uri;
  if (i.connectionType) out.connectionType = i.connectionType;
  if (i.connectionId) out.connectionId = i.connectionId;
  if (i.credentials) out.credentials = i.credentials;
  if (i.requestParameters && Object.keys(i.requestParameters).length) out.requestParameters = i.requestParameters;
  if (i.requestTemplates && Object.keys(i.requestTemplates).length) out.requestTemplates = i.requestTemplates;
  out.passthroughBehavior = i.passthroughBehavior;
  if (i.contentHandling) out.contentHandling = i.contentHandling;
  out.timeoutInMillis = i.timeoutInMillis;
  out.cacheNamespace = i.cacheNamespace;
  out.cacheKeyParameters = i.cacheKeyParameters;
  if (i.integrationResponses && Object.keys(i.integrationResponses).length)
    out.integrationResponses = i.integrationResponses;
  return out;
}

export function resourceWire(doc: ApiDoc, r: StoredResource, embedMethods: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { id: r.id };
  if (r.parentId !== undefined) out.parentId = r.parentId;
  if (r.pathPart !== undefined) out.pathPart = r.pathPart;
  out.path = resourcePath(doc, r.id);
  const names = Object.keys(r.methods);
  if (names.length)
    out.resourceMethods = Object.fromEntries(names.map((n) => [n, embedMethods ? methodWire(r.methods[n]) : {}]));
  return out;
}

/** A pathPart: a literal segment, `{name}` or a greedy `{name+}`. */
export function checkPathPart(part: string): void {
  if (
    !/^(\{[a-zA-Z0-9._-]+\+?\}|[a-zA-Z0-9._:@~$&'()*,;=!-]+)$/.test(part) ||
    (part.includes("{") && !/^\{[^{}]+\}$/.test(part))
  )
    throw badRequest(
      "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.",
    );
}

/** Paging as API Gateway does it: `position` is an opaque token, `limit` 1..500 (default 25). */
export function page<T>(items: T[], position: string | null, limit: string | null): { items: T[]; position?: string } {
  let n = DEFAULT_PAGE_LIMIT;
  if (limit !== null) {
    n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_LIMIT)
      throw badRequest(`Invalid limit: ${limit}. Limit must be between 1 and ${MAX_PAGE_LIMIT}.`);
  }
  let start = 0;
  if (position) {
    const decoded = Number(Buffer.from(position, "base64url").toString("utf8"));
    if (!Number.isInteger(decoded) || decoded < 0) throw badRequest("Invalid position parameter");
    start = decoded;
  }
  const slice = items.slice(start, start + n);
  const next = start + n < items.length ? Buffer.from(String(start + n)).toString("base64url") : undefined;
  return next ? { items: slice, position: next } : { items: slice };
}

export const epochSeconds = (d: Date) => Math.floor(d.getTime() / 1000);

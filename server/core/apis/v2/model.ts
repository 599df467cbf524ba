import { badRequest } from "../model";

// API Gateway v2 HTTP APIs: the API's document (routes, integrations, authorizers, stages and
// deployment records, keyed by id), the snapshot a deployment serves, route keys and route
// selection as AWS documents them ("Routing API requests": the most specific match wins, a method
// route over ANY, then $default), and CORS (corsConfiguration). Pure: no I/O.

export type Cors = {
  allowCredentials?: boolean;
  allowHeaders?: string[];
  allowMethods?: string[];
  allowOrigins?: string[];
  exposeHeaders?: string[];
  maxAge?: number;
};

export type RouteSettings = {
  dataTraceEnabled?: boolean;
  detailedMetricsEnabled?: boolean;
  loggingLevel?: string;
  throttlingBurstLimit?: number;
  throttlingRateLimit?: number;
};

export type Route = {
  routeId: string;
  routeKey: string;
  apiKeyRequired?: boolean;
  authorizationScopes?: string[];
  authorizationType: string;
  authorizerId?: string;
  operationName?: string;
  requestParameters?: Record<string, { required: boolean }>;
  target?: string;
  apiGatewayManaged?: boolean;
};

export type Integration = {
  integrationId: string;
  integrationType: string;
  integrationSubtype?: string;
  integrationUri?: string;
  integrationMethod?: string;
  connectionType?: string;
  connectionId?: string;
  credentialsArn?: string;
  description?: string;
  payloadFormatVersion: string;
  requestParameters?: Record<string, string>;
  responseParameters?: Record<string, Record<string, string>>;
  timeoutInMillis: number;
  tlsConfig?: { serverNameToVerify?: string };
  apiGatewayManaged?: boolean;
};

export type Authorizer = {
  authorizerId: string;
  authorizerType: "JWT" | "REQUEST";
  name: string;
  identitySource?: string[];
  jwtConfiguration?: { audience?: string[]; issuer?: string };
  authorizerUri?: string;
  authorizerCredentialsArn?: string;
  authorizerPayloadFormatVersion?: string;
  authorizerResultTtlInSeconds?: number;
  enableSimpleResponses?: boolean;
  identityValidationExpression?: string;
};

export type Stage = {
  stageName: string;
  autoDeploy?: boolean;
  deploymentId?: string;
  description?: string;
  stageVariables?: Record<string, string>;
  defaultRouteSettings?: RouteSettings;
  routeSettings?: Record<string, RouteSettings>;
  accessLogSettings?: { destinationArn?: string; format?: string };
  clientCertificateId?: string;
  tags?: Record<string, string>;
  createdDate: string;
  lastUpdatedDate: string;
  lastDeploymentStatusMessage?: string;
  apiGatewayManaged?: boolean;
};

export type DeploymentRecord = {
  deploymentId: string;
  description?: string;
  autoDeployed: boolean;
  createdDate: string;
};

export type ApiSettings = {
  description?: string;
  version?: string;
  corsConfiguration?: Cors;
  disableExecuteApiEndpoint?: boolean;
  disableSchemaValidation?: boolean;
  routeSelectionExpression: string;
  apiKeySelectionExpression?: string;
  ipAddressType?: string;
  tags?: Record<string, string>;
};

export type HttpApiDoc = {
  api: ApiSettings;
  routes: Record<string, Route>;
  integrations: Record<string, Integration>;
  authorizers: Record<string, Authorizer>;
  stages: Record<string, Stage>;
  deployments: Record<string, DeploymentRecord>;
};

/** What a deployment serves (never changes). */
export type HttpSnapshot = {
  cors?: Cors;
  routes: Route[];
  integrations: Record<string, Integration>;
  authorizers: Record<string, Authorizer>;
};

export const ROUTE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"];
export const AUTHORIZATION_TYPES = ["NONE", "JWT", "CUSTOM", "AWS_IAM"];
export const INTEGRATION_SUBTYPES = [
  "SQS-SendMessage",
  "SQS-ReceiveMessage",
  "SQS-DeleteMessage",
  "SQS-PurgeQueue",
  "EventBridge-PutEvents",
  "StepFunctions-StartExecution",
  "StepFunctions-StartSyncExecution",
  "StepFunctions-StopExecution",
];

export function emptyHttpDoc(api: ApiSettings): HttpApiDoc {
  return { api, routes: {}, integrations: {}, authorizers: {}, stages: {}, deployments: {} };
}

export function snapshotOf(doc: HttpApiDoc): HttpSnapshot {
  return {
    ...(doc.api.corsConfiguration ? { cors: doc.api.corsConfiguration } : {}),
    routes: Object.values(doc.routes),
    integrations: doc.integrations,
    authorizers: doc.authorizers,
  };
}

// ---------------------------------------------------------------------------------------------
// Route keys

export type ParsedRouteKey = { method: string; segments: string[] } | { method: "$default"; segments: [] };

/** "GET /orders/{id}", "ANY /{proxy+}" or "$default"; BadRequestException otherwise. */
export function parseRouteKey(key: string): ParsedRouteKey {
  if (key === "$default") return { method: "$default", segments: [] };
  const m = /^([A-Z]+) (\/.*)$/.exec(key);
  if (!m || !ROUTE_METHODS.includes(m[1])) throw badRequest(`Invalid route key: ${key}`);
  const path = m[2];
  const segments = path === "/" ? [] : path.slice(1).split("/");
  segments.forEach((s, i) => {
    if (s === "") throw badRequest(`Invalid route key: ${key}`);
    const v = /^\{(.*)\}$/.exec(s);
    if (v) {
      if (!/^[A-Za-z0-9._-]+\+?$/.test(v[1])) throw badRequest(`Invalid route key: ${key}`);
      if (v[1].endsWith("+") && i !== segments.length - 1)
        throw badRequest(`Invalid route key: ${key}. A greedy path variable must be the last path segment.`);
    } else if (/[{}]/.test(s)) throw badRequest(`Invalid route key: ${key}`);
  });
  return { method: m[1], segments };
}

export type RouteMatch = { route: Route; pathParams: Record<string, string> };

/**
 * The route for a request: a route whose method and path match, the most specific first (segment
 * by segment, a literal over a {variable} over a {greedy+}; then more segments; then an explicit
 * method over ANY), else `$default`.
 */
export function selectRoute(routes: Route[], method: string, segments: string[]): RouteMatch | null {
  let best: { match: RouteMatch; score: number[] } | null = null;
  let fallback: RouteMatch | null = null;
  for (const route of routes) {
    let parsed: ParsedRouteKey;
    try {
      parsed = parseRouteKey(route.routeKey);
    } catch {
      continue;
    }
    if (parsed.method === "$default") {
      fallback = { route, pathParams: {} };
      continue;
    }
    if (parsed.method !== "ANY" && parsed.method !== method) continue;
    const pathParams: Record<string, string> = {};
    const score: number[] = [];
    let ok = true;
    for (let i = 0; i < parsed.segments.length; i++) {
      const s = parsed.segments[i];
      const v = /^\{(.+?)(\+?)\}$/.exec(s);
      if (v && v[2]) {
        if (i >= segments.length) {
          ok = false;
          break;
        }
        pathParams[v[1]] = segments.slice(i).join("/");
        score.push(1);
        break;
      }
      if (i >= segments.length) {
        ok = false;
        break;
      }
      if (v) {
        pathParams[v[1]] = segments[i];
        score.push(2);
      } else if (s === segments[i]) score.push(3);
      else {
        ok = false;
        break;
      }
    }
    const greedy = /\+\}$/.test(parsed.segments[parsed.segments.length - 1] ?? "");
    if (!ok || (!greedy && parsed.segments.length !== segments.length)) continue;
    score.push(parsed.method === "ANY" ? 0 : 1);
    if (!best || compare(score, best.score) > 0) best = { match: { route, pathParams }, score };
  }
  return best?.match ?? fallback;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d) return d;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// CORS

const lower = (xs: string[] | undefined) => (xs ?? []).map((x) => x.toLowerCase());

function originAllowed(cors: Cors, origin: string): string | null {
  const origins = cors.allowOrigins ?? [];
  if (origins.includes("*")) return cors.allowCredentials ? origin : "*";
  return origins.some((o) => o.toLowerCase() === origin.toLowerCase()) ? origin : null;
}

/**
 * The answer to a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method), as API
 * Gateway gives it when the API has a corsConfiguration: 204 with the allowed values, or 204 with
 * no CORS headers when the origin, method or headers are not allowed.
 */
export function preflightHeaders(
  cors: Cors,
  origin: string,
  method: string,
  requestHeaders: string,
): Record<string, string> {
  const allowOrigin = originAllowed(cors, origin);
  if (!allowOrigin) return {};
  const methods = (cors.allowMethods ?? []).map((m) => m.toUpperCase());
  if (!methods.includes("*") && !methods.includes(method.toUpperCase())) return {};
  const wanted = requestHeaders
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const allowedHeaders = lower(cors.allowHeaders);
  if (!allowedHeaders.includes("*") && wanted.some((h) => !allowedHeaders.includes(h))) return {};
  const out: Record<string, string> = { "access-control-allow-origin": allowOrigin };
  if (cors.allowCredentials) out["access-control-allow-credentials"] = "true";
  if (methods.length)
    out["access-control-allow-methods"] = methods.includes("*") ? method.toUpperCase() : methods.join(",");
  if (wanted.length)
    out["access-control-allow-headers"] = allowedHeaders.includes("*") ? wanted.join(",") : wanted.join(",");
  if (cors.exposeHeaders?.length) out["access-control-expose-headers"] = cors.exposeHeaders.join(",");
  if (cors.maxAge !== undefined) out["access-control-max-age"] = String(cors.maxAge);
  return out;
}

/** CORS headers added to an actual response (they replace the integration's CORS headers). */
export function responseCorsHeaders(cors: Cors, origin: string | undefined): Record<string, string> {
  if (!origin) return {};
  const allowOrigin = originAllowed(cors, origin);
  if (!allowOrigin) return {};
  const out: Record<string, string> = { "access-control-allow-origin": allowOrigin };
  if (cors.allowCredentials) out["access-control-allow-credentials"] = "true";
  if (cors.exposeHeaders?.length) out["access-control-expose-headers"] = cors.exposeHeaders.join(",");
  if (allowOrigin !== "*") out["vary"] = "Origin";
  return out;
}

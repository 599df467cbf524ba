import type { IncomingMessage, ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { jsonPath } from "../../../core/apis/jsonpath";
import {
  preflightHeaders,
  responseCorsHeaders,
  selectRoute,
  type Authorizer,
  type Integration,
  type Route,
} from "../../../core/apis/v2/model";
import { isAppError, toAppError } from "../../../core/errors";
import { logger } from "../../../logger";
import { loadHttpStage, type DeployedHttpStage } from "../../../domains/apis/v2/deployed";
import { authorizerCacheGet, authorizerCachePut } from "../../../domains/apis/v2/authorizer-cache";
import { verifyJwt } from "../../../domains/apis/authorizers/jwt";
import { iamAuthorizer2, iamIdentity } from "../iam-caller";
import { admitApiRequest } from "../../../domains/apis/usage/admit";
import { callFunction } from "../../../domains/functions/function.call";
import { resolveFunctionRef } from "../../../domains/functions/function.service";
import { startExecution } from "../../../domains/workflows/start";
import { guardedRequest } from "../../../platform/guarded-http";
import { sqsService } from "../../aws/sqs";
import { eventsService } from "../../aws/events";
import type { AwsCall, AwsService } from "../../aws/types";
import { authenticate } from "../../authenticate";
import { drain, publicBaseUrl, readBody } from "../../request";
import { proxyEvent } from "../integrations";
import { headerKey, isHopByHop, readHeaders, readQuery, type MethodRequest } from "../request";
import { accessLogLine } from "../../../core/apis/access-log";
import { routeThrottles } from "../../../core/apis/route-throttle";
import { recordApiRequest } from "../../../domains/apis/metrics/recorder";
import { requestTime } from "../../../core/apis/request-time";

// The data plane of API Gateway v2 HTTP APIs at /gw/<api id>/<stage>/<path> (the $default stage
// also at /gw/<api id>/<path>). Per request: CORS preflight (answered here when the API has a
// corsConfiguration) → route selection (most specific, then $default) → authorization (JWT, Lambda
// REQUEST authorizers with simple or IAM responses and cached decisions, AWS_IAM with the tenant's
// SigV4 keys) → throttling (admitApiRequest with the stage's default and per-route settings) → the
// integration (HTTP_PROXY, AWS_PROXY to a function with payload 2.0 or 1.0, SQS / EventBridge /
// Step Functions subtypes) with parameter mapping → the response with CORS headers.

const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

type Reply = { status: number; headers: Record<string, string | string[]>; body: Buffer };

const message = (status: number, text: string, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: Buffer.from(JSON.stringify({ message: text })),
});
const NOT_FOUND = () => message(404, "Not Found");
const INTERNAL = () => message(500, "Internal Server Error");
const UNAVAILABLE = () => message(503, "Service Unavailable");
const UNAUTHORIZED = (headers: Record<string, string> = {}) => message(401, "Unauthorized", headers);
const FORBIDDEN = () => message(403, "Forbidden");

type Req = {
  method: string;
  rawPath: string;
  path: string;
  rawQuery: string;
  headers: Record<string, string>;
  /** Lower-cased names, values comma-joined (payload 2.0's headers). */
  lowerHeaders: Record<string, string>;
  multiHeaders: Record<string, string[]>;
  query: Record<string, string>;
  multiQuery: Record<string, string[]>;
  body: Buffer;
  sourceIp: string;
  protocol: string;
  started: Date;
  requestId: string;
  /** The HTTP request (AWS_IAM signatures are checked on it). */
  incoming?: IncomingMessage;
  /** For the metrics recorder (set by serve): the matched route key, time in the integration. */
  routeKey?: string;
  integrationMs?: number;
};

function lowerJoined(multi: Record<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, vs] of Object.entries(multi)) {
    const key = k.toLowerCase();
    out[key] = out[key] ? `${out[key]},${vs.join(",")}` : vs.join(",");
  }
  return out;
}

function cookiesOf(r: Req): string[] | undefined {
  const c = r.lowerHeaders.cookie;
  return c
    ? c
        .split(";")
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
}

function isTextual(ct: string | undefined): boolean {
  const t = (ct ?? "").split(";")[0].trim().toLowerCase();
  return (
    !t ||
    t.startsWith("text/") ||
    /[/+](json|xml|javascript|x-www-form-urlencoded)$/.test(t) ||
    t === "application/graphql"
  );
}

// ---------------------------------------------------------------------------------------------
// Parameter mapping ($request.*, $context.*, $stageVariables.*, static text)

type Scope = {
  req: Req;
  pathParams: Record<string, string>;
  context: Record<string, unknown>;
  stageVariables: Record<string, string>;
  response?: { headers: Record<string, string>; body: string };
};

function dig(v: unknown, path: string): unknown {
  for (const k of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

const str = (v: unknown) => (v === undefined || v === null ? undefined : typeof v === "string" ? v : JSON.stringify(v));

function evalExpr(expr: string, s: Scope): string | undefined {
  let m: RegExpExecArray | null;
  if ((m = /^request\.header\.(.+)$/.exec(expr))) return s.req.lowerHeaders[m[1].toLowerCase()];
  if ((m = /^request\.querystring\.(.+)$/.exec(expr))) return s.req.multiQuery[m[1]]?.join(",");
  if ((m = /^request\.path\.(.+)$/.exec(expr))) return s.pathParams[m[1]];
  if (expr === "request.path") return s.req.path;
  if (expr === "request.body") return s.req.body.toString("utf8");
  if ((m = /^request\.body\.(.+)$/.exec(expr))) {
    try {
      return str(jsonPath(JSON.parse(s.req.body.toString("utf8")), `$.${m[1]}`));
    } catch {
      return undefined;
    }
  }
  if ((m = /^context\.(.+)$/.exec(expr))) return str(dig(s.context, m[1]));
  if ((m = /^stageVariables\.(.+)$/.exec(expr))) return s.stageVariables[m[1]];
  if (s.response) {
    if ((m = /^response\.header\.(.+)$/.exec(expr))) {
      const k = headerKey(s.response.headers, m[1]);
      return k === undefined ? undefined : s.response.headers[k];
    }
    if (expr === "response.body") return s.response.body;
    if ((m = /^response\.body\.(.+)$/.exec(expr))) {
      try {
        return str(jsonPath(JSON.parse(s.response.body), `$.${m[1]}`));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** A mapping value: `$request.header.x`, `${request.path.id}` inside text, or static text. */
export function mapValue(value: string, s: Scope): string | undefined {
  const whole = /^\$(?!\{)([A-Za-z][\w.-]*(?:\.[^\s$]+)?)$/.exec(value);
  if (whole) return evalExpr(whole[1], s);
  return value.replace(
    /\$\{([^}]+)\}|\$((?:request|context|stageVariables|response)\.[\w.-]+)/g,
    (_, a, b) => evalExpr(String(a ?? b), s) ?? "",
  );
}

// ---------------------------------------------------------------------------------------------
// Events

function context2(stage: DeployedHttpStage, r: Req, route: Route, authorizer?: Record<string, unknown>) {
  return {
    accountId: stage.tenant.accountId,
    apiId: stage.apiId,
    ...(authorizer ? { authorizer } : {}),
    domainName: r.lowerHeaders.host ?? "",
    domainPrefix: stage.apiId,
    http: {
      method: r.method,
      path: r.path,
      protocol: r.protocol,
      sourceIp: r.sourceIp,
      userAgent: r.lowerHeaders["user-agent"] ?? "",
    },
    requestId: r.requestId,
    routeKey: route.routeKey,
    stage: stage.stage.stageName,
    time: requestTime(r.started),
    timeEpoch: r.started.getTime(),
  };
}

function event2(stage: DeployedHttpStage, r: Req, route: Route, pathParams: Record<string, string>, ctx: unknown) {
  const textual = isTextual(r.lowerHeaders["content-type"]);
  const q: Record<string, string> = {};
  for (const [k, vs] of Object.entries(r.multiQuery)) q[k] = vs.join(",");
  const vars = stage.stage.stageVariables ?? {};
  return {
    version: "2.0",
    routeKey: route.routeKey,
    rawPath: r.rawPath,
    rawQueryString: r.rawQuery,
    ...(cookiesOf(r) ? { cookies: cookiesOf(r) } : {}),
    headers: r.lowerHeaders,
    ...(Object.keys(q).length ? { queryStringParameters: q } : {}),
    requestContext: ctx,
    ...(r.body.length ? { body: textual ? r.body.toString("utf8") : r.body.toString("base64") } : {}),
    ...(Object.keys(pathParams).length ? { pathParameters: pathParams } : {}),
    isBase64Encoded: r.body.length > 0 && !textual,
    ...(Object.keys(vars).length ? { stageVariables: vars } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Functions

class Timeout extends Error {}
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Timeout()), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const INVOCATION_URI = /^arn:aws:apigateway:[^:]+:lambda:path\/2015-03-31\/functions\/(.+)\/invocations$/;

type FnOutcome = { ok: true; payload: string } | { ok: false; reply: Reply };

async function invoke(stage: DeployedHttpStage, uri: string, payload: unknown, timeoutMs: number, requestId: string) {
  const ref = INVOCATION_URI.exec(uri)?.[1] ?? uri;
  let fn;
  try {
    fn = await resolveFunctionRef(stage.tenant, ref);
  } catch (e) {
    logger.debug({ err: e, apiId: stage.apiId }, "http api: function not found");
    return { ok: false, reply: INTERNAL() } satisfies FnOutcome;
  }
  try {
    const r = await withTimeout(callFunction(fn, JSON.stringify(payload), { requestId }), timeoutMs);
    if (r.kind === "result") return { ok: true, payload: r.payload } satisfies FnOutcome;
    if (r.kind === "throttled") return { ok: false, reply: message(429, "Too Many Requests") } satisfies FnOutcome;
    return { ok: false, reply: INTERNAL() } satisfies FnOutcome;
  } catch (e) {
    if (e instanceof Timeout) return { ok: false, reply: UNAVAILABLE() } satisfies FnOutcome;
    throw e;
  }
}

/** A payload 2.0 function's answer as API Gateway maps it (a bare value is a 200 JSON body). */
export function response2(payload: string): Reply | null {
  let v: unknown;
  try {
    v = JSON.parse(payload);
  } catch {
    return null;
  }
  if (v === null || typeof v !== "object" || Array.isArray(v) || !("statusCode" in v)) {
    const body = typeof v === "string" ? v : payload;
    return { status: 200, headers: { "content-type": "application/json" }, body: Buffer.from(body) };
  }
  const o = v as Record<string, unknown>;
  const status = Number(o.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) return null;
  const headers: Record<string, string | string[]> = {};
  if (o.headers && typeof o.headers === "object")
    for (const [k, val] of Object.entries(o.headers as Record<string, unknown>)) headers[k.toLowerCase()] = String(val);
  if (Array.isArray(o.cookies) && o.cookies.length) headers["set-cookie"] = o.cookies.map(String);
  if (o.body !== undefined && o.body !== null && typeof o.body !== "string") return null;
  const text = (o.body as string | undefined) ?? "";
  const body = o.isBase64Encoded === true ? Buffer.from(text, "base64") : Buffer.from(text);
  if (!headers["content-type"]) headers["content-type"] = "application/json";
  return { status, headers, body };
}

/** A payload 1.0 function's answer (statusCode required, headers and multiValueHeaders). */
function response1(payload: string): Reply | null {
  let v: unknown;
  try {
    v = JSON.parse(payload);
  } catch {
    return null;
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  const status = Number(o.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) return null;
  const headers: Record<string, string | string[]> = {};
  if (o.headers && typeof o.headers === "object")
    for (const [k, val] of Object.entries(o.headers as Record<string, unknown>)) headers[k.toLowerCase()] = String(val);
  if (o.multiValueHeaders && typeof o.multiValueHeaders === "object")
    for (const [k, vals] of Object.entries(o.multiValueHeaders as Record<string, unknown>))
      if (Array.isArray(vals)) headers[k.toLowerCase()] = vals.map(String);
  if (o.body !== undefined && o.body !== null && typeof o.body !== "string") return null;
  const text = (o.body as string | undefined) ?? "";
  const body = o.isBase64Encoded === true ? Buffer.from(text, "base64") : Buffer.from(text);
  if (!headers["content-type"]) headers["content-type"] = "application/json";
  return { status, headers, body };
}

// ---------------------------------------------------------------------------------------------
// Authorizers

type AuthOutcome = { ok: true; authorizer?: Record<string, unknown> } | { ok: false; reply: Reply };

function identityValues(a: Authorizer, s: Scope): string[] | null {
  const out: string[] = [];
  for (const src of a.identitySource ?? []) {
    const v = evalExpr(src.replace(/^\$/, ""), s);
    if (v === undefined || v === "") return null;
    out.push(v);
  }
  return out;
}

function arnMatches(pattern: string, arn: string): boolean {
  const re = new RegExp(
    "^" +
      pattern
        .split("*")
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*") +
      "$",
  );
  return re.test(arn);
}

/** An IAM policy's verdict on `routeArn`: an explicit Deny wins, else an Allow must match. */
function policyAllows(policy: unknown, routeArn: string): boolean {
  const statements = [(policy as { Statement?: unknown })?.Statement ?? []].flat() as Record<string, unknown>[];
  let allowed = false;
  for (const st of statements) {
    const actions = [st.Action ?? []].flat().map(String);
    if (!actions.some((a) => a === "*" || a === "execute-api:*" || a === "execute-api:Invoke")) continue;
    const resources = [st.Resource ?? []].flat().map(String);
    if (!resources.some((r) => arnMatches(r, routeArn))) continue;
    if (st.Effect === "Deny") return false;
    if (st.Effect === "Allow") allowed = true;
  }
  return allowed;
}

async function authorize(
  stage: DeployedHttpStage,
  route: Route,
  s: Scope,
  routeArn: string,
  ctxFor: (authorizer?: Record<string, unknown>) => Record<string, unknown>,
): Promise<AuthOutcome> {
  const type = route.authorizationType;
  if (type === "NONE" || !type) return { ok: true };
  if (type === "AWS_IAM") {
    const incoming = s.req.incoming;
    const signed =
      /^AWS4-HMAC-SHA256\s/.test(String(incoming?.headers.authorization ?? "")) ||
      /X-Amz-Signature=/.test(s.req.rawQuery);
    if (!incoming || !signed) return { ok: false, reply: FORBIDDEN() };
    try {
      const who = await authenticate(incoming, s.req.body);
      // HTTP APIs have no resource policy: another team's key (another account) is never granted.
      if (who.tenant.id !== stage.tenant.id) return { ok: false, reply: FORBIDDEN() };
      return {
        ok: true,
        authorizer: { iam: iamAuthorizer2({ accountId: who.tenant.accountId, keyId: who.actor.keyId }) },
      };
    } catch (e) {
      return { ok: false, reply: message(403, isAppError(e) ? e.message : "Forbidden") };
    }
  }
  const a = route.authorizerId ? stage.snapshot.authorizers[route.authorizerId] : undefined;
  if (!a) return { ok: false, reply: INTERNAL() };
  const ids = identityValues(a, s);
  if (a.authorizerType === "JWT") {
    if (!ids) return { ok: false, reply: UNAUTHORIZED() };
    const token = ids[0].replace(/^Bearer\s+/i, "");
    const out = await verifyJwt(token, a.jwtConfiguration?.issuer ?? "", a.jwtConfiguration?.audience ?? []);
    if (!out.ok)
      return {
        ok: false,
        reply: UNAUTHORIZED({
          "www-authenticate": `Bearer scope="" error="invalid_token" error_description="${out.description}"`,
        }),
      };
    const needed = route.authorizationScopes ?? [];
    if (needed.length && !needed.some((n) => out.scopes.includes(n))) return { ok: false, reply: FORBIDDEN() };
    const claims: Record<string, string> = {};
    for (const [k, v] of Object.entries(out.claims))
      claims[k] = Array.isArray(v) ? `[${v.join(" ")}]` : typeof v === "object" ? JSON.stringify(v) : String(v);
    return { ok: true, authorizer: { jwt: { claims, scopes: out.scopes.length ? out.scopes : null } } };
  }
  // REQUEST (Lambda) authorizer.
  if ((a.identitySource?.length ?? 0) > 0 && !ids) return { ok: false, reply: UNAUTHORIZED() };
  const ttl = a.authorizerResultTtlInSeconds ?? 0;
  const cacheKey = `${stage.apiId}\n${a.authorizerId}\n${stage.stage.stageName}\n${(ids ?? []).join("\n")}`;
  let decision = ttl > 0 ? authorizerCacheGet(cacheKey) : null;
  if (!decision) {
    const v2 = a.authorizerPayloadFormatVersion === "2.0";
    const r = s.req;
    const ev = v2
      ? {
          ...event2(stage, r, route, s.pathParams, ctxFor()),
          type: "REQUEST",
          routeArn,
          identitySource: ids ?? [],
        }
      : {
          ...proxyEvent(
            methodRequestOf(stage, s),
            routeKeyPath(route.routeKey),
            !isTextual(r.lowerHeaders["content-type"]),
          ),
          version: "1.0",
          type: "REQUEST",
          methodArn: routeArn,
          identitySource: (ids ?? []).join(","),
          authorizationToken: ids?.[0],
        };
    const out = await invoke(stage, a.authorizerUri ?? "", ev, 10_000, r.requestId);
    if (!out.ok) return { ok: false, reply: out.reply.status === 503 ? UNAVAILABLE() : INTERNAL() };
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(out.payload) as Record<string, unknown>;
    } catch {
      return { ok: false, reply: INTERNAL() };
    }
    if (v === null || typeof v !== "object") return { ok: false, reply: INTERNAL() };
    const context = (v.context && typeof v.context === "object" ? v.context : {}) as Record<string, unknown>;
    if (a.enableSimpleResponses) {
      if (typeof v.isAuthorized !== "boolean") return { ok: false, reply: INTERNAL() };
      decision = { allow: v.isAuthorized, context };
    } else {
      if (!v.policyDocument) return { ok: false, reply: INTERNAL() };
      decision = {
        allow: policyAllows(v.policyDocument, routeArn),
        context: { ...context, ...(v.principalId !== undefined ? { principalId: v.principalId } : {}) },
      };
    }
    if (ttl > 0) authorizerCachePut(cacheKey, decision, ttl);
  }
  if (!decision.allow) return { ok: false, reply: FORBIDDEN() };
  return {
    ok: true,
    authorizer:
      a.authorizerPayloadFormatVersion === "2.0"
        ? { lambda: decision.context }
        : { ...decision.context, principalId: decision.context.principalId ?? null },
  };
}

const routeKeyPath = (k: string) => (k === "$default" ? "$default" : k.slice(k.indexOf(" ") + 1));
const routeKeyMethod = (k: string) => (k === "$default" ? "ANY" : k.slice(0, k.indexOf(" ")));

function methodRequestOf(stage: DeployedHttpStage, s: Scope): MethodRequest {
  return {
    httpMethod: s.req.method,
    path: s.req.path,
    pathParams: s.pathParams,
    query: s.req.query,
    multiQuery: s.req.multiQuery,
    headers: s.req.headers,
    multiHeaders: s.req.multiHeaders,
    body: s.req.body,
    stageVariables: stage.stage.stageVariables ?? {},
    context: s.context,
  };
}

// ---------------------------------------------------------------------------------------------
// Integrations

async function runHttpProxy(i: Integration, s: Scope): Promise<Reply> {
  const r = s.req;
  const vars = s.stageVariables;
  const uri = (i.integrationUri ?? "").replace(
    /\$\{stageVariables\.([A-Za-z0-9_]+)\}/g,
    (_, n: string) => vars[n] ?? "",
  );
  let url: URL;
  try {
    // A URI with path variables ({proxy}, {id}) takes the route's values; a bare URI gets the path.
    const hasVars = /\{[^}]+\}/.test(uri);
    const filled = uri.replace(/\{([^{}]+?)\+?\}/g, (_, n: string) =>
      (s.pathParams[n] ?? "")
        .split("/")
        .map((x) => encodeURIComponent(x))
        .join("/"),
    );
    url = new URL(filled);
    if (!hasVars && url.pathname === "/" && r.rawPath !== "/") url.pathname = r.rawPath;
  } catch {
    return INTERNAL();
  }
  for (const [k, vs] of Object.entries(r.multiQuery)) for (const v of vs) url.searchParams.append(k, v);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.lowerHeaders)) if (!isHopByHop(k)) headers[k] = v;
  let method = (i.integrationMethod === "ANY" || !i.integrationMethod ? r.method : i.integrationMethod) as "GET";
  let body: Buffer = r.body;
  // Parameter mapping: overwrite/append/remove headers and query strings, overwrite the path.
  for (const [target, value] of Object.entries(i.requestParameters ?? {})) {
    const m = /^(append|overwrite|remove):(header\.(.+)|querystring\.(.+)|path)$/.exec(target);
    if (!m) continue;
    const [, op, , header, qs] = m;
    const v = op === "remove" ? "" : mapValue(value, s);
    if (op !== "remove" && v === undefined) continue;
    if (header) {
      const h = header.toLowerCase();
      if (op === "remove") delete headers[h];
      else if (op === "append" && headers[h]) headers[h] = `${headers[h]},${v}`;
      else headers[h] = v!;
    } else if (qs) {
      if (op === "remove") url.searchParams.delete(qs);
      else if (op === "append") url.searchParams.append(qs, v!);
      else url.searchParams.set(qs, v!);
    } else if (op === "overwrite") url.pathname = v!;
  }
  if (method === "GET" || method === ("HEAD" as string)) body = Buffer.alloc(0);
  method = method.toUpperCase() as "GET";
  const res = await guardedRequest({
    url: url.toString(),
    method,
    headers,
    body: body.length ? body : undefined,
    totalTimeoutMs: i.timeoutInMillis,
    connectTimeoutMs: Math.min(i.timeoutInMillis, 5_000),
    maxResponseBytes: MAX_PAYLOAD_BYTES,
  });
  if (!res.ok) {
    // A timeout or an unreachable backend is 503 Service Unavailable; a refused address 500.
    if (res.kind === "blocked" || res.kind === "bad_url") return INTERNAL();
    return UNAVAILABLE();
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (!isHopByHop(k)) out[k.toLowerCase()] = v;
  return { status: res.status, headers: out, body: res.body };
}

/**
 * Payload 1.0's `requestContext` for an HTTP API, as API Gateway's 1.0 example event has it (not
 * 2.0's shape): REST-style names (httpMethod, path, resourcePath, requestTime(Epoch)), the full
 * identity with nulls, and `authorizer` as 1.0 carries it: a JWT authorizer's `claims` and `scopes`
 * (both null without one), a Lambda authorizer's context at the top, an AWS_IAM caller in identity.
 */
function context1(stage: DeployedHttpStage, s: Scope, route: Route): Record<string, unknown> {
  const r = s.req;
  // The route's authorizer as payload 2.0 carries it (authorize()): { jwt }, { lambda }, { iam }, or
  // a 1.0-format Lambda authorizer's flat context.
  const a2 = s.context.authorizer as Record<string, unknown> | undefined;
  const jwt = a2?.jwt as { claims: unknown; scopes: unknown } | undefined;
  const lambda = a2?.lambda as Record<string, unknown> | undefined;
  const iam = a2?.iam as { accessKey: string; accountId: string } | undefined;
  let authorizer: Record<string, unknown> = { claims: null, scopes: null };
  if (jwt) authorizer = { claims: jwt.claims, scopes: jwt.scopes };
  else if (lambda) authorizer = lambda;
  else if (a2 && !iam) authorizer = a2;
  return {
    accountId: stage.tenant.accountId,
    apiId: stage.apiId,
    authorizer,
    domainName: r.lowerHeaders.host ?? "",
    domainPrefix: stage.apiId,
    extendedRequestId: r.requestId,
    httpMethod: r.method,
    identity: {
      accessKey: null,
      accountId: null,
      caller: null,
      cognitoAuthenticationProvider: null,
      cognitoAuthenticationType: null,
      cognitoIdentityId: null,
      cognitoIdentityPoolId: null,
      principalOrgId: null,
      sourceIp: r.sourceIp,
      user: null,
      userAgent: r.lowerHeaders["user-agent"] ?? null,
      userArn: null,
      ...(iam ? iamIdentity({ accountId: iam.accountId, keyId: iam.accessKey }) : {}),
    },
    path: r.path,
    protocol: r.protocol,
    requestId: r.requestId,
    requestTime: requestTime(r.started),
    requestTimeEpoch: r.started.getTime(),
    resourceId: null,
    resourcePath: routeKeyPath(route.routeKey),
    stage: stage.stage.stageName,
  };
}

/** Payload 1.0 for an HTTP API: REST's proxy event with HTTP APIs' requestContext, in the example's key order. */
function event1(stage: DeployedHttpStage, s: Scope, route: Route): Record<string, unknown> {
  const e = proxyEvent(
    { ...methodRequestOf(stage, s), context: context1(stage, s, route) },
    routeKeyPath(route.routeKey),
    !isTextual(s.req.lowerHeaders["content-type"]),
  );
  const order = [
    "resource",
    "path",
    "httpMethod",
    "headers",
    "multiValueHeaders",
    "queryStringParameters",
    "multiValueQueryStringParameters",
    "requestContext",
    "pathParameters",
    "stageVariables",
    "body",
    "isBase64Encoded",
  ];
  return { version: "1.0", ...Object.fromEntries(order.map((k) => [k, e[k]])) };
}

async function runFunction(stage: DeployedHttpStage, i: Integration, s: Scope, route: Route): Promise<Reply> {
  const r = s.req;
  const ev =
    i.payloadFormatVersion === "2.0" ? event2(stage, r, route, s.pathParams, s.context) : event1(stage, s, route);
  const out = await invoke(stage, i.integrationUri ?? "", ev, i.timeoutInMillis, r.requestId);
  if (!out.ok) return out.reply;
  return (i.payloadFormatVersion === "2.0" ? response2(out.payload) : response1(out.payload)) ?? INTERNAL();
}

async function runAwsAction(
  stage: DeployedHttpStage,
  service: AwsService,
  action: string,
  json: Record<string, unknown>,
  s: Scope,
  timeoutMs: number,
): Promise<Reply> {
  const call: AwsCall = {
    ctx: {
      tenant: stage.tenant,
      actor: { type: "api_key", keyId: `apigateway:${stage.apiId}`, role: "developer" },
      region: process.env.SIGNALBOX_REGION ?? "us-east-1",
      service: service.name,
      requestId: s.req.requestId,
      log: logger.child({ requestId: s.req.requestId }),
      baseUrl: String(Object.getOwnPropertyDescriptor(s.context, "baseUrl")?.value ?? ""),
    },
    protocol: "json",
    action,
    path: "/",
    json,
  };
  try {
    const run = service.actions.get(action);
    if (!run) return INTERNAL();
    const reply = await withTimeout(run(call), timeoutMs);
    return {
      status: reply.status ?? 200,
      headers: { "content-type": "application/json" },
      body: Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body),
    };
  } catch (e) {
    if (e instanceof Timeout) return UNAVAILABLE();
    const err = toAppError(e);
    const reply = service.renderError(err, { protocol: "json", action, requestId: s.req.requestId });
    return {
      status: reply.status ?? 400,
      headers: { "content-type": "application/json" },
      body: Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body),
    };
  }
}

/** AWS service integrations (integrationSubtype), their parameters mapped from the request. */
async function runSubtype(stage: DeployedHttpStage, i: Integration, s: Scope): Promise<Reply> {
  const p: Record<string, string> = {};
  for (const [k, v] of Object.entries(i.requestParameters ?? {})) {
    const val = mapValue(v, s);
    if (val !== undefined) p[k] = val;
  }
  const t = i.timeoutInMillis;
  switch (i.integrationSubtype) {
    case "SQS-SendMessage":
      return runAwsAction(
        stage,
        sqsService,
        "SendMessage",
        {
          QueueUrl: p.QueueUrl,
          MessageBody: p.MessageBody,
          ...(p.DelaySeconds ? { DelaySeconds: Number(p.DelaySeconds) } : {}),
          ...(p.MessageGroupId ? { MessageGroupId: p.MessageGroupId } : {}),
          ...(p.MessageDeduplicationId ? { MessageDeduplicationId: p.MessageDeduplicationId } : {}),
          ...(p.MessageAttributes ? { MessageAttributes: JSON.parse(p.MessageAttributes) as unknown } : {}),
        },
        s,
        t,
      );
    case "SQS-ReceiveMessage":
      return runAwsAction(
        stage,
        sqsService,
        "ReceiveMessage",
        {
          QueueUrl: p.QueueUrl,
          ...(p.MaxNumberOfMessages ? { MaxNumberOfMessages: Number(p.MaxNumberOfMessages) } : {}),
          ...(p.VisibilityTimeout ? { VisibilityTimeout: Number(p.VisibilityTimeout) } : {}),
          WaitTimeSeconds: Number(p.WaitTimeSeconds ?? 0),
        },
        s,
        t,
      );
    case "SQS-DeleteMessage":
      return runAwsAction(
        stage,
        sqsService,
        "DeleteMessage",
        { QueueUrl: p.QueueUrl, ReceiptHandle: p.ReceiptHandle },
        s,
        t,
      );
    case "SQS-PurgeQueue":
      return runAwsAction(stage, sqsService, "PurgeQueue", { QueueUrl: p.QueueUrl }, s, t);
    case "EventBridge-PutEvents":
      return runAwsAction(
        stage,
        eventsService,
        "PutEvents",
        {
          Entries: [
            {
              Source: p.Source,
              DetailType: p.DetailType,
              Detail: p.Detail,
              ...(p.EventBusName ? { EventBusName: p.EventBusName } : {}),
              ...(p.Resources ? { Resources: p.Resources.split(",") } : {}),
              ...(p.Time ? { Time: p.Time } : {}),
            },
          ],
        },
        s,
        t,
      );
    case "StepFunctions-StartExecution": {
      try {
        const out = await withTimeout(
          startExecution(
            { actor: { type: "api_key", keyId: `apigateway:${stage.apiId}`, role: "developer" }, tenant: stage.tenant },
            { stateMachineArn: p.StateMachineArn, ...(p.Name ? { name: p.Name } : {}), input: p.Input ?? "{}" },
          ),
          t,
        );
        return {
          status: 200,
          headers: { "content-type": "application/json" },
          body: Buffer.from(
            JSON.stringify({ executionArn: out.executionArn, startDate: out.startDate.getTime() / 1000 }),
          ),
        };
      } catch (e) {
        if (e instanceof Timeout) return UNAVAILABLE();
        const err = toAppError(e);
        return message(err.mapping.awsStatus ?? 400, err.message);
      }
    }
    default:
      return INTERNAL();
  }
}

function applyResponseParameters(i: Integration, reply: Reply, s: Scope): Reply {
  const map = i.responseParameters?.[String(reply.status)];
  if (!map) return reply;
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(reply.headers)) flat[k] = Array.isArray(v) ? v.join(",") : v;
  const scope: Scope = { ...s, response: { headers: flat, body: reply.body.toString("utf8") } };
  const headers = { ...reply.headers };
  let status = reply.status;
  for (const [target, value] of Object.entries(map)) {
    const m = /^(append|overwrite|remove):(header\.(.+)|statuscode)$/.exec(target);
    if (!m) continue;
    const [, op, , header] = m;
    const v = op === "remove" ? "" : mapValue(value, scope);
    if (op !== "remove" && v === undefined) continue;
    if (header) {
      const h = header.toLowerCase();
      if (op === "remove") delete headers[h];
      else if (op === "append" && headers[h]) headers[h] = [[headers[h]].flat(), v!].flat();
      else headers[h] = v!;
    } else if (op === "overwrite" && /^[1-5]\d\d$/.test(v!)) status = Number(v);
  }
  return { ...reply, status, headers };
}

// ---------------------------------------------------------------------------------------------
// Serving

async function serve(stage: DeployedHttpStage, r: Req, baseUrl: string): Promise<Reply> {
  const cors = stage.snapshot.cors;
  const origin = r.lowerHeaders.origin;
  // CORS preflight: answered by the gateway when the API configures CORS (no route runs).
  if (cors && r.method === "OPTIONS" && origin && r.lowerHeaders["access-control-request-method"]) {
    return {
      status: 204,
      headers: preflightHeaders(
        cors,
        origin,
        r.lowerHeaders["access-control-request-method"],
        r.lowerHeaders["access-control-request-headers"] ?? "",
      ),
      body: Buffer.alloc(0),
    };
  }
  const segments = r.path === "/" ? [] : r.path.slice(1).split("/");
  const match = selectRoute(stage.snapshot.routes, r.method, segments);
  const withCors = (reply: Reply): Reply => {
    if (!cors) return reply;
    const extra = responseCorsHeaders(cors, origin);
    if (!Object.keys(extra).length) return reply;
    const headers = Object.fromEntries(
      Object.entries(reply.headers).filter(([k]) => !k.toLowerCase().startsWith("access-control-")),
    );
    return { ...reply, headers: { ...headers, ...extra } };
  };
  if (!match) return withCors(NOT_FOUND());
  const { route, pathParams } = match;
  r.routeKey = route.routeKey;
  const target = /^integrations\/(.+)$/.exec(route.target ?? "")?.[1];
  const integration = target ? stage.snapshot.integrations[target] : undefined;
  if (!integration) return withCors(NOT_FOUND());
  const region = process.env.SIGNALBOX_REGION ?? "us-east-1";
  const routeArn = `arn:aws:execute-api:${region}:${stage.tenant.accountId}:${stage.apiId}/${stage.stage.stageName}/${r.method}${r.path}`;
  const scope: Scope = {
    req: r,
    pathParams,
    context: {},
    stageVariables: stage.stage.stageVariables ?? {},
  };
  const ctxFor = (authorizer?: Record<string, unknown>) => {
    const c = context2(stage, r, route, authorizer) as Record<string, unknown>;
    Object.defineProperty(c, "baseUrl", { value: baseUrl, enumerable: false });
    return c;
  };
  scope.context = ctxFor();
  const auth = await authorize(stage, route, scope, routeArn, ctxFor);
  if (!auth.ok) return withCors(auth.reply);
  if (auth.authorizer) scope.context = ctxFor(auth.authorizer);

  const settings = stage.stage;
  const admitted = await admitApiRequest({
    tenantId: stage.tenant.id,
    restApiId: stage.apiId,
    stage: settings.stageName,
    resourcePath: routeKeyPath(route.routeKey),
    httpMethod: routeKeyMethod(route.routeKey),
    apiKeyRequired: false,
    apiKeyValue: null,
    ...routeThrottles(settings.defaultRouteSettings, settings.routeSettings?.[route.routeKey]),
  });
  if (!admitted.ok) return withCors(message(429, "Too Many Requests"));

  let reply: Reply;
  const integrationStart = performance.now();
  if (integration.integrationType === "HTTP_PROXY") reply = await runHttpProxy(integration, scope);
  else if (integration.integrationSubtype) reply = await runSubtype(stage, integration, scope);
  else reply = await runFunction(stage, integration, scope, route);
  r.integrationMs = Math.round((performance.now() - integrationStart) * 100) / 100;
  return withCors(applyResponseParameters(integration, reply, scope));
}

function write(res: ServerResponse, r: Reply, requestId: string) {
  const headers: Record<string, string | string[]> = {
    ...r.headers,
    "apigw-requestid": requestId,
    "content-length": String(r.body.length),
  };
  res.writeHead(r.status, headers);
  res.end(r.body);
}

/**
 * Serves /gw/<api id>/... when `apiId` is an HTTP API; false (nothing written) when it is not, so
 * the REST API gateway answers as before.
 */
export async function handleHttpApi(
  req: IncomingMessage,
  res: ServerResponse,
  apiId: string,
  rest: string[],
  rawQuery: string,
): Promise<boolean> {
  const requestId = randomBytes(10).toString("base64");
  const started = new Date();
  let first: string;
  try {
    first = decodeURIComponent(rest[0] ?? "");
  } catch {
    first = "";
  }
  const stage = apiId ? await loadHttpStage(apiId, first) : null;
  if (!stage) return false;
  try {
    if (!stage.stage) {
      drain(req);
      write(res, NOT_FOUND(), requestId);
      return true;
    }
    const deployed = stage as DeployedHttpStage;
    let body: Buffer;
    try {
      body = await readBody(req, MAX_PAYLOAD_BYTES);
    } catch (e) {
      if (isAppError(e) && e.code === "too_large") {
        write(res, message(413, "Request Entity Too Large"), requestId);
        return true;
      }
      throw e;
    }
    const pathSegments = deployed.stageInPath ? rest.slice(1) : rest;
    const rawPath = "/" + pathSegments.join("/");
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      write(res, NOT_FOUND(), requestId);
      return true;
    }
    const { headers, multi } = readHeaders(req);
    const { query, multi: multiQuery } = readQuery(rawQuery);
    const r: Req = {
      method: (req.method ?? "GET").toUpperCase(),
      rawPath,
      path: path.length > 1 ? path.replace(/\/$/, "") : path,
      rawQuery,
      headers,
      lowerHeaders: lowerJoined(multi),
      multiHeaders: multi,
      query,
      multiQuery,
      body,
      sourceIp: req.socket.remoteAddress ?? "",
      protocol: `HTTP/${req.httpVersion}`,
      started,
      requestId,
      incoming: req,
    };
    const reply = await serve(deployed, r, publicBaseUrl(req)).catch((e: unknown) => {
      logger.error({ err: e, apiId }, "http api request failed");
      return INTERNAL();
    });
    write(res, reply, requestId);
    recordHttpApiRequest(deployed, r, reply);
  } catch (e) {
    logger.error({ err: e, apiId }, "http api request failed");
    if (res.headersSent) res.destroy();
    else write(res, INTERNAL(), requestId);
  }
  return true;
}

/** The metrics recorder's call for a served request (and the stage's access-log line, when it has one). */
function recordHttpApiRequest(stage: DeployedHttpStage, r: Req, reply: Reply): void {
  const latency = Date.now() - r.started.getTime();
  const format = stage.stage.accessLogSettings?.format;
  let line: string | null = null;
  if (format) {
    line = accessLogLine(format, {
      requestId: r.requestId,
      apiId: stage.apiId,
      stage: stage.stage.stageName,
      httpMethod: r.method,
      path: r.rawPath,
      routeKey: r.routeKey ?? "-",
      protocol: r.protocol,
      requestTime: requestTime(r.started),
      requestTimeEpoch: r.started.getTime(),
      identity: { sourceIp: r.sourceIp, userAgent: r.lowerHeaders["user-agent"] ?? null },
      status: reply.status,
      responseLength: reply.body.length,
      responseLatency: latency,
      integrationLatency: r.integrationMs,
    });
    logger.info({ apiId: stage.apiId, stage: stage.stage.stageName, accessLog: line }, "api access log");
  }
  recordApiRequest({
    tenantId: stage.tenant.id,
    apiId: stage.apiId,
    stage: stage.stage.stageName,
    resource: r.routeKey ?? null,
    method: r.method,
    path: r.rawPath,
    status: reply.status,
    startedAt: r.started.getTime(),
    latencyMs: latency,
    integrationLatencyMs: r.integrationMs ?? null,
    cache: null,
    requestId: r.requestId,
    sourceIp: r.sourceIp || null,
    apiKeyId: null,
    userAgent: r.lowerHeaders["user-agent"] ?? null,
    responseLength: reply.body.length,
    line,
  });
}

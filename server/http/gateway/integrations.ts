import { randomUUID } from "node:crypto";
import { AppError, toAppError } from "../../core/errors";
import type { Integration } from "../../core/apis/model";
import { renderTemplate } from "../../core/apis/vtl";
import { guardedRequest } from "../../platform/guarded-http";
import { logger } from "../../logger";
import { callFunction } from "../../domains/functions/function.call";
import { resolveFunctionRef } from "../../domains/functions/function.service";
import { sqsService } from "../aws/sqs";
import { snsService } from "../aws/sns/sns.service";
import { eventsService } from "../aws/events";
import { statesService } from "../aws/states/states.service";
import type { AwsCall } from "../aws/types";
import { parseForm } from "../wire";
import {
  headerKey,
  headerValue,
  isHopByHop,
  mapRequestValue,
  templateParams,
  withStageVariables,
  type MethodRequest,
} from "./request";

// The integrations a method runs: MOCK, HTTP / HTTP_PROXY (the tenant's backend through the guarded
// HTTP client, inside timeoutInMillis), AWS_PROXY (a function with API Gateway's proxy event 1.0)
// and AWS (a function with a mapped payload, or SQS / SNS / EventBridge / Step Functions actions on
// Signalbox's own AWS door). Each returns the integration's raw response, or a gateway failure.

export type IntegrationResult =
  | {
      kind: "response";
      status: number;
      headers: Record<string, string>;
      multiHeaders?: Record<string, string[]>;
      body: Buffer;
      /** Proxy integrations: the response goes to the client as is (no integration response mapping). */
      proxy: boolean;
      /** Lambda (non-proxy): the function's errorMessage, matched by selection patterns. */
      errorMessage?: string;
    }
  | {
      kind: "failure";
      type: "INTEGRATION_TIMEOUT" | "INTEGRATION_FAILURE" | "UNSUPPORTED_MEDIA_TYPE" | "API_CONFIGURATION_ERROR";
      message: string;
      status?: number;
    };

export type GatewayTenant = { id: string; accountId: string; slug: string; name: string };

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

const timedOut = (): IntegrationResult => ({
  kind: "failure",
  type: "INTEGRATION_TIMEOUT",
  message: "Endpoint request timed out",
});

/**
 * The integration request body: the mapping template for the request's content type, or the body
 * passed through as `passthroughBehavior` allows (else 415 Unsupported Media Type).
 */
export function integrationBody(
  i: Integration,
  r: MethodRequest,
): { ok: true; body: Buffer; templated: boolean } | { ok: false } {
  const ct = (headerValue(r.headers, "content-type") ?? "application/json").split(";")[0].trim().toLowerCase();
  const templates = i.requestTemplates ?? {};
  const names = Object.keys(templates);
  const key = names.find((n) => n.toLowerCase() === ct);
  if (key !== undefined) {
    const t = templates[key];
    if (t === null || t === undefined || t === "") return { ok: true, body: r.body, templated: false };
    return {
      ok: true,
      body: Buffer.from(
        renderTemplate(t, {
          body: r.body.toString("utf8"),
          params: templateParams(r),
          context: r.context,
          stageVariables: r.stageVariables,
        }),
      ),
      templated: true,
    };
  }
  if (i.passthroughBehavior === "NEVER") return { ok: false };
  if (i.passthroughBehavior === "WHEN_NO_TEMPLATES" && names.length) return { ok: false };
  return { ok: true, body: r.body, templated: false };
}

/** The integration request's path, query string and header parameters from requestParameters. */
function mappedParams(i: Integration, r: MethodRequest) {
  const path: Record<string, string> = {};
  const query: Record<string, string> = {};
  const headers: Record<string, string> = {};
  for (const [target, expr] of Object.entries(i.requestParameters ?? {})) {
    const v = mapRequestValue(r, expr);
    if (v === undefined) continue;
    const m = /^integration\.request\.(path|querystring|multivaluequerystring|header|multivalueheader)\.(.+)$/.exec(
      target,
    );
    if (!m) continue;
    if (m[1] === "path") path[m[2]] = v;
    else if (m[1].endsWith("querystring")) query[m[2]] = v;
    else headers[m[2]] = v;
  }
  return { path, query, headers };
}

function substitutePath(uri: string, path: Record<string, string>, fallback: Record<string, string>): string {
  return uri.replace(/\{([^{}]+?)\+?\}/g, (_, name: string) => {
    const v = path[name] ?? fallback[name];
    if (v === undefined) return "";
    // A greedy value keeps its slashes.
    return v
      .split("/")
      .map((s) => encodeURIComponent(s))
      .join("/");
  });
}

async function runHttp(i: Integration, r: MethodRequest): Promise<IntegrationResult> {
  const proxy = i.type === "HTTP_PROXY";
  const mapped = mappedParams(i, r);
  const uri = substitutePath(withStageVariables(i.uri ?? "", r.stageVariables), mapped.path, proxy ? r.pathParams : {});
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return { kind: "failure", type: "API_CONFIGURATION_ERROR", message: "Internal server error", status: 500 };
  }
  const headers: Record<string, string> = {};
  let body: Buffer = r.body;
  if (proxy) {
    for (const [k, vs] of Object.entries(r.multiQuery)) for (const v of vs) url.searchParams.append(k, v);
    for (const [k, v] of Object.entries(r.headers)) if (!isHopByHop(k)) headers[k.toLowerCase()] = v;
  } else {
    const b = integrationBody(i, r);
    if (!b.ok) return { kind: "failure", type: "UNSUPPORTED_MEDIA_TYPE", message: "Unsupported Media Type" };
    body = b.body;
    const ct = headerValue(r.headers, "content-type");
    headers["content-type"] = b.templated ? "application/json" : (ct ?? "application/json");
  }
  for (const [k, v] of Object.entries(mapped.query)) url.searchParams.set(k, v);
  for (const [k, v] of Object.entries(mapped.headers)) headers[k.toLowerCase()] = v;
  headers["x-amzn-apigateway-api-id"] = String(r.context.apiId);
  const method = (i.httpMethod === "ANY" ? r.httpMethod : (i.httpMethod ?? r.httpMethod)) as "GET";
  const res = await guardedRequest({
    url: url.toString(),
    method,
    headers,
    body: method === "GET" || method === ("HEAD" as string) ? undefined : body,
    totalTimeoutMs: i.timeoutInMillis,
    connectTimeoutMs: Math.min(i.timeoutInMillis, 5_000),
    maxResponseBytes: 10 * 1024 * 1024,
  });
  if (!res.ok) {
    if (res.kind === "timeout" || res.kind === "connect_timeout") return timedOut();
    return { kind: "failure", type: "INTEGRATION_FAILURE", message: "Internal server error", status: 500 };
  }
  const outHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (!isHopByHop(k)) outHeaders[k] = v;
  return { kind: "response", status: res.status, headers: outHeaders, body: res.body, proxy };
}

/** API Gateway's Lambda proxy event, payload format 1.0. */
export function proxyEvent(r: MethodRequest, resourcePath: string, binary: boolean): Record<string, unknown> {
  const orNull = <T extends object>(o: T) => (Object.keys(o).length ? o : null);
  return {
    resource: resourcePath,
    path: r.path,
    httpMethod: r.httpMethod,
    headers: orNull(r.headers),
    multiValueHeaders: orNull(r.multiHeaders),
    queryStringParameters: orNull(r.query),
    multiValueQueryStringParameters: orNull(r.multiQuery),
    pathParameters: orNull(r.pathParams),
    stageVariables: orNull(r.stageVariables),
    requestContext: r.context,
    body: r.body.length ? (binary ? r.body.toString("base64") : r.body.toString("utf8")) : null,
    isBase64Encoded: binary && r.body.length > 0,
  };
}

const LAMBDA_URI = /^arn:aws:apigateway:[^:]+:lambda:path\/2015-03-31\/functions\/(.+)\/invocations$/;

async function invokeFunction(
  tenant: GatewayTenant,
  uri: string,
  payload: string,
  timeoutMs: number,
  requestId: string,
): Promise<{ ok: true; payload: string; error?: string } | { ok: false; result: IntegrationResult }> {
  const m = LAMBDA_URI.exec(uri);
  if (!m)
    return {
      ok: false,
      result: { kind: "failure", type: "API_CONFIGURATION_ERROR", message: "Internal server error", status: 500 },
    };
  let fn;
  try {
    fn = await resolveFunctionRef(tenant, m[1]);
  } catch (e) {
    logger.debug({ err: e }, "gateway: function not found");
    return {
      ok: false,
      result: { kind: "failure", type: "API_CONFIGURATION_ERROR", message: "Internal server error", status: 500 },
    };
  }
  try {
    const r = await withTimeout(callFunction(fn, payload, { requestId }), timeoutMs);
    if (r.kind === "result") return { ok: true, payload: r.payload };
    if (r.kind === "function_error") return { ok: true, payload: r.payload, error: String(r.error.errorMessage ?? "") };
    if (r.kind === "throttled")
      return {
        ok: false,
        result: { kind: "failure", type: "INTEGRATION_FAILURE", message: "Rate Exceeded.", status: 500 },
      };
    return {
      ok: false,
      result: { kind: "failure", type: "INTEGRATION_FAILURE", message: "Internal server error", status: 500 },
    };
  } catch (e) {
    if (e instanceof Timeout) return { ok: false, result: timedOut() };
    throw e;
  }
}

const internalError = (): IntegrationResult => ({
  kind: "response",
  status: 502,
  headers: { "content-type": "application/json", "x-amzn-ErrorType": "InternalServerErrorException" },
  body: Buffer.from('{"message": "Internal server error"}'),
  proxy: true,
});

async function runAwsProxy(
  tenant: GatewayTenant,
  i: Integration,
  r: MethodRequest,
  resourcePath: string,
  binary: boolean,
): Promise<IntegrationResult> {
  const uri = withStageVariables(i.uri ?? "", r.stageVariables);
  const event = JSON.stringify(proxyEvent(r, resourcePath, binary));
  const out = await invokeFunction(tenant, uri, event, i.timeoutInMillis, String(r.context.requestId));
  if (!out.ok) return out.result;
  if (out.error !== undefined) return internalError();
  let v: unknown;
  try {
    v = JSON.parse(out.payload);
  } catch {
    return internalError();
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) return internalError();
  const res = v as Record<string, unknown>;
  const status = res.statusCode === undefined ? 200 : Number(res.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) return internalError();
  const headers: Record<string, string> = {};
  const multiHeaders: Record<string, string[]> = {};
  if (res.headers && typeof res.headers === "object")
    for (const [k, val] of Object.entries(res.headers as Record<string, unknown>)) headers[k] = String(val);
  if (res.multiValueHeaders && typeof res.multiValueHeaders === "object")
    for (const [k, vals] of Object.entries(res.multiValueHeaders as Record<string, unknown>))
      if (Array.isArray(vals)) multiHeaders[k] = vals.map(String);
  if (res.body !== undefined && res.body !== null && typeof res.body !== "string") return internalError();
  const text = (res.body as string | undefined) ?? "";
  const body = res.isBase64Encoded === true ? Buffer.from(text, "base64") : Buffer.from(text);
  if (headerKey(headers, "content-type") === undefined && headerKey(multiHeaders, "content-type") === undefined)
    headers["Content-Type"] = "application/json";
  return { kind: "response", status, headers, multiHeaders, body, proxy: true };
}

const AWS_URI = /^arn:aws:apigateway:([^:]+):([^:]+):(path|action)\/(.+)$/;
/** The services an AWS integration can reach (named one by one: the door's table imports the gateway). */
const INTEGRATION_SERVICES = [sqsService, snsService, eventsService, statesService];

async function runAws(tenant: GatewayTenant, i: Integration, r: MethodRequest): Promise<IntegrationResult> {
  const uri = withStageVariables(i.uri ?? "", r.stageVariables);
  const b = integrationBody(i, r);
  if (!b.ok) return { kind: "failure", type: "UNSUPPORTED_MEDIA_TYPE", message: "Unsupported Media Type" };
  if (LAMBDA_URI.test(uri)) {
    const out = await invokeFunction(
      tenant,
      uri,
      b.body.length ? b.body.toString("utf8") : "{}",
      i.timeoutInMillis,
      String(r.context.requestId),
    );
    if (!out.ok) return out.result;
    return {
      kind: "response",
      status: 200,
      headers: { "content-type": "application/json" },
      body: Buffer.from(out.payload),
      proxy: false,
      ...(out.error !== undefined ? { errorMessage: out.error } : {}),
    };
  }
  const m = AWS_URI.exec(uri);
  const service = m ? INTEGRATION_SERVICES.find((s) => s.name === m[2]) : undefined;
  if (!m || !service)
    return { kind: "failure", type: "API_CONFIGURATION_ERROR", message: "Internal server error", status: 500 };
  const mapped = mappedParams(i, r);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(mapped.headers)) headers[k.toLowerCase()] = v;
  const target = headers["x-amz-target"];
  const ct = headers["content-type"] ?? "";
  const useJson =
    !!service.targetPrefix && (!!target || ct.includes("amz-json") || !["sqs", "sns"].includes(service.name));
  let action = m[3] === "action" ? m[4].split(/[/?]/)[0] : "";
  const path = m[3] === "path" ? "/" + m[4].replace(/^\/+/, "") : "/";
  const call: AwsCall = {
    ctx: {
      tenant,
      actor: { type: "api_key", keyId: `apigateway:${String(r.context.apiId)}`, role: "developer" },
      region: m[1],
      service: service.name,
      requestId: String(r.context.requestId),
      log: logger.child({ requestId: r.context.requestId }),
      baseUrl: String(r.context.baseUrl ?? ""),
    },
    protocol: useJson ? "json" : "query",
    action,
    path,
  };
  try {
    if (useJson) {
      if (target) action = target.slice(target.indexOf(".") + 1);
      const text = b.body.toString("utf8");
      call.json = text.trim() ? (JSON.parse(text) as Record<string, unknown>) : {};
    } else {
      const params = parseForm("");
      for (const [k, v] of Object.entries(mapped.query)) params.set(k, v);
      if (b.body.length) for (const [k, v] of new URLSearchParams(b.body.toString("utf8"))) params.set(k, v);
      if (action) params.set("Action", action);
      action = params.get("Action") ?? "";
      call.params = params;
    }
    call.action = action;
    const run = service.actions.get(action);
    if (!run)
      throw new AppError("unsupported", `The action ${action} is not valid for this endpoint.`, {
        awsCode: "InvalidAction",
        awsStatus: 400,
      });
    const reply = await withTimeout(run(call), i.timeoutInMillis);
    return {
      kind: "response",
      status: reply.status ?? 200,
      headers: { "content-type": "application/json", ...(reply.headers ?? {}), "x-amzn-RequestId": call.ctx.requestId },
      body: Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body),
      proxy: false,
    };
  } catch (e) {
    if (e instanceof Timeout) return timedOut();
    const err = e instanceof SyntaxError ? new AppError("validation", e.message) : toAppError(e);
    const reply = service.renderError(err, { protocol: call.protocol, action, requestId: call.ctx.requestId });
    return {
      kind: "response",
      status: reply.status ?? 400,
      headers: { ...(reply.headers ?? {}) },
      body: Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body),
      proxy: false,
    };
  }
}

/** MOCK: the request template's `statusCode` picks the integration response; the body is empty. */
function runMock(i: Integration, r: MethodRequest): IntegrationResult {
  const b = integrationBody(i, r);
  if (!b.ok) return { kind: "failure", type: "UNSUPPORTED_MEDIA_TYPE", message: "Unsupported Media Type" };
  let status = 200;
  if (b.templated) {
    try {
      const v = JSON.parse(b.body.toString("utf8")) as { statusCode?: unknown };
      if (v && v.statusCode !== undefined) status = Number(v.statusCode);
    } catch {
      return { kind: "failure", type: "API_CONFIGURATION_ERROR", message: "Internal server error", status: 500 };
    }
  }
  if (!Number.isInteger(status)) status = 200;
  return { kind: "response", status, headers: {}, body: Buffer.alloc(0), proxy: false };
}

export async function runIntegration(
  tenant: GatewayTenant,
  i: Integration,
  r: MethodRequest,
  resourcePath: string,
  binary: boolean,
): Promise<IntegrationResult> {
  // contentHandling on the request: a binary body (one of the API's binaryMediaTypes) becomes base64
  // text with CONVERT_TO_TEXT; a text body is base64-decoded with CONVERT_TO_BINARY.
  if (i.type !== "HTTP_PROXY" && i.type !== "AWS_PROXY") {
    if (i.contentHandling === "CONVERT_TO_TEXT" && binary) r = { ...r, body: Buffer.from(r.body.toString("base64")) };
    else if (i.contentHandling === "CONVERT_TO_BINARY" && !binary)
      r = { ...r, body: Buffer.from(r.body.toString("utf8"), "base64") };
  }
  switch (i.type) {
    case "MOCK":
      return runMock(i, r);
    case "HTTP":
    case "HTTP_PROXY":
      return runHttp(i, r);
    case "AWS_PROXY":
      return runAwsProxy(tenant, i, r, resourcePath, binary);
    case "AWS":
      return runAws(tenant, i, r);
  }
}

export const newRequestId = () => randomUUID();

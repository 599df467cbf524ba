import { pool } from "../../../db";
import { env } from "../../../env";
import { buildApiDestinationRequest, HTTP_METHODS, type HttpMethod } from "../../../core/connections/auth-params";
import type { AllowList } from "../../../core/net/ip-guard";
import { guardedRequest } from "../../../platform/guarded-http";
import { findConnectionByArn } from "../../connections/connection.repository";
import { openAuth } from "../../connections/connection.service";
import { oauthToken } from "../../connections/connection.oauth";
import { recordWorkflowAttempt } from "../../deliveries/workflow-attempts";
import type { RemoteTaskResource, TaskOutcome, TaskRequest } from "./resource";
import { asObject, integrationPattern, parameterFailure } from "./common";

// arn:aws:states:::http:invoke (HTTP Task): ApiEndpoint, Method, Authentication.ConnectionArn (an
// EventBridge connection of the tenant: its API key / Basic / OAuth client-credentials
// authorization and its invocation parameters, merged over the task's as AWS does — the
// connection's values win), Headers, QueryParameters, RequestBody and Transform
// (RequestBodyEncoding NONE | URL_ENCODED with RequestEncodingOptions.ArrayFormat INDICES |
// BRACKETS | REPEAT | COMMAS). The request is built by the connections domain's API-destination
// builder and sent through the guarded HTTP client (address checks, 60 s limit as AWS's HTTP
// Task). Result: { Headers, ResponseBody (parsed when JSON), StatusCode, StatusText }. A non-2xx
// answer fails the task with `States.Http.StatusCode.<code>` and the result as the cause; a request
// that cannot be made or answered fails with `States.Http.Socket`. Runs outside any transaction;
// each request is written to the delivery log (deliveries/workflow-attempts.ts, secrets redacted).

export const HTTP_TASK_TIMEOUT_MS = 60_000;
const MAX_RESPONSE_BYTES = 256 * 1024;
const ARRAY_FORMATS = new Set(["INDICES", "BRACKETS", "REPEAT", "COMMAS"]);

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No Content",
  301: "Moved Permanently",
  302: "Found",
  304: "Not Modified",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

const scalar = (v: unknown) =>
  v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);

/** application/x-www-form-urlencoded, nested keys with brackets, arrays in the chosen format. */
export function urlEncode(value: Record<string, unknown>, arrayFormat = "INDICES"): string {
  const pairs: string[] = [];
  const add = (k: string, v: unknown) => pairs.push(`${encodeURIComponent(k)}=${encodeURIComponent(scalar(v))}`);
  const walk = (prefix: string, v: unknown) => {
    if (Array.isArray(v)) {
      if (arrayFormat === "COMMAS") return add(prefix, v.map(scalar).join(","));
      v.forEach((item, i) => {
        const key = arrayFormat === "INDICES" ? `${prefix}[${i}]` : arrayFormat === "BRACKETS" ? `${prefix}[]` : prefix;
        if (item && typeof item === "object") walk(key, item);
        else add(key, item);
      });
      return;
    }
    if (v && typeof v === "object") {
      for (const [k, inner] of Object.entries(v)) walk(`${prefix}[${k}]`, inner);
      return;
    }
    add(prefix, v);
  };
  for (const [k, v] of Object.entries(value)) walk(k, v);
  return pairs.join("&");
}

/** The request as the delivery log keeps it: no credentials. */
function redact(headers: Record<string, string>, apiKeyName?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    out[k] =
      k === "authorization" || k === "proxy-authorization" || (apiKeyName && k === apiKeyName.toLowerCase())
        ? "(redacted)"
        : v;
  return out;
}

function httpFailure(error: string, cause: string): TaskOutcome {
  return { kind: "failed", error, cause };
}

async function invoke(req: TaskRequest, allowList?: AllowList): Promise<TaskOutcome> {
  const p = asObject(req.input);
  if (!p) return parameterFailure("The Parameters of an http:invoke task must be an object.");
  if (typeof p.ApiEndpoint !== "string")
    return parameterFailure("The field 'ApiEndpoint' is required but was missing or is not a string.");
  const method = typeof p.Method === "string" ? p.Method.toUpperCase() : "";
  if (!(HTTP_METHODS as readonly string[]).includes(method))
    return parameterFailure(`The field 'Method' must be one of ${HTTP_METHODS.join(", ")}.`);
  const connectionArn = asObject(p.Authentication)?.ConnectionArn;
  if (typeof connectionArn !== "string")
    return parameterFailure("The field 'Authentication.ConnectionArn' is required but was missing.");
  const transform = asObject(p.Transform) ?? {};
  const urlEncoded = transform.RequestBodyEncoding === "URL_ENCODED";
  const arrayFormat = String(asObject(transform.RequestEncodingOptions)?.ArrayFormat ?? "INDICES");
  if (!ARRAY_FORMATS.has(arrayFormat))
    return parameterFailure(`The field 'ArrayFormat' must be one of ${[...ARRAY_FORMATS].join(", ")}.`);

  const conn = await findConnectionByArn(pool(), req.tenant.id, connectionArn);
  if (!conn) return httpFailure("States.Runtime", `The connection '${connectionArn}' does not exist or is not yours.`);
  if (conn.state === "DEAUTHORIZED" && conn.authorizationType !== "OAUTH_CLIENT_CREDENTIALS")
    return httpFailure("States.Runtime", `The connection '${connectionArn}' is deauthorized.`);
  const auth = openAuth(conn);

  let url: URL;
  try {
    url = new URL(p.ApiEndpoint.replace(/\*/g, "%2A"));
  } catch {
    return parameterFailure(`The ApiEndpoint '${p.ApiEndpoint}' is not a valid URL.`);
  }
  for (const [k, v] of Object.entries(asObject(p.QueryParameters) ?? {})) {
    if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, scalar(item));
    else url.searchParams.set(k, scalar(v));
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(asObject(p.Headers) ?? {})) headers[k] = scalar(v);
  const hasContentType = Object.keys(headers).some((k) => k.toLowerCase() === "content-type");

  let body = "";
  if (p.RequestBody !== undefined && p.RequestBody !== null) {
    let value = p.RequestBody;
    // The connection's body parameters join the body (the connection's win).
    const extra = auth.InvocationHttpParameters?.BodyParameters ?? [];
    if (extra.length && asObject(value)) {
      value = { ...(value as object) };
      for (const b of extra) (value as Record<string, unknown>)[b.Key] = b.Value ?? "";
    }
    if (typeof value === "string") body = value;
    else if (urlEncoded && asObject(value)) body = urlEncode(value as Record<string, unknown>, arrayFormat);
    else body = JSON.stringify(value);
  }
  const authForBuild = {
    ...auth,
    InvocationHttpParameters: auth.InvocationHttpParameters
      ? { ...auth.InvocationHttpParameters, BodyParameters: [] }
      : undefined,
  };

  for (let refreshed = false; ; refreshed = true) {
    let token: string | null = null;
    if (conn.authorizationType === "OAUTH_CLIENT_CREDENTIALS") {
      const t = await oauthToken(conn, auth, { force: refreshed, allowList });
      if (!t.ok)
        return httpFailure("States.Http.Socket", `The connection's OAuth token could not be fetched: ${t.error}`);
      token = t.token;
    }
    const built = buildApiDestinationRequest({
      endpoint: url.toString(),
      method: method as HttpMethod,
      payload: body,
      target: { HeaderParameters: headers },
      event: "null",
      auth: authForBuild,
      authType: conn.authorizationType,
      oauthToken: token,
    });
    if (!built.ok) return parameterFailure(built.error);
    const h = built.request.headers;
    delete h.range;
    // The builder reads values starting with "$" as JSON paths into an event: a task's header is literal.
    const fromConnection = new Set(
      (auth.InvocationHttpParameters?.HeaderParameters ?? []).map((x) => x.Key.toLowerCase()),
    );
    for (const [k, v] of Object.entries(headers))
      if (v.startsWith("$") && !fromConnection.has(k.toLowerCase())) h[k.toLowerCase()] = v;
    h["user-agent"] = `Amazon|StepFunctions|HttpInvoke|${env().SIGNALBOX_REGION}`;
    if (!hasContentType)
      h["content-type"] = urlEncoded ? "application/x-www-form-urlencoded" : "application/json; charset=UTF-8";
    const startedAt = new Date();
    const res = await guardedRequest({
      url: built.request.url,
      method: built.request.method,
      headers: h,
      body: built.request.body === "" ? undefined : built.request.body,
      totalTimeoutMs: HTTP_TASK_TIMEOUT_MS,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      allowList,
    });
    const text = res.ok ? res.body.toString("utf8") : "";
    await recordWorkflowAttempt({
      tenantId: req.tenant.id,
      stateMachineArn: req.stateMachineArn,
      executionArn: req.executionArn,
      targetKind: "http",
      targetArn: built.request.url,
      requestBody: built.request.body ?? "",
      requestHeaders: redact(h, auth.ApiKeyAuthParameters?.ApiKeyName),
      outcome: res.ok && res.status >= 200 && res.status < 300 ? "succeeded" : "failed",
      startedAt,
      durationMs: res.durationMs,
      responseStatus: res.ok ? res.status : null,
      responseHeaders: res.ok ? res.headers : null,
      responseBody: res.ok ? text : null,
      error: res.ok
        ? res.status >= 300 || res.status < 200
          ? `HTTP ${res.status}`
          : null
        : `${res.kind}: ${res.error}`,
    });
    if (!res.ok) return httpFailure("States.Http.Socket", `${res.kind}: ${res.error}`);
    if ((res.status === 401 || res.status === 407) && token && !refreshed) continue; // a new token, once
    let responseBody: unknown = text;
    if (/json/i.test(res.headers["content-type"] ?? "") || /^\s*[[{]/.test(text)) {
      try {
        responseBody = JSON.parse(text);
      } catch {
        responseBody = text;
      }
    }
    const responseHeaders: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(res.headers)) responseHeaders[k] = [v];
    const output = {
      Headers: responseHeaders,
      ResponseBody: responseBody,
      StatusCode: res.status,
      StatusText: STATUS_TEXT[res.status] ?? "",
    };
    if (res.status < 200 || res.status >= 300)
      return httpFailure(`States.Http.StatusCode.${res.status}`, JSON.stringify(output));
    return req.pattern === "waitForTaskToken" ? { kind: "pending", submitted: output } : { kind: "succeeded", output };
  }
}

export const httpInvoke: RemoteTaskResource = {
  mode: "remote",
  resourceType: "http",
  patterns: ["requestResponse"],
  matches: (resource) => integrationPattern(resource, "http", "invoke") !== null,
  run: (req) => invoke(req),
};

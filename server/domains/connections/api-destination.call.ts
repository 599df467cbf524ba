import { pool } from "../../db";
import {
  buildApiDestinationRequest,
  classifyApiDestinationStatus,
  type HttpMethod,
  type TargetHttpParameters,
} from "../../core/connections/auth-params";
import type { AllowList } from "../../core/net/ip-guard";
import { guardedRequest } from "../../platform/guarded-http";
import { findApiDestinationByArn, findConnectionById } from "./connection.repository";
import { openAuth } from "./connection.service";
import { oauthToken } from "./connection.oauth";

// One invocation of an API destination (the `api-destination` target kind calls this): the
// connection's authorization and parameters applied, sent through the guarded client within
// AWS's 5-second limit, the answer classified as AWS documents. An OAuth connection whose token is
// refused (401/407) fetches a new token and tries once more at once.

export const API_DESTINATION_TIMEOUT_MS = 5_000;
const MAX_RESPONSE_LOGGED = 4 * 1024;

export type ApiDestinationOutcome = {
  result: "success" | "retryable" | "permanent";
  error: string | null;
  statusCode: number | null;
  request?: { url: string; method: string; headers: Record<string, string>; body?: string };
  response?: { headers: Record<string, string>; body: string };
  durationMs: number;
};

const SECRET_HEADERS = new Set(["authorization", "proxy-authorization"]);

/** The request as the attempt log keeps it: no credentials. */
function redact(headers: Record<string, string>, apiKeyName?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    out[k] = SECRET_HEADERS.has(k) || (apiKeyName && k === apiKeyName.toLowerCase()) ? "(redacted)" : v;
  return out;
}

export async function invokeApiDestination(input: {
  tenantId: string;
  apiDestinationArn: string;
  payload: string;
  httpParameters?: TargetHttpParameters;
  /** The event JSON-path parameters read, when the payload is a transformation of it. */
  event?: string | null;
  allowList?: AllowList;
}): Promise<ApiDestinationOutcome> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const dest = await findApiDestinationByArn(pool(), input.apiDestinationArn);
  if (!dest || dest.tenantId !== input.tenantId)
    return { result: "permanent", error: "The API destination does not exist", statusCode: null, durationMs: ms() };
  const conn = await findConnectionById(pool(), dest.tenantId, dest.connectionId);
  if (!conn) return { result: "permanent", error: "The connection does not exist", statusCode: null, durationMs: ms() };
  if (conn.state === "DEAUTHORIZED" && conn.authorizationType !== "OAUTH_CLIENT_CREDENTIALS")
    return { result: "permanent", error: "The connection is deauthorized", statusCode: null, durationMs: ms() };
  const auth = openAuth(conn);

  for (let refreshed = false; ; refreshed = true) {
    let token: string | null = null;
    if (conn.authorizationType === "OAUTH_CLIENT_CREDENTIALS") {
      if (conn.state === "DEAUTHORIZED" && conn.stateReason?.startsWith("Deauthorized by"))
        return { result: "permanent", error: "The connection is deauthorized", statusCode: null, durationMs: ms() };
      const t = await oauthToken(conn, auth, { force: refreshed, allowList: input.allowList });
      if (!t.ok)
        return { result: t.permanent ? "permanent" : "retryable", error: t.error, statusCode: null, durationMs: ms() };
      token = t.token;
    }
    const built = buildApiDestinationRequest({
      endpoint: dest.endpoint,
      method: dest.httpMethod as HttpMethod,
      payload: input.payload,
      target: input.httpParameters,
      event: input.event ?? undefined,
      auth,
      authType: conn.authorizationType,
      oauthToken: token,
    });
    if (!built.ok) return { result: "permanent", error: built.error, statusCode: null, durationMs: ms() };
    const req = built.request;
    const logged = {
      url: req.url,
      method: req.method,
      headers: redact(req.headers, auth.ApiKeyAuthParameters?.ApiKeyName),
      body: req.body,
    };
    const res = await guardedRequest({
      url: req.url,
      method: req.method,
      headers: req.headers,
      body: req.body,
      totalTimeoutMs: API_DESTINATION_TIMEOUT_MS,
      maxResponseBytes: MAX_RESPONSE_LOGGED,
      allowList: input.allowList,
    });
    if (!res.ok)
      return {
        result: res.kind === "blocked" || res.kind === "bad_url" ? "permanent" : "retryable",
        error: `${res.kind}: ${res.error}`,
        statusCode: null,
        request: logged,
        durationMs: ms(),
      };
    if ((res.status === 401 || res.status === 407) && token && !refreshed) continue; // new token, once
    const result = classifyApiDestinationStatus(res.status);
    return {
      result,
      error: result === "success" ? null : `HTTP ${res.status}`,
      statusCode: res.status,
      request: logged,
      response: { headers: res.headers, body: res.body.toString("utf8") },
      durationMs: ms(),
    };
  }
}

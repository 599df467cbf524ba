import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, toAppError } from "../../core/errors";
import { logger } from "../../logger";
import { authenticate } from "../authenticate";
import { doorGate, throttleCaller } from "../throttle";
import { clientGone, publicBaseUrl, readBody, requestId, send } from "../request";
import { decodeUtf8, isWireError, parseForm } from "../wire";
import { AWS_SERVICES } from "./services";
import { restJsonMatcher, type RestJsonMatch } from "./rest-json";
import type { AwsCall, AwsProtocol, AwsReply, AwsService } from "./types";

// The AWS endpoint (/api/aws). SDKs take it as `endpoint`. One pipeline for every service:
// size limit → strict decoding (UTF-8, no repeated parameters) → pick the service (X-Amz-Target,
// credential scope, a REST JSON route, or the action) → authenticate → throttle → the service's action from its
// table, behind the fair gate → reply, or the error in that service's shape.

export const AWS_PREFIX = "/api/aws";

const byTarget = new Map(AWS_SERVICES.filter((s) => s.targetPrefix).map((s) => [s.targetPrefix!, s]));
const byName = new Map(AWS_SERVICES.map((s) => [s.name, s]));
const matchRestJson = restJsonMatcher(AWS_SERVICES);
// Errors from requests we cannot attribute to a service are shown as SQS shows them.
const fallback = byName.get("sqs")!;

/** The credential scope's service, read without verifying (only to choose whose error shape to use). */
function scopeService(req: IncomingMessage, query: string): string | null {
  const authz = req.headers.authorization;
  const m =
    (typeof authz === "string" && /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authz)) ||
    /(?:^|&)X-Amz-Credential=[^&/%]+(?:\/|%2F)\d{8}(?:\/|%2F)[^&/%]+(?:\/|%2F)([^&/%]+)(?:\/|%2F)aws4_request/i.exec(
      query,
    );
  return m ? m[1] : null;
}

function pickService(
  target: string | undefined,
  params: URLSearchParams | undefined,
  scope: string | null,
  path: string,
): AwsService | undefined {
  if (target) return byTarget.get(target.slice(0, target.indexOf(".")));
  if (scope && byName.has(scope)) return byName.get(scope);
  const action = params?.get("Action") ?? "";
  // Bearer-authenticated query calls have no credential scope: find the service by its actions,
  // preferring SQS for queue-URL paths and for calls that name a queue (AddPermission exists in both).
  if (/^\/\d{12}\//.test(path) || params?.has("QueueUrl") || params?.has("QueueName")) return byName.get("sqs");
  return AWS_SERVICES.find((s) => s.actions.has(action));
}

function write(res: ServerResponse, reply: AwsReply, rid: string) {
  send(res, reply.status ?? 200, { "x-amzn-requestid": rid, ...(reply.headers ?? {}) }, reply.body);
}

function invalidAction(action: string): AppError {
  return new AppError("unsupported", `The action ${action} is not valid for this endpoint.`, {
    awsCode: "InvalidAction",
    awsStatus: 400,
  });
}

export async function handleAws(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rid = requestId(req);
  const startedAt = performance.now();
  const url = req.url ?? "/";
  const qi = url.indexOf("?");
  const rawQuery = qi < 0 ? "" : url.slice(qi + 1);
  const path = (qi < 0 ? url : url.slice(0, qi)).slice(AWS_PREFIX.length) || "/";
  const target = req.headers["x-amz-target"] as string | undefined;
  const scope = scopeService(req, rawQuery);
  let rest: RestJsonMatch | undefined;
  let protocol: AwsProtocol = target ? "json" : "query";
  let service: AwsService | undefined = pickService(target, undefined, scope, path);
  let action = target ? target.slice(target.indexOf(".") + 1) : "";
  let log = logger.child({ requestId: rid });
  const signal = clientGone(res);
  try {
    if (!target) {
      rest = matchRestJson(req.method ?? "GET", path, scope);
      if (rest) {
        protocol = "rest-json";
        service = rest.service;
        action = rest.action;
      }
    }
    const body = await readBody(req);

    let json: Record<string, unknown> | undefined;
    let params: URLSearchParams | undefined;
    let decodeError: unknown;
    try {
      if (rest) {
        // REST JSON lists travel as repeated query parameters (UntagResource's TagKeys=a&TagKeys=b).
        params = parseForm(rawQuery, undefined, { repeated: true });
        if (body.length && !rest.service.rawBodyActions?.has(action)) {
          const text = decodeUtf8(body);
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            throw new AppError("validation", "The request body is not valid JSON.", {
              awsCode: "SerializationException",
            });
          }
          if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
            throw new AppError("validation", "The request body must be a JSON object.", {
              awsCode: "SerializationException",
            });
          json = parsed as Record<string, unknown>;
        }
      } else if (protocol === "json") {
        const text = decodeUtf8(body);
        try {
          json = text.length ? (JSON.parse(text) as Record<string, unknown>) : {};
        } catch {
          throw new AppError("validation", "The request body is not valid JSON.", {
            awsCode: "SerializationException",
          });
        }
        if (typeof json !== "object" || json === null || Array.isArray(json))
          throw new AppError("validation", "The request body must be a JSON object.", {
            awsCode: "SerializationException",
          });
      } else {
        params = parseForm(rawQuery);
        const ct = String(req.headers["content-type"] ?? "");
        if (body.length && (ct === "" || ct.includes("x-www-form-urlencoded"))) parseForm(decodeUtf8(body), params);
        action = params.get("Action") ?? "";
      }
    } catch (e) {
      decodeError = e;
    }
    if (!rest) service = pickService(target, params, scope, path) ?? (decodeError ? service : undefined);
    if (decodeError) {
      if (isWireError(decodeError) && decodeError.reason === "encoding" && (service ?? fallback).encodingErrorCode)
        throw new AppError("validation", decodeError.message, {
          awsCode: (service ?? fallback).encodingErrorCode,
          awsStatus: 400,
        });
      throw decodeError;
    }

    const auth = await authenticate(req, body);
    log = log.child({ tenantId: auth.tenant.id, actor: auth.actor.keyId });
    await throttleCaller(auth);

    if (!service) {
      if (target)
        throw new AppError("unsupported", `Unknown operation ${target}.`, { awsCode: "UnknownOperationException" });
      if (!action) throw new AppError("validation", "Missing Action.", { awsCode: "MissingAction" });
      throw invalidAction(action);
    }
    if (!action) throw new AppError("validation", "Missing Action.", { awsCode: "MissingAction" });
    const run = service.actions.get(action);
    if (!run) throw invalidAction(action);

    const call: AwsCall = {
      ctx: { ...auth, requestId: rid, log, baseUrl: publicBaseUrl(req), signal },
      protocol,
      action,
      json,
      params,
      path,
      ...(rest ? { pathParams: rest.pathParams, query: params, headers: req.headers, rawBody: body } : {}),
    };
    const reply = service.waiting?.has(action)
      ? await run(call)
      : await doorGate().run(auth.tenant.id, () => run(call));
    write(res, reply, rid);
    // Access log: debug level, because at thousands of requests a second it is the hot path.
    log.debug(
      { service: service.name, action, status: reply.status ?? 200, ms: Math.round(performance.now() - startedAt) },
      "aws request",
    );
  } catch (e) {
    const err = toAppError(e);
    if (err.code === "internal") log.error({ err: e, action }, "aws request failed");
    else if (err.code === "unavailable") log.warn({ err: e, action }, "aws request: database unavailable");
    else log.debug({ code: err.awsCode ?? err.code, action }, "aws request refused");
    const reply = (service ?? fallback).renderError(err, { protocol, action, requestId: rid });
    if (err.retryAfterSeconds)
      reply.headers = { ...(reply.headers ?? {}), "retry-after": String(err.retryAfterSeconds) };
    if (!res.headersSent) write(res, reply, rid);
    else res.destroy();
  }
}

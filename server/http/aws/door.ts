import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, isAppError } from "../../core/errors";
import { logger } from "../../logger";
import { authenticate } from "../authenticate";
import { throttleTenant } from "../throttle";
import { clientGone, publicBaseUrl, readBody, requestId, send } from "../request";
import { queryErrorReply } from "./codec";
import { AWS_SERVICES } from "./services";
import type { AwsCall, AwsProtocol, AwsReply, AwsService } from "./types";

// The AWS endpoint (/api/aws). SDKs take it as `endpoint`. It works out the protocol (JSON with
// X-Amz-Target, or the query protocol's form body), authenticates the signature against the
// tenant's keys, picks the service and lets that service answer in its own wire shapes.

export const AWS_PREFIX = "/api/aws";

const byTarget = new Map(AWS_SERVICES.filter((s) => s.targetPrefix).map((s) => [s.targetPrefix!, s]));
const byName = new Map(AWS_SERVICES.map((s) => [s.name, s]));

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
  if ((/^\/\d{12}\//.test(path) || params?.has("QueueUrl") || params?.has("QueueName")) && byName.has("sqs"))
    return byName.get("sqs");
  return AWS_SERVICES.find((s) => s.queryActions?.has(action));
}

function write(res: ServerResponse, reply: AwsReply, rid: string) {
  send(res, reply.status ?? 200, { "x-amzn-requestid": rid, ...(reply.headers ?? {}) }, reply.body);
}

export async function handleAws(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rid = requestId(req);
  const startedAt = performance.now();
  const url = req.url ?? "/";
  const qi = url.indexOf("?");
  const path = (qi < 0 ? url : url.slice(0, qi)).slice(AWS_PREFIX.length) || "/";
  const target = req.headers["x-amz-target"] as string | undefined;
  const protocol: AwsProtocol = target ? "json" : "query";
  let service: AwsService | undefined;
  let action = "";
  let log = logger.child({ requestId: rid });
  const signal = clientGone(res);
  try {
    const body = await readBody(req);
    const auth = await authenticate(req, body);
    log = log.child({ tenantId: auth.tenant.id, actor: auth.actor.keyId });
    throttleTenant(auth.tenant.id);

    let json: Record<string, unknown> | undefined;
    let params: URLSearchParams | undefined;
    if (protocol === "json") {
      action = target!.slice(target!.indexOf(".") + 1);
      try {
        json = body.length ? (JSON.parse(body.toString("utf8")) as Record<string, unknown>) : {};
      } catch {
        throw new AppError("validation", "The request body is not valid JSON.", { awsCode: "SerializationException" });
      }
      if (typeof json !== "object" || json === null || Array.isArray(json))
        throw new AppError("validation", "The request body must be a JSON object.", {
          awsCode: "SerializationException",
        });
    } else {
      params = new URLSearchParams(qi < 0 ? "" : url.slice(qi + 1));
      const ct = String(req.headers["content-type"] ?? "");
      if (body.length && (ct === "" || ct.includes("x-www-form-urlencoded"))) {
        for (const [k, v] of new URLSearchParams(body.toString("utf8"))) params.set(k, v);
      }
      action = params.get("Action") ?? "";
    }
    service = pickService(target, params, auth.service, path);
    if (!service)
      throw new AppError("unsupported", `Unknown service for ${target ?? action ?? "request"}.`, {
        awsCode: "UnknownOperationException",
      });
    if (!action) throw new AppError("validation", "Missing Action.", { awsCode: "MissingAction" });

    const call: AwsCall = {
      ctx: { ...auth, requestId: rid, log, baseUrl: publicBaseUrl(req), signal },
      protocol,
      action,
      json,
      params,
      path,
    };
    const reply = await service.handle(call);
    write(res, reply, rid);
    // Access log: debug level, because at thousands of requests a second it is the hot path.
    log.debug(
      { service: service.name, action, status: reply.status ?? 200, ms: Math.round(performance.now() - startedAt) },
      "aws request",
    );
  } catch (e) {
    const err = isAppError(e)
      ? e
      : new AppError("internal", "We encountered an internal error. Please try again.", { cause: e });
    if (err.code === "internal") log.error({ err: e, action }, "aws request failed");
    else log.debug({ code: err.awsCode ?? err.code, action }, "aws request refused");
    const reply = service
      ? service.renderError(err, { protocol, action, requestId: rid })
      : protocol === "json"
        ? {
            status: err.awsStatus ?? err.mapping.awsStatus,
            headers: {
              "content-type": "application/x-amz-json-1.0",
              "x-amzn-errortype": err.awsCode ?? err.mapping.aws,
            },
            body: JSON.stringify({ __type: err.awsCode ?? err.mapping.aws, message: err.message }),
          }
        : queryErrorReply(err, rid, "http://queue.amazonaws.com/doc/2012-11-05/");
    write(res, reply, rid);
  }
}

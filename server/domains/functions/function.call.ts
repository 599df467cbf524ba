import { randomUUID } from "node:crypto";
import { pool } from "../../db";
import { standardWebhookHeaders } from "../../core/sns/standard-webhooks";
import {
  RESPONSE_PAYLOAD_MAX,
  normalizeFunctionError,
  timeoutError,
  type FunctionErrorPayload,
} from "../../core/lambda/function-rules";
import { guardedRequest } from "../../platform/guarded-http";
import type { AllowList } from "../../core/net/ip-guard";
import { acquireFunctionSlot, releaseFunctionSlot, type FunctionRow } from "./function.repository";
import { openFunctionSecret } from "./function.service";

// One call of a function's service: the event POSTed as the body, signed with Standard Webhooks
// headers (webhook-id = the invocation's request id) plus the Lambda runtime API's context headers,
// inside the function's timeout and concurrency limit. Used by synchronous Invoke and by the
// `function` target kind (async Invoke, rules, schedules).

export type FunctionCall =
  /** 2xx and a JSON body (empty → null): the function's result. */
  | { kind: "result"; payload: string; httpStatus: number; durationMs: number }
  /**
   * The function ran and failed: X-Amz-Function-Error answers, timeouts, non-2xx answers and
   * non-JSON results. `payload` is Lambda's error JSON.
   */
  | {
      kind: "function_error";
      error: FunctionErrorPayload & Record<string, unknown>;
      payload: string;
      httpStatus: number | null;
      durationMs: number;
    }
  /** Every reserved-concurrency slot is busy. */
  | { kind: "throttled" }
  /** Never reached the function: refused address or bad URL (permanent), or DNS/connect/network (transient). */
  | { kind: "unreachable"; permanent: boolean; error: string; durationMs: number };

export type CallOptions = {
  requestId?: string;
  /** Base64 ClientContext from Invoke, passed on as Lambda-Runtime-Client-Context. */
  clientContext?: string;
  now?: Date;
  allowList?: AllowList;
};

export async function callFunction(fn: FunctionRow, payload: string, opts: CallOptions = {}): Promise<FunctionCall> {
  const requestId = opts.requestId ?? randomUUID();
  const leaseId = randomUUID();
  if (fn.reservedConcurrency !== null) {
    const got = await acquireFunctionSlot(pool(), fn, fn.reservedConcurrency, leaseId, fn.timeoutSeconds + 5);
    if (!got) return { kind: "throttled" };
  }
  try {
    return await send(fn, payload, requestId, opts);
  } finally {
    if (fn.reservedConcurrency !== null) await releaseFunctionSlot(pool(), fn.id, leaseId);
  }
}

async function send(fn: FunctionRow, payload: string, requestId: string, opts: CallOptions): Promise<FunctionCall> {
  const now = opts.now ?? new Date();
  const timeoutMs = fn.timeoutSeconds * 1000;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "Signalbox-Lambda/1.0",
    "lambda-runtime-aws-request-id": requestId,
    "lambda-runtime-invoked-function-arn": fn.arn,
    "lambda-runtime-deadline-ms": String(now.getTime() + timeoutMs),
    ...(opts.clientContext ? { "lambda-runtime-client-context": opts.clientContext } : {}),
    ...standardWebhookHeaders([openFunctionSecret(fn)], requestId, Math.floor(now.getTime() / 1000), payload),
  };
  const res = await guardedRequest({
    url: fn.url,
    method: "POST",
    headers,
    body: payload,
    totalTimeoutMs: timeoutMs,
    connectTimeoutMs: Math.min(5_000, timeoutMs),
    maxResponseBytes: RESPONSE_PAYLOAD_MAX + 1,
    allowList: opts.allowList,
  });
  if (!res.ok) {
    if (res.kind === "timeout") {
      const error = timeoutError(requestId, fn.timeoutSeconds);
      return {
        kind: "function_error",
        error,
        payload: JSON.stringify(error),
        httpStatus: null,
        durationMs: res.durationMs,
      };
    }
    return {
      kind: "unreachable",
      permanent: res.kind === "blocked" || res.kind === "bad_url",
      error: `${res.kind}: ${res.error}`,
      durationMs: res.durationMs,
    };
  }
  const body = res.body.toString("utf8");
  const fail = (error: FunctionErrorPayload & Record<string, unknown>): FunctionCall => ({
    kind: "function_error",
    error,
    payload: JSON.stringify(error),
    httpStatus: res.status,
    durationMs: res.durationMs,
  });
  if (res.truncated)
    return fail({
      errorType: "Function.ResponseSizeTooLarge",
      errorMessage: `Response payload size exceeded maximum allowed payload size (${RESPONSE_PAYLOAD_MAX} bytes).`,
    });
  if (res.headers["x-amz-function-error"]) return fail(normalizeFunctionError(body));
  if (res.status < 200 || res.status >= 300)
    return fail({
      errorType: "Function.HttpError",
      errorMessage: `The function's service answered HTTP ${res.status}${body ? `: ${body.slice(0, 512)}` : ""}`,
    });
  if (body.trim() === "")
    return { kind: "result", payload: "null", httpStatus: res.status, durationMs: res.durationMs };
  try {
    JSON.parse(body);
  } catch {
    return fail({
      errorType: "Runtime.InvalidResponse",
      errorMessage: "The function's service answered with a body that is not JSON",
    });
  }
  return { kind: "result", payload: body, httpStatus: res.status, durationMs: res.durationMs };
}

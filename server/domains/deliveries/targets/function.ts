import { pool } from "../../../db";
import { TARGET_ERROR_CODES, backoffSeconds } from "../../../core/events/target-retry";
import { invocationRecord } from "../../../core/lambda/function-rules";
import { enqueue } from "../../../platform/enqueue";
import { callFunction, type FunctionCall } from "../../functions/function.call";
import { findFunctionByArn, type FunctionRow } from "../../functions/function.repository";
import { functionFailureRecordJob } from "../../functions/functions.jobs";
import { countFunctionErrorAttempts } from "./function-attempts.repository";
import {
  MAX_REQUEST_BODY_LOGGED,
  MAX_RESPONSE_BODY_LOGGED,
  truncate,
  type Classified,
  type InvocationInput,
  type RemoteTarget,
} from "./target";

// Functions as invocation targets (rules, schedules, asynchronous Invoke). The payload is POSTed
// to the function's service (function.call.ts: Standard Webhooks signature, timeout, reserved
// concurrency). Classification: a result is a success; a function error, an HTTP error, a timeout,
// a throttle or an unreachable service are retryable; a refused address or a function that no
// longer exists (or belongs to another tenant) are permanent.
//
// Asynchronous Invoke (source_kind `function`) follows Lambda's rules instead of the source's
// RetryPolicy: function errors are retried MaximumRetryAttempts times (the function's setting, 0-2),
// throttles and system errors until the event is MaximumEventAgeInSeconds old; then the
// invocation record goes to the function's on-failure destination (a job, so the record is sent
// once) and the delivery ends failed. The webhook-id (and Lambda request id) is the delivery id,
// the same on every retry, so the service can deduplicate.

function errorText(r: FunctionCall): string {
  switch (r.kind) {
    case "function_error":
      return `Function error: ${r.error.errorType}: ${r.error.errorMessage}`.slice(0, 1024);
    case "throttled":
      return "Throttled: the function's reserved concurrency is in use (TooManyRequestsException)";
    case "unreachable":
      return `Unreachable: ${r.error}`;
    default:
      return "";
  }
}

function recordOf(r: FunctionCall, payload: string): Classified["record"] {
  const base = { requestBody: truncate(payload, MAX_REQUEST_BODY_LOGGED) };
  if (r.kind === "result")
    return {
      ...base,
      responseStatus: r.httpStatus,
      responseBody: truncate(r.payload, MAX_RESPONSE_BODY_LOGGED),
      durationMs: r.durationMs,
    };
  if (r.kind === "function_error")
    return {
      ...base,
      responseStatus: r.httpStatus,
      responseBody: truncate(r.payload, MAX_RESPONSE_BODY_LOGGED),
      durationMs: r.durationMs,
    };
  if (r.kind === "unreachable") return { ...base, durationMs: r.durationMs };
  return base;
}

/** Async Invoke: whether this failed attempt is the last, and which condition ended it. */
async function lambdaFinality(
  input: InvocationInput,
  fn: FunctionRow,
  r: FunctionCall,
): Promise<"RetriesExhausted" | "EventAgeExceeded" | null> {
  if (r.kind === "unreachable" && r.permanent) return "RetriesExhausted";
  if (r.kind === "function_error") {
    const earlier = await countFunctionErrorAttempts(pool(), input.delivery.id);
    if (earlier >= fn.maximumRetryAttempts) return "RetriesExhausted";
  }
  // The engine's next delay is at most this long: stop now if even that would pass the event's age.
  const nextDelay = backoffSeconds(input.delivery.attempts + 1, 1);
  const deadline = input.invocation.eventTime.getTime() + fn.maximumEventAgeSeconds * 1000;
  if (Date.now() + nextDelay * 1000 > deadline) return "EventAgeExceeded";
  return null;
}

export const functionTarget: RemoteTarget = {
  kind: "function",
  mode: "remote",
  protocols: [],
  autoDisable: false,
  async invoke(input) {
    const inv = input.invocation;
    const fn = await findFunctionByArn(pool(), inv.targetArn);
    if (!fn || fn.tenantId !== inv.tenantId)
      return {
        result: "permanent",
        error: `Function not found: ${inv.targetArn}`,
        errorCode: TARGET_ERROR_CODES.noResource,
        statusCode: null,
        record: {},
      };
    const r = await callFunction(fn, inv.payload, { requestId: input.delivery.id });
    if (r.kind === "result")
      return { result: "success", error: null, statusCode: r.httpStatus, record: recordOf(r, inv.payload) };
    const error = errorText(r);
    const record = recordOf(r, inv.payload);
    const statusCode = r.kind === "function_error" ? r.httpStatus : null;
    const errorCode = r.kind === "function_error" ? TARGET_ERROR_CODES.errorFromTarget : TARGET_ERROR_CODES.clientError;
    if (inv.sourceKind !== "function") {
      const permanent = r.kind === "unreachable" && r.permanent;
      return { result: permanent ? "permanent" : "retryable", error, errorCode, statusCode, record };
    }
    const condition = await lambdaFinality(input, fn, r);
    if (!condition) return { result: "retryable", error, errorCode, statusCode, record };
    if (fn.onFailureDestination) {
      let requestPayload: unknown = inv.payload;
      try {
        requestPayload = JSON.parse(inv.payload);
      } catch {
        // kept as text
      }
      await enqueue(functionFailureRecordJob, {
        tenantId: fn.tenantId,
        functionArn: fn.arn,
        destinationArn: fn.onFailureDestination,
        deliveryId: input.delivery.id,
        record: invocationRecord({
          requestId: input.delivery.id,
          functionArn: fn.arn,
          condition,
          approximateInvokeCount: input.delivery.attempts + 1,
          requestPayload,
          statusCode: r.kind === "function_error" ? 200 : null,
          functionError: r.kind === "function_error" ? "Unhandled" : null,
          responsePayload: r.kind === "function_error" ? r.error : undefined,
          timestamp: new Date(),
        }),
      });
    }
    return { result: "permanent", error: `${error} (${condition})`, errorCode, statusCode, record };
  },
};

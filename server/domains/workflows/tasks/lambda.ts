import { createHash } from "node:crypto";
import { isAppError } from "../../../core/errors";
import { callFunction } from "../../functions/function.call";
import { queueAsyncInvocation } from "../../functions/function.async";
import { checkPayload, type InvocationType } from "../../functions/function.invoke";
import { resolveFunctionRef } from "../../functions/function.service";
import { recordWorkflowAttempt } from "../../deliveries/workflow-attempts";
import type { RemoteTaskResource, TaskOutcome, TaskRequest } from "./resource";
import { asObject, httpDate, integrationPattern, parameterFailure, sdkCause, sdkMetadata } from "./common";

// Functions from a Task state, both forms Step Functions has:
//  - arn:aws:states:::lambda:invoke (and .waitForTaskToken): Invoke's parameters (FunctionName,
//    Payload, Qualifier, InvocationType, ClientContext); the result is Invoke's answer
//    { ExecutedVersion, Payload (parsed), SdkHttpMetadata, SdkResponseMetadata, StatusCode };
//  - a bare function ARN (arn:aws:lambda:R:A:function:NAME): the state's input is the event and
//    the function's result is the task's result.
// It runs in the executor's job, outside any transaction: the function's service is called
// directly through the functions domain (function.call.ts: the Standard Webhooks signature,
// timeout, reserved concurrency), not through a deliver job, because a Task needs the answer
// synchronously and Step Functions' own Retry/Catch are the retry policy (the engine's retries
// would be a second, hidden one). The Lambda request id (webhook-id) is derived from the task's
// idempotency key, so a call repeated after a crash carries the same id and the service can
// deduplicate it. Each call is written to the delivery log (deliveries/workflow-attempts.ts).
// Errors as Step Functions reports them: a function error is the function's own errorType with
// its error JSON as the cause (so Retry/Catch match "OrderError"); Lambda's refusals are
// `Lambda.<Exception>` (ResourceNotFoundException, TooManyRequestsException,
// RequestTooLargeException, ...) and a service that cannot be reached is
// `Lambda.ServiceException`, with the Java SDK's cause text.

const FUNCTION_ARN = /^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(?::[\w$-]+)?$/;
const INVOCATION_TYPES = new Set(["RequestResponse", "Event", "DryRun"]);

/** A stable UUID-shaped id from the task's idempotency key. */
function requestIdOf(key: string): string {
  const h = createHash("sha256").update(`lambda:${key}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Lambda's exceptions the Java SDK models as classes; any other code is its AWSLambdaException. */
const MODELED = new Set([
  "ResourceNotFoundException",
  "TooManyRequestsException",
  "RequestTooLargeException",
  "InvalidRequestContentException",
  "InvalidParameterValueException",
  "ResourceNotReadyException",
  "ServiceException",
  "UnsupportedMediaTypeException",
]);

function lambdaFailure(code: string, message: string, status: number, requestId: string): TaskOutcome {
  return {
    kind: "failed",
    error: `Lambda.${MODELED.has(code) ? code : "AWSLambdaException"}`,
    cause: sdkCause(message, "AWSLambda", status, code, requestId),
  };
}

function invokeOutput(requestId: string, status: number, payload: string) {
  let parsed: unknown = payload;
  try {
    parsed = payload === "" ? "" : JSON.parse(payload);
  } catch {
    // kept as text
  }
  const headers = {
    Connection: "keep-alive",
    "Content-Length": String(Buffer.byteLength(payload)),
    "Content-Type": "application/json",
    Date: httpDate(),
    "X-Amz-Executed-Version": "$LATEST",
    "x-amzn-Remapped-Content-Length": "0",
    "x-amzn-RequestId": requestId,
    "X-Amzn-Trace-Id": `root=1-${Math.floor(Date.now() / 1000).toString(16)}-${requestId.replace(/-/g, "").slice(0, 24)};sampled=0`,
  };
  return {
    ExecutedVersion: "$LATEST",
    Payload: parsed,
    ...sdkMetadata(requestId, headers, status),
    StatusCode: status,
  };
}

async function run(req: TaskRequest): Promise<TaskOutcome> {
  const bare = FUNCTION_ARN.test(req.resource);
  let functionRef: string;
  let payloadText: string;
  let invocationType: InvocationType = "RequestResponse";
  let clientContext: string | undefined;
  if (bare) {
    functionRef = req.resource;
    payloadText = JSON.stringify(req.input ?? {});
  } else {
    const p = asObject(req.input);
    if (!p) return parameterFailure("The Parameters of a lambda:invoke task must be an object.");
    if (typeof p.FunctionName !== "string")
      return parameterFailure("The field 'FunctionName' is required but was missing or is not a string.");
    functionRef = typeof p.Qualifier === "string" ? `${p.FunctionName}:${p.Qualifier}` : p.FunctionName;
    // Payload is JSON in the definition: a string is sent as a JSON string, as Step Functions does.
    payloadText = p.Payload === undefined ? "" : JSON.stringify(p.Payload);
    if (p.InvocationType !== undefined) {
      if (typeof p.InvocationType !== "string" || !INVOCATION_TYPES.has(p.InvocationType))
        return lambdaFailure(
          "InvalidParameterValueException",
          `1 validation error detected: Value '${String(p.InvocationType)}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
          400,
          requestIdOf(req.idempotencyKey),
        );
      invocationType = p.InvocationType as InvocationType;
    }
    if (typeof p.ClientContext === "string") clientContext = p.ClientContext;
  }
  const requestId = requestIdOf(req.idempotencyKey);
  let fn;
  let body: string;
  try {
    fn = await resolveFunctionRef(req.tenant, functionRef);
    body = checkPayload(payloadText, invocationType);
  } catch (err) {
    if (!isAppError(err) || err.code === "internal" || err.code === "unavailable") throw err;
    return lambdaFailure(err.awsCode ?? "AWSLambdaException", err.message, err.awsStatus ?? 400, requestId);
  }
  if (invocationType === "DryRun") return done(req, invokeOutput(requestId, 204, ""));
  if (invocationType === "Event") {
    await queueAsyncInvocation(req.tenant, fn, body, requestId);
    return done(req, invokeOutput(requestId, 202, ""));
  }
  const startedAt = new Date();
  const r = await callFunction(fn, body, { requestId, clientContext });
  await recordWorkflowAttempt({
    tenantId: req.tenant.id,
    stateMachineArn: req.stateMachineArn,
    executionArn: req.executionArn,
    targetKind: "function",
    targetArn: fn.arn,
    requestBody: body,
    outcome: r.kind === "result" ? "succeeded" : "failed",
    startedAt,
    durationMs: "durationMs" in r ? r.durationMs : Date.now() - startedAt.getTime(),
    responseStatus: r.kind === "result" || r.kind === "function_error" ? r.httpStatus : null,
    responseBody: r.kind === "result" || r.kind === "function_error" ? r.payload : null,
    error:
      r.kind === "function_error"
        ? `Function error: ${String(r.error.errorType)}`
        : r.kind === "throttled"
          ? "Throttled: the function's reserved concurrency is in use"
          : r.kind === "unreachable"
            ? `Unreachable: ${r.error}`
            : null,
  });
  switch (r.kind) {
    case "result": {
      if (bare) {
        let output: unknown;
        try {
          output = JSON.parse(r.payload);
        } catch {
          output = r.payload;
        }
        return done(req, output);
      }
      return done(req, invokeOutput(requestId, 200, r.payload));
    }
    case "function_error":
      return {
        kind: "failed",
        error: typeof r.error.errorType === "string" && r.error.errorType ? r.error.errorType : "Lambda.Unknown",
        cause: r.payload,
      };
    case "throttled":
      return lambdaFailure("TooManyRequestsException", "Rate Exceeded.", 429, requestId);
    case "unreachable":
      return lambdaFailure(
        "ServiceException",
        `The function's service could not be reached: ${r.error}`,
        r.permanent ? 502 : 500,
        requestId,
      );
  }
}

/**
 * `.waitForTaskToken`: the call was made (its response becomes TaskSubmitted's output); the task
 * completes when its token is sent back.
 */
function done(req: TaskRequest, output: unknown): TaskOutcome {
  return req.pattern === "waitForTaskToken" ? { kind: "pending", submitted: output } : { kind: "succeeded", output };
}

export const lambdaInvoke: RemoteTaskResource = {
  mode: "remote",
  resourceType: "lambda",
  patterns: ["requestResponse", "waitForTaskToken"],
  matches: (resource) => integrationPattern(resource, "lambda", "invoke") !== null || FUNCTION_ARN.test(resource),
  run,
};

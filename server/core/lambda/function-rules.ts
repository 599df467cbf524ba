// Lambda's rules for functions, pure (no I/O): names and FunctionName references, the settings'
// ranges, and the payload shapes Lambda reports (function errors, the async invocation record).

export const FUNCTION_NAME_RE = /^[a-zA-Z0-9_-]{1,64}$/;
// Lambda's own pattern for FunctionName on Invoke/GetFunction (name, partial ARN or ARN, optional qualifier).
export const FUNCTION_REF_PATTERN =
  "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";
const FUNCTION_REF_RE = new RegExp(`^${FUNCTION_REF_PATTERN}$`);

export const TIMEOUT_MIN = 1;
export const TIMEOUT_MAX = 900;
export const TIMEOUT_DEFAULT = 3;
export const MAX_RETRY_ATTEMPTS_MAX = 2;
export const MAX_EVENT_AGE_MIN = 60;
export const MAX_EVENT_AGE_MAX = 21_600;
/** Lambda's payload limits: 6 MB each way for RequestResponse, 1 MB for Event (since 2025). */
export const SYNC_PAYLOAD_MAX = 6 * 1024 * 1024;
export const ASYNC_PAYLOAD_MAX = 1024 * 1024;
export const RESPONSE_PAYLOAD_MAX = 6 * 1024 * 1024;
export const MAX_DESCRIPTION = 256;

export type FunctionRef = {
  name: string;
  /** The account named by an ARN or partial ARN (null: the caller's). */
  accountId: string | null;
  region: string | null;
  qualifier: string | null;
};

/** Parses a FunctionName as Lambda accepts it: `name`, `name:qualifier`, `123456789012:function:name`, or the full ARN. */
export function parseFunctionRef(ref: string): FunctionRef | null {
  if (ref.length < 1 || ref.length > 170 || !FUNCTION_REF_RE.test(ref)) return null;
  const arn =
    /^arn:aws[a-zA-Z-]*:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):function:([a-zA-Z0-9_.-]+)(?::(.+))?$/.exec(ref);
  if (arn) return { region: arn[1]!, accountId: arn[2]!, name: arn[3]!, qualifier: arn[4] ?? null };
  if (ref.startsWith("arn:")) return null;
  const partial = /^(\d{12}):function:([a-zA-Z0-9_.-]+)(?::(.+))?$/.exec(ref);
  if (partial) return { region: null, accountId: partial[1]!, name: partial[2]!, qualifier: partial[3] ?? null };
  const plain = /^([a-zA-Z0-9_.-]+)(?::(.+))?$/.exec(ref);
  if (plain) return { region: null, accountId: null, name: plain[1]!, qualifier: plain[2] ?? null };
  return null;
}

export function functionArn(region: string, accountId: string, name: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
}

/** Lambda's ValidationException text for one field ("1 validation error detected: ..."). */
export function validationMessage(value: string, field: string, constraint: string): string {
  return `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`;
}

/** Lambda's LastModified format: 2026-12-02T01:02:03.456+0000. */
export function lambdaTimestamp(d: Date): string {
  return d.toISOString().replace("Z", "+0000");
}

/** A function error as Lambda's runtimes report it (the Invoke payload with X-Amz-Function-Error). */
export type FunctionErrorPayload = { errorType: string; errorMessage: string; stackTrace?: string[] };

export function timeoutError(requestId: string, timeoutSeconds: number): FunctionErrorPayload {
  return {
    errorType: "Sandbox.Timedout",
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
  };
}

/**
 * Reads a function's error answer: `{errorType, errorMessage}` (other fields such as stackTrace kept);
 * anything else is reported as Lambda reports a malformed error.
 */
export function normalizeFunctionError(body: string): FunctionErrorPayload & Record<string, unknown> {
  try {
    const v = JSON.parse(body) as unknown;
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      return {
        ...o,
        errorType: typeof o.errorType === "string" ? o.errorType : "Unhandled",
        errorMessage: typeof o.errorMessage === "string" ? o.errorMessage : JSON.stringify(v),
      };
    }
  } catch {
    // fall through
  }
  return { errorType: "Unhandled", errorMessage: body.slice(0, 4096) };
}

/** The record Lambda sends to an on-failure destination (docs: "Invocation record content"). */
export function invocationRecord(input: {
  requestId: string;
  functionArn: string;
  condition: "RetriesExhausted" | "EventAgeExceeded" | "RetriesExhausted";
  approximateInvokeCount: number;
  requestPayload: unknown;
  statusCode: number | null;
  functionError: string | null;
  responsePayload: unknown;
  timestamp: Date;
}): Record<string, unknown> {
  const responseContext: Record<string, unknown> = {
    statusCode: input.statusCode ?? 200,
    executedVersion: "$LATEST",
  };
  if (input.functionError) responseContext.functionError = input.functionError;
  return {
    version: "1.0",
    timestamp: input.timestamp.toISOString(),
    requestContext: {
      requestId: input.requestId,
      functionArn: `${input.functionArn}:$LATEST`,
      condition: input.condition,
      approximateInvokeCount: input.approximateInvokeCount,
    },
    requestPayload: input.requestPayload,
    responseContext,
    responsePayload: input.responsePayload,
  };
}

import { randomUUID } from "node:crypto";
import { isAppError } from "../../../core/errors";
import type { Actor } from "../../../auth/permissions";
import type { Queryable } from "../../../db";
import { underSavepoint as savepoint } from "../../deliveries/delivery.repository";
import type { TaskOutcome, TaskPattern } from "./resource";

// What every integration shares: recognising its Resource (any partition, region and account may
// be empty as in `arn:aws:states:::sqs:sendMessage`), the pattern suffix, the SDK response metadata
// Step Functions adds to optimized integrations' results, and errors named as Step Functions names
// a service's exceptions (`SQS.AmazonSQSException`, `SNS.NotFoundException`, ...) with the Java
// SDK's cause text: "<message> (Service: AmazonSQS; Status Code: 400; Error Code: ...; Request ID:
// ...; Proxy: null)".

/** The actor a workflow's integrations act as (the execution role): may send, publish and invoke. */
export const WORKFLOW_ACTOR: Actor = { type: "system", label: "workflows", role: "developer" };

/** The service principal the integrations present to another tenant's resource policy. */
export const STATES_SERVICE = "states.amazonaws.com";

const SUFFIX: Record<string, TaskPattern> = {
  "": "requestResponse",
  ".sync": "sync",
  ".sync:2": "sync2",
  ".waitForTaskToken": "waitForTaskToken",
};

/** `arn:aws:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken]` → its pattern, or null. */
export function integrationPattern(resource: string, service: string, action: string): TaskPattern | null {
  const m = /^arn:aws[\w-]*:states:[\w-]*:\d{0,12}:([\w-]+):([\w]+)((?:\.sync(?::2)?)|\.waitForTaskToken)?$/.exec(
    resource,
  );
  if (!m || m[1] !== service || m[2] !== action) return null;
  return SUFFIX[m[3] ?? ""] ?? null;
}

/** A JSON object (the task's Parameters), else null. */
export function asObject(input: unknown): Record<string, unknown> | null {
  return input && typeof input === "object" && !Array.isArray(input) ? (input as Record<string, unknown>) : null;
}

/** Service integrations send an object as its JSON text (MessageBody, Message, Detail). */
export function asText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

export function httpDate(d = new Date()): string {
  return d.toUTCString();
}

/** `SdkHttpMetadata` and `SdkResponseMetadata`, as the Java SDK reports them in a task's result. */
export function sdkMetadata(
  requestId: string,
  headers: Record<string, string>,
  status = 200,
): { SdkHttpMetadata: Record<string, unknown>; SdkResponseMetadata: { RequestId: string } } {
  const all: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers)) all[k] = [v];
  return {
    SdkHttpMetadata: { AllHttpHeaders: all, HttpHeaders: headers, HttpStatusCode: status },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

/** The Java SDK's exception text: `<message> (Service: X; Status Code: N; Error Code: C; Request ID: R; Proxy: null)`. */
export function sdkCause(
  message: string,
  service: string,
  status: number,
  code: string,
  requestId: string = randomUUID(),
) {
  return `${message} (Service: ${service}; Status Code: ${status}; Error Code: ${code}; Request ID: ${requestId}; Proxy: null)`;
}

export type ServiceErrorNaming = {
  /** Error prefix: "SQS", "SNS", "EventBridge", "Lambda". */
  prefix: string;
  /** The SDK's service name in the cause: "AmazonSQS", "AmazonSNS", "AWSLambda". */
  service: string;
  /** The exception class for an error code (modeled exceptions), else null (the service's generic exception). */
  exception(code: string): string | null;
  /** The generic exception: "AmazonSQSException". */
  generic: string;
  /** The error code as the wire names it in the cause (SQS's query codes). */
  wireCode?(code: string): string;
  status?(code: string, fallback: number): number;
};

/** An AppError from another domain → a failed task named as Step Functions names the service's exception. */
export function serviceFailure(err: unknown, naming: ServiceErrorNaming): TaskOutcome {
  if (!isAppError(err)) throw err;
  if (err.code === "internal" || err.code === "unavailable") throw err;
  const code = err.awsCode ?? "ValidationException";
  const exception = naming.exception(code) ?? naming.generic;
  const status = naming.status?.(code, err.awsStatus ?? 400) ?? err.awsStatus ?? 400;
  return {
    kind: "failed",
    error: `${naming.prefix}.${exception}`,
    cause: sdkCause(err.message, naming.service, status, naming.wireCode?.(code) ?? code),
  };
}

/** A parameter the integration needs is missing or has the wrong type: as Step Functions reports it at run time. */
export function parameterFailure(message: string): TaskOutcome {
  return { kind: "failed", error: "States.Runtime", cause: message };
}

/**
 * Runs `fn` under a savepoint of the executor's transaction: a refusal (a failed task) undoes
 * whatever the integration had written, and the executor still commits its own records.
 */
export async function underSavepoint<T>(tx: Queryable, fn: () => Promise<T>): Promise<T> {
  let result: T | undefined;
  const err = await savepoint(tx, "workflow_task", async () => {
    result = await fn();
  });
  if (err) throw err;
  return result as T;
}

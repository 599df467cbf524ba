import type { Queryable } from "../../../db";

// A Task state's resource ("integration"): what `Resource` names (arn:aws:states:::sqs:sendMessage,
// arn:aws:states:::lambda:invoke.waitForTaskToken, an activity ARN, a bare function ARN, ...). The
// executor owns everything shared: the TaskScheduled/TaskStarted/TaskSucceeded/TaskFailed history,
// Retry/Catch, TimeoutSeconds/HeartbeatSeconds, task tokens and the idempotency key; a resource only
// does its call and says how it went, in AWS's request/response shapes for that integration.
// Register a resource in tasks/registry.ts.

/** The integration pattern, from the resource's suffix (none, `.sync` / `.sync:2`, `.waitForTaskToken`). */
export type TaskPattern = "requestResponse" | "sync" | "sync2" | "waitForTaskToken";

export type TaskRequest = {
  tenant: { id: string; accountId: string };
  executionId: string;
  executionArn: string;
  stateMachineArn: string;
  stateName: string;
  /** The Resource as written in the definition (with its suffix). */
  resource: string;
  pattern: TaskPattern;
  /** The task's parameters: Parameters / Arguments after evaluation (`$$.Task.Token` already in them). */
  input: unknown;
  /** Set for `.waitForTaskToken` and activities: the token SendTaskSuccess/Failure/Heartbeat name. */
  taskToken: string | null;
  /**
   * Unique per scheduling of this task (execution id + the TaskScheduled event id): a resource that
   * sends something uses it so a repeated start after a crash sends nothing twice (an SQS
   * deduplication id, an invocation dedupe key, a child execution name).
   */
  idempotencyKey: string;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  /** Task `Credentials` (RoleArn), as given. */
  credentials?: unknown;
};

export type TaskOutcome =
  | { kind: "succeeded"; output: unknown }
  | { kind: "failed"; error: string; cause: string }
  /** Completes later: a task token (SendTaskSuccess/Failure), an activity worker, a child execution. */
  | { kind: "pending"; submitted?: unknown };

type Common = {
  /** History's TaskScheduled/TaskSucceeded `resourceType` (e.g. "sqs", "lambda", "activity"). */
  resourceType: string;
  /** Whether this resource serves `resource` (with any pattern it supports). */
  matches(resource: string): boolean;
  /** The patterns it supports; the executor refuses others as AWS does (States.Runtime at run time, validation at create). */
  patterns: readonly TaskPattern[];
};

/** Runs inside the executor's transaction: what it writes commits with the TaskScheduled record, exactly once. */
export type LocalTaskResource = Common & {
  mode: "local";
  start(tx: Queryable, req: TaskRequest): Promise<TaskOutcome>;
};

/** Runs outside any transaction (a job the executor enqueues): an HTTP call, a function. */
export type RemoteTaskResource = Common & {
  mode: "remote";
  run(req: TaskRequest): Promise<TaskOutcome>;
};

export type TaskResource = LocalTaskResource | RemoteTaskResource;

/** History names: TaskScheduled's `resource` is the part after `resourceType:` (e.g. "sendMessage.waitForTaskToken"). */
export function splitResource(resource: string): { resourceType: string; resource: string } {
  const m = /^arn:[^:]+:states:[^:]*:[^:]*:([^:]+):(.+)$/.exec(resource);
  if (m) return { resourceType: m[1]!, resource: m[2]! };
  const parts = resource.split(":");
  return { resourceType: parts[2] ?? "unknown", resource: resource };
}

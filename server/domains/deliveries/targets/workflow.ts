import { createHash } from "node:crypto";
import { isAppError } from "../../../core/errors";
import type { Queryable } from "../../../db";
import { tenantAccountId } from "../../queues/queue.repository";
import { startExecutionInTx } from "../../workflows/start";
import { underSavepoint } from "../delivery.repository";
import {
  MAX_REQUEST_BODY_LOGGED,
  classifyError,
  truncate,
  type Classified,
  type InvocationInput,
  type LocalTarget,
} from "./target";

// State machines in this database as invocation targets (an EventBridge rule's or a Scheduler
// schedule's target with a state machine, version or alias ARN): each invocation starts one
// execution with the payload as its input, inside the engine's (or the source's) transaction
// through the workflows domain's low start path (workflows/start.ts, which imports neither the
// executor nor this registry), one savepoint per invocation so a refusal (no such state machine,
// input that is not JSON) undoes only its own start.
//
// Exactly once: the execution's name is derived from the invocation's dedupe key (a UUID-shaped
// hash, a valid execution name), so a redelivery, a retried fire or a replayed source starting the
// same invocation again finds the execution it already started (StartExecution's idempotency on
// the name) instead of starting a second one. The target's RoleArn is stored with the invocation
// (params.roleArn) as AWS requires it; Signalbox has no IAM roles to assume, so it is not used.

/** The execution name for an invocation: deterministic per (tenant, dedupe key). */
export function executionNameFor(tenantId: string, key: string): string {
  const h = createHash("sha256").update(`${tenantId}\u0000${key}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

async function accountOf(tx: Queryable, tenantId: string, cache: Map<string, string>): Promise<string> {
  const hit = cache.get(tenantId);
  if (hit) return hit;
  const a = (await tenantAccountId(tx, tenantId)) ?? "";
  cache.set(tenantId, a);
  return a;
}

async function startOne(tx: Queryable, i: InvocationInput, accounts: Map<string, string>): Promise<Classified> {
  const inv = i.invocation;
  const request = { requestBody: truncate(inv.payload, MAX_REQUEST_BODY_LOGGED) };
  const accountId = await accountOf(tx, inv.tenantId, accounts);
  const name = executionNameFor(inv.tenantId, inv.dedupeKey ?? inv.deliveryId);
  let started: { executionArn: string } | undefined;
  const err = await underSavepoint(tx, "workflow_target", async () => {
    started = await startExecutionInTx(
      tx,
      { tenant: { id: inv.tenantId, accountId } },
      { stateMachineArn: inv.targetArn, name, input: inv.payload },
    );
  });
  if (!err)
    return {
      result: "success",
      error: null,
      statusCode: null,
      record: { responseBody: JSON.stringify({ executionArn: started!.executionArn }) },
    };
  // The name is already taken by the execution this invocation started before: done.
  if (isAppError(err) && err.awsCode === "ExecutionAlreadyExists")
    return { result: "success", error: null, statusCode: null, record: {} };
  if (isAppError(err) && err.awsCode === "ExecutionLimitExceeded")
    return { ...classifyError(err, request), result: "retryable", throttled: true };
  return classifyError(err, request);
}

export const workflowTarget: LocalTarget = {
  kind: "workflow",
  mode: "local",
  protocols: [],
  autoDisable: false,
  async invokeBatch(inputs, tx) {
    const accounts = new Map<string, string>();
    const out: Classified[] = [];
    for (const i of inputs) out.push(await startOne(tx, i, accounts));
    return out;
  },
};

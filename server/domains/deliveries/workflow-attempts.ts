import { randomUUID } from "node:crypto";
import { pool } from "../../db";
import { logger } from "../../logger";
import { insertAttempts } from "./delivery.repository";
import { MAX_REQUEST_BODY_LOGGED, MAX_RESPONSE_BODY_LOGGED, truncate } from "./targets/target";
import { insertFinishedInvocation } from "./workflow-attempts.repository";

// A workflow's remote Task (lambda:invoke, a function ARN, http:invoke) calls its target itself,
// synchronously, from the executor's job: Step Functions' Retry/Catch are the retry policy, and a
// deliver job's retries would be a second, hidden one. So that "where did it go" still has one
// answer, each call is written to the delivery log as a finished invocation (source_kind
// 'workflow', source ARN = the state machine, event id = the execution ARN) with its one attempt:
// the dashboard, the attempt log and retention treat it like any other invocation. Writing the log
// never fails the task.

export type WorkflowAttempt = {
  tenantId: string;
  stateMachineArn: string;
  executionArn: string;
  /** 'function' for functions, 'http' for HTTP Tasks. */
  targetKind: string;
  targetArn: string;
  requestBody: string;
  requestHeaders?: Record<string, string> | null;
  outcome: "succeeded" | "failed";
  startedAt: Date;
  durationMs: number;
  responseStatus?: number | null;
  responseHeaders?: Record<string, string> | null;
  responseBody?: string | null;
  error?: string | null;
};

export async function recordWorkflowAttempt(a: WorkflowAttempt): Promise<void> {
  const id = randomUUID();
  try {
    const body = truncate(a.requestBody, MAX_REQUEST_BODY_LOGGED);
    await insertFinishedInvocation(pool(), {
      id,
      tenantId: a.tenantId,
      sourceArn: a.stateMachineArn,
      targetKind: a.targetKind,
      targetArn: a.targetArn,
      payload: body,
      eventId: a.executionArn,
      status: a.outcome,
      latencyMs: Math.max(0, Math.round(a.durationMs)),
      lastStatusCode: a.responseStatus ?? null,
      lastError: a.error ?? null,
    });
    await insertAttempts(pool(), [
      {
        deliveryId: id,
        tenantId: a.tenantId,
        topicId: null,
        subscriptionId: null,
        messageId: null,
        sourceKind: "workflow",
        sourceArn: a.stateMachineArn,
        targetKind: a.targetKind,
        attemptNumber: 1,
        protocol: a.targetKind,
        endpoint: a.targetArn,
        outcome: a.outcome,
        startedAt: a.startedAt.toISOString(),
        durationMs: Math.max(0, Math.round(a.durationMs)),
        requestHeaders: a.requestHeaders ?? null,
        requestBody: body,
        responseStatus: a.responseStatus ?? null,
        responseHeaders: a.responseHeaders ?? null,
        responseBody: a.responseBody ? truncate(a.responseBody, MAX_RESPONSE_BODY_LOGGED) : null,
        error: a.error ?? null,
        nextRetryAt: null,
      },
    ]);
  } catch (err) {
    logger.warn({ err, executionArn: a.executionArn }, "could not write a workflow task's attempt to the delivery log");
  }
}

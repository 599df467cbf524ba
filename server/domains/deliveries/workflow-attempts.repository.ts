import type { Queryable } from "../../db";

// SQL of the attempt-log rows a workflow's remote Task writes (workflow-attempts.ts): one finished
// invocation row per call (source_kind 'workflow'), never attempted by a deliver job.

export type FinishedInvocationRow = {
  id: string;
  tenantId: string;
  sourceArn: string;
  targetKind: string;
  targetArn: string;
  payload: string;
  eventId: string;
  status: "succeeded" | "failed";
  latencyMs: number;
  lastStatusCode: number | null;
  lastError: string | null;
};

export async function insertFinishedInvocation(db: Queryable, r: FinishedInvocationRow): Promise<void> {
  await db.query(
    `INSERT INTO deliveries (id, tenant_id, protocol, endpoint, source_kind, source_arn, target_kind, status, attempts, latency_ms,
                             completed_at, last_status_code, last_error, payload, target_arn, target_params, event_id, event_time,
                             max_retry_attempts, max_age_seconds, dead_letter_style)
     VALUES ($1, $2, $3, $4, 'workflow', $5, $3, $6, 1, $7, now(), $8, $9, $10, $4, '{}', $11, now(), 0, 60, 'events')`,
    [
      r.id,
      r.tenantId,
      r.targetKind,
      r.targetArn,
      r.sourceArn,
      r.status,
      r.latencyMs,
      r.lastStatusCode,
      r.lastError,
      r.payload,
      r.eventId,
    ],
  );
}

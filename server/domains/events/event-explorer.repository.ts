import type { Queryable } from "../../db";

// The event explorer's reads of the delivery engine's rows for a page of events: the target
// invocations rules created for them (deliveries with source_kind 'rule', by the engine's
// (tenant_id, event_id) index) and each invocation's attempts (by delivery_id). The per-event trace
// without attempts and the rule metrics live in event.explorer.ts / event.repository.ts.

export type InvocationRow = {
  deliveryId: string;
  ruleArn: string;
  targetId: string | null;
  targetArn: string;
  targetKind: string;
  status: string;
};

export type AttemptRow = {
  id: string;
  deliveryId: string;
  attemptNumber: number;
  outcome: "succeeded" | "failed" | "dlq" | "skipped";
  startedAt: Date;
  durationMs: number | null;
  responseStatus: number | null;
  error: string | null;
};

/** Invocations of the events (one row per rule target), oldest first. */
export async function invocationsOfEvents(
  db: Queryable,
  tenantId: string,
  eventIds: string[],
): Promise<(InvocationRow & { eventId: string })[]> {
  if (eventIds.length === 0) return [];
  const r = await db.query(
    `SELECT id AS "deliveryId", event_id AS "eventId", source_arn AS "ruleArn", target_id AS "targetId",
            target_arn AS "targetArn", target_kind AS "targetKind", status
       FROM deliveries
      WHERE tenant_id = $1 AND event_id = ANY($2::text[]) AND source_kind = 'rule'
      ORDER BY created_at, id`,
    [tenantId, eventIds],
  );
  return r.rows;
}

export async function attemptsOfDeliveries(
  db: Queryable,
  tenantId: string,
  deliveryIds: string[],
): Promise<AttemptRow[]> {
  if (deliveryIds.length === 0) return [];
  const r = await db.query(
    `SELECT id::text AS id, delivery_id AS "deliveryId", attempt_number AS "attemptNumber", outcome,
            started_at AS "startedAt", duration_ms AS "durationMs", response_status AS "responseStatus", error
       FROM delivery_attempts
      WHERE tenant_id = $1 AND delivery_id = ANY($2::text[])
      ORDER BY started_at, id`,
    [tenantId, deliveryIds],
  );
  return r.rows;
}

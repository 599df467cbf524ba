import type { Queryable } from "../../db";

// The event explorer's and the rule charts' reads of the delivery engine's rows: what became of the
// target invocations a rule created for an event (deliveries with source_kind 'rule', keyed by
// event_id; their attempts by delivery_id), and invocation outcomes per minute for a rule.

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

/**
 * FailedInvocations per minute for a rule: invocations that ended failed (retries exhausted or
 * too old, dead-lettered or not), counted in the minute they were created, as the rule's other
 * metrics are counted in the minute the event matched.
 */
export async function failedInvocationsPerMinute(
  db: Queryable,
  tenantId: string,
  ruleArn: string,
  from: Date,
  to: Date,
): Promise<{ minute: Date; failed: number }[]> {
  const r = await db.query(
    `SELECT date_trunc('minute', created_at) AS minute, count(*)::int AS failed
       FROM deliveries
      WHERE tenant_id = $1 AND source_kind = 'rule' AND source_arn = $2
        AND created_at >= $3 AND created_at < $4 AND status IN ('failed', 'dlq')
      GROUP BY 1 ORDER BY 1`,
    [tenantId, ruleArn, from, to],
  );
  return r.rows;
}

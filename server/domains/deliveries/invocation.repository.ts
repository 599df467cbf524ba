import type { Queryable } from "../../db";
import type { DeadLetterStyle } from "../../core/events/target-retry";
import { withAttemptNumber } from "../../core/schedule/context-attributes";

// SQL of invocations: rows of `deliveries` without topic, message or subscription (their CHECK
// constraint keeps the two shapes apart), created by createInvocations (invocations.ts).

/** What the engine needs to attempt an invocation, as stored (invocations.ts documents the fields). */
export type InvocationData = {
  deliveryId: string;
  tenantId: string;
  sourceKind: string;
  sourceArn: string;
  targetKind: string;
  targetArn: string;
  targetId: string | null;
  payload: string;
  originalEvent: string | null;
  params: Record<string, unknown>;
  eventId: string | null;
  eventTime: Date;
  maxRetryAttempts: number;
  maxAgeSeconds: number;
  deadLetterArn: string | null;
  deadLetterStyle: DeadLetterStyle;
  dedupeKey: string | null;
};

/**
 * The invocation as attempt number `attempt` sends it: a schedule's payload keeps
 * <aws.scheduler.attempt-number> (params.attemptNumber) and each attempt writes its own number.
 */
export function forAttempt(i: InvocationData, attempt: number): InvocationData {
  return i.params.attemptNumber === true ? { ...i, payload: withAttemptNumber(i.payload, attempt) } : i;
}

export type NewInvocationRow = Omit<InvocationData, "eventTime"> & {
  eventTime: string;
  /** 'pending' (a deliver job attempts it) or 'succeeded' (a local kind delivers it in this transaction). */
  status: "pending" | "succeeded";
  attempts: number;
  latencyMs: number | null;
};

/**
 * Inserts invocation rows; a row whose (tenant, dedupe key) already exists is skipped. Returns the
 * ids of the rows inserted. protocol = the target kind, endpoint = the target ARN, so every view
 * of deliveries that shows "where it went" shows the target.
 */
export async function insertInvocations(tx: Queryable, rows: NewInvocationRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const r = await tx.query(
    `INSERT INTO deliveries (id, tenant_id, protocol, endpoint, source_kind, source_arn, target_kind, status, attempts, latency_ms, completed_at,
                             payload, original_event, target_arn, target_id, target_params, event_id, event_time, max_retry_attempts, max_age_seconds,
                             dead_letter_arn, dead_letter_style, dedupe_key)
     SELECT d."deliveryId", d."tenantId", d."targetKind", d."targetArn", d."sourceKind", d."sourceArn", d."targetKind", d.status, d.attempts, d."latencyMs",
            CASE WHEN d.status = 'succeeded' THEN now() END,
            d.payload, d."originalEvent", d."targetArn", d."targetId", d.params, d."eventId", d."eventTime", d."maxRetryAttempts", d."maxAgeSeconds",
            d."deadLetterArn", d."deadLetterStyle", d."dedupeKey"
       FROM jsonb_to_recordset($1::jsonb) AS d("deliveryId" text, "tenantId" text, "targetKind" text, "targetArn" text, "sourceKind" text, "sourceArn" text,
            status text, attempts int, "latencyMs" int, payload text, "originalEvent" text, "targetId" text, params jsonb, "eventId" text,
            "eventTime" timestamptz, "maxRetryAttempts" int, "maxAgeSeconds" int, "deadLetterArn" text, "deadLetterStyle" text, "dedupeKey" text)
     ON CONFLICT (tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
     RETURNING id`,
    [JSON.stringify(rows)],
  );
  return new Set(r.rows.map((x: { id: string }) => x.id));
}

/** Invocations inserted as delivered whose inline delivery was refused: not attempted yet after all. */
export async function reopenInlineInvocations(tx: Queryable, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(
    `UPDATE deliveries SET status = 'pending', attempts = 0, latency_ms = NULL, completed_at = NULL WHERE id = ANY($1::text[])`,
    [ids],
  );
}

/** The existing deliveries of these dedupe keys (a repeated createInvocations). */
export async function findByDedupeKeys(
  db: Queryable,
  tenantId: string,
  keys: string[],
): Promise<Map<string, { id: string; status: string }>> {
  if (keys.length === 0) return new Map();
  const r = await db.query(
    `SELECT dedupe_key AS "dedupeKey", id, status FROM deliveries WHERE tenant_id = $1 AND dedupe_key = ANY($2::text[])`,
    [tenantId, keys],
  );
  return new Map(r.rows.map((x: { dedupeKey: string; id: string; status: string }) => [x.dedupeKey, x]));
}

export async function findInvocations(db: Queryable, ids: string[]): Promise<InvocationData[]> {
  if (ids.length === 0) return [];
  const r = await db.query(
    `SELECT id AS "deliveryId", tenant_id AS "tenantId", source_kind AS "sourceKind", source_arn AS "sourceArn", target_kind AS "targetKind",
            target_arn AS "targetArn", target_id AS "targetId", payload, original_event AS "originalEvent", COALESCE(target_params, '{}'::jsonb) AS params,
            event_id AS "eventId", event_time AS "eventTime", max_retry_attempts AS "maxRetryAttempts", max_age_seconds AS "maxAgeSeconds",
            dead_letter_arn AS "deadLetterArn", COALESCE(dead_letter_style, 'events') AS "deadLetterStyle", dedupe_key AS "dedupeKey"
       FROM deliveries WHERE id = ANY($1::text[]) AND source_kind <> 'topic'`,
    [ids],
  );
  return r.rows;
}

import type { Queryable } from "../../db";

// SQL of the delivery engine's write path (deliveries, attempts, metrics, counters). Batches go
// through jsonb_to_recordset so a chunk of deliveries costs a few statements, not a few per row.

export type { Queryable };

export type NewDelivery = {
  id: string;
  tenantId: string;
  topicId: string;
  messageId: string;
  subscriptionId: string;
  protocol: string;
  endpoint: string;
  /** What produced the delivery: 'topic' here (invocations: 'rule', 'schedule', 'function', 'workflow', 'api'). */
  sourceKind: string;
  sourceArn: string | null;
  /** targets/registry.ts kind: 'queue' | 'webhook' | 'email' (and the invocation kinds). */
  targetKind: string;
  /** Set when the delivery is created already attempted (local targets in the publish transaction). */
  status?: "pending" | "succeeded";
  attempts?: number;
  latencyMs?: number | null;
};

/** Idempotent: (message, subscription) pairs that already have a delivery are skipped. Returns the new rows. */
export async function insertDeliveries(
  tx: Queryable,
  rows: NewDelivery[],
  status = "pending",
): Promise<Array<{ id: string; subscriptionId: string; protocol: string }>> {
  if (rows.length === 0) return [];
  const r = await tx.query(
    `INSERT INTO deliveries (id, tenant_id, topic_id, message_id, subscription_id, protocol, endpoint, source_kind, source_arn, target_kind,
                             status, attempts, latency_ms, completed_at)
     SELECT d.id, d."tenantId", d."topicId", d."messageId", d."subscriptionId", d.protocol, d.endpoint, d."sourceKind", d."sourceArn", d."targetKind",
            COALESCE(d.status, $2), COALESCE(d.attempts, 0), d."latencyMs", CASE WHEN COALESCE(d.status, $2) = 'succeeded' THEN now() END
       FROM jsonb_to_recordset($1::jsonb) AS d(id text, "tenantId" text, "topicId" text, "messageId" text, "subscriptionId" text, protocol text, endpoint text,
            "sourceKind" text, "sourceArn" text, "targetKind" text, status text, attempts int, "latencyMs" int)
     ON CONFLICT (message_id, subscription_id) DO NOTHING
     RETURNING id, subscription_id AS "subscriptionId", protocol`,
    [JSON.stringify(rows), status],
  );
  return r.rows;
}

/**
 * A delivery as the engine claims it. A topic delivery has topicId/messageId/subscriptionId; an
 * invocation (sourceKind other than 'topic') has none of them, its protocol is its target kind
 * and its endpoint the target ARN (the rest is in invocation.repository.ts's InvocationData).
 */
export type DeliveryRow = Omit<
  NewDelivery,
  "status" | "attempts" | "latencyMs" | "topicId" | "messageId" | "subscriptionId"
> & {
  topicId: string | null;
  messageId: string | null;
  subscriptionId: string | null;
  status: string;
  attempts: number;
  createdAt: Date;
};

/** A topic delivery: the three keys are set. */
export type TopicDeliveryRow = DeliveryRow & { topicId: string; messageId: string; subscriptionId: string };

export const isTopicDelivery = (d: DeliveryRow): d is TopicDeliveryRow => d.subscriptionId !== null;

const DELIVERY_COLS = `id, tenant_id AS "tenantId", topic_id AS "topicId", message_id AS "messageId", subscription_id AS "subscriptionId", protocol, endpoint,
  source_kind AS "sourceKind", source_arn AS "sourceArn", target_kind AS "targetKind", status, attempts, created_at AS "createdAt"`;

/** How long a runner owns the deliveries it claimed (HTTP total timeout + throttle wait, with room). */
export const CLAIM_LEASE_SECONDS = 60;

/**
 * Claims the open deliveries among `ids` whose time has come, leasing them (next_attempt_at =
 * now + lease) so that a concurrent run of another job (a safety net, a duplicate after a crash)
 * does not send them again. Returns the claimed rows and the ids still leased by someone else.
 */
export async function claimOpenDeliveries(
  db: Queryable,
  ids: string[],
  opts: { pendingOnly?: boolean } = {},
): Promise<{ claimed: DeliveryRow[]; leased: Array<{ id: string; until: Date }> }> {
  const r = await db.query(
    `UPDATE deliveries SET next_attempt_at = now() + make_interval(secs => $2)
      WHERE id = ANY($1::text[]) AND status IN ('pending', $3) AND (next_attempt_at IS NULL OR next_attempt_at <= now() + interval '2 seconds')
      RETURNING ${DELIVERY_COLS}`,
    [ids, CLAIM_LEASE_SECONDS, opts.pendingOnly ? "pending" : "retrying"],
  );
  const claimed: DeliveryRow[] = r.rows;
  if (claimed.length === ids.length) return { claimed, leased: [] };
  const got = new Set(claimed.map((d) => d.id));
  const rest = await db.query(
    `SELECT id, next_attempt_at AS until FROM deliveries WHERE id = ANY($1::text[]) AND status IN ('pending', $2)`,
    [ids.filter((i) => !got.has(i)), opts.pendingOnly ? "pending" : "retrying"],
  );
  return { claimed, leased: rest.rows };
}

export async function loadTopicPolicies(db: Queryable, topicIds: string[]): Promise<Map<string, unknown>> {
  const r = await db.query(`SELECT id, delivery_policy FROM topics WHERE id = ANY($1::text[])`, [topicIds]);
  return new Map(r.rows.map((x: { id: string; delivery_policy: unknown }) => [x.id, x.delivery_policy]));
}

export type DeliveryUpdate = {
  id: string;
  status: "succeeded" | "retrying" | "failed" | "dlq";
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  latencyMs: number | null;
  /** 0 for an attempt that does not count (a throttled invocation, retried without using a retry); default 1. */
  attemptsDelta?: number;
};

/** Applies the outcome of one attempt to each delivery (attempts + 1), only if it is still open. */
export async function updateDeliveries(tx: Queryable, rows: DeliveryUpdate[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `UPDATE deliveries d SET status = u.status, attempts = d.attempts + COALESCE(u."attemptsDelta", 1), next_attempt_at = u."nextAttemptAt", last_status_code = u."lastStatusCode",
            last_error = u."lastError", updated_at = now(), latency_ms = COALESCE(u."latencyMs", d.latency_ms),
            completed_at = CASE WHEN u.status IN ('succeeded', 'failed', 'dlq') THEN now() ELSE NULL END
       FROM jsonb_to_recordset($1::jsonb) AS u(id text, status text, "nextAttemptAt" timestamptz, "lastStatusCode" int, "lastError" text, "latencyMs" int, "attemptsDelta" int)
      WHERE d.id = u.id AND d.status IN ('pending', 'retrying')`,
    [JSON.stringify(rows)],
  );
}

/** Locks the still-open deliveries among `ids` for this transaction; a concurrent run waits, then skips them. */
export async function lockOpenDeliveries(tx: Queryable, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const r = await tx.query(
    `SELECT id FROM deliveries WHERE id = ANY($1::text[]) AND status IN ('pending', 'retrying') ORDER BY id FOR UPDATE`,
    [ids],
  );
  return new Set(r.rows.map((x: { id: string }) => x.id));
}

/** Marks a chunk of (locked) deliveries succeeded in one statement. */
export async function markSucceeded(tx: Queryable, rows: Array<{ id: string; latencyMs: number }>): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `UPDATE deliveries d SET status = 'succeeded', attempts = d.attempts + 1, last_status_code = NULL, last_error = NULL, next_attempt_at = NULL,
            latency_ms = COALESCE(d.latency_ms, u."latencyMs"), completed_at = now(), updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS u(id text, "latencyMs" int)
      WHERE d.id = u.id AND d.status IN ('pending', 'retrying')`,
    [JSON.stringify(rows)],
  );
}

export type AttemptRecord = {
  deliveryId: string;
  tenantId: string;
  /** NULL for an invocation's attempts. */
  topicId: string | null;
  subscriptionId: string | null;
  messageId: string | null;
  sourceKind: string;
  sourceArn: string | null;
  targetKind: string;
  attemptNumber: number;
  protocol: string;
  endpoint: string;
  outcome: "succeeded" | "failed" | "dlq" | "skipped";
  startedAt: string;
  durationMs: number;
  requestHeaders: Record<string, string> | null;
  requestBody: string | null;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  error: string | null;
  nextRetryAt: string | null;
};

export async function insertAttempts(tx: Queryable, rows: AttemptRecord[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO delivery_attempts (delivery_id, tenant_id, topic_id, subscription_id, message_id, source_kind, source_arn, target_kind, attempt_number,
            protocol, endpoint, outcome, started_at, duration_ms, request_headers, request_body, response_status, response_headers, response_body, error, next_retry_at)
     SELECT a."deliveryId", a."tenantId", a."topicId", a."subscriptionId", a."messageId", a."sourceKind", a."sourceArn", a."targetKind", a."attemptNumber",
            a.protocol, a.endpoint, a.outcome,
            a."startedAt", a."durationMs", a."requestHeaders", a."requestBody", a."responseStatus", a."responseHeaders", a."responseBody", a.error, a."nextRetryAt"
       FROM jsonb_to_recordset($1::jsonb) AS a("deliveryId" text, "tenantId" text, "topicId" text, "subscriptionId" text, "messageId" text,
            "sourceKind" text, "sourceArn" text, "targetKind" text, "attemptNumber" int, protocol text, endpoint text, outcome text, "startedAt" timestamptz, "durationMs" int, "requestHeaders" jsonb,
            "requestBody" text, "responseStatus" int, "responseHeaders" jsonb, "responseBody" text, error text, "nextRetryAt" timestamptz)`,
    [JSON.stringify(rows)],
  );
}

export type MetricBump = {
  subscriptionId: string;
  tenantId: string;
  topicId: string;
  minute: string;
  succeeded: number;
  failed: number;
  retrying: number;
  dlq: number;
  latencySumMs: number;
};

export async function bumpMetrics(tx: Queryable, rows: MetricBump[]): Promise<void> {
  if (rows.length === 0) return;
  // Sorted so concurrent jobs take row locks in the same order (no deadlocks).
  rows.sort((a, b) => (a.subscriptionId + a.minute).localeCompare(b.subscriptionId + b.minute));
  await tx.query(
    `INSERT INTO delivery_metrics_minute (subscription_id, minute, tenant_id, topic_id, succeeded, failed, retrying, dlq, latency_sum_ms)
     SELECT m."subscriptionId", m.minute, m."tenantId", m."topicId", m.succeeded, m.failed, m.retrying, m.dlq, m."latencySumMs"
       FROM jsonb_to_recordset($1::jsonb) AS m("subscriptionId" text, minute timestamptz, "tenantId" text, "topicId" text, succeeded int, failed int, retrying int, dlq int, "latencySumMs" bigint)
     ON CONFLICT (subscription_id, minute) DO UPDATE SET succeeded = delivery_metrics_minute.succeeded + EXCLUDED.succeeded,
       failed = delivery_metrics_minute.failed + EXCLUDED.failed, retrying = delivery_metrics_minute.retrying + EXCLUDED.retrying,
       dlq = delivery_metrics_minute.dlq + EXCLUDED.dlq, latency_sum_ms = delivery_metrics_minute.latency_sum_ms + EXCLUDED.latency_sum_ms`,
    [JSON.stringify(rows)],
  );
}

export async function resetFailures(tx: Queryable, subscriptionIds: string[]): Promise<void> {
  if (subscriptionIds.length === 0) return;
  await tx.query(
    `UPDATE topic_subscriptions SET consecutive_failures = 0, failing_since = NULL WHERE id = ANY($1::text[]) AND consecutive_failures > 0`,
    [subscriptionIds.sort()],
  );
}

/** Adds failures; disables the subscription (once) when a threshold is crossed and returns it. */
export async function addFailures(
  tx: Queryable,
  subscriptionId: string,
  n: number,
  maxFailures: number,
  maxHours: number,
): Promise<{ disabled: boolean; tenantId: string; arn: string; reason: string | null }> {
  const r = await tx.query(
    `WITH prev AS (SELECT id, disabled_at, failing_since, consecutive_failures FROM topic_subscriptions WHERE id = $1 FOR UPDATE)
     UPDATE topic_subscriptions s SET consecutive_failures = prev.consecutive_failures + $2, failing_since = COALESCE(prev.failing_since, now()),
            disabled_at = CASE WHEN prev.disabled_at IS NULL AND (prev.consecutive_failures + $2 >= $3 OR COALESCE(prev.failing_since, now()) <= now() - make_interval(secs => $4 * 3600)) THEN now() ELSE prev.disabled_at END,
            disabled_reason = CASE WHEN prev.disabled_at IS NOT NULL THEN s.disabled_reason
                                   WHEN prev.consecutive_failures + $2 >= $3 THEN 'failed ' || (prev.consecutive_failures + $2) || ' consecutive delivery attempts'
                                   WHEN COALESCE(prev.failing_since, now()) <= now() - make_interval(secs => $4 * 3600) THEN 'failing continuously since ' || to_char(prev.failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC'
                                   ELSE s.disabled_reason END,
            updated_at = now()
       FROM prev WHERE s.id = prev.id
     RETURNING s.tenant_id AS "tenantId", s.arn, s.disabled_reason AS reason, (prev.disabled_at IS NULL AND s.disabled_at IS NOT NULL) AS fresh`,
    [subscriptionId, n, maxFailures, maxHours],
  );
  const row = r.rows[0];
  return { disabled: !!row && row.fresh, tenantId: row?.tenantId, arn: row?.arn, reason: row?.reason ?? null };
}

export async function insertNotification(
  tx: Queryable,
  n: { id: string; tenantId: string; kind: string; subscriptionId: string | null; message: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO delivery_notifications (id, tenant_id, kind, subscription_id, message) VALUES ($1,$2,$3,$4,$5)`,
    [n.id, n.tenantId, n.kind, n.subscriptionId, n.message],
  );
}

/** maxReceivesPerSecond across all workers: one counter row per (subscription, second). */
export async function takeRateSlot(
  db: Queryable,
  subscriptionId: string,
  second: number,
  limit: number,
): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO delivery_rate_counters (subscription_id, second, count) VALUES ($1, $2, 1)
     ON CONFLICT (subscription_id, second) DO UPDATE SET count = delivery_rate_counters.count + 1 WHERE delivery_rate_counters.count < $3
     RETURNING count`,
    [subscriptionId, second, limit],
  );
  return (r.rowCount ?? 0) > 0;
}

/** An invocation target's per-second limit across all workers: one counter row per (key, second). */
export async function takeInvocationRateSlot(
  db: Queryable,
  key: string,
  second: number,
  limit: number,
): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO invocation_rate_counters (key, second, count) VALUES ($1, $2, 1)
     ON CONFLICT (key, second) DO UPDATE SET count = invocation_rate_counters.count + 1 WHERE invocation_rate_counters.count < $3
     RETURNING count`,
    [key, second, limit],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function insertOutboxEmail(
  db: Queryable,
  e: {
    id: string;
    tenantId: string;
    subscriptionId: string | null;
    deliveryId: string | null;
    to: string;
    subject: string;
    body: string;
    status: string;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO email_outbox (id, tenant_id, subscription_id, delivery_id, to_address, subject, body, status, sent_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8, CASE WHEN $8 = 'sent' THEN now() END)`,
    [e.id, e.tenantId, e.subscriptionId, e.deliveryId, e.to, e.subject, e.body, e.status],
  );
}

/** The deliveries of these messages still waiting for an attempt (a retried fan-out picks them up). */
export async function pendingDeliveriesOf(db: Queryable, messageIds: string[]): Promise<string[]> {
  const r = await db.query(`SELECT id FROM deliveries WHERE message_id = ANY($1::text[]) AND status = 'pending'`, [
    messageIds,
  ]);
  return r.rows.map((x: { id: string }) => x.id);
}

/**
 * Runs `fn` under a savepoint of the open transaction `tx`: if it fails, only its own statements
 * are undone and the transaction goes on; the caller gets the error to record. A failing ROLLBACK
 * TO (the transaction itself is broken) is thrown. `name` is a constant identifier, never input.
 */
export async function underSavepoint(tx: Queryable, name: string, fn: () => Promise<unknown>): Promise<Error | null> {
  await tx.query(`SAVEPOINT ${name}`);
  try {
    await fn();
    await tx.query(`RELEASE SAVEPOINT ${name}`);
    return null;
  } catch (e) {
    await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
    return e as Error;
  }
}

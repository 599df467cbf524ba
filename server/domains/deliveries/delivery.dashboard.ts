import { pool } from "../../db";

// Read side of the deliveries dashboard: charts from the per-minute metrics, latency percentiles
// and failing endpoints from deliveries/attempts, the attempt log. Every query is tenant-scoped
// and served by a (tenant|topic|subscription, time) index.

export type Scope = {
  tenantId: string;
  topicId?: string | null;
  subscriptionId?: string | null;
  /** deliveries.source_kind: 'topic' today; 'rule', 'schedule', 'workflow', 'api' next. */
  sourceKind?: string | null;
};
export type Range = { from: Date; to: Date };

/** Bucket size so a chart has at most ~120 points. */
export function bucketSeconds(r: Range): number {
  const span = (r.to.getTime() - r.from.getTime()) / 1000;
  for (const b of [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 86400]) if (span / b <= 120) return b;
  return 86400;
}

export async function deliverySeries(s: Scope, r: Range) {
  const b = bucketSeconds(r);
  const q = await pool().query(
    `SELECT to_timestamp(floor(extract(epoch from minute) / $5) * $5) AS t, sum(succeeded)::int AS succeeded, sum(failed)::int AS failed,
            sum(retrying)::int AS retrying, sum(dlq)::int AS dlq, sum(latency_sum_ms)::bigint AS "latencySumMs"
       FROM delivery_metrics_minute
      WHERE tenant_id = $1 AND minute >= $2 AND minute < $3 AND ($4::text IS NULL OR topic_id = $4) AND ($6::text IS NULL OR subscription_id = $6)
      GROUP BY 1 ORDER BY 1`,
    [s.tenantId, r.from, r.to, s.topicId ?? null, b, s.subscriptionId ?? null],
  );
  return {
    bucketSeconds: b,
    points: q.rows.map((x) => ({
      t: x.t as Date,
      succeeded: x.succeeded,
      failed: x.failed,
      retrying: x.retrying,
      dlq: x.dlq,
    })),
  };
}

export async function deliveryTotals(s: Scope, r: Range) {
  const q = await pool().query(
    `SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded, count(*) FILTER (WHERE status = 'failed')::int AS failed,
            count(*) FILTER (WHERE status = 'retrying')::int AS retrying, count(*) FILTER (WHERE status = 'pending')::int AS pending,
            count(*) FILTER (WHERE status = 'dlq')::int AS dlq,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE status = 'succeeded') AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE status = 'succeeded') AS p95
       FROM deliveries
      WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3 AND ($4::text IS NULL OR topic_id = $4) AND ($5::text IS NULL OR subscription_id = $5)
        AND ($6::text IS NULL OR source_kind = $6)`,
    [s.tenantId, r.from, r.to, s.topicId ?? null, s.subscriptionId ?? null, s.sourceKind ?? null],
  );
  const t = q.rows[0];
  const finished = t.succeeded + t.failed + t.dlq;
  return {
    succeeded: t.succeeded,
    failed: t.failed,
    retrying: t.retrying,
    pending: t.pending,
    dlq: t.dlq,
    successRate: finished ? t.succeeded / finished : null,
    p50LatencyMs: t.p50 === null ? null : Math.round(Number(t.p50)),
    p95LatencyMs: t.p95 === null ? null : Math.round(Number(t.p95)),
  };
}

export async function topFailingEndpoints(s: Scope, r: Range, limit = 10) {
  const q = await pool().query(
    `SELECT a.subscription_id AS "subscriptionId", a.endpoint, a.protocol, count(*)::int AS failures,
            max(a.started_at) AS "lastFailureAt", (array_agg(a.response_status ORDER BY a.started_at DESC))[1] AS "lastStatus",
            (array_agg(a.error ORDER BY a.started_at DESC))[1] AS "lastError"
       FROM delivery_attempts a
      WHERE a.tenant_id = $1 AND a.started_at >= $2 AND a.started_at < $3 AND a.outcome = 'failed' AND ($4::text IS NULL OR a.topic_id = $4)
        AND ($6::text IS NULL OR a.subscription_id = $6) AND ($7::text IS NULL OR a.source_kind = $7)
      GROUP BY 1, 2, 3 ORDER BY failures DESC LIMIT $5`,
    [s.tenantId, r.from, r.to, s.topicId ?? null, limit, s.subscriptionId ?? null, s.sourceKind ?? null],
  );
  return q.rows;
}

export async function disabledEndpoints(tenantId: string) {
  const q = await pool().query(
    `SELECT s.id, s.arn, s.protocol, s.endpoint, s.disabled_at AS "disabledAt", s.disabled_reason AS "disabledReason", s.consecutive_failures AS "consecutiveFailures",
            t.id AS "topicId", t.name AS "topicName"
       FROM topic_subscriptions s JOIN topics t ON t.id = s.topic_id
      WHERE s.tenant_id = $1 AND s.disabled_at IS NOT NULL ORDER BY s.disabled_at DESC`,
    [tenantId],
  );
  return q.rows;
}

export type AttemptFilter = Scope & {
  outcome?: string | null;
  statusCode?: number | null;
  messageId?: string | null;
  deliveryId?: string | null;
  from?: Date | null;
  to?: Date | null;
  before?: string | null;
  limit: number;
};

// The tenant test is `= ANY(ARRAY[$1])` and the ORDER BY names tenant_id on purpose: with a plain
// `=` the planner drops tenant_id from the ORDER BY and may walk the primary key backwards,
// discarding other tenants' newer attempts (50k a page measured); this way only the
// (tenant_id, id) index gives the order (server/domains/queues/sql-plans.int.test.ts).
export async function listAttempts(f: AttemptFilter) {
  const q = await pool().query(
    `SELECT a.id::text AS id, a.delivery_id AS "deliveryId", a.message_id AS "messageId", a.subscription_id AS "subscriptionId", a.topic_id AS "topicId",
            a.attempt_number AS "attemptNumber", a.protocol, a.endpoint, a.outcome, a.started_at AS "startedAt", a.duration_ms AS "durationMs",
            a.response_status AS "responseStatus", a.error, a.next_retry_at AS "nextRetryAt"
       FROM delivery_attempts a
      WHERE a.tenant_id = ANY(ARRAY[$1::text]) AND ($2::text IS NULL OR a.topic_id = $2) AND ($3::text IS NULL OR a.subscription_id = $3)
        AND ($4::text IS NULL OR a.outcome = $4) AND ($5::int IS NULL OR a.response_status = $5) AND ($6::text IS NULL OR a.message_id = $6)
        AND ($7::timestamptz IS NULL OR a.started_at >= $7) AND ($8::timestamptz IS NULL OR a.started_at < $8) AND ($9::bigint IS NULL OR a.id < $9)
        AND ($11::text IS NULL OR a.delivery_id = $11)
      ORDER BY a.tenant_id DESC, a.id DESC LIMIT $10`,
    [
      f.tenantId,
      f.topicId ?? null,
      f.subscriptionId ?? null,
      f.outcome ?? null,
      f.statusCode ?? null,
      f.messageId ?? null,
      f.from ?? null,
      f.to ?? null,
      f.before ?? null,
      f.limit,
      f.deliveryId ?? null,
    ],
  );
  return q.rows;
}

export async function getAttempt(tenantId: string, id: string) {
  const q = await pool().query(
    `SELECT a.id::text AS id, a.delivery_id AS "deliveryId", a.message_id AS "messageId", a.subscription_id AS "subscriptionId", a.topic_id AS "topicId",
            a.attempt_number AS "attemptNumber", a.protocol, a.endpoint, a.outcome, a.started_at AS "startedAt", a.duration_ms AS "durationMs",
            a.request_headers AS "requestHeaders", a.request_body AS "requestBody", a.response_status AS "responseStatus",
            a.response_headers AS "responseHeaders", a.response_body AS "responseBody", a.error, a.next_retry_at AS "nextRetryAt",
            d.status AS "deliveryStatus", d.attempts AS "deliveryAttempts"
       FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
      WHERE a.tenant_id = $1 AND a.id = $2::bigint`,
    [tenantId, id],
  );
  return q.rows[0] ?? null;
}

export async function listDeliveries(
  f: Scope & { status?: string | null; messageId?: string | null; before?: Date | null; limit: number },
) {
  const q = await pool().query(
    `SELECT id, message_id AS "messageId", subscription_id AS "subscriptionId", topic_id AS "topicId", protocol, endpoint, status, attempts,
            next_attempt_at AS "nextAttemptAt", last_status_code AS "lastStatusCode", last_error AS "lastError", created_at AS "createdAt",
            completed_at AS "completedAt", latency_ms AS "latencyMs"
       FROM deliveries
      WHERE tenant_id = $1 AND ($2::text IS NULL OR topic_id = $2) AND ($3::text IS NULL OR subscription_id = $3) AND ($4::text IS NULL OR status = $4)
        AND ($5::text IS NULL OR message_id = $5) AND ($6::timestamptz IS NULL OR created_at < $6)
      ORDER BY created_at DESC LIMIT $7`,
    [
      f.tenantId,
      f.topicId ?? null,
      f.subscriptionId ?? null,
      f.status ?? null,
      f.messageId ?? null,
      f.before ?? null,
      f.limit,
    ],
  );
  return q.rows;
}

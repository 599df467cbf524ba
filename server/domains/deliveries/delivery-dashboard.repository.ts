import type { Queryable } from "../../db";

// Read side of the deliveries dashboard: charts from the per-minute metrics, latency percentiles
// and failing endpoints from deliveries/attempts, the attempt log. Every query is tenant-scoped
// and served by a (tenant|topic|subscription, time) index.

export type Scope = {
  tenantId: string;
  topicId?: string | null;
  subscriptionId?: string | null;
  /** deliveries.source_kind: 'topic' | 'rule' | 'schedule' | 'function' | 'workflow' | 'api'. */
  sourceKind?: string | null;
  /** One source: a topic's, rule's or schedule's ARN. */
  sourceArn?: string | null;
};
export type Range = { from: Date; to: Date };

// One source of truth for the tiles, the chart and "top failing endpoints": the deliveries created
// (published) in the range, by where each stands now. A failure later resent successfully counts
// as succeeded everywhere, and every number follows the same scope filter.

// Bucket sizes that read well on a time axis (1h → 1 min, 6h → 10 min, 24h → 30 min, 7d → 3 h).
const BUCKETS = [60, 120, 300, 600, 900, 1800, 3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400];
const MAX_BARS = 60;

/** Bucket size so a chart has at most ~60 bars, each one a round interval. */
export function bucketSeconds(r: Range): number {
  const span = (r.to.getTime() - r.from.getTime()) / 1000;
  for (const b of BUCKETS) if (span / b <= MAX_BARS) return b;
  return 86400;
}

/**
 * Where the chart starts: the range's start, or, when every delivery of the range falls in its
 * last part, a little before the first one, so a burst is not a sliver at the right edge.
 */
export function zoomFrom(r: Range, first: Date | null): Date {
  if (!first) return r.from;
  const span = r.to.getTime() - r.from.getTime();
  const used = r.to.getTime() - first.getTime();
  if (used > span / 2) return r.from;
  // Never narrower than 15 minutes, plus a tenth of padding before the first delivery.
  const want = Math.max(used * 1.1, 15 * 60_000);
  return new Date(Math.max(r.from.getTime(), r.to.getTime() - want));
}

// `kind` is the parameter number of the source kind; the source ARN is the one after it.
const scopeSql = (first: number, kind: number) =>
  `tenant_id = $1 AND created_at >= $2 AND created_at < $3 AND ($${first}::text IS NULL OR topic_id = $${first}) AND ($${first + 1}::text IS NULL OR subscription_id = $${first + 1}) AND ($${kind}::text IS NULL OR source_kind = $${kind}) AND ($${kind + 1}::text IS NULL OR source_arn = $${kind + 1})`;

// A delivery that has a final failure in its attempt log was reopened by a resend: its
// publish → delivery time measures how long a person took to resend, not the delivery path.
const RESENT = `EXISTS (SELECT 1 FROM delivery_attempts a WHERE a.delivery_id = d.id AND (a.outcome = 'dlq' OR (a.outcome = 'failed' AND a.next_retry_at IS NULL)))`;

export async function deliverySeries(db: Queryable, s: Scope, r: Range) {
  const firstQ = await db.query(`SELECT min(created_at) AS first FROM deliveries d WHERE ${scopeSql(4, 6)}`, [
    s.tenantId,
    r.from,
    r.to,
    s.topicId ?? null,
    s.subscriptionId ?? null,
    s.sourceKind ?? null,
    s.sourceArn ?? null,
  ]);
  const from = zoomFrom(r, firstQ.rows[0]?.first ?? null);
  const b = bucketSeconds({ from, to: r.to });
  const q = await db.query(
    `SELECT to_timestamp(floor(extract(epoch from created_at) / $6) * $6) AS t,
            count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
            count(*) FILTER (WHERE status = 'failed')::int AS failed,
            count(*) FILTER (WHERE status IN ('retrying', 'pending'))::int AS retrying,
            count(*) FILTER (WHERE status = 'dlq')::int AS dlq
       FROM deliveries d
      WHERE ${scopeSql(4, 7)}
      GROUP BY 1 ORDER BY 1`,
    [s.tenantId, from, r.to, s.topicId ?? null, s.subscriptionId ?? null, b, s.sourceKind ?? null, s.sourceArn ?? null],
  );
  return {
    from,
    bucketSeconds: b,
    points: q.rows.map((x) => ({
      t: x.t as Date,
      succeeded: x.succeeded as number,
      failed: x.failed as number,
      retrying: x.retrying as number,
      dlq: x.dlq as number,
    })),
  };
}

export async function deliveryTotals(db: Queryable, s: Scope, r: Range) {
  const q = await db.query(
    `SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded, count(*) FILTER (WHERE status = 'failed')::int AS failed,
            count(*) FILTER (WHERE status = 'retrying')::int AS retrying, count(*) FILTER (WHERE status = 'pending')::int AS pending,
            count(*) FILTER (WHERE status = 'dlq')::int AS dlq,
            count(*) FILTER (WHERE status IN ('failed', 'dlq') AND attempts > 1)::int AS "failedAfterRetries",
            count(*) FILTER (WHERE status = 'succeeded' AND resent)::int AS "resentSucceeded",
            percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE status = 'succeeded' AND NOT resent) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE status = 'succeeded' AND NOT resent) AS p95
       FROM (SELECT d.status, d.attempts, d.latency_ms, ${RESENT} AS resent FROM deliveries d WHERE ${scopeSql(4, 6)}) d`,
    [s.tenantId, r.from, r.to, s.topicId ?? null, s.subscriptionId ?? null, s.sourceKind ?? null, s.sourceArn ?? null],
  );
  const t = q.rows[0];
  const finished = t.succeeded + t.failed + t.dlq;
  return {
    succeeded: t.succeeded as number,
    failed: t.failed as number,
    retrying: t.retrying as number,
    pending: t.pending as number,
    dlq: t.dlq as number,
    /** Of failed + dlq: how many gave up only after retrying (the rest failed on their only attempt). */
    failedAfterRetries: t.failedAfterRetries as number,
    /** Succeeded after a person resent them: kept out of the latency percentiles. */
    resentSucceeded: t.resentSucceeded as number,
    successRate: finished ? t.succeeded / finished : null,
    p50LatencyMs: t.p50 === null ? null : Math.round(Number(t.p50)),
    p95LatencyMs: t.p95 === null ? null : Math.round(Number(t.p95)),
  };
}

/**
 * Endpoints whose deliveries in the range failed (and still are failed: resent successes drop
 * out) or are retrying now, most failures first. Their `failures` add up to the Failed tile.
 */
export async function topFailingEndpoints(db: Queryable, s: Scope, r: Range, limit = 10) {
  const q = await db.query(
    `SELECT d.subscription_id AS "subscriptionId", d.endpoint, d.protocol,
            count(*) FILTER (WHERE d.status IN ('failed', 'dlq'))::int AS failures,
            count(*) FILTER (WHERE d.status = 'retrying')::int AS retrying,
            max(d.updated_at) AS "lastFailureAt",
            (array_agg(d.last_status_code ORDER BY d.updated_at DESC))[1] AS "lastStatus",
            (array_agg(d.last_error ORDER BY d.updated_at DESC))[1] AS "lastError"
       FROM deliveries d
      WHERE ${scopeSql(4, 7)} AND d.status IN ('failed', 'dlq', 'retrying')
      GROUP BY 1, 2, 3 ORDER BY failures DESC, retrying DESC, "lastFailureAt" DESC LIMIT $6`,
    [
      s.tenantId,
      r.from,
      r.to,
      s.topicId ?? null,
      s.subscriptionId ?? null,
      limit,
      s.sourceKind ?? null,
      s.sourceArn ?? null,
    ],
  );
  return q.rows;
}

export async function disabledEndpoints(db: Queryable, tenantId: string) {
  const q = await db.query(
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
  /** Part of the endpoint (URL, address, queue ARN), case-insensitive. */
  endpoint?: string | null;
  /** Text in the request as sent (payload), case-insensitive. */
  text?: string | null;
  /** Attempts of the invocations of one event (the event explorer). */
  eventId?: string | null;
  from?: Date | null;
  to?: Date | null;
  before?: string | null;
  limit: number;
};

/** A search term for ILIKE, its wildcards taken literally; null when blank. */
export function likeText(v: string | null | undefined): string | null {
  const t = v?.trim();
  return t ? t.replace(/[\\%_]/g, (c) => "\\" + c) : null;
}

// The tenant test is `= ANY(ARRAY[$1])` and the ORDER BY names tenant_id on purpose: with a plain
// `=` the planner drops tenant_id from the ORDER BY and may walk the primary key backwards,
// discarding other tenants' newer attempts (50k a page measured); this way only the
// (tenant_id, id) index gives the order (server/domains/queues/sql-plans.int.test.ts). An event's
// attempts (eventId) are looked up by delivery id instead: the event's deliveries come from the
// (tenant_id, event_id) index as an array, so an old event does not walk the tenant's whole log.
export async function listAttempts(db: Queryable, f: AttemptFilter) {
  const q = await db.query(
    `SELECT a.id::text AS id, a.delivery_id AS "deliveryId", a.message_id AS "messageId", a.subscription_id AS "subscriptionId", a.topic_id AS "topicId",
            a.attempt_number AS "attemptNumber", a.protocol, a.endpoint, a.outcome, a.started_at AS "startedAt", a.duration_ms AS "durationMs",
            a.response_status AS "responseStatus", a.error, a.next_retry_at AS "nextRetryAt",
            a.source_kind AS "sourceKind", a.source_arn AS "sourceArn", a.target_kind AS "targetKind"
       FROM delivery_attempts a
      WHERE a.tenant_id = ANY(ARRAY[$1::text]) AND ($2::text IS NULL OR a.topic_id = $2) AND ($3::text IS NULL OR a.subscription_id = $3)
        AND ($4::text IS NULL OR a.outcome = $4) AND ($5::int IS NULL OR a.response_status = $5) AND ($6::text IS NULL OR a.message_id = $6)
        AND ($7::timestamptz IS NULL OR a.started_at >= $7) AND ($8::timestamptz IS NULL OR a.started_at < $8) AND ($9::bigint IS NULL OR a.id < $9)
        AND ($11::text IS NULL OR a.delivery_id = $11)
        AND ($12::text IS NULL OR a.endpoint ILIKE '%' || $12 || '%')
        AND ($13::text IS NULL OR a.request_body ILIKE '%' || $13 || '%')
        AND ($14::text IS NULL OR a.source_kind = $14)
        AND ($15::text IS NULL OR a.source_arn = $15)
        AND ($16::text IS NULL OR a.delivery_id = ANY(ARRAY(SELECT e.id FROM deliveries e WHERE e.tenant_id = $1 AND e.event_id = $16)))
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
      likeText(f.endpoint),
      likeText(f.text),
      f.sourceKind ?? null,
      f.sourceArn ?? null,
      f.eventId ?? null,
    ],
  );
  return q.rows;
}

export async function getAttempt(db: Queryable, tenantId: string, id: string) {
  const q = await db.query(
    `SELECT a.id::text AS id, a.delivery_id AS "deliveryId", a.message_id AS "messageId", a.subscription_id AS "subscriptionId", a.topic_id AS "topicId",
            a.attempt_number AS "attemptNumber", a.protocol, a.endpoint, a.outcome, a.started_at AS "startedAt", a.duration_ms AS "durationMs",
            a.request_headers AS "requestHeaders", a.request_body AS "requestBody", a.response_status AS "responseStatus",
            a.response_headers AS "responseHeaders", a.response_body AS "responseBody", a.error, a.next_retry_at AS "nextRetryAt",
            d.status AS "deliveryStatus", d.attempts AS "deliveryAttempts",
            a.source_kind AS "sourceKind", a.source_arn AS "sourceArn", a.target_kind AS "targetKind", d.target_arn AS "targetArn",
            d.target_id AS "targetId", d.event_id AS "eventId"
       FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
      WHERE a.tenant_id = $1 AND a.id = $2::bigint`,
    [tenantId, id],
  );
  return q.rows[0] ?? null;
}

export async function listDeliveries(
  db: Queryable,
  f: Scope & {
    status?: string | null;
    messageId?: string | null;
    eventId?: string | null;
    before?: Date | null;
    limit: number;
  },
) {
  const q = await db.query(
    `SELECT id, message_id AS "messageId", subscription_id AS "subscriptionId", topic_id AS "topicId", protocol, endpoint, status, attempts,
            next_attempt_at AS "nextAttemptAt", last_status_code AS "lastStatusCode", last_error AS "lastError", created_at AS "createdAt",
            completed_at AS "completedAt", latency_ms AS "latencyMs",
            source_kind AS "sourceKind", source_arn AS "sourceArn", target_kind AS "targetKind", target_arn AS "targetArn", target_id AS "targetId",
            event_id AS "eventId", dead_letter_arn AS "deadLetterArn"
       FROM deliveries
      WHERE tenant_id = $1 AND ($2::text IS NULL OR topic_id = $2) AND ($3::text IS NULL OR subscription_id = $3) AND ($4::text IS NULL OR status = $4)
        AND ($5::text IS NULL OR message_id = $5) AND ($6::timestamptz IS NULL OR created_at < $6)
        AND ($8::text IS NULL OR source_kind = $8) AND ($9::text IS NULL OR source_arn = $9) AND ($10::text IS NULL OR event_id = $10)
      ORDER BY created_at DESC LIMIT $7`,
    [
      f.tenantId,
      f.topicId ?? null,
      f.subscriptionId ?? null,
      f.status ?? null,
      f.messageId ?? null,
      f.before ?? null,
      f.limit,
      f.sourceKind ?? null,
      f.sourceArn ?? null,
      f.eventId ?? null,
    ],
  );
  return q.rows;
}

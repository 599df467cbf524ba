import type { Queryable } from "../../db";

// Read side of the endpoint view (one subscription, as Svix and Hookdeck show an endpoint): what it
// is, and the last response it gave. Its numbers and chart come from delivery.dashboard.ts with the
// subscription as scope, so they agree with the dashboard's.

export type EndpointInfo = {
  id: string;
  arn: string;
  protocol: string;
  endpoint: string;
  status: string;
  topicId: string;
  topicName: string;
  disabledAt: Date | null;
  disabledReason: string | null;
  consecutiveFailures: number;
  failingSince: Date | null;
  createdAt: Date;
};

export async function findEndpoint(
  db: Queryable,
  tenantId: string,
  subscriptionId: string,
): Promise<EndpointInfo | null> {
  const q = await db.query(
    `SELECT s.id, s.arn, s.protocol, s.endpoint, s.status, s.topic_id AS "topicId", t.name AS "topicName", s.disabled_at AS "disabledAt",
            s.disabled_reason AS "disabledReason", s.consecutive_failures AS "consecutiveFailures", s.failing_since AS "failingSince",
            s.created_at AS "createdAt"
       FROM topic_subscriptions s JOIN topics t ON t.id = s.topic_id
      WHERE s.tenant_id = $1 AND s.id = $2`,
    [tenantId, subscriptionId],
  );
  return q.rows[0] ?? null;
}

/** The newest attempt to reach this endpoint (any time): what it answered, and when. */
export async function lastEndpointAttempt(db: Queryable, tenantId: string, subscriptionId: string) {
  const q = await db.query(
    `SELECT a.id::text AS id, a.outcome, a.started_at AS "startedAt", a.duration_ms AS "durationMs", a.response_status AS "responseStatus",
            a.error, a.next_retry_at AS "nextRetryAt"
       FROM delivery_attempts a
      WHERE a.subscription_id = $2 AND a.tenant_id = $1
      ORDER BY a.started_at DESC, a.id DESC LIMIT 1`,
    [tenantId, subscriptionId],
  );
  return (q.rows[0] ?? null) as {
    id: string;
    outcome: string;
    startedAt: Date;
    durationMs: number;
    responseStatus: number | null;
    error: string | null;
    nextRetryAt: Date | null;
  } | null;
}

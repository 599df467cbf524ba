import type { Queryable } from "../../db";

// The console's reads and small writes around deliveries: resend progress, the email outbox,
// delivery notifications. Every statement is scoped to the tenant.

export async function findResend(db: Queryable, tenantId: string, id: string) {
  const r = await db.query(
    `SELECT id, topic_id AS "topicId", subscription_id AS "subscriptionId", source_kind AS "sourceKind", source_arn AS "sourceArn", since, status, total, done, created_by AS "createdBy", created_at AS "createdAt", finished_at AS "finishedAt"
       FROM delivery_resends WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id],
  );
  return r.rows[0] ?? null;
}

/** `limit + 1` rows of the outbox older than `after` (keyset on created_at, id), newest first. */
export async function outboxRows(
  db: Queryable,
  tenantId: string,
  after: { at: Date; id: string } | null,
  limit: number,
) {
  const r = await db.query(
    `SELECT id, subscription_id AS "subscriptionId", delivery_id AS "deliveryId", to_address AS "to", subject, body, status, created_at AS "createdAt", sent_at AS "sentAt"
       FROM email_outbox
      WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::text))
      ORDER BY created_at DESC, id DESC LIMIT $4`,
    [tenantId, after?.at ?? null, after?.id ?? null, limit + 1],
  );
  return r.rows;
}

export async function notificationRows(db: Queryable, tenantId: string, unreadOnly: boolean) {
  const r = await db.query(
    `SELECT id, kind, subscription_id AS "subscriptionId", message, created_at AS "createdAt", read_at AS "readAt"
       FROM delivery_notifications WHERE tenant_id = $1 AND ($2::boolean = false OR read_at IS NULL) ORDER BY created_at DESC LIMIT 100`,
    [tenantId, unreadOnly],
  );
  return r.rows;
}

export async function markNotificationRowsRead(db: Queryable, tenantId: string, ids: string[]): Promise<void> {
  await db.query(
    `UPDATE delivery_notifications SET read_at = now() WHERE tenant_id = $1 AND id = ANY($2::text[]) AND read_at IS NULL`,
    [tenantId, ids],
  );
}

/** Reopens one delivery for a resend; false when it is already pending (or not the tenant's). */
export async function reopenDelivery(tx: Queryable, tenantId: string, deliveryId: string): Promise<boolean> {
  const r = await tx.query(
    `UPDATE deliveries SET status = 'pending', next_attempt_at = NULL, completed_at = NULL, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND status <> 'pending' RETURNING id`,
    [tenantId, deliveryId],
  );
  return (r.rowCount ?? 0) > 0;
}

/** The delivery's source kind (null for a topic's deliveries made before source kinds), undefined when there is none. */
export async function deliverySourceKind(
  db: Queryable,
  tenantId: string,
  deliveryId: string,
): Promise<string | null | undefined> {
  const r = await db.query<{ source_kind: string | null }>(
    `SELECT source_kind FROM deliveries WHERE tenant_id = $1 AND id = $2`,
    [tenantId, deliveryId],
  );
  return r.rows[0] ? r.rows[0].source_kind : undefined;
}

export async function deliveryExists(db: Queryable, tenantId: string, deliveryId: string): Promise<boolean> {
  const r = await db.query(`SELECT 1 FROM deliveries WHERE tenant_id = $1 AND id = $2`, [tenantId, deliveryId]);
  return (r.rowCount ?? 0) > 0;
}

export async function insertResend(
  tx: Queryable,
  r: {
    id: string;
    tenantId: string;
    topicId: string | null;
    subscriptionId: string | null;
    sourceKind?: string | null;
    sourceArn?: string | null;
    since: Date;
    createdBy: string;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO delivery_resends (id, tenant_id, topic_id, subscription_id, source_kind, source_arn, since, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
    [r.id, r.tenantId, r.topicId, r.subscriptionId, r.sourceKind ?? null, r.sourceArn ?? null, r.since, r.createdBy],
  );
}

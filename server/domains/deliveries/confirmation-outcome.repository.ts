import { randomUUID } from "node:crypto";
import type { Queryable } from "../../db";

// What happened to a subscription's SubscriptionConfirmation POST, so the console can say it
// instead of assuming it arrived. Kept as delivery notifications: a refused or failed
// confirmation is news for the team (unread); a delivered one is only a record (read at once).

export type ConfirmationOutcome = {
  kind: "confirmation_delivered" | "confirmation_failed";
  message: string;
  createdAt: Date;
};

export async function recordConfirmationOutcome(
  db: Queryable,
  tenantId: string,
  subscriptionId: string,
  delivered: boolean,
  message: string,
): Promise<void> {
  await db.query(
    `INSERT INTO delivery_notifications (id, tenant_id, kind, subscription_id, message, read_at) VALUES ($1,$2,$3,$4,$5,$6)`,
    [
      randomUUID(),
      tenantId,
      delivered ? "confirmation_delivered" : "confirmation_failed",
      subscriptionId,
      message,
      delivered ? new Date() : null,
    ],
  );
}

/** The newest outcome of a confirmation to this subscription, or null when none was tried yet. */
export async function latestConfirmationOutcome(
  db: Queryable,
  tenantId: string,
  subscriptionId: string,
): Promise<ConfirmationOutcome | null> {
  const q = await db.query(
    `SELECT kind, message, created_at AS "createdAt" FROM delivery_notifications
      WHERE tenant_id = $1 AND subscription_id = $2 AND kind IN ('confirmation_delivered', 'confirmation_failed')
      ORDER BY created_at DESC LIMIT 1`,
    [tenantId, subscriptionId],
  );
  return q.rows[0] ?? null;
}

import type { Queryable } from "../../db";

// SQL of the topics domain's topics and subscriptions (messages: topic-message.repository.ts). Every function
// takes the tenant and puts it in its WHERE, except the token lookup (the token is the credential).

export type { Queryable };

export type TopicRow = {
  id: string;
  tenantId: string;
  name: string;
  arn: string;
  fifo: boolean;
  displayName: string | null;
  deliveryPolicy: Record<string, unknown> | null;
  contentBasedDedup: boolean;
  tags: Record<string, string>;
  /** Stored and echoed only (GetTopicAttributes); null = unset. */
  policy: string | null;
  kmsMasterKeyId: string | null;
  tracingConfig: string | null;
  signatureVersion: string | null;
  createdAt: Date;
  updatedAt: Date;
};

export type SubscriptionRow = {
  id: string;
  tenantId: string;
  topicId: string;
  topicArn: string;
  arn: string;
  protocol: string;
  endpoint: string;
  status: "pending" | "confirmed";
  confirmationExpiresAt: Date | null;
  confirmedAt: Date | null;
  filterPolicy: Record<string, unknown> | null;
  filterPolicyScope: "MessageAttributes" | "MessageBody";
  rawMessageDelivery: boolean;
  redrivePolicy: { deadLetterTargetArn?: string } | null;
  deliveryPolicy: Record<string, unknown> | null;
  secretEnc: string | null;
  previousSecretEnc: string | null;
  previousSecretExpiresAt: Date | null;
  disabledAt: Date | null;
  disabledReason: string | null;
  consecutiveFailures: number;
  failingSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

const topicCols = (
  p: string,
) => `${p}id, ${p}tenant_id AS "tenantId", ${p}name, ${p}arn, ${p}fifo, ${p}display_name AS "displayName", ${p}delivery_policy AS "deliveryPolicy",
  ${p}content_based_dedup AS "contentBasedDedup", ${p}tags, ${p}policy, ${p}kms_master_key_id AS "kmsMasterKeyId", ${p}tracing_config AS "tracingConfig",
  ${p}signature_version AS "signatureVersion", ${p}created_at AS "createdAt", ${p}updated_at AS "updatedAt"`;
const TOPIC_COLS = topicCols("");

const SUB_COLS = `s.id, s.tenant_id AS "tenantId", s.topic_id AS "topicId", t.arn AS "topicArn", s.arn, s.protocol, s.endpoint, s.status,
  s.confirmation_expires_at AS "confirmationExpiresAt", s.confirmed_at AS "confirmedAt", s.filter_policy AS "filterPolicy",
  s.filter_policy_scope AS "filterPolicyScope", s.raw_message_delivery AS "rawMessageDelivery", s.redrive_policy AS "redrivePolicy",
  s.delivery_policy AS "deliveryPolicy", s.secret_enc AS "secretEnc", s.previous_secret_enc AS "previousSecretEnc",
  s.previous_secret_expires_at AS "previousSecretExpiresAt", s.disabled_at AS "disabledAt", s.disabled_reason AS "disabledReason",
  s.consecutive_failures AS "consecutiveFailures", s.failing_since AS "failingSince", s.created_at AS "createdAt", s.updated_at AS "updatedAt"`;

// --- topics ---------------------------------------------------------------------------------------

export async function insertTopic(
  db: Queryable,
  t: Omit<TopicRow, "createdAt" | "updatedAt">,
): Promise<TopicRow | null> {
  const r = await db.query(
    `INSERT INTO topics (id, tenant_id, name, arn, fifo, display_name, delivery_policy, content_based_dedup, tags, policy, kms_master_key_id, tracing_config, signature_version)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) ON CONFLICT (tenant_id, name) DO NOTHING RETURNING ${TOPIC_COLS}`,
    [
      t.id,
      t.tenantId,
      t.name,
      t.arn,
      t.fifo,
      t.displayName,
      t.deliveryPolicy === null ? null : JSON.stringify(t.deliveryPolicy),
      t.contentBasedDedup,
      JSON.stringify(t.tags),
      t.policy,
      t.kmsMasterKeyId,
      t.tracingConfig,
      t.signatureVersion,
    ],
  );
  return r.rows[0] ?? null;
}

export async function findTopicByName(db: Queryable, tenantId: string, name: string): Promise<TopicRow | null> {
  const r = await db.query(`SELECT ${TOPIC_COLS} FROM topics WHERE tenant_id = $1 AND name = $2`, [tenantId, name]);
  return r.rows[0] ?? null;
}

export async function findTopicByArn(db: Queryable, tenantId: string, arn: string): Promise<TopicRow | null> {
  const r = await db.query(`SELECT ${TOPIC_COLS} FROM topics WHERE tenant_id = $1 AND arn = $2`, [tenantId, arn]);
  return r.rows[0] ?? null;
}

/** A topic by ARN whatever its tenant (cross-account publishing by an event rule, checked by the caller). */
export async function findTopicByArnUnscoped(db: Queryable, arn: string): Promise<TopicRow | null> {
  const r = await db.query(`SELECT ${TOPIC_COLS} FROM topics WHERE arn = $1`, [arn]);
  return r.rows[0] ?? null;
}

export async function findTopicById(db: Queryable, tenantId: string, id: string): Promise<TopicRow | null> {
  const r = await db.query(`SELECT ${TOPIC_COLS} FROM topics WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return r.rows[0] ?? null;
}

/** Topics after `afterArn` in ARN order (AWS pages ListTopics by 100). */
export async function listTopicsPage(
  db: Queryable,
  tenantId: string,
  afterArn: string | null,
  limit: number,
): Promise<TopicRow[]> {
  const r = await db.query(
    `SELECT ${TOPIC_COLS} FROM topics WHERE tenant_id = $1 AND ($2::text IS NULL OR arn > $2) ORDER BY arn LIMIT $3`,
    [tenantId, afterArn, limit],
  );
  return r.rows;
}

export async function listTopicsWithCounts(
  db: Queryable,
  tenantId: string,
  search: string | null,
): Promise<Array<TopicRow & { confirmed: number; pending: number; disabled: number }>> {
  const r = await db.query(
    `SELECT ${topicCols("t.")},
            COALESCE(c.confirmed, 0)::int AS confirmed, COALESCE(c.pending, 0)::int AS pending, COALESCE(c.disabled, 0)::int AS disabled
       FROM topics t
       LEFT JOIN LATERAL (
         SELECT count(*) FILTER (WHERE status = 'confirmed') AS confirmed, count(*) FILTER (WHERE status = 'pending') AS pending,
                count(*) FILTER (WHERE disabled_at IS NOT NULL) AS disabled
           FROM topic_subscriptions s WHERE s.topic_id = t.id) c ON true
      WHERE t.tenant_id = $1 AND ($2::text IS NULL OR t.name ILIKE '%' || $2 || '%')
      ORDER BY t.name LIMIT 1000`,
    [tenantId, search],
  );
  return r.rows;
}

export type TopicPatch = Partial<
  Pick<
    TopicRow,
    | "displayName"
    | "deliveryPolicy"
    | "contentBasedDedup"
    | "tags"
    | "policy"
    | "kmsMasterKeyId"
    | "tracingConfig"
    | "signatureVersion"
  >
>;

export async function updateTopic(db: Queryable, tenantId: string, id: string, patch: TopicPatch): Promise<void> {
  const sets: string[] = [];
  const values: unknown[] = [tenantId, id];
  const add = (col: string, v: unknown) => {
    values.push(v);
    sets.push(`${col} = $${values.length}`);
  };
  if ("displayName" in patch) add("display_name", patch.displayName);
  if ("deliveryPolicy" in patch)
    add("delivery_policy", patch.deliveryPolicy === null ? null : JSON.stringify(patch.deliveryPolicy));
  if ("contentBasedDedup" in patch) add("content_based_dedup", patch.contentBasedDedup);
  if ("tags" in patch) add("tags", JSON.stringify(patch.tags));
  if ("policy" in patch) add("policy", patch.policy);
  if ("kmsMasterKeyId" in patch) add("kms_master_key_id", patch.kmsMasterKeyId);
  if ("tracingConfig" in patch) add("tracing_config", patch.tracingConfig);
  if ("signatureVersion" in patch) add("signature_version", patch.signatureVersion);
  if (sets.length === 0) return;
  await db.query(`UPDATE topics SET ${sets.join(", ")}, updated_at = now() WHERE tenant_id = $1 AND id = $2`, values);
}

export async function deleteTopicRow(db: Queryable, tenantId: string, id: string): Promise<boolean> {
  const r = await db.query(`DELETE FROM topics WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return (r.rowCount ?? 0) > 0;
}

export async function subscriptionCounts(
  db: Queryable,
  topicId: string,
): Promise<{ confirmed: number; pending: number }> {
  const r = await db.query(
    `SELECT count(*) FILTER (WHERE status = 'confirmed')::int AS confirmed, count(*) FILTER (WHERE status = 'pending')::int AS pending FROM topic_subscriptions WHERE topic_id = $1`,
    [topicId],
  );
  return r.rows[0];
}

// --- subscriptions --------------------------------------------------------------------------------

export type NewSubscription = Pick<
  SubscriptionRow,
  | "id"
  | "tenantId"
  | "topicId"
  | "arn"
  | "protocol"
  | "endpoint"
  | "status"
  | "filterPolicy"
  | "filterPolicyScope"
  | "rawMessageDelivery"
  | "redrivePolicy"
  | "deliveryPolicy"
  | "secretEnc"
> & { confirmationTokenHash: string | null; confirmationExpiresAt: Date | null };

export async function insertSubscription(db: Queryable, s: NewSubscription): Promise<void> {
  await db.query(
    `INSERT INTO topic_subscriptions (id, tenant_id, topic_id, arn, protocol, endpoint, status, confirmation_token_hash, confirmation_expires_at,
       confirmed_at, filter_policy, filter_policy_scope, raw_message_delivery, redrive_policy, delivery_policy, secret_enc)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9, CASE WHEN $7 = 'confirmed' THEN now() END, $10,$11,$12,$13,$14,$15)`,
    [
      s.id,
      s.tenantId,
      s.topicId,
      s.arn,
      s.protocol,
      s.endpoint,
      s.status,
      s.confirmationTokenHash,
      s.confirmationExpiresAt,
      s.filterPolicy === null ? null : JSON.stringify(s.filterPolicy),
      s.filterPolicyScope,
      s.rawMessageDelivery,
      s.redrivePolicy === null ? null : JSON.stringify(s.redrivePolicy),
      s.deliveryPolicy === null ? null : JSON.stringify(s.deliveryPolicy),
      s.secretEnc,
    ],
  );
}

export async function findSubscriptionByArn(
  db: Queryable,
  tenantId: string,
  arn: string,
): Promise<SubscriptionRow | null> {
  const r = await db.query(
    `SELECT ${SUB_COLS} FROM topic_subscriptions s JOIN topics t ON t.id = s.topic_id WHERE s.tenant_id = $1 AND s.arn = $2`,
    [tenantId, arn],
  );
  return r.rows[0] ?? null;
}

export async function findSubscriptionById(
  db: Queryable,
  tenantId: string,
  id: string,
): Promise<SubscriptionRow | null> {
  const r = await db.query(
    `SELECT ${SUB_COLS} FROM topic_subscriptions s JOIN topics t ON t.id = s.topic_id WHERE s.tenant_id = $1 AND s.id = $2`,
    [tenantId, id],
  );
  return r.rows[0] ?? null;
}

/** Worker-side lookup (the delivery job carries ids it wrote itself). */
export async function findSubscriptionsByIds(db: Queryable, ids: string[]): Promise<SubscriptionRow[]> {
  const r = await db.query(
    `SELECT ${SUB_COLS} FROM topic_subscriptions s JOIN topics t ON t.id = s.topic_id WHERE s.id = ANY($1::text[])`,
    [ids],
  );
  return r.rows;
}

export async function findSubscriptionByTokenHash(db: Queryable, hash: string): Promise<SubscriptionRow | null> {
  const r = await db.query(
    `SELECT ${SUB_COLS} FROM topic_subscriptions s JOIN topics t ON t.id = s.topic_id WHERE s.confirmation_token_hash = $1`,
    [hash],
  );
  return r.rows[0] ?? null;
}

export async function findSameSubscription(
  db: Queryable,
  topicId: string,
  protocol: string,
  endpoint: string,
): Promise<SubscriptionRow | null> {
  const r = await db.query(
    `SELECT ${SUB_COLS} FROM topic_subscriptions s JOIN topics t ON t.id = s.topic_id WHERE s.topic_id = $1 AND s.protocol = $2 AND s.endpoint = $3 LIMIT 1`,
    [topicId, protocol, endpoint],
  );
  return r.rows[0] ?? null;
}

export async function listSubscriptionsPage(
  db: Queryable,
  tenantId: string,
  topicId: string | null,
  afterArn: string | null,
  limit: number,
): Promise<SubscriptionRow[]> {
  const r = await db.query(
    `SELECT ${SUB_COLS} FROM topic_subscriptions s JOIN topics t ON t.id = s.topic_id
      WHERE s.tenant_id = $1 AND ($2::text IS NULL OR s.topic_id = $2) AND ($3::text IS NULL OR s.arn > $3)
      ORDER BY s.arn LIMIT $4`,
    [tenantId, topicId, afterArn, limit],
  );
  return r.rows;
}

/** Fan-out: the confirmed subscriptions of a topic (disabled ones too: their deliveries are recorded as failed). */
export async function listConfirmedSubscriptions(db: Queryable, topicId: string): Promise<SubscriptionRow[]> {
  const r = await db.query(
    `SELECT ${SUB_COLS} FROM topic_subscriptions s JOIN topics t ON t.id = s.topic_id WHERE s.topic_id = $1 AND s.status = 'confirmed'`,
    [topicId],
  );
  return r.rows;
}

const SUB_PATCH_COLS: Record<string, string> = {
  status: "status",
  filterPolicy: "filter_policy",
  filterPolicyScope: "filter_policy_scope",
  rawMessageDelivery: "raw_message_delivery",
  redrivePolicy: "redrive_policy",
  deliveryPolicy: "delivery_policy",
  secretEnc: "secret_enc",
  previousSecretEnc: "previous_secret_enc",
  previousSecretExpiresAt: "previous_secret_expires_at",
  disabledAt: "disabled_at",
  disabledReason: "disabled_reason",
  consecutiveFailures: "consecutive_failures",
  failingSince: "failing_since",
  confirmedAt: "confirmed_at",
  confirmationTokenHash: "confirmation_token_hash",
  confirmationExpiresAt: "confirmation_expires_at",
};
const JSON_COLS = new Set(["filterPolicy", "redrivePolicy", "deliveryPolicy"]);

export async function updateSubscription(
  db: Queryable,
  tenantId: string,
  id: string,
  patch: Record<string, unknown>,
): Promise<void> {
  const sets: string[] = [];
  const values: unknown[] = [tenantId, id];
  for (const [k, v] of Object.entries(patch)) {
    const col = SUB_PATCH_COLS[k];
    if (!col) throw new Error(`updateSubscription: unknown field ${k}`);
    values.push(JSON_COLS.has(k) && v !== null ? JSON.stringify(v) : v);
    sets.push(`${col} = $${values.length}`);
  }
  if (sets.length === 0) return;
  await db.query(
    `UPDATE topic_subscriptions SET ${sets.join(", ")}, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
    values,
  );
}

export async function deleteSubscriptionRow(db: Queryable, tenantId: string, id: string): Promise<boolean> {
  const r = await db.query(`DELETE FROM topic_subscriptions WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return (r.rowCount ?? 0) > 0;
}

/** For the signed UnsubscribeURL only (the HMAC signature is the credential). */
export async function findSubscriptionByArnUnscoped(db: Queryable, arn: string): Promise<SubscriptionRow | null> {
  const r = await db.query(
    `SELECT ${SUB_COLS} FROM topic_subscriptions s JOIN topics t ON t.id = s.topic_id WHERE s.arn = $1`,
    [arn],
  );
  return r.rows[0] ?? null;
}

// --- re-subscribe tokens (UnsubscribeConfirmation's SubscribeURL) -----------------------------------

export type ResubscribeSnapshot = Pick<
  SubscriptionRow,
  | "id"
  | "arn"
  | "protocol"
  | "endpoint"
  | "filterPolicy"
  | "filterPolicyScope"
  | "rawMessageDelivery"
  | "redrivePolicy"
  | "deliveryPolicy"
  | "secretEnc"
>;

export async function insertResubscribeToken(
  db: Queryable,
  r: { tokenHash: string; tenantId: string; topicId: string; subscription: ResubscribeSnapshot; expiresAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO topic_resubscribe_tokens (token_hash, tenant_id, topic_id, subscription, expires_at) VALUES ($1,$2,$3,$4,$5)`,
    [r.tokenHash, r.tenantId, r.topicId, JSON.stringify(r.subscription), r.expiresAt],
  );
}

/** The token is the credential (like confirmation tokens), so no tenant. Deletes it: a token re-subscribes once. */
export async function takeResubscribeToken(
  tx: Queryable,
  tokenHash: string,
): Promise<{ tenantId: string; topicId: string; subscription: ResubscribeSnapshot; expiresAt: Date } | null> {
  const r = await tx.query(
    `DELETE FROM topic_resubscribe_tokens WHERE token_hash = $1 RETURNING tenant_id AS "tenantId", topic_id AS "topicId", subscription, expires_at AS "expiresAt"`,
    [tokenHash],
  );
  return r.rows[0] ?? null;
}

export async function deleteExpiredResubscribeTokens(db: Queryable): Promise<number> {
  const r = await db.query(`DELETE FROM topic_resubscribe_tokens WHERE expires_at < now()`);
  return r.rowCount ?? 0;
}

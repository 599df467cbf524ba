import type { Queryable } from "../../db";
import type { Role } from "../../auth/permissions";

export type ApiKeyRow = {
  id: string;
  tenantId: string;
  name: string;
  role: Role;
  createdById: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  limits: KeyLimits | null;
};

/** A key's own limits: requests per second with a burst, and a quota per day or month (each optional). */
export type KeyLimits = {
  rateLimit: number | null;
  burstLimit: number | null;
  quotaLimit: number | null;
  quotaPeriod: "DAY" | "MONTH" | null;
};

export async function insertApiKey(
  tx: Queryable,
  k: {
    id: string;
    tenantId: string;
    name: string;
    role: Role;
    secretEnc: string;
    createdById: string | null;
    expiresAt: Date | null;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO api_keys (id, tenant_id, name, role, secret_enc, created_by_id, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [k.id, k.tenantId, k.name, k.role, k.secretEnc, k.createdById, k.expiresAt],
  );
}

const LIMITS = `CASE WHEN l.key_id IS NULL THEN NULL ELSE json_build_object('rateLimit', l.rate_limit,
  'burstLimit', l.burst_limit, 'quotaLimit', l.quota_limit, 'quotaPeriod', l.quota_period) END`;
const KEY_COLS = `k.id, k.tenant_id AS "tenantId", k.name, k.role, k.created_by_id AS "createdById", k.created_at AS "createdAt",
  k.last_used_at AS "lastUsedAt", k.expires_at AS "expiresAt", k.revoked_at AS "revokedAt", ${LIMITS} AS limits`;
const KEYS_FROM = `api_keys k LEFT JOIN api_key_limits l ON l.key_id = k.id`;

export async function listApiKeysOfTenant(db: Queryable, tenantId: string): Promise<ApiKeyRow[]> {
  const r = await db.query(`SELECT ${KEY_COLS} FROM ${KEYS_FROM} WHERE k.tenant_id = $1 ORDER BY k.created_at DESC`, [
    tenantId,
  ]);
  return r.rows;
}

export async function findApiKey(db: Queryable, tenantId: string, id: string): Promise<ApiKeyRow | null> {
  const r = await db.query(`SELECT ${KEY_COLS} FROM ${KEYS_FROM} WHERE k.tenant_id = $1 AND k.id = $2`, [tenantId, id]);
  return r.rows[0] ?? null;
}

/** Marks a key revoked; returns false if it was already revoked or not this tenant's. */
export async function markRevoked(tx: Queryable, tenantId: string, id: string): Promise<boolean> {
  const r = await tx.query(
    `UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL`,
    [tenantId, id],
  );
  return (r.rowCount ?? 0) > 0;
}

/** The one lookup by key id alone: authentication, before the tenant is known. */
export async function findKeyForAuth(db: Queryable, id: string) {
  const r = await db.query(
    `SELECT k.id, k.tenant_id, k.role, k.secret_enc, k.expires_at, k.revoked_at, t.account_id, t.slug, t.name AS tenant_name,
            ${LIMITS} AS limits
       FROM ${KEYS_FROM} JOIN tenants t ON t.id = k.tenant_id WHERE k.id = $1`,
    [id],
  );
  return r.rows[0] as
    | {
        id: string;
        tenant_id: string;
        role: Role;
        secret_enc: string;
        expires_at: Date | null;
        revoked_at: Date | null;
        account_id: string;
        slug: string;
        tenant_name: string;
        limits: KeyLimits | null;
      }
    | undefined;
}

/** Sets a key's own limits (all null: removes them). */
export async function upsertKeyLimits(tx: Queryable, tenantId: string, keyId: string, l: KeyLimits): Promise<void> {
  if (l.rateLimit === null && l.quotaLimit === null) {
    await tx.query(`DELETE FROM api_key_limits WHERE tenant_id = $1 AND key_id = $2`, [tenantId, keyId]);
    return;
  }
  await tx.query(
    `INSERT INTO api_key_limits (key_id, tenant_id, rate_limit, burst_limit, quota_limit, quota_period)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (key_id) DO UPDATE SET rate_limit = $3, burst_limit = $4, quota_limit = $5, quota_period = $6, updated_at = now()`,
    [keyId, tenantId, l.rateLimit, l.burstLimit, l.quotaLimit, l.quotaPeriod],
  );
}

export async function touchLastUsed(db: Queryable, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(`UPDATE api_keys SET last_used_at = now() WHERE id = ANY($1::text[])`, [ids]);
}

/** NOTIFY in the caller's transaction: delivered to every listening process at commit. */
export async function notifyChannel(tx: Queryable, channel: string, payload: string): Promise<void> {
  await tx.query(`SELECT pg_notify($1, $2)`, [channel, payload]);
}

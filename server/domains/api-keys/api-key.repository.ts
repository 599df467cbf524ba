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

const KEY_COLS = `id, tenant_id AS "tenantId", name, role, created_by_id AS "createdById", created_at AS "createdAt",
  last_used_at AS "lastUsedAt", expires_at AS "expiresAt", revoked_at AS "revokedAt"`;

export async function listApiKeysOfTenant(db: Queryable, tenantId: string): Promise<ApiKeyRow[]> {
  const r = await db.query(`SELECT ${KEY_COLS} FROM api_keys WHERE tenant_id = $1 ORDER BY created_at DESC`, [
    tenantId,
  ]);
  return r.rows;
}

export async function findApiKey(db: Queryable, tenantId: string, id: string): Promise<ApiKeyRow | null> {
  const r = await db.query(`SELECT ${KEY_COLS} FROM api_keys WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
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
    `SELECT k.id, k.tenant_id, k.role, k.secret_enc, k.expires_at, k.revoked_at, t.account_id, t.slug, t.name AS tenant_name
       FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.id = $1`,
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
      }
    | undefined;
}

export async function touchLastUsed(db: Queryable, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(`UPDATE api_keys SET last_used_at = now() WHERE id = ANY($1::text[])`, [ids]);
}

/** NOTIFY in the caller's transaction: delivered to every listening process at commit. */
export async function notifyChannel(tx: Queryable, channel: string, payload: string): Promise<void> {
  await tx.query(`SELECT pg_notify($1, $2)`, [channel, payload]);
}

import { pool, prisma, type Queryable } from "../../db";
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
  k: {
    id: string;
    tenantId: string;
    name: string;
    role: Role;
    secretEnc: string;
    createdById: string | null;
    expiresAt: Date | null;
  },
  tx: Queryable,
): Promise<void> {
  await tx.query(
    `INSERT INTO api_keys (id, tenant_id, name, role, secret_enc, created_by_id, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [k.id, k.tenantId, k.name, k.role, k.secretEnc, k.createdById, k.expiresAt],
  );
}

export async function listApiKeysOfTenant(tenantId: string): Promise<ApiKeyRow[]> {
  return prisma().apiKey.findMany({
    where: { tenantId },
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      tenantId: true,
      name: true,
      role: true,
      createdById: true,
      createdAt: true,
      lastUsedAt: true,
      expiresAt: true,
      revokedAt: true,
    },
  });
}

export async function findApiKey(tenantId: string, id: string): Promise<ApiKeyRow | null> {
  return prisma().apiKey.findFirst({
    where: { tenantId, id },
    select: {
      id: true,
      tenantId: true,
      name: true,
      role: true,
      createdById: true,
      createdAt: true,
      lastUsedAt: true,
      expiresAt: true,
      revokedAt: true,
    },
  });
}

/** Marks a key revoked; returns false if it was already revoked or not this tenant's. */
export async function markRevoked(tenantId: string, id: string, tx: Queryable): Promise<boolean> {
  const r = await tx.query(
    `UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL`,
    [tenantId, id],
  );
  return (r.rowCount ?? 0) > 0;
}

/** The one lookup by key id alone: authentication, before the tenant is known. */
export async function findKeyForAuth(id: string) {
  const r = await pool().query(
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

export async function touchLastUsed(ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await pool().query(`UPDATE api_keys SET last_used_at = now() WHERE id = ANY($1::text[])`, [ids]);
}

/** NOTIFY in the caller's transaction: delivered to every listening process at commit. */
export async function notifyChannel(tx: Queryable, channel: string, payload: string): Promise<void> {
  await tx.query(`SELECT pg_notify($1, $2)`, [channel, payload]);
}

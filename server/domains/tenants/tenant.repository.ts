import type { Queryable } from "../../db";
import type { Role } from "../../auth/permissions";
import { TENANT_DELETED_CHANNEL } from "../../platform/channels";

// The only SQL of the tenants domain. Every function except the ones marked "by token"/"of user"
// takes the tenant id and puts it in the WHERE clause.

export type TenantRow = { id: string; name: string; slug: string; accountId: string; createdAt: Date };
export type MemberRow = { userId: string; email: string; name: string | null; role: Role; joinedAt: Date };
export type InviteRow = {
  id: string;
  tenantId: string;
  email: string;
  role: Role;
  invitedById: string;
  invitedByEmail: string | null;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
};

const TENANT_COLS = `t.id, t.name, t.slug, t.account_id AS "accountId", t.created_at AS "createdAt"`;

/** Inserts unless the slug or account id is taken (then returns false: caller picks another). */
export async function insertTenantIfFree(
  tx: Queryable,
  t: { id: string; name: string; slug: string; accountId: string },
): Promise<boolean> {
  const r = await tx.query(
    `INSERT INTO tenants (id, name, slug, account_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id`,
    [t.id, t.name, t.slug, t.accountId],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function insertMembership(
  tx: Queryable,
  m: { id: string; tenantId: string; userId: string; role: Role },
): Promise<void> {
  await tx.query(`INSERT INTO memberships (id, tenant_id, user_id, role) VALUES ($1, $2, $3, $4)`, [
    m.id,
    m.tenantId,
    m.userId,
    m.role,
  ]);
}

/** Tenants of one user, with the user's role in each (by user, not tenant: the switcher). */
export async function listTenantsOfUser(db: Queryable, userId: string): Promise<(TenantRow & { role: Role })[]> {
  const r = await db.query(
    `SELECT ${TENANT_COLS}, m.role FROM tenants t JOIN memberships m ON m.tenant_id = t.id WHERE m.user_id = $1 ORDER BY t.name, t.created_at`,
    [userId],
  );
  return r.rows;
}

export async function findTenant(db: Queryable, tenantId: string): Promise<TenantRow | null> {
  const r = await db.query(`SELECT ${TENANT_COLS} FROM tenants t WHERE t.id = $1`, [tenantId]);
  return r.rows[0] ?? null;
}

/** Locks the tenant row: member changes of one tenant run one at a time, so the owner count holds. */
export async function lockTenant(tx: Queryable, tenantId: string): Promise<void> {
  await tx.query(`SELECT id FROM tenants WHERE id = $1 FOR UPDATE`, [tenantId]);
}

export async function updateTenantName(tx: Queryable, tenantId: string, name: string): Promise<void> {
  await tx.query(`UPDATE tenants SET name = $2, updated_at = now() WHERE id = $1`, [tenantId, name]);
}

export async function listMembersOfTenant(db: Queryable, tenantId: string): Promise<MemberRow[]> {
  const r = await db.query(
    `SELECT u.id AS "userId", u.email, u.name, m.role, m.created_at AS "joinedAt"
       FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.tenant_id = $1
      ORDER BY array_position(ARRAY['owner','admin','developer','viewer']::"Role"[], m.role), u.email`,
    [tenantId],
  );
  return r.rows;
}

export async function findMember(db: Queryable, tenantId: string, userId: string): Promise<MemberRow | null> {
  const r = await db.query(
    `SELECT u.id AS "userId", u.email, u.name, m.role, m.created_at AS "joinedAt"
       FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = $1 AND m.user_id = $2`,
    [tenantId, userId],
  );
  return r.rows[0] ?? null;
}

export async function findMemberByEmail(db: Queryable, tenantId: string, email: string): Promise<MemberRow | null> {
  const r = await db.query(
    `SELECT u.id AS "userId", u.email, u.name, m.role, m.created_at AS "joinedAt"
       FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = $1 AND u.email = $2`,
    [tenantId, email.toLowerCase()],
  );
  return r.rows[0] ?? null;
}

export async function countOwners(tx: Queryable, tenantId: string): Promise<number> {
  const r = await tx.query(`SELECT count(*)::int AS n FROM memberships WHERE tenant_id = $1 AND role = 'owner'`, [
    tenantId,
  ]);
  return r.rows[0].n;
}

export async function updateMemberRole(tx: Queryable, tenantId: string, userId: string, role: Role): Promise<void> {
  await tx.query(`UPDATE memberships SET role = $3 WHERE tenant_id = $1 AND user_id = $2`, [tenantId, userId, role]);
}

export async function deleteMember(tx: Queryable, tenantId: string, userId: string): Promise<void> {
  await tx.query(`DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2`, [tenantId, userId]);
}

// --- invites -------------------------------------------------------------------------------------

const INVITE_COLS = `i.id, i.tenant_id AS "tenantId", i.email, i.role, i.invited_by_id AS "invitedById", u.email AS "invitedByEmail",
  i.created_at AS "createdAt", i.expires_at AS "expiresAt", i.accepted_at AS "acceptedAt", i.revoked_at AS "revokedAt"`;

export async function insertInvite(
  tx: Queryable,
  i: {
    id: string;
    tenantId: string;
    email: string;
    role: Role;
    tokenHash: string;
    invitedById: string;
    expiresAt: Date;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO invites (id, tenant_id, email, role, token_hash, invited_by_id, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [i.id, i.tenantId, i.email, i.role, i.tokenHash, i.invitedById, i.expiresAt],
  );
}

export async function listPendingInvitesOfTenant(db: Queryable, tenantId: string, now: Date): Promise<InviteRow[]> {
  const r = await db.query(
    `SELECT ${INVITE_COLS} FROM invites i LEFT JOIN users u ON u.id = i.invited_by_id
      WHERE i.tenant_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2
      ORDER BY i.created_at DESC`,
    [tenantId, now],
  );
  return r.rows;
}

export async function findPendingInviteByEmail(
  tx: Queryable,
  tenantId: string,
  email: string,
  now: Date,
): Promise<InviteRow | null> {
  const r = await tx.query(
    `SELECT ${INVITE_COLS} FROM invites i LEFT JOIN users u ON u.id = i.invited_by_id
      WHERE i.tenant_id = $1 AND i.email = $2 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $3`,
    [tenantId, email, now],
  );
  return r.rows[0] ?? null;
}

export async function findInvite(db: Queryable, tenantId: string, id: string): Promise<InviteRow | null> {
  const r = await db.query(
    `SELECT ${INVITE_COLS} FROM invites i LEFT JOIN users u ON u.id = i.invited_by_id WHERE i.tenant_id = $1 AND i.id = $2`,
    [tenantId, id],
  );
  return r.rows[0] ?? null;
}

/** By token: the one lookup before the tenant is known (the invite link). `lock` takes a row lock. */
export async function findInviteByTokenHash(
  db: Queryable,
  tokenHash: string,
  lock = false,
): Promise<(InviteRow & { tenant: TenantRow }) | null> {
  const r = await db.query(
    `SELECT ${INVITE_COLS}, t.name AS "tenantName", t.slug AS "tenantSlug", t.account_id AS "tenantAccountId", t.created_at AS "tenantCreatedAt"
       FROM invites i JOIN tenants t ON t.id = i.tenant_id LEFT JOIN users u ON u.id = i.invited_by_id
      WHERE i.token_hash = $1 ${lock ? "FOR UPDATE OF i" : ""}`,
    [tokenHash],
  );
  const row = r.rows[0];
  if (!row) return null;
  const { tenantName, tenantSlug, tenantAccountId, tenantCreatedAt, ...invite } = row;
  return {
    ...invite,
    tenant: {
      id: invite.tenantId,
      name: tenantName,
      slug: tenantSlug,
      accountId: tenantAccountId,
      createdAt: tenantCreatedAt,
    },
  };
}

export async function markInviteRevoked(tx: Queryable, tenantId: string, id: string): Promise<boolean> {
  const r = await tx.query(
    `UPDATE invites SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL AND accepted_at IS NULL`,
    [tenantId, id],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function markInviteAccepted(tx: Queryable, tenantId: string, id: string): Promise<void> {
  await tx.query(`UPDATE invites SET accepted_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
}

/** Operator lookup (CLI), not tenant-scoped: tenants whose id, slug or exact name is `ref`, best match first. */
export async function findTenantsByRef(db: Queryable, ref: string): Promise<TenantRow[]> {
  const r = await db.query(
    `SELECT ${TENANT_COLS} FROM tenants t WHERE t.id = $1 OR t.slug = $1 OR t.name = $1 ORDER BY (t.id = $1) DESC, (t.slug = $1) DESC, t.created_at LIMIT 5`,
    [ref],
  );
  return r.rows;
}

// --- tenant deletion -----------------------------------------------------------------------------

export type TenantFootprint = { queues: number; topics: number; members: number; apiKeys: number };

/** What a deletion will remove, for the confirmation and the audit row. */
export async function tenantFootprint(db: Queryable, tenantId: string): Promise<TenantFootprint> {
  const r = await db.query(
    `SELECT (SELECT count(*) FROM queues WHERE tenant_id = $1)::int AS queues,
            (SELECT count(*) FROM topics WHERE tenant_id = $1)::int AS topics,
            (SELECT count(*) FROM memberships WHERE tenant_id = $1)::int AS members,
            (SELECT count(*) FROM api_keys WHERE tenant_id = $1)::int AS "apiKeys"`,
    [tenantId],
  );
  return r.rows[0];
}

/**
 * Deletes the tenant row; foreign keys (migration 20261201120000_tenant_foreign_keys) cascade to
 * every table it owns. The per-minute counters have no key (they are flushed for many tenants in
 * one statement), so they go here, and so do the tenant's waiting pg-boss jobs: a job whose rows
 * are gone would only run to find nothing. Active jobs are left to finish (they find nothing).
 */
export async function deleteTenantRows(tx: Queryable, tenantId: string, bossSchema: string): Promise<boolean> {
  await tx.query(`DELETE FROM queue_metrics WHERE tenant_id = $1`, [tenantId]);
  await tx.query(`DELETE FROM delivery_metrics_minute WHERE tenant_id = $1`, [tenantId]);
  // Invocations (rule/schedule/function deliveries) hang off no topic, so no key cascades to them;
  // a key to tenants would cost every topic delivery a lock on its tenant row (migration 20261202010000).
  await tx.query(`DELETE FROM deliveries WHERE tenant_id = $1 AND source_kind <> 'topic'`, [tenantId]);
  const boss = await tx.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [`"${bossSchema}".job`]);
  if (boss.rows[0]?.present) {
    await tx.query(
      `DELETE FROM "${bossSchema}".job
        WHERE state <> 'active'
          AND (data->>'tenantId' = $1
               OR (name = 'queues.move-task' AND data->>'taskId' IN (SELECT id FROM queue_move_tasks WHERE tenant_id = $1)))`,
      [tenantId],
    );
  }
  const r = await tx.query(`DELETE FROM tenants WHERE id = $1`, [tenantId]);
  await tx.query(`SELECT pg_notify($1, $2)`, [TENANT_DELETED_CHANNEL, tenantId]);
  return (r.rowCount ?? 0) > 0;
}

/** A tenant (by slug or id) together with the user's membership in it; null when not a member. */
export async function findMembershipScope(db: Queryable, userId: string, tenantRef: string) {
  const r = await db.query(
    `SELECT t.id, t.slug, t.name, t.account_id, m.role, u.email
       FROM tenants t JOIN memberships m ON m.tenant_id = t.id AND m.user_id = $1
       JOIN users u ON u.id = m.user_id
      WHERE t.slug = $2 OR t.id = $2 LIMIT 1`,
    [userId, tenantRef],
  );
  return (
    (r.rows[0] as
      { id: string; slug: string; name: string; account_id: string; role: string; email: string } | undefined) ?? null
  );
}

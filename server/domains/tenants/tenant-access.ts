import { AppError } from "../../core/errors";
import { pool } from "../../db";
import type { Actor, Role } from "../../auth/permissions";

// Resolves "user X acting in tenant <slug or id>" into an actor with a role. A tenant the user
// does not belong to is reported as not found, so tenants cannot be probed.
export type TenantScope = {
  tenant: { id: string; slug: string; name: string; accountId: string };
  actor: Extract<Actor, { type: "user" }>;
};

export async function resolveTenantScope(userId: string, tenantRef: string): Promise<TenantScope> {
  const r = await pool().query(
    `SELECT t.id, t.slug, t.name, t.account_id, m.role, u.email
       FROM tenants t JOIN memberships m ON m.tenant_id = t.id AND m.user_id = $1
       JOIN users u ON u.id = m.user_id
      WHERE t.slug = $2 OR t.id = $2 LIMIT 1`,
    [userId, tenantRef],
  );
  const row = r.rows[0];
  if (!row) throw new AppError("not_found", "No such tenant, or you are not a member of it.");
  return {
    tenant: { id: row.id, slug: row.slug, name: row.name, accountId: row.account_id },
    actor: { type: "user", userId, email: row.email, role: row.role as Role },
  };
}

import { AppError } from "../../core/errors";
import { pool } from "../../db";
import { findMembershipScope } from "./tenant.repository";
import type { Actor, Role } from "../../auth/permissions";

// Resolves "user X acting in tenant <slug or id>" into an actor with a role. A tenant the user
// does not belong to is reported as not found, so tenants cannot be probed.
export type TenantScope = {
  tenant: { id: string; slug: string; name: string; accountId: string };
  actor: Extract<Actor, { type: "user" }>;
};

export async function resolveTenantScope(userId: string, tenantRef: string): Promise<TenantScope> {
  const row = await findMembershipScope(pool(), userId, tenantRef);
  if (!row) throw new AppError("not_found", "No such tenant, or you are not a member of it.");
  return {
    tenant: { id: row.id, slug: row.slug, name: row.name, accountId: row.account_id },
    actor: { type: "user", userId, email: row.email, role: row.role as Role },
  };
}

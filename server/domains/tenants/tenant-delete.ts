import { AppError } from "../../core/errors";
import { assertCan, type Actor } from "../../auth/permissions";
import { withTransaction } from "../../db";
import { recordAudit } from "../audit/audit.service";
import { forgetTenantKeys } from "../api-keys/api-key.service";
import { deleteTenantRows, findTenant, lockTenant, tenantFootprint } from "./tenant.repository";
import { deleteTenantInput } from "./tenant.schemas";

// Deleting a team: everything it owns goes in one transaction (foreign keys cascade from the
// tenant row), its waiting background jobs with it, and every process drops what it cached about
// it when the transaction commits (NOTIFY on signalbox_tenant_deleted). Jobs already running find
// their rows gone and end without error.

// Same default as server/jobs/boss.ts (not imported: the jobs layer sits above the domains).
const bossSchema = () => process.env.SIGNALBOX_BOSS_SCHEMA || "pgboss";

/**
 * Deletes a tenant and everything of it. Owners only (the CLI acts as owner); `confirmName` must be
 * the team's name as shown. The audit row has no tenant (the team's own trail goes with it), so
 * the operator can still see who deleted which team.
 */
export async function deleteTenant(actor: Actor, tenantId: string, input: { confirmName: string }) {
  assertCan(actor.role, "tenant:delete");
  const { confirmName } = deleteTenantInput.parse(input);
  const result = await withTransaction(async (tx) => {
    await lockTenant(tx, tenantId);
    const tenant = await findTenant(tx, tenantId);
    if (!tenant) throw new AppError("not_found", "No such tenant.");
    if (confirmName.trim() !== tenant.name) {
      throw new AppError("validation", `Type the team's name, ${tenant.name}, to confirm.`, {
        fieldErrors: { confirmName: [`Type ${tenant.name} to confirm`] },
      });
    }
    const footprint = await tenantFootprint(tx, tenantId);
    await deleteTenantRows(tx, tenantId, bossSchema());
    await recordAudit(
      actor,
      null,
      "tenant.delete",
      { type: "tenant", id: tenantId },
      { before: { name: tenant.name, slug: tenant.slug, accountId: tenant.accountId, ...footprint } },
      tx,
    );
    return { id: tenant.id, name: tenant.name, slug: tenant.slug, accountId: tenant.accountId, deleted: footprint };
  });
  forgetTenantKeys(tenantId);
  return result;
}

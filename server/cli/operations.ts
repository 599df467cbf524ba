import os from "node:os";
import { AppError } from "../core/errors";
import { pool, withTransaction } from "../db";
import type { Actor, Role } from "../auth/permissions";
import { recordAudit } from "../domains/audit/audit.service";
import { createUser } from "../domains/users/user.service";
import { resetPassword } from "../domains/users/change-password";
import { findUserByEmail } from "../domains/users/user.repository";
import { createTenantAsOperator, findTenantByRef } from "../domains/tenants/tenant.service";
import { deleteTenant } from "../domains/tenants/tenant-delete";
import { createApiKey, revokeApiKeyById } from "../domains/api-keys/api-key.service";

// The use cases behind the CLI commands: thin calls into the domain services, so the CLI obeys
// the same rules as the console. Every change is audited with actor type "cli".

export type CliActor = Extract<Actor, { type: "cli" }>;

/** The operator at the keyboard: full rights, labelled with OS user and host in the audit log. */
export function cliActor(): CliActor {
  let who = "unknown";
  try {
    who = os.userInfo().username;
  } catch {
    /* no passwd entry (containers) */
  }
  return { type: "cli", label: `cli:${who}@${os.hostname()}`, role: "owner" };
}

export async function cliCreateUser(actor: CliActor, input: { email: string; password: string; name?: string }) {
  return withTransaction(async (tx) => {
    const user = await createUser(input, tx);
    await recordAudit(
      actor,
      null,
      "user.create",
      { type: "user", id: user.id },
      { after: { email: user.email, name: input.name ?? null } },
      tx,
    );
    return user;
  });
}

/** A tenant owned by an existing user (headless setup). */
export async function cliCreateTenant(actor: CliActor, input: { name: string; owner: string }) {
  const owner = await findUserByEmail(pool(), input.owner);
  if (!owner) {
    throw new AppError(
      "not_found",
      `No user with email ${input.owner}. Create one first: signalbox user create --email ${input.owner} --password-stdin`,
      { fieldErrors: { owner: ["No user with this email"] } },
    );
  }
  const t = await createTenantAsOperator(actor, { userId: owner.id, email: owner.email }, { name: input.name });
  return { id: t.id, name: t.name, slug: t.slug, accountId: t.accountId, owner: owner.email };
}

export async function cliCreateKey(
  actor: CliActor,
  input: { tenant: string; name: string; role: Role; expiresAt: Date | null },
) {
  const tenant = await findTenantByRef(input.tenant);
  const key = await createApiKey(actor, tenant.id, { name: input.name, role: input.role, expiresAt: input.expiresAt });
  return { ...key, tenant };
}

export async function cliRevokeKey(actor: CliActor, id: string) {
  return revokeApiKeyById(actor, id);
}

/** `tenant delete <slug|id>`: by slug or id only (names are not unique enough to delete by). */
export async function cliDeleteTenant(actor: CliActor, ref: string) {
  const tenant = await findTenantByRef(ref);
  if (tenant.id !== ref && tenant.slug !== ref)
    throw new AppError("validation", `Name the tenant by its slug (${tenant.slug}) or id to delete it.`, {
      fieldErrors: { tenant: ["Use the slug or id"] },
    });
  return deleteTenant(actor, tenant.id, { confirmName: tenant.name });
}

/** `user reset-password`: a new password set by the operator (forgotten, or locked out). */
export async function cliResetPassword(actor: CliActor, input: { email: string; password: string }) {
  return resetPassword(actor, input.email, input.password);
}

import { randomUUID } from "node:crypto";
import { pool } from "../../server/db";
import { generateAccountId } from "../../server/core/ids";
import { hashPassword } from "../../server/core/crypto/password";
import { createApiKey } from "../../server/domains/api-keys/api-key.service";
import type { Actor, Role } from "../../server/auth/permissions";

// Seed helpers: each test makes its own user, tenant and key with unique names, straight through
// SQL and the services (no HTTP), so tests stay independent and can run in parallel.

export type TestTenant = {
  tenant: { id: string; slug: string; name: string; accountId: string };
  user: { id: string; email: string; password: string };
  actor: Extract<Actor, { type: "user" }>;
  key: { id: string; secret: string };
};

let passwordHashCache: Promise<string> | undefined;
export const TEST_PASSWORD = "correct horse battery staple";

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function createTestUser(opts: { email?: string } = {}) {
  const id = randomUUID();
  const email = (opts.email ?? `${uniqueName("user")}@example.test`).toLowerCase();
  passwordHashCache ??= hashPassword(TEST_PASSWORD);
  await pool().query(`INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4)`, [
    id,
    email,
    email.split("@")[0],
    await passwordHashCache,
  ]);
  return { id, email, password: TEST_PASSWORD };
}

export async function addMember(tenantId: string, userId: string, role: Role) {
  await pool().query(`INSERT INTO memberships (id, tenant_id, user_id, role) VALUES ($1, $2, $3, $4)`, [
    randomUUID(),
    tenantId,
    userId,
    role,
  ]);
}

export async function createTestTenant(opts: { role?: Role; keyRole?: Role; name?: string } = {}): Promise<TestTenant> {
  const user = await createTestUser();
  const name = opts.name ?? uniqueName("team");
  const tenant = { id: randomUUID(), slug: name.toLowerCase(), name, accountId: generateAccountId() };
  await pool().query(`INSERT INTO tenants (id, name, slug, account_id) VALUES ($1, $2, $3, $4)`, [
    tenant.id,
    tenant.name,
    tenant.slug,
    tenant.accountId,
  ]);
  await addMember(tenant.id, user.id, "owner");
  const owner: Extract<Actor, { type: "user" }> = { type: "user", userId: user.id, email: user.email, role: "owner" };
  const key = await createApiKey(owner, tenant.id, { name: "test key", role: opts.keyRole ?? "owner" });
  const role = opts.role ?? "owner";
  if (role !== "owner")
    await pool().query(`UPDATE memberships SET role = $1 WHERE tenant_id = $2 AND user_id = $3`, [
      role,
      tenant.id,
      user.id,
    ]);
  return { tenant, user, actor: { ...owner, role }, key: { id: key.id, secret: key.secret } };
}

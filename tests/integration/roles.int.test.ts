import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { pool } from "../../server/db";
import { appRouter } from "../../server/trpc/root";
import { createCallerFactory, createContext } from "../../server/trpc/trpc";
import { ROLES, type Role } from "../../server/auth/permissions";
import { addMember, createTestTenant, createTestUser, uniqueName, type TestTenant } from "../helpers/fixtures";

// Role enforcement through the console's own door (tRPC callers: the same middleware, input
// parsing and services the browser reaches), for every role against every guarded action.

const createCaller = createCallerFactory(appRouter);
const callerFor = async (userId: string) => createCaller(await createContext({ userId }));

type Action = {
  name: string;
  allowed: readonly Role[];
  run: (t: TestTenant, caller: Awaited<ReturnType<typeof callerFor>>) => Promise<unknown>;
  /** A snapshot of what the action would change; it must be unchanged after a refusal. */
  state: (t: TestTenant) => Promise<unknown>;
};

const managers: Role[] = ["owner", "admin"];
const everyone: Role[] = [...ROLES];

async function auditCount(tenantId: string): Promise<number> {
  return (await pool().query(`SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1`, [tenantId])).rows[0].n;
}
async function keys(tenantId: string) {
  return (await pool().query(`SELECT id, revoked_at FROM api_keys WHERE tenant_id = $1 ORDER BY id`, [tenantId])).rows;
}
async function members(tenantId: string) {
  return (await pool().query(`SELECT user_id, role FROM memberships WHERE tenant_id = $1 ORDER BY user_id`, [tenantId]))
    .rows;
}

const ACTIONS: Action[] = [
  {
    name: "list API keys",
    allowed: everyone,
    run: (t, c) => c.apiKey.list({ tenant: t.tenant.slug }),
    state: (t) => keys(t.tenant.id),
  },
  {
    name: "create an API key",
    allowed: managers,
    run: (t, c) => c.apiKey.create({ tenant: t.tenant.slug, name: "ci", role: "viewer" }),
    state: (t) => keys(t.tenant.id),
  },
  {
    name: "revoke an API key",
    allowed: managers,
    run: (t, c) => c.apiKey.revoke({ tenant: t.tenant.slug, id: t.key.id }),
    state: (t) => keys(t.tenant.id),
  },
  {
    name: "list members",
    allowed: everyone,
    run: (t, c) => c.tenant.members.list({ tenant: t.tenant.slug }),
    state: (t) => members(t.tenant.id),
  },
  {
    name: "invite a member",
    allowed: managers,
    run: (t, c) =>
      c.tenant.invites.create({ tenant: t.tenant.slug, email: `${uniqueName("inv")}@example.test`, role: "viewer" }),
    state: async (t) =>
      (await pool().query(`SELECT count(*)::int AS n FROM invites WHERE tenant_id = $1`, [t.tenant.id])).rows[0].n,
  },
  {
    name: "change a member's role",
    allowed: managers,
    run: async (t, c) => {
      const other = await createTestUser();
      await addMember(t.tenant.id, other.id, "viewer");
      return c.tenant.members.changeRole({ tenant: t.tenant.slug, userId: other.id, role: "developer" });
    },
    state: async (t) => (await members(t.tenant.id)).filter((m) => m.role === "developer").length,
  },
  {
    name: "read the audit log",
    allowed: managers,
    run: (t, c) => c.audit.list({ tenant: t.tenant.slug }),
    state: (t) => auditCount(t.tenant.id),
  },
  {
    name: "rename the tenant",
    allowed: managers,
    run: (t, c) => c.tenant.rename({ tenant: t.tenant.slug, name: "Renamed team" }),
    state: async (t) => (await pool().query(`SELECT name FROM tenants WHERE id = $1`, [t.tenant.id])).rows[0].name,
  },
];

describe.each(ROLES)("as %s", (role) => {
  for (const action of ACTIONS) {
    const allowed = action.allowed.includes(role);
    it(`${allowed ? "may" : "may not"} ${action.name}`, async () => {
      const t = await createTestTenant({ role });
      const caller = await callerFor(t.user.id);
      const before = await action.state(t);
      const auditBefore = await auditCount(t.tenant.id);
      if (allowed) {
        await expect(action.run(t, caller)).resolves.toBeDefined();
      } else {
        const err = await action.run(t, caller).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err, `${role} was allowed to ${action.name}`).toBeInstanceOf(TRPCError);
        expect((err as TRPCError).code).toBe("FORBIDDEN");
        expect(await action.state(t)).toEqual(before);
        expect(await auditCount(t.tenant.id)).toBe(auditBefore);
      }
    });
  }
});

describe("role ceilings and owners", () => {
  it("an admin cannot create a key with a role above their own", async () => {
    const t = await createTestTenant({ role: "admin" });
    const c = await callerFor(t.user.id);
    await expect(c.apiKey.create({ tenant: t.tenant.slug, name: "too strong", role: "owner" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(c.apiKey.create({ tenant: t.tenant.slug, name: "fine", role: "admin" })).resolves.toMatchObject({
      role: "admin",
    });
  });

  it("an admin cannot change an owner's role, and the last owner cannot step down", async () => {
    const t = await createTestTenant({ role: "owner" });
    const admin = await createTestUser();
    await addMember(t.tenant.id, admin.id, "admin");
    const asAdmin = await callerFor(admin.id);
    await expect(
      asAdmin.tenant.members.changeRole({ tenant: t.tenant.slug, userId: t.user.id, role: "viewer" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const asOwner = await callerFor(t.user.id);
    await expect(
      asOwner.tenant.members.changeRole({ tenant: t.tenant.slug, userId: t.user.id, role: "admin" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await members(t.tenant.id)).find((m) => m.user_id === t.user.id)?.role).toBe("owner");
  });

  it("someone signed out is refused before anything else", async () => {
    const t = await createTestTenant();
    const anon = createCaller(await createContext({ userId: null }));
    await expect(anon.apiKey.list({ tenant: t.tenant.slug })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("audit rows for API keys", () => {
  it("records who created and who revoked a key, without its secret", async () => {
    const t = await createTestTenant();
    const c = await callerFor(t.user.id);
    const created = await c.apiKey.create({ tenant: t.tenant.slug, name: "audited", role: "developer" });
    await c.apiKey.revoke({ tenant: t.tenant.slug, id: created.id });
    const rows = (
      await pool().query(
        `SELECT actor_type, actor_id, actor_label, action, target_type, target_id, summary FROM audit_log WHERE tenant_id = $1 AND target_id = $2 ORDER BY id`,
        [t.tenant.id, created.id],
      )
    ).rows;
    expect(rows.map((r) => r.action)).toEqual(["api_key.create", "api_key.revoke"]);
    for (const r of rows) {
      expect(r).toMatchObject({
        actor_type: "user",
        actor_id: t.user.id,
        actor_label: t.user.email,
        target_type: "api_key",
        target_id: created.id,
      });
      expect(JSON.stringify(r)).not.toContain(created.secret);
    }
    expect(rows[0].summary).toMatchObject({ after: { name: "audited", role: "developer" } });
    // The audit page shows them to an owner.
    const page = await c.audit.list({ tenant: t.tenant.slug, action: "api_key." });
    expect(page.items.map((i: { action: string }) => i.action)).toEqual(
      expect.arrayContaining(["api_key.create", "api_key.revoke"]),
    );
  });
});

import { afterAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { pool, closeDb } from "../../db";
import { addMember, createTestTenant, createTestUser, uniqueName } from "../../../tests/helpers/fixtures";
import type { Actor, Role } from "../../auth/permissions";
import { createCallerFactory, createContext } from "../../trpc/trpc";
import { accountRouter } from "../users/user.router";
import { tenantRouter } from "./tenant.router";
import {
  acceptInvite,
  changeMemberRole,
  createInvite,
  createTenant,
  hashInviteToken,
  listInvites,
  previewInvite,
  removeMember,
  renameTenant,
  revokeInvite,
} from "./tenant.service";

type UserActor = Extract<Actor, { type: "user" }>;

async function memberIn(tenantId: string, role: Role): Promise<UserActor> {
  const u = await createTestUser();
  await addMember(tenantId, u.id, role);
  return { type: "user", userId: u.id, email: u.email, role };
}

async function roleOf(tenantId: string, userId: string): Promise<Role | null> {
  const r = await pool().query(`SELECT role FROM memberships WHERE tenant_id = $1 AND user_id = $2`, [
    tenantId,
    userId,
  ]);
  return r.rows[0]?.role ?? null;
}

async function auditActions(
  tenantId: string,
): Promise<{ action: string; actor_label: string; summary: Record<string, unknown> | null }[]> {
  const r = await pool().query(`SELECT action, actor_label, summary FROM audit_log WHERE tenant_id = $1 ORDER BY id`, [
    tenantId,
  ]);
  return r.rows;
}

afterAll(async () => {
  await closeDb();
});

describe("tenants", () => {
  it("creates a tenant with a slug, a 12-digit account id and the creator as owner, with audit rows", async () => {
    const u = await createTestUser();
    const name = `Payments ${uniqueName("x")}`;
    const t = await createTenant({ userId: u.id, email: u.email }, { name });
    expect(t.slug).toMatch(/^payments-x-[0-9a-f]{8}$/);
    expect(t.accountId).toMatch(/^[1-9]\d{11}$/);
    expect(await roleOf(t.id, u.id)).toBe("owner");
    expect((await auditActions(t.id)).map((a) => a.action)).toEqual(["tenant.create", "member.add"]);

    // Same name again: a different, still readable slug.
    const t2 = await createTenant({ userId: u.id, email: u.email }, { name });
    expect(t2.slug).not.toBe(t.slug);
    expect(t2.slug.startsWith(t.slug.slice(0, 20))).toBe(true);
  });

  it("renames with tenant:manage only, and records before/after", async () => {
    const { tenant, actor } = await createTestTenant();
    const viewer = await memberIn(tenant.id, "viewer");
    await expect(renameTenant(viewer, tenant.id, { name: "Nope" })).rejects.toMatchObject({ code: "forbidden" });
    await renameTenant(actor, tenant.id, { name: "Renamed team" });
    const rows = await auditActions(tenant.id);
    const last = rows.at(-1)!;
    expect(last.action).toBe("tenant.rename");
    expect(last.summary).toEqual({ before: { name: tenant.name }, after: { name: "Renamed team" } });
  });
});

describe("members: owner rules and role ceiling", () => {
  it("keeps at least one owner: the last owner can be neither demoted nor removed", async () => {
    const { tenant, actor: owner } = await createTestTenant();
    await expect(changeMemberRole(owner, tenant.id, { userId: owner.userId, role: "admin" })).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(removeMember(owner, tenant.id, { userId: owner.userId })).rejects.toMatchObject({ code: "conflict" });
    expect(await roleOf(tenant.id, owner.userId)).toBe("owner");

    // With a second owner, the first may step down.
    const second = await memberIn(tenant.id, "developer");
    await changeMemberRole(owner, tenant.id, { userId: second.userId, role: "owner" });
    await changeMemberRole(owner, tenant.id, { userId: owner.userId, role: "admin" });
    expect(await roleOf(tenant.id, owner.userId)).toBe("admin");
    const secondAsOwner: UserActor = { ...second, role: "owner" };
    await expect(removeMember(secondAsOwner, tenant.id, { userId: second.userId })).rejects.toMatchObject({
      code: "conflict",
    });
  });

  it("only owners grant or revoke owner; nobody grants above their own role", async () => {
    const { tenant, actor: owner } = await createTestTenant();
    const admin = await memberIn(tenant.id, "admin");
    const dev = await memberIn(tenant.id, "developer");
    await expect(changeMemberRole(admin, tenant.id, { userId: dev.userId, role: "owner" })).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(changeMemberRole(admin, tenant.id, { userId: owner.userId, role: "viewer" })).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(removeMember(admin, tenant.id, { userId: owner.userId })).rejects.toMatchObject({ code: "forbidden" });
    await expect(changeMemberRole(dev, tenant.id, { userId: admin.userId, role: "viewer" })).rejects.toMatchObject({
      code: "forbidden",
    });
    // Within the ceiling an admin manages members.
    await changeMemberRole(admin, tenant.id, { userId: dev.userId, role: "admin" });
    expect(await roleOf(tenant.id, dev.userId)).toBe("admin");
    await removeMember(admin, tenant.id, { userId: dev.userId });
    expect(await roleOf(tenant.id, dev.userId)).toBeNull();
    expect(await roleOf(tenant.id, owner.userId)).toBe("owner");
    const actions = (await auditActions(tenant.id)).map((a) => a.action);
    expect(actions).toContain("member.role_change");
    expect(actions).toContain("member.remove");
  });

  it("lets anyone leave, but not the last owner", async () => {
    const { tenant } = await createTestTenant();
    const viewer = await memberIn(tenant.id, "viewer");
    await removeMember(viewer, tenant.id, { userId: viewer.userId });
    expect(await roleOf(tenant.id, viewer.userId)).toBeNull();
    expect((await auditActions(tenant.id)).at(-1)!.action).toBe("member.leave");
  });
});

describe("invites", () => {
  it("stores only the token's hash, and accepting adds the member with the invite's role", async () => {
    const { tenant, actor: owner } = await createTestTenant();
    const invitee = await createTestUser();
    const inv = await createInvite(owner, tenant.id, { email: invitee.email.toUpperCase(), role: "developer" });
    expect(inv.path).toBe(`/invite/${inv.token}`);
    expect(inv.email).toBe(invitee.email);
    const stored = await pool().query(`SELECT token_hash, expires_at FROM invites WHERE id = $1 AND tenant_id = $2`, [
      inv.id,
      tenant.id,
    ]);
    expect(stored.rows[0].token_hash).toBe(hashInviteToken(inv.token));
    expect(stored.rows[0].token_hash).not.toContain(inv.token);
    const days = (stored.rows[0].expires_at.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);

    expect((await listInvites(owner, tenant.id)).map((i) => i.id)).toEqual([inv.id]);
    const preview = await previewInvite({ userId: invitee.id, email: invitee.email }, inv.token);
    expect(preview).toMatchObject({
      state: "pending",
      role: "developer",
      emailMatches: true,
      alreadyMember: false,
      tenant: { slug: tenant.slug },
    });

    const res = await acceptInvite({ userId: invitee.id, email: invitee.email }, inv.token);
    expect(res.tenant.slug).toBe(tenant.slug);
    expect(await roleOf(tenant.id, invitee.id)).toBe("developer");
    expect(await listInvites(owner, tenant.id)).toEqual([]);
    // A link works once.
    const other = await createTestUser();
    await expect(acceptInvite({ userId: other.id, email: other.email }, inv.token)).rejects.toMatchObject({
      code: "conflict",
    });

    const rows = await auditActions(tenant.id);
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(["invite.create", "invite.accept"]));
    const accepted = rows.find((r) => r.action === "invite.accept")!;
    expect(accepted.actor_label).toBe(invitee.email);
    expect(accepted.summary).toMatchObject({
      after: { invitedEmail: invitee.email, acceptedBy: invitee.email, role: "developer" },
    });
  });

  it("records who accepted when the link is used by another account", async () => {
    const { tenant, actor: owner } = await createTestTenant();
    const inv = await createInvite(owner, tenant.id, {
      email: `${uniqueName("someone")}@example.test`,
      role: "viewer",
    });
    const holder = await createTestUser();
    await acceptInvite({ userId: holder.id, email: holder.email }, inv.token);
    expect(await roleOf(tenant.id, holder.id)).toBe("viewer");
    const accepted = (await auditActions(tenant.id)).find((r) => r.action === "invite.accept")!;
    expect(accepted.summary).toMatchObject({
      after: { invitedEmail: inv.email, acceptedBy: holder.email, emailMatched: false },
    });
  });

  it("caps the invite's role at the inviter's and refuses roles without members:manage", async () => {
    const { tenant } = await createTestTenant();
    const admin = await memberIn(tenant.id, "admin");
    const dev = await memberIn(tenant.id, "developer");
    await expect(createInvite(admin, tenant.id, { email: "a@example.test", role: "owner" })).rejects.toMatchObject({
      code: "forbidden",
      fieldErrors: { role: ["At most admin"] },
    });
    await expect(createInvite(dev, tenant.id, { email: "b@example.test", role: "viewer" })).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(createInvite(admin, tenant.id, { email: admin.email, role: "viewer" })).rejects.toMatchObject({
      code: "conflict",
    });
    await createInvite(admin, tenant.id, { email: "c@example.test", role: "admin" });
    await expect(createInvite(admin, tenant.id, { email: "c@example.test", role: "viewer" })).rejects.toMatchObject({
      code: "conflict",
    });
  });

  it("refuses revoked and expired invites, and unknown tokens", async () => {
    const { tenant, actor: owner } = await createTestTenant();
    const u = await createTestUser();
    const revoked = await createInvite(owner, tenant.id, { email: u.email, role: "viewer" });
    await revokeInvite(owner, tenant.id, revoked.id);
    await expect(acceptInvite({ userId: u.id, email: u.email }, revoked.token)).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(revokeInvite(owner, tenant.id, revoked.id)).rejects.toMatchObject({ code: "conflict" });

    const longAgo = new Date(Date.now() - 8 * 86_400_000);
    const expired = await createInvite(owner, tenant.id, { email: u.email, role: "viewer" }, longAgo);
    await expect(acceptInvite({ userId: u.id, email: u.email }, expired.token)).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(acceptInvite({ userId: u.id, email: u.email }, "x".repeat(43))).rejects.toMatchObject({
      code: "not_found",
    });
    expect(await roleOf(tenant.id, u.id)).toBeNull();
    expect((await auditActions(tenant.id)).map((a) => a.action)).toContain("invite.revoke");
  });

  it("cannot revoke another tenant's invite", async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const inv = await createInvite(a.actor, a.tenant.id, { email: `${uniqueName("x")}@example.test`, role: "viewer" });
    await expect(revokeInvite(b.actor, b.tenant.id, inv.id)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("through tRPC", () => {
  it("sign-up creates user, first tenant and owner membership in one go; a taken email is a field error", async () => {
    const caller = createCallerFactory(accountRouter)(await createContext({ userId: null }));
    const email = `${uniqueName("signup")}@example.test`;
    const r = await caller.signUp({
      email,
      password: "a long enough password",
      name: "Ada",
      teamName: `Team ${uniqueName("t")}`,
    });
    expect(await roleOf(r.tenant.id, r.userId)).toBe("owner");
    expect((await auditActions(r.tenant.id)).map((a) => a.action)).toEqual([
      "tenant.create",
      "member.add",
      "account.sign_up",
    ]);
    const again = await caller
      .signUp({ email: email.toUpperCase(), password: "a long enough password", teamName: "Other" })
      .catch((e) => e);
    expect(again).toBeInstanceOf(TRPCError);
    expect(again.code).toBe("CONFLICT");
    const short = await caller
      .signUp({ email: `${uniqueName("s")}@example.test`, password: "short", teamName: "Other" })
      .catch((e) => e);
    expect(short.code).toBe("BAD_REQUEST");
    // No half-made accounts: the failed sign-ups left no user behind.
    const n = await pool().query(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [email]);
    expect(n.rows[0].n).toBe(1);
  });

  it("a viewer is refused member and invite changes (FORBIDDEN), and outsiders see NOT_FOUND", async () => {
    const { tenant, actor: owner } = await createTestTenant();
    const viewer = await memberIn(tenant.id, "viewer");
    const asViewer = createCallerFactory(tenantRouter)(await createContext({ userId: viewer.userId }));
    await expect(
      asViewer.invites.create({ tenant: tenant.slug, email: "x@example.test", role: "viewer" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      asViewer.members.changeRole({ tenant: tenant.slug, userId: owner.userId, role: "viewer" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asViewer.rename({ tenant: tenant.slug, name: "Hijacked" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect((await asViewer.get({ tenant: tenant.slug })).role).toBe("viewer");
    const outsider = await createTestUser();
    const asOutsider = createCallerFactory(tenantRouter)(await createContext({ userId: outsider.id }));
    await expect(asOutsider.members.list({ tenant: tenant.slug })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const mine = await asViewer.list();
    expect(mine.map((t) => t.slug)).toContain(tenant.slug);
  });
});

import { createHash, randomBytes, randomUUID } from "node:crypto";
import { AppError } from "../../core/errors";
import { generateAccountId, slugify } from "../../core/ids";
import { assertCan, permissionsOf, roleAtMost, type Actor, type Role } from "../../auth/permissions";
import { pool, withTransaction, type Queryable } from "../../db";
import { env } from "../../env";
import { recordAudit } from "../audit/audit.service";
import type { TenantScope } from "./tenant-access";
import {
  countOwners,
  deleteMember,
  findInvite,
  findInviteByTokenHash,
  findMember,
  findMemberByEmail,
  findPendingInviteByEmail,
  findTenant,
  findTenantsByRef,
  insertInvite,
  insertMembership,
  insertTenantIfFree,
  listMembersOfTenant,
  listPendingInvitesOfTenant,
  listTenantsOfUser,
  lockTenant,
  markInviteAccepted,
  markInviteRevoked,
  updateMemberRole,
  updateTenantName,
  type TenantRow,
} from "./tenant.repository";
import {
  changeRoleInput,
  createInviteInput,
  createTenantInput,
  INVITE_TTL_MS,
  removeMemberInput,
  renameTenantInput,
  type CreateInviteInput,
  type CreateTenantInput,
} from "./tenant.schemas";

type UserActor = Extract<Actor, { type: "user" }>;
export type SignedInUser = { userId: string; email: string };

// --- tenants -------------------------------------------------------------------------------------

/**
 * Creates a tenant with the user as its owner. Pass `tx` to make it part of a larger transaction
 * (sign-up creates the user, the tenant and the membership together).
 */
export async function createTenant(
  user: SignedInUser,
  input: CreateTenantInput,
  tx?: Queryable,
): Promise<TenantRow & { role: Role }> {
  const { name } = createTenantInput.parse(input);
  const actor: UserActor = { type: "user", userId: user.userId, email: user.email, role: "owner" };
  const run = async (q: Queryable) => ({
    ...(await insertTenantWithOwner(actor, name, user, {}, q)),
    role: "owner" as Role,
  });
  return tx ? run(tx) : withTransaction(run);
}

/**
 * Inserts the tenant and its owner's membership with their audit rows (as `actor`). Slugs and
 * account ids are unique; on a clash it tries again with a short random suffix.
 */
async function insertTenantWithOwner(
  actor: Actor,
  name: string,
  owner: SignedInUser,
  auditExtra: Record<string, unknown>,
  q: Queryable,
): Promise<TenantRow> {
  const base = slugify(name);
  const id = randomUUID();
  for (let attempt = 0; attempt < 8; attempt++) {
    const slug = attempt === 0 ? base : `${base.slice(0, 33)}-${randomBytes(3).toString("hex")}`;
    const accountId = generateAccountId();
    if (await insertTenantIfFree(q, { id, name, slug, accountId })) {
      await insertMembership(q, { id: randomUUID(), tenantId: id, userId: owner.userId, role: "owner" });
      await recordAudit(
        actor,
        id,
        "tenant.create",
        { type: "tenant", id },
        { after: { name, slug, accountId, ...auditExtra } },
        q,
      );
      await recordAudit(
        actor,
        id,
        "member.add",
        { type: "user", id: owner.userId },
        { after: { email: owner.email, role: "owner" } },
        q,
      );
      return { id, name, slug, accountId, createdAt: new Date() };
    }
  }
  throw new AppError("conflict", "Could not find a free address for this team; try another name.", {
    fieldErrors: { name: ["Try another name"] },
  });
}

export async function renameTenant(actor: UserActor, tenantId: string, input: { name: string }) {
  assertCan(actor.role, "tenant:manage");
  const { name } = renameTenantInput.parse(input);
  return withTransaction(async (tx) => {
    const before = await findTenant(tx, tenantId);
    if (!before) throw new AppError("not_found", "No such tenant.");
    await updateTenantName(tx, tenantId, name);
    await recordAudit(
      actor,
      tenantId,
      "tenant.rename",
      { type: "tenant", id: tenantId },
      { before: { name: before.name }, after: { name } },
      tx,
    );
    return { ...before, name };
  });
}

export async function listMyTenants(userId: string) {
  return listTenantsOfUser(pool(), userId);
}

/** The tenant as the console shows it: identity, ARN prefix and the caller's role and permissions. */
export function describeTenant(scope: TenantScope) {
  const region = env().SIGNALBOX_REGION;
  return {
    ...scope.tenant,
    region,
    arnPrefix: `arn:aws:<service>:${region}:${scope.tenant.accountId}:`,
    role: scope.actor.role,
    permissions: permissionsOf(scope.actor.role),
  };
}

// --- members -------------------------------------------------------------------------------------

export async function listMembers(actor: UserActor, tenantId: string) {
  assertCan(actor.role, "resource:read");
  return listMembersOfTenant(pool(), tenantId);
}

/** Only owners may grant or take away the owner role; nobody can give a role above their own. */
function assertMayTouch(actor: UserActor, currentRole: Role, nextRole?: Role) {
  if ((currentRole === "owner" || nextRole === "owner") && actor.role !== "owner") {
    throw new AppError("forbidden", "Only owners can grant or remove the owner role.");
  }
  if (!roleAtMost(currentRole, actor.role))
    throw new AppError("forbidden", "You cannot change a member whose role is above your own.");
  if (nextRole && !roleAtMost(nextRole, actor.role)) {
    throw new AppError("forbidden", `You can grant at most your own role (${actor.role}).`, {
      fieldErrors: { role: [`At most ${actor.role}`] },
    });
  }
}

export async function changeMemberRole(actor: UserActor, tenantId: string, input: { userId: string; role: Role }) {
  assertCan(actor.role, "members:manage");
  const { userId, role } = changeRoleInput.parse(input);
  return withTransaction(async (tx) => {
    await lockTenant(tx, tenantId);
    const member = await findMember(tx, tenantId, userId);
    if (!member) throw new AppError("not_found", "No such member in this tenant.");
    assertMayTouch(actor, member.role, role);
    if (member.role === role) return { ...member };
    if (member.role === "owner" && (await countOwners(tx, tenantId)) <= 1) {
      throw new AppError("conflict", "A tenant always keeps at least one owner. Make someone else an owner first.");
    }
    await updateMemberRole(tx, tenantId, userId, role);
    await recordAudit(
      actor,
      tenantId,
      "member.role_change",
      { type: "user", id: userId },
      { before: { email: member.email, role: member.role }, after: { email: member.email, role } },
      tx,
    );
    return { ...member, role };
  });
}

/** Removes a member; anyone may remove themselves (leave), within the same owner rule. */
export async function removeMember(actor: UserActor, tenantId: string, input: { userId: string }) {
  const { userId } = removeMemberInput.parse(input);
  const leaving = userId === actor.userId;
  if (!leaving) assertCan(actor.role, "members:manage");
  return withTransaction(async (tx) => {
    await lockTenant(tx, tenantId);
    const member = await findMember(tx, tenantId, userId);
    if (!member) throw new AppError("not_found", "No such member in this tenant.");
    if (!leaving) assertMayTouch(actor, member.role);
    if (member.role === "owner" && (await countOwners(tx, tenantId)) <= 1) {
      throw new AppError("conflict", "A tenant always keeps at least one owner. Make someone else an owner first.");
    }
    await deleteMember(tx, tenantId, userId);
    await recordAudit(
      actor,
      tenantId,
      leaving ? "member.leave" : "member.remove",
      { type: "user", id: userId },
      { before: { email: member.email, role: member.role } },
      tx,
    );
    return { userId, removed: true };
  });
}

// --- invites -------------------------------------------------------------------------------------

export function hashInviteToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Creates an invite; the token is returned once (as the link path) and only its hash is stored. */
export async function createInvite(actor: UserActor, tenantId: string, input: CreateInviteInput, now = new Date()) {
  assertCan(actor.role, "members:manage");
  const { email, role } = createInviteInput.parse(input);
  if (!roleAtMost(role, actor.role)) {
    throw new AppError("forbidden", `An invite can carry at most your own role (${actor.role}).`, {
      fieldErrors: { role: [`At most ${actor.role}`] },
    });
  }
  const token = randomBytes(32).toString("base64url");
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + INVITE_TTL_MS);
  await withTransaction(async (tx) => {
    if (await findMemberByEmail(tx, tenantId, email)) {
      throw new AppError("conflict", `${email} is already a member.`, {
        fieldErrors: { email: ["Already a member of this team"] },
      });
    }
    if (await findPendingInviteByEmail(tx, tenantId, email, now)) {
      throw new AppError("conflict", `${email} already has a pending invite.`, {
        fieldErrors: { email: ["Already invited: revoke the pending invite to send a new one"] },
      });
    }
    await insertInvite(tx, {
      id,
      tenantId,
      email,
      role,
      tokenHash: hashInviteToken(token),
      invitedById: actor.userId,
      expiresAt,
    });
    await recordAudit(
      actor,
      tenantId,
      "invite.create",
      { type: "invite", id },
      { after: { email, role, expiresAt } },
      tx,
    );
  });
  return { id, email, role, expiresAt, token, path: `/invite/${token}` };
}

export async function listInvites(actor: UserActor, tenantId: string, now = new Date()) {
  assertCan(actor.role, "members:manage");
  return listPendingInvitesOfTenant(pool(), tenantId, now);
}

export async function revokeInvite(actor: UserActor, tenantId: string, id: string) {
  assertCan(actor.role, "members:manage");
  return withTransaction(async (tx) => {
    const invite = await findInvite(tx, tenantId, id);
    if (!invite) throw new AppError("not_found", "No such invite in this tenant.");
    if (!(await markInviteRevoked(tx, tenantId, id)))
      throw new AppError("conflict", "This invite was already used or revoked.");
    await recordAudit(
      actor,
      tenantId,
      "invite.revoke",
      { type: "invite", id },
      { before: { email: invite.email, role: invite.role } },
      tx,
    );
    return { id, revoked: true };
  });
}

type InviteState = "pending" | "accepted" | "revoked" | "expired";
function stateOf(i: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }, now: Date): InviteState {
  if (i.acceptedAt) return "accepted";
  if (i.revokedAt) return "revoked";
  if (i.expiresAt.getTime() <= now.getTime()) return "expired";
  return "pending";
}

/** What the invite page shows before accepting. Unknown tokens are "not found". */
export async function previewInvite(user: SignedInUser, token: string, now = new Date()) {
  const invite = await findInviteByTokenHash(pool(), hashInviteToken(token));
  if (!invite) throw new AppError("not_found", "This invite link is not valid.");
  const alreadyMember = !!(await findMember(pool(), invite.tenantId, user.userId));
  return {
    tenant: { name: invite.tenant.name, slug: invite.tenant.slug },
    email: invite.email,
    role: invite.role,
    invitedBy: invite.invitedByEmail,
    expiresAt: invite.expiresAt,
    state: stateOf(invite, now),
    alreadyMember,
    emailMatches: invite.email.toLowerCase() === user.email.toLowerCase(),
  };
}

/**
 * Accepts an invite as the signed-in user. Whoever holds the link may accept it (the link is the
 * secret); the audit row records who did and which email was invited.
 */
export async function acceptInvite(user: SignedInUser, token: string, now = new Date()) {
  return withTransaction(async (tx) => {
    const invite = await findInviteByTokenHash(tx, hashInviteToken(token), true);
    if (!invite) throw new AppError("not_found", "This invite link is not valid.");
    const state = stateOf(invite, now);
    if (state !== "pending")
      throw new AppError(
        "conflict",
        `This invite has ${state === "expired" ? "expired" : `already been ${state}`}. Ask for a new one.`,
      );
    if (await findMember(tx, invite.tenantId, user.userId))
      throw new AppError("conflict", `You are already a member of ${invite.tenant.name}.`);
    await insertMembership(tx, { id: randomUUID(), tenantId: invite.tenantId, userId: user.userId, role: invite.role });
    await markInviteAccepted(tx, invite.tenantId, invite.id);
    const actor: UserActor = { type: "user", userId: user.userId, email: user.email, role: invite.role };
    await recordAudit(
      actor,
      invite.tenantId,
      "invite.accept",
      { type: "invite", id: invite.id },
      {
        after: {
          invitedEmail: invite.email,
          acceptedBy: user.email,
          role: invite.role,
          emailMatched: invite.email === user.email.toLowerCase(),
        },
      },
      tx,
    );
    return { tenant: { id: invite.tenant.id, name: invite.tenant.name, slug: invite.tenant.slug }, role: invite.role };
  });
}

// --- operator (CLI) ------------------------------------------------------------------------------

/**
 * Headless setup (`signalbox tenant create`): a tenant owned by an existing user, audited as the
 * operator who made it rather than as the owner.
 */
export async function createTenantAsOperator(
  actor: Actor,
  owner: SignedInUser,
  input: CreateTenantInput,
): Promise<TenantRow> {
  assertCan(actor.role, "tenant:manage");
  const { name } = createTenantInput.parse(input);
  return withTransaction((q) => insertTenantWithOwner(actor, name, owner, { owner: owner.email }, q));
}

/** Operator lookup by id, slug or exact name; an ambiguous name is an error naming the candidates. */
export async function findTenantByRef(ref: string): Promise<TenantRow> {
  const rows = await findTenantsByRef(pool(), ref);
  if (rows.length === 0)
    throw new AppError("not_found", `No tenant with id, slug or name "${ref}".`, {
      fieldErrors: { tenant: ["No such tenant"] },
    });
  const exact = rows.find((t) => t.id === ref || t.slug === ref);
  if (!exact && rows.length > 1) {
    throw new AppError(
      "conflict",
      `Several tenants are named "${ref}"; use the slug or id: ${rows.map((t) => t.slug).join(", ")}.`,
      { fieldErrors: { tenant: ["Ambiguous name"] } },
    );
  }
  return exact ?? rows[0];
}

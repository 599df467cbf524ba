import { authedProcedure, router, tenantProcedure } from "../../trpc/trpc";
import { pool } from "../../db";
import { findUserById } from "../users/user.repository";
import { AppError } from "../../core/errors";
import {
  changeRoleInput,
  createInviteInput,
  createTenantInput,
  deleteTenantInput,
  inviteTokenInput,
  removeMemberInput,
  renameTenantInput,
  revokeInviteInput,
} from "./tenant.schemas";
import {
  acceptInvite,
  changeMemberRole,
  createInvite,
  createTenant,
  describeTenant,
  listInvites,
  listMembers,
  listMyTenants,
  previewInvite,
  removeMember,
  renameTenant,
  revokeInvite,
} from "./tenant.service";
import { deleteTenant } from "./tenant-delete";

async function signedInUser(userId: string) {
  const u = await findUserById(pool(), userId);
  if (!u) throw new AppError("unauthenticated", "Your account no longer exists.");
  return { userId: u.id, email: u.email };
}

export const tenantRouter = router({
  list: authedProcedure.query(({ ctx }) => listMyTenants(ctx.userId)),
  create: authedProcedure
    .input(createTenantInput)
    .mutation(async ({ ctx, input }) => createTenant(await signedInUser(ctx.userId), input)),
  get: tenantProcedure.query(({ ctx }) => describeTenant({ tenant: ctx.tenant, actor: ctx.actor })),
  rename: tenantProcedure
    .input(renameTenantInput)
    .mutation(({ ctx, input }) => renameTenant(ctx.actor, ctx.tenant.id, input)),
  delete: tenantProcedure
    .input(deleteTenantInput)
    .mutation(({ ctx, input }) => deleteTenant(ctx.actor, ctx.tenant.id, input)),
  members: router({
    list: tenantProcedure.query(({ ctx }) => listMembers(ctx.actor, ctx.tenant.id)),
    changeRole: tenantProcedure
      .input(changeRoleInput)
      .mutation(({ ctx, input }) => changeMemberRole(ctx.actor, ctx.tenant.id, input)),
    remove: tenantProcedure
      .input(removeMemberInput)
      .mutation(({ ctx, input }) => removeMember(ctx.actor, ctx.tenant.id, input)),
  }),
  invites: router({
    list: tenantProcedure.query(({ ctx }) => listInvites(ctx.actor, ctx.tenant.id)),
    create: tenantProcedure
      .input(createInviteInput)
      .mutation(({ ctx, input }) => createInvite(ctx.actor, ctx.tenant.id, input)),
    revoke: tenantProcedure
      .input(revokeInviteInput)
      .mutation(({ ctx, input }) => revokeInvite(ctx.actor, ctx.tenant.id, input.id)),
    // Not tenant-scoped: the invitee is not a member yet; the token names the tenant.
    preview: authedProcedure
      .input(inviteTokenInput)
      .query(async ({ ctx, input }) => previewInvite(await signedInUser(ctx.userId), input.token)),
    accept: authedProcedure
      .input(inviteTokenInput)
      .mutation(async ({ ctx, input }) => acceptInvite(await signedInUser(ctx.userId), input.token)),
  }),
});

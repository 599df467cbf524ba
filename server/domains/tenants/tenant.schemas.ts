import { z } from "zod";
import { ROLES } from "../../auth/permissions";

export const tenantNameSchema = z.string().trim().min(2, "At least 2 characters").max(60, "At most 60 characters");
export const roleSchema = z.enum(ROLES);

export const createTenantInput = z.object({ name: tenantNameSchema });
export const renameTenantInput = z.object({ name: tenantNameSchema });
export const changeRoleInput = z.object({ userId: z.string().min(1), role: roleSchema });
export const removeMemberInput = z.object({ userId: z.string().min(1) });
export const createInviteInput = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address").max(254),
  role: roleSchema,
});
export const revokeInviteInput = z.object({ id: z.string().min(1) });
// Invite tokens are 32 random bytes in base64url (43 characters).
export const inviteTokenInput = z.object({ token: z.string().min(20).max(200) });

export type CreateTenantInput = z.infer<typeof createTenantInput>;
export type CreateInviteInput = z.infer<typeof createInviteInput>;

/** Invites are valid for 7 days. */
export const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

// The person types the team's name to confirm: a slip of the mouse cannot delete a team.
export const deleteTenantInput = z.object({ confirmName: z.string().max(200) });

import { z } from "zod";
import { authedProcedure, publicProcedure, router } from "../../trpc/trpc";
import { AppError } from "../../core/errors";
import { pool, withTransaction } from "../../db";
import { recordAudit } from "../audit/audit.service";
import { createTenant } from "../tenants/tenant.service";
import { listMyTenants } from "../tenants/tenant.service";
import { tenantNameSchema } from "../tenants/tenant.schemas";
import { createUser, emailSchema, passwordSchema, signOutEverywhere } from "./user.service";
import { findUserById } from "./user.repository";
import { changePassword, changePasswordInput } from "./change-password";

export const signUpInput = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: z.string().trim().max(100, "At most 100 characters").optional(),
  teamName: tenantNameSchema,
});

/** Sign-up: the user, their first tenant and the owner membership, in one transaction with audit rows. */
async function signUp(input: z.infer<typeof signUpInput>) {
  try {
    return await withTransaction(async (tx) => {
      const user = await createUser({ email: input.email, password: input.password, name: input.name || null }, tx);
      const tenant = await createTenant({ userId: user.id, email: user.email }, { name: input.teamName }, tx);
      await recordAudit(
        { type: "user", userId: user.id, email: user.email, role: "owner" },
        tenant.id,
        "account.sign_up",
        { type: "user", id: user.id },
        { after: { email: user.email } },
        tx,
      );
      return { userId: user.id, email: user.email, tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name } };
    });
  } catch (e) {
    // Two sign-ups racing for one email: the unique index decides.
    if ((e as { code?: string }).code === "23505")
      throw new AppError("conflict", "An account with this email already exists.", {
        fieldErrors: { email: ["An account with this email already exists"] },
      });
    throw e;
  }
}

export const accountRouter = router({
  signUp: publicProcedure.input(signUpInput).mutation(({ input }) => signUp(input)),
  me: authedProcedure.query(async ({ ctx }) => {
    const user = await findUserById(pool(), ctx.userId);
    if (!user) throw new AppError("unauthenticated", "Your account no longer exists.");
    const tenants = await listMyTenants(ctx.userId);
    return { user: { id: user.id, email: user.email, name: user.name, createdAt: user.createdAt }, tenants };
  }),
  /** Ends every session of this user on every device (their JWTs stop working at next use). */
  signOutEverywhere: authedProcedure.mutation(async ({ ctx }) => {
    await signOutEverywhere(ctx.userId);
    return { ok: true };
  }),
  /** Also ends every session; the console signs in again with the new password. */
  changePassword: authedProcedure
    .input(changePasswordInput)
    .mutation(({ ctx, input }) => changePassword(ctx.userId, input)),
});

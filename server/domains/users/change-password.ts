import { z } from "zod";
import { AppError } from "../../core/errors";
import { hashPassword, verifyPassword } from "../../core/crypto/password";
import { pool, withTransaction } from "../../db";
import { recordAudit } from "../audit/audit.service";
import type { Actor } from "../../auth/permissions";
import {
  bumpSessionVersion,
  findUserByEmail,
  findUserById,
  recordAccountCleared,
  updatePasswordHash,
} from "./user.repository";
import { passwordSchema } from "./user.service";

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1, "Enter your current password"),
  newPassword: passwordSchema,
});

/**
 * Changes the password after checking the current one, ends every session (the caller signs in
 * again with the new password) and clears a sign-in lock on the account. Audit rows have no tenant: a person is not a team's resource.
 */
export async function changePassword(userId: string, input: z.infer<typeof changePasswordInput>) {
  const { currentPassword, newPassword } = changePasswordInput.parse(input);
  const user = await findUserById(pool(), userId);
  if (!user) throw new AppError("unauthenticated", "Your account no longer exists.");
  if (!(await verifyPassword(currentPassword, user.passwordHash))) {
    throw new AppError("validation", "The current password is not right.", {
      fieldErrors: { currentPassword: ["Not your current password"] },
    });
  }
  if (currentPassword === newPassword)
    throw new AppError("validation", "Choose a different password.", {
      fieldErrors: { newPassword: ["Same as the current password"] },
    });
  const hash = await hashPassword(newPassword);
  await withTransaction(async (tx) => {
    await updatePasswordHash(tx, userId, hash);
    // A new password ends any sign-in lock: the guesses were against the old one.
    await recordAccountCleared(tx, user.email);
    await recordAudit(
      { type: "user", userId, email: user.email, role: "viewer" },
      null,
      "account.password_change",
      { type: "user", id: userId },
      undefined,
      tx,
    );
  });
  await bumpSessionVersion(pool(), userId);
  return { ok: true };
}

/**
 * An operator sets a new password (the CLI's `user reset-password`): for a forgotten password or
 * an account that strangers keep locked. Ends every session and clears the sign-in lock.
 */
export async function resetPassword(actor: Actor, emailRaw: string, newPasswordRaw: string) {
  const email = emailRaw.trim().toLowerCase();
  const newPassword = passwordSchema.parse(newPasswordRaw);
  const user = await findUserByEmail(pool(), email);
  if (!user)
    throw new AppError("not_found", `No user with email ${email}.`, { fieldErrors: { email: ["No such user"] } });
  const hash = await hashPassword(newPassword);
  await withTransaction(async (tx) => {
    await updatePasswordHash(tx, user.id, hash);
    await recordAccountCleared(tx, user.email);
    await recordAudit(actor, null, "account.password_reset", { type: "user", id: user.id }, { email }, tx);
  });
  await bumpSessionVersion(pool(), user.id);
  return { ok: true };
}

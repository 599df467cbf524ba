import { randomUUID } from "node:crypto";
import { z } from "zod";
import { AppError } from "../../core/errors";
import { hashPassword } from "../../core/crypto/password";
import { bumpSessionVersion, findUserByEmail, findUserById, insertUser } from "./user.repository";
import { signIn } from "./sign-in";
import { pool, type Queryable } from "../../db";

export { SIGNIN_MAX_FAILURES, SIGNIN_WINDOW_MINUTES, TooManyAttemptsError } from "./sign-in";

export const emailSchema = z.string().trim().toLowerCase().email("Enter a valid email address").max(254);
export const passwordSchema = z.string().min(10, "At least 10 characters").max(200, "At most 200 characters");

/** Checks a password (see sign-in.ts for the throttling); returns the user or null. */
export async function checkCredentials(emailRaw: string, password: string, ip: string | null, deviceToken?: string) {
  return (await signIn(emailRaw, password, { ip, deviceToken }))?.user ?? null;
}

export async function createUser(input: { email: string; password: string; name?: string | null }, tx: Queryable) {
  const email = emailSchema.parse(input.email);
  const password = passwordSchema.parse(input.password);
  if (await findUserByEmail(pool(), email))
    throw new AppError("conflict", "An account with this email already exists.", {
      fieldErrors: { email: ["An account with this email already exists"] },
    });
  const id = randomUUID();
  await insertUser(tx, { id, email, name: input.name?.trim() || null, passwordHash: await hashPassword(password) });
  return { id, email };
}

/** Invalidates every session of the user (all devices). */
export async function signOutEverywhere(userId: string) {
  return bumpSessionVersion(pool(), userId);
}

/** The signed-in person, for pages rendered on the server (null when the account is gone). */
export async function getUserById(userId: string) {
  return findUserById(pool(), userId);
}

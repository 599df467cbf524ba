import { randomUUID } from "node:crypto";
import { z } from "zod";
import { AppError } from "../../core/errors";
import { hashPassword, verifyPassword } from "../../core/crypto/password";
import {
  bumpSessionVersion,
  countRecentFailures,
  findUserByEmail,
  insertUser,
  recordLoginAttempt,
} from "./user.repository";
import type { Queryable } from "../../db";

// Sign-in throttling: at least 10 failures for one account or one address within 15 minutes
// gives "too many attempts" until the window moves on.
export const SIGNIN_MAX_FAILURES = 10;
export const SIGNIN_WINDOW_MINUTES = 15;

export const emailSchema = z.string().trim().toLowerCase().email("Enter a valid email address").max(254);
export const passwordSchema = z.string().min(10, "At least 10 characters").max(200, "At most 200 characters");

export class TooManyAttemptsError extends AppError {
  constructor() {
    super("rate_limited", `Too many sign-in attempts. Try again in ${SIGNIN_WINDOW_MINUTES} minutes.`, {
      retryAfterSeconds: SIGNIN_WINDOW_MINUTES * 60,
    });
  }
}

/** Checks a password; throws TooManyAttemptsError when throttled. Returns the user or null. */
export async function checkCredentials(emailRaw: string, password: string, ip: string | null) {
  const email = emailRaw.trim().toLowerCase();
  const failures = await countRecentFailures(email, ip, SIGNIN_WINDOW_MINUTES);
  if (failures.byEmail >= SIGNIN_MAX_FAILURES || failures.byIp >= SIGNIN_MAX_FAILURES) throw new TooManyAttemptsError();
  const user = await findUserByEmail(email);
  // Hash even when the user does not exist so timing does not reveal which emails have accounts.
  const ok = user
    ? await verifyPassword(password, user.passwordHash)
    : (await verifyPassword(password, DUMMY_HASH), false);
  await recordLoginAttempt(email, ip, ok);
  return ok ? user : null;
}

const DUMMY_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

export async function createUser(input: { email: string; password: string; name?: string | null }, tx: Queryable) {
  const email = emailSchema.parse(input.email);
  const password = passwordSchema.parse(input.password);
  if (await findUserByEmail(email))
    throw new AppError("conflict", "An account with this email already exists.", {
      fieldErrors: { email: ["An account with this email already exists"] },
    });
  const id = randomUUID();
  await insertUser({ id, email, name: input.name?.trim() || null, passwordHash: await hashPassword(password) }, tx);
  return { id, email };
}

/** Invalidates every session of the user (all devices). */
export async function signOutEverywhere(userId: string) {
  return bumpSessionVersion(userId);
}

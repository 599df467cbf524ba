import { setTimeout as sleep } from "node:timers/promises";
import { AppError } from "../../core/errors";
import { verifyPassword } from "../../core/crypto/password";
import { pool } from "../../db";
import { newDeviceId, signDevice, verifyDevice } from "../../auth/device";
import {
  countSignInFailures,
  findUserByEmail,
  insertPendingAttempt,
  markAttemptSucceeded,
  withSignInLocks,
} from "./user.repository";

// Sign-in throttling, after OWASP's Authentication and Credential Stuffing cheat sheets:
// - per account: SIGNIN_MAX_FAILURES failures within SIGNIN_WINDOW_MINUTES lock it until the
//   window moves on, a successful sign-in from a known device, or a password reset;
// - per address: as many failures from one client address lock that address (whatever the
//   account), so one client cannot spray many accounts; the address is the socket's peer or, from
//   a trusted proxy only, X-Forwarded-For (server/auth/client-address.ts);
// - progressive delays: from the third failure on, each further attempt waits 0.25 s, 0.5 s, 1 s …
//   (at most 4 s) before its password is checked;
// - known devices: a browser that signed in successfully holds a signed device cookie; there the
//   account lock does not apply (a stranger's guesses cannot keep the owner out), only a lock of
//   that device's own failures does.
// Counting and recording happen in one step under a per-account lock, so parallel attempts cannot
// all pass the count: at most SIGNIN_MAX_FAILURES passwords are ever checked per window.
export const SIGNIN_MAX_FAILURES = 10;
export const SIGNIN_WINDOW_MINUTES = 15;
const DELAY_AFTER_FAILURES = 3;
const DELAY_BASE_MS = 250;
const DELAY_MAX_MS = 4_000;

export class TooManyAttemptsError extends AppError {
  constructor() {
    super("rate_limited", `Too many sign-in attempts. Try again in ${SIGNIN_WINDOW_MINUTES} minutes.`, {
      retryAfterSeconds: SIGNIN_WINDOW_MINUTES * 60,
    });
  }
}

/** How long an attempt waits before its password is checked, after `failures` recent failures. */
export function signInDelayMs(failures: number): number {
  if (failures < DELAY_AFTER_FAILURES) return 0;
  return Math.min(DELAY_MAX_MS, DELAY_BASE_MS * 2 ** (failures - DELAY_AFTER_FAILURES));
}

const DUMMY_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

export type SignInResult = {
  user: NonNullable<Awaited<ReturnType<typeof findUserByEmail>>>;
  /** The device cookie to set (a new one, or the same device's renewed). */
  deviceToken: string;
};

/**
 * Checks a password; throws TooManyAttemptsError when throttled, returns null when wrong.
 * `deviceToken` is the value of the device cookie, if the browser sent one.
 */
export async function signIn(
  emailRaw: string,
  password: string,
  opts: {
    ip: string | null;
    deviceToken?: string | null;
    /** How the progressive delay is waited out (tests record it instead of sleeping). */
    wait?: (ms: number) => Promise<unknown>;
  },
): Promise<SignInResult | null> {
  const email = emailRaw.trim().toLowerCase();
  const user = await findUserByEmail(pool(), email);
  const device = verifyDevice(opts.deviceToken);
  const knownDevice = device && user && device.userId === user.id ? device.deviceId : null;
  const { attemptId, failures } = await withSignInLocks(email, knownDevice ? null : opts.ip, async (tx) => {
    const counts = await countSignInFailures(tx, email, opts.ip, knownDevice, SIGNIN_WINDOW_MINUTES);
    const failures = knownDevice ? counts.device : counts.account;
    if (failures >= SIGNIN_MAX_FAILURES || (!knownDevice && counts.address >= SIGNIN_MAX_FAILURES))
      throw new TooManyAttemptsError();
    return { attemptId: await insertPendingAttempt(tx, email, opts.ip, knownDevice), failures };
  });
  const delay = signInDelayMs(failures);
  if (delay) await (opts.wait ?? sleep)(delay);
  // Hash even when the user does not exist so timing does not reveal which emails have accounts.
  const ok = user
    ? await verifyPassword(password, user.passwordHash)
    : (await verifyPassword(password, DUMMY_HASH), false);
  if (!ok || !user) return null;
  await markAttemptSucceeded(pool(), attemptId);
  return { user, deviceToken: signDevice({ userId: user.id, deviceId: knownDevice ?? newDeviceId() }) };
}

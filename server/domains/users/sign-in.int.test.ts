import { afterAll, describe, expect, it } from "vitest";
import { closeDb, pool } from "../../db";
import { createTestUser } from "../../../tests/helpers/fixtures";
import { signDevice } from "../../auth/device";
import { changePassword, resetPassword } from "./change-password";
import { SIGNIN_MAX_FAILURES, signIn, signInDelayMs, TooManyAttemptsError } from "./sign-in";

afterAll(async () => {
  await closeDb();
});

const randomIp = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

// The progressive delays each attempt asked for, per account (recorded, not slept: they are checked
// below, and sleeping them would only make this file slow).
const delays = new Map<string, number[]>();
const record = (email: string) => async (ms: number) => void delays.set(email, [...(delays.get(email) ?? []), ms]);

type Outcome = "ok" | "wrong" | "throttled";
async function attempt(email: string, password: string, ip: string, deviceToken?: string): Promise<Outcome> {
  try {
    return (await signIn(email, password, { ip, deviceToken, wait: record(email) })) ? "ok" : "wrong";
  } catch (e) {
    if (e instanceof TooManyAttemptsError) return "throttled";
    throw e;
  }
}

async function lockOut(email: string, ip: string) {
  for (let i = 0; i < SIGNIN_MAX_FAILURES; i++) expect(await attempt(email, `wrong ${i}`, ip)).toBe("wrong");
  // Failures since the account was last cleared: exactly the ones just made.
  const { rows } = await pool().query(
    `SELECT count(*)::int AS n FROM login_attempts
      WHERE email = $1 AND NOT success
        AND created_at > coalesce((SELECT max(created_at) FROM login_attempts WHERE email = $1 AND success), '-infinity')`,
    [email],
  );
  expect(rows[0].n).toBe(SIGNIN_MAX_FAILURES);
}

describe("sign-in throttling", () => {
  it("checks at most the limit of 200 parallel attempts on one account", async () => {
    const u = await createTestUser();
    // Each from its own address, as a botnet would: only the per-account limit can stop them.
    const tries = Array.from({ length: 200 }, (_, i) =>
      attempt(u.email, i === 199 ? u.password : `wrong guess ${i}`, randomIp()),
    );
    const outcomes = await Promise.all(tries);
    const checked = outcomes.filter((o) => o !== "throttled");
    expect(checked.length).toBeLessThanOrEqual(SIGNIN_MAX_FAILURES);
    expect(outcomes.filter((o) => o === "throttled").length).toBeGreaterThanOrEqual(200 - SIGNIN_MAX_FAILURES);
    const { rows } = await pool().query(`SELECT count(*)::int AS n FROM login_attempts WHERE email = $1`, [u.email]);
    expect(rows[0].n).toBe(checked.length);
  }, 60_000);

  it("locks an address that sprays many accounts, not other addresses", async () => {
    const ip = randomIp();
    for (let i = 0; i < SIGNIN_MAX_FAILURES; i++) {
      const victim = await createTestUser();
      expect(await attempt(victim.email, "not the password", ip)).toBe("wrong");
    }
    const next = await createTestUser();
    expect(await attempt(next.email, next.password, ip)).toBe("throttled");
    expect(await attempt(next.email, next.password, randomIp())).toBe("ok");
  }, 60_000);

  it("lets a known device in while strangers have locked the account, which clears the lock", async () => {
    const u = await createTestUser();
    const first = await signIn(u.email, u.password, { ip: randomIp() });
    expect(first?.deviceToken).toBeTruthy();
    const stranger = randomIp();
    await lockOut(u.email, stranger);
    expect(await attempt(u.email, u.password, randomIp())).toBe("throttled");
    // A forged cookie, or another person's device, is no known device.
    expect(await attempt(u.email, u.password, randomIp(), first!.deviceToken + "x")).toBe("throttled");
    const other = await createTestUser();
    const othersDevice = (await signIn(other.email, other.password, { ip: randomIp() }))!.deviceToken;
    expect(await attempt(u.email, u.password, randomIp(), othersDevice)).toBe("throttled");
    // The owner's own browser gets in, even from the stranger's address.
    expect(await attempt(u.email, u.password, stranger, first!.deviceToken)).toBe("ok");
    // ...which clears the account's lock.
    expect(await attempt(u.email, u.password, randomIp())).toBe("ok");
  }, 60_000);

  it("a known device has a limit of its own", async () => {
    const u = await createTestUser();
    const token = signDevice({ userId: u.id, deviceId: "stolen-device" });
    for (let i = 0; i < SIGNIN_MAX_FAILURES; i++)
      expect(await attempt(u.email, `guess ${i}`, randomIp(), token)).toBe("wrong");
    expect(await attempt(u.email, u.password, randomIp(), token)).toBe("throttled");
  }, 60_000);

  it("a password reset clears the lock", async () => {
    const u = await createTestUser();
    await lockOut(u.email, randomIp());
    expect(await attempt(u.email, u.password, randomIp())).toBe("throttled");
    await changePassword(u.id, { currentPassword: u.password, newPassword: "a brand new password" });
    expect(await attempt(u.email, "a brand new password", randomIp())).toBe("ok");
    // And so does the operator's reset (signalbox user reset-password).
    await lockOut(u.email, randomIp());
    expect(await attempt(u.email, "a brand new password", randomIp())).toBe("throttled");
    await resetPassword({ type: "cli", label: "cli:test", role: "owner" }, u.email, "set by the operator");
    expect(await attempt(u.email, "set by the operator", randomIp())).toBe("ok");
    const audit = await pool().query(
      `SELECT actor_type FROM audit_log WHERE action = 'account.password_reset' AND target_id = $1`,
      [u.id],
    );
    expect(audit.rows).toEqual([{ actor_type: "cli" }]);
  }, 90_000);

  it("makes each attempt after the third failure wait longer", async () => {
    const u = await createTestUser();
    await lockOut(u.email, randomIp());
    expect(delays.get(u.email)).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000]);
  });

  it("waits longer after each failure from the third on, up to 4 s", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 20].map(signInDelayMs)).toEqual([
      0, 0, 0, 250, 500, 1000, 2000, 4000, 4000, 4000,
    ]);
  });
});

import { withTransaction, type Queryable } from "../../db";

export type UserRow = {
  id: string;
  email: string;
  name: string | null;
  passwordHash: string;
  sessionVersion: number;
  createdAt: Date;
};

const USER_COLS = `id, email, name, password_hash AS "passwordHash", session_version AS "sessionVersion", created_at AS "createdAt"`;

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | null> {
  const r = await db.query(`SELECT ${USER_COLS} FROM users WHERE email = $1`, [email.toLowerCase()]);
  return r.rows[0] ?? null;
}

export async function findUserById(db: Queryable, id: string): Promise<UserRow | null> {
  const r = await db.query(`SELECT ${USER_COLS} FROM users WHERE id = $1`, [id]);
  return r.rows[0] ?? null;
}

export async function insertUser(
  tx: Queryable,
  u: { id: string; email: string; name: string | null; passwordHash: string },
) {
  await tx.query(`INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4)`, [
    u.id,
    u.email.toLowerCase(),
    u.name,
    u.passwordHash,
  ]);
}

export async function updatePasswordHash(tx: Queryable, userId: string, passwordHash: string): Promise<void> {
  await tx.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [userId, passwordHash]);
}

export async function bumpSessionVersion(db: Queryable, userId: string): Promise<number> {
  const r = await db.query(
    `UPDATE users SET session_version = session_version + 1 WHERE id = $1 RETURNING session_version`,
    [userId],
  );
  return r.rows[0]?.session_version ?? 0;
}

export async function sessionVersionOf(db: Queryable, userId: string): Promise<number | null> {
  const r = await db.query(`SELECT session_version FROM users WHERE id = $1`, [userId]);
  return r.rows[0]?.session_version ?? null;
}

// --- sign-in attempts (server/domains/users/sign-in.ts) -----------------------------------------

/**
 * Runs `fn` holding the account's (and the address's) sign-in locks, so that counting attempts and
 * recording a new one is one step: parallel attempts queue here instead of all passing the count.
 * Always account first, then address: no two callers can wait for each other.
 */
export async function withSignInLocks<T>(email: string, ip: string | null, fn: (tx: Queryable) => Promise<T>) {
  return withTransaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('signin:account:' || $1, 0))`, [email]);
    if (ip) await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('signin:address:' || $1, 0))`, [ip]);
    return fn(tx);
  });
}

export type SignInCounts = { account: number; device: number; address: number };

/**
 * Failures in the window: for the account and for this device of it since the account was last
 * cleared (a successful sign-in or a password reset), and for the address. Attempts still being
 * checked count as failures until they succeed.
 */
export async function countSignInFailures(
  tx: Queryable,
  email: string,
  ip: string | null,
  deviceId: string | null,
  windowMinutes: number,
): Promise<SignInCounts> {
  const r = await tx.query(
    `WITH w AS (SELECT now() - make_interval(mins => $4) AS since),
          cleared AS (SELECT GREATEST((SELECT since FROM w), max(created_at)) AS at FROM login_attempts, w
                       WHERE email = $1 AND success AND created_at > w.since)
     SELECT count(*) FILTER (WHERE email = $1 AND created_at > coalesce(c.at, w.since))::int AS account,
            count(*) FILTER (WHERE email = $1 AND $3::text IS NOT NULL AND device_id = $3 AND created_at > coalesce(c.at, w.since))::int AS device,
            count(*) FILTER (WHERE $2::text IS NOT NULL AND ip = $2)::int AS address
       FROM login_attempts, w, cleared c
      WHERE success = false AND created_at > w.since AND (email = $1 OR ($2::text IS NOT NULL AND ip = $2))`,
    [email, ip, deviceId, windowMinutes],
  );
  return r.rows[0];
}

/** Records an attempt as failed until `markAttemptSucceeded`; returns its id. */
export async function insertPendingAttempt(
  tx: Queryable,
  email: string,
  ip: string | null,
  deviceId: string | null,
): Promise<string> {
  const r = await tx.query(
    `INSERT INTO login_attempts (email, ip, device_id, success) VALUES ($1, $2, $3, false) RETURNING id::text`,
    [email, ip, deviceId],
  );
  return r.rows[0].id;
}

export async function markAttemptSucceeded(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE login_attempts SET success = true WHERE id = $1::bigint`, [id]);
}

/** A password reset clears the account's lock: it counts as a successful sign-in from nowhere. */
export async function recordAccountCleared(db: Queryable, email: string): Promise<void> {
  await db.query(`INSERT INTO login_attempts (email, ip, success) VALUES ($1, NULL, true)`, [email.toLowerCase()]);
}

import { pool, prisma, type Queryable } from "../../db";

export async function findUserByEmail(email: string) {
  return prisma().user.findUnique({ where: { email: email.toLowerCase() } });
}

export async function findUserById(id: string) {
  return prisma().user.findUnique({ where: { id } });
}

export async function insertUser(
  u: { id: string; email: string; name: string | null; passwordHash: string },
  tx: Queryable,
) {
  await tx.query(`INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4)`, [
    u.id,
    u.email.toLowerCase(),
    u.name,
    u.passwordHash,
  ]);
}

export async function updatePasswordHash(userId: string, passwordHash: string, tx: Queryable): Promise<void> {
  await tx.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [userId, passwordHash]);
}

export async function bumpSessionVersion(userId: string): Promise<number> {
  const r = await pool().query(
    `UPDATE users SET session_version = session_version + 1 WHERE id = $1 RETURNING session_version`,
    [userId],
  );
  return r.rows[0]?.session_version ?? 0;
}

export async function sessionVersionOf(userId: string): Promise<number | null> {
  const r = await pool().query(`SELECT session_version FROM users WHERE id = $1`, [userId]);
  return r.rows[0]?.session_version ?? null;
}

export async function recordLoginAttempt(email: string, ip: string | null, success: boolean) {
  await pool().query(`INSERT INTO login_attempts (email, ip, success) VALUES ($1, $2, $3)`, [
    email.toLowerCase(),
    ip,
    success,
  ]);
}

/** Failed attempts in the window, for this account and for this address. */
export async function countRecentFailures(email: string, ip: string | null, windowMinutes: number) {
  const r = await pool().query(
    `SELECT count(*) FILTER (WHERE email = $1)::int AS by_email,
            count(*) FILTER (WHERE $2::text IS NOT NULL AND ip = $2)::int AS by_ip
       FROM login_attempts
      WHERE success = false AND created_at > now() - make_interval(mins => $3) AND (email = $1 OR ip = $2)`,
    [email.toLowerCase(), ip, windowMinutes],
  );
  return { byEmail: r.rows[0].by_email as number, byIp: r.rows[0].by_ip as number };
}

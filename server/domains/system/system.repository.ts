import type { Queryable } from "../../db";

/** Sign-in throttling looks back 15 minutes; keep a day for investigation. */
export async function pruneLoginAttempts(db: Queryable): Promise<void> {
  await db.query(`DELETE FROM login_attempts WHERE created_at < now() - interval '1 day'`);
}

/** Heartbeats of workers that stopped long ago (health only reads the last few seconds). */
export async function pruneWorkerHeartbeats(db: Queryable): Promise<void> {
  await db.query(`DELETE FROM worker_heartbeats WHERE last_seen_at < now() - interval '1 day'`);
}

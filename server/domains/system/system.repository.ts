import type { Queryable } from "../../db";

/** Sign-in throttling looks back 15 minutes; keep a day for investigation. */
export async function pruneLoginAttempts(db: Queryable): Promise<void> {
  await db.query(`DELETE FROM login_attempts WHERE created_at < now() - interval '1 day'`);
}

/** Heartbeats of workers that stopped long ago (health only reads the last few seconds). */
export async function pruneWorkerHeartbeats(db: Queryable): Promise<void> {
  await db.query(`DELETE FROM worker_heartbeats WHERE last_seen_at < now() - interval '1 day'`);
}

/** A worker's "still alive" (health reads the last few seconds): first beat inserts, later ones touch. */
export async function beatWorkerHeartbeat(db: Queryable, id: string, hostname: string, pid: number): Promise<void> {
  await db.query(
    `INSERT INTO worker_heartbeats (id, hostname, pid) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET last_seen_at = now()`,
    [id, hostname, pid],
  );
}

/** A worker that stops cleanly leaves at once rather than ageing out of health. */
export async function deleteWorkerHeartbeat(db: Queryable, id: string): Promise<void> {
  await db.query(`DELETE FROM worker_heartbeats WHERE id = $1`, [id]);
}

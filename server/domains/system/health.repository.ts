import type { Queryable } from "../../db";

// SQL of GET /api/health (server/http/health.ts).

/** A round trip to the database. */
export async function ping(db: Queryable): Promise<void> {
  await db.query("SELECT 1");
}

/** Names of the migrations applied to this database (finished, not rolled back). */
export async function appliedMigrationNames(db: Queryable): Promise<Set<string>> {
  const r = await db.query(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  return new Set(r.rows.map((x) => x.migration_name as string));
}

/** Workers that beat their heart in the last `withinSeconds`, and the latest beat. */
export async function liveWorkers(db: Queryable, withinSeconds: number): Promise<{ alive: number; last: Date | null }> {
  const r = await db.query(
    `SELECT count(*)::int AS n, max(last_seen_at) AS last FROM worker_heartbeats WHERE last_seen_at > now() - make_interval(secs => $1)`,
    [withinSeconds],
  );
  return { alive: r.rows[0].n, last: r.rows[0].last };
}

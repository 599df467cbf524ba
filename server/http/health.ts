import type { IncomingMessage, ServerResponse } from "node:http";
import { pool } from "../db";
import { readMigrations } from "../db/migrate";
import { sendJson } from "./request";

// GET /api/health: the only unauthenticated data-plane route. 200 when the database answers, every
// migration is applied and a worker has beaten its heart in the last 30 s; 503 otherwise, with
// which part is unhealthy.
const WORKER_STALE_MS = 30_000;

export async function handleHealth(_req: IncomingMessage, res: ServerResponse): Promise<void> {
  const checks: Record<string, { ok: boolean; detail?: unknown }> = {};
  try {
    const t0 = Date.now();
    await pool().query("SELECT 1");
    checks.database = { ok: true, detail: { latencyMs: Date.now() - t0 } };
    const expected = (await readMigrations()).map((m) => m.name);
    const applied = new Set(
      (await pool().query(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)).rows.map((r) => r.migration_name),
    );
    const pending = expected.filter((n) => !applied.has(n));
    checks.migrations = { ok: pending.length === 0, detail: { applied: applied.size, pending } };
    const hb = await pool().query(`SELECT count(*)::int AS n, max(last_seen_at) AS last FROM worker_heartbeats WHERE last_seen_at > now() - $1::interval`, [`${WORKER_STALE_MS / 1000} seconds`]);
    checks.worker = { ok: hb.rows[0].n > 0, detail: { alive: hb.rows[0].n, lastSeenAt: hb.rows[0].last } };
  } catch (err) {
    checks.database ??= { ok: false, detail: (err as Error).message };
  }
  const ok = Object.values(checks).every((c) => c.ok) && ["database", "migrations", "worker"].every((k) => k in checks);
  sendJson(res, ok ? 200 : 503, { status: ok ? "ok" : "degraded", checks }, { "cache-control": "no-store" });
}

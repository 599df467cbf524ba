import type { IncomingMessage, ServerResponse } from "node:http";
import { pool } from "../db";
import { readMigrations } from "../db/migrate";
import { BOSS_SCHEMA } from "../jobs/boss";
import { vacuumStatus } from "../domains/system/vacuum";
import { appliedMigrationNames, liveWorkers, ping } from "../domains/system/health.repository";
import { sendJson } from "./request";

// GET /api/health: the only unauthenticated data-plane route. 200 when the database answers, every
// migration is applied and a worker has beaten its heart in the last 30 s; 503 otherwise, with
// which part is unhealthy. Each check reports on its own, and none may hang the probe: a load
// balancer needs an answer even when PostgreSQL does not give one.
const WORKER_STALE_MS = 30_000;
const CHECK_TIMEOUT_MS = 3_000;

type Check = { ok: boolean; detail?: unknown };

// The migrations this build expects cannot change while the process runs.
let expected: Promise<string[]> | undefined;
function expectedMigrations(): Promise<string[]> {
  expected ??= readMigrations().then((ms) => ms.map((m) => m.name));
  expected.catch(() => (expected = undefined));
  return expected;
}

async function check(fn: () => Promise<Check>): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<Check>((resolve) => {
        timer = setTimeout(
          () => resolve({ ok: false, detail: `no answer within ${CHECK_TIMEOUT_MS} ms` }),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export async function healthReport(): Promise<{ ok: boolean; checks: Record<string, Check> }> {
  const database = await check(async () => {
    const t0 = Date.now();
    await ping(pool());
    return { ok: true, detail: { latencyMs: Date.now() - t0 } };
  });
  const [migrations, worker, vacuum] = database.ok
    ? await Promise.all([
        check(async () => {
          const applied = await appliedMigrationNames(pool());
          const pending = (await expectedMigrations()).filter((n) => !applied.has(n));
          return { ok: pending.length === 0, detail: { applied: applied.size, pending } };
        }),
        check(async () => {
          const hb = await liveWorkers(pool(), WORKER_STALE_MS / 1000);
          return { ok: hb.alive > 0, detail: { alive: hb.alive, lastSeenAt: hb.last } };
        }),
        // Informational, never unhealthy (not even when pg_stat views are slow or restricted): who
        // vacuums the hot tables (PostgreSQL's autovacuum, or the worker when autovacuum is off),
        // when the worker last did, and dead rows per table.
        check(async () => ({ ok: true, detail: await vacuumStatus(BOSS_SCHEMA) })).then((c) => ({ ...c, ok: true })),
      ])
    : [
        { ok: false, detail: "database unavailable" },
        { ok: false, detail: "database unavailable" },
        { ok: false, detail: "database unavailable" },
      ];
  const checks = { database, migrations, worker, vacuum };
  return { ok: Object.values(checks).every((c) => c.ok), checks };
}

export async function handleHealth(_req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { ok, checks } = await healthReport();
  sendJson(res, ok ? 200 : 503, { status: ok ? "ok" : "degraded", checks }, { "cache-control": "no-store" });
}

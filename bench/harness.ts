// What both benchmarks share: a throw-away database with one seeded tenant and API key, server
// processes started and stopped by pid, moto_server as the peer, and percentiles.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { nodeFlagsFor } from "../server/main/node-flags";

const root = path.resolve(import.meta.dirname, "..");
const PG = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432";
const MASTER_KEY = randomBytes(32).toString("hex");
const AUTH_SECRET = "bench-secret-bench-secret-bench-secret";

const children: ChildProcess[] = [];
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
});

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
    s.on("error", reject);
  });
}

export const percentile = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;

export type Started = { child: ChildProcess; port?: number };

/** Starts a server entry (server/main/*.ts) and resolves when it reports `ready` over IPC. */
export function startNode(
  script: string,
  env: Record<string, string>,
  ready: (m: { type?: string; port?: number }) => boolean,
): Promise<Started> {
  // BENCH_PROFILE=<dir> writes a V8 CPU profile of each server process there (open in Chrome DevTools).
  const prof = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(
    process.execPath,
    [...prof, ...nodeFlagsFor(path.basename(script, ".ts")), "--import", "tsx", path.join(root, script)],
    {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    },
  );
  children.push(child);
  let err = "";
  child.stderr!.on("data", (d) => (err = (err + d).slice(-5000)));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${script} did not start: ${err}`)), 120_000);
    child.on("message", (m: { type?: string; port?: number }) => {
      if (ready(m)) {
        clearTimeout(t);
        resolve({ child, port: m.port });
      }
    });
    child.once("exit", (code) => reject(new Error(`${script} exited ${code}: ${err}`)));
  });
}

export const startWebProcess = (env: Record<string, string>) =>
  startNode("server/main/web.ts", env, (m) => m.type === "listening");
export const startWorkerProcess = (env: Record<string, string>) =>
  startNode("server/main/worker.ts", env, (m) => m.type === "ready");

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

export type BenchDb = {
  /** Environment for the web and worker processes. */
  env: Record<string, string>;
  key: { id: string; secret: string };
  /** A query handle on the bench database (closed when the run ends). */
  query: (text: string, values?: unknown[]) => Promise<pg.QueryResult>;
};

/**
 * Creates signalbox_bench_<random>, migrates it, seeds a tenant and an owner API key through the
 * service real sign-ups use, runs `fn`, and drops the database whatever happens.
 */
export async function withBenchDatabase<T>(fn: (db: BenchDb) => Promise<T>): Promise<T> {
  const dbName = `signalbox_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: `${PG}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = `${PG}/${dbName}`;
  try {
    process.env.DATABASE_URL = url;
    process.env.SIGNALBOX_MASTER_KEY = MASTER_KEY;
    process.env.NEXTAUTH_SECRET ??= AUTH_SECRET;
    process.env.LOG_LEVEL = "silent";
    // A second run in this process: the environment (DATABASE_URL) is read again.
    (await import("../server/env")).resetEnv();
    const { migrate } = await import("../server/db/migrate");
    await migrate(url);
    const { pool, closeDb } = await import("../server/db");
    const { generateAccountId } = await import("../server/core/ids");
    const { createApiKey } = await import("../server/domains/api-keys/api-key.service");
    const tenantId = randomUUID();
    const userId = randomUUID();
    await pool().query(`INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, 'bench', 'x')`, [
      userId,
      `bench-${userId}@example.test`,
    ]);
    await pool().query(`INSERT INTO tenants (id, name, slug, account_id) VALUES ($1, 'bench', $2, $3)`, [
      tenantId,
      `bench-${tenantId.slice(0, 8)}`,
      generateAccountId(),
    ]);
    await pool().query(`INSERT INTO memberships (id, tenant_id, user_id, role) VALUES ($1, $2, $3, 'owner')`, [
      randomUUID(),
      tenantId,
      userId,
    ]);
    const key = await createApiKey({ type: "user", userId, email: "bench@example.test", role: "owner" }, tenantId, {
      name: "bench",
      role: "owner",
    });
    const env = {
      DATABASE_URL: url,
      SIGNALBOX_MASTER_KEY: MASTER_KEY,
      NEXTAUTH_SECRET: AUTH_SECRET,
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
      SIGNALBOX_NO_NEXT: "1",
      HOST: "127.0.0.1",
      PORT: "0",
      SIGNALBOX_WEBHOOK_ALLOWLIST: "127.0.0.1/32",
    };
    try {
      return await fn({
        env,
        key: { id: key.id, secret: key.secret },
        query: (text, values) => pool().query(text, values as unknown[]),
      });
    } finally {
      await closeDb();
    }
  } finally {
    await admin
      .query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [
        dbName,
      ])
      .catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}"`);
    await admin.end();
  }
}

/**
 * What a figure depends on, printed with it so a run can be compared with another: this machine's
 * load and cores, Node, and whether PostgreSQL runs autovacuum (off on the development machines:
 * a fresh bench database then has no statistics until the bench analyzes it itself).
 */
export async function conditions(query: BenchDb["query"]): Promise<string> {
  const [l1] = os.loadavg();
  const av = (await query(`SELECT current_setting('autovacuum') AS a, version() AS v`)).rows[0];
  return `node ${process.version}, ${os.cpus().length} cores, load average ${l1!.toFixed(1)}, PostgreSQL ${String(av.v).split(" ")[1]} autovacuum ${av.a}`;
}

/**
 * VACUUM ANALYZE the bench database once it holds realistic rows (after the warm-up): with
 * autovacuum off the planner would otherwise plan the hot statements for empty tables.
 */
export async function analyze(query: BenchDb["query"]): Promise<void> {
  await query(`VACUUM ANALYZE`);
}

/** moto_server on a free loopback port; `ready` is retried until moto answers. */
export async function withMoto<T>(
  ready: (endpoint: string) => Promise<unknown>,
  fn: (endpoint: string) => Promise<T>,
): Promise<T> {
  const port = await freePort();
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  children.push(child);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    let up = false;
    for (let i = 0; i < 100 && !up; i++) {
      try {
        await ready(endpoint);
        up = true;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    if (!up) throw new Error("moto_server did not start");
    return await fn(endpoint);
  } finally {
    await stop(child);
  }
}

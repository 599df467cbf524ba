import { execFileSync } from "node:child_process";
import { existsSync, statSync, readdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { migrate } from "../../server/db/migrate";
import { TEST_DATABASE_URL } from "./env";

// Once per `npm test`: create and migrate the test database, and build the console if a browser
// test will need it and the build is missing or older than the sources.
const root = path.resolve(import.meta.dirname, "../..");

function newestMtime(dir: string): number {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name === "generated" || e.name.startsWith(".")) continue;
    const p = path.join(dir, e.name);
    max = Math.max(max, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return max;
}

export default async function setup() {
  const url = new URL(TEST_DATABASE_URL);
  const dbName = url.pathname.slice(1);
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: "/postgres" }).toString() });
  await admin.connect();
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [dbName]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${dbName}"`);
  await admin.end();
  await migrate(TEST_DATABASE_URL);
  // Per-test-file pg-boss schemas (tests/helpers/env.ts) of earlier runs are dropped here.
  const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await db.connect();
  const old = await db.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'pgboss\\_t\\_%'`);
  // Only those older than two hours: another run may be using its own right now.
  const cutoff = Math.floor(Date.now() / 1000) - 7200;
  for (const r of old.rows) {
    if (Number(String(r.nspname).split("_")[2]) < cutoff)
      await db.query(`DROP SCHEMA IF EXISTS "${r.nspname}" CASCADE`);
  }
  await db.end();

  const wantsBrowser =
    process.argv.some((a) => a.includes("e2e")) ||
    !process.argv.slice(2).some((a) => /\.(test|spec)\.ts$|^tests\/|^server\//.test(a));
  if (wantsBrowser && process.env.SIGNALBOX_SKIP_BUILD !== "1") {
    const buildId = path.join(root, ".next", "BUILD_ID");
    const stale =
      !existsSync(buildId) ||
      ["app", "components", "lib", "server", "prisma/schema"].some(
        (d) => existsSync(path.join(root, d)) && newestMtime(path.join(root, d)) > statSync(buildId).mtimeMs,
      );
    if (stale) {
      process.stdout.write("[global-setup] building the console for browser tests (next build)\n");
      execFileSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
        cwd: root,
        stdio: "inherit",
        env: { ...process.env, NODE_ENV: "production" },
      });
    }
  }
}

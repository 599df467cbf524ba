// `npm start`: the whole of Signalbox on one machine. Without DATABASE_URL it runs an embedded
// PostgreSQL in the data folder. It applies migrations, builds the console when no build exists,
// then runs one web and one worker process and supervises them; Ctrl-C/SIGTERM stops all three.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { loadRuntimeEnv } from "./runtime-env";

const root = path.resolve(import.meta.dirname, "../..");
const say = (m: string) => process.stdout.write(`[signalbox] ${m}\n`);

const { dataDir } = await loadRuntimeEnv({ requireDatabaseUrl: false });
let stopEmbedded: (() => Promise<void>) | undefined;
if (!process.env.DATABASE_URL) {
  const { startEmbeddedPostgres } = await import("../db/embedded");
  say(`no DATABASE_URL: starting embedded PostgreSQL in ${path.join(dataDir, "pg")}`);
  const db = await startEmbeddedPostgres(dataDir, say);
  process.env.DATABASE_URL = db.url;
  stopEmbedded = db.stop;
}

const { migrate } = await import("../db/migrate");
const applied = await migrate(process.env.DATABASE_URL!, say);
say(applied.length ? `applied ${applied.length} migration(s)` : "database is up to date");

if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
  say("no build found: building the console (next build), this takes a minute or two");
  const code = await new Promise<number>((resolve) => {
    const b = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], { cwd: root, stdio: "inherit", env: process.env });
    b.on("exit", (c) => resolve(c ?? 1));
  });
  if (code !== 0) {
    say("build failed");
    await stopEmbedded?.();
    process.exit(code);
  }
}

const children = new Map<string, ChildProcess>();
let stopping = false;

function run(name: "web" | "worker", restarts = 0): void {
  const entry = path.join(root, "server/main", `${name}.ts`);
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, SIGNALBOX_PROCESS: name },
  });
  children.set(name, child);
  child.on("message", (m: { type?: string; port?: number }) => {
    if (m?.type === "listening") say(`Signalbox is running at http://localhost:${m.port}  (Ctrl-C to stop)`);
  });
  child.on("exit", (code, signal) => {
    children.delete(name);
    if (stopping) return;
    // A crashed half is restarted with backoff: accepted messages are in PostgreSQL, so nothing is lost.
    const delay = Math.min(30_000, 500 * 2 ** restarts);
    say(`${name} exited (${signal ?? code}); restarting in ${delay} ms`);
    setTimeout(() => run(name, restarts + 1), delay).unref();
  });
}

run("web");
run("worker");

async function shutdown(sig: string) {
  if (stopping) return;
  stopping = true;
  say(`${sig}: stopping web and worker`);
  await Promise.all(
    [...children.values()].map(
      (c) =>
        new Promise<void>((resolve) => {
          const t = setTimeout(() => c.kill("SIGKILL"), 15_000);
          c.once("exit", () => {
            clearTimeout(t);
            resolve();
          });
          c.kill("SIGTERM");
        }),
    ),
  );
  if (stopEmbedded) {
    say("stopping embedded PostgreSQL");
    await stopEmbedded().catch(() => {});
  }
  say("stopped");
  process.exit(0);
}
process.once("SIGINT", () => void shutdown("SIGINT"));
process.once("SIGTERM", () => void shutdown("SIGTERM"));

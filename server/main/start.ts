// `npm start`: the whole of Signalbox on one machine. Without DATABASE_URL it runs an embedded
// PostgreSQL in the data folder. It applies migrations, builds the console when no build exists,
// then runs one web and one worker process and supervises them; Ctrl-C/SIGTERM stops all three.
//
// Two layers, for a clean Ctrl-C: the terminal sends SIGINT to its whole foreground process group,
// which would hit postgres, web and worker at the same moment (postgres then cuts the others off
// mid-shutdown). So this process only relays: it starts a supervisor (this file again) in its own
// process group, and turns SIGINT/SIGTERM/SIGHUP into one SIGTERM for it. The supervisor stops web
// and worker first, then the database.
//
// SIGNALBOX_NO_NEXT=1 serves only the data plane (no console, no build): used by tests.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { nodeFlagsFor } from "./node-flags";

const root = path.resolve(import.meta.dirname, "../..");
const say = (m: string) => process.stdout.write(`[signalbox] ${m}\n`);
type Msg = { type?: string; port?: number };

if (process.env.SIGNALBOX_SUPERVISOR !== "1") relay();
else await supervise();

function relay(): void {
  const sup = spawn(process.execPath, [...process.execArgv, import.meta.filename, ...process.argv.slice(2)], {
    cwd: process.cwd(),
    detached: true,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, SIGNALBOX_SUPERVISOR: "1" },
  });
  // Pass "listening" on to whoever started us with an IPC channel (tests).
  sup.on("message", (m: Msg) => process.send?.(m));
  let signalled = 0;
  const forward = (_sig: NodeJS.Signals) => {
    signalled++;
    if (signalled === 2) say("still stopping (web and worker finish their requests and jobs first)");
    if (sup.exitCode === null && sup.signalCode === null) sup.kill("SIGTERM");
  };
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(s, () => forward(s));
  sup.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  // npm does not pass SIGTERM on to its script: `kill <npm pid>` ends npm and the shell and leaves
  // us orphaned. Under npm, losing our parent means "stop".
  if (process.env.npm_lifecycle_event) {
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid === parent) return;
      clearInterval(watch);
      forward("SIGTERM");
    }, 1_000);
    watch.unref();
  }
}

async function supervise(): Promise<void> {
  let stopping = false;
  let exitCode = 0;
  const children = new Map<string, ChildProcess>();
  let building: ChildProcess | undefined;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let pgDataDir: string | undefined;

  async function stopDatabase() {
    if (!stopEmbedded) return;
    say("stopping embedded PostgreSQL");
    const stop = stopEmbedded;
    stopEmbedded = undefined;
    const timedOut = await Promise.race([
      stop().then(
        () => false,
        () => false,
      ),
      new Promise<boolean>((r) => setTimeout(() => r(true), 20_000).unref()),
    ]);
    // Backstop: postgres did not stop (or had already gone and the library did not notice).
    if (timedOut && pgDataDir && existsSync(path.join(pgDataDir, "postmaster.pid"))) {
      const pid = Number(readFileSync(path.join(pgDataDir, "postmaster.pid"), "utf8").split("\n")[0]);
      if (pid > 0) {
        say(`embedded PostgreSQL did not stop in time; sending SIGQUIT to ${pid}`);
        try {
          process.kill(pid, "SIGQUIT");
        } catch {
          /* already gone */
        }
      }
    }
  }

  async function shutdown(reason: string, code = 0): Promise<void> {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    say(`${reason}: stopping`);
    building?.kill("SIGTERM");
    await Promise.all(
      [...children.values()].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const t = setTimeout(() => c.kill("SIGKILL"), 20_000);
            c.once("exit", () => {
              clearTimeout(t);
              resolve();
            });
            c.kill("SIGTERM");
          }),
      ),
    );
    await stopDatabase();
    say("stopped");
    process.exit(exitCode);
  }
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(s, () => void shutdown(s));
  // The relay died without telling us (SIGKILL): do not outlive it.
  process.on("disconnect", () => void shutdown("parent exited"));

  try {
    const { loadRuntimeEnv } = await import("./runtime-env");
    const { dataDir } = await loadRuntimeEnv({ requireDatabaseUrl: false });
    if (!process.env.DATABASE_URL) {
      const { detachExitHooks } = await import("../db/exit-hooks");
      const restore = detachExitHooks();
      const { startEmbeddedPostgres } = await import("../db/embedded");
      restore();
      pgDataDir = path.join(dataDir, "pg", "data");
      let running = runningPostmaster(pgDataDir);
      // A supervisor killed with SIGKILL cannot stop its database: that postmaster is an orphan
      // (no node parent any more). Stop it, so a service manager can start Signalbox again.
      if (running && orphaned(running)) {
        say(`embedded PostgreSQL (pid ${running}) was left running by a Signalbox that was killed: stopping it`);
        running = await stopOrphan(running, pgDataDir);
      }
      if (running)
        throw new Error(
          `PostgreSQL (pid ${running}) is already running on ${pgDataDir}: is Signalbox already running with this data folder? Stop it first, or use another SIGNALBOX_DATA_DIR.`,
        );
      say(`no DATABASE_URL: starting embedded PostgreSQL in ${path.join(dataDir, "pg")}`);
      const db = await startEmbeddedPostgres(dataDir, say);
      stopEmbedded = db.stop;
      if (stopping) return void (await stopDatabase());
      process.env.DATABASE_URL = db.url;
    } else {
      say(`using DATABASE_URL (${redactUrl(process.env.DATABASE_URL)})`);
    }

    const { migrate } = await import("../db/migrate");
    const applied = await migrate(process.env.DATABASE_URL!, say);
    say(applied.length ? `applied ${applied.length} migration(s)` : "database is up to date");
    if (stopping) return;

    const withNext = process.env.SIGNALBOX_NO_NEXT !== "1";
    const dev = process.env.NODE_ENV === "development";
    const buildState = withNext && !dev ? consoleBuildState() : "current";
    if (buildState !== "current") {
      say(
        `${buildState === "missing" ? "no build found" : "the sources changed since the last build"}: building the console (next build), this takes a minute or two`,
      );
      const code = await new Promise<number>((resolve) => {
        building = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
          cwd: root,
          stdio: ["ignore", "inherit", "inherit"],
          env: { ...process.env, NODE_ENV: "production" },
        });
        building.on("exit", (c) => resolve(c ?? 1));
      });
      building = undefined;
      if (stopping) return;
      if (code !== 0) return void (await shutdown("build failed", code));
    }
    if (!withNext) say("SIGNALBOX_NO_NEXT=1: serving the data plane only (no console)");

    run("web");
    run("worker");
  } catch (err) {
    process.stderr.write(
      `[signalbox] could not start: ${err instanceof Error ? err.message : `embedded PostgreSQL did not start (${String(err)})`}\n`,
    );
    await shutdown("startup failed", 1);
  }

  const cameUp = new Set<string>();
  function run(name: "web" | "worker", restarts = 0): void {
    const entry = path.join(root, "server/main", `${name}.ts`);
    const child = spawn(process.execPath, [...nodeFlagsFor(name), "--import", "tsx", entry], {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: { ...process.env, SIGNALBOX_PROCESS: name, SIGNALBOX_SUPERVISOR: undefined },
    });
    let ready = false;
    children.set(name, child);
    child.on("message", (m: Msg) => {
      if (m?.type === "listening") {
        ready = true;
        cameUp.add(name);
        say(`Signalbox is running at http://localhost:${m.port}  (Ctrl-C to stop)`);
        process.send?.(m);
      }
      if (m?.type === "ready") {
        ready = true;
        cameUp.add(name);
      }
    });
    child.on("exit", (code, signal) => {
      if (children.get(name) === child) children.delete(name);
      if (stopping) return;
      // Failing before it ever came up (port in use, bad configuration) will not fix itself.
      if (!cameUp.has(name)) {
        const hint =
          name === "web"
            ? ` (see the error above; if port ${process.env.PORT ?? 3000} is taken, choose another with PORT=…)`
            : " (see the error above)";
        return void shutdown(`${name} failed to start, exit ${signal ?? code}${hint}`, 1);
      }
      // A crashed half is restarted with backoff: accepted messages are in PostgreSQL, nothing is lost.
      const delay = Math.min(30_000, 500 * 2 ** restarts);
      say(`${name} exited (${signal ?? code}); restarting in ${delay} ms`);
      setTimeout(() => !stopping && run(name, ready ? 0 : restarts + 1), delay);
    });
  }
}

/** Whether .next holds a build of the current sources (a `git pull` must not serve an old console). */
function consoleBuildState(): "missing" | "stale" | "current" {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return "missing";
  const built = statSync(buildId).mtimeMs;
  const newest = (p: string): number => {
    if (!existsSync(p)) return 0;
    const st = statSync(p);
    if (!st.isDirectory()) return st.mtimeMs;
    let max = 0;
    // server/generated is rewritten (same content, new mtime) by every `prisma generate`, e.g. the
    // postinstall that `npx signalbox` runs: its source, prisma/schema, is watched instead.
    for (const e of readdirSync(p))
      if (e !== "node_modules" && e !== "generated" && !e.startsWith(".")) max = Math.max(max, newest(path.join(p, e)));
    return max;
  };
  const inputs = [
    "app",
    "components",
    "lib",
    "server",
    "prisma/schema",
    "proxy.ts",
    "next.config.js",
    "postcss.config.mjs",
    "package-lock.json",
  ];
  return inputs.some((i) => newest(path.join(root, i)) > built) ? "stale" : "current";
}

/** The pid of a live postmaster for this data directory, if any (a stale postmaster.pid is ignored). */
function runningPostmaster(dir: string): number | null {
  const file = path.join(dir, "postmaster.pid");
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  if (!(pid > 0)) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM" ? pid : null;
  }
}

/** Whether a process lost the node process that started it (reparented to init or a subreaper). */
function orphaned(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid <= 1) return true;
    return !readFileSync(`/proc/${ppid}/cmdline`, "utf8").includes("node");
  } catch {
    return false; // no /proc (not Linux): leave it to the operator, as before
  }
}

/** Fast shutdown (SIGINT: clients are disconnected, the data is consistent); the pid if it did not stop. */
async function stopOrphan(pid: number, dataDir: string): Promise<number | null> {
  try {
    process.kill(pid, "SIGINT");
  } catch {
    return null;
  }
  for (let i = 0; i < 200; i++) {
    if (!runningPostmaster(dataDir)) return null;
    await new Promise((r) => setTimeout(r, 100));
  }
  return runningPostmaster(dataDir);
}

function redactUrl(u: string): string {
  try {
    const url = new URL(u);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "(unparsable)";
  }
}

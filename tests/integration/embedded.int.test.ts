import { spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { detachExitHooks } from "../../server/db/exit-hooks";

// The zero-config default: without DATABASE_URL, Signalbox runs its own PostgreSQL in the data
// folder. These tests use temp folders under /tmp (the postgres OS user must traverse every
// parent, which /root would not allow) and check by pid that nothing is left running.

const root = path.resolve(import.meta.dirname, "../..");
const dirs: string[] = [];

function tempDataDir(): string {
  const d = mkdtempSync("/tmp/signalbox-embedded-");
  chmodSync(d, 0o755);
  dirs.push(d);
  // Start away from the default port (54329), which other tests and a running `npm start` also want.
  mkdirSync(path.join(d, "pg"), { recursive: true, mode: 0o755 });
  writeFileSync(path.join(d, "pg", "port"), String(20_000 + Math.floor(Math.random() * 20_000)));
  return d;
}

/**
 * Whether a process still runs. A process that exited but was not reaped yet (a zombie: its parent
 * was SIGKILLed and this machine's init may reap late) still answers kill(pid, 0), so its state in
 * /proc decides.
 */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: "127.0.0.1" });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/** pids of processes whose command line mentions this data folder (postgres -D <dir>/pg/data). */
function processesUsing(dir: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, "utf8").replace(/\0/g, " ");
      if (cmd.includes(dir) && Number(p) !== process.pid) out.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return out;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

function cli(dir: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, SIGNALBOX_DATA_DIR: dir, LOG_LEVEL: "warn" };
    delete env.DATABASE_URL;
    delete env.SIGNALBOX_MASTER_KEY;
    delete env.NEXTAUTH_SECRET;
    const c = spawn(process.execPath, [path.join(root, "bin/signalbox.mjs"), ...args], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    c.stdout.on("data", (d) => (out += d));
    c.stderr.on("data", (d) => (out += d));
    c.on("exit", (code) => resolve({ code: code ?? 1, out }));
  });
}

afterAll(() => {
  for (const d of dirs) {
    for (const pid of processesUsing(d)) process.kill(pid, "SIGKILL");
    rmSync(d, { recursive: true, force: true });
  }
});

describe("embedded PostgreSQL", () => {
  it("initialises, starts, answers queries and stops in a temp data folder", async () => {
    const dir = tempDataDir();
    const restore = detachExitHooks();
    const { startEmbeddedPostgres } = await import("../../server/db/embedded");
    restore();
    const db = await startEmbeddedPostgres(dir);
    const port = Number(readFileSync(path.join(dir, "pg", "port"), "utf8"));
    expect(db.url).toContain(`:${port}/signalbox`);
    const pidFile = path.join(dir, "pg", "data", "postmaster.pid");
    expect(existsSync(pidFile)).toBe(true);
    const pgPid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
    expect(alive(pgPid)).toBe(true);

    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    expect((await c.query("SELECT current_database() AS db, 40 + 2 AS n")).rows[0]).toEqual({ db: "signalbox", n: 42 });
    await c.end();

    await db.stop();
    expect(await portOpen(port)).toBe(false);
    expect(alive(pgPid)).toBe(false);
    expect(existsSync(pidFile)).toBe(false);
    expect(processesUsing(dir)).toEqual([]);

    // A second start reuses the initialised cluster, the same port and the same database.
    const again = await startEmbeddedPostgres(dir);
    expect(again.url).toBe(db.url);
    const c2 = new pg.Client({ connectionString: again.url });
    await c2.connect();
    expect((await c2.query("SELECT 1 AS one")).rows[0].one).toBe(1);
    await c2.end();
    await again.stop();
    expect(processesUsing(dir)).toEqual([]);
  });
});

describe("npm start without DATABASE_URL (data plane only)", () => {
  it("brings up embedded PostgreSQL, migrations, web and worker, and SIGTERM stops all of it", async () => {
    const dir = tempDataDir();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SIGNALBOX_DATA_DIR: dir,
      SIGNALBOX_NO_NEXT: "1",
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
    };
    delete env.DATABASE_URL;
    delete env.SIGNALBOX_MASTER_KEY;
    delete env.NEXTAUTH_SECRET;
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "server/main/start.ts")], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    let output = "";
    child.stdout!.on("data", (d) => (output += d));
    child.stderr!.on("data", (d) => (output += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("exit", (code, signal) => resolve({ code, signal })),
    );
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`start did not report a port:\n${output}`)), 120_000);
        child.on("message", (m: { type?: string; port?: number }) => {
          if (m?.type === "listening") {
            clearTimeout(t);
            resolve(m.port!);
          }
        });
        void exited.then(() => reject(new Error(`start exited early:\n${output}`)));
      });
      expect(output).toContain(`Signalbox is running at http://localhost:${port}`);

      const health = await waitFor("healthy", async () => {
        const r = await fetch(`http://127.0.0.1:${port}/api/health`);
        const body = (await r.json()) as { status: string; checks: Record<string, { ok: boolean }> };
        return r.status === 200 ? body : undefined;
      });
      expect(health.status).toBe("ok");
      expect(health.checks.database.ok).toBe(true);
      expect(health.checks.migrations.ok).toBe(true);
      expect(health.checks.worker.ok).toBe(true);

      // The secrets were generated into the data folder, private to the owner.
      for (const f of ["master.key", "auth.secret"]) {
        expect(existsSync(path.join(dir, f))).toBe(true);
        expect(statSync(path.join(dir, f)).mode & 0o077).toBe(0);
      }

      // The CLI uses the running embedded database (it neither starts nor stops one).
      const made = await cli(dir, [
        "user",
        "create",
        "--email",
        "while-running@example.test",
        "--password",
        "long enough password",
      ]);
      expect(made, made.out).toMatchObject({ code: 0 });
      expect(made.out).not.toContain("starting the embedded PostgreSQL");

      const pgPid = Number(readFileSync(path.join(dir, "pg", "data", "postmaster.pid"), "utf8").split("\n")[0]);
      const pgPort = Number(readFileSync(path.join(dir, "pg", "port"), "utf8"));
      // supervisor, postgres (and its backends), web, worker
      const tree = descendantsOf(child.pid!);
      expect(tree).toContain(pgPid);
      expect(tree.length).toBeGreaterThanOrEqual(4);

      child.kill("SIGTERM");
      const { code, signal } = await exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(output).toContain("stopping embedded PostgreSQL");
      expect(alive(pgPid)).toBe(false);
      expect(await portOpen(port)).toBe(false);
      expect(await portOpen(pgPort)).toBe(false);
      // Every process of the tree, by pid: none is left (orphans would have been re-parented).
      // Helpers such as tsx's esbuild service leave when their parent's pipe closes, a moment later.
      const left = await waitFor(
        "the process tree to exit",
        async () => (tree.some(alive) ? undefined : true),
        20_000,
      ).catch(() => tree.filter(alive).map((pid) => `${pid}: ${cmdline(pid)}`));
      expect(left).toBe(true);
      expect(processesUsing(dir)).toEqual([]);

      // With Signalbox stopped, the CLI starts the embedded database for one command and stops it.
      const later = await cli(dir, [
        "tenant",
        "create",
        "--name",
        "After hours",
        "--owner",
        "while-running@example.test",
      ]);
      expect(later, later.out).toMatchObject({ code: 0 });
      expect(later.out).toContain("starting the embedded PostgreSQL");
      expect(later.out).toContain("Created tenant After hours");
      expect(processesUsing(dir)).toEqual([]);
      expect(await portOpen(pgPort)).toBe(false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
});

describe("a supervisor killed with SIGKILL", () => {
  it("takes web and worker with it, and the next start stops the database it left behind", async () => {
    const dir = tempDataDir();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SIGNALBOX_DATA_DIR: dir,
      SIGNALBOX_NO_NEXT: "1",
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
    };
    delete env.DATABASE_URL;
    delete env.SIGNALBOX_MASTER_KEY;
    delete env.NEXTAUTH_SECRET;
    const start = () => {
      const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "server/main/start.ts")], {
        cwd: root,
        env,
        stdio: ["ignore", "pipe", "pipe", "ipc"],
      });
      let output = "";
      child.stdout!.on("data", (d) => (output += d));
      child.stderr!.on("data", (d) => (output += d));
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      const port = new Promise<number>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`start did not report a port:\n${output}`)), 120_000);
        child.on("message", (m: { type?: string; port?: number }) => {
          if (m?.type === "listening") {
            clearTimeout(t);
            resolve(m.port!);
          }
        });
        void exited.then(() => reject(new Error(`start exited early:\n${output}`)));
      });
      return { child, port, exited, output: () => output };
    };

    const first = start();
    try {
      const port = await first.port;
      // relay → supervisor → postgres, web, worker
      const [supervisor] = descendantsOf(first.child.pid!).filter((pid) => cmdline(pid).includes("start.ts"));
      expect(supervisor).toBeGreaterThan(0);
      const children = descendantsOf(supervisor!).filter((pid) => /server\/main\/(web|worker)\.ts/.test(cmdline(pid)));
      expect(children).toHaveLength(2);
      const pgPid = Number(readFileSync(path.join(dir, "pg", "data", "postmaster.pid"), "utf8").split("\n")[0]);

      process.kill(supervisor!, "SIGKILL");
      await first.exited; // the relay follows its supervisor
      const left = await waitFor(
        "web and worker to exit",
        async () => (children.some(alive) ? undefined : true),
        30_000,
      ).catch(() => children.filter(alive).map((pid) => `${pid}: ${cmdline(pid)}`));
      expect(left).toBe(true);
      expect(await portOpen(port)).toBe(false);
      // Nobody could stop the database: it is still running, and must not block the next start.
      expect(alive(pgPid)).toBe(true);

      const second = start();
      try {
        const again = await second.port;
        expect(second.output()).toContain("was left running by a Signalbox that was killed");
        const oldGone = await waitFor(
          "the old database to be gone",
          async () => (alive(pgPid) ? undefined : true),
          10_000,
        ).catch(() => false);
        expect(oldGone).toBe(true);
        const health = await waitFor("healthy", async () => {
          const r = await fetch(`http://127.0.0.1:${again}/api/health`);
          return r.status === 200 ? true : undefined;
        });
        expect(health).toBe(true);
        second.child.kill("SIGTERM");
        await second.exited;
      } finally {
        if (second.child.exitCode === null && second.child.signalCode === null) second.child.kill("SIGKILL");
      }
      expect(processesUsing(dir)).toEqual([]);
    } finally {
      if (first.child.exitCode === null && first.child.signalCode === null) first.child.kill("SIGKILL");
    }
  });
});

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
  } catch {
    return "(gone)";
  }
}

/** Every live descendant of pid (children, their children, …), from /proc. */
function descendantsOf(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      parent.set(Number(p), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const walk = (of: number) => {
    for (const [child, ppid] of parent) {
      if (ppid === of) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

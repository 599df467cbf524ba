import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { TEST_DATABASE_URL } from "./env";

// Starts real Signalbox processes for conformance and browser tests. Every process is stopped by
// its own pid when the test ends (and on exit, as a backstop), so nothing is left running.
const root = path.resolve(import.meta.dirname, "../..");
const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});

function baseEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: TEST_DATABASE_URL,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.TEST_SERVER_LOG_LEVEL ?? "warn",
    NODE_ENV: "production",
    ...extra,
  };
}

// A child's stderr is only shown when it fails to start, so a runtime warning it prints (a Node
// deprecation, a library's notice) would go unseen: pass those lines on to the test run's output.
const NODE_WARNING = /^\(node:\d+\) (?:\[[A-Z0-9]+\] )?\w*Warning: .*/gm;
function relayWarnings(name: string, c: ChildProcess): void {
  let pending = "";
  c.stderr!.on("data", (d) => {
    const text = pending + String(d);
    const cut = text.lastIndexOf("\n");
    pending = cut < 0 ? text : text.slice(cut + 1);
    for (const line of (cut < 0 ? "" : text.slice(0, cut)).match(NODE_WARNING) ?? [])
      process.stderr.write(`[${name} ${c.pid}] ${line}\n`);
  });
}

async function stopChild(c: ChildProcess, signal: NodeJS.Signals = "SIGTERM", graceMs = 10_000): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return void live.delete(c);
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => c.kill("SIGKILL"), graceMs);
    c.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
    c.kill(signal);
  });
  live.delete(c);
}

export type TestProcess = {
  child: ChildProcess;
  pid: number;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
  /** stdout+stderr so far (last 20 kB) */ output: () => string;
};

/** One web process. `next: false` serves only the data plane (fast start, no build needed). */
export async function startWeb(
  opts: { next?: boolean; env?: Record<string, string> } = {},
): Promise<TestProcess & { url: string; port: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "server/main/web.ts")], {
    cwd: root,
    env: baseEnv({ SIGNALBOX_NO_NEXT: opts.next ? undefined : "1", ...(opts.env ?? {}) }),
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  live.add(child);
  let output = "";
  child.stdout!.on("data", (d) => (output = (output + d).slice(-20_000)));
  child.stderr!.on("data", (d) => (output = (output + d).slice(-20_000)));
  relayWarnings("web", child);
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`web did not start in time:\n${output}`)), 120_000);
    child.on("message", (m: { type?: string; port?: number }) => {
      if (m?.type === "listening") {
        clearTimeout(t);
        resolve(m.port!);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(t);
      reject(new Error(`web exited with ${code}:\n${output}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return { child, pid: child.pid!, url, port, stop: (s) => stopChild(child, s), output: () => output };
}

/** One worker process. */
export async function startWorker(opts: { env?: Record<string, string> } = {}): Promise<TestProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "server/main/worker.ts")], {
    cwd: root,
    env: baseEnv(opts.env ?? {}),
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  live.add(child);
  let output = "";
  child.stdout!.on("data", (d) => (output = (output + d).slice(-20_000)));
  child.stderr!.on("data", (d) => (output = (output + d).slice(-20_000)));
  relayWarnings("worker", child);
  // Ready when it reports that pg-boss started and its queues exist.
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`worker did not start in time:\n${output}`)), 60_000);
    child.on("message", (m: { type?: string }) => {
      if (m?.type === "ready") {
        clearTimeout(t);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(t);
      reject(new Error(`worker exited with ${code}:\n${output}`));
    });
  });
  return { child, pid: child.pid!, stop: (s) => stopChild(child, s), output: () => output };
}

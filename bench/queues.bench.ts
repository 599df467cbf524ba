// `npm run bench:queues`: SQS throughput and latency through the AWS door with the real SDK, and
// the same workload against moto_server on this machine, as a ratio.
//
// It creates a temporary database (signalbox_bench_<random> on 127.0.0.1:5432), migrates it,
// starts its own web process(es) and a worker, seeds a tenant and key, drives the queue with
// several concurrent clients (batches of 10: SendMessageBatch, ReceiveMessage with long polling,
// DeleteMessageBatch) for a bounded time, prints messages/s (sent + received + deleted) and
// p50/p99 send→receive latency, stops everything it started by pid and drops the database.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";

const root = path.resolve(import.meta.dirname, "..");
const PG = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432";
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 20);
const MOTO_DURATION_S = Number(process.env.BENCH_MOTO_SECONDS ?? 10);
const PRODUCERS = Number(process.env.BENCH_PRODUCERS ?? 4);
const CONSUMERS = Number(process.env.BENCH_CONSUMERS ?? 6);
const WEBS = Number(process.env.BENCH_WEBS ?? 1);
const BACKLOG_CAP = Number(process.env.BENCH_BACKLOG ?? 300); // producers pause above this many undelivered messages, so latency means something
const BODY = "x".repeat(200);
// BENCH_FIFO=1 runs the workload on a FIFO queue with content-based deduplication over 64 message groups.
const FIFO = process.env.BENCH_FIFO === "1";
const MASTER_KEY = randomBytes(32).toString("hex");

const children: ChildProcess[] = [];
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
    s.on("error", reject);
  });
}

function startNode(script: string, env: Record<string, string>, ready: (m: { type?: string; port?: number }) => boolean): Promise<{ child: ChildProcess; port?: number }> {
  // BENCH_PROFILE=<dir> writes a V8 CPU profile of each server process there (open in Chrome DevTools).
  const prof = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...prof, "--import", "tsx", path.join(root, script)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
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

async function stop(child: ChildProcess): Promise<void> {
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

type Result = { seconds: number; sent: number; received: number; deleted: number; p50: number; p99: number };

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The workload: producers send batches of 10, consumers long-poll 10 and delete them in a batch. */
async function workload(clients: SQSClient[], queueUrl: string, seconds: number, fifo = false): Promise<Result> {
  let sent = 0;
  let received = 0;
  let deleted = 0;
  const latencies: number[] = [];
  const started = Date.now();
  const until = started + seconds * 1000;
  let producing = true;
  const producer = async (c: SQSClient, w: number) => {
    for (let k = 0; producing && Date.now() < until; k++) {
      if (sent - received > BACKLOG_CAP) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      const now = Date.now();
      const r = await c.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `${now}|${w}|${k}|${i}|${BODY}`, ...(fifo ? { MessageGroupId: `g${(w * 7 + k * 10 + i) % 64}` } : {}) })) }));
      sent += r.Successful?.length ?? 0;
    }
  };
  const consumer = async (c: SQSClient) => {
    while (Date.now() < until) {
      const r = await c.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 60 }));
      const msgs = r.Messages ?? [];
      if (!msgs.length) continue;
      const t = Date.now();
      for (const m of msgs) latencies.push(t - Number(m.Body!.slice(0, m.Body!.indexOf("|"))));
      received += msgs.length;
      const d = await c.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
      deleted += d.Successful?.length ?? 0;
    }
  };
  const tasks: Promise<void>[] = [];
  for (let i = 0; i < PRODUCERS; i++) tasks.push(producer(clients[i % clients.length], i));
  for (let i = 0; i < CONSUMERS; i++) tasks.push(consumer(clients[(i + 1) % clients.length]));
  await Promise.all(tasks);
  producing = false;
  const secs = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { seconds: secs, sent, received, deleted, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** Latency on an idle queue: one long-polling consumer, one message every 50 ms. */
async function idleLatency(c: SQSClient, queueUrl: string, seconds: number): Promise<{ p50: number; p99: number; n: number }> {
  const lat: number[] = [];
  const until = Date.now() + seconds * 1000;
  const consumer = (async () => {
    while (Date.now() < until + 1000) {
      const r = await c.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      const t = Date.now();
      for (const m of r.Messages ?? []) lat.push(t - Number(m.Body!.slice(0, m.Body!.indexOf("|"))));
      if (r.Messages?.length) await c.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: r.Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })) }));
    }
  })();
  while (Date.now() < until) {
    await c.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: "a", MessageBody: `${Date.now()}|idle` }] }));
    await new Promise((r) => setTimeout(r, 50));
  }
  await consumer;
  lat.sort((a, b) => a - b);
  return { p50: percentile(lat, 50), p99: percentile(lat, 99), n: lat.length };
}

function report(label: string, r: Result): number {
  const rate = (r.sent + r.received + r.deleted) / r.seconds;
  console.log(
    `${label}: ${rate.toFixed(0)} messages/s (sent ${r.sent}, received ${r.received}, deleted ${r.deleted} in ${r.seconds.toFixed(1)} s); send→receive latency p50 ${r.p50} ms, p99 ${r.p99} ms`,
  );
  return rate;
}

async function benchSignalbox(): Promise<number> {
  const dbName = `signalbox_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: `${PG}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = `${PG}/${dbName}`;
  try {
    process.env.DATABASE_URL = url;
    process.env.SIGNALBOX_MASTER_KEY = MASTER_KEY;
    process.env.LOG_LEVEL = "silent";
    process.env.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret";
    const { migrate } = await import("../server/db/migrate");
    await migrate(url);
    // Seed a tenant and an API key through the service that real sign-ups use.
    const { pool, closeDb } = await import("../server/db");
    const { generateAccountId } = await import("../server/core/ids");
    const { createApiKey } = await import("../server/domains/api-keys/api-key.service");
    const tenantId = randomUUID();
    const userId = randomUUID();
    await pool().query(`INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, 'bench', 'x')`, [userId, `bench-${userId}@example.test`]);
    await pool().query(`INSERT INTO tenants (id, name, slug, account_id) VALUES ($1, 'bench', $2, $3)`, [tenantId, `bench-${tenantId.slice(0, 8)}`, generateAccountId()]);
    await pool().query(`INSERT INTO memberships (id, tenant_id, user_id, role) VALUES ($1, $2, $3, 'owner')`, [randomUUID(), tenantId, userId]);
    const key = await createApiKey({ type: "user", userId, email: "bench@example.test", role: "owner" }, tenantId, { name: "bench", role: "owner" });
    await closeDb();

    const env = { DATABASE_URL: url, SIGNALBOX_MASTER_KEY: MASTER_KEY, NEXTAUTH_SECRET: "bench-secret-bench-secret-bench-secret", LOG_LEVEL: "warn", NODE_ENV: "production", SIGNALBOX_NO_NEXT: "1", HOST: "127.0.0.1", PORT: "0" };
    const webs = await Promise.all(Array.from({ length: WEBS }, () => startNode("server/main/web.ts", env, (m) => m.type === "listening")));
    const worker = await startNode("server/main/worker.ts", env, (m) => m.type === "ready");
    try {
      const clients = webs.map(
        (w) => new SQSClient({ endpoint: `http://127.0.0.1:${w.port}/api/aws`, region: "us-east-1", credentials: { accessKeyId: key.id, secretAccessKey: key.secret }, maxAttempts: 1 }),
      );
      const { QueueUrl } = await clients[0].send(
        new CreateQueueCommand(FIFO ? { QueueName: "bench.fifo", Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" } } : { QueueName: "bench" }),
      );
      // Warm-up (JIT, connections, caches), not counted.
      await workload(clients, QueueUrl!, 2, FIFO);
      const r = await workload(clients, QueueUrl!, DURATION_S, FIFO);
      const idleQueue = (await clients[0].send(new CreateQueueCommand({ QueueName: "bench-idle" }))).QueueUrl!;
      const idle = await idleLatency(clients[0], idleQueue, 5);
      for (const c of clients) c.destroy();
      const rate = report(`Signalbox${FIFO ? " FIFO, 64 groups" : ""} (${WEBS} web process${WEBS > 1 ? "es" : ""}, ${PRODUCERS} producers, ${CONSUMERS} consumers, ${DURATION_S} s)`, r);
      console.log(`Signalbox, idle queue with a long-polling consumer: send→receive latency p50 ${idle.p50} ms, p99 ${idle.p99} ms (${idle.n} messages)`);
      return rate;
    } finally {
      await Promise.all([...webs.map((w) => stop(w.child)), stop(worker.child)]);
    }
  } finally {
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [dbName]).catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}"`);
    await admin.end();
  }
}

async function benchMoto(): Promise<number | null> {
  const port = await freePort();
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  children.push(child);
  try {
    const c = () => new SQSClient({ endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" }, maxAttempts: 1 });
    const clients = [c(), c()];
    let queueUrl: string | undefined;
    for (let i = 0; i < 100 && !queueUrl; i++) {
      try {
        queueUrl = (await clients[0].send(new CreateQueueCommand({ QueueName: "bench" }))).QueueUrl;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    if (!queueUrl) throw new Error("moto_server did not start");
    await workload(clients, queueUrl, 2);
    const r = await workload(clients, queueUrl, MOTO_DURATION_S);
    for (const x of clients) x.destroy();
    return report(`moto_server (same workload, ${MOTO_DURATION_S} s)`, r);
  } catch (e) {
    console.log(`moto_server: not measured (${(e as Error).message})`);
    return null;
  } finally {
    await stop(child);
  }
}

const ours = await benchSignalbox();
const moto = FIFO ? null : await benchMoto();
if (moto) console.log(`ratio: Signalbox is ${(ours / moto).toFixed(1)}× moto_server on this machine`);
process.exit(0);

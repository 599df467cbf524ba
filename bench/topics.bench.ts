// `npm run bench:topics`: SNS fan-out throughput and publish→delivery latency through the AWS door
// with the real SDK, and the same workload against moto_server as a reference.
//
// It creates a temporary database (signalbox_bench_<random> on 127.0.0.1:5432), migrates it,
// starts its own web and worker processes, seeds a tenant and key, creates one topic with
// BENCH_QUEUES queue subscribers and BENCH_HOOKS webhook subscribers (local 127.0.0.1 receivers
// in this process, confirmed through SubscribeURL), publishes at a steady rate
// (BENCH_RATE messages/s, PublishBatch of 10) for BENCH_SECONDS, and prints webhook deliveries/s,
// queue deliveries/s and p50/p99 publish→delivery latency (webhooks: receive time − publish time
// carried in the message; queues: the delivery row's latency). Everything it started is stopped
// by pid and the database is dropped.
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { randomBytes, randomUUID } from "node:crypto";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { SNSClient, CreateTopicCommand, SubscribeCommand, PublishBatchCommand, ListSubscriptionsByTopicCommand } from "@aws-sdk/client-sns";
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";

const root = path.resolve(import.meta.dirname, "..");
const PG = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const MOTO_SECONDS = Number(process.env.BENCH_MOTO_SECONDS ?? 10);
const QUEUES = Number(process.env.BENCH_QUEUES ?? 10);
const HOOKS = Number(process.env.BENCH_HOOKS ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 100); // messages published per second
const MOTO_RATE = Number(process.env.BENCH_MOTO_RATE ?? 20);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const MASTER_KEY = randomBytes(32).toString("hex");
const BODY = "x".repeat(200);

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
  // BENCH_PROFILE=<dir> writes a V8 CPU profile of each server process there.
  const prof = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...prof, "--import", "tsx", path.join(root, script)], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe", "ipc"] });
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

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);

/** Webhook receivers: confirm subscriptions by visiting SubscribeURL, record publish→receive latency. */
async function startReceivers() {
  const latencies: number[] = [];
  let received = 0;
  let recording = false;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const now = Date.now();
      const body = Buffer.concat(chunks).toString();
      res.writeHead(200).end("ok");
      try {
        const m = JSON.parse(body);
        if (m.Type === "SubscriptionConfirmation") return void fetch(m.SubscribeURL).catch(() => undefined);
        if (m.Type === "Notification" && recording) {
          received++;
          latencies.push(now - Number(String(m.Message).split("|")[0]));
        }
      } catch {
        /* not JSON */
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    start: () => {
      recording = true;
      received = 0;
      latencies.length = 0;
    },
    count: () => received,
    stop: () => {
      recording = false;
      return { received, latencies: [...latencies].sort((a, b) => a - b) };
    },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

type Setup = { sns: SNSClient; sqs: SQSClient; topicArn: string };

async function subscribeAll(s: Setup, hookBase: string, accountForQueues?: string) {
  for (let i = 0; i < QUEUES; i++) {
    const { QueueUrl } = await s.sqs.send(new CreateQueueCommand({ QueueName: `bench-q-${i}` }));
    const arn = accountForQueues ? `arn:aws:sqs:us-east-1:${accountForQueues}:bench-q-${i}` : (await s.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
    await s.sns.send(new SubscribeCommand({ TopicArn: s.topicArn, Protocol: "sqs", Endpoint: arn, Attributes: { RawMessageDelivery: "true" } }));
  }
  for (let i = 0; i < HOOKS; i++) await s.sns.send(new SubscribeCommand({ TopicArn: s.topicArn, Protocol: "http", Endpoint: `${hookBase}/hook-${i}` }));
  // Wait for confirmations.
  for (let k = 0; k < 100; k++) {
    const subs = (await s.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: s.topicArn }))).Subscriptions ?? [];
    if (subs.filter((x) => x.Protocol === "http" && x.SubscriptionArn !== "PendingConfirmation").length >= HOOKS) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("webhook subscriptions were not confirmed");
}

/** Publishes `rate` messages/s in batches of 10 for `seconds`; returns how many were published. */
async function publishSteadily(s: Setup, rate: number, seconds: number): Promise<number> {
  const batchesPerSecond = rate / 10;
  const started = Date.now();
  let published = 0;
  const inflight: Promise<void>[] = [];
  for (let k = 0; Date.now() - started < seconds * 1000; k++) {
    const due = started + (k * 1000) / batchesPerSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      s.sns.send(new PublishBatchCommand({ TopicArn: s.topicArn, PublishBatchRequestEntries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, Message: `${Date.now()}|${BODY}` })) })).then((r) => {
        published += r.Successful?.length ?? 0;
      }),
    );
    if (inflight.length > 50) await Promise.all(inflight.splice(0, inflight.length));
  }
  await Promise.all(inflight);
  return published;
}

async function benchSignalbox() {
  const dbName = `signalbox_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: `${PG}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = `${PG}/${dbName}`;
  const rx = await startReceivers();
  try {
    process.env.DATABASE_URL = url;
    process.env.SIGNALBOX_MASTER_KEY = MASTER_KEY;
    process.env.LOG_LEVEL = "silent";
    process.env.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret";
    const { migrate } = await import("../server/db/migrate");
    await migrate(url);
    const { pool, closeDb } = await import("../server/db");
    const { generateAccountId } = await import("../server/core/ids");
    const { createApiKey } = await import("../server/domains/api-keys/api-key.service");
    const tenantId = randomUUID();
    const userId = randomUUID();
    await pool().query(`INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, 'bench', 'x')`, [userId, `bench-${userId}@example.test`]);
    await pool().query(`INSERT INTO tenants (id, name, slug, account_id) VALUES ($1, 'bench', $2, $3)`, [tenantId, `bench-${tenantId.slice(0, 8)}`, generateAccountId()]);
    await pool().query(`INSERT INTO memberships (id, tenant_id, user_id, role) VALUES ($1, $2, $3, 'owner')`, [randomUUID(), tenantId, userId]);
    const key = await createApiKey({ type: "user", userId, email: "bench@example.test", role: "owner" }, tenantId, { name: "bench", role: "owner" });

    const env = { DATABASE_URL: url, SIGNALBOX_MASTER_KEY: MASTER_KEY, NEXTAUTH_SECRET: "bench-secret-bench-secret-bench-secret", LOG_LEVEL: "warn", NODE_ENV: "production", SIGNALBOX_NO_NEXT: "1", HOST: "127.0.0.1", PORT: "0", SIGNALBOX_WEBHOOK_ALLOWLIST: "127.0.0.1/32" };
    const web = await startNode("server/main/web.ts", env, (m) => m.type === "listening");
    const workers = await Promise.all(Array.from({ length: WORKERS }, () => startNode("server/main/worker.ts", env, (m) => m.type === "ready")));
    try {
      const credentials = { accessKeyId: key.id, secretAccessKey: key.secret };
      const endpoint = `http://127.0.0.1:${web.port}/api/aws`;
      const s: Setup = { sns: new SNSClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 }), sqs: new SQSClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 }), topicArn: "" };
      s.topicArn = (await s.sns.send(new CreateTopicCommand({ Name: "bench" }))).TopicArn!;
      await subscribeAll(s, rx.url);
      await publishSteadily(s, RATE, 2); // warm-up
      await new Promise((r) => setTimeout(r, 2000));
      const since = new Date();
      rx.start();
      const started = Date.now();
      const published = await publishSteadily(s, RATE, SECONDS);
      // Let the tail drain (bounded), then measure.
      const expectedHooks = published * HOOKS;
      for (let i = 0; i < 100 && rx.count() < expectedHooks; i++) await new Promise((r) => setTimeout(r, 100));
      const elapsed = (Date.now() - started) / 1000;
      const hooks = rx.stop();
      const q = await pool().query(
        `SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99
           FROM deliveries WHERE protocol = 'sqs' AND created_at >= $1`,
        [since],
      );
      await closeDb();
      s.sns.destroy();
      s.sqs.destroy();
      const r = q.rows[0];
      console.log(`Signalbox (1 web, ${WORKERS} worker${WORKERS > 1 ? "s" : ""}; ${QUEUES} queue + ${HOOKS} webhook subscribers; ${RATE} messages/s for ${SECONDS} s; ${published} published)`);
      console.log(`  webhooks: ${hooks.received}/${expectedHooks} delivered, ${(hooks.received / elapsed).toFixed(0)} deliveries/s; publish→delivery p50 ${percentile(hooks.latencies, 50)} ms, p99 ${percentile(hooks.latencies, 99)} ms`);
      console.log(`  queues:   ${r.n}/${published * QUEUES} delivered, ${(r.n / elapsed).toFixed(0)} deliveries/s; publish→delivery p50 ${Math.round(r.p50)} ms, p99 ${Math.round(r.p99)} ms`);
      return hooks.received / elapsed;
    } finally {
      await Promise.all([stop(web.child), ...workers.map((w) => stop(w.child))]);
    }
  } finally {
    await rx.close();
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [dbName]).catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}"`);
    await admin.end();
  }
}

async function benchMoto(): Promise<number | null> {
  const port = await freePort();
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  children.push(child);
  const rx = await startReceivers();
  try {
    const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
    const s: Setup = { sns: new SNSClient({ endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", credentials, maxAttempts: 1 }), sqs: new SQSClient({ endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", credentials, maxAttempts: 1 }), topicArn: "" };
    for (let i = 0; i < 100 && !s.topicArn; i++) {
      try {
        s.topicArn = (await s.sns.send(new CreateTopicCommand({ Name: "bench" }))).TopicArn!;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    if (!s.topicArn) throw new Error("moto_server did not start");
    await subscribeAll(s, rx.url, "123456789012");
    rx.start();
    const started = Date.now();
    const published = await publishSteadily(s, MOTO_RATE, MOTO_SECONDS);
    await new Promise((r) => setTimeout(r, 1000));
    const elapsed = (Date.now() - started) / 1000;
    const hooks = rx.stop();
    s.sns.destroy();
    s.sqs.destroy();
    console.log(`moto_server (same topology; ${MOTO_RATE} messages/s for ${MOTO_SECONDS} s; ${published} published; moto delivers synchronously inside Publish)`);
    console.log(`  webhooks: ${hooks.received}/${published * HOOKS} delivered, ${(hooks.received / elapsed).toFixed(0)} deliveries/s; publish→delivery p50 ${percentile(hooks.latencies, 50)} ms, p99 ${percentile(hooks.latencies, 99)} ms`);
    return hooks.received / elapsed;
  } catch (e) {
    console.log(`moto_server: not measured (${(e as Error).message})`);
    return null;
  } finally {
    await rx.close();
    await stop(child);
  }
}

const ours = await benchSignalbox();
const moto = await benchMoto();
if (moto) console.log(`ratio: Signalbox delivered ${(ours / moto).toFixed(1)}× moto_server's webhook deliveries/s on this machine (each at the load given above)`);
process.exit(0);

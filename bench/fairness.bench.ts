// `npm run bench:fairness`: does one tenant flooding the AWS door hurt another tenant?
//
// It creates a temporary database (signalbox_bench_<random>), starts one web process with the
// default limits, seeds a second tenant beside the harness's one, and measures the steady
// tenant's SendMessage latency (one request every BENCH_STEADY_MS) first alone, then while the
// first tenant floods the same process from BENCH_FLOOD_CLIENTS connections as fast as it is
// answered. Prints the steady tenant's p50/p99 idle and under flood, and what the flood got
// (accepted vs throttled). The bar (issue 8): p99 under flood at most 2× p99 idle.
import { randomUUID } from "node:crypto";
import { Worker } from "node:worker_threads";
import { percentile, startWebProcess, stop, withBenchDatabase, type BenchDb } from "./harness";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const STEADY_MS = Number(process.env.BENCH_STEADY_MS ?? 20);
const FLOOD_CLIENTS = Number(process.env.BENCH_FLOOD_CLIENTS ?? 32);
const BODY = "x".repeat(200);

type Key = { id: string; secret: string };

const FLOOD_WORKER = `
const { parentPort, workerData: w } = require("node:worker_threads");
let flooding = true, ok = 0, throttled = 0, other = 0;
parentPort.once("message", () => (flooding = false));
const headers = {
  authorization: "Bearer " + w.key.id + "." + w.key.secret,
  "x-amz-target": "AmazonSQS.SendMessage",
  "content-type": "application/x-amz-json-1.0",
};
const body = JSON.stringify({ QueueUrl: w.queueUrl, MessageBody: w.body });
async function loop() {
  while (flooding) {
    try {
      const r = await fetch(w.base + "/api/aws", { method: "POST", headers, body });
      await r.arrayBuffer();
      if (r.status === 200) ok++;
      else if (r.status === 400 || r.status === 429 || r.status === 503) throttled++;
      else other++;
    } catch {
      other++;
    }
  }
}
Promise.all(Array.from({ length: w.clients }, loop)).then(() => parentPort.postMessage({ ok, throttled, other }));
`;

async function seedSecondTenant(db: BenchDb): Promise<Key> {
  const { generateAccountId } = await import("../server/core/ids");
  const { createApiKey } = await import("../server/domains/api-keys/api-key.service");
  const tenantId = randomUUID();
  const userId = randomUUID();
  await db.query(`INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, 'steady', 'x')`, [
    userId,
    `steady-${userId}@example.test`,
  ]);
  await db.query(`INSERT INTO tenants (id, name, slug, account_id) VALUES ($1, 'steady', $2, $3)`, [
    tenantId,
    `steady-${tenantId.slice(0, 8)}`,
    generateAccountId(),
  ]);
  await db.query(`INSERT INTO memberships (id, tenant_id, user_id, role) VALUES ($1, $2, $3, 'owner')`, [
    randomUUID(),
    tenantId,
    userId,
  ]);
  const k = await createApiKey({ type: "user", userId, email: "steady@example.test", role: "owner" }, tenantId, {
    name: "steady",
    role: "owner",
  });
  return { id: k.id, secret: k.secret };
}

function sqs(base: string, key: Key) {
  return async (action: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const r = await fetch(`${base}/api/aws`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${key.id}.${key.secret}`,
        "x-amz-target": `AmazonSQS.${action}`,
        "content-type": "application/x-amz-json-1.0",
      },
      body: JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
}

/** One SendMessage every STEADY_MS for `seconds`; the latency of each, in ms. */
async function steady(call: ReturnType<typeof sqs>, queueUrl: string, seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  let next = performance.now();
  while (performance.now() < until) {
    const t0 = performance.now();
    const r = await call("SendMessage", { QueueUrl: queueUrl, MessageBody: BODY });
    if (r.status !== 200) throw new Error(`steady tenant refused: ${r.status} ${JSON.stringify(r.json)}`);
    latencies.push(performance.now() - t0);
    next += STEADY_MS;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    else next = performance.now();
  }
  return latencies.sort((a, b) => a - b);
}

function summary(label: string, l: number[]) {
  const f = (n: number) => n.toFixed(1).padStart(7);
  console.log(
    `${label.padEnd(26)} n=${String(l.length).padStart(5)}  p50 ${f(percentile(l, 50))} ms  p99 ${f(percentile(l, 99))} ms`,
  );
}

await withBenchDatabase(async (db) => {
  const steadyKey = await seedSecondTenant(db);
  const web = await startWebProcess(db.env);
  const base = `http://127.0.0.1:${web.port}`;
  try {
    const flood = sqs(base, db.key);
    const calm = sqs(base, steadyKey);
    const fq = (await flood("CreateQueue", { QueueName: "flood" })).json.QueueUrl as string;
    const sq = (await calm("CreateQueue", { QueueName: "steady" })).json.QueueUrl as string;
    // Warm up both tenants' caches and connections.
    await steady(calm, sq, 2);

    const idle = await steady(calm, sq, SECONDS);

    // The flood runs on its own thread (its own event loop), so the steady tenant's timings are not
    // delayed by the benchmark's own handling of flood replies.
    const flooder = new Worker(FLOOD_WORKER, {
      eval: true,
      workerData: { base, key: db.key, queueUrl: fq, clients: FLOOD_CLIENTS, body: BODY },
    });
    const floodDone = new Promise<{ ok: number; throttled: number; other: number }>((resolve, reject) => {
      flooder.once("message", resolve);
      flooder.once("error", reject);
    });
    await new Promise((r) => setTimeout(r, 1000)); // let the flood reach full speed
    const started = performance.now();
    const underFlood = await steady(calm, sq, SECONDS);
    const floodSeconds = (performance.now() - started) / 1000;
    flooder.postMessage("stop");
    const { ok: floodOk, throttled: floodThrottled, other: floodOther } = await floodDone;
    await flooder.terminate();

    console.log(
      `fairness: one web process, defaults (SIGNALBOX_TENANT_RPS=${process.env.SIGNALBOX_TENANT_RPS ?? "default"}, ` +
        `SIGNALBOX_DOOR_CONCURRENCY=${process.env.SIGNALBOX_DOOR_CONCURRENCY ?? "default"}), ` +
        `steady tenant every ${STEADY_MS} ms, flood from ${FLOOD_CLIENTS} connections, ${SECONDS} s each`,
    );
    summary("steady tenant, idle", idle);
    summary("steady tenant, under flood", underFlood);
    console.log(
      `flood tenant: ${Math.round(floodOk / floodSeconds)} accepted/s, ${Math.round(floodThrottled / floodSeconds)} throttled/s` +
        (floodOther ? `, ${floodOther} other errors` : ""),
    );
    const ratio = percentile(underFlood, 99) / percentile(idle, 99);
    console.log(`p99 under flood / p99 idle = ${ratio.toFixed(2)}× (bar: ≤ 2×) ${ratio <= 2 ? "OK" : "OVER"}`);
  } finally {
    await stop(web.child);
  }
});
process.exit(0);

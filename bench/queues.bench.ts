// `npm run bench:queues`: SQS throughput and latency through the AWS door with the real SDK, and
// the same workload against moto_server on this machine, as a ratio.
//
// It creates a temporary database (signalbox_bench_<random> on 127.0.0.1:5432), migrates it,
// starts its own web process(es) and a worker, seeds a tenant and key, drives the queue with
// several concurrent clients (batches of 10: SendMessageBatch, ReceiveMessage with long polling,
// DeleteMessageBatch) for a bounded time, prints messages/s (sent + received + deleted) and
// p50/p99 send→receive latency, stops everything it started by pid and drops the database.
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { cpus, loadavg } from "node:os";
import pg from "pg";
import { percentile, startWebProcess, startWorkerProcess, stop, withBenchDatabase, withMoto } from "./harness";

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 20);
const MOTO_DURATION_S = Number(process.env.BENCH_MOTO_SECONDS ?? 10);
const PRODUCERS = Number(process.env.BENCH_PRODUCERS ?? 4);
const CONSUMERS = Number(process.env.BENCH_CONSUMERS ?? 6);
const WEBS = Number(process.env.BENCH_WEBS ?? 1);
const BACKLOG_CAP = Number(process.env.BENCH_BACKLOG ?? 300); // producers pause above this many undelivered messages, so latency means something
const BODY = "x".repeat(200);
// BENCH_FIFO=1 runs the workload on a FIFO queue with content-based deduplication over 64 message groups.
const FIFO = process.env.BENCH_FIFO === "1";

type Result = { seconds: number; sent: number; received: number; deleted: number; p50: number; p99: number };

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
      const r = await c.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Array.from({ length: 10 }, (_, i) => ({
            Id: `m${i}`,
            MessageBody: `${now}|${w}|${k}|${i}|${BODY}`,
            ...(fifo ? { MessageGroupId: `g${(w * 7 + k * 10 + i) % 64}` } : {}),
          })),
        }),
      );
      sent += r.Successful?.length ?? 0;
    }
  };
  const consumer = async (c: SQSClient) => {
    while (Date.now() < until) {
      const r = await c.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: 60,
        }),
      );
      const msgs = r.Messages ?? [];
      if (!msgs.length) continue;
      const t = Date.now();
      for (const m of msgs) latencies.push(t - Number(m.Body!.slice(0, m.Body!.indexOf("|"))));
      received += msgs.length;
      const d = await c.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
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
async function idleLatency(
  c: SQSClient,
  queueUrl: string,
  seconds: number,
): Promise<{ p50: number; p99: number; n: number }> {
  const lat: number[] = [];
  const until = Date.now() + seconds * 1000;
  const consumer = (async () => {
    while (Date.now() < until + 1000) {
      const r = await c.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      const t = Date.now();
      for (const m of r.Messages ?? []) lat.push(t - Number(m.Body!.slice(0, m.Body!.indexOf("|"))));
      if (r.Messages?.length)
        await c.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: r.Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
    }
  })();
  while (Date.now() < until) {
    await c.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: "a", MessageBody: `${Date.now()}|idle` }] }),
    );
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
  return withBenchDatabase(async ({ env, key }) => {
    const webs = await Promise.all(Array.from({ length: WEBS }, () => startWebProcess(env)));
    const worker = await startWorkerProcess(env);
    try {
      const clients = webs.map(
        (w) =>
          new SQSClient({
            endpoint: `http://127.0.0.1:${w.port}/api/aws`,
            region: "us-east-1",
            credentials: { accessKeyId: key.id, secretAccessKey: key.secret },
            maxAttempts: 1,
          }),
      );
      const { QueueUrl } = await clients[0].send(
        new CreateQueueCommand(
          FIFO
            ? { QueueName: "bench.fifo", Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" } }
            : { QueueName: "bench" },
        ),
      );
      // Warm-up (JIT, connections, caches), not counted.
      await workload(clients, QueueUrl!, 2, FIFO);
      const r = await workload(clients, QueueUrl!, DURATION_S, FIFO);
      const idleQueue = (await clients[0].send(new CreateQueueCommand({ QueueName: "bench-idle" }))).QueueUrl!;
      const idle = await idleLatency(clients[0], idleQueue, 5);
      for (const c of clients) c.destroy();
      const rate = report(
        `Signalbox${FIFO ? " FIFO, 64 groups" : ""} (${WEBS} web process${WEBS > 1 ? "es" : ""}, ${PRODUCERS} producers, ${CONSUMERS} consumers, ${DURATION_S} s)`,
        r,
      );
      console.log(
        `Signalbox, idle queue with a long-polling consumer: send→receive latency p50 ${idle.p50} ms, p99 ${idle.p99} ms (${idle.n} messages)`,
      );
      return rate;
    } finally {
      await Promise.all([...webs.map((w) => stop(w.child)), stop(worker.child)]);
    }
  });
}

async function benchMoto(): Promise<number | null> {
  const client = (endpoint: string) =>
    new SQSClient({
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      maxAttempts: 1,
    });
  try {
    return await withMoto(
      (endpoint) => client(endpoint).send(new CreateQueueCommand({ QueueName: "bench" })),
      async (endpoint) => {
        const clients = [client(endpoint), client(endpoint)];
        const queueUrl = (await clients[0].send(new CreateQueueCommand({ QueueName: "bench" }))).QueueUrl!;
        await workload(clients, queueUrl, 2);
        const r = await workload(clients, queueUrl, MOTO_DURATION_S);
        for (const x of clients) x.destroy();
        return report(`moto_server (same workload, ${MOTO_DURATION_S} s)`, r);
      },
    );
  } catch (e) {
    console.log(`moto_server: not measured (${(e as Error).message})`);
    return null;
  }
}

/** The conditions a figure was measured under: a shared machine's load moves it by tens of percent. */
async function conditions(): Promise<string> {
  const c = new pg.Client({
    connectionString: `${process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432"}/postgres`,
  });
  let autovacuum = "unknown";
  try {
    await c.connect();
    autovacuum = (await c.query(`SELECT current_setting('autovacuum') AS a`)).rows[0].a;
  } catch {
    // the benchmark itself reports a database it cannot reach
  } finally {
    await c.end().catch(() => {});
  }
  const l = loadavg().map((x) => x.toFixed(1));
  return `${cpus().length} CPUs, load average ${l.join(" ")}, PostgreSQL autovacuum ${autovacuum}`;
}

console.log(`Conditions: ${await conditions()}`);
const ours = await benchSignalbox();
const moto = FIFO ? null : await benchMoto();
if (moto) console.log(`ratio: Signalbox is ${(ours / moto).toFixed(1)}× moto_server on this machine`);
process.exit(0);

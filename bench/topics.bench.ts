// `npm run bench:topics`: SNS fan-out throughput and publish→delivery latency through the AWS door
// with the real SDK, for each target kind on its own, and the same workload against moto_server as
// a reference.
//
// For each kind (BENCH_KINDS, default "queues,webhooks") it creates a temporary database
// (signalbox_bench_<random> on 127.0.0.1:5432), migrates it, starts its own web and worker
// processes, seeds a tenant and key, creates one topic with BENCH_SUBSCRIBERS (10) subscribers of
// that kind (queues with raw delivery; webhooks: local 127.0.0.1 receivers in this process,
// confirmed through SubscribeURL), warms up until deliveries flow, runs VACUUM ANALYZE (the
// development PostgreSQL runs without autovacuum), then publishes at a steady rate (BENCH_RATE
// messages/s, default 400, PublishBatch of 10) for BENCH_SECONDS and prints deliveries/s and
// p50/p99 publish→delivery latency: webhooks, receive time − publish time carried in the message;
// queues, the time the queue message was stored − publish time carried in it. It also prints the
// PublishBatch call's own p50/p99 and the conditions of the run. Everything it started is stopped
// by pid and the database is dropped.
import http from "node:http";
import type net from "node:net";
import {
  SNSClient,
  CreateTopicCommand,
  SubscribeCommand,
  PublishBatchCommand,
  ListSubscriptionsByTopicCommand,
} from "@aws-sdk/client-sns";
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import {
  analyze,
  conditions,
  percentile,
  startWebProcess,
  startWorkerProcess,
  stop,
  withBenchDatabase,
  withMoto,
} from "./harness";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const MOTO_SECONDS = Number(process.env.BENCH_MOTO_SECONDS ?? 10);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10);
const KINDS = (process.env.BENCH_KINDS ?? "queues,webhooks").split(",").map((k) => k.trim()) as Array<
  "queues" | "webhooks"
>;
const RATE = Number(process.env.BENCH_RATE ?? 400); // messages published per second
// moto_server keeps its mixed topology (queues and webhooks on one topic) as the reference.
let QUEUES = Number(process.env.BENCH_QUEUES ?? 10);
let HOOKS = Number(process.env.BENCH_HOOKS ?? 10);
const MOTO_RATE = Number(process.env.BENCH_MOTO_RATE ?? 20);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const BODY = "x".repeat(200);

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
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

type Setup = { sns: SNSClient; sqs: SQSClient; topicArn: string };

async function subscribeAll(s: Setup, hookBase: string, accountForQueues?: string) {
  for (let i = 0; i < QUEUES; i++) {
    const { QueueUrl } = await s.sqs.send(new CreateQueueCommand({ QueueName: `bench-q-${i}` }));
    const arn = accountForQueues
      ? `arn:aws:sqs:us-east-1:${accountForQueues}:bench-q-${i}`
      : (await s.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes!
          .QueueArn!;
    await s.sns.send(
      new SubscribeCommand({
        TopicArn: s.topicArn,
        Protocol: "sqs",
        Endpoint: arn,
        Attributes: { RawMessageDelivery: "true" },
      }),
    );
  }
  for (let i = 0; i < HOOKS; i++)
    await s.sns.send(
      new SubscribeCommand({ TopicArn: s.topicArn, Protocol: "http", Endpoint: `${hookBase}/hook-${i}` }),
    );
  // Wait for confirmations.
  for (let k = 0; k < 100; k++) {
    const subs = (await s.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: s.topicArn }))).Subscriptions ?? [];
    if (subs.filter((x) => x.Protocol === "http" && x.SubscriptionArn !== "PendingConfirmation").length >= HOOKS)
      return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("webhook subscriptions were not confirmed");
}

/** Publishes `rate` messages/s in batches of 10 for `seconds`; returns how many were published. */
async function publishSteadily(s: Setup, rate: number, seconds: number, calls: number[] = []): Promise<number> {
  const batchesPerSecond = rate / 10;
  const started = Date.now();
  let published = 0;
  const inflight: Promise<void>[] = [];
  for (let k = 0; Date.now() - started < seconds * 1000; k++) {
    const due = started + (k * 1000) / batchesPerSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sentAt = Date.now();
    inflight.push(
      s.sns
        .send(
          new PublishBatchCommand({
            TopicArn: s.topicArn,
            PublishBatchRequestEntries: Array.from({ length: 10 }, (_, i) => ({
              Id: `m${i}`,
              Message: `${Date.now()}|${BODY}`,
            })),
          }),
        )
        .then((r) => {
          calls.push(Date.now() - sentAt);
          published += r.Successful?.length ?? 0;
        }),
    );
    if (inflight.length > 50) await Promise.all(inflight.splice(0, inflight.length));
  }
  await Promise.all(inflight);
  return published;
}

type Db = Parameters<Parameters<typeof withBenchDatabase>[0]>[0];

async function benchKind(kind: "queues" | "webhooks", { key, query }: Db, webPort: number) {
  QUEUES = kind === "queues" ? SUBSCRIBERS : 0;
  HOOKS = kind === "webhooks" ? SUBSCRIBERS : 0;
  const rx = await startReceivers();
  const web = { port: webPort };
  try {
    const credentials = { accessKeyId: key.id, secretAccessKey: key.secret };
    const endpoint = `http://127.0.0.1:${web.port}/api/aws`;
    const s: Setup = {
      sns: new SNSClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 }),
      sqs: new SQSClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 }),
      topicArn: "",
    };
    s.topicArn = (await s.sns.send(new CreateTopicCommand({ Name: `bench-${kind}` }))).TopicArn!;
    await subscribeAll(s, rx.url);
    const succeeded = async (since: Date) =>
      Number(
        (
          await query(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'succeeded' AND created_at >= $1`, [
            since,
          ])
        ).rows[0].n,
      );
    // Warm-up (connections, JIT, the signing key, pg-boss queues), drained, then statistics.
    const warm = new Date();
    const warmed = await publishSteadily(s, RATE, 3);
    for (let i = 0; i < 200 && (await succeeded(warm)) < warmed * SUBSCRIBERS; i++)
      await new Promise((r) => setTimeout(r, 100));
    await analyze(query);
    const cond = await conditions(query);
    const since = new Date();
    rx.start();
    const started = Date.now();
    const calls: number[] = [];
    const published = await publishSteadily(s, RATE, SECONDS, calls);
    // Let the tail drain (bounded), then measure.
    const expected = published * SUBSCRIBERS;
    for (let i = 0; i < 100; i++) {
      const n = kind === "webhooks" ? rx.count() : await succeeded(since);
      if (n >= expected) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const elapsed = (Date.now() - started) / 1000;
    const hooks = rx.stop();
    s.sns.destroy();
    s.sqs.destroy();
    calls.sort((a, b) => a - b);
    let delivered: number, p50: number, p99: number;
    if (kind === "webhooks") {
      delivered = hooks.received;
      p50 = percentile(hooks.latencies, 50);
      p99 = percentile(hooks.latencies, 99);
    } else {
      // Stored in the queue − published (the publish time rides in the raw body).
      const q = await query(
        `SELECT count(*)::int AS n,
                    percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch from sent_at) * 1000 - split_part(body, '|', 1)::bigint) AS p50,
                    percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch from sent_at) * 1000 - split_part(body, '|', 1)::bigint) AS p99
               FROM queue_messages WHERE sent_at >= $1`,
        [since],
      );
      delivered = q.rows[0].n;
      p50 = Math.round(q.rows[0].p50);
      p99 = Math.round(q.rows[0].p99);
    }
    console.log(
      `Signalbox ${kind} (1 web, ${WORKERS} worker${WORKERS > 1 ? "s" : ""}; ${SUBSCRIBERS} ${kind === "queues" ? "queue (raw delivery)" : "webhook"} subscribers; ${RATE} messages/s for ${SECONDS} s; ${published} published; ${cond})`,
    );
    console.log(
      `  ${kind}: ${delivered}/${expected} delivered, ${(delivered / elapsed).toFixed(0)} deliveries/s; publish→delivery p50 ${p50} ms, p99 ${p99} ms; PublishBatch call p50 ${percentile(calls, 50)} ms, p99 ${percentile(calls, 99)} ms`,
    );
    return delivered / elapsed;
  } finally {
    await rx.close();
  }
}

/** Both kinds against one database and one set of processes, one topic each, one after the other. */
async function benchSignalbox(): Promise<Map<string, number>> {
  return withBenchDatabase(async (db) => {
    const web = await startWebProcess(db.env);
    const workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorkerProcess(db.env)));
    try {
      const rates = new Map<string, number>();
      for (const kind of KINDS) rates.set(kind, await benchKind(kind, db, web.port!));
      return rates;
    } finally {
      await Promise.all([stop(web.child), ...workers.map((w) => stop(w.child))]);
    }
  });
}

async function benchMoto(): Promise<number | null> {
  const rx = await startReceivers();
  const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
  const clients = (endpoint: string): Setup => ({
    sns: new SNSClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 }),
    sqs: new SQSClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 }),
    topicArn: "",
  });
  try {
    return await withMoto(
      (endpoint) => clients(endpoint).sns.send(new CreateTopicCommand({ Name: "bench" })),
      async (endpoint) => {
        const s = clients(endpoint);
        s.topicArn = (await s.sns.send(new CreateTopicCommand({ Name: "bench" }))).TopicArn!;
        await subscribeAll(s, rx.url, "123456789012");
        rx.start();
        const started = Date.now();
        const published = await publishSteadily(s, MOTO_RATE, MOTO_SECONDS);
        await new Promise((r) => setTimeout(r, 1000));
        const elapsed = (Date.now() - started) / 1000;
        const hooks = rx.stop();
        s.sns.destroy();
        s.sqs.destroy();
        console.log(
          `moto_server (same topology; ${MOTO_RATE} messages/s for ${MOTO_SECONDS} s; ${published} published; moto delivers synchronously inside Publish)`,
        );
        console.log(
          `  webhooks: ${hooks.received}/${published * HOOKS} delivered, ${(hooks.received / elapsed).toFixed(0)} deliveries/s; publish→delivery p50 ${percentile(hooks.latencies, 50)} ms, p99 ${percentile(hooks.latencies, 99)} ms`,
        );
        return hooks.received / elapsed;
      },
    );
  } catch (e) {
    console.log(`moto_server: not measured (${(e as Error).message})`);
    return null;
  } finally {
    await rx.close();
  }
}

const rates = await benchSignalbox();
QUEUES = Number(process.env.BENCH_QUEUES ?? 10);
HOOKS = Number(process.env.BENCH_HOOKS ?? 10);
const moto = MOTO_SECONDS > 0 ? await benchMoto() : null;
const ours = rates.get("webhooks");
if (moto && ours)
  console.log(
    `ratio: Signalbox delivered ${(ours / moto).toFixed(1)}× moto_server's webhook deliveries/s on this machine (each at the load given above)`,
  );
process.exit(0);

// `npm run bench:events`: EventBridge PutEvents through the AWS door with the real SDK, against one
// bus holding BENCH_RULES (1,000) rules of which BENCH_MATCHING (10) match every event, each matching
// rule targeting its own SQS queue; the other rules have patterns on other sources, detail-types and
// detail fields (so the matcher must not evaluate them all). The same workload runs against
// moto_server as a reference.
//
// Two phases, each on a fresh temporary database (signalbox_bench_<random>) with its own web and
// worker processes:
//  1. accepted events/s: BENCH_CLIENTS (16) concurrent callers send PutEvents of 10 entries as fast
//     as they are answered for BENCH_SECONDS; what the door accepted (FailedEntryCount subtracted)
//     per second;
//  2. latency at a steady BENCH_RATE (500) events/s for BENCH_SECONDS: PutEvents → message stored in
//     the target queue (the queue row's sent_at − the send time carried in the event's detail),
//     p50/p99 over every delivered message.
// moto_server gets the same rules (BENCH_MOTO_RULES) and one caller for BENCH_MOTO_SECONDS: it delivers
// synchronously inside PutEvents, so a call's time is its delivery latency. Everything started is
// stopped by pid and the databases are dropped.
import {
  EventBridgeClient,
  CreateEventBusCommand,
  PutRuleCommand,
  PutTargetsCommand,
  PutEventsCommand,
} from "@aws-sdk/client-eventbridge";
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
  type BenchDb,
} from "./harness";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const RULES = Number(process.env.BENCH_RULES ?? 1000);
const MATCHING = Number(process.env.BENCH_MATCHING ?? 10);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const RATE = Number(process.env.BENCH_RATE ?? 500); // events per second (PutEvents of 10)
const MOTO_SECONDS = Number(process.env.BENCH_MOTO_SECONDS ?? 10);
const MOTO_RULES = Number(process.env.BENCH_MOTO_RULES ?? RULES);
const BUS = "bench";

type Clients = { events: EventBridgeClient; sqs: SQSClient };

/** Rule i's pattern: the first MATCHING rules match every bench event; the rest never do. */
function patternFor(i: number): Record<string, unknown> {
  if (i < MATCHING)
    return i % 2 === 0
      ? { source: ["bench.orders"], "detail-type": ["OrderPlaced"] }
      : { source: ["bench.orders"], detail: { amount: [{ numeric: [">=", 0] }], region: [{ prefix: "eu-" }] } };
  switch (i % 4) {
    case 0:
      return { source: [`bench.other-${i}`] };
    case 1:
      return { source: ["bench.orders"], "detail-type": [`OrderShipped-${i}`] };
    case 2:
      return { source: ["bench.orders"], detail: { customer: [`c-${i}`] } };
    default:
      return { "detail-type": [{ prefix: `Invoice-${i}` }], detail: { amount: [{ numeric: ["<", 0] }] } };
  }
}

/** Creates the bus, the queues and the rules; returns the matching rules' queue URLs. */
async function setUp(c: Clients, rules: number, busName: string | undefined): Promise<string[]> {
  if (busName) await c.events.send(new CreateEventBusCommand({ Name: busName }));
  const urls: string[] = [];
  const arns: string[] = [];
  for (let i = 0; i < MATCHING + 1; i++) {
    const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: `bench-ev-${i}` }));
    const { Attributes } = await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    urls.push(QueueUrl!);
    arns.push(Attributes!.QueueArn!);
  }
  // Non-matching rules all point at one spare queue (never fed), the matching ones at their own.
  for (let start = 0; start < rules; start += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, rules - start) }, async (_, k) => {
        const i = start + k;
        const Name = `rule-${i}`;
        await c.events.send(
          new PutRuleCommand({ Name, EventBusName: busName, EventPattern: JSON.stringify(patternFor(i)) }),
        );
        await c.events.send(
          new PutTargetsCommand({
            Rule: Name,
            EventBusName: busName,
            Targets: [{ Id: "q", Arn: i < MATCHING ? arns[i]! : arns[MATCHING]! }],
          }),
        );
      }),
    );
  }
  return urls.slice(0, MATCHING);
}

const entries = (busName: string | undefined) =>
  Array.from({ length: 10 }, (_, i) => ({
    EventBusName: busName,
    Source: "bench.orders",
    DetailType: "OrderPlaced",
    Detail: JSON.stringify({
      sentAt: Date.now(),
      amount: 10 + i,
      region: "eu-west-1",
      customer: "c-x",
      lines: [1, 2, 3],
    }),
  }));

async function putSteadily(c: Clients, busName: string | undefined, rate: number, seconds: number) {
  const callsPerSecond = rate / 10;
  const started = Date.now();
  let accepted = 0;
  const calls: number[] = [];
  const inflight: Promise<void>[] = [];
  for (let k = 0; Date.now() - started < seconds * 1000; k++) {
    const wait = started + (k * 1000) / callsPerSecond - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sentAt = Date.now();
    inflight.push(
      c.events.send(new PutEventsCommand({ Entries: entries(busName) })).then((r) => {
        calls.push(Date.now() - sentAt);
        accepted += 10 - (r.FailedEntryCount ?? 0);
      }),
    );
    if (inflight.length > 100) await Promise.all(inflight.splice(0, inflight.length));
  }
  await Promise.all(inflight);
  return { accepted, calls: calls.sort((a, b) => a - b) };
}

async function putFlatOut(c: Clients, busName: string, seconds: number) {
  const until = Date.now() + seconds * 1000;
  let accepted = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < until) {
        const r = await c.events.send(new PutEventsCommand({ Entries: entries(busName) }));
        accepted += 10 - (r.FailedEntryCount ?? 0);
        failed += r.FailedEntryCount ?? 0;
      }
    }),
  );
  return { accepted, failed };
}

function clientsFor(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }): Clients {
  return {
    events: new EventBridgeClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 }),
    sqs: new SQSClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 }),
  };
}

async function withSignalbox<T>(fn: (c: Clients, db: BenchDb) => Promise<T>): Promise<T> {
  return withBenchDatabase(async (db) => {
    const web = await startWebProcess(db.env);
    const worker = await startWorkerProcess(db.env);
    const c = clientsFor(`http://127.0.0.1:${web.port}/api/aws`, {
      accessKeyId: db.key.id,
      secretAccessKey: db.key.secret,
    });
    try {
      return await fn(c, db);
    } finally {
      c.events.destroy();
      c.sqs.destroy();
      await Promise.all([stop(web.child), stop(worker.child)]);
    }
  });
}

async function benchThroughput(): Promise<number> {
  return withSignalbox(async (c, db) => {
    await setUp(c, RULES, BUS);
    await putFlatOut(c, BUS, 3); // warm-up: connections, JIT, caches
    await analyze(db.query);
    const cond = await conditions(db.query);
    const started = Date.now();
    const r = await putFlatOut(c, BUS, SECONDS);
    const perSecond = r.accepted / ((Date.now() - started) / 1000);
    console.log(
      `Signalbox PutEvents throughput (1 web, 1 worker; ${RULES} rules, ${MATCHING} match each event; ${CLIENTS} callers, 10 entries a call, ${SECONDS} s; ${cond})`,
    );
    console.log(`  ${r.accepted} accepted (${r.failed} failed entries): ${perSecond.toFixed(0)} events/s accepted`);
    return perSecond;
  });
}

async function benchLatency(): Promise<void> {
  await withSignalbox(async (c, db) => {
    await setUp(c, RULES, BUS);
    await putSteadily(c, BUS, RATE, 3);
    await new Promise((r) => setTimeout(r, 2000));
    await analyze(db.query);
    const cond = await conditions(db.query);
    const since = new Date();
    const { accepted, calls } = await putSteadily(c, BUS, RATE, SECONDS);
    const expected = accepted * MATCHING;
    const stored = async () =>
      Number((await db.query(`SELECT count(*)::int AS n FROM queue_messages WHERE sent_at >= $1`, [since])).rows[0].n);
    for (let i = 0; i < 150 && (await stored()) < expected; i++) await new Promise((r) => setTimeout(r, 100));
    const q = await db.query(
      `SELECT count(*)::int AS n,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch from sent_at) * 1000 - ((body::jsonb)->'detail'->>'sentAt')::bigint) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch from sent_at) * 1000 - ((body::jsonb)->'detail'->>'sentAt')::bigint) AS p99
         FROM queue_messages WHERE sent_at >= $1 AND body LIKE '{%'`,
      [since],
    );
    console.log(
      `Signalbox PutEvents → target queue (${RULES} rules, ${MATCHING} match; ${RATE} events/s for ${SECONDS} s; ${accepted} accepted; ${cond})`,
    );
    console.log(
      `  ${q.rows[0].n}/${expected} delivered; PutEvents → message stored in the queue p50 ${Math.round(q.rows[0].p50)} ms, p99 ${Math.round(q.rows[0].p99)} ms; PutEvents call p50 ${percentile(calls, 50)} ms, p99 ${percentile(calls, 99)} ms`,
    );
  });
}

async function benchMoto(): Promise<number | null> {
  const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
  try {
    return await withMoto(
      (endpoint) => clientsFor(endpoint, credentials).sqs.send(new CreateQueueCommand({ QueueName: "ping" })),
      async (endpoint) => {
        const c = clientsFor(endpoint, credentials);
        const urls = await setUp(c, MOTO_RULES, undefined);
        // moto delivers synchronously inside PutEvents, so one caller, one call after another: the call's
        // time is its PutEvents → message-in-queue latency, and entries/elapsed its throughput.
        const calls: number[] = [];
        let accepted = 0;
        const started = Date.now();
        while (Date.now() - started < MOTO_SECONDS * 1000) {
          const t = Date.now();
          const r = await c.events.send(new PutEventsCommand({ Entries: entries(undefined) }));
          calls.push(Date.now() - t);
          accepted += 10 - (r.FailedEntryCount ?? 0);
        }
        const perSecond = accepted / ((Date.now() - started) / 1000);
        let inQueues = 0;
        for (const QueueUrl of urls) {
          const a = await c.sqs.send(
            new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
          );
          inQueues += Number(a.Attributes?.ApproximateNumberOfMessages ?? 0);
        }
        c.events.destroy();
        c.sqs.destroy();
        calls.sort((a, b) => a - b);
        console.log(
          `moto_server (${MOTO_RULES} rules, ${MATCHING} match; 1 caller, 10 entries a call, ${MOTO_SECONDS} s; it delivers synchronously inside PutEvents)`,
        );
        console.log(
          `  ${accepted} accepted, ${inQueues}/${accepted * MATCHING} in the queues: ${perSecond.toFixed(1)} events/s accepted; PutEvents (= delivery) p50 ${percentile(calls, 50)} ms, p99 ${percentile(calls, 99)} ms`,
        );
        return perSecond;
      },
    );
  } catch (e) {
    console.log(`moto_server: not measured (${(e as Error).message})`);
    return null;
  }
}

// BENCH_PEERS (default "signalbox,moto") picks what runs.
const PEERS = (process.env.BENCH_PEERS ?? "signalbox,moto").split(",").map((p) => p.trim());
let ours = 0;
// BENCH_PHASES (default "throughput,latency") picks Signalbox's phases.
const PHASES = (process.env.BENCH_PHASES ?? "throughput,latency").split(",").map((p) => p.trim());
if (PEERS.includes("signalbox")) {
  if (PHASES.includes("throughput")) ours = await benchThroughput();
  if (PHASES.includes("latency")) await benchLatency();
}
const moto = MOTO_SECONDS > 0 && PEERS.includes("moto") ? await benchMoto() : null;
if (moto && ours)
  console.log(
    `ratio: Signalbox accepted ${(ours / moto).toFixed(1)}× moto_server's PutEvents events/s on this machine (each at the load given above)`,
  );
process.exit(0);

import {
  EventBridgeClient,
  CreateEventBusCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { pool } from "../../server/db";
import { BOSS_SCHEMA } from "../../server/jobs/boss";
import { buildEnvelope } from "../../server/core/events/envelope";
import { insertEvents } from "../../server/domains/events/event.repository";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";
import { until } from "../helpers/sns-receiver";

// kill -9 of a process while it routes events loses no invocation and duplicates none. A rule on
// the default bus forwards every event to a custom bus, whose five rules each target a queue: two
// hops through the router (event-router.ts). The events are stored "not routed yet" straight in
// the database (so no web process routes them before the crash); a worker with small batches
// (SIGNALBOX_ROUTER_BATCH=10) drains them at start, is SIGKILLed once routing is under way, a new
// one starts, and every queue then holds every event exactly once (a killed batch commits nothing
// and is routed again; dedupe keys make nothing happen twice).

let web: TestProcess & { url: string };
const workers: TestProcess[] = [];
let t: TestTenant;
let eb: EventBridgeClient;
let sqs: SQSClient;
const RULES = 5;
const EVENTS = 300;

beforeAll(async () => {
  await ensureQueues(CONTRACTS);
  t = await createTestTenant();
  web = await startWeb();
  const credentials = { accessKeyId: t.key.id, secretAccessKey: t.key.secret };
  eb = new EventBridgeClient({ endpoint: `${web.url}/api/aws`, region: "us-east-1", credentials, maxAttempts: 1 });
  sqs = new SQSClient({ endpoint: `${web.url}/api/aws`, region: "us-east-1", credentials, maxAttempts: 1 });
});
afterAll(async () => {
  await Promise.all([web?.stop(), ...workers.map((w) => w.stop())]);
});

describe("worker crash while routing events", () => {
  it("still delivers every event to every target", { timeout: 300_000 }, async () => {
    const { EventBusArn } = await eb.send(new CreateEventBusCommand({ Name: "inner" }));
    const queues: Array<{ url: string; arn: string }> = [];
    for (let i = 0; i < RULES; i++) {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `crash-${i}` }));
      const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] })))
        .Attributes!.QueueArn!;
      queues.push({ url: QueueUrl!, arn });
      await eb.send(new PutRuleCommand({ Name: `r${i}`, EventBusName: "inner", EventPattern: '{"source":["crash"]}' }));
      await eb.send(new PutTargetsCommand({ Rule: `r${i}`, EventBusName: "inner", Targets: [{ Id: "q", Arn: arn }] }));
    }
    await eb.send(new PutRuleCommand({ Name: "fwd", EventPattern: '{"source":["crash"]}' }));
    await eb.send(new PutTargetsCommand({ Rule: "fwd", Targets: [{ Id: "inner", Arn: EventBusArn }] }));

    // No web process routes during the crash: it is stopped until the checks at the end.
    await web.stop();
    // What PutEvents stores, written directly: accepted, not routed yet (and no NOTIFY).
    const bus = await pool().query(`SELECT id FROM event_buses WHERE tenant_id = $1 AND name = 'default'`, [
      t.tenant.id,
    ]);
    const now = new Date();
    await insertEvents(
      pool(),
      Array.from({ length: EVENTS }, (_, n) => {
        const id = randomUUID();
        const envelope = JSON.stringify(
          buildEnvelope({
            id,
            detailType: "n",
            source: "crash",
            account: t.tenant.accountId,
            time: now,
            region: "us-east-1",
            resources: [],
            detail: { n },
          }),
        );
        return {
          id,
          tenantId: t.tenant.id,
          busId: bus.rows[0].id as string,
          envelope,
          source: "crash",
          detailType: "n",
          eventTime: now,
          size: envelope.length,
          ingest: "api" as const,
          replayName: null,
          matchedRules: [],
        };
      }),
      now,
      BOSS_SCHEMA,
    );
    const delivered = async () =>
      Number(
        (
          await pool().query(
            `SELECT count(*) AS n FROM deliveries WHERE tenant_id = $1 AND target_kind = 'queue' AND status = 'succeeded'`,
            [t.tenant.id],
          )
        ).rows[0].n,
      );
    expect(await delivered()).toBe(0);

    const first = await startWorker({ env: { SIGNALBOX_ROUTER_BATCH: "10" } });
    workers.push(first);
    await until(async () => (await delivered()) > 0, 60_000, 5);
    process.kill(first.pid, "SIGKILL");
    expect(await delivered()).toBeLessThan(RULES * EVENTS);

    workers.push(await startWorker({ env: { SIGNALBOX_ROUTER_BATCH: "10" } }));
    await until(async () => (await delivered()) === RULES * EVENTS, 240_000, 500);

    web = await startWeb();
    sqs = new SQSClient({
      endpoint: `${web.url}/api/aws`,
      region: "us-east-1",
      credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
      maxAttempts: 1,
    });
    for (const q of queues.map((x) => ({ ...x, url: x.url.replace(/^http:\/\/[^/]+/, web.url) }))) {
      const seen = new Set<number>();
      let received = 0;
      for (;;) {
        const r = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: q.url, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }),
        );
        if (!r.Messages?.length) break;
        for (const m of r.Messages) {
          received++;
          seen.add((JSON.parse(m.Body!) as { detail: { n: number } }).detail.n);
        }
      }
      expect(received).toBe(EVENTS);
      expect(seen.size).toBe(EVENTS);
    }
  });
});

import {
  EventBridgeClient,
  CreateEventBusCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../server/db";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";
import { until } from "../helpers/sns-receiver";

// kill -9 of a worker during fan-out loses no invocation. Queue targets of a rule are served in the
// PutEvents transaction itself (no worker involved), so the worker's share is made real here: a
// rule on the default bus forwards every event to a custom bus (stored in the PutEvents
// transaction with one events.route job each), whose five rules each target a queue. The worker
// routes; it is SIGKILLed once routing is under way, a new one starts, and every queue then holds
// every event exactly once (invocation dedupe keys: a re-run route job creates nothing twice).

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

    for (let i = 0; i < EVENTS; i += 10) {
      const r = await eb.send(
        new PutEventsCommand({
          Entries: Array.from({ length: 10 }, (_, j) => ({
            Source: "crash",
            DetailType: "n",
            Detail: `{"n":${i + j}}`,
          })),
        }),
      );
      expect(r.FailedEntryCount).toBe(0);
    }
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

    const first = await startWorker();
    workers.push(first);
    await until(async () => (await delivered()) > 0, 60_000, 5);
    process.kill(first.pid, "SIGKILL");
    expect(await delivered()).toBeLessThan(RULES * EVENTS);

    workers.push(await startWorker());
    await until(async () => (await delivered()) === RULES * EVENTS, 240_000, 500);

    for (const q of queues) {
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

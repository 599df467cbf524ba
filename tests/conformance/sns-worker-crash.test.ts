import { SNSClient, CreateTopicCommand, PublishBatchCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../server/db";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";
import { until } from "../helpers/sns-receiver";

// Queue subscribers are served in the Publish transaction: with no worker at all, every one has
// every message when Publish returns. A queue that refused (here: it did not exist yet) is retried
// by the worker; a worker killed (SIGKILL) in the middle of those retries to 100 queue subscribers:
// after a new worker starts, every subscriber has every message. Deliveries carry stable ids; queue
// deliveries commit with the row that marks them done, so none is duplicated.

let web: TestProcess & { url: string };
const workers: TestProcess[] = [];
let t: TestTenant;
let sns: SNSClient;
let sqs: SQSClient;
const SUBSCRIBERS = 100;
const MESSAGES = 30;

beforeAll(async () => {
  // This file's pg-boss schema gets its queues before any web process enqueues (workers start later or not at all).
  await ensureQueues(CONTRACTS);
  t = await createTestTenant();
  web = await startWeb();
  const credentials = { accessKeyId: t.key.id, secretAccessKey: t.key.secret };
  sns = new SNSClient({ endpoint: `${web.url}/api/aws`, region: "us-east-1", credentials, maxAttempts: 1 });
  sqs = new SQSClient({ endpoint: `${web.url}/api/aws`, region: "us-east-1", credentials, maxAttempts: 1 });
});
afterAll(async () => {
  await Promise.all([web?.stop(), ...workers.map((w) => w.stop())]);
});

describe("queue subscribers", () => {
  it("have every message when Publish returns, without any worker", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "inline" }));
    const urls: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `inline-${i}` }));
      const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] })))
        .Attributes!.QueueArn!;
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: arn }));
      urls.push(QueueUrl!);
    }
    const r = await sns.send(
      new PublishBatchCommand({
        TopicArn,
        PublishBatchRequestEntries: Array.from({ length: 10 }, (_, j) => ({ Id: `m${j}`, Message: `inline ${j}` })),
      }),
    );
    const ids = r.Successful!.map((x) => x.MessageId!);
    const rows = await pool().query(
      `SELECT status, count(*)::int AS n FROM deliveries WHERE message_id = ANY($1::text[]) GROUP BY status`,
      [ids],
    );
    expect(rows.rows).toEqual([{ status: "succeeded", n: 50 }]);
    for (const url of urls) {
      const a = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] }),
      );
      expect(Number(a.Attributes!.ApproximateNumberOfMessages)).toBe(10);
    }
    // A success keeps a small attempt record: no copy of the request.
    const attempts = await pool().query(
      `SELECT count(*)::int AS n, count(request_body)::int AS bodies FROM delivery_attempts WHERE message_id = ANY($1::text[])`,
      [ids],
    );
    expect(attempts.rows[0]).toEqual({ n: 50, bodies: 0 });
  });
});

describe("worker crash during fan-out", () => {
  it("still delivers every message to every one of 100 queue subscribers", { timeout: 300_000 }, async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "crash" }));
    // Subscribed before the queues exist: the publish transaction cannot deliver, so every delivery
    // is left to the worker's retries.
    const names = Array.from({ length: SUBSCRIBERS }, (_, i) => `crash-${i}`);
    for (let i = 0; i < SUBSCRIBERS; i += 10)
      await Promise.all(
        names.slice(i, i + 10).map((n) =>
          sns.send(
            new SubscribeCommand({
              TopicArn,
              Protocol: "sqs",
              Endpoint: `arn:aws:sqs:us-east-1:${t.tenant.accountId}:${n}`,
            }),
          ),
        ),
      );
    const ids: string[] = [];
    for (let i = 0; i < MESSAGES; i += 10) {
      const r = await sns.send(
        new PublishBatchCommand({
          TopicArn,
          PublishBatchRequestEntries: Array.from({ length: 10 }, (_, j) => ({
            Id: `m${i + j}`,
            Message: `message ${i + j}`,
          })),
        }),
      );
      ids.push(...r.Successful!.map((s) => s.MessageId!));
    }
    const queues: Array<{ url: string }> = [];
    for (let i = 0; i < SUBSCRIBERS; i += 10)
      queues.push(
        ...(await Promise.all(
          names.slice(i, i + 10).map(async (n) => ({
            url: (await sqs.send(new CreateQueueCommand({ QueueName: n }))).QueueUrl!,
          })),
        )),
      );
    const delivered = async () =>
      Number(
        (
          await pool().query(
            `SELECT count(*) FILTER (WHERE status = 'succeeded') AS n FROM deliveries WHERE message_id = ANY($1::text[])`,
            [ids],
          )
        ).rows[0].n,
      );

    // Start a worker and kill it as soon as deliveries are under way.
    const first = await startWorker();
    workers.push(first);
    await until(async () => (await delivered()) > 0, 60_000, 5);
    process.kill(first.pid, "SIGKILL");
    const atKill = await delivered();
    expect(atKill).toBeLessThan(SUBSCRIBERS * MESSAGES);

    workers.push(await startWorker());
    await until(async () => (await delivered()) === SUBSCRIBERS * MESSAGES, 240_000, 500);

    // Every queue holds every message exactly once (queue deliveries are exactly-once).
    for (const q of queues) {
      const a = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: q.url,
          AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        }),
      );
      expect(
        Number(a.Attributes!.ApproximateNumberOfMessages) + Number(a.Attributes!.ApproximateNumberOfMessagesNotVisible),
      ).toBe(MESSAGES);
    }
    const seen = new Set<string>();
    await until(async () => {
      const r = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queues[57]!.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const m of r.Messages ?? []) seen.add(JSON.parse(m.Body!).MessageId);
      return seen.size >= MESSAGES;
    });
    expect([...seen].sort()).toEqual([...ids].sort());
    // One delivery row (one stable id) per message × subscriber.
    const rows = await pool().query(
      `SELECT count(*)::int AS n, count(DISTINCT (message_id, subscription_id))::int AS pairs FROM deliveries WHERE message_id = ANY($1::text[])`,
      [ids],
    );
    expect(rows.rows[0]).toEqual({ n: SUBSCRIBERS * MESSAGES, pairs: SUBSCRIBERS * MESSAGES });
  });
});

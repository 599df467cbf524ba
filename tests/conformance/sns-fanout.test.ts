import {
  SNSClient,
  CreateTopicCommand,
  PublishCommand,
  PublishBatchCommand,
  SubscribeCommand,
} from "@aws-sdk/client-sns";
import {
  SQSClient,
  CreateQueueCommand,
  ReceiveMessageCommand,
  GetQueueAttributesCommand,
  type Message,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";
import { until, verifySnsSignature } from "../helpers/sns-receiver";

// Fan-out from a topic to SQS queues (delivered inside PostgreSQL), with filter policies on
// attributes and on the body, raw delivery carrying message attributes, MessageStructure json,
// and a FIFO topic keeping group order. Read back with @aws-sdk/client-sqs.

let web: TestProcess & { url: string };
let worker: TestProcess;
let t: TestTenant;
let sns: SNSClient;
let sqs: SQSClient;

beforeAll(async () => {
  // This file's pg-boss schema gets its queues before any web process enqueues (workers start later or not at all).
  await ensureQueues(CONTRACTS);
  t = await createTestTenant();
  [web, worker] = await Promise.all([startWeb(), startWorker()]);
  const credentials = { accessKeyId: t.key.id, secretAccessKey: t.key.secret };
  sns = new SNSClient({ endpoint: `${web.url}/api/aws`, region: "us-east-1", credentials, maxAttempts: 1 });
  sqs = new SQSClient({ endpoint: `${web.url}/api/aws`, region: "us-east-1", credentials, maxAttempts: 1 });
});
afterAll(async () => {
  await Promise.all([web?.stop(), worker?.stop()]);
});

async function queue(name: string, attrs: Record<string, string> = {}) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attrs }));
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes!
    .QueueArn!;
  return { url: QueueUrl!, arn };
}

async function drain(url: string, expected: number, timeoutMs = 20_000): Promise<Message[]> {
  const got: Message[] = [];
  await until(async () => {
    const r = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ["All"],
      }),
    );
    got.push(...(r.Messages ?? []));
    return got.length >= expected;
  }, timeoutMs);
  // Nothing more arrives.
  const extra = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  got.push(...(extra.Messages ?? []));
  return got;
}

describe("SNS → SQS fan-out", () => {
  it("delivers to every matching queue: filters on attributes and body, raw delivery with attributes, envelopes otherwise", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "fan" }));
    const all = await queue("fan-all");
    const red = await queue("fan-red");
    const raw = await queue("fan-raw");
    const big = await queue("fan-big");
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: all.arn }));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: "sqs",
        Endpoint: red.arn,
        Attributes: { FilterPolicy: JSON.stringify({ color: ["red"], size: [{ numeric: [">=", 10] }] }) },
      }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: "sqs",
        Endpoint: raw.arn,
        Attributes: { RawMessageDelivery: "true" },
      }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: "sqs",
        Endpoint: big.arn,
        Attributes: {
          FilterPolicyScope: "MessageBody",
          FilterPolicy: JSON.stringify({ order: { total: [{ numeric: [">", 100] }] } }),
        },
      }),
    );

    const m1 = await sns.send(
      new PublishCommand({
        TopicArn,
        Message: JSON.stringify({ order: { total: 150 } }),
        Subject: "s1",
        MessageAttributes: {
          color: { DataType: "String", StringValue: "red" },
          size: { DataType: "Number", StringValue: "12" },
        },
      }),
    );
    await sns.send(
      new PublishCommand({
        TopicArn,
        Message: JSON.stringify({ order: { total: 50 } }),
        MessageAttributes: {
          color: { DataType: "String", StringValue: "blue" },
          size: { DataType: "Number", StringValue: "12" },
        },
      }),
    );
    await sns.send(
      new PublishBatchCommand({
        TopicArn,
        PublishBatchRequestEntries: [
          {
            Id: "a",
            Message: "not json",
            MessageAttributes: {
              color: { DataType: "String", StringValue: "red" },
              size: { DataType: "Number", StringValue: "5" },
            },
          },
        ],
      }),
    );

    const allMsgs = await drain(all.url, 3);
    expect(allMsgs).toHaveLength(3);
    const env = JSON.parse(allMsgs.find((m) => JSON.parse(m.Body!).MessageId === m1.MessageId)!.Body!);
    expect(env).toMatchObject({
      Type: "Notification",
      TopicArn,
      Subject: "s1",
      SignatureVersion: "2",
      MessageAttributes: { color: { Type: "String", Value: "red" }, size: { Type: "Number", Value: "12" } },
    });
    expect(await verifySnsSignature(env)).toBe(true);

    const redMsgs = await drain(red.url, 1);
    expect(redMsgs.map((m) => JSON.parse(m.Body!).MessageId)).toEqual([m1.MessageId]);

    const rawMsgs = await drain(raw.url, 3);
    expect(rawMsgs.map((m) => m.Body).sort()).toEqual(
      [JSON.stringify({ order: { total: 150 } }), JSON.stringify({ order: { total: 50 } }), "not json"].sort(),
    );
    const rawRed = rawMsgs.find((m) => m.Body === "not json")!;
    expect(rawRed.MessageAttributes?.color).toMatchObject({ DataType: "String", StringValue: "red" });
    expect(rawRed.MessageAttributes?.size).toMatchObject({ DataType: "Number", StringValue: "5" });

    const bigMsgs = await drain(big.url, 1);
    expect(bigMsgs.map((m) => JSON.parse(m.Body!).MessageId)).toEqual([m1.MessageId]);
  });

  it("delivers to another team's queue only when that queue's permission allows it", async () => {
    const other = await createTestTenant();
    const credentials = { accessKeyId: other.key.id, secretAccessKey: other.key.secret };
    const theirSqs = new SQSClient({
      endpoint: `${web.url}/api/aws`,
      region: "us-east-1",
      credentials,
      maxAttempts: 1,
    });
    const mk = async (name: string) => {
      const { QueueUrl } = await theirSqs.send(new CreateQueueCommand({ QueueName: name }));
      return {
        url: QueueUrl!,
        arn: (await theirSqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] })))
          .Attributes!.QueueArn!,
      };
    };
    const open = await mk("shared-in");
    const closed = await mk("private-in");
    const { AddPermissionCommand } = await import("@aws-sdk/client-sqs");
    await theirSqs.send(
      new AddPermissionCommand({
        QueueUrl: open.url,
        Label: "from-topics",
        AWSAccountIds: [t.tenant.accountId],
        Actions: ["SendMessage"],
      }),
    );
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "cross" }));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: "sqs",
        Endpoint: open.arn,
        Attributes: { RawMessageDelivery: "true" },
      }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: "sqs",
        Endpoint: closed.arn,
        Attributes: { RawMessageDelivery: "true" },
      }),
    );
    await sns.send(new PublishCommand({ TopicArn, Message: "across teams" }));
    const got = await until(
      async () =>
        (await theirSqs.send(new ReceiveMessageCommand({ QueueUrl: open.url, WaitTimeSeconds: 1 }))).Messages?.[0],
    );
    expect(got.Body).toBe("across teams");
    // The private queue refuses: the delivery waits for a retry with AccessDenied recorded, and nothing arrives.
    const { pool } = await import("../../server/db");
    const failed = await until(async () =>
      (await pool().query(`SELECT status, last_error FROM deliveries WHERE endpoint = $1`, [closed.arn])).rows.find(
        (r) => r.status === "retrying",
      ),
    );
    expect(failed.last_error).toMatch(/denied/i);
    expect(
      (await theirSqs.send(new ReceiveMessageCommand({ QueueUrl: closed.url, WaitTimeSeconds: 1 }))).Messages ?? [],
    ).toHaveLength(0);
  });

  it("sends each protocol its own body with MessageStructure json", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "structured" }));
    const q = await queue("structured-q");
    await sns.send(
      new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: q.arn, Attributes: { RawMessageDelivery: "true" } }),
    );
    await sns.send(
      new PublishCommand({
        TopicArn,
        MessageStructure: "json",
        Message: JSON.stringify({ default: "for everyone", sqs: "for queues" }),
      }),
    );
    const [m] = await drain(q.url, 1);
    expect(m!.Body).toBe("for queues");
  });

  it("keeps order per message group from a FIFO topic to FIFO queues", async () => {
    const { TopicArn } = await sns.send(
      new CreateTopicCommand({
        Name: "ordered.fifo",
        Attributes: { FifoTopic: "true", ContentBasedDeduplication: "true" },
      }),
    );
    const q = await queue("ordered.fifo", { FifoQueue: "true" });
    await sns.send(
      new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: q.arn, Attributes: { RawMessageDelivery: "true" } }),
    );
    for (let i = 0; i < 8; i++)
      await sns.send(new PublishCommand({ TopicArn, Message: `m${i}`, MessageGroupId: "g1" }));
    await sns.send(new PublishCommand({ TopicArn, Message: "m0", MessageGroupId: "g1" })); // duplicate within 5 minutes
    const got: string[] = [];
    await until(async () => {
      const r = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: q.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const m of r.Messages ?? []) {
        got.push(m.Body!);
        const { DeleteMessageCommand } = await import("@aws-sdk/client-sqs");
        await sqs.send(new DeleteMessageCommand({ QueueUrl: q.url, ReceiptHandle: m.ReceiptHandle }));
      }
      return got.length >= 8;
    });
    expect(got).toEqual(["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"]);
  });
});

import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  DeleteMessageCommand,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";

// FIFO queues through the SDK: strict order per group with several concurrent consumers over many
// groups, a group locked while any of its messages is in flight, deduplication, sequence numbers,
// ReceiveRequestAttemptId.

let web: TestProcess & { url: string };
let t: TestTenant;
let sqs: SQSClient;

beforeAll(async () => {
  t = await createTestTenant();
  web = await startWeb();
  sqs = new SQSClient({
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  sqs?.destroy();
  await web?.stop();
});

describe("FIFO", () => {
  it("keeps order per group across 4 concurrent consumers and 20 groups", async () => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: `${uniqueName("order")}.fifo`,
        Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" },
      }),
    );
    const groups = 20;
    const perGroup = 15;
    const all: Array<{ g: number; i: number }> = [];
    for (let i = 0; i < perGroup; i++) for (let g = 0; g < groups; g++) all.push({ g, i });
    for (let k = 0; k < all.length; k += 10) {
      const chunk = all.slice(k, k + 10);
      const r = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: chunk.map((m, j) => ({ Id: `e${j}`, MessageBody: `${m.g}:${m.i}`, MessageGroupId: `g${m.g}` })),
        }),
      );
      expect(r.Failed ?? []).toHaveLength(0);
    }
    const seen = new Map<number, number[]>();
    let inFlightViolations = 0;
    const holding = new Set<string>();
    const consumer = async () => {
      let empty = 0;
      while (empty < 3) {
        const r = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30, WaitTimeSeconds: 1 }),
        );
        const msgs = r.Messages ?? [];
        if (!msgs.length) {
          empty++;
          continue;
        }
        empty = 0;
        const groupsHere = new Set<string>();
        for (const m of msgs) {
          const [g, i] = m.Body!.split(":").map(Number);
          groupsHere.add(`g${g}`);
          (seen.get(g) ?? seen.set(g, []).get(g)!).push(i);
        }
        // No other consumer may hold a message of these groups right now.
        for (const g of groupsHere) if (holding.has(g)) inFlightViolations++;
        for (const g of groupsHere) holding.add(g);
        await new Promise((r) => setTimeout(r, 5));
        for (const g of groupsHere) holding.delete(g);
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: msgs.map((m, j) => ({ Id: `d${j}`, ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
      }
    };
    await Promise.all([consumer(), consumer(), consumer(), consumer()]);
    expect(inFlightViolations).toBe(0);
    expect(seen.size).toBe(groups);
    for (const [, list] of seen) expect(list).toEqual(Array.from({ length: perGroup }, (_, i) => i));
  });

  it("locks a group while a message is in flight; other groups keep flowing", async () => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: `${uniqueName("lock")}.fifo`,
        Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" },
      }),
    );
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: "a1", MessageBody: "a1", MessageGroupId: "A" },
          { Id: "a2", MessageBody: "a2", MessageGroupId: "A" },
          { Id: "b1", MessageBody: "b1", MessageGroupId: "B" },
        ],
      }),
    );
    const first = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 60 }),
    );
    expect(first.Messages?.[0].Body).toBe("a1");
    const second = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
    );
    expect(second.Messages?.map((m) => m.Body)).toEqual(["b1"]);
    expect(
      (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages ?? [],
    ).toHaveLength(0);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.Messages![0].ReceiptHandle }));
    const third = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(third.Messages?.map((m) => m.Body)).toEqual(["a2"]);
  });

  it("deduplicates within the window, answers duplicates with the original id, and numbers messages", async () => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: `${uniqueName("dedup")}.fifo`, Attributes: { FifoQueue: "true" } }),
    );
    const a = await sqs.send(
      new SendMessageCommand({ QueueUrl, MessageBody: "x", MessageGroupId: "g", MessageDeduplicationId: "d1" }),
    );
    const b = await sqs.send(
      new SendMessageCommand({ QueueUrl, MessageBody: "x again", MessageGroupId: "g", MessageDeduplicationId: "d1" }),
    );
    const c = await sqs.send(
      new SendMessageCommand({ QueueUrl, MessageBody: "y", MessageGroupId: "g", MessageDeduplicationId: "d2" }),
    );
    expect(b.MessageId).toBe(a.MessageId);
    expect(b.SequenceNumber).toBe(a.SequenceNumber);
    expect(BigInt(c.SequenceNumber!)).toBeGreaterThan(BigInt(a.SequenceNumber!));
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    expect(attrs.Attributes?.ApproximateNumberOfMessages).toBe("2");
    const missing = await sqs
      .send(new SendMessageCommand({ QueueUrl, MessageBody: "z", MessageGroupId: "g" }))
      .catch((e) => e);
    expect(missing.name).toBe("InvalidParameterValue");
    const noGroup = await sqs
      .send(new SendMessageCommand({ QueueUrl, MessageBody: "z", MessageDeduplicationId: "d3" }))
      .catch((e) => e);
    expect(noGroup.name).toBe("MissingParameter");
    const r = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["All"] }),
    );
    expect(r.Messages?.map((m) => m.Body)).toEqual(["x", "y"]);
    expect(r.Messages?.[0].Attributes).toMatchObject({
      MessageGroupId: "g",
      MessageDeduplicationId: "d1",
      SequenceNumber: a.SequenceNumber,
    });
  });

  it("a retried receive with the same ReceiveRequestAttemptId gets the same messages and handles", async () => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: `${uniqueName("attempt")}.fifo`,
        Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" },
      }),
    );
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: "1", MessageBody: "1", MessageGroupId: "g" },
          { Id: "2", MessageBody: "2", MessageGroupId: "g" },
        ],
      }),
    );
    const a = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ReceiveRequestAttemptId: "try-1" }),
    );
    const b = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ReceiveRequestAttemptId: "try-1" }),
    );
    expect(a.Messages?.map((m) => m.Body)).toEqual(["1", "2"]);
    expect(b.Messages?.map((m) => m.ReceiptHandle)).toEqual(a.Messages?.map((m) => m.ReceiptHandle));
  });
});

import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  CancelMessageMoveTaskCommand,
  DeleteMessageBatchCommand,
} from "@aws-sdk/client-sqs";
import { Consumer } from "sqs-consumer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";

// Behaviour that needs more than one process: long polls woken by a send through another web
// process, visibility expiry, sqs-consumer, a web process killed mid-batch, and message-move tasks
// run by the worker.

let webA: TestProcess & { url: string };
let webB: TestProcess & { url: string };
let worker: TestProcess;
let t: TestTenant;
let a: SQSClient;
let b: SQSClient;

const clientFor = (url: string) =>
  new SQSClient({
    endpoint: `${url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    maxAttempts: 1,
  });

beforeAll(async () => {
  t = await createTestTenant();
  [webA, webB, worker] = await Promise.all([startWeb(), startWeb(), startWorker()]);
  a = clientFor(webA.url);
  b = clientFor(webB.url);
});
afterAll(async () => {
  a?.destroy();
  b?.destroy();
  await Promise.all([webA?.stop(), webB?.stop(), worker?.stop()]);
});

describe("long polling", () => {
  it("a receive waiting on web B returns as soon as web A accepts a message", async () => {
    const { QueueUrl } = await a.send(new CreateQueueCommand({ QueueName: uniqueName("lp") }));
    const started = Date.now();
    const waiting = b.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    await new Promise((r) => setTimeout(r, 1_000));
    await a.send(new SendMessageCommand({ QueueUrl, MessageBody: "wake up" }));
    const r = await waiting;
    const took = Date.now() - started;
    expect(r.Messages?.[0].Body).toBe("wake up");
    expect(took).toBeLessThan(10_000); // far below the 20 s wait: woken, not timed out
  });

  it("an empty long poll waits its full time and returns nothing", async () => {
    const { QueueUrl } = await a.send(new CreateQueueCommand({ QueueName: uniqueName("lp-empty") }));
    const started = Date.now();
    const r = await b.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2 }));
    expect(r.Messages ?? []).toHaveLength(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
  });

  it("in-flight messages of a consumer that died come back after their visibility timeout (and wake a long poll)", async () => {
    const { QueueUrl } = await a.send(new CreateQueueCommand({ QueueName: uniqueName("vt") }));
    await a.send(new SendMessageCommand({ QueueUrl, MessageBody: "retry me" }));
    const first = await a.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 2 }));
    expect(first.Messages).toHaveLength(1);
    // The consumer "dies": no delete. A long poll on the other process gets it once visible again.
    const again = await b.send(
      new ReceiveMessageCommand({
        QueueUrl,
        WaitTimeSeconds: 10,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      }),
    );
    expect(again.Messages?.[0].MessageId).toBe(first.Messages![0].MessageId);
    expect(again.Messages?.[0].Attributes?.ApproximateReceiveCount).toBe("2");
  });
});

describe("sqs-consumer", () => {
  it("consumes and deletes every message", async () => {
    const { QueueUrl } = await a.send(new CreateQueueCommand({ QueueName: uniqueName("consumer") }));
    for (let k = 0; k < 3; k++) {
      await a.send(
        new SendMessageBatchCommand({
          QueueUrl: QueueUrl!,
          Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `m${k * 10 + i}` })),
        }),
      );
    }
    const seen = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      const consumer = Consumer.create({
        queueUrl: QueueUrl!,
        sqs: b,
        batchSize: 10,
        waitTimeSeconds: 1,
        handleMessage: async (m) => {
          seen.add(m.Body!);
          if (seen.size === 30) setTimeout(() => consumer.stop(), 200);
          return m;
        },
      });
      consumer.on("error", reject);
      consumer.on("processing_error", reject);
      consumer.on("stopped", () => resolve());
      consumer.start();
    });
    expect(seen.size).toBe(30);
    await new Promise((r) => setTimeout(r, 300));
    const attrs = await a.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    expect(attrs.Attributes).toEqual({ ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "0" });
  });
});

describe("crash safety", () => {
  it("every message acknowledged by a web process killed mid-batch is receivable afterwards", async () => {
    const { QueueUrl } = await a.send(new CreateQueueCommand({ QueueName: uniqueName("crash") }));
    const victim = await startWeb();
    const c = clientFor(victim.url);
    const acked = new Set<string>();
    let stop = false;
    const sender = async (w: number) => {
      for (let k = 0; !stop; k++) {
        try {
          const r = await c.send(
            new SendMessageBatchCommand({
              QueueUrl,
              Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `w${w}-${k}-${i}` })),
            }),
          );
          for (const s of r.Successful ?? []) acked.add(s.MessageId!);
        } catch {
          return; // the process is gone: this batch was never acknowledged
        }
      }
    };
    const senders = [sender(0), sender(1), sender(2), sender(3)];
    await new Promise((r) => setTimeout(r, 700));
    process.kill(victim.pid, "SIGKILL");
    stop = true;
    await Promise.all(senders);
    await victim.stop();
    c.destroy();
    expect(acked.size).toBeGreaterThan(0);
    const received = new Set<string>();
    for (;;) {
      const r = await a.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 300 }));
      if (!r.Messages?.length) break;
      for (const m of r.Messages) received.add(m.MessageId!);
    }
    for (const id of acked) expect(received.has(id)).toBe(true);
  });
});

describe("message move tasks", () => {
  it("moves dead-lettered messages back to their source queue, run by the worker", async () => {
    const dlq = await a.send(new CreateQueueCommand({ QueueName: uniqueName("mv-dlq") }));
    const dlqArn = (
      await a.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["QueueArn"] }))
    ).Attributes!.QueueArn!;
    const src = await a.send(
      new CreateQueueCommand({
        QueueName: uniqueName("mv-src"),
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) },
      }),
    );
    await a.send(
      new SendMessageBatchCommand({
        QueueUrl: src.QueueUrl,
        Entries: Array.from({ length: 5 }, (_, i) => ({ Id: `e${i}`, MessageBody: `m${i}` })),
      }),
    );
    // First receive counts 1; the next receive moves all five to the DLQ.
    await a.send(new ReceiveMessageCommand({ QueueUrl: src.QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
    expect(
      (await a.send(new ReceiveMessageCommand({ QueueUrl: src.QueueUrl, MaxNumberOfMessages: 10 }))).Messages ?? [],
    ).toHaveLength(0);
    const inDlq = await a.send(
      new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    expect(inDlq.Attributes?.ApproximateNumberOfMessages).toBe("5");

    const { TaskHandle } = await a.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 2 }),
    );
    expect(TaskHandle).toBeTruthy();
    const dup = await a.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn })).catch((e) => e);
    expect(dup.name).toBe("UnsupportedOperation");
    let status = "RUNNING";
    let moved = 0;
    for (let i = 0; i < 60 && status === "RUNNING"; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const l = await a.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
      status = l.Results![0].Status!;
      moved = Number(l.Results![0].ApproximateNumberOfMessagesMoved);
    }
    expect(status).toBe("COMPLETED");
    expect(moved).toBe(5);
    const back = await a.send(
      new ReceiveMessageCommand({
        QueueUrl: src.QueueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      }),
    );
    expect(back.Messages?.map((m) => m.Body).sort()).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    expect(back.Messages?.[0].Attributes?.ApproximateReceiveCount).toBe("1");
    await a.send(
      new DeleteMessageBatchCommand({
        QueueUrl: src.QueueUrl,
        Entries: back.Messages!.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
    const bad = await a.send(new CancelMessageMoveTaskCommand({ TaskHandle: TaskHandle! })).catch((e) => e);
    expect(bad.name).toBe("ResourceNotFoundException");
  });

  it("cancels a running task: it stops before moving everything", async () => {
    const dlq = await a.send(new CreateQueueCommand({ QueueName: uniqueName("cx-dlq") }));
    const dlqArn = (
      await a.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["QueueArn"] }))
    ).Attributes!.QueueArn!;
    await a.send(
      new CreateQueueCommand({
        QueueName: uniqueName("cx-src"),
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) },
      }),
    );
    const dest = await a.send(new CreateQueueCommand({ QueueName: uniqueName("cx-dest") }));
    const destArn = (
      await a.send(new GetQueueAttributesCommand({ QueueUrl: dest.QueueUrl, AttributeNames: ["QueueArn"] }))
    ).Attributes!.QueueArn!;
    await a.send(
      new SendMessageBatchCommand({
        QueueUrl: dlq.QueueUrl,
        Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `m${i}` })),
      }),
    );
    const { TaskHandle } = await a.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: destArn, MaxNumberOfMessagesPerSecond: 1 }),
    );
    const c = await a.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    expect(c.ApproximateNumberOfMessagesMoved).toBeLessThan(10);
    let status = "CANCELLING";
    for (let i = 0; i < 40 && status === "CANCELLING"; i++) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await a.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results![0].Status!;
    }
    expect(status).toBe("CANCELLED");
    const left = await a.send(
      new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    expect(Number(left.Attributes?.ApproximateNumberOfMessages)).toBeGreaterThan(0);
  });
});

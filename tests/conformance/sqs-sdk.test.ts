import {
  AddPermissionCommand,
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  RemovePermissionCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  TagQueueCommand,
  UntagQueueCommand,
} from "@aws-sdk/client-sqs";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";

// SQS through the AWS door with the real SDK v3 (AWS JSON 1.0): every action, the MD5 checks the
// SDK itself performs, error codes and batch partial failures.

let web: TestProcess & { url: string };
let t: TestTenant;
let other: TestTenant;
let sqs: SQSClient;
let sqsOther: SQSClient;

const client = (tt: TestTenant) =>
  new SQSClient({
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: tt.key.id, secretAccessKey: tt.key.secret },
    maxAttempts: 1,
  });

beforeAll(async () => {
  [t, other] = await Promise.all([createTestTenant(), createTestTenant()]);
  web = await startWeb();
  sqs = client(t);
  sqsOther = client(other);
});
afterAll(async () => {
  sqs?.destroy();
  sqsOther?.destroy();
  await web?.stop();
});

async function errorOf(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error("expected an error");
}

describe("queue lifecycle", () => {
  it("creates idempotently, refuses different attributes, gets url, lists with prefix and pages", async () => {
    const name = uniqueName("life");
    const a = await sqs.send(
      new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: "45" }, tags: { team: "a" } }),
    );
    expect(a.QueueUrl).toBe(`${web.url}/api/aws/${t.tenant.accountId}/${name}`);
    const b = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: "45" } }));
    expect(b.QueueUrl).toBe(a.QueueUrl);
    const e = await errorOf(
      sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: "46" } })),
    );
    expect(e.name).toBe("QueueNameExists");
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl).toBe(a.QueueUrl);
    await sqs.send(new CreateQueueCommand({ QueueName: `${name}-2` }));
    await sqs.send(new CreateQueueCommand({ QueueName: `${name}-3` }));
    const page1 = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name, MaxResults: 2 }));
    expect(page1.QueueUrls).toHaveLength(2);
    expect(page1.NextToken).toBeTruthy();
    const page2 = await sqs.send(
      new ListQueuesCommand({ QueueNamePrefix: name, MaxResults: 2, NextToken: page1.NextToken }),
    );
    expect(page2.QueueUrls).toEqual([`${web.url}/api/aws/${t.tenant.accountId}/${name}-3`]);
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: a.QueueUrl, AttributeNames: ["All"] }));
    expect(attrs.Attributes?.VisibilityTimeout).toBe("45");
    expect(attrs.Attributes?.QueueArn).toBe(`arn:aws:sqs:us-east-1:${t.tenant.accountId}:${name}`);
    expect(attrs.Attributes?.MaximumMessageSize).toBe("1048576");
    expect(attrs.Attributes?.MessageRetentionPeriod).toBe("345600");
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: a.QueueUrl,
        Attributes: { DelaySeconds: "2", MessageRetentionPeriod: "600" },
      }),
    );
    const after = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: a.QueueUrl,
        AttributeNames: ["DelaySeconds", "MessageRetentionPeriod"],
      }),
    );
    expect(after.Attributes).toEqual({ DelaySeconds: "2", MessageRetentionPeriod: "600" });
    expect(
      (
        await errorOf(
          sqs.send(new SetQueueAttributesCommand({ QueueUrl: a.QueueUrl, Attributes: { VisibilityTimeout: "43201" } })),
        )
      ).name,
    ).toBe("InvalidAttributeValue");
    expect(
      (
        await errorOf(
          sqs.send(new SetQueueAttributesCommand({ QueueUrl: a.QueueUrl, Attributes: { Bogus: "1" } as never })),
        )
      ).name,
    ).toBe("InvalidAttributeName");

    await sqs.send(new TagQueueCommand({ QueueUrl: a.QueueUrl, Tags: { env: "test" } }));
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl: a.QueueUrl }))).Tags).toEqual({
      team: "a",
      env: "test",
    });
    await sqs.send(new UntagQueueCommand({ QueueUrl: a.QueueUrl, TagKeys: ["team"] }));
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl: a.QueueUrl }))).Tags).toEqual({ env: "test" });

    await sqs.send(new DeleteQueueCommand({ QueueUrl: a.QueueUrl }));
    const gone = await errorOf(sqs.send(new GetQueueUrlCommand({ QueueName: name })));
    expect(gone.name).toBe("QueueDoesNotExist");
    expect(gone.status).toBe(400);
  });

  it("a deleted queue's name cannot be used again for 60 seconds (QueueDeletedRecently), other names and other teams can", async () => {
    const name = uniqueName("recent");
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "gone with the queue" }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    const e = await errorOf(sqs.send(new CreateQueueCommand({ QueueName: name })));
    expect(e).toMatchObject({ name: "QueueDeletedRecently", status: 400 });
    expect(e.message).toContain("60 seconds");
    expect((await errorOf(sqs.send(new GetQueueUrlCommand({ QueueName: name })))).name).toBe("QueueDoesNotExist");
    // Names are per account: another team is not held up, and neither is a new name here.
    expect((await sqsOther.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl).toBe(
      `${web.url}/api/aws/${other.tenant.accountId}/${name}`,
    );
    expect((await sqs.send(new CreateQueueCommand({ QueueName: `${name}-new` }))).QueueUrl).toBeTruthy();
  });

  it("refuses bad names and FIFO mismatches with AWS codes", async () => {
    expect((await errorOf(sqs.send(new CreateQueueCommand({ QueueName: "bad name!" })))).name).toBe(
      "InvalidParameterValue",
    );
    expect((await errorOf(sqs.send(new CreateQueueCommand({ QueueName: "x".repeat(81) })))).name).toBe(
      "InvalidParameterValue",
    );
    expect(
      (
        await errorOf(
          sqs.send(new CreateQueueCommand({ QueueName: uniqueName("nofifo"), Attributes: { FifoQueue: "true" } })),
        )
      ).name,
    ).toBe("InvalidAttributeValue");
    expect(
      (
        await errorOf(
          sqs.send(
            new CreateQueueCommand({ QueueName: uniqueName("std"), Attributes: { ContentBasedDeduplication: "true" } }),
          ),
        )
      ).name,
    ).toBe("InvalidAttributeName");
  });

  it("another tenant's queue does not exist for a caller, until a permission grants it", async () => {
    const name = uniqueName("private");
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    expect((await errorOf(sqsOther.send(new SendMessageCommand({ QueueUrl, MessageBody: "x" })))).name).toBe(
      "QueueDoesNotExist",
    );
    await sqs.send(
      new AddPermissionCommand({
        QueueUrl,
        Label: "letin",
        AWSAccountIds: [other.tenant.accountId],
        Actions: ["SendMessage"],
      }),
    );
    const sent = await sqsOther.send(new SendMessageCommand({ QueueUrl, MessageBody: "cross" }));
    expect(sent.MessageId).toBeTruthy();
    // Granted SendMessage only: receiving is denied, not hidden.
    expect((await errorOf(sqsOther.send(new ReceiveMessageCommand({ QueueUrl })))).name).toBe("AccessDenied");
    await sqs.send(new RemovePermissionCommand({ QueueUrl, Label: "letin" }));
    // Other processes may cache the queue for 2 s; this one cleared it.
    expect((await errorOf(sqsOther.send(new SendMessageCommand({ QueueUrl, MessageBody: "x" })))).name).toBe(
      "QueueDoesNotExist",
    );
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ["SenderId"] }));
    expect(got.Messages?.[0].Body).toBe("cross");
    expect(got.Messages?.[0].Attributes?.SenderId).toBe(other.key.id);
  });
});

describe("messages", () => {
  it("sends with attributes (the SDK verifies both MD5s) and receives them back", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("msg") }));
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: "héllo wörld ✓",
        MessageAttributes: {
          s: { DataType: "String", StringValue: "v" },
          n: { DataType: "Number.int", StringValue: "42" },
          b: { DataType: "Binary", BinaryValue: Buffer.from([0, 1, 2, 255]) },
        },
        MessageSystemAttributes: {
          AWSTraceHeader: { DataType: "String", StringValue: "Root=1-5759e988-bd862e3fe1be46a994272793" },
        },
      }),
    );
    expect(sent.MD5OfMessageBody).toBe(createHash("md5").update("héllo wörld ✓", "utf8").digest("hex"));
    expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(sent.MD5OfMessageSystemAttributes).toMatch(/^[0-9a-f]{32}$/);
    const r = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
        MaxNumberOfMessages: 10,
      }),
    );
    expect(r.Messages).toHaveLength(1);
    const m = r.Messages![0];
    expect(m.MessageId).toBe(sent.MessageId);
    expect(m.Body).toBe("héllo wörld ✓");
    expect(m.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(m.MessageAttributes?.n).toEqual({ DataType: "Number.int", StringValue: "42" });
    expect(Buffer.from(m.MessageAttributes!.b.BinaryValue!)).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(m.Attributes?.ApproximateReceiveCount).toBe("1");
    expect(m.Attributes?.SenderId).toBe(t.key.id);
    expect(m.Attributes?.AWSTraceHeader).toBe("Root=1-5759e988-bd862e3fe1be46a994272793");
    expect(Number(m.Attributes?.SentTimestamp)).toBeGreaterThan(Date.now() - 60_000);
    // In flight: nothing more to receive.
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages ?? []).toHaveLength(0);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    expect(attrs.Attributes).toEqual({ ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "0" });
  });

  it("visibility: change to 0 makes it visible again; an old receipt handle no longer deletes; garbage is ReceiptHandleIsInvalid", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("vis") }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "v" }));
    const first = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 60 }))).Messages![0];
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: first.ReceiptHandle, VisibilityTimeout: 0 }),
    );
    const second = (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          VisibilityTimeout: 60,
          MessageSystemAttributeNames: ["ApproximateReceiveCount"],
        }),
      )
    ).Messages![0];
    expect(second.MessageId).toBe(first.MessageId);
    expect(second.ReceiptHandle).not.toBe(first.ReceiptHandle);
    expect(second.Attributes?.ApproximateReceiveCount).toBe("2");
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.ReceiptHandle })); // succeeds, deletes nothing
    const a = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessagesNotVisible"] }),
    );
    expect(a.Attributes?.ApproximateNumberOfMessagesNotVisible).toBe("1");
    expect(
      (await errorOf(sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: "garbage-handle-garbage-handle" }))))
        .name,
    ).toBe("ReceiptHandleIsInvalid");
    expect(
      (
        await errorOf(
          sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl,
              ReceiptHandle: second.ReceiptHandle,
              VisibilityTimeout: 43_201,
            }),
          ),
        )
      ).name,
    ).toBe("InvalidParameterValue");
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: second.ReceiptHandle }));
    const b = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }));
    expect(b.Attributes?.ApproximateNumberOfMessagesNotVisible).toBe("0");
  });

  it("batches report per-entry success and failure as AWS does", async () => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: uniqueName("batch"), Attributes: { MaximumMessageSize: "1024" } }),
    );
    const r = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: "ok1", MessageBody: "one" },
          { Id: "big", MessageBody: "x".repeat(1025) },
          { Id: "ok2", MessageBody: "two", DelaySeconds: 0 },
          { Id: "badDelay", MessageBody: "three", DelaySeconds: 901 },
          {
            Id: "badAttr",
            MessageBody: "four",
            MessageAttributes: { "AWS.reserved": { DataType: "String", StringValue: "x" } },
          },
        ],
      }),
    );
    expect(r.Successful?.map((s) => s.Id).sort()).toEqual(["ok1", "ok2"]);
    expect(r.Failed?.map((f) => [f.Id, f.Code, f.SenderFault]).sort()).toEqual([
      ["badAttr", "InvalidParameterValue", true],
      ["badDelay", "InvalidParameterValue", true],
      ["big", "InvalidParameterValue", true],
    ]);
    expect((await errorOf(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [] })))).name).toBe(
      "EmptyBatchRequest",
    );
    expect(
      (
        await errorOf(
          sqs.send(
            new SendMessageBatchCommand({
              QueueUrl,
              Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: "x" })),
            }),
          ),
        )
      ).name,
    ).toBe("TooManyEntriesInBatchRequest");
    expect(
      (
        await errorOf(
          sqs.send(
            new SendMessageBatchCommand({
              QueueUrl,
              Entries: [
                { Id: "a", MessageBody: "x" },
                { Id: "a", MessageBody: "y" },
              ],
            }),
          ),
        )
      ).name,
    ).toBe("BatchEntryIdsNotDistinct");
    expect(
      (
        await errorOf(
          sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: "bad id!", MessageBody: "x" }] })),
        )
      ).name,
    ).toBe("InvalidBatchEntryId");

    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30 }));
    expect(got.Messages?.map((m) => m.Body).sort()).toEqual(["one", "two"]);
    const del = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: [
          ...got.Messages!.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })),
          { Id: "junk", ReceiptHandle: "not-a-receipt-handle-at-all" },
        ],
      }),
    );
    expect(del.Successful?.map((s) => s.Id).sort()).toEqual(["d0", "d1"]);
    expect(del.Failed).toEqual([
      { Id: "junk", Code: "ReceiptHandleIsInvalid", Message: expect.any(String), SenderFault: true },
    ]);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "cv" }));
    const m = (await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages![0];
    const cv = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl,
        Entries: [
          { Id: "a", ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 },
          { Id: "b", ReceiptHandle: "nope-nope-nope-nope-nope", VisibilityTimeout: 5 },
        ],
      }),
    );
    expect(cv.Successful).toEqual([{ Id: "a" }]);
    expect(cv.Failed?.[0]).toMatchObject({ Id: "b", Code: "ReceiptHandleIsInvalid", SenderFault: true });
  });

  it("batch payload over 1 MiB in total is refused whole, storing nothing", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("toolong") }));
    const e = await errorOf(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: Array.from({ length: 3 }, (_, i) => ({ Id: `e${i}`, MessageBody: "x".repeat(400_000) })),
        }),
      ),
    );
    expect(e.name).toBe("BatchRequestTooLong");
    const a = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    expect(a.Attributes?.ApproximateNumberOfMessages).toBe("0");
  });

  it("accepts a 1 MiB message and refuses one byte more", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("big") }));
    const body = "a".repeat(1_048_576);
    const ok = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    expect(ok.MessageId).toBeTruthy();
    const e = await errorOf(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body + "a" })));
    expect(e.name).toBe("InvalidParameterValue");
    expect(e.message).toContain("Message must be shorter than 1048576 bytes");
    // Attributes count toward the size.
    const e2 = await errorOf(
      sqs.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: body.slice(10),
          MessageAttributes: { abcdef: { DataType: "String", StringValue: "x" } },
        }),
      ),
    );
    expect(e2.name).toBe("InvalidParameterValue");
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(got.Messages?.[0].Body?.length).toBe(1_048_576);
  });

  it("purge removes everything and a second purge within 60 s is PurgeQueueInProgress", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("purge") }));
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `m${i}` })),
      }),
    );
    await sqs.send(new PurgeQueueCommand({ QueueUrl }));
    expect(
      (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages ?? [],
    ).toHaveLength(0);
    const e = await errorOf(sqs.send(new PurgeQueueCommand({ QueueUrl })));
    expect(e.name).toBe("PurgeQueueInProgress");
    expect(e.status).toBe(403);
  });

  it("dead-letter queue: after maxReceiveCount the message moves with its id, body and attributes", async () => {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("dlq") }));
    const dlqArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["QueueArn"] }))
    ).Attributes!.QueueArn!;
    const src = await sqs.send(
      new CreateQueueCommand({
        QueueName: uniqueName("src"),
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) },
      }),
    );
    const srcArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: src.QueueUrl, AttributeNames: ["QueueArn"] }))
    ).Attributes!.QueueArn!;
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: src.QueueUrl,
        MessageBody: "poison",
        MessageAttributes: { k: { DataType: "String", StringValue: "v" } },
      }),
    );
    for (let i = 0; i < 2; i++) {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: src.QueueUrl, VisibilityTimeout: 0 }));
      expect(r.Messages?.[0].MessageId).toBe(sent.MessageId);
    }
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: src.QueueUrl }))).Messages ?? []).toHaveLength(0);
    const d = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlq.QueueUrl,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
      }),
    );
    expect(d.Messages?.[0]).toMatchObject({
      MessageId: sent.MessageId,
      Body: "poison",
      MessageAttributes: { k: { DataType: "String", StringValue: "v" } },
    });
    expect(d.Messages?.[0].Attributes?.DeadLetterQueueSourceArn).toBe(srcArn);
    const sources = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.QueueUrl }));
    expect(sources.queueUrls).toEqual([src.QueueUrl]);
  });

  it("delay: per-message DelaySeconds keeps the message invisible, counted as delayed", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("delay") }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "later", DelaySeconds: 60 }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages ?? []).toHaveLength(0);
    const a = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessagesDelayed"] }),
    );
    expect(a.Attributes?.ApproximateNumberOfMessagesDelayed).toBe("1");
  });
});

describe("long polling", () => {
  it("a long poll whose client aborted stops waiting and does not take the next message", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("abandoned") }));
    const ac = new AbortController();
    const abandoned = sqs
      .send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }), { abortSignal: ac.signal })
      .then(
        () => "answered",
        (e: Error) => e.name,
      );
    await new Promise((r) => setTimeout(r, 300));
    ac.abort();
    expect(await abandoned).toBe("AbortError");
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "for whoever is still listening" }));
    // A second client: had the server kept polling for the dead connection, it would have taken
    // the message (hidden for 30 s) and this receive would come back empty.
    const second = client(t);
    try {
      const r = await second.send(
        new ReceiveMessageCommand({
          QueueUrl,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ["ApproximateReceiveCount"],
        }),
      );
      expect(r.Messages?.map((m) => m.MessageId)).toEqual([sent.MessageId]);
      expect(r.Messages?.[0].Attributes?.ApproximateReceiveCount).toBe("1");
    } finally {
      second.destroy();
    }
  });
});

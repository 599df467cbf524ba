import {
  AddPermissionCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";

// AWS fidelity items of issue 8, checked with the SDK v3 against what AWS documents and answers.

let web: TestProcess & { url: string };
let t: TestTenant;
let other: TestTenant;
let sqs: SQSClient;
let sns: SNSClient;

beforeAll(async () => {
  await ensureQueues(CONTRACTS);
  [t, other] = await Promise.all([createTestTenant(), createTestTenant()]);
  web = await startWeb();
  const opts = {
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    maxAttempts: 1,
  };
  sqs = new SQSClient(opts);
  sns = new SNSClient(opts);
});
afterAll(async () => {
  sqs?.destroy();
  sns?.destroy();
  await web?.stop();
});

async function errorOf(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
  throw new Error("expected an error");
}

const arnOf = (name: string) => `arn:aws:sqs:us-east-1:${t.tenant.accountId}:${name}`;

describe("QueueUrl in the forms AWS accepts", () => {
  it("a bare queue name and AWS host forms with or without a scheme", async () => {
    const name = uniqueName("url");
    await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const forms = [
      name,
      `sqs.us-east-1.amazonaws.com/${t.tenant.accountId}/${name}`,
      `https://us-east-1.queue.amazonaws.com/${t.tenant.accountId}/${name}`,
      `https://queue.amazonaws.com/${t.tenant.accountId}/${name}`,
    ];
    for (const QueueUrl of forms) {
      const r = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: QueueUrl }));
      expect(r.MessageId, QueueUrl).toBeTruthy();
    }
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: name, MaxNumberOfMessages: 10 }));
    expect(got.Messages?.map((m) => m.Body).sort()).toEqual([...forms].sort());
  });
});

describe("FIFO queues", () => {
  it("accept DelaySeconds=0 (single and batch) and refuse a real per-message delay", async () => {
    const name = uniqueName("fifo0") + ".fifo";
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" },
      }),
    );
    const one = await sqs.send(
      new SendMessageCommand({ QueueUrl, MessageBody: "a", MessageGroupId: "g", DelaySeconds: 0 }),
    );
    expect(one.MessageId).toBeTruthy();
    const batch = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: "1", MessageBody: "b", MessageGroupId: "g", DelaySeconds: 0 },
          { Id: "2", MessageBody: "c", MessageGroupId: "g", DelaySeconds: 5 },
        ],
      }),
    );
    expect(batch.Successful?.map((s) => s.Id)).toEqual(["1"]);
    expect(batch.Failed?.map((f) => [f.Id, f.Code])).toEqual([["2", "InvalidParameterValue"]]);
    const e = await errorOf(
      sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "d", MessageGroupId: "g", DelaySeconds: 3 })),
    );
    expect(e.name).toBe("InvalidParameterValue");
  });
});

describe("JSON attributes", () => {
  it("RedrivePolicy comes back in AWS's key order and CreateQueue again with it succeeds", async () => {
    const dlq = uniqueName("dlq");
    await sqs.send(new CreateQueueCommand({ QueueName: dlq }));
    const name = uniqueName("src");
    const given = JSON.stringify({ maxReceiveCount: "5", deadLetterTargetArn: arnOf(dlq) });
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: name, Attributes: { RedrivePolicy: given } }),
    );
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["RedrivePolicy", "RedriveAllowPolicy"] }),
    );
    expect(attrs.Attributes?.RedrivePolicy).toBe(`{"deadLetterTargetArn":"${arnOf(dlq)}","maxReceiveCount":5}`);
    // The same policy, in either key order, is the same queue.
    const again = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { RedrivePolicy: given } }));
    expect(again.QueueUrl).toBe(QueueUrl);
    const reordered = await sqs.send(
      new CreateQueueCommand({ QueueName: name, Attributes: { RedrivePolicy: attrs.Attributes!.RedrivePolicy! } }),
    );
    expect(reordered.QueueUrl).toBe(QueueUrl);
    const different = await errorOf(
      sqs.send(
        new CreateQueueCommand({
          QueueName: name,
          Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf(dlq), maxReceiveCount: 6 }) },
        }),
      ),
    );
    expect(different.name).toBe("QueueNameExists");

    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl,
        Attributes: {
          RedriveAllowPolicy: JSON.stringify({ sourceQueueArns: [arnOf(name)], redrivePermission: "byQueue" }),
        },
      }),
    );
    const allow = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["RedriveAllowPolicy"] }));
    expect(allow.Attributes?.RedriveAllowPolicy).toBe(
      `{"redrivePermission":"byQueue","sourceQueueArns":["${arnOf(name)}"]}`,
    );
  });

  it("AddPermission grants appear in the Policy attribute as AWS writes them", async () => {
    const name = uniqueName("perm");
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    await sqs.send(
      new AddPermissionCommand({
        QueueUrl,
        Label: "let-them-send",
        AWSAccountIds: [other.tenant.accountId],
        Actions: ["SendMessage"],
      }),
    );
    const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["Policy"] }));
    const policy = JSON.parse(a.Attributes!.Policy!);
    expect(policy).toEqual({
      Version: "2012-10-17",
      Id: `${arnOf(name)}/SQSDefaultPolicy`,
      Statement: [
        {
          Sid: "let-them-send",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${other.tenant.accountId}:root` },
          Action: "SQS:SendMessage",
          Resource: arnOf(name),
        },
      ],
    });
  });

  it("a Policy over AWS's 8,192 bytes is refused and not stored", async () => {
    const name = uniqueName("bigpol");
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const big = JSON.stringify({ Version: "2012-10-17", Statement: [], Pad: "x".repeat(9_000) });
    const e = await errorOf(sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: big } })));
    expect(e.name).toBe("InvalidAttributeValue");
    const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["Policy"] }));
    expect(a.Attributes?.Policy).toBeUndefined();
  });
});

describe("binary attribute values must be base64", () => {
  it("SQS refuses a BinaryValue that is not base64", async () => {
    const name = uniqueName("b64");
    await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const r = await fetch(`${web.url}/api/aws`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${t.key.id}.${t.key.secret}`,
        "x-amz-target": "AmazonSQS.SendMessage",
        "content-type": "application/x-amz-json-1.0",
      },
      body: JSON.stringify({
        QueueUrl: name,
        MessageBody: "m",
        MessageAttributes: { b: { DataType: "Binary", BinaryValue: "not base64!" } },
      }),
    });
    expect(r.status).toBe(400);
    expect(r.headers.get("x-amzn-errortype")).toBe("com.amazonaws.sqs#InvalidParameterValue");
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: name }));
    expect(got.Messages).toBeUndefined();
  });

  it("SNS refuses a BinaryValue that is not base64", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName("b64t") }));
    const form = new URLSearchParams({
      Action: "Publish",
      TopicArn: TopicArn!,
      Message: "m",
      "MessageAttributes.entry.1.Name": "b",
      "MessageAttributes.entry.1.Value.DataType": "Binary",
      "MessageAttributes.entry.1.Value.BinaryValue": "%%%not-base64",
    });
    const r = await fetch(`${web.url}/api/aws`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${t.key.id}.${t.key.secret}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: form.toString(),
    });
    expect(r.status).toBe(400);
    expect(await r.text()).toMatch(/<Code>(InvalidParameterValue|ParameterValueInvalid)<\/Code>/);
    const ok = await sns.send(
      new PublishCommand({
        TopicArn,
        Message: "m",
        MessageAttributes: { b: { DataType: "Binary", BinaryValue: new Uint8Array([1, 2, 3]) } },
      }),
    );
    expect(ok.MessageId).toBeTruthy();
  });
});

describe("SNS", () => {
  it("a FIFO topic may be subscribed by a standard queue", async () => {
    const { TopicArn } = await sns.send(
      new CreateTopicCommand({ Name: uniqueName("ft") + ".fifo", Attributes: { FifoTopic: "true" } }),
    );
    const q = uniqueName("stdq");
    await sqs.send(new CreateQueueCommand({ QueueName: q }));
    const s = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: arnOf(q) }));
    expect(s.SubscriptionArn).toMatch(new RegExp(`^${TopicArn}:`));
  });
});

import { execFile } from "node:child_process";
import {
  SNSClient,
  CreateTopicCommand,
  DeleteTopicCommand,
  ListTopicsCommand,
  GetTopicAttributesCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  GetSubscriptionAttributesCommand,
  SetSubscriptionAttributesCommand,
  UnsubscribeCommand,
  PublishCommand,
  PublishBatchCommand,
  TagResourceCommand,
  UntagResourceCommand,
  ListTagsForResourceCommand,
  ConfirmSubscriptionCommand,
} from "@aws-sdk/client-sns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";

// SNS topic and subscription actions through the real AWS SDK v3 (query protocol, XML) and the
// AWS CLI against a real web process. Delivery itself is covered by sns-delivery/sns-fanout.

let web: TestProcess & { url: string };
let t: TestTenant;
let sns: SNSClient;

beforeAll(async () => {
  // This file's pg-boss schema gets its queues before any web process enqueues (workers start later or not at all).
  await ensureQueues(CONTRACTS);
  t = await createTestTenant();
  web = await startWeb();
  sns = new SNSClient({
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  await web?.stop();
});

async function code(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error("expected an error");
}

describe("SNS topics", () => {
  it("creates (idempotently), lists, describes, updates and deletes topics", async () => {
    const a = await sns.send(
      new CreateTopicCommand({
        Name: "orders",
        Attributes: { DisplayName: "Orders" },
        Tags: [{ Key: "team", Value: "shop" }],
      }),
    );
    expect(a.TopicArn).toBe(`arn:aws:sns:us-east-1:${t.tenant.accountId}:orders`);
    const again = await sns.send(new CreateTopicCommand({ Name: "orders" }));
    expect(again.TopicArn).toBe(a.TopicArn);
    const list = await sns.send(new ListTopicsCommand({}));
    expect(list.Topics?.map((x) => x.TopicArn)).toContain(a.TopicArn);

    const attrs = await sns.send(new GetTopicAttributesCommand({ TopicArn: a.TopicArn }));
    expect(attrs.Attributes).toMatchObject({
      TopicArn: a.TopicArn,
      DisplayName: "Orders",
      Owner: t.tenant.accountId,
      SubscriptionsConfirmed: "0",
      SubscriptionsPending: "0",
    });
    await sns.send(
      new SetTopicAttributesCommand({
        TopicArn: a.TopicArn,
        AttributeName: "DisplayName",
        AttributeValue: "Orders v2",
      }),
    );
    expect((await sns.send(new GetTopicAttributesCommand({ TopicArn: a.TopicArn }))).Attributes?.DisplayName).toBe(
      "Orders v2",
    );

    await sns.send(new TagResourceCommand({ ResourceArn: a.TopicArn, Tags: [{ Key: "env", Value: "test" }] }));
    await sns.send(new UntagResourceCommand({ ResourceArn: a.TopicArn, TagKeys: ["team"] }));
    const tags = await sns.send(new ListTagsForResourceCommand({ ResourceArn: a.TopicArn }));
    expect(tags.Tags).toEqual([{ Key: "env", Value: "test" }]);

    await sns.send(new DeleteTopicCommand({ TopicArn: a.TopicArn }));
    const gone = await code(sns.send(new GetTopicAttributesCommand({ TopicArn: a.TopicArn })));
    expect(gone).toMatchObject({ name: "NotFoundException", status: 404 });
  });

  it("answers bad input with SNS's codes", async () => {
    expect(await code(sns.send(new CreateTopicCommand({ Name: "bad name!" })))).toMatchObject({
      name: "InvalidParameterException",
      message: "Invalid parameter: Topic Name",
    });
    expect(
      await code(sns.send(new CreateTopicCommand({ Name: "plain", Attributes: { FifoTopic: "true" } }))),
    ).toMatchObject({ name: "InvalidParameterException" });
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "errs" }));
    expect(await code(sns.send(new PublishCommand({ TopicArn, Message: "" })))).toMatchObject({
      name: "InvalidParameterException",
      message: "Invalid parameter: Empty message",
    });
    expect(
      await code(sns.send(new PublishCommand({ TopicArn, Message: "{}", MessageStructure: "json" }))),
    ).toMatchObject({
      name: "InvalidParameterException",
      message: "Invalid parameter: Message Structure - No default entry in JSON message body",
    });
    expect(
      await code(
        sns.send(
          new PublishCommand({
            TopicArn,
            Message: "x",
            MessageAttributes: { n: { DataType: "Number", StringValue: "abc" } },
          }),
        ),
      ),
    ).toMatchObject({ name: "InvalidParameterValueException" });
    expect(
      await code(sns.send(new SubscribeCommand({ TopicArn, Protocol: "sms", Endpoint: "+15555550100" }))),
    ).toMatchObject({ name: "InvalidParameterException" });
    expect(
      await code(
        sns.send(
          new SubscribeCommand({
            TopicArn,
            Protocol: "sqs",
            Endpoint: `arn:aws:sqs:us-east-1:${t.tenant.accountId}:q`,
            Attributes: { FilterPolicy: '{"a": "not-an-array"}' },
          }),
        ),
      ),
    ).toMatchObject({
      name: "InvalidParameterException",
    });
    expect(
      await code(
        sns.send(new PublishCommand({ TopicArn: `arn:aws:sns:us-east-1:${t.tenant.accountId}:nope`, Message: "x" })),
      ),
    ).toMatchObject({ name: "NotFoundException" });
    expect(await code(sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: "deadbeef" })))).toMatchObject({
      name: "InvalidParameterException",
    });
  });

  it("subscribes, lists, reads and changes subscription attributes, unsubscribes", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "subs" }));
    const queueArn = `arn:aws:sqs:us-east-1:${t.tenant.accountId}:subs-q`;
    const sub = await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: "sqs",
        Endpoint: queueArn,
        Attributes: { RawMessageDelivery: "true", FilterPolicy: '{"kind":["a"]}' },
        ReturnSubscriptionArn: true,
      }),
    );
    expect(sub.SubscriptionArn).toMatch(new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));
    const http = await sns.send(
      new SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: "http://127.0.0.1:9/hook" }),
    );
    expect(http.SubscriptionArn).toBe("pending confirmation");

    const byTopic = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    expect(byTopic.Subscriptions).toHaveLength(2);
    expect(byTopic.Subscriptions?.find((s) => s.Protocol === "http")?.SubscriptionArn).toBe("PendingConfirmation");
    const all = await sns.send(new ListSubscriptionsCommand({}));
    expect(all.Subscriptions?.some((s) => s.SubscriptionArn === sub.SubscriptionArn)).toBe(true);

    const attrs = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: sub.SubscriptionArn }));
    expect(attrs.Attributes).toMatchObject({
      Protocol: "sqs",
      Endpoint: queueArn,
      RawMessageDelivery: "true",
      FilterPolicy: '{"kind":["a"]}',
      PendingConfirmation: "false",
      TopicArn,
    });
    await sns.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn: sub.SubscriptionArn,
        AttributeName: "FilterPolicy",
        AttributeValue: '{"kind":[{"prefix":"b"}]}',
      }),
    );
    expect(
      (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: sub.SubscriptionArn }))).Attributes
        ?.FilterPolicy,
    ).toBe('{"kind":[{"prefix":"b"}]}');
    const bad = await code(
      sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn: sub.SubscriptionArn,
          AttributeName: "FilterPolicy",
          AttributeValue: '{"kind":[{"numeric":["<"]}]}',
        }),
      ),
    );
    expect(bad.name).toBe("InvalidParameterException");
    expect(bad.message).toMatch(/^Invalid parameter: FilterPolicy: /);

    expect((await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes).toMatchObject({
      SubscriptionsConfirmed: "1",
      SubscriptionsPending: "1",
    });
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: sub.SubscriptionArn }));
    expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions).toHaveLength(1);
  });

  it("answers a repeated Subscribe with the existing ARN when attributes match, InvalidParameter when they differ", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "subs-again" }));
    const Endpoint = `arn:aws:sqs:us-east-1:${t.tenant.accountId}:subs-again-q`;
    const Attributes = { RawMessageDelivery: "true", FilterPolicy: '{"kind":["a"],"color":[{"prefix":"b"}]}' };
    const first = await sns.send(
      new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint, Attributes, ReturnSubscriptionArn: true }),
    );
    // Same attributes (keys in another order) or none at all: the same subscription.
    const same = await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: "sqs",
        Endpoint,
        Attributes: { FilterPolicy: '{"color":[{"prefix":"b"}],"kind":["a"]}', RawMessageDelivery: "true" },
        ReturnSubscriptionArn: true,
      }),
    );
    expect(same.SubscriptionArn).toBe(first.SubscriptionArn);
    expect(
      (await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint, ReturnSubscriptionArn: true })))
        .SubscriptionArn,
    ).toBe(first.SubscriptionArn);
    const differing: Array<Record<string, string>> = [
      { RawMessageDelivery: "false" },
      { FilterPolicy: '{"kind":["b"]}' },
      { FilterPolicyScope: "MessageBody" },
    ];
    for (const different of differing) {
      expect(
        await code(sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint, Attributes: different }))),
      ).toMatchObject({
        name: "InvalidParameterException",
        message: "Invalid parameter: Attributes Reason: Subscription already exists with different attributes",
        status: 400,
      });
    }
    expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions).toHaveLength(1);
    expect(
      (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: first.SubscriptionArn }))).Attributes,
    ).toMatchObject({ RawMessageDelivery: "true" });
  });

  it("stores and echoes Policy, KmsMasterKeyId, TracingConfig and SignatureVersion; refuses SignatureVersion 1", async () => {
    const { TopicArn } = await sns.send(
      new CreateTopicCommand({
        Name: "echoes",
        Attributes: { KmsMasterKeyId: "alias/aws/sns", TracingConfig: "Active" },
      }),
    );
    const before = (await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!;
    expect(before).toMatchObject({ KmsMasterKeyId: "alias/aws/sns", TracingConfig: "Active" });
    expect(before.SignatureVersion).toBeUndefined();
    // Unset Policy reads back as AWS's default policy document.
    const def = JSON.parse(before.Policy!);
    expect(def).toMatchObject({
      Version: "2008-10-17",
      Id: "__default_policy_ID",
      Statement: [
        {
          Sid: "__default_statement_ID",
          Effect: "Allow",
          Resource: TopicArn,
          Condition: { StringEquals: { "AWS:SourceOwner": t.tenant.accountId } },
        },
      ],
    });

    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "SNS:Publish", Resource: TopicArn },
      ],
    });
    const set = async (AttributeName: string, AttributeValue: string) =>
      sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName, AttributeValue }));
    await set("Policy", policy);
    await set("KmsMasterKeyId", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    await set("TracingConfig", "PassThrough");
    await set("SignatureVersion", "2");
    expect((await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes).toMatchObject({
      Policy: policy,
      KmsMasterKeyId: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      TracingConfig: "PassThrough",
      SignatureVersion: "2",
    });

    const v1 = await code(set("SignatureVersion", "1"));
    expect(v1).toMatchObject({ name: "InvalidParameterException", status: 400 });
    expect(v1.message).toMatch(/^Invalid parameter: SignatureVersion Reason: .*SignatureVersion 2/);
    expect(await code(set("TracingConfig", "Sometimes"))).toMatchObject({ name: "InvalidParameterException" });
    expect(await code(set("Policy", "{not json"))).toMatchObject({ name: "InvalidParameterException" });
    expect(
      await code(sns.send(new CreateTopicCommand({ Name: "echoes-v1", Attributes: { SignatureVersion: "1" } }))),
    ).toMatchObject({ name: "InvalidParameterException" });
    expect((await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes).toMatchObject({
      Policy: policy,
      TracingConfig: "PassThrough",
      SignatureVersion: "2",
    });

    // Clearing Policy brings the default back; clearing KmsMasterKeyId removes it.
    await set("Policy", "");
    await set("KmsMasterKeyId", "");
    const cleared = (await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!;
    expect(JSON.parse(cleared.Policy!).Id).toBe("__default_policy_ID");
    expect(cleared.KmsMasterKeyId).toBeUndefined();
  });

  it("publishes single messages and batches (FIFO with sequence numbers and deduplication)", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "pub" }));
    const p = await sns.send(
      new PublishCommand({
        TopicArn,
        Message: "hello",
        Subject: "Hi",
        MessageAttributes: {
          k: { DataType: "String", StringValue: "v" },
          n: { DataType: "Number", StringValue: "3" },
          b: { DataType: "Binary", BinaryValue: Buffer.from("xy") },
          arr: { DataType: "String.Array", StringValue: '["a","b"]' },
        },
      }),
    );
    expect(p.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    const batch = await sns.send(
      new PublishBatchCommand({
        TopicArn,
        PublishBatchRequestEntries: [
          { Id: "one", Message: "1" },
          { Id: "two", Message: "" },
          { Id: "three", Message: "3" },
        ],
      }),
    );
    expect(batch.Successful?.map((s) => s.Id)).toEqual(["one", "three"]);
    expect(batch.Failed).toMatchObject([{ Id: "two", Code: "InvalidParameter", SenderFault: true }]);
    expect(
      (
        await code(
          sns.send(
            new PublishBatchCommand({
              TopicArn,
              PublishBatchRequestEntries: [
                { Id: "a", Message: "1" },
                { Id: "a", Message: "2" },
              ],
            }),
          ),
        )
      ).name,
    ).toBe("BatchEntryIdsNotDistinctException");

    const fifo = await sns.send(
      new CreateTopicCommand({
        Name: "pub.fifo",
        Attributes: { FifoTopic: "true", ContentBasedDeduplication: "true" },
      }),
    );
    expect((await code(sns.send(new PublishCommand({ TopicArn: fifo.TopicArn, Message: "x" })))).message).toBe(
      "Invalid parameter: The MessageGroupId parameter is required for FIFO topics",
    );
    const f1 = await sns.send(new PublishCommand({ TopicArn: fifo.TopicArn, Message: "same", MessageGroupId: "g" }));
    const f2 = await sns.send(new PublishCommand({ TopicArn: fifo.TopicArn, Message: "same", MessageGroupId: "g" }));
    const f3 = await sns.send(new PublishCommand({ TopicArn: fifo.TopicArn, Message: "other", MessageGroupId: "g" }));
    expect(f1.SequenceNumber).toMatch(/^\d+$/);
    expect(f2.MessageId).toBe(f1.MessageId);
    expect(BigInt(f3.SequenceNumber!)).toBeGreaterThan(BigInt(f1.SequenceNumber!));
    expect(
      (
        await code(
          sns.send(
            new SubscribeCommand({ TopicArn: fifo.TopicArn, Protocol: "https", Endpoint: "https://example.com/x" }),
          ),
        )
      ).name,
    ).toBe("InvalidParameterException");
  });

  it("pages ListTopics with NextToken", async () => {
    const other = await createTestTenant();
    const c = new SNSClient({
      endpoint: `${web.url}/api/aws`,
      region: "us-east-1",
      credentials: { accessKeyId: other.key.id, secretAccessKey: other.key.secret },
      maxAttempts: 1,
    });
    for (let i = 0; i < 105; i += 15)
      await Promise.all(
        Array.from({ length: 15 }, (_, j) =>
          c.send(new CreateTopicCommand({ Name: `t-${String(i + j).padStart(3, "0")}` })),
        ),
      );
    const first = await c.send(new ListTopicsCommand({}));
    expect(first.Topics).toHaveLength(100);
    expect(first.NextToken).toBeTruthy();
    const second = await c.send(new ListTopicsCommand({ NextToken: first.NextToken }));
    expect(second.Topics).toHaveLength(5);
    expect(second.NextToken).toBeUndefined();
    // Tenants never see each other's topics.
    expect(
      (await sns.send(new ListTopicsCommand({}))).Topics?.some((x) => x.TopicArn?.includes(other.tenant.accountId)),
    ).toBe(false);
  });

  it("works with the AWS CLI (query protocol)", async () => {
    const cli = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(
          "/usr/bin/aws",
          [...args, "--endpoint-url", `${web.url}/api/aws`, "--region", "us-east-1", "--output", "json"],
          { env: { ...process.env, AWS_ACCESS_KEY_ID: t.key.id, AWS_SECRET_ACCESS_KEY: t.key.secret, AWS_PAGER: "" } },
          (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
    const created = await cli(["sns", "create-topic", "--name", "cli-topic"]);
    expect(created.code, created.stderr).toBe(0);
    const arn = JSON.parse(created.stdout).TopicArn;
    expect(arn).toBe(`arn:aws:sns:us-east-1:${t.tenant.accountId}:cli-topic`);
    const listed = await cli(["sns", "list-topics"]);
    expect(JSON.parse(listed.stdout).Topics.map((x: { TopicArn: string }) => x.TopicArn)).toContain(arn);
    const pub = await cli([
      "sns",
      "publish",
      "--topic-arn",
      arn,
      "--message",
      "from the cli",
      "--message-attributes",
      '{"k":{"DataType":"String","StringValue":"v"}}',
    ]);
    expect(pub.code, pub.stderr).toBe(0);
    expect(JSON.parse(pub.stdout).MessageId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

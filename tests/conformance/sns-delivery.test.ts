import {
  SNSClient,
  CreateTopicCommand,
  PublishCommand,
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  UnsubscribeCommand,
} from "@aws-sdk/client-sns";
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../server/db";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";
import { startReceiver, until } from "../helpers/sns-receiver";

// HTTP(S) subscriptions end to end: a real web + worker, the AWS SDK publishing, and a local
// receiver that verifies SNS signatures (AWS's documented procedure) and Standard Webhooks
// signatures (the `standardwebhooks` package). Retries against a flaky endpoint, DLQ after
// exhausted retries.

let web: TestProcess & { url: string };
let worker: TestProcess;
let t: TestTenant;
let sns: SNSClient;
let sqs: SQSClient;
const secrets = new Map<string, string>();
const flaky = (path: string, n: number) => ((path === "/flaky" && n <= 2) || path === "/dead" ? 500 : 200);
let rx: Awaited<ReturnType<typeof startReceiver>>;
const SHORT = JSON.stringify({
  healthyRetryPolicy: {
    numRetries: 2,
    minDelayTarget: 1,
    maxDelayTarget: 1,
    numNoDelayRetries: 0,
    numMinDelayRetries: 0,
    numMaxDelayRetries: 0,
    backoffFunction: "linear",
  },
});

async function rest(path: string, body: unknown) {
  const r = await fetch(`${web.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${t.key.id}.${t.key.secret}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = await r.json();
  if (!r.ok) throw new Error(JSON.stringify(json));
  return json;
}

beforeAll(async () => {
  // This file's pg-boss schema gets its queues before any web process enqueues (workers start later or not at all).
  await ensureQueues(CONTRACTS);
  t = await createTestTenant();
  [web, worker] = await Promise.all([startWeb(), startWorker()]);
  const credentials = { accessKeyId: t.key.id, secretAccessKey: t.key.secret };
  sns = new SNSClient({ endpoint: `${web.url}/api/aws`, region: "us-east-1", credentials, maxAttempts: 1 });
  sqs = new SQSClient({ endpoint: `${web.url}/api/aws`, region: "us-east-1", credentials, maxAttempts: 1 });
  rx = await startReceiver({ behaviour: flaky, secrets });
});
afterAll(async () => {
  await rx?.close();
  await Promise.all([web?.stop(), worker?.stop()]);
});

async function subscribeHttp(topic: string, path: string, extra: Record<string, unknown> = {}) {
  const r = await rest(`/api/v1/topics/${topic}/subscriptions`, {
    protocol: "http",
    endpoint: `${rx.url}${path}`,
    ...extra,
  });
  expect(r.pendingConfirmation).toBe(true);
  expect(r.signingSecret).toMatch(/^whsec_/);
  secrets.set(path, r.signingSecret);
  // The receiver verifies the SubscriptionConfirmation's signature, then visits SubscribeURL.
  await until(
    async () =>
      (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: r.subscription.arn }))).Attributes
        ?.PendingConfirmation === "false",
  );
  return r.subscription.arn as string;
}

describe("SNS HTTP delivery", () => {
  it("confirms the subscription, then delivers signed notifications with SNS and Standard Webhooks headers", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "hooks" }));
    const subArn = await subscribeHttp("hooks", "/ok");
    const conf = rx.received.find((r) => r.path === "/ok" && r.json?.Type === "SubscriptionConfirmation")!;
    expect(conf.snsSignatureValid).toBe(true);
    expect(conf.headers["x-amz-sns-message-type"]).toBe("SubscriptionConfirmation");
    expect(conf.json!.SubscribeURL).toContain("/api/v1/sns/confirm?");
    expect(conf.json!.Token).toMatch(/^[0-9a-f]{128}$/);
    const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    expect(listed.Subscriptions?.[0]?.SubscriptionArn).toBe(subArn);

    const p = await sns.send(
      new PublishCommand({
        TopicArn,
        Message: "hello hooks",
        Subject: "greeting",
        MessageAttributes: { color: { DataType: "String", StringValue: "blue" } },
      }),
    );
    const got = await until(() => rx.received.find((r) => r.json?.MessageId === p.MessageId));
    expect(got.snsSignatureValid).toBe(true);
    expect(got.webhookSignatureValid).toBe(true);
    expect(got.json).toMatchObject({
      Type: "Notification",
      TopicArn,
      Message: "hello hooks",
      Subject: "greeting",
      SignatureVersion: "2",
      MessageAttributes: { color: { Type: "String", Value: "blue" } },
    });
    expect(got.headers).toMatchObject({
      "x-amz-sns-message-type": "Notification",
      "x-amz-sns-message-id": p.MessageId,
      "x-amz-sns-topic-arn": TopicArn,
      "x-amz-sns-subscription-arn": subArn,
      "content-type": "text/plain; charset=UTF-8",
    });
    expect(got.headers["webhook-id"]).toBeTruthy();
    // A tampered body fails both verifications (the checks can fail).
    const { verifySnsSignature } = await import("../helpers/sns-receiver");
    expect(await verifySnsSignature({ ...got.json!, Message: "tampered" })).toBe(false);

    // Every attempt is recorded with the request as sent and the response.
    const a = await until(
      async () => (await pool().query(`SELECT * FROM delivery_attempts WHERE message_id = $1`, [p.MessageId])).rows[0],
    );
    expect(a).toMatchObject({ outcome: "succeeded", response_status: 200, attempt_number: 1, response_body: "ok" });
    expect(a.request_headers["webhook-id"]).toBe(got.headers["webhook-id"]);
  });

  it("sends a signed UnsubscribeConfirmation on Unsubscribe; its SubscribeURL restores the subscription", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "leaving" }));
    const subArn = await subscribeHttp("leaving", "/leaving");
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: subArn }));
    expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions).toHaveLength(0);

    const got = await until(() =>
      rx.received.find((r) => r.path === "/leaving" && r.json?.Type === "UnsubscribeConfirmation"),
    );
    expect(got.snsSignatureValid).toBe(true);
    expect(got.headers).toMatchObject({
      "x-amz-sns-message-type": "UnsubscribeConfirmation",
      "x-amz-sns-topic-arn": TopicArn,
      "x-amz-sns-subscription-arn": subArn,
    });
    expect(got.json).toMatchObject({ Type: "UnsubscribeConfirmation", TopicArn, SignatureVersion: "2" });
    expect(got.json!.Message).toContain(`You have chosen to deactivate subscription ${subArn}`);
    expect(got.json!.Token).toMatch(/^[0-9a-f]{128}$/);
    expect(got.json!.SubscribeURL).toContain("/api/v1/sns/confirm?Action=ConfirmSubscription");
    expect(got.json!.SigningCertURL).toContain("/api/v1/sns/signing-cert.pem");
    // The signature covers the token: a forged one does not verify.
    const { verifySnsSignature } = await import("../helpers/sns-receiver");
    expect(await verifySnsSignature({ ...got.json!, Token: "0".repeat(128) })).toBe(false);

    // Visiting SubscribeURL re-subscribes the same endpoint (same ARN, confirmed, same signing secret), once.
    const restored = await fetch(got.json!.SubscribeURL!);
    expect(restored.status).toBe(200);
    expect(await restored.json()).toMatchObject({ subscriptionArn: subArn });
    expect((await fetch(got.json!.SubscribeURL!)).status).toBe(400);
    expect(
      (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subArn }))).Attributes,
    ).toMatchObject({ PendingConfirmation: "false", Endpoint: `${rx.url}/leaving` });
    const p = await sns.send(new PublishCommand({ TopicArn, Message: "welcome back" }));
    const back = await until(() => rx.received.find((r) => r.json?.MessageId === p.MessageId));
    expect(back.snsSignatureValid).toBe(true);
    expect(back.webhookSignatureValid).toBe(true);
  });

  it("re-sends the confirmation when a pending endpoint subscribes again", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "late-confirm" }));
    const { SubscribeCommand } = await import("@aws-sdk/client-sns");
    const { startReceiver: start } = await import("../helpers/sns-receiver");
    const manual = await start({ autoConfirm: false });
    try {
      const first = await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: "http",
          Endpoint: `${manual.url}/later`,
          ReturnSubscriptionArn: true,
        }),
      );
      await until(() => manual.received.length >= 1);
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: `${manual.url}/later` }));
      await until(() => manual.received.length >= 2);
      const [a, b] = manual.received.map((r) => r.json!);
      expect(a!.Token).not.toBe(b!.Token);
      // The first token no longer works; the second one confirms.
      expect((await fetch(a!.SubscribeURL!)).status).toBe(400);
      expect((await fetch(b!.SubscribeURL!)).status).toBe(200);
      expect(
        (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: first.SubscriptionArn }))).Attributes
          ?.PendingConfirmation,
      ).toBe("false");
    } finally {
      await manual.close();
    }
  });

  it("delivers raw messages when RawMessageDelivery is set", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "raw-hooks" }));
    await subscribeHttp("raw-hooks", "/raw", { rawMessageDelivery: true });
    await sns.send(new PublishCommand({ TopicArn, Message: '{"order":1}' }));
    const got = await until(() => rx.received.find((r) => r.path === "/raw" && r.json === null));
    expect(got.body).toBe('{"order":1}');
    expect(got.headers["x-amz-sns-rawdelivery"]).toBe("true");
    expect(got.webhookSignatureValid).toBe(true);
  });

  it("retries an endpoint that fails twice, then succeeds, with one stable webhook-id", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "flaky" }));
    await subscribeHttp("flaky", "/flaky", { deliveryPolicy: SHORT });
    const p = await sns.send(new PublishCommand({ TopicArn, Message: "try again" }));
    await until(() => rx.received.filter((r) => r.json?.MessageId === p.MessageId).length >= 3, 30_000);
    const tries = rx.received.filter((r) => r.json?.MessageId === p.MessageId);
    expect(tries.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(tries.map((r) => r.headers["webhook-id"])).size).toBe(1);
    const d = await until(
      async () =>
        (
          await pool().query(`SELECT status, attempts FROM deliveries WHERE message_id = $1 AND status = 'succeeded'`, [
            p.MessageId,
          ])
        ).rows[0],
    );
    expect(d).toEqual({ status: "succeeded", attempts: 3 });
    const attempts = (
      await pool().query(
        `SELECT attempt_number, outcome, response_status, next_retry_at FROM delivery_attempts WHERE message_id = $1 ORDER BY attempt_number`,
        [p.MessageId],
      )
    ).rows;
    expect(attempts.map((x) => [x.attempt_number, x.outcome, x.response_status])).toEqual([
      [1, "failed", 500],
      [2, "failed", 500],
      [3, "succeeded", 200],
    ]);
    expect(attempts[0].next_retry_at).not.toBeNull();
  });

  it("moves a message to the subscription's dead-letter queue after the retries are exhausted", async () => {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: "hooks-dlq" }));
    const dlqArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["QueueArn"] }))
    ).Attributes!.QueueArn!;
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "dead" }));
    await subscribeHttp("dead", "/dead", { deliveryPolicy: SHORT, deadLetterTargetArn: dlqArn });
    const p = await sns.send(new PublishCommand({ TopicArn, Message: "nobody home" }));
    const msg = await until(
      async () =>
        (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.QueueUrl, WaitTimeSeconds: 1 }))).Messages?.[0],
      30_000,
    );
    expect(JSON.parse(msg.Body!)).toMatchObject({
      Type: "Notification",
      MessageId: p.MessageId,
      Message: "nobody home",
    });
    expect(rx.received.filter((r) => r.json?.MessageId === p.MessageId)).toHaveLength(3);
    const d = (await pool().query(`SELECT status, attempts FROM deliveries WHERE message_id = $1`, [p.MessageId]))
      .rows[0];
    expect(d).toEqual({ status: "dlq", attempts: 3 });
  });
});

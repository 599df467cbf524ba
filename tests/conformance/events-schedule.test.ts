import {
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  DeleteRuleCommand,
  RemoveTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import {
  SQSClient,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";
import { until } from "../helpers/sns-receiver";

// A rule schedule that really fires: cron(* * * * ? *) on the default bus with an SQS target,
// a web and a worker process (the worker's timer loop enqueues events.fireRuleSchedule once per
// fire time); the queue receives AWS's scheduled event within the next minute.

let web: TestProcess & { url: string };
let worker: TestProcess;
let t: TestTenant;
let eb: EventBridgeClient;
let sqs: SQSClient;

beforeAll(async () => {
  await ensureQueues(CONTRACTS);
  t = await createTestTenant();
  [web, worker] = await Promise.all([startWeb(), startWorker()]);
  const credentials = { accessKeyId: t.key.id, secretAccessKey: t.key.secret };
  eb = new EventBridgeClient({ endpoint: `${web.url}/api/aws`, region: "us-east-1", credentials, maxAttempts: 1 });
  sqs = new SQSClient({ endpoint: `${web.url}/api/aws`, region: "us-east-1", credentials, maxAttempts: 1 });
});
afterAll(async () => {
  await Promise.all([web?.stop(), worker?.stop()]);
});

describe("scheduled rules", () => {
  it("fire on time with AWS's scheduled event", { timeout: 150_000 }, async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("tick") }));
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes!
      .QueueArn!;
    const name = uniqueName("every-minute");
    const { RuleArn } = await eb.send(new PutRuleCommand({ Name: name, ScheduleExpression: "cron(* * * * ? *)" }));
    await eb.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: "q", Arn: arn }] }));

    let got: Message | undefined;
    await until(async () => {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 5 }));
      got = r.Messages?.[0];
      return !!got;
    }, 130_000);
    const event = JSON.parse(got!.Body!);
    expect(Object.keys(event)).toEqual([
      "version",
      "id",
      "detail-type",
      "source",
      "account",
      "time",
      "region",
      "resources",
      "detail",
    ]);
    expect(event).toMatchObject({
      version: "0",
      "detail-type": "Scheduled Event",
      source: "aws.events",
      account: t.tenant.accountId,
      region: "us-east-1",
      resources: [RuleArn],
      detail: {},
    });
    // Fire times are whole minutes.
    expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);

    await eb.send(new RemoveTargetsCommand({ Rule: name, Ids: ["q"] }));
    await eb.send(new DeleteRuleCommand({ Name: name }));
  });
});

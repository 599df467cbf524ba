import http from "node:http";
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetActivityTaskCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
} from "@aws-sdk/client-sfn";
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../server/db";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createConnection } from "../../server/domains/connections/connection.service";
import { createFunction } from "../../server/domains/functions/function.service";
import { subscribe } from "../../server/domains/topics/subscription.service";
import { createTopic } from "../../server/domains/topics/topic.service";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startFunctionReceiver } from "../helpers/function-receiver";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";

// Whole executions whose Task states use every integration, through the AWS door with the SDK v3
// clients against a started web process and worker (the executor and the remote-task jobs run
// there): a machine that sends, publishes, puts an event, invokes a function (lambda:invoke and a
// bare ARN) and calls an HTTPS API, runs to the expected output; Retry and Catch match a
// function's own errorType; an activity worker loop completes tasks with SendTaskSuccess/Failure;
// a .waitForTaskToken task waits for the token that travelled in an SQS message.

let web: TestProcess & { url: string };
let worker: TestProcess;
let t: TestTenant;
let sfn: SFNClient;
let sqs: SQSClient;
let eb: EventBridgeClient;
let fnService: Awaited<ReturnType<typeof startFunctionReceiver>>;
let api: http.Server;
let apiUrl: string;
const ROLE = "arn:aws:iam::123456789012:role/workflows";

beforeAll(async () => {
  await ensureQueues(CONTRACTS);
  t = await createTestTenant();
  [web, worker] = await Promise.all([startWeb(), startWorker()]);
  const cfg = {
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
  };
  sfn = new SFNClient(cfg);
  sqs = new SQSClient(cfg);
  eb = new EventBridgeClient(cfg);
  fnService = await startFunctionReceiver(async (event, hit, count) => {
    switch (hit.path) {
      case "/price": {
        const o = event as { qty: number; unit: number };
        return { body: JSON.stringify({ total: o.qty * o.unit }) };
      }
      case "/flaky":
        return count < 3
          ? {
              headers: { "x-amz-function-error": "Unhandled" },
              body: JSON.stringify({ errorType: "Flaky", errorMessage: `attempt ${count}` }),
            }
          : { body: JSON.stringify({ ok: true, attempts: count }) };
      case "/reject":
        return {
          headers: { "x-amz-function-error": "Unhandled" },
          body: JSON.stringify({ errorType: "OrderError", errorMessage: "out of stock" }),
        };
      default:
        return { status: 404 };
    }
  });
  api = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      res.writeHead(201, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          received: JSON.parse(Buffer.concat(chunks).toString("utf8") || "null"),
          key: req.headers["x-api-key"],
        }),
      );
    });
  });
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
  apiUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
});

afterAll(async () => {
  sfn?.destroy();
  sqs?.destroy();
  eb?.destroy();
  await fnService?.close();
  api?.closeAllConnections();
  await new Promise<void>((r) => (api ? api.close(() => r()) : r()));
  await Promise.all([web?.stop(), worker?.stop()]);
});

async function fn(path: string) {
  const { fn: f, secret } = await createFunction(t.actor, t.tenant, {
    name: uniqueName("e2e"),
    url: `${fnService.url}${path}`,
  });
  fnService.secrets.set(path, secret);
  return f;
}

async function machine(definition: object): Promise<string> {
  const r = await sfn.send(
    new CreateStateMachineCommand({ name: uniqueName("e2e"), definition: JSON.stringify(definition), roleArn: ROLE }),
  );
  return r.stateMachineArn!;
}

async function finished(executionArn: string, timeoutMs = 45_000): Promise<DescribeExecutionCommandOutput> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== "RUNNING" || Date.now() > until) return d;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function run(stateMachineArn: string, input: unknown) {
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
  return { executionArn: executionArn!, done: () => finished(executionArn!) };
}

describe("a machine using every integration", () => {
  it("sends, publishes, puts an event, invokes functions and calls an API, then ends with the expected output", async () => {
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("e2e") }))).QueueUrl!;
    const fanout = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("e2e-sub") }))).QueueUrl!;
    const fanoutArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: fanout, AttributeNames: ["QueueArn"] }))
    ).Attributes!.QueueArn!;
    const routed = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("e2e-rule") }))).QueueUrl!;
    const routedArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: routed, AttributeNames: ["QueueArn"] }))
    ).Attributes!.QueueArn!;
    const rule = uniqueName("e2e");
    await eb.send(new PutRuleCommand({ Name: rule, EventPattern: JSON.stringify({ source: ["shop"] }) }));
    await eb.send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: "q", Arn: routedArn }] }));
    const topic = await createTopic(t.actor, t.tenant, { name: uniqueName("e2e") });
    await subscribe(
      t.actor,
      t.tenant,
      { topicArn: topic.arn, protocol: "sqs", endpoint: fanoutArn },
      { baseUrl: web.url },
    );
    const price = await fn("/price");
    const conn = await createConnection(t.actor, t.tenant, {
      name: uniqueName("e2e"),
      authorizationType: "API_KEY",
      authParameters: { ApiKeyAuthParameters: { ApiKeyName: "x-api-key", ApiKeyValue: "k-1" } },
    });
    const sm = await machine({
      StartAt: "Send",
      States: {
        Send: {
          Type: "Task",
          Resource: "arn:aws:states:::sqs:sendMessage",
          Parameters: { QueueUrl: queueUrl, "MessageBody.$": "$.order" },
          ResultSelector: { "id.$": "$.MessageId" },
          ResultPath: "$.sent",
          Next: "Publish",
        },
        Publish: {
          Type: "Task",
          Resource: "arn:aws:states:::sns:publish",
          Parameters: { TopicArn: topic.arn, "Message.$": "$.order" },
          ResultSelector: { "id.$": "$.MessageId" },
          ResultPath: "$.published",
          Next: "Announce",
        },
        Announce: {
          Type: "Task",
          Resource: "arn:aws:states:::events:putEvents",
          Parameters: { Entries: [{ Source: "shop", DetailType: "Order", "Detail.$": "$.order" }] },
          ResultSelector: { "failed.$": "$.FailedEntryCount" },
          ResultPath: "$.announced",
          Next: "Price",
        },
        Price: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Parameters: { FunctionName: price.name, "Payload.$": "$.order" },
          ResultSelector: { "total.$": "$.Payload.total", "status.$": "$.StatusCode" },
          ResultPath: "$.price",
          Next: "Call",
        },
        Call: {
          Type: "Task",
          Resource: "arn:aws:states:::http:invoke",
          Parameters: {
            ApiEndpoint: `${apiUrl}/orders`,
            Method: "POST",
            Authentication: { ConnectionArn: conn.arn },
            "RequestBody.$": "$.price",
          },
          ResultSelector: { "status.$": "$.StatusCode", "body.$": "$.ResponseBody" },
          ResultPath: "$.call",
          Next: "Again",
        },
        Again: { Type: "Task", Resource: price.arn, InputPath: "$.order", ResultPath: "$.bare", End: true },
      },
    });
    const { done } = await run(sm, { order: { qty: 3, unit: 10 } });
    const d = await done();
    expect(d.status).toBe("SUCCEEDED");
    const out = JSON.parse(d.output!);
    expect(out).toMatchObject({
      order: { qty: 3, unit: 10 },
      sent: { id: expect.any(String) },
      published: { id: expect.any(String) },
      announced: { failed: 0 },
      price: { total: 30, status: 200 },
      call: { status: 201, body: { received: { total: 30, status: 200 }, key: "k-1" } },
      bare: { total: 30 },
    });
    const sent = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    expect(sent.Messages?.map((m) => [m.MessageId, JSON.parse(m.Body!)])).toEqual([
      [out.sent.id, { qty: 3, unit: 10 }],
    ]);
    const fanned = await sqs.send(new ReceiveMessageCommand({ QueueUrl: fanout, WaitTimeSeconds: 1 }));
    expect(JSON.parse(fanned.Messages![0]!.Body!).MessageId).toBe(out.published.id);
    const events = await pool().query(`SELECT envelope FROM events WHERE tenant_id = $1`, [t.tenant.id]);
    const env = events.rows.map((r: { envelope: string }) => JSON.parse(r.envelope)).find((e) => e.source === "shop");
    expect(env.detail).toEqual({ qty: 3, unit: 10 });
    expect(env.resources).toEqual([sm, d.executionArn]);
    // Accepted in the step's transaction, then routed by the worker's router to the rule's target.
    const ruled = await sqs.send(new ReceiveMessageCommand({ QueueUrl: routed, WaitTimeSeconds: 10 }));
    expect(JSON.parse(ruled.Messages![0]!.Body!)).toMatchObject({ source: "shop", "detail-type": "Order" });
  });
});

describe("Retry and Catch on a function's errorType", () => {
  it("retries Flaky until it succeeds, then catches OrderError into the output", async () => {
    const flaky = await fn("/flaky");
    const reject = await fn("/reject");
    const sm = await machine({
      StartAt: "Flaky",
      States: {
        Flaky: {
          Type: "Task",
          Resource: flaky.arn,
          Retry: [{ ErrorEquals: ["Flaky"], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 1 }],
          Next: "Reject",
        },
        Reject: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Parameters: { FunctionName: reject.arn, "Payload.$": "$" },
          Catch: [{ ErrorEquals: ["OrderError"], ResultPath: "$.error", Next: "Handled" }],
          End: true,
        },
        Handled: { Type: "Pass", End: true },
      },
    });
    const d = await (await run(sm, {})).done();
    expect(d.status).toBe("SUCCEEDED");
    const out = JSON.parse(d.output!);
    expect(out).toMatchObject({ ok: true, attempts: 3, error: { Error: "OrderError" } });
    expect(JSON.parse(out.error.Cause)).toEqual({ errorType: "OrderError", errorMessage: "out of stock" });
  });

  it("an error nobody catches fails the execution with the function's error and cause", async () => {
    const reject = await fn("/reject");
    const sm = await machine({ StartAt: "R", States: { R: { Type: "Task", Resource: reject.arn, End: true } } });
    const d = await (await run(sm, {})).done();
    expect(d.status).toBe("FAILED");
    expect(d.error).toBe("OrderError");
    expect(JSON.parse(d.cause!)).toEqual({ errorType: "OrderError", errorMessage: "out of stock" });
  });
});

describe("an activity worker loop with the SDK", () => {
  it("takes each task, completes it with SendTaskSuccess or SendTaskFailure, and the executions end accordingly", async () => {
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: uniqueName("e2e") }));
    const sm = await machine({
      StartAt: "Work",
      States: { Work: { Type: "Task", Resource: activityArn, TimeoutSeconds: 120, End: true } },
    });
    const good = await run(sm, { x: 2 });
    const bad = await run(sm, { x: -1 });
    // The worker: poll, run "our code", report; two tasks, then stop.
    for (let handled = 0; handled < 2;) {
      const task = await sfn.send(new GetActivityTaskCommand({ activityArn: activityArn!, workerName: "e2e-worker" }));
      if (!task.taskToken) continue;
      handled++;
      const input = JSON.parse(task.input!) as { x: number };
      if (input.x < 0)
        await sfn.send(new SendTaskFailureCommand({ taskToken: task.taskToken, error: "Negative", cause: "x < 0" }));
      else
        await sfn.send(
          new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify({ y: input.x * 2 }) }),
        );
    }
    const [g, b] = await Promise.all([good.done(), bad.done()]);
    expect([g.status, JSON.parse(g.output!)]).toEqual(["SUCCEEDED", { y: 4 }]);
    expect([b.status, b.error, b.cause]).toEqual(["FAILED", "Negative", "x < 0"]);
  });
});

describe(".waitForTaskToken with SendTaskSuccess", () => {
  it("waits until the token that travelled in an SQS message comes back", async () => {
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("e2e-cb") }))).QueueUrl!;
    const sm = await machine({
      StartAt: "Ask",
      States: {
        Ask: {
          Type: "Task",
          Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
          Parameters: { QueueUrl: queueUrl, MessageBody: { "order.$": "$", "token.$": "$$.Task.Token" } },
          ResultPath: "$.approval",
          End: true,
        },
      },
    });
    const ex = await run(sm, { id: 9 });
    let body: { order: unknown; token: string } | undefined;
    while (!body) {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5 }));
      if (r.Messages?.length) body = JSON.parse(r.Messages[0]!.Body!);
    }
    expect(body.order).toEqual({ id: 9 });
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: ex.executionArn }))).status).toBe("RUNNING");
    await sfn.send(new SendTaskSuccessCommand({ taskToken: body.token, output: JSON.stringify({ approved: true }) }));
    const d = await ex.done();
    expect(d.status).toBe("SUCCEEDED");
    expect(JSON.parse(d.output!)).toEqual({ id: 9, approval: { approved: true } });
  });
});

import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool, withTransaction } from "../../../db";
import { queueUrl } from "../../../core/sqs";
import { createTestTenant, uniqueName, type TestTenant } from "../../../../tests/helpers/fixtures";
import { insertRunningExecution, taskRequest } from "../../../../tests/helpers/workflow-tasks";
import { createQueue } from "../../queues/queue.service";
import { receiveMessages } from "../../queues/receive";
import { createTopic } from "../../topics/topic.service";
import { subscribe } from "../../topics/subscription.service";
import { taskResourceFor } from "./registry";
import type { LocalTaskResource, TaskOutcome, TaskRequest } from "./resource";

// The local Task resources (sqs:sendMessage, sns:publish, events:putEvents) against the real
// database: each runs inside a transaction as the executor runs it, so what it sends commits with
// that transaction or not at all; results and errors in Step Functions' shapes.

let t: TestTenant;
let exec: Awaited<ReturnType<typeof insertRunningExecution>>;
const BASE = "http://localhost:3000";

beforeAll(async () => {
  t = await createTestTenant();
  exec = await insertRunningExecution(pool(), t.tenant);
});
afterAll(async () => {});

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

function local(resource: string): LocalTaskResource {
  const r = taskResourceFor(resource);
  if (!r || r.mode !== "local") throw new Error(`no local resource for ${resource}`);
  return r;
}

/** Runs start() in a transaction; `rollback` aborts it afterwards (the executor's transaction failing). */
async function start(req: TaskRequest, opts: { rollback?: boolean } = {}): Promise<TaskOutcome> {
  let out: TaskOutcome | undefined;
  try {
    await withTransaction(async (tx) => {
      out = await local(req.resource).start(tx, req);
      if (opts.rollback) throw new Error("rollback");
    });
  } catch (e) {
    if ((e as Error).message !== "rollback") throw e;
  }
  return out!;
}

async function newQueue(fifo = false) {
  const name = uniqueName("wfq") + (fifo ? ".fifo" : "");
  const { queue } = await createQueue(t.actor, t.tenant.id, { name });
  return { queue, url: queueUrl(BASE, t.tenant.accountId, name) };
}

async function drain(queue: Awaited<ReturnType<typeof newQueue>>["queue"]) {
  return receiveMessages(t.actor, t.tenant.id, queue, { maxMessages: 10, waitTimeSeconds: 0 });
}

describe("registry", () => {
  it("serves each integration with its patterns, and nothing for an unknown resource", () => {
    expect(taskResourceFor("arn:aws:states:::sqs:sendMessage")?.resourceType).toBe("sqs");
    expect(taskResourceFor("arn:aws:states:::sqs:sendMessage.waitForTaskToken")?.resourceType).toBe("sqs");
    expect(taskResourceFor("arn:aws:states:::sns:publish")?.resourceType).toBe("sns");
    expect(taskResourceFor("arn:aws:states:::events:putEvents.waitForTaskToken")?.resourceType).toBe("events");
    expect(taskResourceFor("arn:aws:states:::lambda:invoke")?.mode).toBe("remote");
    expect(taskResourceFor("arn:aws:lambda:us-east-1:123456789012:function:hello")?.resourceType).toBe("lambda");
    expect(taskResourceFor("arn:aws:states:::http:invoke")?.resourceType).toBe("http");
    expect(taskResourceFor("arn:aws:states:us-east-1:123456789012:activity:work")?.resourceType).toBe("activity");
    expect(taskResourceFor("arn:aws:states:::sqs:sendMessage.sync")?.patterns).not.toContain("sync");
    expect(taskResourceFor("arn:aws:states:::dynamodb:putItem")).toBeNull();
    expect(taskResourceFor("arn:aws:states:::sqs:receiveMessage")).toBeNull();
  });
});

describe("sqs:sendMessage", () => {
  it("sends in the transaction and answers SendMessage's result with the SDK metadata", async () => {
    const { queue, url } = await newQueue();
    const out = await start(
      taskRequest(t.tenant, exec, "arn:aws:states:::sqs:sendMessage", {
        QueueUrl: url,
        MessageBody: { order: 7, items: ["a"] },
        MessageAttributes: { kind: { DataType: "String", StringValue: "order" } },
      }),
    );
    expect(out.kind).toBe("succeeded");
    const output = (out as { output: Record<string, unknown> }).output;
    const body = JSON.stringify({ order: 7, items: ["a"] });
    expect(Object.keys(output)).toEqual([
      "MD5OfMessageAttributes",
      "MD5OfMessageBody",
      "MessageId",
      "SdkHttpMetadata",
      "SdkResponseMetadata",
    ]);
    expect(output.MD5OfMessageBody).toBe(md5(body));
    const meta = output.SdkHttpMetadata as { HttpStatusCode: number; HttpHeaders: Record<string, string> };
    expect(meta.HttpStatusCode).toBe(200);
    expect(meta.HttpHeaders["Content-Type"]).toBe("application/x-amz-json-1.0");
    expect((output.SdkResponseMetadata as { RequestId: string }).RequestId).toBe(meta.HttpHeaders["x-amzn-RequestId"]);
    const got = await drain(queue);
    expect(got.map((m) => [m.messageId, m.body])).toEqual([[output.MessageId, body]]);
    expect(got[0]!.attributes?.kind?.StringValue).toBe("order");
  });

  it("sends nothing when the executor's transaction rolls back (exactly once with it)", async () => {
    const { queue, url } = await newQueue();
    const out = await start(
      taskRequest(t.tenant, exec, "arn:aws:states:::sqs:sendMessage", { QueueUrl: url, MessageBody: "x" }),
      { rollback: true },
    );
    expect(out.kind).toBe("succeeded");
    expect(await drain(queue)).toEqual([]);
  });

  it("waitForTaskToken: sends the token in the body and stays pending", async () => {
    const { queue, url } = await newQueue();
    const out = await start(
      taskRequest(
        t.tenant,
        exec,
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        { QueueUrl: url, MessageBody: { token: "tok-1" } },
        { taskToken: "tok-1" },
      ),
    );
    // The send's response is kept for the TaskSubmitted event.
    expect(out).toMatchObject({ kind: "pending", submitted: { MessageId: expect.any(String) } });
    expect((await drain(queue)).map((m) => JSON.parse(m.body))).toEqual([{ token: "tok-1" }]);
  });

  it("FIFO: group and deduplication ids, SequenceNumber in the result", async () => {
    const { queue, url } = await newQueue(true);
    const req = taskRequest(t.tenant, exec, "arn:aws:states:::sqs:sendMessage", {
      QueueUrl: url,
      MessageBody: "first",
      MessageGroupId: "g",
      MessageDeduplicationId: "d1",
    });
    const a = (await start(req)) as { kind: "succeeded"; output: Record<string, unknown> };
    const b = (await start({ ...req, idempotencyKey: "again" })) as {
      kind: "succeeded";
      output: Record<string, unknown>;
    };
    expect(a.output.SequenceNumber).toMatch(/^\d+$/);
    expect(b.output.MessageId).toBe(a.output.MessageId);
    expect(await drain(queue)).toHaveLength(1);
  });

  it("a queue that does not exist fails the task as Step Functions names it, and sends nothing", async () => {
    const out = await start(
      taskRequest(t.tenant, exec, "arn:aws:states:::sqs:sendMessage", {
        QueueUrl: queueUrl(BASE, t.tenant.accountId, "nope-" + uniqueName("q")),
        MessageBody: "x",
      }),
    );
    expect(out.kind).toBe("failed");
    const f = out as { error: string; cause: string };
    expect(f.error).toBe("SQS.QueueDoesNotExistException");
    expect(f.cause).toMatch(
      /^The specified queue does not exist\. \(Service: AmazonSQS; Status Code: 400; Error Code: AWS\.SimpleQueueService\.NonExistentQueue; Request ID: [0-9a-f-]{36}; Proxy: null\)$/,
    );
  });

  it("a FIFO queue without a group id: SQS's refusal as SQS.AmazonSQSException", async () => {
    const { queue, url } = await newQueue(true);
    const out = await start(
      taskRequest(t.tenant, exec, "arn:aws:states:::sqs:sendMessage", { QueueUrl: url, MessageBody: "x" }),
    );
    expect(out.kind).toBe("failed");
    expect((out as { error: string }).error).toBe("SQS.AmazonSQSException");
    expect((out as { cause: string }).cause).toContain("Error Code: MissingParameter");
    expect(await drain(queue)).toEqual([]);
  });

  it("missing QueueUrl is a run-time error", async () => {
    const out = await start(taskRequest(t.tenant, exec, "arn:aws:states:::sqs:sendMessage", { MessageBody: "x" }));
    expect(out).toMatchObject({ kind: "failed", error: "States.Runtime" });
  });
});

describe("sns:publish", () => {
  it("publishes in the transaction (queue subscribers get it) and answers MessageId with the SDK metadata", async () => {
    const { queue } = await newQueue();
    const topic = await createTopic(t.actor, t.tenant, { name: uniqueName("wft") });
    await subscribe(
      t.actor,
      t.tenant,
      { topicArn: topic.arn, protocol: "sqs", endpoint: queue.arn },
      { baseUrl: BASE },
    );
    const out = await start(
      taskRequest(t.tenant, exec, "arn:aws:states:::sns:publish", {
        TopicArn: topic.arn,
        Message: { hello: "world" },
        Subject: "greeting",
      }),
    );
    expect(out.kind).toBe("succeeded");
    const output = (out as { output: Record<string, unknown> }).output;
    expect(Object.keys(output)).toEqual(["MessageId", "SdkHttpMetadata", "SdkResponseMetadata"]);
    expect((output.SdkHttpMetadata as { HttpHeaders: Record<string, string> }).HttpHeaders["Content-Type"]).toBe(
      "text/xml",
    );
    const got = await drain(queue);
    expect(got).toHaveLength(1);
    const envelope = JSON.parse(got[0]!.body) as { MessageId: string; Message: string; Subject: string };
    expect(envelope.MessageId).toBe(output.MessageId);
    expect(JSON.parse(envelope.Message)).toEqual({ hello: "world" });
    expect(envelope.Subject).toBe("greeting");
  });

  it("rolled back with the executor's transaction: no message", async () => {
    const { queue } = await newQueue();
    const topic = await createTopic(t.actor, t.tenant, { name: uniqueName("wft") });
    await subscribe(
      t.actor,
      t.tenant,
      { topicArn: topic.arn, protocol: "sqs", endpoint: queue.arn },
      { baseUrl: BASE },
    );
    await start(taskRequest(t.tenant, exec, "arn:aws:states:::sns:publish", { TopicArn: topic.arn, Message: "m" }), {
      rollback: true,
    });
    expect(await drain(queue)).toEqual([]);
  });

  it("an unknown topic fails as SNS.NotFoundException", async () => {
    const out = await start(
      taskRequest(t.tenant, exec, "arn:aws:states:::sns:publish.waitForTaskToken", {
        TopicArn: `arn:aws:sns:us-east-1:${t.tenant.accountId}:missing-${uniqueName("t")}`,
        Message: "m",
      }),
    );
    expect(out).toMatchObject({ kind: "failed", error: "SNS.NotFoundException" });
    expect((out as { cause: string }).cause).toMatch(
      /^Topic does not exist \(Service: AmazonSNS; Status Code: 404; Error Code: NotFound; Request ID: .+; Proxy: null\)$/,
    );
  });

  it("a FIFO topic without a group id fails as SNS.InvalidParameterException", async () => {
    const topic = await createTopic(t.actor, t.tenant, { name: uniqueName("wft") + ".fifo", fifoTopic: true });
    const out = await start(
      taskRequest(t.tenant, exec, "arn:aws:states:::sns:publish", { TopicArn: topic.arn, Message: "m" }),
    );
    expect(out).toMatchObject({ kind: "failed", error: "SNS.InvalidParameterException" });
  });
});

describe("events:putEvents", () => {
  async function storedEvents(ids: string[]) {
    const r = await pool().query(`SELECT id, envelope FROM events WHERE tenant_id = $1 AND id = ANY($2::text[])`, [
      t.tenant.id,
      ids,
    ]);
    return r.rows.map((x: { envelope: string }) => JSON.parse(x.envelope) as Record<string, unknown>);
  }

  it("accepts the entries in the transaction with the state machine's and execution's ARNs as resources", async () => {
    const out = await start(
      taskRequest(t.tenant, exec, "arn:aws:states:::events:putEvents", {
        Entries: [
          { Source: "my.app", DetailType: "OrderPlaced", Detail: { id: 1 }, Resources: ["arn:aws:s3:::bucket"] },
          { Source: "my.app", DetailType: "OrderShipped", Detail: '{"id":2}', EventBusName: "default" },
        ],
      }),
    );
    expect(out.kind).toBe("succeeded");
    const output = (out as { output: { Entries: Array<{ EventId: string }>; FailedEntryCount: number } }).output;
    expect(Object.keys(output)).toEqual(["Entries", "FailedEntryCount"]);
    expect(output.FailedEntryCount).toBe(0);
    const events = await storedEvents(output.Entries.map((e) => e.EventId));
    expect(events).toHaveLength(2);
    const placed = events.find((e) => e["detail-type"] === "OrderPlaced")!;
    expect(placed.detail).toEqual({ id: 1 });
    expect(placed.resources).toEqual(["arn:aws:s3:::bucket", exec.stateMachineArn, exec.executionArn]);
  });

  it("an entry refused (unknown bus) fails the task with EventBridge.FailedEntry", async () => {
    const out = await start(
      taskRequest(t.tenant, exec, "arn:aws:states:::events:putEvents", {
        Entries: [{ Source: "my.app", DetailType: "X", Detail: {}, EventBusName: "no-such-bus" }],
      }),
    );
    expect(out).toMatchObject({ kind: "failed", error: "EventBridge.FailedEntry" });
    const cause = JSON.parse((out as { cause: string }).cause) as { FailedEntryCount: number; Entries: unknown[] };
    expect(cause.FailedEntryCount).toBe(1);
    expect(cause.Entries[0]).toMatchObject({ ErrorCode: expect.any(String) });
  });

  it("rolled back with the executor's transaction: no event", async () => {
    const out = await start(
      taskRequest(t.tenant, exec, "arn:aws:states:::events:putEvents", {
        Entries: [{ Source: "my.app", DetailType: "Gone", Detail: {} }],
      }),
      { rollback: true },
    );
    const ids = (out as { output: { Entries: Array<{ EventId: string }> } }).output.Entries.map((e) => e.EventId);
    expect(await storedEvents(ids)).toEqual([]);
  });
});

import {
  EventBridgeClient,
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  ListEventBusesCommand,
  ListRuleNamesByTargetCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutPermissionCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemovePermissionCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
  TestEventPatternCommand,
  UntagResourceCommand,
  UpdateEventBusCommand,
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
import { pool } from "../../server/db";

// EventBridge through @aws-sdk/client-eventbridge against a started Signalbox: buses, policies,
// rules, targets, PutEvents reaching an SQS queue with AWS's envelope, per-entry errors,
// cross-account PutEvents allowed and refused by the bus policy, and AWS's error codes.

let web: TestProcess & { url: string };
let worker: TestProcess;
let a: TestTenant;
let b: TestTenant;
let eb: EventBridgeClient;
let ebB: EventBridgeClient;
let sqs: SQSClient;

function clients(t: TestTenant) {
  const credentials = { accessKeyId: t.key.id, secretAccessKey: t.key.secret };
  const endpoint = `${web.url}/api/aws`;
  return {
    eb: new EventBridgeClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 }),
    sqs: new SQSClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 }),
  };
}

beforeAll(async () => {
  await ensureQueues(CONTRACTS);
  [a, b] = await Promise.all([createTestTenant(), createTestTenant()]);
  [web, worker] = await Promise.all([startWeb(), startWorker()]);
  ({ eb, sqs } = clients(a));
  ebB = clients(b).eb;
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

async function drain(url: string, expected: number): Promise<Message[]> {
  const got: Message[] = [];
  await until(async () => {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    got.push(...(r.Messages ?? []));
    return got.length >= expected;
  }, 20_000);
  return got;
}

async function errorOf(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { name: string; message: string };
  }
  throw new Error("expected the call to fail");
}

describe("event buses", () => {
  it("creates, describes, lists, updates and deletes a bus; default exists and cannot be deleted", async () => {
    const name = uniqueName("bus");
    const created = await eb.send(new CreateEventBusCommand({ Name: name, Description: "orders" }));
    expect(created.EventBusArn).toBe(`arn:aws:events:us-east-1:${a.tenant.accountId}:event-bus/${name}`);
    const d = await eb.send(new DescribeEventBusCommand({ Name: name }));
    expect(d).toMatchObject({ Name: name, Arn: created.EventBusArn, Description: "orders" });
    expect(d.CreationTime).toBeInstanceOf(Date);
    await eb.send(new UpdateEventBusCommand({ Name: name, Description: "orders v2" }));
    expect((await eb.send(new DescribeEventBusCommand({ Name: created.EventBusArn }))).Description).toBe("orders v2");

    const list = await eb.send(new ListEventBusesCommand({}));
    expect(list.EventBuses!.map((x) => x.Name)).toEqual(expect.arrayContaining(["default", name]));
    const prefixed = await eb.send(new ListEventBusesCommand({ NamePrefix: name }));
    expect(prefixed.EventBuses!.map((x) => x.Name)).toEqual([name]);
    expect(prefixed.NextToken).toBeUndefined();

    await eb.send(new CreateEventBusCommand({ Name: `${name}-2` }));
    const page1 = await eb.send(new ListEventBusesCommand({ NamePrefix: name, Limit: 1 }));
    expect(page1.EventBuses!.map((x) => x.Name)).toEqual([name]);
    const page2 = await eb.send(new ListEventBusesCommand({ NamePrefix: name, Limit: 1, NextToken: page1.NextToken }));
    expect(page2.EventBuses!.map((x) => x.Name)).toEqual([`${name}-2`]);
    expect(page2.NextToken).toBeUndefined();

    const dup = await errorOf(eb.send(new CreateEventBusCommand({ Name: name })));
    expect(dup.name).toBe("ResourceAlreadyExistsException");
    expect(dup.message).toBe(`Event bus ${name} already exists.`);
    const slash = await errorOf(eb.send(new CreateEventBusCommand({ Name: "a/b" })));
    expect(slash.name).toBe("ValidationException");
    const del = await errorOf(eb.send(new DeleteEventBusCommand({ Name: "default" })));
    expect(del).toMatchObject({ name: "ValidationException", message: "Cannot delete event bus default." });

    await eb.send(new TagResourceCommand({ ResourceARN: created.EventBusArn, Tags: [{ Key: "team", Value: "shop" }] }));
    const busTags = await eb.send(new ListTagsForResourceCommand({ ResourceARN: created.EventBusArn }));
    expect(busTags.Tags).toEqual([{ Key: "team", Value: "shop" }]);

    await eb.send(new DeleteEventBusCommand({ Name: name }));
    const gone = await errorOf(eb.send(new DescribeEventBusCommand({ Name: name })));
    expect(gone).toMatchObject({ name: "ResourceNotFoundException", message: `Event bus ${name} does not exist.` });
  });
});

describe("rules and targets", () => {
  it("PutRule, DescribeRule, ListRules, Enable/Disable, PutTargets limits, ListRuleNamesByTarget, DeleteRule", async () => {
    const q = await queue(uniqueName("rq"));
    const name = uniqueName("rule");
    const pattern = JSON.stringify({ source: ["my.app"] });
    const { RuleArn } = await eb.send(new PutRuleCommand({ Name: name, EventPattern: pattern, Description: "d" }));
    expect(RuleArn).toBe(`arn:aws:events:us-east-1:${a.tenant.accountId}:rule/${name}`);
    const d = await eb.send(new DescribeRuleCommand({ Name: name }));
    expect(d).toMatchObject({
      Name: name,
      Arn: RuleArn,
      EventPattern: pattern,
      State: "ENABLED",
      EventBusName: "default",
    });

    await eb.send(new DisableRuleCommand({ Name: name }));
    expect((await eb.send(new DescribeRuleCommand({ Name: name }))).State).toBe("DISABLED");
    await eb.send(new EnableRuleCommand({ Name: name }));
    const listed = await eb.send(new ListRulesCommand({ NamePrefix: name }));
    expect(listed.Rules!.map((r) => r.Name)).toEqual([name]);

    const put = await eb.send(
      new PutTargetsCommand({
        Rule: name,
        Targets: [{ Id: "q", Arn: q.arn, RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 120 } }],
      }),
    );
    expect(put.FailedEntryCount).toBe(0);
    const targets = await eb.send(new ListTargetsByRuleCommand({ Rule: name }));
    expect(targets.Targets).toEqual([
      { Id: "q", Arn: q.arn, RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 120 } },
    ]);
    const names = await eb.send(new ListRuleNamesByTargetCommand({ TargetArn: q.arn }));
    expect(names.RuleNames).toEqual([name]);

    const tooMany = await errorOf(
      eb.send(
        new PutTargetsCommand({
          Rule: name,
          Targets: [1, 2, 3, 4, 5].map((i) => ({ Id: `t${i}`, Arn: q.arn })),
        }),
      ),
    );
    expect(tooMany.name).toBe("LimitExceededException");

    const fifo = await queue(`${uniqueName("f")}.fifo`, { FifoQueue: "true" });
    const noGroup = await errorOf(
      eb.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: "f", Arn: fifo.arn }] })),
    );
    expect(noGroup).toMatchObject({
      name: "ValidationException",
      message: "Parameter(s) SqsParameters must be specified for target: f.",
    });

    const blocked = await errorOf(eb.send(new DeleteRuleCommand({ Name: name })));
    expect(blocked).toMatchObject({
      name: "ValidationException",
      message: "Rule can't be deleted since it has targets.",
    });
    await eb.send(new RemoveTargetsCommand({ Rule: name, Ids: ["q"] }));
    await eb.send(new DeleteRuleCommand({ Name: name }));
    const gone = await errorOf(eb.send(new DescribeRuleCommand({ Name: name })));
    expect(gone).toMatchObject({
      name: "ResourceNotFoundException",
      message: `Rule ${name} does not exist on EventBus default.`,
    });
  });

  it("refuses an invalid pattern, a missing pattern and schedule, and a schedule on a custom bus", async () => {
    const bad = await errorOf(eb.send(new PutRuleCommand({ Name: uniqueName("r"), EventPattern: "{not json" })));
    expect(bad.name).toBe("InvalidEventPatternException");
    const none = await errorOf(eb.send(new PutRuleCommand({ Name: uniqueName("r") })));
    expect(none).toMatchObject({
      name: "ValidationException",
      message: "Parameter(s) EventPattern or ScheduleExpression must be specified.",
    });
    const bus = uniqueName("sb");
    await eb.send(new CreateEventBusCommand({ Name: bus }));
    const sched = await errorOf(
      eb.send(new PutRuleCommand({ Name: uniqueName("r"), EventBusName: bus, ScheduleExpression: "rate(5 minutes)" })),
    );
    expect(sched).toMatchObject({
      name: "ValidationException",
      message: "ScheduleExpression is supported only on the default event bus.",
    });
    const badRate = await errorOf(
      eb.send(new PutRuleCommand({ Name: uniqueName("r"), ScheduleExpression: "rate(0 minutes)" })),
    );
    expect(badRate).toMatchObject({
      name: "ValidationException",
      message: "Parameter ScheduleExpression is not valid.",
    });
  });

  it("TestEventPattern and tags", async () => {
    const event = JSON.stringify({
      id: "1",
      account: "123456789012",
      source: "my.app",
      time: "2026-01-01T00:00:00Z",
      region: "us-east-1",
      resources: [],
      "detail-type": "x",
      detail: { n: 5 },
    });
    const yes = await eb.send(
      new TestEventPatternCommand({
        EventPattern: JSON.stringify({ detail: { n: [{ numeric: [">", 1] }] } }),
        Event: event,
      }),
    );
    expect(yes.Result).toBe(true);
    const no = await eb.send(
      new TestEventPatternCommand({ EventPattern: JSON.stringify({ source: ["other"] }), Event: event }),
    );
    expect(no.Result).toBe(false);

    const name = uniqueName("tagged");
    const { RuleArn } = await eb.send(
      new PutRuleCommand({ Name: name, EventPattern: '{"source":["x"]}', Tags: [{ Key: "team", Value: "a" }] }),
    );
    await eb.send(new TagResourceCommand({ ResourceARN: RuleArn, Tags: [{ Key: "env", Value: "prod" }] }));
    await eb.send(new UntagResourceCommand({ ResourceARN: RuleArn, TagKeys: ["team"] }));
    const tags = await eb.send(new ListTagsForResourceCommand({ ResourceARN: RuleArn }));
    expect(tags.Tags).toEqual([{ Key: "env", Value: "prod" }]);
  });
});

describe("PutEvents", () => {
  it("delivers a matching event to an SQS target with AWS's envelope, and reports bad entries one by one", async () => {
    const q = await queue(uniqueName("pe"));
    const source = `com.${uniqueName("shop")}`;
    const name = uniqueName("orders");
    await eb.send(
      new PutRuleCommand({
        Name: name,
        EventPattern: JSON.stringify({ source: [source], detail: { total: [{ numeric: [">", 10] }] } }),
      }),
    );
    await eb.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: "q", Arn: q.arn }] }));

    const time = new Date("2026-03-04T05:06:07Z");
    const r = await eb.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: source,
            DetailType: "OrderPlaced",
            Detail: JSON.stringify({ total: 42 }),
            Resources: ["arn:x"],
            Time: time,
          },
          { Source: source, DetailType: "OrderPlaced", Detail: JSON.stringify({ total: 1 }) },
          { Source: source, DetailType: "OrderPlaced", Detail: "{oops" },
          { Source: source, Detail: "{}" },
        ],
      }),
    );
    expect(r.FailedEntryCount).toBe(2);
    expect(r.Entries![0]!.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.Entries![1]!.EventId).toBeTruthy();
    expect(r.Entries![2]).toEqual({ ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." });
    expect(r.Entries![3]).toEqual({
      ErrorCode: "InvalidArgument",
      ErrorMessage: "Parameter DetailType is not valid. Reason: DetailType is a required argument.",
    });

    const [m] = await drain(q.url, 1);
    expect(Object.keys(JSON.parse(m!.Body!))).toEqual([
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
    expect(JSON.parse(m!.Body!)).toEqual({
      version: "0",
      id: r.Entries![0]!.EventId,
      "detail-type": "OrderPlaced",
      source,
      account: a.tenant.accountId,
      time: "2026-03-04T05:06:07Z",
      region: "us-east-1",
      resources: ["arn:x"],
      detail: { total: 42 },
    });
  });

  it("refuses more than 10 entries and an unknown bus per entry", async () => {
    const many = await errorOf(
      eb.send(
        new PutEventsCommand({
          Entries: Array.from({ length: 11 }, () => ({ Source: "s", DetailType: "d", Detail: "{}" })),
        }),
      ),
    );
    expect(many.name).toBe("ValidationException");
    // 256 KiB per request, counted as AWS counts: Source + DetailType + Detail (+ Resources, 14 for Time).
    const big = JSON.stringify({ pad: "x".repeat(256 * 1024) });
    const tooBig = await errorOf(
      eb.send(new PutEventsCommand({ Entries: [{ Source: "s", DetailType: "d", Detail: big }] })),
    );
    expect(tooBig).toMatchObject({
      name: "ValidationException",
      message: "Total size of the entries in the request is over the limit.",
    });
    const fits = JSON.stringify({ pad: "x".repeat(256 * 1024 - 12) });
    expect(Buffer.byteLength(fits) + 2).toBe(256 * 1024);
    const ok = await eb.send(new PutEventsCommand({ Entries: [{ Source: "s", DetailType: "d", Detail: fits }] }));
    expect(ok.FailedEntryCount).toBe(0);
    const r = await eb.send(
      new PutEventsCommand({ Entries: [{ Source: "s", DetailType: "d", Detail: "{}", EventBusName: "nope" }] }),
    );
    expect(r.FailedEntryCount).toBe(1);
    expect(r.Entries![0]).toEqual({
      ErrorCode: "ResourceNotFoundException",
      ErrorMessage: "Event bus nope does not exist.",
    });
  });

  it("another account may put events on a bus only when its policy allows that account", async () => {
    const bus = uniqueName("shared");
    const { EventBusArn } = await eb.send(new CreateEventBusCommand({ Name: bus }));
    const q = await queue(uniqueName("x"));
    const rule = uniqueName("from-b");
    await eb.send(
      new PutRuleCommand({
        Name: rule,
        EventBusName: bus,
        EventPattern: JSON.stringify({ account: [b.tenant.accountId] }),
      }),
    );
    await eb.send(new PutTargetsCommand({ Rule: rule, EventBusName: bus, Targets: [{ Id: "q", Arn: q.arn }] }));
    const entry = { Source: "partner.app", DetailType: "hello", Detail: '{"x":1}', EventBusName: EventBusArn };

    const denied = await ebB.send(new PutEventsCommand({ Entries: [entry] }));
    expect(denied.FailedEntryCount).toBe(1);
    expect(denied.Entries![0]!.ErrorCode).toBe("AccessDeniedException");

    await eb.send(
      new PutPermissionCommand({
        EventBusName: bus,
        Action: "events:PutEvents",
        Principal: b.tenant.accountId,
        StatementId: "b",
      }),
    );
    expect(JSON.parse((await eb.send(new DescribeEventBusCommand({ Name: bus }))).Policy!).Statement[0]).toMatchObject({
      Sid: "b",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${b.tenant.accountId}:root` },
      Action: "events:PutEvents",
      Resource: EventBusArn,
    });
    const allowed = await ebB.send(new PutEventsCommand({ Entries: [entry] }));
    expect(allowed.FailedEntryCount).toBe(0);
    const [m] = await drain(q.url, 1);
    expect(JSON.parse(m!.Body!)).toMatchObject({ account: b.tenant.accountId, source: "partner.app" });

    await eb.send(new RemovePermissionCommand({ EventBusName: bus, StatementId: "b" }));
    const again = await ebB.send(new PutEventsCommand({ Entries: [entry] }));
    expect(again.Entries![0]!.ErrorCode).toBe("AccessDeniedException");
  });
});

describe("rule changes across processes", () => {
  it("a rule put through one web process matches PutEvents on another at once", async () => {
    const other = await startWeb();
    try {
      const credentials = { accessKeyId: a.key.id, secretAccessKey: a.key.secret };
      const eb2 = new EventBridgeClient({
        endpoint: `${other.url}/api/aws`,
        region: "us-east-1",
        credentials,
        maxAttempts: 1,
      });
      const q = await queue(uniqueName("xp"));
      const source = `xp.${uniqueName("s")}`;
      const entry = { Source: source, DetailType: "t", Detail: "{}" };
      // The second process builds (and caches) the default bus's rule index before the rule exists.
      await eb2.send(new PutEventsCommand({ Entries: [entry] }));
      const rule = uniqueName("xp");
      await eb.send(new PutRuleCommand({ Name: rule, EventPattern: JSON.stringify({ source: [source] }) }));
      await eb.send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: "q", Arn: q.arn }] }));
      // NOTIFY reaches the other process shortly after the commit; PutEvents there must then match.
      await until(async () => {
        await eb2.send(new PutEventsCommand({ Entries: [entry] }));
        const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.url, MaxNumberOfMessages: 1 }));
        return (r.Messages ?? []).length > 0;
      }, 10_000);
      // Disabled through the first process: the second stops matching it (its index was dropped).
      await eb.send(new DisableRuleCommand({ Name: rule }));
      await until(async () => {
        const r = await eb2.send(new PutEventsCommand({ Entries: [entry] }));
        const row = await pool().query(`SELECT matched_rules AS m FROM events WHERE id = $1`, [r.Entries![0]!.EventId]);
        return row.rows[0].m.length === 0;
      }, 10_000);
    } finally {
      await other.stop();
    }
  });
});

describe("REST /api/v1/buses", () => {
  it("puts events with a Bearer key and reads them back with their trace", async () => {
    const auth = { authorization: `Bearer ${a.key.id}.${a.key.secret}`, "content-type": "application/json" };
    const q = await queue(uniqueName("rest"));
    const source = `rest.${uniqueName("s")}`;
    const rule = uniqueName("rest");
    await eb.send(new PutRuleCommand({ Name: rule, EventPattern: JSON.stringify({ source: [source] }) }));
    await eb.send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: "q", Arn: q.arn }] }));
    const put = await fetch(`${web.url}/api/v1/buses/default/events`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({
        entries: [
          { source, detailType: "Created", detail: { id: 1 } },
          { source, detailType: "Created", detail: "{broken" },
        ],
      }),
    });
    expect(put.status).toBe(200);
    const body = (await put.json()) as {
      failedEntryCount: number;
      entries: Array<{ eventId?: string; errorCode?: string }>;
    };
    expect(body.failedEntryCount).toBe(1);
    expect(body.entries[1]).toEqual({ errorCode: "MalformedDetail", errorMessage: "Detail is malformed." });
    const id = body.entries[0]!.eventId!;
    // PutEvents accepts; the router delivers and marks the event routed in one transaction: once
    // the message is in the queue, the trace shows it.
    expect(await drain(q.url, 1)).toHaveLength(1);

    const list = await fetch(`${web.url}/api/v1/buses/default/events?source=${encodeURIComponent(source)}`, {
      headers: auth,
    });
    expect(((await list.json()) as { events: Array<{ id: string }> }).events.map((e) => e.id)).toEqual([id]);
    const trace = await fetch(`${web.url}/api/v1/buses/default/events/${id}`, { headers: auth });
    const tr = (await trace.json()) as { rules: Array<{ ruleArn: string; invocations: Array<{ status: string }> }> };
    expect(tr.rules).toEqual([
      {
        ruleArn: expect.stringContaining(`:rule/${rule}`),
        invocations: [expect.objectContaining({ status: "succeeded" })],
      },
    ]);
    const missing = await fetch(`${web.url}/api/v1/buses/nope/events`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe("ResourceNotFoundException");
    const doc = (await (await fetch(`${web.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/buses",
        "/api/v1/buses/{bus}",
        "/api/v1/buses/{bus}/rules",
        "/api/v1/buses/{bus}/events",
        "/api/v1/buses/{bus}/events/{id}",
      ]),
    );
    const buses = await fetch(`${web.url}/api/v1/buses`, { headers: auth });
    expect(((await buses.json()) as { buses: Array<{ name: string }> }).buses.map((b) => b.name)).toContain("default");
  });
});

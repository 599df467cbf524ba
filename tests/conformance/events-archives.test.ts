import {
  CancelReplayCommand,
  CreateArchiveCommand,
  CreateEventBusCommand,
  DeleteArchiveCommand,
  DescribeArchiveCommand,
  DescribeReplayCommand,
  EventBridgeClient,
  ListArchivesCommand,
  ListReplaysCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  StartReplayCommand,
  UpdateArchiveCommand,
} from "@aws-sdk/client-eventbridge";
import {
  CreateDiscovererCommand,
  DescribeDiscovererCommand,
  DescribeSchemaCommand,
  ExportSchemaCommand,
  ListSchemasCommand,
  ListSchemaVersionsCommand,
  SchemasClient,
  StopDiscovererCommand,
} from "@aws-sdk/client-schemas";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";
import { until } from "../helpers/sns-receiver";

// Archives, replays and schema discovery through the real SDK v3 clients against a started web
// process and worker: an archive counting what PutEvents sent, a replay of a window to one rule
// delivering into an SQS queue with replay-name in the body, CancelReplay, AWS's error codes, and a
// discoverer turning bus traffic into a versioned schema (@aws-sdk/client-schemas).

let web: TestProcess & { url: string };
let worker: TestProcess;
let t: TestTenant;
let eb: EventBridgeClient;
let sqs: SQSClient;
let schemas: SchemasClient;

beforeAll(async () => {
  await ensureQueues(CONTRACTS);
  t = await createTestTenant();
  [web, worker] = await Promise.all([startWeb(), startWorker()]);
  const cfg = {
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    maxAttempts: 1,
  };
  eb = new EventBridgeClient(cfg);
  sqs = new SQSClient(cfg);
  schemas = new SchemasClient(cfg);
});
afterAll(async () => {
  await Promise.all([web?.stop(), worker?.stop()]);
});

async function queue(name: string) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
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
  }, 30_000);
  return got;
}

async function errorOf(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
  throw new Error("expected an error");
}

const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 10, minute, 0));

describe("EventBridge archives and replays (SDK v3)", () => {
  it("archives, replays a window to one rule into SQS with replay-name, and cancels", async () => {
    const busName = uniqueName("orders");
    const { EventBusArn } = await eb.send(new CreateEventBusCommand({ Name: busName }));
    const q = await queue(uniqueName("replayed"));
    const src = `shop.${uniqueName("s")}`;
    const { RuleArn } = await eb.send(
      new PutRuleCommand({ Name: "to-queue", EventBusName: busName, EventPattern: JSON.stringify({ source: [src] }) }),
    );
    await eb.send(
      new PutTargetsCommand({ Rule: "to-queue", EventBusName: busName, Targets: [{ Id: "q", Arn: q.arn }] }),
    );

    const archiveName = uniqueName("arch");
    const created = await eb.send(
      new CreateArchiveCommand({ ArchiveName: archiveName, EventSourceArn: EventBusArn, RetentionDays: 30 }),
    );
    expect(created).toMatchObject({
      ArchiveArn: `arn:aws:events:us-east-1:${t.tenant.accountId}:archive/${archiveName}`,
      State: "ENABLED",
    });
    expect(created.CreationTime).toBeInstanceOf(Date);
    expect(
      await errorOf(eb.send(new CreateArchiveCommand({ ArchiveName: archiveName, EventSourceArn: EventBusArn }))),
    ).toEqual({ name: "ResourceAlreadyExistsException", message: `Archive ${archiveName} already exists.` });

    const put = await eb.send(
      new PutEventsCommand({
        Entries: [0, 1, 2, 20].map((m) => ({
          EventBusName: busName,
          Source: src,
          DetailType: "Order Placed",
          Detail: JSON.stringify({ minute: m }),
          Time: at(m),
        })),
      }),
    );
    expect(put.FailedEntryCount).toBe(0);
    await drain(q.url, 4);

    const d = await eb.send(new DescribeArchiveCommand({ ArchiveName: archiveName }));
    expect(d).toMatchObject({
      ArchiveName: archiveName,
      EventSourceArn: EventBusArn,
      State: "ENABLED",
      RetentionDays: 30,
      EventCount: 4,
    });
    expect(d.SizeBytes).toBeGreaterThan(0);
    await eb.send(new UpdateArchiveCommand({ ArchiveName: archiveName, Description: "orders kept a month" }));
    const listed = await eb.send(new ListArchivesCommand({ NamePrefix: archiveName }));
    expect(listed.Archives?.map((a) => [a.ArchiveName, a.EventCount])).toEqual([[archiveName, 4]]);

    const replayName = uniqueName("rp");
    const started = await eb.send(
      new StartReplayCommand({
        ReplayName: replayName,
        EventSourceArn: created.ArchiveArn,
        EventStartTime: at(0),
        EventEndTime: at(10),
        Destination: { Arn: EventBusArn, FilterArns: [RuleArn!] },
      }),
    );
    expect(started).toMatchObject({
      ReplayArn: `arn:aws:events:us-east-1:${t.tenant.accountId}:replay/${replayName}`,
      State: "STARTING",
    });
    const replayed = await drain(q.url, 3);
    // Replayed events are routed in batches, so they may reach the queue in any order (as on AWS).
    const bodies = replayed.map((m) => JSON.parse(m.Body!)).sort((a, b) => a.detail.minute - b.detail.minute);
    expect(bodies.map((b) => [b["replay-name"], b.detail.minute])).toEqual([
      [replayName, 0],
      [replayName, 1],
      [replayName, 2],
    ]);
    const done = await until(async () => {
      const r = await eb.send(new DescribeReplayCommand({ ReplayName: replayName }));
      return r.State === "COMPLETED" ? r : null;
    });
    expect(done).toMatchObject({
      ReplayName: replayName,
      EventSourceArn: created.ArchiveArn,
      Destination: { Arn: EventBusArn, FilterArns: [RuleArn] },
    });
    expect(done.EventLastReplayedTime?.toISOString()).toBe(at(2).toISOString());
    expect(done.ReplayEndTime).toBeInstanceOf(Date);
    expect((await eb.send(new ListReplaysCommand({ NamePrefix: replayName }))).Replays?.map((r) => r.State)).toEqual([
      "COMPLETED",
    ]);
    expect(await errorOf(eb.send(new CancelReplayCommand({ ReplayName: replayName })))).toEqual({
      name: "IllegalStatusException",
      message: `Replay ${replayName} is not in a valid state for this operation.`,
    });
    expect(
      await errorOf(
        eb.send(
          new StartReplayCommand({
            ReplayName: uniqueName("bad"),
            EventSourceArn: created.ArchiveArn,
            EventStartTime: at(5),
            EventEndTime: at(1),
            Destination: { Arn: EventBusArn },
          }),
        ),
      ),
    ).toEqual({
      name: "ValidationException",
      message: "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.",
    });

    await eb.send(new DeleteArchiveCommand({ ArchiveName: archiveName }));
    expect(await errorOf(eb.send(new DescribeArchiveCommand({ ArchiveName: archiveName })))).toEqual({
      name: "ResourceNotFoundException",
      message: `Archive ${archiveName} does not exist.`,
    });
  });

  it("CancelReplay answers CANCELLING and the replay ends CANCELLED or COMPLETED", async () => {
    const busName = uniqueName("c");
    const { EventBusArn } = await eb.send(new CreateEventBusCommand({ Name: busName }));
    const archiveName = uniqueName("arch");
    const { ArchiveArn } = await eb.send(
      new CreateArchiveCommand({ ArchiveName: archiveName, EventSourceArn: EventBusArn }),
    );
    await eb.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: busName, Source: "app.x", DetailType: "T", Detail: "{}", Time: at(1) }],
      }),
    );
    const replayName = uniqueName("rp");
    await eb.send(
      new StartReplayCommand({
        ReplayName: replayName,
        EventSourceArn: ArchiveArn,
        EventStartTime: at(0),
        EventEndTime: at(10),
        Destination: { Arn: EventBusArn },
      }),
    );
    // The worker may finish first (then AWS's IllegalStatusException); either answer is AWS's.
    const cancel = await eb.send(new CancelReplayCommand({ ReplayName: replayName })).catch((e: Error) => e);
    const final = await until(async () => {
      const r = await eb.send(new DescribeReplayCommand({ ReplayName: replayName }));
      return r.State === "CANCELLED" || r.State === "COMPLETED" ? r.State : null;
    });
    if (cancel instanceof Error) {
      expect(cancel.name).toBe("IllegalStatusException");
      expect(final).toBe("COMPLETED");
    } else {
      expect(cancel.State).toBe("CANCELLING");
      expect(final).toBe("CANCELLED");
    }
  });
});

describe("Schema discovery (SDK v3)", () => {
  it("a discoverer on a bus turns traffic into a schema, versioned when the shape changes", async () => {
    const busName = uniqueName("disc");
    const { EventBusArn } = await eb.send(new CreateEventBusCommand({ Name: busName }));
    const d = await schemas.send(new CreateDiscovererCommand({ SourceArn: EventBusArn, Description: "orders" }));
    expect(d).toMatchObject({
      DiscovererId: `events-event-bus-${busName}`,
      State: "STARTED",
      CrossAccount: true,
      SourceArn: EventBusArn,
    });
    expect(d.$metadata.httpStatusCode).toBe(201);
    const src = `shop.${uniqueName("s")}`;
    const schemaName = `${src}@OrderPlaced`;
    const send = (detail: unknown) =>
      eb.send(
        new PutEventsCommand({
          Entries: [{ EventBusName: busName, Source: src, DetailType: "Order Placed", Detail: JSON.stringify(detail) }],
        }),
      );
    await send({ id: "a", total: 3 });
    const first = await until(async () => {
      const l = await schemas.send(
        new ListSchemasCommand({ RegistryName: "discovered-schemas", SchemaNamePrefix: src }),
      );
      return l.Schemas?.length ? l.Schemas : null;
    });
    expect(first.map((s) => [s.SchemaName, s.VersionCount])).toEqual([[schemaName, 1]]);

    await send({ id: "b", total: 4, coupon: "X" });
    await until(async () => {
      const v = await schemas.send(
        new ListSchemaVersionsCommand({ RegistryName: "discovered-schemas", SchemaName: schemaName }),
      );
      return (v.SchemaVersions?.length ?? 0) >= 2;
    });
    const latest = await schemas.send(
      new DescribeSchemaCommand({ RegistryName: "discovered-schemas", SchemaName: schemaName }),
    );
    expect(latest).toMatchObject({ SchemaVersion: "2", Type: "OpenApi3" });
    expect(JSON.parse(latest.Content!).components.schemas.OrderPlaced.properties.coupon).toEqual({ type: "string" });
    const exported = await schemas.send(
      new ExportSchemaCommand({ RegistryName: "discovered-schemas", SchemaName: schemaName, Type: "JSONSchemaDraft4" }),
    );
    expect(JSON.parse(exported.Content!)).toMatchObject({
      "x-amazon-events-source": src,
      "x-amazon-events-detail-type": "Order Placed",
    });

    const stopped = await schemas.send(new StopDiscovererCommand({ DiscovererId: d.DiscovererId }));
    expect(stopped).toEqual(expect.objectContaining({ DiscovererId: d.DiscovererId, State: "STOPPED" }));
    expect((await schemas.send(new DescribeDiscovererCommand({ DiscovererId: d.DiscovererId }))).State).toBe("STOPPED");
  });
});

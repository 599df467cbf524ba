import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../db";
import { StatesError } from "../../core/states/types";
import { createTestTenant, uniqueName, type TestTenant } from "../../../tests/helpers/fixtures";
import { createQueue, urlOf } from "../queues/queue.service";
import { sendMessages } from "../queues/send";
import { insertStateMachine, waitForExecution } from "../../../tests/helpers/workflows";
import { startExecutionRunner, type Runner } from "./executor/runner";
import { startExecution } from "./start";
import { batchMapItems, readMapItems, QUEUE_ITEM_READER, type ItemReaderSpec } from "./map-items";

// Distributed Map items: from the input, from a Signalbox queue (against real PostgreSQL), and
// batched as AWS's ItemBatcher shapes them.

const callerOf = (t: TestTenant) => ({ tenant: { id: t.tenant.id, accountId: t.tenant.accountId }, actor: t.actor });

async function queueWith(t: TestTenant, bodies: string[]) {
  const { queue } = await createQueue(t.actor, t.tenant.id, { name: uniqueName("items") });
  for (let i = 0; i < bodies.length; i += 10)
    await sendMessages(
      t.actor,
      t.tenant.id,
      queue,
      bodies.slice(i, i + 10).map((body, k) => ({ id: String(k), body })),
      { senderId: t.tenant.accountId, batch: true },
    );
  return { queue, url: urlOf(queue, "http://localhost:3000") };
}

async function failure(p: Promise<unknown>): Promise<StatesError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StatesError);
  return e as StatesError;
}

describe("readMapItems", () => {
  it("without an ItemReader returns the selected input array, and refuses anything else", async () => {
    const t = await createTestTenant();
    expect(await readMapItems(pool(), callerOf(t), null, [1, { a: 2 }])).toEqual([1, { a: 2 }]);
    const e = await failure(readMapItems(pool(), callerOf(t), undefined, { a: 1 }));
    expect(e.error).toBe("States.Runtime");
  });

  it("reads a queue's messages as SQS shapes them, up to ReaderConfig.MaxItems, hiding them while the run works", async () => {
    const t = await createTestTenant();
    const bodies = Array.from({ length: 25 }, (_, i) => JSON.stringify({ n: i }));
    const { queue, url } = await queueWith(t, bodies);
    const first = await readMapItems(
      pool(),
      callerOf(t),
      { Resource: QUEUE_ITEM_READER, ReaderConfig: { MaxItems: 12 }, Parameters: { "QueueUrl.$": "$.queue" } },
      { queue: url },
    );
    expect(first).toHaveLength(12);
    const item = first[0] as Record<string, unknown>;
    expect(Object.keys(item)).toEqual(["MessageId", "ReceiptHandle", "MD5OfBody", "Body", "Attributes"]);
    expect((item.Attributes as Record<string, string>).ApproximateReceiveCount).toBe("1");
    // The rest: everything still visible (13), each message exactly once across both reads.
    const rest = await readMapItems(
      pool(),
      callerOf(t),
      { Resource: QUEUE_ITEM_READER, Parameters: { QueueUrl: url, VisibilityTimeout: 600 } },
      {},
    );
    expect(rest).toHaveLength(13);
    const seen = [...first, ...rest].map((m) => (JSON.parse((m as { Body: string }).Body) as { n: number }).n);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    const invisible = await pool().query(
      `SELECT count(*)::int AS n FROM queue_messages WHERE queue_id = $1 AND visible_at > now()`,
      [queue.id],
    );
    expect(invisible.rows[0].n).toBe(25);
  });

  it("fails with States.ItemReaderFailed for a missing queue, a foreign queue, S3 and unknown readers", async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const { url: foreignUrl } = await queueWith(other, ["x"]);
    const cases: ItemReaderSpec[] = [
      { Resource: QUEUE_ITEM_READER, Parameters: { QueueUrl: `http://localhost/${t.tenant.accountId}/nope` } },
      { Resource: QUEUE_ITEM_READER, Parameters: { QueueUrl: foreignUrl } },
      { Resource: QUEUE_ITEM_READER, Parameters: {} },
      { Resource: "arn:aws:states:::s3:getObject", Parameters: { Bucket: "b", Key: "k" } },
      { Resource: "arn:aws:states:::dynamodb:scan" },
    ];
    for (const reader of cases) {
      const e = await failure(readMapItems(pool(), callerOf(t), reader, {}));
      expect(e.error).toBe("States.ItemReaderFailed");
    }
    expect((await failure(readMapItems(pool(), callerOf(t), cases[3]!, {}))).cause).toMatch(/no S3/);
    // The foreign queue was not touched.
    const r = await pool().query(
      `SELECT count(*)::int AS n FROM queue_messages m JOIN queues q ON q.id = m.queue_id
        WHERE q.tenant_id = $1 AND m.receive_count = 0`,
      [other.tenant.id],
    );
    expect(r.rows[0].n).toBe(1);
    const bad = await failure(
      readMapItems(pool(), callerOf(t), { Resource: QUEUE_ITEM_READER, ReaderConfig: { MaxItems: 0 } }, {}),
    );
    expect(bad.error).toBe("States.Runtime");
  });
});

describe("batchMapItems", () => {
  it("cuts batches at MaxItemsPerBatch and puts BatchInput first, as AWS shapes child inputs", () => {
    const items = [1, 2, 3, 4, 5];
    expect(batchMapItems(items, { MaxItemsPerBatch: 2, BatchInput: { run: "r1" } })).toEqual([
      { BatchInput: { run: "r1" }, Items: [1, 2] },
      { BatchInput: { run: "r1" }, Items: [3, 4] },
      { BatchInput: { run: "r1" }, Items: [5] },
    ]);
    expect(Object.keys(batchMapItems(items, { MaxItemsPerBatch: 10, BatchInput: {} })[0]!)).toEqual([
      "BatchInput",
      "Items",
    ]);
    expect(batchMapItems(items, { MaxItemsPerBatch: 10 })).toEqual([{ Items: items }]);
    expect(batchMapItems([], { MaxItemsPerBatch: 10 })).toEqual([]);
  });

  it("keeps every batch within MaxInputBytesPerBatch, BatchInput included", () => {
    const items = Array.from({ length: 40 }, (_, i) => ({ id: i, pad: "x".repeat(40) }));
    const limit = 300;
    const batches = batchMapItems(items, { MaxInputBytesPerBatch: limit, BatchInput: { k: "v" } });
    for (const b of batches) expect(Buffer.byteLength(JSON.stringify(b))).toBeLessThanOrEqual(limit);
    expect(batches.flatMap((b) => b.Items as unknown[])).toEqual(items);
    // Greedy: adding the next batch's first item would have crossed the limit.
    for (let i = 0; i + 1 < batches.length; i++) {
      const grown = {
        ...batches[i]!,
        Items: [...(batches[i]!.Items as unknown[]), (batches[i + 1]!.Items as unknown[])[0]],
      };
      expect(Buffer.byteLength(JSON.stringify(grown))).toBeGreaterThan(limit);
    }
  });

  it("refuses a batcher without limits, bad values and an item larger than a batch", () => {
    expect(() => batchMapItems([1], {})).toThrow(StatesError);
    expect(() => batchMapItems([1], { MaxItemsPerBatch: -1 })).toThrow(/positive integer/);
    expect(() => batchMapItems([{ big: "x".repeat(500) }], { MaxInputBytesPerBatch: 100 })).toThrow(/does not fit/);
  });
});

describe("a DISTRIBUTED Map reading a queue, end to end", () => {
  let runner: Runner;
  beforeAll(async () => {
    runner = await startExecutionRunner();
  });
  afterAll(async () => {
    await runner?.stop();
  });

  it("runs one child execution per message and the processor sees SQS's message shape", async () => {
    const t = await createTestTenant();
    const { url } = await queueWith(
      t,
      [1, 2, 3].map((n) => JSON.stringify({ n })),
    );
    const sm = await insertStateMachine(t.tenant, {
      StartAt: "Each",
      States: {
        Each: {
          Type: "Map",
          ItemReader: { Resource: QUEUE_ITEM_READER, Parameters: { "QueueUrl.$": "$.queue" } },
          ItemProcessor: {
            ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
            StartAt: "Parse",
            States: {
              Parse: {
                Type: "Pass",
                Parameters: { "msg.$": "States.StringToJson($.Body)", "id.$": "$.MessageId" },
                End: true,
              },
            },
          },
          End: true,
        },
      },
    });
    const { executionArn } = await startExecution(
      { tenant: t.tenant },
      { stateMachineArn: sm, input: JSON.stringify({ queue: url }) },
    );
    const d = await waitForExecution(t.tenant, executionArn);
    expect(`${d.status} ${d.error} ${d.cause}`).toBe("SUCCEEDED undefined undefined"); // the failure in the message if not
    const out = JSON.parse(d.output!) as Array<{ msg: { n: number }; id: string }>;
    expect(out.map((o) => o.msg.n).sort()).toEqual([1, 2, 3]);
    expect(out.every((o) => /^[0-9a-f-]{36}$/.test(o.id))).toBe(true);
  });
  it("applies ItemSelector to the reader's items, then ItemBatcher, before the children start", async () => {
    const t = await createTestTenant();
    const { url } = await queueWith(
      t,
      [1, 2, 3, 4, 5].map((n) => JSON.stringify({ n })),
    );
    const sm = await insertStateMachine(t.tenant, {
      StartAt: "Each",
      States: {
        Each: {
          Type: "Map",
          ItemReader: { Resource: QUEUE_ITEM_READER, Parameters: { "QueueUrl.$": "$.queue" } },
          ItemSelector: { "body.$": "States.StringToJson($$.Map.Item.Value.Body)", "tag.$": "$.tag" },
          ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { "tag.$": "$.tag" } },
          ItemProcessor: {
            ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
            StartAt: "Echo",
            States: { Echo: { Type: "Pass", End: true } },
          },
          End: true,
        },
      },
    });
    const { executionArn } = await startExecution(
      { tenant: t.tenant },
      { stateMachineArn: sm, input: JSON.stringify({ queue: url, tag: "t1" }) },
    );
    const d = await waitForExecution(t.tenant, executionArn);
    expect(`${d.status} ${d.error} ${d.cause}`).toBe("SUCCEEDED undefined undefined");
    const out = JSON.parse(d.output!) as Array<{
      BatchInput: unknown;
      Items: Array<{ body: { n: number }; tag: string }>;
    }>;
    expect(out.map((b) => b.Items.length)).toEqual([2, 2, 1]);
    expect(out.every((b) => JSON.stringify(b.BatchInput) === '{"tag":"t1"}')).toBe(true);
    const items = out.flatMap((b) => b.Items);
    expect(items.every((x) => x.tag === "t1")).toBe(true);
    expect(items.map((x) => x.body.n).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it("a reader failure goes to the Map's Catch (and fails the execution without one)", async () => {
    const t = await createTestTenant();
    const missing = `http://localhost:3000/api/aws/${t.tenant.accountId}/no-such-queue`;
    const map = (extra: object) => ({
      Type: "Map",
      ItemReader: { Resource: QUEUE_ITEM_READER, Parameters: { QueueUrl: missing } },
      ItemProcessor: {
        ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
        StartAt: "Echo",
        States: { Echo: { Type: "Pass", End: true } },
      },
      ...extra,
    });
    const caught = await insertStateMachine(t.tenant, {
      StartAt: "Each",
      States: {
        Each: map({
          Catch: [{ ErrorEquals: ["States.ItemReaderFailed"], ResultPath: "$.err", Next: "Caught" }],
          End: true,
        }),
        Caught: { Type: "Pass", End: true },
      },
    });
    const a = await startExecution({ tenant: t.tenant }, { stateMachineArn: caught, input: "{}" });
    const da = await waitForExecution(t.tenant, a.executionArn);
    expect(da.status).toBe("SUCCEEDED");
    expect((JSON.parse(da.output!) as { err: { Error: string } }).err.Error).toBe("States.ItemReaderFailed");
    const bare = await insertStateMachine(t.tenant, { StartAt: "Each", States: { Each: map({ End: true }) } });
    const b = await startExecution({ tenant: t.tenant }, { stateMachineArn: bare, input: "{}" });
    const db = await waitForExecution(t.tenant, b.executionArn);
    expect(db.status).toBe("FAILED");
    expect(db.error).toBe("States.ItemReaderFailed");
  });
});

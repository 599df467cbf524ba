import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { pool, withTransaction } from "../../db";
import { createTestTenant, uniqueName, type TestTenant } from "../../../tests/helpers/fixtures";
import { setClock } from "./queue.context";
import {
  addPermission,
  createQueue,
  deleteQueue,
  getQueue,
  getQueueAttributes,
  removePermission,
  tagQueue,
  untagQueue,
} from "./queue.service";
import { sendMessages } from "./send";
import { receiveMessages } from "./receive";
import { changeVisibility, deleteMessages } from "./acknowledge";
import { browseQueue } from "./queue.console";
import { deleteExpiredMessages, pruneQueueSideTables } from "./maintenance.repository";
import { deliverToQueue, findQueueByArn } from "./queue.delivery";
import { runMoveTask } from "./move-tasks";
import { logger } from "../../logger";
import { isAppError } from "../../core/errors";
import type { QueueSettingsPatch } from "../../core/sqs";

// The queue services against the real PostgreSQL, with a fake clock where time matters.

let t: TestTenant;
let base = Date.now();
const at = (s: number) => new Date(base + s * 1000);
function freeze(s: number) {
  setClock(() => at(s));
}

beforeAll(async () => {
  t = await createTestTenant();
});
afterEach(() => setClock(null));

async function queue(settings: QueueSettingsPatch = {}, fifo = false) {
  const name = uniqueName("q") + (fifo ? ".fifo" : "");
  const { queue } = await createQueue(t.actor, t.tenant.id, { name, fifo, settings });
  return queue;
}
const send = (
  q: Awaited<ReturnType<typeof queue>>,
  entries: Parameters<typeof sendMessages>[3],
  batch = entries.length > 1,
) => sendMessages(t.actor, t.tenant.id, q, entries, { senderId: "tester", batch });
const receive = (q: Awaited<ReturnType<typeof queue>>, o: Parameters<typeof receiveMessages>[3] = {}) =>
  receiveMessages(t.actor, t.tenant.id, q, o);
async function codeOf(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return e.awsCode ?? e.code;
    throw e;
  }
  return undefined;
}

describe("tags and permissions", () => {
  it("concurrent changes made from stale copies of the queue do not lose each other", async () => {
    const q = await queue();
    // Both calls hold the same (now stale) row, as two web processes with cached queues would.
    await Promise.all([
      tagQueue(t.actor, t.tenant.id, q, { team: "a" }),
      tagQueue(t.actor, t.tenant.id, q, { env: "prod" }),
      untagQueue(t.actor, t.tenant.id, q, ["none"]),
    ]);
    const stored = await pool().query(`SELECT tags, permissions FROM queues WHERE id = $1`, [q.id]);
    expect(stored.rows[0].tags).toEqual({ team: "a", env: "prod" });
    await Promise.all([
      addPermission(t.actor, t.tenant.id, q, { label: "one", accounts: ["111111111111"], actions: ["SendMessage"] }),
      addPermission(t.actor, t.tenant.id, q, { label: "two", accounts: ["222222222222"], actions: ["SendMessage"] }),
    ]);
    const grants = (await pool().query(`SELECT permissions FROM queues WHERE id = $1`, [q.id])).rows[0]
      .permissions as Array<{ label: string }>;
    expect(grants.map((g) => g.label).sort()).toEqual(["one", "two"]);
    // A label added by the other call is seen even though this copy of the queue predates it.
    expect(
      await codeOf(
        addPermission(t.actor, t.tenant.id, q, { label: "two", accounts: ["333333333333"], actions: ["SendMessage"] }),
      ),
    ).toBe("InvalidParameterValue");
    await removePermission(t.actor, t.tenant.id, q, "one");
    const left = (await pool().query(`SELECT permissions FROM queues WHERE id = $1`, [q.id])).rows[0]
      .permissions as Array<{ label: string }>;
    expect(left.map((g) => g.label)).toEqual(["two"]);
  });
});

describe("deleted queue names", () => {
  it("refuses the name for 60 seconds after the delete (fake clock), then creates a fresh queue", async () => {
    base = Date.now();
    const name = uniqueName("reuse");
    freeze(0);
    const { queue: first } = await createQueue(t.actor, t.tenant.id, { name });
    await deleteQueue(t.actor, t.tenant.id, first);
    freeze(59);
    expect(await codeOf(createQueue(t.actor, t.tenant.id, { name }))).toBe("QueueDeletedRecently");
    await pruneQueueSideTables(pool(), at(59)); // the retention job keeps names still inside the window
    expect(await codeOf(createQueue(t.actor, t.tenant.id, { name }))).toBe("QueueDeletedRecently");
    freeze(61);
    const { queue: second, created } = await createQueue(t.actor, t.tenant.id, { name });
    expect(created).toBe(true);
    expect(second.id).not.toBe(first.id);
    // Deleting again starts a new window; the retention job forgets names past it.
    await deleteQueue(t.actor, t.tenant.id, second);
    freeze(62);
    expect(await codeOf(createQueue(t.actor, t.tenant.id, { name }))).toBe("QueueDeletedRecently");
    await pruneQueueSideTables(pool(), at(122));
    const left = await pool().query(
      `SELECT count(*)::int AS n FROM queue_deleted_names WHERE tenant_id = $1 AND name = $2`,
      [t.tenant.id, name],
    );
    expect(left.rows[0].n).toBe(0);
  });
});

describe("receipt handles", () => {
  it("an old receipt handle cannot delete a message received again", async () => {
    base = Date.now();
    const q = await queue();
    freeze(0);
    await send(q, [{ body: "once" }]);
    const [first] = await receive(q, { visibilityTimeout: 10 });
    freeze(11);
    const [second] = await receive(q, { visibilityTimeout: 10 });
    expect(second.messageId).toBe(first.messageId);
    const r = await deleteMessages(t.actor, t.tenant.id, q, [first.receiptHandle], { batch: false });
    expect(r).toEqual([{ ok: true }]); // AWS: success, but nothing is deleted
    const n = await pool().query(`SELECT count(*)::int AS n FROM queue_messages WHERE queue_id = $1`, [q.id]);
    expect(n.rows[0].n).toBe(1);
    await deleteMessages(t.actor, t.tenant.id, q, [second.receiptHandle], { batch: false });
    const m = await pool().query(`SELECT count(*)::int AS n FROM queue_messages WHERE queue_id = $1`, [q.id]);
    expect(m.rows[0].n).toBe(0);
  });

  it("a handle of another queue is ReceiptHandleIsInvalid", async () => {
    const q1 = await queue();
    const q2 = await queue();
    await send(q1, [{ body: "x" }]);
    const [m] = await receive(q1);
    expect(await codeOf(deleteMessages(t.actor, t.tenant.id, q2, [m.receiptHandle], { batch: false }))).toBe(
      "ReceiptHandleIsInvalid",
    );
  });

  it("visibility cannot be extended past 12 hours after the first receive", async () => {
    base = Date.now();
    const q = await queue();
    freeze(0);
    await send(q, [{ body: "x" }]);
    const [m] = await receive(q, { visibilityTimeout: 43_200 });
    freeze(40_000);
    expect(
      await codeOf(
        changeVisibility(t.actor, t.tenant.id, q, [{ handle: m.receiptHandle, timeout: 3_300 }], { batch: false }),
      ),
    ).toBe("InvalidParameterValue");
    expect(
      await changeVisibility(t.actor, t.tenant.id, q, [{ handle: m.receiptHandle, timeout: 3_000 }], { batch: false }),
    ).toEqual([{ ok: true }]);
  });
});

describe("browse", () => {
  it("shows messages without receiving them: visibility and receive counts unchanged", async () => {
    const q = await queue();
    await send(q, [{ body: "a", attributes: { k: { DataType: "String", StringValue: "v" } } }, { body: "b" }]);
    const before = await pool().query(
      `SELECT id, visible_at, receive_count, receipt_token FROM queue_messages WHERE queue_id = $1 ORDER BY seq`,
      [q.id],
    );
    const page = await browseQueue(t.actor, t.tenant.id, { name: q.name, limit: 1 });
    expect(page.items.map((i) => i.body)).toEqual(["a"]);
    expect(page.items[0].attributes).toEqual([{ name: "k", dataType: "String", value: "v" }]);
    const page2 = await browseQueue(t.actor, t.tenant.id, { name: q.name, limit: 10, cursor: page.nextCursor! });
    expect(page2.items.map((i) => i.body)).toEqual(["b"]);
    const after = await pool().query(
      `SELECT id, visible_at, receive_count, receipt_token FROM queue_messages WHERE queue_id = $1 ORDER BY seq`,
      [q.id],
    );
    expect(after.rows).toEqual(before.rows);
    expect((await receive(q, { maxMessages: 10 })).length).toBe(2);
  });
});

describe("FIFO", () => {
  it("deduplicates for 5 minutes (fake clock), then accepts the same id again", async () => {
    base = Date.now();
    const q = await queue({}, true);
    freeze(0);
    const [a] = await send(q, [{ body: "x", groupId: "g", dedupId: "d" }]);
    freeze(299);
    const [b] = await send(q, [{ body: "x", groupId: "g", dedupId: "d" }]);
    freeze(301);
    const [c] = await send(q, [{ body: "x", groupId: "g", dedupId: "d" }]);
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (!a.ok || !b.ok || !c.ok) return;
    expect(b.messageId).toBe(a.messageId);
    expect(c.messageId).not.toBe(a.messageId);
    const n = await pool().query(`SELECT count(*)::int AS n FROM queue_messages WHERE queue_id = $1`, [q.id]);
    expect(n.rows[0].n).toBe(2);
  });

  it("deduplication scope messageGroup: the same id in two groups is two messages", async () => {
    const q = await queue({ deduplicationScope: "messageGroup", fifoThroughputLimit: "perMessageGroupId" }, true);
    const r = await send(q, [
      { body: "x", groupId: "g1", dedupId: "d" },
      { body: "x", groupId: "g2", dedupId: "d" },
      { body: "x", groupId: "g1", dedupId: "d" },
    ]);
    const ids = r.map((x) => (x.ok ? x.messageId : ""));
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids[2]).toBe(ids[0]);
  });

  it("a group stays locked while any message is in flight and unlocks on delete or visibility expiry", async () => {
    base = Date.now();
    const q = await queue({ contentBasedDedup: true }, true);
    freeze(0);
    await send(q, [
      { body: "a1", groupId: "A" },
      { body: "a2", groupId: "A" },
      { body: "a3", groupId: "A" },
      { body: "b1", groupId: "B" },
    ]);
    const first = await receive(q, { maxMessages: 2, visibilityTimeout: 30 });
    expect(first.map((m) => m.body)).toEqual(["a1", "a2"]);
    const second = await receive(q, { maxMessages: 10, visibilityTimeout: 100 });
    expect(second.map((m) => m.body)).toEqual(["b1"]);
    expect(await receive(q, { maxMessages: 10 })).toEqual([]);
    await deleteMessages(t.actor, t.tenant.id, q, [first[0].receiptHandle], { batch: false });
    expect(await receive(q, { maxMessages: 10 })).toEqual([]); // a2 still in flight
    freeze(31); // a2's visibility ends: the group unlocks and a2 comes first again
    const third = await receive(q, { maxMessages: 10, visibilityTimeout: 30 });
    expect(third.map((m) => m.body)).toEqual(["a2", "a3"]);
  });
});

describe("retention", () => {
  it("expired messages are not received and the retention purge deletes them", async () => {
    base = Date.now();
    const q = await queue({ retentionPeriod: 60 });
    freeze(0);
    await send(q, [{ body: "old" }]);
    freeze(61);
    expect(await receive(q)).toEqual([]);
    let deleted = 0;
    for (let i = 0; i < 20; i++) {
      deleted += await withTransaction((tx) => deleteExpiredMessages(tx, at(61), 5_000));
      const left = await pool().query(`SELECT count(*)::int AS n FROM queue_messages WHERE queue_id = $1`, [q.id]);
      if (left.rows[0].n === 0) break;
    }
    const left = await pool().query(`SELECT count(*)::int AS n FROM queue_messages WHERE queue_id = $1`, [q.id]);
    expect(left.rows[0].n).toBe(0);
    expect(deleted).toBeGreaterThanOrEqual(1);
  });
});

describe("dead-letter queues and move tasks", () => {
  it("moves after maxReceiveCount keeping id, body and attributes; a move task brings it back", async () => {
    const dlq = await queue();
    const src = await queue({ redrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 } });
    const [s] = await send(src, [{ body: "poison", attributes: { k: { DataType: "String", StringValue: "v" } } }]);
    await receive(src, { visibilityTimeout: 0 });
    expect(await receive(src)).toEqual([]);
    const [d] = await receive(dlq, { visibilityTimeout: 0 });
    expect(s.ok && d.messageId === s.messageId).toBe(true);
    expect(d.body).toBe("poison");
    expect(d.attributes?.k).toEqual({ DataType: "String", StringValue: "v" });
    expect(d.system.DeadLetterQueueSourceArn).toBe(src.arn);

    const { startMessageMoveTask } = await import("./move-tasks");
    const { taskHandle } = await startMessageMoveTask(t.actor, t.tenant.id, { sourceArn: dlq.arn });
    await runMoveTask(taskHandle, logger);
    const back = await receive(src);
    expect(back.map((m) => m.body)).toEqual(["poison"]);
    expect(back[0].system.ApproximateReceiveCount).toBe("1");
    const task = await pool().query(`SELECT status, moved::int FROM queue_move_tasks WHERE id = $1`, [taskHandle]);
    expect(task.rows[0]).toEqual({ status: "COMPLETED", moved: 1 });
  });
});

describe("FIFO dead-letter queues", () => {
  it("moves the group's head to the FIFO DLQ after maxReceiveCount, and the rest of the group keeps its order", async () => {
    const dlq = await queue({ contentBasedDedup: true }, true);
    const src = await queue(
      {
        contentBasedDedup: true,
        redrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 },
      },
      true,
    );
    await send(src, [
      { body: "bad", groupId: "g", attributes: { k: { DataType: "String", StringValue: "v" } } },
      { body: "next", groupId: "g" },
    ]);
    const [first] = await receive(src, { maxMessages: 1, visibilityTimeout: 0 });
    expect(first.body).toBe("bad");
    const after = await receive(src, { maxMessages: 10, visibilityTimeout: 30 });
    expect(after.map((m) => m.body)).toEqual(["next"]);
    const dead = await receive(dlq, { maxMessages: 10 });
    expect(dead.map((m) => [m.messageId, m.body, m.system.MessageGroupId, m.system.DeadLetterQueueSourceArn])).toEqual([
      [first.messageId, "bad", "g", src.arn],
    ]);
    expect(dead[0].attributes?.k).toEqual({ DataType: "String", StringValue: "v" });
    const groups = await pool().query(
      `SELECT queue_id, pending FROM queue_fifo_groups WHERE queue_id = ANY($1) ORDER BY queue_id = $2`,
      [[src.id, dlq.id], src.id],
    );
    expect(groups.rows.map((r) => r.pending)).toEqual([1, 1]);
  });
});

describe("batches", () => {
  it("a batch over the total size limit stores nothing", async () => {
    const q = await queue();
    expect(await codeOf(send(q, [{ body: "x".repeat(600_000) }, { body: "y".repeat(600_000) }]))).toBe(
      "BatchRequestTooLong",
    );
    const attrs = await getQueueAttributes(t.actor, t.tenant.id, await getQueue(t.actor, t.tenant.id, q.name), [
      "ApproximateNumberOfMessages",
    ]);
    expect(attrs.ApproximateNumberOfMessages).toBe("0");
  });
});

describe("deliverToQueue", () => {
  it("delivers into the tenant's own queue, refuses another tenant's queue unless a permission allows it", async () => {
    const q = await queue();
    const r = await deliverToQueue({
      queueArn: q.arn,
      sourceTenantId: t.tenant.id,
      senderId: "sns",
      body: "fan-out",
      attributes: { a: { DataType: "String", StringValue: "b" } },
    });
    expect(r.messageId).toBeTruthy();
    expect(await findQueueByArn(q.arn)).toMatchObject({ id: q.id, tenantId: t.tenant.id, fifo: false });
    const other = await createTestTenant();
    expect(
      await codeOf(deliverToQueue({ queueArn: q.arn, sourceTenantId: other.tenant.id, senderId: "sns", body: "x" })),
    ).toBe("AccessDenied");
    await addPermission(t.actor, t.tenant.id, q, {
      label: "other",
      accounts: [other.tenant.accountId],
      actions: ["SendMessage"],
    });
    const ok = await deliverToQueue({ queueArn: q.arn, sourceTenantId: other.tenant.id, senderId: "sns", body: "x" });
    expect(ok.messageId).toBeTruthy();
    expect(
      await codeOf(
        deliverToQueue({
          queueArn: "arn:aws:sqs:us-east-1:123456789012:nope",
          sourceTenantId: t.tenant.id,
          senderId: "sns",
          body: "x",
        }),
      ),
    ).toBe("QueueDoesNotExist");
  });

  it("enqueues inside the caller's transaction (rolled back with it)", async () => {
    const q = await queue();
    const client = await pool().connect();
    try {
      await client.query("BEGIN");
      await deliverToQueue(
        { queueArn: q.arn, sourceTenantId: t.tenant.id, senderId: "sns", body: "rolled back" },
        client,
      );
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    expect(await receive(q)).toEqual([]);
  });
});

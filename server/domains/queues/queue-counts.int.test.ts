import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../db";
import { createTestTenant, uniqueName, type TestTenant } from "../../../tests/helpers/fixtures";
import { insertMessages, type NewMessage } from "./message.repository";
import { sampleDepths } from "./maintenance.repository";
import { LIVE_COUNT_LIMIT, STORED_COUNT_STALE_MS, approximateQueueCounts } from "./queue-counts";
import { listQueuesWithStats } from "./queue.console";
import { createQueue, getQueueAttributes } from "./queue.service";
import { sendMessages } from "./send";

// GetQueueAttributes and the console list read stored counts for queues too large to count on
// each call, and count small queues live (exactly, reading at most LIVE_COUNT_LIMIT rows).

let t: TestTenant;
beforeAll(async () => {
  t = await createTestTenant();
});

async function makeQueue() {
  return (await createQueue(t.actor, t.tenant.id, { name: uniqueName("counts") })).queue;
}
type Q = Awaited<ReturnType<typeof makeQueue>>;

/** n visible messages in one statement (the send path validates each; here only the rows matter). */
async function fill(q: Q, n: number) {
  const now = new Date(Date.now() - 1000);
  const rows: NewMessage[] = Array.from({ length: n }, () => ({
    id: randomUUID(),
    body: "x",
    attributes: null,
    systemAttributes: null,
    md5Body: "9dd4e461268c8034f5c8564e155c67a6",
    md5Attributes: null,
    md5SystemAttributes: null,
    size: 1,
    senderId: "tester",
    sentAt: now,
    visibleAt: now,
    expiresAt: new Date(now.getTime() + 3_600_000),
    groupId: null,
    dedupId: null,
  }));
  await insertMessages(pool(), q.id, q.tenantId, rows);
}

const visibleOf = async (q: Q) =>
  (await getQueueAttributes(t.actor, t.tenant.id, q, ["ApproximateNumberOfMessages"])).ApproximateNumberOfMessages;

describe("approximate queue counts", () => {
  it("counts a small queue live and exactly, without storing anything", async () => {
    const q = await makeQueue();
    await sendMessages(t.actor, t.tenant.id, q, [{ body: "a" }, { body: "b" }, { body: "c", delaySeconds: 60 }], {
      senderId: "tester",
      batch: true,
    });
    const c = (await approximateQueueCounts(t.tenant.id, [q.id], new Date())).get(q.id);
    expect(c).toMatchObject({ visible: 2, inFlight: 0, delayed: 1 });
    const stored = await pool().query(`SELECT 1 FROM queue_counts WHERE queue_id = $1`, [q.id]);
    expect(stored.rowCount).toBe(0);
  });

  it("serves a large queue from its stored count, refreshed by the roll-up, recounted when stale", async () => {
    const q = await makeQueue();
    await fill(q, LIVE_COUNT_LIMIT + 5);
    // No stored count yet: counted once and stored.
    expect(await visibleOf(q)).toBe(String(LIVE_COUNT_LIMIT + 5));
    const first = await pool().query(`SELECT visible::int AS visible FROM queue_counts WHERE queue_id = $1`, [q.id]);
    expect(first.rows[0].visible).toBe(LIVE_COUNT_LIMIT + 5);
    // More messages: the answer is the stored count (approximate), not a new count…
    await fill(q, 7);
    expect(await visibleOf(q)).toBe(String(LIVE_COUNT_LIMIT + 5));
    const list = await listQueuesWithStats(t.actor, t.tenant.id);
    expect(list.find((x) => x.name === q.name)?.visible).toBe(LIVE_COUNT_LIMIT + 5);
    // …until the worker's minute roll-up refreshes it.
    const now = new Date();
    await sampleDepths(pool(), new Date(Math.floor(now.getTime() / 60_000) * 60_000), now);
    expect(await visibleOf(q)).toBe(String(LIVE_COUNT_LIMIT + 12));
    // A stored count past its age (no worker) is recounted on read.
    await fill(q, 3);
    await pool().query(
      `UPDATE queue_counts SET counted_at = counted_at - make_interval(secs => $2) WHERE queue_id = $1`,
      [q.id, STORED_COUNT_STALE_MS / 1000 + 1],
    );
    expect(await visibleOf(q)).toBe(String(LIVE_COUNT_LIMIT + 15));
  });

  it("a queue that shrinks below the live limit is counted exactly again at once", async () => {
    const q = await makeQueue();
    await fill(q, 12);
    expect((await approximateQueueCounts(t.tenant.id, [q.id], new Date(), { liveLimit: 10 })).get(q.id)?.visible).toBe(
      12,
    );
    await pool().query(
      `DELETE FROM queue_messages WHERE id IN (SELECT id FROM queue_messages WHERE queue_id = $1 LIMIT 9)`,
      [q.id],
    );
    // The stored count still says 12; the live count (under the limit) wins.
    expect((await approximateQueueCounts(t.tenant.id, [q.id], new Date(), { liveLimit: 10 })).get(q.id)?.visible).toBe(
      3,
    );
  });
});

import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { pool } from "../../db";
import { createTestTenant } from "../../../tests/helpers/fixtures";
import { createQueue } from "./queue.service";
import { listQueueActivity } from "./queue.activity";
import { createTopic } from "../topics/topic.service";
import { listTopicActivity } from "../topics/topic.activity";

// The lists' sparklines read the per-minute metrics (queues) and the published messages (topics),
// per hour over the last day, and say when each was last active, however long ago.

const now = new Date("2026-12-01T12:30:00Z");
const at = (hoursAgo: number, min = 5) =>
  new Date(Date.parse("2026-12-01T12:00:00Z") - hoursAgo * 3600_000 + min * 60_000);

describe("list activity", () => {
  it("sums queue metrics per hour and finds the last activity", async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const busy = (await createQueue(t.actor, t.tenant.id, { name: `busy-${randomUUID().slice(0, 6)}` })).queue;
    const quiet = (await createQueue(t.actor, t.tenant.id, { name: `quiet-${randomUUID().slice(0, 6)}` })).queue;
    const idle = (await createQueue(t.actor, t.tenant.id, { name: `idle-${randomUUID().slice(0, 6)}` })).queue;
    const ins = (queueId: string, tenantId: string, minute: Date, sent: number, received: number) =>
      pool().query(
        `INSERT INTO queue_metrics (queue_id, tenant_id, minute, sent, received, deleted) VALUES ($1,$2,$3,$4,$5,0)`,
        [queueId, tenantId, minute, sent, received],
      );
    await ins(busy.id, t.tenant.id, at(0, 1), 3, 1);
    await ins(busy.id, t.tenant.id, at(0, 2), 4, 0);
    await ins(busy.id, t.tenant.id, at(5), 10, 10);
    await ins(busy.id, t.tenant.id, at(30), 99, 0); // older than the sparkline
    await ins(quiet.id, t.tenant.id, at(48), 1, 0);
    // Another tenant's metrics never count.
    await ins(busy.id, other.tenant.id, at(0, 3), 1000, 0);

    const rows = await listQueueActivity(t.actor, t.tenant.id, now);
    const by = new Map(rows.map((r) => [r.queueId, r]));
    expect(rows.length).toBe(3);
    const b = by.get(busy.id)!;
    expect(b.sentPerHour.length).toBe(24);
    expect(b.sentPerHour[23]).toBe(7);
    expect(b.receivedPerHour[23]).toBe(1);
    expect(b.sentPerHour[18]).toBe(10);
    expect(b.sent24h).toBe(17);
    expect(new Date(b.lastActivityAt!).toISOString()).toBe(at(0, 2).toISOString());
    expect(by.get(quiet.id)!.sent24h).toBe(0);
    expect(new Date(by.get(quiet.id)!.lastActivityAt!).toISOString()).toBe(at(48).toISOString());
    expect(by.get(idle.id)!.lastActivityAt).toBeNull();
  });

  it("counts topic publishes per hour", async () => {
    const t = await createTestTenant();
    const topic = await createTopic(t.actor, t.tenant, { name: `act-${randomUUID().slice(0, 6)}` });
    const silent = await createTopic(t.actor, t.tenant, { name: `silent-${randomUUID().slice(0, 6)}` });
    for (const d of [at(0, 1), at(0, 9), at(2), at(40)])
      await pool().query(
        `INSERT INTO topic_messages (id, tenant_id, topic_id, body, created_at) VALUES ($1,$2,$3,'x',$4)`,
        [randomUUID(), t.tenant.id, topic.id, d],
      );
    const rows = await listTopicActivity(t.actor, t.tenant.id, now);
    const a = rows.find((r) => r.topicId === topic.id)!;
    expect(a.published24h).toBe(3);
    expect(a.publishedPerHour[23]).toBe(2);
    expect(a.publishedPerHour[21]).toBe(1);
    expect(new Date(a.lastPublishedAt!).toISOString()).toBe(at(0, 9).toISOString());
    expect(rows.find((r) => r.topicId === silent.id)).toMatchObject({ published24h: 0, lastPublishedAt: null });
  });
});

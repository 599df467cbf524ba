import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { pool } from "../../db";
import { createTestTenant } from "../../../tests/helpers/fixtures";
import { createQueue } from "../queues/queue.service";
import { createTopic } from "../topics/topic.service";
import { createApiKey } from "../api-keys/api-key.service";
import { browseAudit } from "./audit.service";

// The audit log names its targets: the label is stored when an entry is recorded, and entries
// recorded before that are named on read from what still exists, inside the tenant only.

describe("audit target labels", () => {
  it("records the queue, topic and key names with the entry", async () => {
    const t = await createTestTenant();
    const queue = `orders-${randomUUID().slice(0, 6)}`;
    const topic = `events-${randomUUID().slice(0, 6)}`;
    await createQueue(t.actor, t.tenant.id, { name: queue });
    await createTopic(t.actor, t.tenant, { name: topic });
    await createApiKey(t.actor, t.tenant.id, { name: "billing worker", role: "developer" });
    const { items } = await browseAudit(t.actor, t.tenant.id, {});
    const labelOf = (action: string) => items.find((i) => i.action === action)?.targetLabel;
    expect(labelOf("queue.create")).toBe(queue);
    expect(labelOf("topic.create")).toBe(topic);
    expect(labelOf("api_key.create")).toBe("billing worker");
    const stored = await pool().query(
      `SELECT target_label FROM audit_log WHERE tenant_id = $1 AND action = 'queue.create'`,
      [t.tenant.id],
    );
    expect(stored.rows[0].target_label).toBe(queue);
  });

  it("names old entries from what exists now, never from another tenant", async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const mine = await createTopic(t.actor, t.tenant, { name: `mine-${randomUUID().slice(0, 6)}` });
    const theirs = await createTopic(other.actor, other.tenant, { name: `theirs-${randomUUID().slice(0, 6)}` });
    const gone = randomUUID();
    const old = (action: string, id: string, summary: object | null = null) =>
      pool().query(
        `INSERT INTO audit_log (tenant_id, actor_type, actor_label, action, target_type, target_id, summary) VALUES ($1,'user','old',$2,'topic',$3,$4)`,
        [t.tenant.id, action, id, summary && JSON.stringify(summary)],
      );
    await old("old.mine", mine.id);
    await old("old.theirs", theirs.id);
    await old("old.gone", gone, { before: { name: "deleted-topic" } });
    await old("old.unknown", randomUUID());
    const { items } = await browseAudit(t.actor, t.tenant.id, { action: "old." });
    const labelOf = (action: string) => items.find((i) => i.action === action)?.targetLabel;
    expect(labelOf("old.mine")).toBe(mine.name);
    expect(labelOf("old.theirs")).toBeNull();
    expect(labelOf("old.gone")).toBe("deleted-topic");
    expect(labelOf("old.unknown")).toBeNull();
  });
});

// listAudit moved from Prisma to SQL with the handle first; these pin the filters it had.
describe("audit browsing filters", () => {
  it("filters by actor text (any case), action prefix, target type, and pages newest first", async () => {
    const t = await createTestTenant();
    const add = (action: string, actor: string, targetType: string | null) =>
      pool().query(
        `INSERT INTO audit_log (tenant_id, actor_type, actor_label, action, target_type) VALUES ($1,'user',$2,$3,$4)`,
        [t.tenant.id, actor, action, targetType],
      );
    await add("f.one", "Alice Example", "queue");
    await add("f.two", "bob", "topic");
    await add("f.three", "ALICE@example.test", "topic");
    await add("g.four", "alice", "queue");

    const byActor = await browseAudit(t.actor, t.tenant.id, { action: "f.", actor: "alice" });
    expect(byActor.items.map((i) => i.action)).toEqual(["f.three", "f.one"]);

    const byType = await browseAudit(t.actor, t.tenant.id, { action: "f.", targetType: "topic" });
    expect(byType.items.map((i) => i.action)).toEqual(["f.three", "f.two"]);

    const first = await browseAudit(t.actor, t.tenant.id, { action: "f.", limit: 2 });
    expect(first.items.map((i) => i.action)).toEqual(["f.three", "f.two"]);
    expect(typeof first.nextCursor).toBe("string");
    const second = await browseAudit(t.actor, t.tenant.id, { action: "f.", limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((i) => i.action)).toEqual(["f.one"]);
    expect(second.nextCursor).toBeNull();

    const later = await browseAudit(t.actor, t.tenant.id, { action: "f.", since: new Date(Date.now() + 3_600_000) });
    expect(later.items).toEqual([]);
  });
});

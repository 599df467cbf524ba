import { beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { createCallerFactory } from "../../trpc/trpc";
import { appRouter } from "../../trpc/root";
import { logger } from "../../logger";
import { createTestTenant, uniqueName, type TestTenant } from "../../../tests/helpers/fixtures";
import { pool } from "../../db";
import { flushMetrics } from "./queue.metrics";

// The console's queue procedures end to end (tRPC caller → services → PostgreSQL).

let t: TestTenant;
let viewer: TestTenant;
const callerFor = (tt: TestTenant) =>
  createCallerFactory(appRouter)({ userId: tt.user.id, requestId: "test", log: logger, origin: null });

beforeAll(async () => {
  t = await createTestTenant();
  viewer = await createTestTenant({ role: "viewer" });
});

describe("queue router", () => {
  it("create → list with live counts → send → browse → receive → change visibility → delete → purge → metrics", async () => {
    const api = callerFor(t);
    const tenant = t.tenant.slug;
    const name = uniqueName("console");
    const created = await api.queue.create({ tenant, name, visibilityTimeout: 60, tags: { team: "x" } });
    expect(created).toMatchObject({ name, created: true, urlPath: `/api/aws/${t.tenant.accountId}/${name}` });
    await api.queue.send({ tenant, name, body: "hello", attributes: [{ name: "k", dataType: "String", value: "v" }] });
    await api.queue.send({ tenant, name, body: "later", delaySeconds: 600 });
    const list = await api.queue.list({ tenant });
    expect(list.find((q) => q.name === name)).toMatchObject({ visible: 1, inFlight: 0, delayed: 1 });
    const page = await api.queue.browse({ tenant, name });
    expect(page.items.map((i) => [i.body, i.state])).toEqual([
      ["hello", "visible"],
      ["later", "delayed"],
    ]);
    const got = await api.queue.receive({ tenant, name, maxMessages: 10 });
    expect(got.map((m) => m.body)).toEqual(["hello"]);
    expect(got[0].attributes).toEqual([{ name: "k", dataType: "String", value: "v" }]);
    await api.queue.changeVisibility({ tenant, name, receiptHandle: got[0].receiptHandle, visibilityTimeout: 0 });
    const again = await api.queue.receive({ tenant, name, maxMessages: 10 });
    await api.queue.deleteMessage({ tenant, name, receiptHandle: again[0].receiptHandle });
    const detail = await api.queue.get({ tenant, name });
    expect(detail.counts).toMatchObject({ visible: 0, inFlight: 0, delayed: 1 });
    expect(detail.settings.visibilityTimeout).toBe(60);
    expect(detail.tags).toEqual({ team: "x" });
    await api.queue.updateAttributes({ tenant, name, delaySeconds: 5 });
    expect((await api.queue.get({ tenant, name })).settings.delaySeconds).toBe(5);
    expect(await api.queue.purge({ tenant, name })).toEqual({ purged: 1 });
    await flushMetrics();
    const m = await api.queue.metrics({ tenant, name, hours: 1 });
    expect(m.points).toHaveLength(60);
    const sum = m.points.reduce(
      (a, p) => ({ sent: a.sent + p.sent, received: a.received + p.received, deleted: a.deleted + p.deleted }),
      { sent: 0, received: 0, deleted: 0 },
    );
    expect(sum).toEqual({ sent: 2, received: 2, deleted: 1 });
    const audit = await pool().query(`SELECT action FROM audit_log WHERE tenant_id = $1 ORDER BY id`, [t.tenant.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(["queue.create", "queue.message.send", "queue.set_attributes", "queue.purge"]),
    );
    await api.queue.delete({ tenant, name });
    await expect(api.queue.get({ tenant, name })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("gives field errors for bad input and refuses writes to viewers", async () => {
    const api = callerFor(t);
    const err = await api.queue
      .create({ tenant: t.tenant.slug, name: "bad name", visibilityTimeout: 50_000 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect(err.code).toBe("BAD_REQUEST");
    const v = callerFor(viewer);
    const denied = await v.queue.create({ tenant: viewer.tenant.slug, name: uniqueName("v") }).catch((e) => e);
    expect(denied.code).toBe("FORBIDDEN");
    expect(await v.queue.list({ tenant: viewer.tenant.slug })).toEqual([]);
  });

  it("DLQ view: sources, redrive with a move task, task list", async () => {
    const api = callerFor(t);
    const tenant = t.tenant.slug;
    const dlq = await api.queue.create({ tenant, name: uniqueName("dlq") });
    const src = await api.queue.create({
      tenant,
      name: uniqueName("src"),
      redrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 },
    });
    expect(await api.queue.deadLetterSources({ tenant, name: dlq.name })).toEqual([{ name: src.name, arn: src.arn }]);
    const { taskHandle } = await api.queue.startMoveTask({ tenant, name: dlq.name, maxNumberOfMessagesPerSecond: 10 });
    const tasks = await api.queue.listMoveTasks({ tenant, name: dlq.name });
    expect(tasks[0]).toMatchObject({ sourceArn: dlq.arn, maxNumberOfMessagesPerSecond: 10 });
    await api.queue.cancelMoveTask({ tenant, taskHandle }).catch(() => undefined); // may already be done by a worker
  });

  it("passes form settings to the use cases typed: same meaning is the same queue, clearing and FIFO-only checks hold", async () => {
    const api = callerFor(t);
    const tenant = t.tenant.slug;
    const dlq = await api.queue.create({ tenant, name: uniqueName("dlq") });
    const name = uniqueName("typed");
    const redrivePolicy = { deadLetterTargetArn: dlq.arn, maxReceiveCount: 4 };
    expect(await api.queue.create({ tenant, name, redrivePolicy, visibilityTimeout: 45 })).toMatchObject({
      created: true,
    });
    expect(await api.queue.create({ tenant, name, redrivePolicy, visibilityTimeout: 45 })).toMatchObject({
      created: false,
    });
    const differs = await api.queue
      .create({ tenant, name, redrivePolicy: { ...redrivePolicy, maxReceiveCount: 5 } })
      .catch((e) => e);
    expect(differs).toBeInstanceOf(TRPCError);
    expect(differs.message).toContain("RedrivePolicy");
    const fifoOnly = await api.queue
      .updateAttributes({ tenant, name, contentBasedDeduplication: true })
      .catch((e) => e);
    expect(fifoOnly.message).toBe("Unknown Attribute ContentBasedDeduplication.");
    await api.queue.updateAttributes({ tenant, name, redrivePolicy: null, receiveMessageWaitTimeSeconds: 7 });
    const { attributes } = await api.queue.get({ tenant, name });
    expect(attributes.RedrivePolicy).toBeUndefined();
    expect(attributes).toMatchObject({ ReceiveMessageWaitTimeSeconds: "7", VisibilityTimeout: "45" });
  });

  it("tags and permissions", async () => {
    const api = callerFor(t);
    const tenant = t.tenant.slug;
    const q = await api.queue.create({ tenant, name: uniqueName("tp") });
    expect(await api.queue.tag({ tenant, name: q.name, tags: { a: "1", b: "2" } })).toEqual({ a: "1", b: "2" });
    expect(await api.queue.untag({ tenant, name: q.name, keys: ["a"] })).toEqual({ b: "2" });
    expect(
      await api.queue.addPermission({
        tenant,
        name: q.name,
        label: "p1",
        accountIds: ["123456789012"],
        actions: ["SendMessage"],
      }),
    ).toEqual([{ label: "p1", accounts: ["123456789012"], actions: ["SendMessage"] }]);
    expect(await api.queue.removePermission({ tenant, name: q.name, label: "p1" })).toEqual([]);
    const bad = await api.queue
      .addPermission({ tenant, name: q.name, label: "p2", accountIds: ["12"], actions: ["SendMessage"] })
      .catch((e) => e);
    expect(bad.code).toBe("BAD_REQUEST");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../db";
import { stopBoss } from "../../jobs/boss";
import { createTestTenant, uniqueName, type TestTenant } from "../../../tests/helpers/fixtures";
import { createQueue } from "../queues/queue.service";
import { ensureDefaultBus } from "../events/bus.service";
import * as schedules from "./schedule.service";
import { runFireSchedule } from "./schedule.fire";

const ROLE = "arn:aws:iam::123456789012:role/scheduler";

// The fire job against the real database and a real queue: it invokes once per fire time however
// often pg-boss runs it, does nothing for a disabled or deleted schedule, and applies
// ActionAfterCompletion.

let t: TestTenant;
const actor = () => ({ type: "api_key" as const, keyId: t.key.id, role: "developer" as const });

beforeAll(async () => {
  t = await createTestTenant();
});
afterAll(async () => {
  // Leave no recurring timer behind: a later run's timer loops would keep firing it.
  await pool().query(`DELETE FROM timers WHERE tenant_id = $1`, [t.tenant.id]);
  await stopBoss();
});

async function newQueue(fifo = false) {
  const name = uniqueName("fire") + (fifo ? ".fifo" : "");
  const { queue } = await createQueue(t.actor, t.tenant.id, {
    name,
    ...(fifo ? { fifo: true, settings: { contentBasedDedup: true } } : {}),
  });
  return { id: queue.id, arn: `arn:aws:sqs:us-east-1:${t.tenant.accountId}:${name}` };
}

async function bodies(queueId: string) {
  const r = await pool().query(`SELECT body FROM queue_messages WHERE queue_id = $1 ORDER BY seq`, [queueId]);
  return r.rows.map((x) => x.body as string);
}

const create = (over: Partial<schedules.ScheduleInput>) =>
  schedules.createSchedule(actor(), t.tenant, {
    name: uniqueName("s"),
    scheduleExpression: "rate(1 hour)",
    flexibleTimeWindow: { Mode: "OFF" },
    ...over,
  });

describe("scheduler.fire-schedule", () => {
  it("invokes once per fire time however often the job runs, with context attributes replaced", async () => {
    const q = await newQueue();
    const s = await create({
      target: { Arn: q.arn, RoleArn: ROLE, Input: "at <aws.scheduler.scheduled-time> #<aws.scheduler.attempt-number>" },
    });
    const fireTime = "2026-12-02T10:00:00.000Z";
    await runFireSchedule({ tenantId: t.tenant.id, ownerId: s.id, fireTime });
    await runFireSchedule({ tenantId: t.tenant.id, ownerId: s.id, fireTime });
    await runFireSchedule({ tenantId: t.tenant.id, ownerId: s.id, fireTime: "2026-12-02T11:00:00.000Z" });
    expect(await bodies(q.id)).toEqual(["at 2026-12-02T10:00:00Z #1", "at 2026-12-02T11:00:00Z #1"]);
    const d = await pool().query(
      `SELECT source_kind, target_kind, status FROM deliveries WHERE source_arn = $1 ORDER BY created_at`,
      [s.arn],
    );
    expect(d.rows).toEqual([
      { source_kind: "schedule", target_kind: "queue", status: "succeeded" },
      { source_kind: "schedule", target_kind: "queue", status: "succeeded" },
    ]);
  });

  it("a FIFO queue gets the MessageGroupId", async () => {
    const q = await newQueue(true);
    const s = await create({
      target: { Arn: q.arn, RoleArn: ROLE, Input: "x", SqsParameters: { MessageGroupId: "g1" } },
    });
    await runFireSchedule({ tenantId: t.tenant.id, ownerId: s.id, fireTime: new Date().toISOString() });
    const r = await pool().query(`SELECT group_id FROM queue_messages WHERE queue_id = $1`, [q.id]);
    expect(r.rows.map((x) => x.group_id)).toEqual(["g1"]);
  });

  it("a disabled or deleted schedule invokes nothing", async () => {
    const q = await newQueue();
    const target = { Arn: q.arn, RoleArn: ROLE, Input: "x" };
    const s = await create({ target, state: "DISABLED" });
    await runFireSchedule({ tenantId: t.tenant.id, ownerId: s.id, fireTime: new Date().toISOString() });
    const gone = await create({ target });
    await schedules.deleteSchedule(actor(), t.tenant, gone.name);
    await runFireSchedule({ tenantId: t.tenant.id, ownerId: gone.id, fireTime: new Date().toISOString() });
    expect(await bodies(q.id)).toEqual([]);
  });

  it("ActionAfterCompletion DELETE removes a completed schedule; NONE keeps it, and a recurring one stays", async () => {
    const q = await newQueue();
    const target = { Arn: q.arn, RoleArn: ROLE, Input: "x" };
    // at() in the past: no further fire time, so the schedule is complete once this fire is made.
    const past = `at(${new Date(Date.now() - 60_000).toISOString().slice(0, 19)})`;
    const del = await create({ scheduleExpression: past, actionAfterCompletion: "DELETE", target });
    const keep = await create({ scheduleExpression: past, actionAfterCompletion: "NONE", target });
    const recurring = await create({ actionAfterCompletion: "DELETE", target });
    for (const s of [del, keep, recurring])
      await runFireSchedule({ tenantId: t.tenant.id, ownerId: s.id, fireTime: new Date().toISOString() });
    expect(await bodies(q.id)).toHaveLength(3);
    await expect(schedules.getSchedule(actor(), t.tenant, del.name)).rejects.toThrow("does not exist");
    await expect(schedules.getSchedule(actor(), t.tenant, keep.name)).resolves.toBeTruthy();
    await expect(schedules.getSchedule(actor(), t.tenant, recurring.name)).resolves.toBeTruthy();
  });

  it("an event bus target needs EventBridgeParameters and a JSON object Input", async () => {
    const bus = `arn:aws:events:us-east-1:${t.tenant.accountId}:event-bus/default`;
    await expect(create({ target: { Arn: bus, RoleArn: ROLE } })).rejects.toThrow(/EventBridgeParameters/);
    await expect(
      create({
        target: { Arn: bus, RoleArn: ROLE, Input: "nope", EventBridgeParameters: { DetailType: "d", Source: "s" } },
      }),
    ).rejects.toThrow(/JSON object/);
    await expect(
      create({
        target: {
          Arn: bus,
          RoleArn: ROLE,
          Input: '{"n":<aws.scheduler.attempt-number>}',
          EventBridgeParameters: { DetailType: "d", Source: "my.app" },
        },
      }),
    ).resolves.toBeTruthy();
  });

  it("an event bus target receives AWS's PutEvents shape: parameters as source and detail-type, Input as detail", async () => {
    const bus = await ensureDefaultBus(pool(), { tenantId: t.tenant.id, accountId: t.tenant.accountId });
    const s = await create({
      target: {
        Arn: bus.arn,
        RoleArn: ROLE,
        Input: '{"order":42,"at":"<aws.scheduler.scheduled-time>","try":<aws.scheduler.attempt-number>}',
        EventBridgeParameters: { DetailType: "Nightly Report", Source: "my.reports" },
      },
    });
    await runFireSchedule({ tenantId: t.tenant.id, ownerId: s.id, fireTime: "2026-12-02T03:00:00.000Z" });
    const r = await pool().query(
      `SELECT source, detail_type, envelope FROM events WHERE bus_id = $1 AND source = 'my.reports'`,
      [bus.id],
    );
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ source: "my.reports", detail_type: "Nightly Report" });
    const env = JSON.parse(r.rows[0].envelope);
    expect(env).toMatchObject({
      source: "my.reports",
      "detail-type": "Nightly Report",
      detail: { order: 42, at: "2026-12-02T03:00:00Z", try: 1 },
      resources: [s.arn],
      account: t.tenant.accountId,
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../db";
import { stopBoss } from "../../jobs/boss";
import { createTestTenant, uniqueName, type TestTenant } from "../../../tests/helpers/fixtures";
import { getTimer } from "../timers/timer.service";
import * as schedules from "./schedule.service";

const ROLE = "arn:aws:iam::123456789012:role/scheduler";

// The Scheduler use cases against the real database: each change commits the schedule and its
// timer together; refused input changes nothing; tenants never see each other's schedules.

let t: TestTenant;
let other: TestTenant;
const actor = () => ({ type: "api_key" as const, keyId: t.key.id, role: "developer" as const });
const queueArn = () => `arn:aws:sqs:us-east-1:${t.tenant.accountId}:q1`;
const input = (over: Partial<schedules.ScheduleInput> = {}): schedules.ScheduleInput => ({
  name: uniqueName("s"),
  scheduleExpression: "cron(0 9 ? * MON-FRI *)",
  scheduleExpressionTimezone: "Europe/Berlin",
  flexibleTimeWindow: { Mode: "OFF" },
  target: { Arn: queueArn(), RoleArn: ROLE },
  ...over,
});

beforeAll(async () => {
  [t, other] = await Promise.all([createTestTenant(), createTestTenant()]);
});
afterAll(async () => {
  // Leave no recurring timer behind: a later run's timer loops would keep firing it.
  await pool().query(`DELETE FROM timers WHERE tenant_id = $1`, [t.tenant.id]);
  await stopBoss();
});

describe("schedules", () => {
  it("create commits a timer at the next fire time in the schedule's zone", async () => {
    const s = await schedules.createSchedule(actor(), t.tenant, input());
    const timer = await getTimer(pool(), "schedule", s.id);
    expect(timer).toMatchObject({ enabled: true, timezone: "Europe/Berlin", expression: "cron(0 9 ? * MON-FRI *)" });
    const local = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/Berlin",
      hour: "2-digit",
      minute: "2-digit",
      weekday: "short",
    }).format(timer!.next_fire_at!);
    expect(local).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 09:00$/);
    expect(timer!.next_fire_at!.getTime()).toBeGreaterThan(Date.now());
  });

  it("disable keeps the timer but stops it; delete removes both", async () => {
    const s = await schedules.createSchedule(actor(), t.tenant, input({ name: uniqueName("d") }));
    await schedules.updateSchedule(actor(), t.tenant, input({ name: s.name, state: "DISABLED" }));
    expect((await getTimer(pool(), "schedule", s.id))!.enabled).toBe(false);
    await schedules.deleteSchedule(actor(), t.tenant, s.name);
    expect(await getTimer(pool(), "schedule", s.id)).toBeNull();
    await expect(schedules.getSchedule(actor(), t.tenant, s.name)).rejects.toThrow(
      `Schedule ${s.name} does not exist.`,
    );
  });

  it("a flexible window puts the due time inside the window after the fire time", async () => {
    const s = await schedules.createSchedule(
      actor(),
      t.tenant,
      input({ flexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 15 } }),
    );
    const timer = (await getTimer(pool(), "schedule", s.id))!;
    const offset = timer.due_at!.getTime() - timer.next_fire_at!.getTime();
    expect(offset).toBeGreaterThanOrEqual(0);
    expect(offset).toBeLessThan(15 * 60_000);
  });

  it("refused input changes nothing", async () => {
    const name = uniqueName("bad");
    const cases: Array<[Partial<schedules.ScheduleInput>, RegExp]> = [
      [{ scheduleExpression: "rate(1 minutes)" }, /^Invalid Schedule Expression rate\(1 minutes\)\.$/],
      [{ scheduleExpressionTimezone: "Mars/Olympus" }, /time zone/],
      [{ flexibleTimeWindow: { Mode: "FLEXIBLE" } }, /MaximumWindowInMinutes/],
      [{ flexibleTimeWindow: undefined }, /Value null at 'flexibleTimeWindow'/],
      [{ target: { Arn: "arn:aws:s3:::bucket", RoleArn: ROLE } }, /Invalid target ARN/],
      [{ target: { Arn: `arn:aws:sqs:us-east-1:${t.tenant.accountId}:q.fifo`, RoleArn: ROLE } }, /MessageGroupId/],
      [
        { target: { Arn: queueArn(), RoleArn: ROLE, RetryPolicy: { MaximumRetryAttempts: 186 } } },
        /maximumRetryAttempts/,
      ],
      [{ startDate: Date.now() / 1000 - 3600 }, /cannot be earlier than 5 minutes ago/],
      [{ groupName: "nope" }, /Schedule group nope does not exist\./],
    ];
    for (const [over, message] of cases) {
      await expect(schedules.createSchedule(actor(), t.tenant, input({ name, ...over }))).rejects.toThrow(message);
    }
    const r = await pool().query(`SELECT count(*)::int AS n FROM schedules WHERE tenant_id = $1 AND name = $2`, [
      t.tenant.id,
      name,
    ]);
    expect(r.rows[0].n).toBe(0);
  });

  it("deleting a group deletes its schedules and their timers; default cannot be deleted", async () => {
    const g = uniqueName("g");
    await schedules.createScheduleGroup(actor(), t.tenant, { name: g });
    const s = await schedules.createSchedule(actor(), t.tenant, input({ groupName: g }));
    expect(s.arn).toBe(`arn:aws:scheduler:us-east-1:${t.tenant.accountId}:schedule/${g}/${s.name}`);
    await schedules.deleteScheduleGroup(actor(), t.tenant, g);
    expect(await getTimer(pool(), "schedule", s.id)).toBeNull();
    await expect(schedules.deleteScheduleGroup(actor(), t.tenant, "default")).rejects.toThrow(/default/);
  });

  it("lists page by page, and another tenant sees none of it", async () => {
    const g = uniqueName("list");
    await schedules.createScheduleGroup(actor(), t.tenant, { name: g });
    for (const n of ["a1", "a2", "b1"])
      await schedules.createSchedule(actor(), t.tenant, input({ name: n, groupName: g }));
    const p1 = await schedules.listSchedules(actor(), t.tenant, { scheduleGroup: g, namePrefix: "a", maxResults: "1" });
    expect(p1.schedules.map((s) => s.name)).toEqual(["a1"]);
    const p2 = await schedules.listSchedules(actor(), t.tenant, {
      scheduleGroup: g,
      namePrefix: "a",
      nextToken: p1.nextToken,
    });
    expect(p2.schedules.map((s) => s.name)).toEqual(["a2"]);
    expect(p2.nextToken).toBeUndefined();
    const otherActor = { type: "api_key" as const, keyId: other.key.id, role: "developer" as const };
    expect((await schedules.listSchedules(otherActor, other.tenant, {})).schedules).toEqual([]);
    await expect(schedules.getScheduleGroup(otherActor, other.tenant, g)).rejects.toThrow(
      `Schedule group ${g} does not exist.`,
    );
  });

  it("a viewer may read but not change schedules", async () => {
    const viewer = { type: "api_key" as const, keyId: t.key.id, role: "viewer" as const };
    await expect(schedules.createSchedule(viewer, t.tenant, input())).rejects.toThrow(/does not allow/);
    await expect(schedules.listSchedules(viewer, t.tenant, {})).resolves.toBeTruthy();
  });
});

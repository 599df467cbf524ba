import { describe, expect, it } from "vitest";
import { pool } from "../../db";
import { createTestTenant, uniqueName, type TestTenant } from "../../../tests/helpers/fixtures";
import { createQueue } from "../queues/queue.service";
import { createBus, putPermission, type Caller } from "./bus.service";
import { deleteRule, disableRule, enableRule, putRule } from "./rule.service";
import { putTargets, removeTargets } from "./target.service";
import { putEvents as acceptEvents } from "./put-events";
import { routePendingEvents } from "./event-router";
import { getEventTrace, getRuleMetrics, searchRecentEvents } from "./event.explorer";
import { runFireRuleSchedule } from "./rule-fire";
import { findRule } from "./bus.repository";
import { insertEvents } from "./event.repository";
import { runEventRetention } from "./events.maintenance";
import { randomUUID } from "node:crypto";

// PutEvents accepts; the router (event-router.ts) delivers. These tests route what is pending
// before they look (the background router of this process may have started on it already:
// routePendingEvents waits for it).
async function putEvents(...args: Parameters<typeof acceptEvents>) {
  const results = await acceptEvents(...args);
  await routePendingEvents();
  return results;
}

// Events forwarded to a bus are stored unrouted by the delivering transaction: route them too.
async function routeForwarded(_t: TestTenant) {
  await routePendingEvents();
}

// The events domain against real PostgreSQL: PutEvents → router → rules → invocations in the
// delivery engine (queue targets delivered in the routing transaction), rule changes seen at once,
// bus-to-bus forwarding (same tenant and cross-tenant by policy), input transformation, the
// explorer's trace, rule metrics, replay filters and the scheduled-rule fire job.

const callerOf = (t: TestTenant): Caller => ({ tenantId: t.tenant.id, accountId: t.tenant.accountId });

async function queue(t: TestTenant, name = uniqueName("q")) {
  const { queue: q } = await createQueue(t.actor, t.tenant.id, { name });
  return q;
}

async function bodies(queueId: string): Promise<unknown[]> {
  const r = await pool().query(`SELECT body FROM queue_messages WHERE queue_id = $1 ORDER BY sent_at, id`, [queueId]);
  return r.rows.map((x: { body: string }) => JSON.parse(x.body));
}

const entry = (source: string, detail: unknown = {}, extra: Record<string, unknown> = {}) => ({
  Source: source,
  DetailType: "Thing",
  Detail: JSON.stringify(detail),
  ...extra,
});

describe("putEvents", () => {
  it("stores events, routes them to matching rules' targets and traces them", async () => {
    const t = await createTestTenant();
    const c = callerOf(t);
    const q = await queue(t);
    const src = `app.${uniqueName("s")}`;
    await putRule(t.actor, c, { name: "r", eventPattern: JSON.stringify({ source: [src] }) });
    await putTargets(t.actor, c, { rule: "r", targets: [{ Id: "q", Arn: q.arn }] });

    const [ok, miss, bad] = await putEvents(pool(), c, "default", [
      entry(src, { a: 1 }),
      entry("other.source"),
      { Source: src, DetailType: "x", Detail: "[1]" },
    ]);
    expect(bad).toEqual({ ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." });
    expect(await bodies(q.id)).toEqual([
      expect.objectContaining({ id: (ok as { EventId: string }).EventId, detail: { a: 1 } }),
    ]);

    const found = await searchRecentEvents(t.actor, c, { source: src });
    expect(found.events.map((e) => e.id)).toEqual([(ok as { EventId: string }).EventId]);
    const trace = await getEventTrace(t.actor, c, (ok as { EventId: string }).EventId);
    expect(trace.rules).toHaveLength(1);
    expect(trace.rules[0]!.invocations).toEqual([
      expect.objectContaining({ targetArn: q.arn, targetId: "q", status: "succeeded" }),
    ]);
    const none = await getEventTrace(t.actor, c, (miss as { EventId: string }).EventId);
    expect(none.rules).toEqual([]);

    const metrics = await getRuleMetrics(t.actor, c, { ruleName: "r" });
    expect(metrics.reduce((n, p) => n + p.MatchedEvents, 0)).toBe(1);
    expect(metrics.reduce((n, p) => n + p.Invocations, 0)).toBe(1);
  });

  it("sees rule changes at once: disable, enable, new targets, delete", async () => {
    const t = await createTestTenant();
    const c = callerOf(t);
    const q = await queue(t);
    const src = `app.${uniqueName("s")}`;
    const put = () => putEvents(pool(), c, "default", [entry(src)]);
    await put(); // builds and caches the bus's index before the rule exists
    await putRule(t.actor, c, { name: "r", eventPattern: JSON.stringify({ source: [src] }) });
    await putTargets(t.actor, c, { rule: "r", targets: [{ Id: "q", Arn: q.arn }] });
    await put();
    expect(await bodies(q.id)).toHaveLength(1);
    await disableRule(t.actor, c, null, "r");
    await put();
    expect(await bodies(q.id)).toHaveLength(1);
    await enableRule(t.actor, c, null, "r");
    await put();
    expect(await bodies(q.id)).toHaveLength(2);
    await removeTargets(t.actor, c, { rule: "r", ids: ["q"] });
    await deleteRule(t.actor, c, null, "r");
    await put();
    expect(await bodies(q.id)).toHaveLength(2);
  });

  it("applies InputTransformer and keeps FIFO group ids", async () => {
    const t = await createTestTenant();
    const c = callerOf(t);
    const q = await queue(t, `${uniqueName("f")}.fifo`);
    const src = `app.${uniqueName("s")}`;
    await putRule(t.actor, c, { name: "r", eventPattern: JSON.stringify({ source: [src] }) });
    await putTargets(t.actor, c, {
      rule: "r",
      targets: [
        {
          Id: "f",
          Arn: q.arn,
          SqsParameters: { MessageGroupId: "g1" },
          InputTransformer: {
            InputPathsMap: { n: "$.detail.n" },
            InputTemplate: '{"got": <n>, "rule": "<aws.events.rule-name>"}',
          },
        },
      ],
    });
    await putEvents(pool(), c, "default", [entry(src, { n: 7 })]);
    expect(await bodies(q.id)).toEqual([{ got: 7, rule: "r" }]);
    const g = await pool().query(`SELECT group_id AS g FROM queue_messages WHERE queue_id = $1`, [q.id]);
    expect(g.rows[0].g).toBe("g1");
  });

  it("forwards to another bus (same tenant; another tenant's only when its policy allows)", async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const ca = callerOf(a);
    const cb = callerOf(b);
    const src = `app.${uniqueName("s")}`;
    const own = await createBus(a.actor, ca, { name: uniqueName("inner") });
    const qa = await queue(a);
    await putRule(a.actor, ca, { name: "in", eventBusName: own.name, eventPattern: JSON.stringify({ source: [src] }) });
    await putTargets(a.actor, ca, { rule: "in", eventBusName: own.name, targets: [{ Id: "q", Arn: qa.arn }] });
    await putRule(a.actor, ca, { name: "fwd", eventPattern: JSON.stringify({ source: [src] }) });
    await putTargets(a.actor, ca, { rule: "fwd", targets: [{ Id: "bus", Arn: own.arn }] });
    await putEvents(pool(), ca, "default", [entry(src, { hop: 1 })]);
    await routeForwarded(a);
    expect(await bodies(qa.id)).toEqual([expect.objectContaining({ source: src, detail: { hop: 1 } })]);

    // Cross-tenant: b's bus refuses a's rule until b's policy allows a's account.
    const theirs = await createBus(b.actor, cb, { name: uniqueName("theirs") });
    const qb = await queue(b);
    await putRule(b.actor, cb, {
      name: "in",
      eventBusName: theirs.name,
      eventPattern: JSON.stringify({ source: [src] }),
    });
    await putTargets(b.actor, cb, { rule: "in", eventBusName: theirs.name, targets: [{ Id: "q", Arn: qb.arn }] });
    await putRule(a.actor, ca, { name: "x", eventPattern: JSON.stringify({ source: [src], detail: { x: [true] } }) });
    await putTargets(a.actor, ca, { rule: "x", targets: [{ Id: "b", Arn: theirs.arn }] });
    await putEvents(pool(), ca, "default", [entry(src, { x: true })]);
    await routeForwarded(b);
    expect(await bodies(qb.id)).toEqual([]);
    await putPermission(b.actor, cb, {
      eventBusName: theirs.name,
      action: "events:PutEvents",
      principal: a.tenant.accountId,
      statementId: "a",
    });
    const [r] = await putEvents(pool(), ca, "default", [entry(src, { x: true, n: 2 })]);
    await routeForwarded(b);
    await routeForwarded(b); // a second run (a retried job) creates nothing twice
    expect(await bodies(qb.id)).toEqual([
      expect.objectContaining({ account: a.tenant.accountId, detail: { x: true, n: 2 } }),
    ]);
    const trace = await getEventTrace(a.actor, ca, (r as { EventId: string }).EventId);
    const x = trace.rules.find((z) => z.ruleArn.endsWith("rule/x"))!;
    expect(x.invocations[0]).toMatchObject({ targetKind: "event-bus", status: "succeeded" });
  });

  it("replays: only the given rules, replay-name in the envelope", async () => {
    const t = await createTestTenant();
    const c = callerOf(t);
    const [q1, q2] = [await queue(t), await queue(t)];
    const src = `app.${uniqueName("s")}`;
    const { ruleArn } = await putRule(t.actor, c, { name: "one", eventPattern: JSON.stringify({ source: [src] }) });
    await putRule(t.actor, c, { name: "two", eventPattern: JSON.stringify({ source: [src] }) });
    await putTargets(t.actor, c, { rule: "one", targets: [{ Id: "q", Arn: q1.arn }] });
    await putTargets(t.actor, c, { rule: "two", targets: [{ Id: "q", Arn: q2.arn }] });
    await putEvents(pool(), c, "default", [entry(src)], { replayName: "rp", ruleArns: [ruleArn], ingest: "replay" });
    expect(await bodies(q1.id)).toEqual([expect.objectContaining({ "replay-name": "rp" })]);
    expect(await bodies(q2.id)).toEqual([]);
  });

  it("fires a scheduled rule once per fire time with AWS's scheduled event", async () => {
    const t = await createTestTenant();
    const c = callerOf(t);
    const q = await queue(t);
    const { ruleArn } = await putRule(t.actor, c, { name: "tick", scheduleExpression: "rate(5 minutes)" });
    await putTargets(t.actor, c, { rule: "tick", targets: [{ Id: "q", Arn: q.arn }] });
    const bus = await pool().query(`SELECT id FROM event_buses WHERE tenant_id = $1 AND name = 'default'`, [
      t.tenant.id,
    ]);
    const rule = (await findRule(pool(), t.tenant.id, bus.rows[0].id, "tick"))!;
    const timer = await pool().query(
      `SELECT count(*)::int AS n FROM timers WHERE owner_kind = 'rule' AND owner_id = $1`,
      [rule.id],
    );
    expect(timer.rows[0].n).toBe(1);
    const fire = { tenantId: t.tenant.id, ownerId: rule.id, fireTime: "2026-12-02T10:05:00.000Z" };
    await runFireRuleSchedule(fire);
    await routePendingEvents();
    await runFireRuleSchedule(fire);
    await routePendingEvents();
    const got = await bodies(q.id);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      version: "0",
      "detail-type": "Scheduled Event",
      source: "aws.events",
      account: t.tenant.accountId,
      time: "2026-12-02T10:05:00Z",
      resources: [ruleArn],
      detail: {},
    });
  });

  it("retention deletes events received more than 24 hours ago and keeps the rest", async () => {
    const t = await createTestTenant();
    const c = callerOf(t);
    const [fresh] = await putEvents(pool(), c, "default", [entry(`app.${uniqueName("s")}`)]);
    const bus = await pool().query(`SELECT id FROM event_buses WHERE tenant_id = $1 AND name = 'default'`, [
      t.tenant.id,
    ]);
    const oldId = randomUUID();
    await insertEvents(
      pool(),
      [
        {
          id: oldId,
          tenantId: t.tenant.id,
          busId: bus.rows[0].id,
          envelope: "{}",
          source: "old",
          detailType: "old",
          eventTime: new Date(Date.now() - 49 * 3600_000),
          size: 2,
          ingest: "api",
          replayName: null,
          matchedRules: [],
        },
      ],
      new Date(Date.now() - 48 * 3600_000),
    );
    await runEventRetention();
    const left = await pool().query(`SELECT id FROM events WHERE tenant_id = $1 ORDER BY id`, [t.tenant.id]);
    expect(left.rows.map((r: { id: string }) => r.id)).toEqual([(fresh as { EventId: string }).EventId]);
  });
});

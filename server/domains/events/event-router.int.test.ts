import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { pool, withTransaction } from "../../db";
import { BOSS_SCHEMA } from "../../jobs/boss";
import { createTestTenant, uniqueName, type TestTenant } from "../../../tests/helpers/fixtures";
import { createQueue } from "../queues/queue.service";
import { createInvocations } from "../deliveries/invocations";
import type { Caller } from "./bus.service";
import { putRule } from "./rule.service";
import { putTargets } from "./target.service";
import { putEvents } from "./put-events";
import { routePendingEvents } from "./event-router";
import { claimUnroutedEvents, insertEvents } from "./event.repository";

// The event router against real PostgreSQL: PutEvents only accepts (events stored "not routed
// yet"); routers claim batches with SKIP LOCKED and create the invocations and mark the events
// routed in one transaction, so concurrent routers deliver each (event, target) once, and a batch
// that rolls back (a router that died) is routed by the next one.

const callerOf = (t: TestTenant): Caller => ({ tenantId: t.tenant.id, accountId: t.tenant.accountId });

async function queueWithRule(t: TestTenant, src: string, rule: string) {
  const { queue } = await createQueue(t.actor, t.tenant.id, { name: uniqueName("q") });
  await putRule(t.actor, callerOf(t), { name: rule, eventPattern: JSON.stringify({ source: [src] }) });
  await putTargets(t.actor, callerOf(t), { rule, targets: [{ Id: "q", Arn: queue.arn }] });
  return queue;
}

async function messageCount(queueId: string): Promise<number> {
  const r = await pool().query(`SELECT count(*)::int AS n FROM queue_messages WHERE queue_id = $1`, [queueId]);
  return r.rows[0].n;
}

async function unrouted(tenantId: string): Promise<number> {
  const r = await pool().query(
    `SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND route_schema IS NOT NULL`,
    [tenantId],
  );
  return r.rows[0].n;
}

const entries = (src: string, n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ Source: src, DetailType: "T", Detail: JSON.stringify({ i: from + i }) }));

describe("event router", () => {
  it("PutEvents inside a caller's transaction stores the events unrouted; concurrent routers deliver each once", async () => {
    const t = await createTestTenant();
    const src = `app.${uniqueName("s")}`;
    const q1 = await queueWithRule(t, src, "r1");
    const q2 = await queueWithRule(t, src, "r2");
    const client = await pool().connect();
    try {
      await client.query("BEGIN");
      for (let k = 0; k < 4; k++) await putEvents(client, callerOf(t), "default", entries(src, 10, k * 10));
      // Accepted, not delivered: nothing reached the queues inside the accepting transaction.
      const inside = await client.query(
        `SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND route_schema = $2 AND matched_rules = '{}'`,
        [t.tenant.id, BOSS_SCHEMA],
      );
      expect(inside.rows[0].n).toBe(40);
      expect(await messageCount(q1.id)).toBe(0);
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    // Three routers at once (plus the background one the NOTIFY woke): SKIP LOCKED splits the work.
    await Promise.all([routePendingEvents(), routePendingEvents(), routePendingEvents()]);
    expect(await unrouted(t.tenant.id)).toBe(0);
    expect(await messageCount(q1.id)).toBe(40);
    expect(await messageCount(q2.id)).toBe(40);
    const bodies = await pool().query(`SELECT body FROM queue_messages WHERE queue_id = $1`, [q1.id]);
    const seen = bodies.rows.map((r: { body: string }) => (JSON.parse(r.body) as { detail: { i: number } }).detail.i);
    expect(seen.sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const ev = await pool().query(`SELECT DISTINCT matched_rules FROM events WHERE tenant_id = $1`, [t.tenant.id]);
    expect(ev.rows).toHaveLength(1);
    expect([...ev.rows[0].matched_rules].sort()).toEqual(
      [
        `arn:aws:events:us-east-1:${t.tenant.accountId}:rule/r1`,
        `arn:aws:events:us-east-1:${t.tenant.accountId}:rule/r2`,
      ].sort(),
    );
  });

  it("a batch that rolls back (a router that died) leaves its events for the next router, which waits for it", async () => {
    const t = await createTestTenant();
    const src = `app.${uniqueName("s")}`;
    const q = await queueWithRule(t, src, "r");
    const bus = await pool().query(`SELECT id FROM event_buses WHERE tenant_id = $1 AND name = 'default'`, [
      t.tenant.id,
    ]);
    // Five unrouted events, stored without the NOTIFY (no router is told), then at once a "router"
    // claims them and dies before it commits.
    const ids = Array.from({ length: 5 }, () => randomUUID());
    await insertEvents(
      pool(),
      ids.map((id, i) => {
        const envelope = JSON.stringify({
          version: "0",
          id,
          "detail-type": "T",
          source: src,
          account: t.tenant.accountId,
          time: new Date().toISOString(),
          region: "us-east-1",
          resources: [],
          detail: { i },
        });
        return {
          id,
          tenantId: t.tenant.id,
          busId: bus.rows[0].id,
          envelope,
          source: src,
          detailType: "T",
          eventTime: new Date(),
          size: envelope.length,
          ingest: "api" as const,
          replayName: null,
          matchedRules: [],
        };
      }),
      new Date(),
      BOSS_SCHEMA,
    );
    const client = await pool().connect();
    let routed: Promise<number> | undefined;
    try {
      await client.query("BEGIN");
      const claimed = await claimUnroutedEvents(client, BOSS_SCHEMA, 500, { tenantId: t.tenant.id });
      expect(claimed.map((e) => e.id).sort()).toEqual([...ids].sort());
      routed = routePendingEvents({ tenantId: t.tenant.id });
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    expect(await routed).toBe(5);
    expect(await unrouted(t.tenant.id)).toBe(0);
    expect(await messageCount(q.id)).toBe(5);
    // Routing again finds nothing and sends nothing twice.
    expect(await routePendingEvents({ tenantId: t.tenant.id })).toBe(0);
    expect(await messageCount(q.id)).toBe(5);
  });

  it("an event that cannot be routed is set aside; the events behind it are routed", async () => {
    const t = await createTestTenant();
    const good = `app.${uniqueName("good")}`;
    const bad = `app.${uniqueName("bad")}`;
    const qGood = await queueWithRule(t, good, "good");
    await queueWithRule(t, bad, "bad");
    // A stored target definition the engine refuses (PutTargets would have): routing its event throws.
    await pool().query(
      `UPDATE event_targets SET definition = definition || '{"RetryPolicy":{"MaximumRetryAttempts":999}}'::jsonb
        WHERE tenant_id = $1 AND rule_id = (SELECT id FROM event_rules WHERE tenant_id = $1 AND name = 'bad')`,
      [t.tenant.id],
    );
    const client = await pool().connect();
    let badId: string;
    try {
      await client.query("BEGIN");
      const [b] = await putEvents(client, callerOf(t), "default", entries(bad, 1));
      badId = (b as { EventId: string }).EventId;
      await client.query(`UPDATE events SET received_at = received_at - interval '1 second' WHERE id = $1`, [badId]);
      await putEvents(client, callerOf(t), "default", entries(good, 3));
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    expect(await routePendingEvents({ tenantId: t.tenant.id })).toBeLessThanOrEqual(3);
    expect(await messageCount(qGood.id)).toBe(3);
    const left = await pool().query(`SELECT id FROM events WHERE tenant_id = $1 AND route_schema IS NOT NULL`, [
      t.tenant.id,
    ]);
    expect(left.rows.map((r: { id: string }) => r.id)).toEqual([badId]);
  });

  it("a replay filtered to no rule stores its events routed and delivers nothing", async () => {
    const t = await createTestTenant();
    const src = `app.${uniqueName("s")}`;
    const q = await queueWithRule(t, src, "r");
    await putEvents(pool(), callerOf(t), "default", entries(src, 2), {
      replayName: "rp",
      ruleArns: [],
      ingest: "replay",
    });
    expect(await unrouted(t.tenant.id)).toBe(0);
    await routePendingEvents();
    expect(await messageCount(q.id)).toBe(0);
  });

  it("latency of an invocation whose event time is decades old is clamped, not an overflow", async () => {
    const t = await createTestTenant();
    const { queue } = await createQueue(t.actor, t.tenant.id, { name: uniqueName("q") });
    const [r] = await withTransaction((tx) =>
      createInvocations(tx, [
        {
          tenantId: t.tenant.id,
          sourceKind: "rule",
          sourceArn: `arn:aws:events:us-east-1:${t.tenant.accountId}:rule/old`,
          targetKind: "queue",
          targetArn: queue.arn,
          payload: "{}",
          eventTime: new Date(0),
        },
      ]),
    );
    expect(r!.status).toBe("succeeded");
    const row = await pool().query(`SELECT latency_ms FROM deliveries WHERE id = $1`, [r!.deliveryId]);
    expect(row.rows[0].latency_ms).toBe(2_147_483_647);
  });
});

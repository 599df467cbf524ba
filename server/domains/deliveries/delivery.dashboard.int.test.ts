import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../db";
import { createTestTenant, type TestTenant } from "../../../tests/helpers/fixtures";
import { createTopic } from "../topics/topic.service";
import { browseAttempts, deliveryOverview, endpointOverview, failingEndpoints } from "./delivery.service";

// The dashboard's numbers agree with each other, with the scope filter and with resends. Rows are
// written as the delivery engine leaves them (deliveries + their attempt log), so these tests pin
// the read side only.

let t: TestTenant;
let topicId: string;
const subs: Record<"ok" | "flaky" | "dead", string> = { ok: "", flaky: "", dead: "" };
const hour = { from: new Date(Date.now() - 3600_000), to: new Date(Date.now() + 60_000) };

async function addSub(name: string) {
  const id = randomUUID();
  await pool().query(
    `INSERT INTO topic_subscriptions (id, tenant_id, topic_id, arn, protocol, endpoint, status) VALUES ($1,$2,$3,$4,'https',$5,'confirmed')`,
    [
      id,
      t.tenant.id,
      topicId,
      `arn:aws:sns:us-east-1:${t.tenant.accountId}:dash:${id}`,
      `https://hooks.example.test/${name}`,
    ],
  );
  return id;
}

type Attempt = { outcome: string; status: number | null; retryAt?: Date | null; body?: string };

/** A delivery with its attempts, `agoMs` after publishing, as the engine records them. */
async function addDelivery(
  sub: string,
  status: string,
  attempts: Attempt[],
  latencyMs: number | null = null,
  agoMs = 60_000,
) {
  const messageId = randomUUID();
  const id = randomUUID();
  const at = new Date(Date.now() - agoMs);
  await pool().query(
    `INSERT INTO topic_messages (id, tenant_id, topic_id, body, created_at) VALUES ($1,$2,$3,'x',$4)`,
    [messageId, t.tenant.id, topicId, at],
  );
  const endpoint = (await pool().query(`SELECT endpoint FROM topic_subscriptions WHERE id = $1`, [sub])).rows[0]
    .endpoint;
  await pool().query(
    `INSERT INTO deliveries (id, tenant_id, topic_id, message_id, subscription_id, protocol, endpoint, status, attempts, latency_ms, last_status_code, created_at, updated_at)
     VALUES ($1,$2,$3,$4,$5,'https',$6,$7,$8,$9,$10,$11,$11)`,
    [
      id,
      t.tenant.id,
      topicId,
      messageId,
      sub,
      endpoint,
      status,
      attempts.length,
      latencyMs,
      attempts.at(-1)?.status ?? null,
      at,
    ],
  );
  for (const [i, a] of attempts.entries())
    await pool().query(
      `INSERT INTO delivery_attempts (delivery_id, tenant_id, topic_id, subscription_id, message_id, attempt_number, protocol, endpoint, outcome,
                                      started_at, duration_ms, request_body, response_status, next_retry_at)
       VALUES ($1,$2,$3,$4,$5,$6,'https',$7,$8,$9,12,$10,$11,$12)`,
      [
        id,
        t.tenant.id,
        topicId,
        sub,
        messageId,
        i + 1,
        endpoint,
        a.outcome,
        new Date(at.getTime() + i * 1000),
        a.body ?? '{"n":1}',
        a.status,
        a.retryAt ?? null,
      ],
    );
  return id;
}

beforeAll(async () => {
  t = await createTestTenant();
  topicId = (await createTopic(t.actor, t.tenant, { name: `dash-${randomUUID().slice(0, 6)}` })).id;
  subs.ok = await addSub("ok");
  subs.flaky = await addSub("flaky");
  subs.dead = await addSub("dead");
  const later = new Date(Date.now() + 600_000);
  // ok: two fast deliveries.
  await addDelivery(subs.ok, "succeeded", [{ outcome: "succeeded", status: 200 }], 40);
  await addDelivery(subs.ok, "succeeded", [{ outcome: "succeeded", status: 200, body: '{"order":"needle-4711"}' }], 60);
  // flaky: failed for good once, then a person resent it and it succeeded an hour later.
  await addDelivery(
    subs.flaky,
    "succeeded",
    [
      { outcome: "failed", status: 503 },
      { outcome: "succeeded", status: 200 },
    ],
    3_600_000,
  );
  // flaky: one retry still scheduled.
  await addDelivery(subs.flaky, "retrying", [{ outcome: "failed", status: 503, retryAt: later }], null, 30_000);
  // dead: refused on the only attempt (no retry ran), and one that gave up after retrying.
  await addDelivery(subs.dead, "failed", [{ outcome: "failed", status: null }]);
  await addDelivery(subs.dead, "failed", [
    { outcome: "failed", status: 500, retryAt: later },
    { outcome: "failed", status: 500 },
  ]);
});

describe("deliveries dashboard", () => {
  it("tiles, chart and failing endpoints count the same deliveries", async () => {
    const o = await deliveryOverview(t.actor, t.tenant, { topicId, ...hour });
    expect(o.totals).toMatchObject({ succeeded: 3, failed: 2, retrying: 1, pending: 0, dlq: 0, failedAfterRetries: 1 });
    const sum = (k: "succeeded" | "failed" | "retrying") => o.points.reduce((n, p) => n + p[k], 0);
    expect([sum("succeeded"), sum("failed"), sum("retrying")]).toEqual([3, 2, 1]);

    const failing = await failingEndpoints(t.actor, t.tenant, { topicId, ...hour });
    // The resent success is not listed as failing; the flaky endpoint shows for its open retry.
    expect(failing.map((f) => [f.endpoint.split("/").pop(), f.failures, f.retrying])).toEqual([
      ["dead", 2, 0],
      ["flaky", 0, 1],
    ]);
    expect(failing.reduce((n, f) => n + f.failures, 0)).toBe(o.totals.failed + o.totals.dlq);
  });

  it("follows the subscription filter everywhere", async () => {
    const q = { topicId, subscriptionId: subs.dead, ...hour };
    const o = await deliveryOverview(t.actor, t.tenant, q);
    expect(o.totals).toMatchObject({ succeeded: 0, failed: 2, retrying: 0 });
    expect(o.points.reduce((n, p) => n + p.failed, 0)).toBe(2);
    const failing = await failingEndpoints(t.actor, t.tenant, q);
    expect(failing.map((f) => f.subscriptionId)).toEqual([subs.dead]);
  });

  it("keeps resent deliveries out of publish → delivery latency, and counts them apart", async () => {
    const o = await deliveryOverview(t.actor, t.tenant, { topicId, ...hour });
    expect(o.totals.resentSucceeded).toBe(1);
    expect(o.totals.p50LatencyMs).toBe(50);
    expect(o.totals.p95LatencyMs).toBeLessThan(100);
  });

  it("zooms the chart to where the data is, in buckets that read well", async () => {
    const day = { from: new Date(Date.now() - 86400_000), to: new Date() };
    const o = await deliveryOverview(t.actor, t.tenant, { topicId, ...day });
    // Everything happened in the last minutes: the chart starts near it, not a day ago.
    expect(new Date(o.from).getTime()).toBeGreaterThan(Date.now() - 3600_000);
    expect(o.bucketSeconds).toBe(60);
    expect(o.points.reduce((n, p) => n + p.succeeded + p.failed + p.retrying + p.dlq, 0)).toBe(6);
  });

  it("shows one endpoint: numbers, last response, health", async () => {
    const e = await endpointOverview(t.actor, t.tenant, { subscriptionId: subs.flaky, ...hour });
    expect(e.endpoint).toMatchObject({ id: subs.flaky, endpoint: "https://hooks.example.test/flaky", topicId });
    expect(e.totals).toMatchObject({ succeeded: 1, retrying: 1, failed: 0 });
    expect(e.lastAttempt).toMatchObject({ outcome: "failed", responseStatus: 503 });
    expect(e.points.reduce((n, p) => n + p.succeeded + p.retrying, 0)).toBe(2);
    await expect(endpointOverview(t.actor, t.tenant, { subscriptionId: randomUUID(), ...hour })).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("searches attempts by endpoint and by text in the payload, and pages through them", async () => {
    const byText = await browseAttempts(t.actor, t.tenant, { topicId, text: "needle-4711" });
    expect(byText.items.map((a) => a.subscriptionId)).toEqual([subs.ok]);
    // Wildcards are literal: "%" only matches a payload that contains one.
    expect((await browseAttempts(t.actor, t.tenant, { topicId, text: "%" })).items).toEqual([]);
    const byEndpoint = await browseAttempts(t.actor, t.tenant, { topicId, endpoint: "EXAMPLE.test/dead" });
    expect(byEndpoint.items.length).toBe(3);
    expect(new Set(byEndpoint.items.map((a) => a.subscriptionId))).toEqual(new Set([subs.dead]));

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await browseAttempts(t.actor, t.tenant, {
        topicId,
        limit: 3,
        cursor,
      });
      seen.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(8);
    expect(new Set(seen).size).toBe(8);
    expect(seen).toEqual([...seen].sort((a, b) => Number(b) - Number(a)));
  });
});

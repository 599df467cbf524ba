import http from "node:http";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureQueues, BOSS_SCHEMA } from "../../jobs/boss";
import { deliveryJobs } from "./delivery.jobs";
import { pool, withTransaction } from "../../db";
import { logger } from "../../logger";
import { createTestTenant, type TestTenant } from "../../../tests/helpers/fixtures";
import { createTopic } from "../topics/topic.service";
import { confirmManually, reenableSubscription, subscribe } from "../topics/subscription.service";
import { insertMessages } from "../topics/topic-message.repository";
import { insertDeliveries } from "./delivery.repository";
import { runFanout } from "./fanout";
import { runDeliver } from "./deliver";
import {
  deliveryOverview,
  browseAttempts,
  listDisabledEndpoints,
  listNotifications,
  resendDelivery,
  resendFailed,
  resendProgress,
} from "./delivery.service";
import { runResend } from "./resend";
import { deliveryTotals, topFailingEndpoints } from "./delivery-dashboard.repository";

// The delivery engine against real PostgreSQL, with jobs' handlers called directly: fan-out
// idempotency, the retry schedule, automatic disabling. Retries are scheduled far in the future
// so no worker process picks them up during the test.
process.env.SIGNALBOX_WEBHOOK_DISABLE_AFTER_FAILURES = "3";

const ctx = { jobId: "test", log: logger, retryCount: 0 };
let t: TestTenant;
let server: http.Server;
let base: string;
const hits: Array<{ url: string; headers: http.IncomingHttpHeaders }> = [];
let toggleFailing = true;

beforeAll(async () => {
  // Job queues are created by web/worker processes at start; these tests enqueue without one.
  await ensureQueues(deliveryJobs);
  t = await createTestTenant();
  server = http.createServer((req, res) => {
    hits.push({ url: req.url!, headers: req.headers });
    req.resume();
    const fail = req.url!.startsWith("/fail") || (req.url!.startsWith("/toggle") && toggleFailing);
    res.writeHead(fail ? 503 : 200).end("x");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(
  () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
);

async function publishRaw(topicId: string, body: string, attributes: Record<string, unknown> = {}) {
  const id = randomUUID();
  await withTransaction((tx) =>
    insertMessages(
      tx,
      [
        {
          id,
          tenantId: t.tenant.id,
          topicId,
          body,
          attributes,
          subject: null,
          messageStructure: null,
          messageGroupId: null,
          deduplicationId: null,
        },
      ],
      false,
    ),
  );
  return id;
}

async function httpSub(topicArn: string, path: string, deliveryPolicy?: object) {
  const r = await subscribe(
    t.actor,
    t.tenant,
    {
      topicArn,
      protocol: "http",
      endpoint: `${base}${path}`,
      settings: deliveryPolicy ? { deliveryPolicy: JSON.stringify(deliveryPolicy) } : {},
    },
    { baseUrl: "http://127.0.0.1:1" },
  );
  await confirmManually(t.actor, t.tenant, r.subscription.id);
  return r.subscription;
}

const FAR = { healthyRetryPolicy: { numRetries: 2, minDelayTarget: 600, maxDelayTarget: 600 } };

/** One pending webhook delivery of a published message to an HTTP subscription (as fan-out makes it). */
function insertWebhookDelivery(topicId: string, messageId: string, sub: { id: string; endpoint: string }) {
  return withTransaction((tx) =>
    insertDeliveries(tx, [
      {
        id: randomUUID(),
        tenantId: t.tenant.id,
        topicId,
        messageId,
        subscriptionId: sub.id,
        protocol: "http",
        endpoint: sub.endpoint,
        sourceKind: "topic",
        sourceArn: null,
        targetKind: "webhook",
      },
    ]),
  );
}

describe("delivery engine", () => {
  it("fans out once per matching subscription, however often the job runs", async () => {
    const topic = await createTopic(t.actor, t.tenant, { name: `fan-${randomUUID().slice(0, 6)}` });
    const arns = [0, 1, 2].map((i) => `arn:aws:sqs:us-east-1:${t.tenant.accountId}:missing-${i}`);
    for (const a of arns)
      await subscribe(t.actor, t.tenant, { topicArn: topic.arn, protocol: "sqs", endpoint: a }, { baseUrl: "x" });
    await subscribe(
      t.actor,
      t.tenant,
      {
        topicArn: topic.arn,
        protocol: "sqs",
        endpoint: `arn:aws:sqs:us-east-1:${t.tenant.accountId}:filtered`,
        settings: { filterPolicy: '{"kind":["never"]}' },
      },
      { baseUrl: "x" },
    );
    const messageId = await publishRaw(topic.id, "hello", { kind: { DataType: "String", StringValue: "order" } });
    await runFanout({ messageIds: [messageId], baseUrl: "http://127.0.0.1:1" }, ctx);
    await runFanout({ messageIds: [messageId], baseUrl: "http://127.0.0.1:1" }, ctx);
    const rows = (await pool().query(`SELECT id, endpoint FROM deliveries WHERE message_id = $1`, [messageId])).rows;
    expect(rows.map((r) => r.endpoint).sort()).toEqual(arns.sort());
    // No deferred "safety-net" deliver jobs: the fan-out job is its own (pg-boss retries it). The
    // only deliver jobs are the retries the failed attempts scheduled (due in about a second).
    const jobs = await pool().query(
      `SELECT count(*)::int AS n FROM "${BOSS_SCHEMA}".job WHERE name = 'deliveries.deliver' AND data->'deliveryIds' ?| $1::text[] AND start_after > now() + interval '20 seconds'`,
      [rows.map((r) => r.id)],
    );
    expect(jobs.rows[0].n).toBe(0);
    const kinds = await pool().query(
      `SELECT DISTINCT d.source_kind, d.source_arn, d.target_kind, a.source_kind AS a_source, a.target_kind AS a_target
         FROM deliveries d JOIN delivery_attempts a ON a.delivery_id = d.id WHERE d.message_id = $1`,
      [messageId],
    );
    expect(kinds.rows).toEqual([
      { source_kind: "topic", source_arn: topic.arn, target_kind: "queue", a_source: "topic", a_target: "queue" },
    ]);
    // The first run also attempted them (the queues do not exist, so they wait for a retry).
    const attempts = await pool().query(`SELECT count(*)::int AS n FROM delivery_attempts WHERE message_id = $1`, [
      messageId,
    ]);
    expect(attempts.rows[0].n).toBe(3);
  });

  it("follows the delivery policy's retry schedule and records every attempt", async () => {
    const topic = await createTopic(t.actor, t.tenant, { name: `retry-${randomUUID().slice(0, 6)}` });
    const sub = await httpSub(topic.arn, "/fail-retry", FAR);
    const messageId = await publishRaw(topic.id, "retry me");
    const [d] = await insertWebhookDelivery(topic.id, messageId, sub);
    for (let i = 0; i < 3; i++) {
      // The retry is due (as if its time had come); a run before its time leaves it alone.
      if (i > 0) {
        await runDeliver({ deliveryIds: [d!.id], baseUrl: "http://127.0.0.1:1" }, ctx);
        expect((await pool().query(`SELECT attempts FROM deliveries WHERE id = $1`, [d!.id])).rows[0].attempts).toBe(i);
        await pool().query(`UPDATE deliveries SET next_attempt_at = now() WHERE id = $1`, [d!.id]);
      }
      const before = Date.now();
      await runDeliver({ deliveryIds: [d!.id], baseUrl: "http://127.0.0.1:1" }, ctx);
      const row = (
        await pool().query(`SELECT status, attempts, next_attempt_at, last_status_code FROM deliveries WHERE id = $1`, [
          d!.id,
        ])
      ).rows[0];
      expect(row.attempts).toBe(i + 1);
      expect(row.last_status_code).toBe(503);
      if (i < 2) {
        expect(row.status).toBe("retrying");
        const delay = (row.next_attempt_at.getTime() - before) / 1000;
        expect(delay).toBeGreaterThanOrEqual(540 - 1);
        expect(delay).toBeLessThanOrEqual(660 + 1);
      } else expect(row.status).toBe("failed");
    }
    const attempts = await browseAttempts(t.actor, t.tenant, { deliveryId: d!.id });
    expect(attempts.items.map((a) => [a.attemptNumber, a.outcome, a.responseStatus])).toEqual([
      [3, "failed", 503],
      [2, "failed", 503],
      [1, "failed", 503],
    ]);
    expect(attempts.items[2].nextRetryAt).not.toBeNull();
    expect(attempts.items[0].nextRetryAt).toBeNull();
    // (the SubscriptionConfirmation POST carries no webhook-id)
    expect(
      hits.filter((h) => h.url === "/fail-retry" && h.headers["webhook-id"]).map((h) => h.headers["webhook-id"]),
    ).toEqual([d!.id, d!.id, d!.id]);
    const overview = await deliveryOverview(t.actor, t.tenant, {
      topicId: topic.id,
      from: new Date(Date.now() - 3600_000),
      to: new Date(Date.now() + 60_000),
    });
    expect(overview.totals).toMatchObject({ failed: 1, succeeded: 0 });
    // The chart counts the same deliveries as the tiles, by where they stand now.
    expect(overview.points.reduce((n, p) => n + p.failed, 0)).toBe(1);
    expect(overview.totals.failedAfterRetries).toBe(1);
  });

  it("disables an endpoint after N consecutive failures, notifies, skips it, and re-enables", async () => {
    const topic = await createTopic(t.actor, t.tenant, { name: `dis-${randomUUID().slice(0, 6)}` });
    const sub = await httpSub(topic.arn, "/fail-disable", { healthyRetryPolicy: { numRetries: 0 } });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const messageId = await publishRaw(topic.id, `m${i}`);
      const [d] = await insertWebhookDelivery(topic.id, messageId, sub);
      ids.push(d!.id);
    }
    for (const id of ids.slice(0, 3)) await runDeliver({ deliveryIds: [id], baseUrl: "http://127.0.0.1:1" }, ctx);
    const disabled = await listDisabledEndpoints(t.actor, t.tenant);
    expect(disabled.map((x) => x.id)).toContain(sub.id);
    expect(disabled.find((x) => x.id === sub.id)!.disabledReason).toMatch(/3 consecutive/);
    const notes = await listNotifications(t.actor, t.tenant);
    expect(notes.filter((n) => n.subscriptionId === sub.id && n.kind === "subscription_disabled")).toHaveLength(1);

    const sent = hits.filter((h) => h.url === "/fail-disable" && h.headers["webhook-id"]).length;
    await runDeliver({ deliveryIds: [ids[3]!], baseUrl: "http://127.0.0.1:1" }, ctx);
    expect(hits.filter((h) => h.url === "/fail-disable" && h.headers["webhook-id"]).length).toBe(sent); // not sent while disabled
    const skipped = (await pool().query(`SELECT status, last_error FROM deliveries WHERE id = $1`, [ids[3]])).rows[0];
    expect(skipped.status).toBe("failed");
    expect(skipped.last_error).toMatch(/disabled/);

    await reenableSubscription(t.actor, t.tenant, sub.id);
    expect((await listDisabledEndpoints(t.actor, t.tenant)).map((x) => x.id)).not.toContain(sub.id);
    const row = (
      await pool().query(`SELECT consecutive_failures, disabled_at FROM topic_subscriptions WHERE id = $1`, [sub.id])
    ).rows[0];
    expect(row).toEqual({ consecutive_failures: 0, disabled_at: null });
  });

  it("resends one delivery and, in bulk, every failed delivery since a time, with progress", async () => {
    const topic = await createTopic(t.actor, t.tenant, { name: `resend-${randomUUID().slice(0, 6)}` });
    const sub = await httpSub(topic.arn, "/toggle", { healthyRetryPolicy: { numRetries: 0 } });
    const since = new Date(Date.now() - 1000);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const messageId = await publishRaw(topic.id, `r${i}`);
      const [d] = await insertWebhookDelivery(topic.id, messageId, sub);
      ids.push(d!.id);
    }
    toggleFailing = true;
    await runDeliver({ deliveryIds: ids, baseUrl: "http://127.0.0.1:1" }, ctx);
    const status = async () =>
      (await pool().query(`SELECT id, status FROM deliveries WHERE id = ANY($1) ORDER BY id`, [ids])).rows.map(
        (r) => r.status,
      );
    expect(await status()).toEqual(["failed", "failed", "failed"]);
    // The endpoint is fixed (three failures also disabled it: re-enable, as an operator would).
    toggleFailing = false;
    await reenableSubscription(t.actor, t.tenant, sub.id);

    expect(await resendDelivery(t.actor, t.tenant, ids[0]!, "http://127.0.0.1:1")).toEqual({
      id: ids[0],
      queued: true,
    });
    await runDeliver({ deliveryIds: [ids[0]!], baseUrl: "http://127.0.0.1:1" }, ctx);
    expect((await pool().query(`SELECT status, attempts FROM deliveries WHERE id = $1`, [ids[0]])).rows[0]).toEqual({
      status: "succeeded",
      attempts: 2,
    });

    const { id } = await resendFailed(t.actor, t.tenant, { since, topicId: topic.id }, "http://127.0.0.1:1");
    await runResend({ resendId: id, tenantId: t.tenant.id, baseUrl: "http://127.0.0.1:1" }, ctx);
    expect(await resendProgress(t.actor, t.tenant, id)).toMatchObject({ status: "finished", total: 2, done: 2 });
    await runDeliver({ deliveryIds: ids, baseUrl: "http://127.0.0.1:1" }, ctx);
    expect(await status()).toEqual(["succeeded", "succeeded", "succeeded"]);
    // The same delivery id (webhook-id) was used for the original attempt and the resend.
    const sentIds = hits
      .filter((h) => h.url === "/toggle" && h.headers["webhook-id"])
      .map((h) => h.headers["webhook-id"]);
    for (const d of ids) expect(sentIds.filter((x) => x === d)).toHaveLength(2);
  });

  it("honours maxReceivesPerSecond through the shared per-second counter", async () => {
    const topic = await createTopic(t.actor, t.tenant, { name: `throttle-${randomUUID().slice(0, 6)}` });
    const sub = await httpSub(topic.arn, "/throttled", {
      healthyRetryPolicy: { numRetries: 0 },
      throttlePolicy: { maxReceivesPerSecond: 2 },
    });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const messageId = await publishRaw(topic.id, `t${i}`);
      const [d] = await insertWebhookDelivery(topic.id, messageId, sub);
      ids.push(d!.id);
    }
    await runDeliver({ deliveryIds: ids, baseUrl: "http://127.0.0.1:1" }, ctx);
    const counters = (
      await pool().query(
        `SELECT second, count FROM delivery_rate_counters WHERE subscription_id = $1 ORDER BY second`,
        [sub.id],
      )
    ).rows;
    expect(counters.reduce((n, c) => n + c.count, 0)).toBe(5);
    expect(Math.max(...counters.map((c) => c.count))).toBeLessThanOrEqual(2);
    expect(counters.length).toBeGreaterThanOrEqual(3);
  });

  it("disables an endpoint that has been failing for longer than the configured time", async () => {
    const topic = await createTopic(t.actor, t.tenant, { name: `old-${randomUUID().slice(0, 6)}` });
    const sub = await httpSub(topic.arn, "/fail-long", { healthyRetryPolicy: { numRetries: 0 } });
    // One failure already, six days ago (the default limit is 5 days).
    await pool().query(
      `UPDATE topic_subscriptions SET consecutive_failures = 1, failing_since = now() - interval '6 days' WHERE id = $1`,
      [sub.id],
    );
    const messageId = await publishRaw(topic.id, "late");
    const [d] = await insertWebhookDelivery(topic.id, messageId, sub);
    await runDeliver({ deliveryIds: [d!.id], baseUrl: "http://127.0.0.1:1" }, ctx);
    const row = (
      await pool().query(
        `SELECT disabled_at, disabled_reason, consecutive_failures FROM topic_subscriptions WHERE id = $1`,
        [sub.id],
      )
    ).rows[0];
    expect(row.disabled_at).not.toBeNull();
    expect(row.disabled_reason).toMatch(/^failing continuously since /);
    expect(row.consecutive_failures).toBe(2);
  });

  it("a viewer cannot publish or change subscriptions", async () => {
    const viewer = { ...t.actor, role: "viewer" as const };
    await expect(createTopic(viewer, t.tenant, { name: "nope" })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("filters the dashboard by the source of deliveries", async () => {
    const range = { from: new Date(Date.now() - 3600_000), to: new Date(Date.now() + 60_000) };
    const topic = await createTopic(t.actor, t.tenant, { name: `src-${randomUUID().slice(0, 6)}` });
    const sub = await httpSub(topic.arn, "/fail-source", FAR);
    const messageId = await publishRaw(topic.id, "from a topic");
    await runFanout({ messageIds: [messageId] }, ctx);
    const scope = { tenantId: t.tenant.id, topicId: topic.id };
    const all = await deliveryTotals(pool(), scope, range);
    const topics = await deliveryTotals(pool(), { ...scope, sourceKind: "topic" }, range);
    const rules = await deliveryTotals(pool(), { ...scope, sourceKind: "rule" }, range);
    expect(all.retrying).toBe(1);
    expect(topics).toEqual(all);
    expect(rules.retrying + rules.succeeded + rules.failed + rules.pending + rules.dlq).toBe(0);
    expect(
      (await topFailingEndpoints(pool(), { ...scope, sourceKind: "topic" }, range)).map((e) => e.subscriptionId),
    ).toEqual([sub.id]);
    expect(await topFailingEndpoints(pool(), { ...scope, sourceKind: "rule" }, range)).toEqual([]);
  });
});

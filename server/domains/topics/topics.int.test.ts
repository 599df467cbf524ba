import { describe, expect, it, beforeAll } from "vitest";
import { Webhook } from "standardwebhooks";
import { ensureQueues } from "../../jobs/boss";
import { deliveryJobs } from "../deliveries/delivery.jobs";
import { pool } from "../../db";
import { createTestTenant, type TestTenant } from "../../../tests/helpers/fixtures";
import {
  consoleCreateTopic,
  consoleGetTopic,
  consoleSubscribe,
  consoleListTopics,
  consoleListSubscriptions,
  consoleUpdateTopic,
} from "./topic.console";
import { rotateSigningSecret, signingSecrets, testFilterPolicy, requireSubscription } from "./subscription.service";
import { standardWebhookHeaders } from "../../core/sns/standard-webhooks";

// Topics services as the console uses them, against real PostgreSQL.
let t: TestTenant;
beforeAll(async () => {
  // Job queues are created by web/worker processes at start; these tests enqueue without one.
  await ensureQueues(deliveryJobs);
  t = await createTestTenant();
});

describe("topics (console use cases)", () => {
  it("maps the topic form to typed settings; a bad field changes nothing of the form", async () => {
    const topic = await consoleCreateTopic(t.actor, t.tenant, { name: "console-settings", displayName: "Before" });
    const bad = await consoleUpdateTopic(t.actor, t.tenant, {
      id: topic.id,
      displayName: "After",
      contentBasedDeduplication: true,
    }).catch((e) => e);
    expect(bad).toMatchObject({ code: "validation", awsCode: "InvalidParameter" });
    expect(bad.fieldErrors.ContentBasedDeduplication[0]).toBe(
      "Invalid parameter: ContentBasedDeduplication Reason: Content based deduplication can only be set for FIFO topics",
    );
    expect((await consoleGetTopic(t.actor, t.tenant, topic.id)).displayName).toBe("Before");
    const ok = await consoleUpdateTopic(t.actor, t.tenant, {
      id: topic.id,
      displayName: null,
      deliveryPolicy: '{"http":{"defaultHealthyRetryPolicy":{"numRetries":5}}}',
    });
    expect(ok.displayName).toBeNull();
    expect(JSON.parse(ok.attributes.DeliveryPolicy!)).toMatchObject({
      http: { defaultHealthyRetryPolicy: { numRetries: 5 } },
    });
    const fifo = await consoleCreateTopic(t.actor, t.tenant, {
      name: "console-settings",
      fifo: true,
      contentBasedDeduplication: true,
    });
    expect(fifo).toMatchObject({ name: "console-settings.fifo", fifo: true, contentBasedDeduplication: true });
  });

  it("rejects an invalid filter policy as a field error and creates nothing", async () => {
    const topic = await consoleCreateTopic(t.actor, t.tenant, { name: "console-orders" });
    const err = await consoleSubscribe(t.actor, t.tenant, {
      topicId: topic.id,
      protocol: "sqs",
      endpoint: `arn:aws:sqs:us-east-1:${t.tenant.accountId}:q`,
      filterPolicy: '{"price":[{"numeric":[">","x"]}]}',
    }).catch((e) => e);
    expect(err).toMatchObject({ code: "validation", awsCode: "InvalidParameter" });
    expect(err.fieldErrors.FilterPolicy[0]).toMatch(/^Invalid parameter: Attributes Reason: FilterPolicy: /);
    expect(await consoleListSubscriptions(t.actor, t.tenant, topic.id)).toHaveLength(0);
    const bad = await consoleSubscribe(t.actor, t.tenant, {
      topicId: topic.id,
      protocol: "https",
      endpoint: "http://example.com/wrong-scheme",
    }).catch((e) => e);
    expect(bad.fieldErrors.endpoint).toBeTruthy();
    const list = await consoleListTopics(t.actor, t.tenant);
    expect(list.find((x) => x.id === topic.id)!.subscriptions).toEqual({ confirmed: 0, pending: 0, disabled: 0 });
  });

  it("refuses an endpoint whose address deliveries may never reach, and says why, before saving", async () => {
    const topic = await consoleCreateTopic(t.actor, t.tenant, { name: "console-blocked" });
    for (const endpoint of ["http://10.1.2.3/hook", "https://[::ffff:0:7f00:1]/hook", "http://169.254.169.254/x"]) {
      const err = await consoleSubscribe(t.actor, t.tenant, {
        topicId: topic.id,
        protocol: endpoint.slice(0, 5) === "https" ? "https" : "http",
        endpoint,
      }).catch((e) => e);
      expect(err).toMatchObject({ code: "validation", awsCode: "InvalidParameter" });
      expect(err.fieldErrors.endpoint[0]).toMatch(
        /^Invalid parameter: Endpoint Reason: Signalbox will not deliver to address /,
      );
    }
    expect(await consoleListSubscriptions(t.actor, t.tenant, topic.id)).toHaveLength(0);
    // The test allow-list (SIGNALBOX_WEBHOOK_ALLOWLIST) opens 127.0.0.1, as an operator can.
    await consoleSubscribe(t.actor, t.tenant, {
      topicId: topic.id,
      protocol: "http",
      endpoint: "http://127.0.0.1:9/hook",
    });
    expect(await consoleListSubscriptions(t.actor, t.tenant, topic.id)).toHaveLength(1);
  });

  it("tests a filter policy against a sample and explains a mismatch", () => {
    expect(
      testFilterPolicy({
        filterPolicy: '{"color":["red"]}',
        scope: "MessageAttributes",
        attributes: { color: { DataType: "String", StringValue: "red" } },
      }),
    ).toEqual({ valid: true, match: true });
    const miss = testFilterPolicy({
      filterPolicy: '{"color":["red"]}',
      scope: "MessageAttributes",
      attributes: { color: { DataType: "String", StringValue: "blue" } },
    });
    expect(miss).toMatchObject({ valid: true, match: false });
    expect(
      testFilterPolicy({
        filterPolicy: '{"a":{"b":[{"numeric":[">",1]}]}}',
        scope: "MessageBody",
        body: '{"a":{"b":5}}',
      }),
    ).toEqual({ valid: true, match: true });
    expect(testFilterPolicy({ filterPolicy: "[1]", scope: "MessageAttributes" })).toMatchObject({ valid: false });
  });

  it("shows the signing secret once, seals it at rest, and signs with both secrets during rotation", async () => {
    const topic = await consoleCreateTopic(t.actor, t.tenant, { name: "console-hooks" });
    const created = await consoleSubscribe(t.actor, t.tenant, {
      topicId: topic.id,
      protocol: "https",
      endpoint: "https://hooks.example.com/in",
    });
    expect(created.pendingConfirmation).toBe(true);
    const first = created.signingSecret!;
    expect(first).toMatch(/^whsec_/);
    const stored = (
      await pool().query(`SELECT secret_enc FROM topic_subscriptions WHERE id = $1`, [created.subscription.id])
    ).rows[0].secret_enc;
    expect(stored).not.toContain(first.slice(6));
    expect(JSON.stringify(await consoleListSubscriptions(t.actor, t.tenant, topic.id))).not.toContain(first.slice(6));

    const rotated = await rotateSigningSecret(t.actor, t.tenant, created.subscription.id);
    expect(rotated.secret).not.toBe(first);
    const sub = await requireSubscription(t.tenant, created.subscription.id);
    const secrets = signingSecrets(sub);
    expect(secrets).toEqual([rotated.secret, first]);
    const body = '{"hello":"world"}';
    const headers = standardWebhookHeaders(secrets, "msg_1", Math.floor(Date.now() / 1000), body);
    expect(headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    // Receivers holding either the old or the new secret accept the message.
    expect(() => new Webhook(first).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(rotated.secret).verify(body, headers)).not.toThrow();
    // After the overlap only the new secret signs.
    expect(signingSecrets(sub, new Date(Date.now() + 25 * 3600_000))).toEqual([rotated.secret]);
  });
});

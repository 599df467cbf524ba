import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";

// REST for topics (/api/v1/topics/...) and the public links SNS messages carry.
let web: TestProcess & { url: string };
let t: TestTenant;

beforeAll(async () => {
  await ensureQueues(CONTRACTS);
  t = await createTestTenant();
  web = await startWeb();
});
afterAll(async () => {
  await web?.stop();
});

async function call(method: string, path: string, body?: unknown, auth = true) {
  const r = await fetch(`${web.url}${path}`, {
    method,
    headers: {
      ...(auth ? { authorization: `Bearer ${t.key.id}.${t.key.secret}` } : {}),
      ...(body ? { "content-type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return {
    status: r.status,
    type: r.headers.get("content-type"),
    body: text && r.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text,
  };
}

describe("topics REST API", () => {
  it("creates, lists, reads, subscribes, publishes, unsubscribes and deletes", async () => {
    const created = await call("POST", "/api/v1/topics", { name: "rest-orders", displayName: "Orders" });
    expect(created).toMatchObject({
      status: 201,
      body: {
        name: "rest-orders",
        arn: `arn:aws:sns:us-east-1:${t.tenant.accountId}:rest-orders`,
        displayName: "Orders",
      },
    });
    expect((await call("GET", "/api/v1/topics")).body.topics.map((x: { name: string }) => x.name)).toContain(
      "rest-orders",
    );
    expect((await call("GET", "/api/v1/topics/rest-orders")).body.attributes).toMatchObject({
      DisplayName: "Orders",
      SubscriptionsConfirmed: "0",
    });
    const patched = await call("PATCH", "/api/v1/topics/rest-orders", {
      displayName: "Orders v2",
      deliveryPolicy: '{"http":{"defaultHealthyRetryPolicy":{"numRetries":4}}}',
    });
    expect(patched).toMatchObject({ status: 200, body: { displayName: "Orders v2" } });
    expect(JSON.parse(patched.body.attributes.DeliveryPolicy)).toMatchObject({
      http: { defaultHealthyRetryPolicy: { numRetries: 4 } },
    });
    // One bad field refuses the whole change.
    const refused = await call("PATCH", "/api/v1/topics/rest-orders", {
      displayName: "Orders v3",
      contentBasedDeduplication: true,
    });
    expect(refused).toMatchObject({ status: 400, body: { code: "InvalidParameter" } });
    expect(refused.body.errors.ContentBasedDeduplication).toBeTruthy();
    expect((await call("GET", "/api/v1/topics/rest-orders")).body.displayName).toBe("Orders v2");
    expect((await call("PATCH", "/api/v1/topics/nope", { displayName: "x" })).status).toBe(404);
    const sub = await call("POST", "/api/v1/topics/rest-orders/subscriptions", {
      protocol: "sqs",
      endpoint: `arn:aws:sqs:us-east-1:${t.tenant.accountId}:rest-q`,
      rawMessageDelivery: true,
    });
    expect(sub).toMatchObject({
      status: 201,
      body: {
        pendingConfirmation: false,
        signingSecret: null,
        subscription: { protocol: "sqs", status: "confirmed", rawMessageDelivery: true },
      },
    });
    const bad = await call("POST", "/api/v1/topics/rest-orders/subscriptions", {
      protocol: "sqs",
      endpoint: `arn:aws:sqs:us-east-1:${t.tenant.accountId}:q2`,
      filterPolicy: "{",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("InvalidParameter");
    expect(bad.body.errors.FilterPolicy).toBeTruthy();
    const pub = await call("POST", "/api/v1/topics/rest-orders/messages", { message: "hello", subject: "s" });
    expect(pub).toMatchObject({ status: 201, body: { messageId: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
    expect((await call("POST", "/api/v1/topics/nope/messages", { message: "x" })).status).toBe(404);
    expect((await call("GET", "/api/v1/topics/rest-orders/subscriptions")).body.subscriptions).toHaveLength(1);
    expect((await call("DELETE", `/api/v1/subscriptions/${sub.body.subscription.id}`)).status).toBe(204);
    expect((await call("DELETE", "/api/v1/topics/rest-orders")).status).toBe(204);
    expect((await call("GET", "/api/v1/topics/rest-orders")).status).toBe(404);
  });

  it("serves the signing certificate and the confirmation/unsubscribe links publicly, refusing bad tokens", async () => {
    const cert = await call("GET", "/api/v1/sns/signing-cert.pem", undefined, false);
    expect(cert.status).toBe(200);
    expect(cert.body).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const x = new X509Certificate(cert.body);
    expect(x.verify(x.publicKey)).toBe(true);
    const confirm = await call(
      "GET",
      `/api/v1/sns/confirm?TopicArn=${encodeURIComponent(`arn:aws:sns:us-east-1:${t.tenant.accountId}:x`)}&Token=abc`,
      undefined,
      false,
    );
    expect(confirm.status).toBe(400);
    const unsub = await call(
      "GET",
      `/api/v1/sns/unsubscribe?SubscriptionArn=arn:aws:sns:us-east-1:1:x:y&Signature=forged`,
      undefined,
      false,
    );
    expect(unsub.status).toBe(403);
    const doc = await call("GET", "/api/v1/openapi.json", undefined, false);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/topics",
        "/api/v1/topics/{name}/subscriptions",
        "/api/v1/topics/{name}/messages",
        "/api/v1/sns/signing-cert.pem",
      ]),
    );
  });
});

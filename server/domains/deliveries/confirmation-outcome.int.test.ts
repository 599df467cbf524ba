import http from "node:http";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../db";
import { logger } from "../../logger";
import { createTestTenant, type TestTenant } from "../../../tests/helpers/fixtures";
import { createTopic } from "../topics/topic.service";
import { sendConfirmation } from "./confirmation";
import { confirmationOutcome, listNotifications } from "./delivery.service";

// A pending subscription shows what really happened to its SubscriptionConfirmation: refused
// (blocked address), answered with an error, or received.

const ctx = { jobId: "test", log: logger, retryCount: 0 };
let t: TestTenant;
let topicId: string;
let server: http.Server;
let base: string;

beforeAll(async () => {
  t = await createTestTenant();
  topicId = (await createTopic(t.actor, t.tenant, { name: `conf-${randomUUID().slice(0, 6)}` })).id;
  server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(req.url === "/broken" ? 500 : 200).end();
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

/** A pending HTTP subscription as subscribe() leaves it (written directly: the address check at subscribe time is not under test). */
async function pendingSub(endpoint: string) {
  const id = randomUUID();
  await pool().query(
    `INSERT INTO topic_subscriptions (id, tenant_id, topic_id, arn, protocol, endpoint, status) VALUES ($1,$2,$3,$4,'http',$5,'pending')`,
    [id, t.tenant.id, topicId, `arn:aws:sns:us-east-1:${t.tenant.accountId}:conf:${id}`, endpoint],
  );
  return id;
}

const send = (subscriptionId: string) =>
  sendConfirmation(
    { subscriptionId, tenantId: t.tenant.id, token: "t".repeat(64), baseUrl: "http://127.0.0.1:1" },
    ctx,
  );

describe("confirmation outcome", () => {
  it("is null before any confirmation was tried", async () => {
    expect(await confirmationOutcome(t.actor, t.tenant, await pendingSub(`${base}/ok`))).toBeNull();
  });

  it("says a confirmation to a blocked address was not sent, and tells the team", async () => {
    const id = await pendingSub("http://169.254.169.254/latest/hook");
    await send(id);
    const o = await confirmationOutcome(t.actor, t.tenant, id);
    expect(o?.kind).toBe("confirmation_failed");
    expect(o?.message).toMatch(/was not sent/);
    expect((await listNotifications(t.actor, t.tenant, true)).map((n) => n.subscriptionId)).toContain(id);
  });

  it("says the endpoint answered with an error (and the job retries)", async () => {
    const id = await pendingSub(`${base}/broken`);
    await expect(send(id)).rejects.toThrow(/HTTP 500/);
    expect(await confirmationOutcome(t.actor, t.tenant, id)).toMatchObject({
      kind: "confirmation_failed",
      message: expect.stringMatching(/HTTP 500/),
    });
  });

  it("says the endpoint received it, without a notice", async () => {
    const id = await pendingSub(`${base}/ok`);
    await send(id);
    expect(await confirmationOutcome(t.actor, t.tenant, id)).toMatchObject({
      kind: "confirmation_delivered",
      message: expect.stringMatching(/HTTP 200/),
    });
    expect((await listNotifications(t.actor, t.tenant, true)).map((n) => n.subscriptionId)).not.toContain(id);
  });

  it("is never read across tenants", async () => {
    const id = await pendingSub("http://169.254.169.254/other");
    await send(id);
    const other = await createTestTenant();
    expect(await confirmationOutcome(other.actor, other.tenant, id)).toBeNull();
  });
});

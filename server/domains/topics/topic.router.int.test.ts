import { beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { appRouter } from "../../trpc/root";
import { createCallerFactory } from "../../trpc/trpc";
import { logger } from "../../logger";
import { ensureQueues } from "../../jobs/boss";
import { deliveryJobs } from "../deliveries/delivery.jobs";
import { createTestTenant, addMember, createTestUser, type TestTenant } from "../../../tests/helpers/fixtures";
import { insertOutboxEmail } from "../deliveries/delivery.repository";
import { pool } from "../../db";

// The console's contract: topicRouter and deliveryRouter through the real tRPC stack (session
// user → tenant membership → role check → service), as the console pages call them.
let t: TestTenant;
const callerFor = (userId: string) =>
  createCallerFactory(appRouter)({ userId, requestId: "test", log: logger, origin: null });

beforeAll(async () => {
  await ensureQueues(deliveryJobs);
  t = await createTestTenant();
});

describe("topicRouter / deliveryRouter", () => {
  it("creates a topic, subscribes, publishes and reads the dashboard", async () => {
    const api = callerFor(t.user.id);
    const tenant = t.tenant.slug;
    const topic = await api.topic.create({ tenant, name: "console-flow" });
    expect(topic.arn).toBe(`arn:aws:sns:us-east-1:${t.tenant.accountId}:console-flow`);
    const sub = await api.topic.subscribe({
      tenant,
      topicId: topic.id,
      protocol: "https",
      endpoint: "https://hooks.example.com/x",
      filterPolicy: '{"k":["v"]}',
    });
    expect(sub).toMatchObject({
      pendingConfirmation: true,
      subscription: { status: "pending", filterPolicy: '{"k":["v"]}' },
    });
    expect(sub.signingSecret).toMatch(/^whsec_/);
    await api.topic.confirmSubscription({ tenant, id: sub.subscription.id });
    const rotated = await api.topic.rotateSecret({ tenant, id: sub.subscription.id, overlapHours: 1 });
    expect(rotated.secret).toMatch(/^whsec_/);
    const [listed] = await api.topic.list({ tenant });
    expect(listed).toMatchObject({ id: topic.id, subscriptions: { confirmed: 1, pending: 0, disabled: 0 } });
    const published = await api.topic.publish({
      tenant,
      topicId: topic.id,
      message: "hi",
      messageAttributes: { k: { DataType: "String", StringValue: "v" } },
    });
    expect(published.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await api.topic.messages({ tenant, topicId: topic.id })).map((m: { id: string }) => m.id)).toEqual([
      published.messageId,
    ]);
    expect(
      await api.topic.testFilterPolicy({
        tenant,
        filterPolicy: '{"k":["v"]}',
        scope: "MessageAttributes",
        attributes: { k: { DataType: "String", StringValue: "w" } },
      }),
    ).toMatchObject({ valid: true, match: false });
    const overview = await api.delivery.overview({
      tenant,
      from: new Date(Date.now() - 3600_000),
      to: new Date(Date.now() + 60_000),
    });
    expect(overview).toHaveProperty("totals.successRate");
    expect(await api.delivery.attempts({ tenant, topicId: topic.id })).toHaveProperty("items");
    expect(await api.delivery.disabledEndpoints({ tenant })).toEqual([]);
  });

  it("shows filter-policy mistakes as field errors", async () => {
    const api = callerFor(t.user.id);
    const topic = await api.topic.create({ tenant: t.tenant.slug, name: "console-errors" });
    const err = await api.topic
      .subscribe({
        tenant: t.tenant.slug,
        topicId: topic.id,
        protocol: "sqs",
        endpoint: `arn:aws:sqs:us-east-1:${t.tenant.accountId}:q`,
        filterPolicy: '{"a":[{"bogus":1}]}',
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.cause.fieldErrors.FilterPolicy[0]).toMatch(/FilterPolicy/);
  });

  it("lets a viewer read but not write, and hides other teams' topics", async () => {
    const viewer = await createTestUser();
    await addMember(t.tenant.id, viewer.id, "viewer");
    const api = callerFor(viewer.id);
    expect(Array.isArray(await api.topic.list({ tenant: t.tenant.slug }))).toBe(true);
    await expect(api.topic.create({ tenant: t.tenant.slug, name: "nope" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const other = await createTestTenant();
    await expect(callerFor(other.user.id).topic.list({ tenant: t.tenant.slug })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("updates a topic all or nothing: a bad delivery policy with a new display name changes nothing", async () => {
    const api = callerFor(t.user.id);
    const tenant = t.tenant.slug;
    const topic = await api.topic.create({ tenant, name: "console-atomic", displayName: "Before" });
    const err = await api.topic
      .update({
        tenant,
        id: topic.id,
        displayName: "After",
        deliveryPolicy: '{"http":{"defaultHealthyRetryPolicy":{"numRetries":-1}}}',
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.cause.fieldErrors.DeliveryPolicy[0]).toMatch(/^Invalid parameter: /);
    const after = await api.topic.get({ tenant, id: topic.id });
    expect(after.displayName).toBe("Before");
    expect(after.deliveryPolicy).toBeNull();
    expect(after.updatedAt).toEqual(topic.updatedAt);
    // A FIFO-only attribute on a standard topic also refuses the whole form.
    const err2 = await api.topic
      .update({ tenant, id: topic.id, displayName: "After", contentBasedDeduplication: true })
      .catch((e) => e);
    expect(err2.code).toBe("BAD_REQUEST");
    expect((await api.topic.get({ tenant, id: topic.id })).displayName).toBe("Before");
    // Valid forms still save every field.
    const ok = await api.topic.update({
      tenant,
      id: topic.id,
      displayName: "After",
      deliveryPolicy: '{"http":{"defaultHealthyRetryPolicy":{"numRetries":5}}}',
    });
    expect(ok.displayName).toBe("After");
    expect(ok.attributes.DeliveryPolicy).toContain('"numRetries":5');
  });

  it("pages the email outbox with cursor/nextCursor, newest first", async () => {
    const other = await createTestTenant();
    const api = callerFor(other.user.id);
    const tenant = other.tenant.slug;
    const ids: string[] = [];
    for (let i = 0; i < 45; i++) {
      const id = `outbox-${String(i).padStart(2, "0")}-${other.tenant.id}`;
      ids.push(id);
      await insertOutboxEmail(pool(), {
        id,
        tenantId: other.tenant.id,
        subscriptionId: null,
        deliveryId: null,
        to: `u${i}@example.com`,
        subject: `mail ${i}`,
        body: "hi",
        status: "outbox",
      });
    }
    // Another team's mail never shows up.
    await insertOutboxEmail(pool(), {
      id: `outbox-foreign-${t.tenant.id}`,
      tenantId: t.tenant.id,
      subscriptionId: null,
      deliveryId: null,
      to: "x@example.com",
      subject: "foreign",
      body: "x",
      status: "outbox",
    });

    const seen: string[] = [];
    let cursor: string | null = null;
    const sizes: number[] = [];
    for (let n = 0; n < 10; n++) {
      const page = await api.delivery.outbox({ tenant, limit: 20, cursor });
      sizes.push(page.items.length);
      seen.push(...page.items.map((m) => m.id));
      for (let i = 1; i < page.items.length; i++)
        expect(new Date(page.items[i - 1]!.createdAt).getTime()).toBeGreaterThanOrEqual(
          new Date(page.items[i]!.createdAt).getTime(),
        );
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(sizes).toEqual([20, 20, 5]);
    expect(new Set(seen).size).toBe(45);
    expect([...seen].sort()).toEqual([...ids].sort());
    // Newest first across pages: the first page holds the 20 most recent.
    expect(seen.slice(0, 20)).toEqual([...ids].sort().reverse().slice(0, 20));
    await expect(api.delivery.outbox({ tenant, cursor: "not-a-cursor" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});

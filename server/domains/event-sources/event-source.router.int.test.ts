import { createHmac, randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../../trpc/root";
import { createCallerFactory } from "../../trpc/trpc";
import { logger } from "../../logger";
import { createTestTenant, addMember, createTestUser, type TestTenant } from "../../../tests/helpers/fixtures";
import { ingest, sourceForIngest } from "./event-source.service";

// The console's contract for inbound event sources: eventSourceRouter through the real tRPC stack
// (session user → tenant membership → role check → service), and ingest called as the endpoint
// calls it, against real PostgreSQL.
let t: TestTenant;
const callerFor = (userId: string) =>
  createCallerFactory(appRouter)({ userId, requestId: "test", log: logger, origin: "http://sb.test" });

beforeAll(async () => {
  t = await createTestTenant();
});

const signed = (secret: string, body: string, delivery: string) => ({
  headers: {
    "x-hub-signature-256": "sha256=" + createHmac("sha256", secret).update(body).digest("hex"),
    "x-github-event": "ping",
    "x-github-delivery": delivery,
  },
  body: Buffer.from(body),
});

describe("eventSourceRouter", () => {
  it("creates (secret once), lists, rotates, shows recent requests and deletes; the default bus is made on first use", async () => {
    const api = callerFor(t.user.id);
    const tenant = t.tenant.slug;
    const made = await api.eventSource.create({ tenant, bus: "default", name: "gh", kind: "github" });
    expect(made.source).toMatchObject({
      name: "gh",
      kind: "github",
      bus: "default",
      source: "partner.gh",
      ingestUrl: `http://sb.test/api/v1/ingest/${made.source.id}`,
      tokenHeader: null,
    });
    expect(made.secret.length).toBeGreaterThanOrEqual(40);
    const listed = await api.eventSource.list({ tenant, bus: "default" });
    expect(listed.map((s) => s.id)).toEqual([made.source.id]);
    expect(JSON.stringify(listed)).not.toContain(made.secret);

    const dup = await api.eventSource.create({ tenant, bus: "default", name: "gh", kind: "stripe" }).catch((e) => e);
    expect(dup).toMatchObject({ code: "CONFLICT" });
    expect(dup.cause.fieldErrors.name[0]).toMatch(/already exists/);

    const src = await sourceForIngest(made.source.id);
    const body = JSON.stringify({ zen: "Keep it logically awesome." });
    const first = await ingest(src, signed(made.secret, body, randomUUID()));
    const { secret } = await api.eventSource.rotateSecret({ tenant, bus: "default", id: made.source.id });
    const stale = await ingest(await sourceForIngest(made.source.id), signed(made.secret, body, randomUUID())).catch(
      (e) => e,
    );
    expect(stale).toMatchObject({ code: "unauthenticated" });
    await ingest(await sourceForIngest(made.source.id), signed(secret, body, randomUUID()));
    // With an overlap the previous secret keeps working until it expires.
    const again = await api.eventSource.rotateSecret({ tenant, bus: "default", id: made.source.id, overlapHours: 2 });
    expect(again.previousExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 3600_000);
    expect((await api.eventSource.get({ tenant, bus: "default", id: made.source.id })).previousSecretExpiresAt).toEqual(
      again.previousExpiresAt,
    );
    await ingest(await sourceForIngest(made.source.id), signed(secret, body, randomUUID()));
    await ingest(await sourceForIngest(made.source.id), signed(again.secret, body, randomUUID()));

    const log = await api.eventSource.requests({ tenant, bus: "default", id: made.source.id });
    expect(log.map((r) => [r.status, r.detailType])).toEqual([
      [200, "ping"],
      [200, "ping"],
      [200, "ping"],
      [401, null],
      [200, "ping"],
    ]);
    expect(log[4]!.eventId).toBe(first.eventId);

    await api.eventSource.delete({ tenant, bus: "default", id: made.source.id });
    expect(await api.eventSource.list({ tenant, bus: "default" })).toEqual([]);
    await expect(sourceForIngest(made.source.id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("refuses viewers, unknown buses and bad secrets; nothing is created", async () => {
    const u = await createTestTenant();
    const viewer = await createTestUser();
    await addMember(u.tenant.id, viewer.id, "viewer");
    const tenant = u.tenant.slug;
    await expect(
      callerFor(viewer.id).eventSource.create({ tenant, bus: "default", name: "v", kind: "token" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const api = callerFor(u.user.id);
    await expect(api.eventSource.list({ tenant, bus: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      api.eventSource.create({ tenant, bus: "default", name: "sw", kind: "standard-webhooks", secret: "not base64!!" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      api.eventSource.create({ tenant, bus: "default", name: "bad name!", kind: "token" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await api.eventSource.list({ tenant, bus: "default" })).toEqual([]);
  });
});

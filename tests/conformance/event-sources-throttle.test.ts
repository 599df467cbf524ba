import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { logger } from "../../server/logger";
import { appRouter } from "../../server/trpc/root";
import { createCallerFactory } from "../../server/trpc/trpc";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";

// The ingest URL is public: anyone can post to it. Its tenant's request budget (the per-tenant
// token bucket, here 1 request/s with a burst of 2) is spent only on requests whose signature
// verifies, so an unsigned flood is refused 401 without starving the tenant's real senders or its
// own API calls. The source is made in-process (tRPC) so that setup spends no budget.

let web: TestProcess & { url: string };
let t: TestTenant;

beforeAll(async () => {
  await ensureQueues(CONTRACTS);
  t = await createTestTenant();
  web = await startWeb({ env: { SIGNALBOX_TENANT_RPS: "1" } });
});
afterAll(async () => {
  await web?.stop();
});

const sign = (secret: string, body: string) => "sha256=" + createHmac("sha256", secret).update(body).digest("hex");

describe("inbound event sources under a flood", () => {
  it("an unsigned flood is refused 401 and does not use the tenant's budget; signed requests still get in", async () => {
    const api = createCallerFactory(appRouter)({ userId: t.user.id, requestId: "t", log: logger, origin: web.url });
    const made = await api.eventSource.create({ tenant: t.tenant.slug, bus: "default", name: "gh", kind: "github" });
    const url = `${web.url}/api/v1/ingest/${made.source.id}`;
    const body = JSON.stringify({ zen: "flood" });
    const post = (headers: Record<string, string>) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

    const flood = await Promise.all(
      Array.from({ length: 20 }, () => post({ "x-github-event": "push", "x-github-delivery": randomUUID() })),
    );
    expect(flood.map((r) => r.status)).toEqual(Array(20).fill(401));
    const forged = await post({
      "x-github-event": "push",
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": sign("not-the-secret", body),
    });
    expect(forged.status).toBe(401);

    // The burst of 2 is still there for the tenant's own senders, and verified requests do count:
    // a burst of them beyond it is throttled.
    const burst = await Promise.all(
      Array.from({ length: 6 }, () =>
        post({
          "x-github-event": "push",
          "x-github-delivery": randomUUID(),
          "x-hub-signature-256": sign(made.secret, body),
        }),
      ),
    );
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
    expect(statuses).toContain(429);
  });
});

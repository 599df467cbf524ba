import http from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { appRouter } from "../../server/trpc/root";
import { createCallerFactory } from "../../server/trpc/trpc";
import { logger } from "../../server/logger";
import { handleGateway } from "../../server/http/gateway/gateway";
import { afterCommit, pool, withTransaction } from "../../server/db";
import { createTestTenant } from "../helpers/fixtures";

// Read-your-writes of the gateway's caches: a control-plane write made in this process drops this
// process's cached stages / keys when it commits (server/db.ts afterCommit, registered by the
// repositories), whichever door made it. Here the door is the console's tRPC, and the gateway call
// that follows at once is served by this same process.
//
// The caches are trusted only while the process listens for their NOTIFY, and a NOTIFY would drop the
// entry too, a moment later; to see the commit hook alone, this file's processes "listen" without
// ever hearing a notice (platform/listen is replaced: every channel counts as listened on, nothing
// is delivered). The database is the real one. Without the hook every answer after the first would
// keep the first stage variable forever.

vi.mock("../../server/platform/listen", () => ({
  isListening: () => true,
  listen: async () => () => {},
  stopListening: async () => {},
}));

let backend: http.Server;
let backendUrl = "";
let gateway: http.Server;
let gatewayUrl = "";

beforeAll(async () => {
  backend = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ tier: req.headers["x-tier"] ?? null }));
  });
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
  backendUrl = `http://127.0.0.1:${(backend.address() as { port: number }).port}`;
  gateway = http.createServer((req, res) => void handleGateway(req, res));
  await new Promise<void>((r) => gateway.listen(0, "127.0.0.1", r));
  gatewayUrl = `http://127.0.0.1:${(gateway.address() as { port: number }).port}`;
});
afterAll(async () => {
  backend?.closeAllConnections();
  gateway?.closeAllConnections();
  await Promise.all([
    new Promise((r) => (backend ? backend.close(r) : r(null))),
    new Promise((r) => (gateway ? gateway.close(r) : r(null))),
  ]);
});

describe("gateway caches: read-your-writes in the writing process", () => {
  it("a console (tRPC) stage change is served by the very next gateway call through the same process", async () => {
    const t = await createTestTenant();
    const api = createCallerFactory(appRouter)({
      userId: t.user.id,
      requestId: "test",
      log: logger,
      origin: "http://sb.test",
    });
    const tenant = t.tenant.slug;
    const apiId = (await api.apis.v2.createHttp({ tenant, name: "ryw" })).id;
    const integration = await api.apis.v2.saveIntegration({
      tenant,
      apiId,
      kind: "HTTP_PROXY",
      uri: `${backendUrl}/tier`,
      method: "GET",
      timeoutInMillis: 5000,
      requestParameters: { "overwrite:header.x-tier": "$stageVariables.tier" },
    });
    await api.apis.v2.saveRoute({
      tenant,
      apiId,
      routeKey: "GET /tier",
      target: `integrations/${String(integration.integrationId)}`,
      authorizationType: "NONE",
      authorizationScopes: [],
    });
    const stage = (tier: string, create: boolean) =>
      api.apis.v2.saveStage({
        tenant,
        apiId,
        stageName: "prod",
        create,
        description: "",
        autoDeploy: true,
        stageVariables: { tier },
        throttlingRateLimit: null,
        throttlingBurstLimit: null,
      });
    const tier = async () => {
      const r = await fetch(`${gatewayUrl}/gw/${apiId}/prod/tier`);
      expect(r.status).toBe(200);
      return ((await r.json()) as { tier: string | null }).tier;
    };
    await stage("gold", true);
    expect(await tier()).toBe("gold");
    expect(await tier()).toBe("gold"); // now cached
    for (const next of ["silver", "bronze", "gold"]) {
      await stage(next, false);
      expect(await tier()).toBe(next);
    }
  });
});

describe("afterCommit", () => {
  it("runs a transaction's hooks after COMMIT, never after a rollback, at once outside one", async () => {
    const seen: string[] = [];
    await withTransaction(async (tx) => {
      await tx.query(`CREATE TEMP TABLE IF NOT EXISTS ryw_probe (x int)`);
      afterCommit(tx, () => seen.push("committed"));
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual(["committed"]);
    await expect(
      withTransaction(async (tx) => {
        afterCommit(tx, () => seen.push("rolled back"));
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    expect(seen).toEqual(["committed"]);
    afterCommit(pool(), () => seen.push("pool"));
    expect(seen).toEqual(["committed", "pool"]);
  });
});

import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
} from "@aws-sdk/client-apigatewayv2";
import { appRouter } from "../../server/trpc/root";
import { createCallerFactory } from "../../server/trpc/trpc";
import { logger } from "../../server/logger";
import { pool } from "../../server/db";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";

// An HTTP API (v2) call is counted in the API metrics (Count, 4XXError, 5XXError, Latency,
// IntegrationLatency, per route key) and written to the access log with the stage's formatted line,
// end to end through a started web process: a route to an echo server (200), a route to a closed
// port (503: the integration ran and failed) and an unmatched path (404: no integration ran).

const callerFor = (userId: string) =>
  createCallerFactory(appRouter)({ userId, requestId: "test", log: logger, origin: "http://sb.test" });

async function waitFor<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await fn();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("HTTP API metrics and access log", () => {
  let t: TestTenant;
  let web: TestProcess & { url: string };
  let echo: http.Server;
  let apiId: string;
  const sent: Array<{ path: string; status: number; requestId: string }> = [];

  beforeAll(async () => {
    t = await createTestTenant();
    echo = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ url: req.url }));
      });
    });
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
    const echoUrl = `http://127.0.0.1:${(echo.address() as { port: number }).port}`;
    // A port nobody listens on (taken, then freed).
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));

    web = await startWeb();
    const v2 = new ApiGatewayV2Client({
      endpoint: `${web.url}/api/aws`,
      region: "us-east-1",
      credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
      maxAttempts: 1,
    });
    apiId = (await v2.send(new CreateApiCommand({ Name: uniqueName("v2metrics"), ProtocolType: "HTTP" }))).ApiId!;
    const route = async (routeKey: string, uri: string) => {
      const i = await v2.send(
        new CreateIntegrationCommand({
          ApiId: apiId,
          IntegrationType: "HTTP_PROXY",
          IntegrationUri: uri,
          IntegrationMethod: "ANY",
          PayloadFormatVersion: "1.0",
          TimeoutInMillis: 5000,
        }),
      );
      await v2.send(
        new CreateRouteCommand({ ApiId: apiId, RouteKey: routeKey, Target: `integrations/${i.IntegrationId}` }),
      );
    };
    await route("GET /hello", `${echoUrl}/hello`);
    await route("GET /down", `http://127.0.0.1:${closedPort}/down`);
    await v2.send(
      new CreateStageCommand({
        ApiId: apiId,
        StageName: "prod",
        AutoDeploy: true,
        AccessLogSettings: {
          DestinationArn: "arn:aws:logs:us-east-1:123456789012:log-group:v2-metrics",
          Format: "$context.requestId $context.httpMethod $context.routeKey $context.status",
        },
      }),
    );
    v2.destroy();

    for (const [path, n] of [
      ["/hello", 3],
      ["/down", 2],
      ["/nope", 2],
    ] as const) {
      for (let i = 0; i < n; i++) {
        const r = await fetch(`${web.url}/gw/${apiId}/prod${path}`, { headers: { "user-agent": "v2-metrics/1" } });
        await r.arrayBuffer();
        sent.push({ path, status: r.status, requestId: r.headers.get("apigw-requestid")! });
      }
    }
    expect(sent.map((s) => s.status)).toEqual([200, 200, 200, 503, 503, 404, 404]);
    expect(sent.every((s) => s.requestId)).toBe(true);
    await waitFor(
      "the recorder's flush",
      async () =>
        Number(
          (
            await pool().query(`SELECT count(*) FROM api_access_log WHERE tenant_id = $1 AND api_id = $2`, [
              t.tenant.id,
              apiId,
            ])
          ).rows[0].count,
        ),
      (n) => n >= 7,
    );
  }, 180_000);

  afterAll(async () => {
    await web?.stop();
    await new Promise((r) => echo?.close(r));
  });

  it("metrics: Count, 4XX, 5XX, Latency and IntegrationLatency, per route key", async () => {
    const api = callerFor(t.user.id);
    const tenant = t.tenant.slug;
    const m = await api.apis.metrics({ tenant, apiId });
    expect(m.totals).toMatchObject({ count: 7, errors4xx: 2, errors5xx: 2, cacheHits: 0, cacheMisses: 0 });
    expect(m.totals.latencyAvg).not.toBeNull();
    expect(m.totals.latencyMax).toBeGreaterThanOrEqual(m.totals.latencyP50!);
    // The integration ran for /hello and /down, not for the unmatched path.
    expect(m.totals.integrationLatencyAvg).not.toBeNull();
    expect(m.points.reduce((s, p) => s + p.count, 0)).toBe(7);
    expect(m.dimensions.map((d) => `${d.stage} ${d.method} ${d.resource}`).sort()).toEqual([
      "prod GET -",
      "prod GET GET /down",
      "prod GET GET /hello",
    ]);
    const hello = await api.apis.metrics({ tenant, apiId, stage: "prod", resource: "GET /hello", method: "GET" });
    expect(hello.totals).toMatchObject({ count: 3, errors4xx: 0, errors5xx: 0 });
    expect(hello.totals.integrationLatencyAvg).not.toBeNull();
    const down = await api.apis.metrics({ tenant, apiId, stage: "prod", resource: "GET /down", method: "GET" });
    expect(down.totals).toMatchObject({ count: 2, errors4xx: 0, errors5xx: 2 });
    const unmatched = await api.apis.metrics({ tenant, apiId, stage: "prod", resource: "-", method: "GET" });
    expect(unmatched.totals).toMatchObject({ count: 2, errors4xx: 2, errors5xx: 0 });
    expect(unmatched.totals.integrationLatencyAvg).toBeNull();

    // The same over REST.
    const auth = { authorization: `Bearer ${t.key.id}.${t.key.secret}` };
    const rest = await fetch(`${web.url}/api/v1/apis/${apiId}/metrics?stage=prod`, { headers: auth });
    expect(rest.status).toBe(200);
    expect((await rest.json()).totals).toMatchObject({ count: 7, errors4xx: 2, errors5xx: 2 });
  });

  it("access log: one entry per call with the stage's formatted line", async () => {
    const api = callerFor(t.user.id);
    const log = await api.apis.accessLog({ tenant: t.tenant.slug, apiId, limit: 200 });
    expect(log.entries.map((e) => e.requestId).sort()).toEqual(sent.map((s) => s.requestId).sort());
    for (const s of sent) {
      const e = log.entries.find((x) => x.requestId === s.requestId)!;
      const routeKey = s.path === "/nope" ? "-" : `GET ${s.path}`;
      expect(e).toMatchObject({
        method: "GET",
        path: s.path,
        status: s.status,
        stage: "prod",
        userAgent: "v2-metrics/1",
        line: `${s.requestId} GET ${routeKey} ${s.status}`,
      });
      expect(e.latencyMs).toBeGreaterThanOrEqual(0);
      expect(e.integrationLatencyMs === null).toBe(s.path === "/nope");
    }
  });
});

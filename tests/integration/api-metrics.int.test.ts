import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../../server/trpc/root";
import { createCallerFactory } from "../../server/trpc/trpc";
import { logger } from "../../server/logger";
import { pool } from "../../server/db";
import { runApiMetricsRetention } from "../../server/domains/apis/metrics/retention";
import { addMember, createTestTenant, createTestUser, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";
import WebSocket from "ws";
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateIntegrationResponseCommand,
  CreateRouteCommand,
  CreateStageCommand,
} from "@aws-sdk/client-apigatewayv2";
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from "@aws-sdk/client-apigatewaymanagementapi";

// API metrics and the access log end to end: a REST API (a cached MOCK GET, a MOCK whose template
// is broken → 500, and an unknown path → 403) called through a started web process; then the
// console's and REST's queries must agree exactly with what was sent, and a graceful stop must
// write what the recorder still holds.

const callerFor = (userId: string) =>
  createCallerFactory(appRouter)({ userId, requestId: "test", log: logger, origin: "http://sb.test" });

type Api = ReturnType<typeof callerFor>;

async function mockMethod(api: Api, tenant: string, apiId: string, parentId: string, part: string, template: string) {
  const res = (await api.apis.addResource({ tenant, apiId, parentId, pathPart: part })) as { id: string };
  const ref = { tenant, apiId, resourceId: res.id, httpMethod: "GET" as const };
  await api.apis.saveMethod({
    ...ref,
    create: true,
    authorizationType: "NONE",
    apiKeyRequired: false,
    requestParameters: {},
  });
  await api.apis.saveIntegration({
    ...ref,
    type: "MOCK",
    requestParameters: {},
    requestTemplates: { "application/json": template },
    passthroughBehavior: "WHEN_NO_MATCH",
    timeoutInMillis: 29000,
    responses: [{ statusCode: "200", responseTemplate: '{"ok": true}' }],
  });
}

async function waitFor<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await fn();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const logCount = async (tenantId: string, apiId: string) =>
  Number(
    (await pool().query(`SELECT count(*) FROM api_access_log WHERE tenant_id = $1 AND api_id = $2`, [tenantId, apiId]))
      .rows[0].count,
  );

describe("API metrics and access log", () => {
  let t: TestTenant;
  let api: Api;
  let tenant: string;
  let apiId: string;
  let web: TestProcess & { url: string };
  const requestIds: string[] = [];

  beforeAll(async () => {
    t = await createTestTenant();
    api = callerFor(t.user.id);
    tenant = t.tenant.slug;
    apiId = (await api.apis.create({ tenant, name: uniqueName("metrics-api") })).id;
    const root = (await api.apis.get({ tenant, apiId })).rootResourceId;
    await mockMethod(api, tenant, apiId, root, "items", '{"statusCode": 200}');
    await mockMethod(api, tenant, apiId, root, "boom", "not json");
    await api.apis.deploy({ tenant, apiId, stageName: "prod" });
    await api.apis.updateStage({
      tenant,
      apiId,
      stageName: "prod",
      description: "",
      variables: {},
      throttlingRateLimit: null,
      throttlingBurstLimit: null,
      cacheClusterEnabled: true,
      cachingEnabled: true,
      cacheTtlInSeconds: 300,
    });
    // accessLogSettings (the console has no form for it): the stored row takes the format.
    await pool().query(
      `UPDATE rest_api_stages SET settings = settings || $3::jsonb WHERE rest_api_id = $1 AND stage_name = $2`,
      [
        apiId,
        "prod",
        JSON.stringify({
          accessLogSettings: { format: "$context.requestId $context.httpMethod $context.resourcePath $context.status" },
        }),
      ],
    );
    web = await startWeb();
    const call = async (path: string) => {
      const r = await fetch(`${web.url}/gw/${apiId}/prod${path}`, { headers: { "user-agent": "metrics-test/1" } });
      await r.arrayBuffer();
      requestIds.push(r.headers.get("x-amzn-requestid")!);
      return r.status;
    };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push(await call("/items")); // 1 miss, 4 hits
    for (let i = 0; i < 3; i++) statuses.push(await call("/boom")); // 500
    for (let i = 0; i < 2; i++) statuses.push(await call("/nope")); // 403
    expect(statuses).toEqual([200, 200, 200, 200, 200, 500, 500, 500, 403, 403]);
    await waitFor(
      "the recorder's flush",
      () => logCount(t.tenant.id, apiId),
      (n) => n >= 10,
    );
  }, 180_000);

  afterAll(async () => {
    await web?.stop();
  });

  it("metrics: counts per status class, cache hits and misses, latencies; points add up to the totals", async () => {
    const m = await api.apis.metrics({ tenant, apiId });
    // Caching is on for every GET: /items misses once then hits; each /boom is a miss (failures are not cached).
    expect(m.totals).toMatchObject({ count: 10, errors4xx: 2, errors5xx: 3, cacheHits: 4, cacheMisses: 4 });
    expect(m.totals.cacheHitRate).toBe(0.5);
    expect(m.totals.latencyAvg).not.toBeNull();
    expect(m.totals.latencyP99).not.toBeNull();
    expect(m.totals.latencyMax).toBeGreaterThanOrEqual(m.totals.latencyP50!);
    // The integration ran for the cache miss and the three 500s (not for hits, not for the 403s).
    expect(m.totals.integrationLatencyAvg).not.toBeNull();
    const sum = (k: "count" | "errors4xx" | "errors5xx" | "cacheHits" | "cacheMisses") =>
      m.points.reduce((s, p) => s + p[k], 0);
    expect([sum("count"), sum("errors4xx"), sum("errors5xx"), sum("cacheHits"), sum("cacheMisses")]).toEqual([
      10, 2, 3, 4, 4,
    ]);
    // Zoomed to the data: a minute period and a window of about the data, not the default 3 hours.
    expect(m.period).toBe(60);
    expect(Date.parse(m.to) - Date.parse(m.from)).toBeLessThan(3 * 3600_000);
    expect(m.dimensions.map((d) => `${d.stage} ${d.method} ${d.resource}`).sort()).toEqual([
      "prod GET -",
      "prod GET /boom",
      "prod GET /items",
    ]);

    const boom = await api.apis.metrics({ tenant, apiId, stage: "prod", resource: "/boom", method: "GET" });
    expect(boom.totals).toMatchObject({ count: 3, errors5xx: 3, errors4xx: 0, cacheHits: 0, cacheMisses: 3 });
    const none = await api.apis.metrics({ tenant, apiId, stage: "beta" });
    expect(none.totals.count).toBe(0);
    expect(none.points.every((p) => p.count === 0)).toBe(true);
    // An explicit period over a week: daily points, the same totals.
    const week = await api.apis.metrics({
      tenant,
      apiId,
      from: new Date(Date.now() - 7 * 86400_000).toISOString(),
      period: 86400,
      zoom: false,
    });
    expect(week.period).toBe(86400);
    expect(week.totals.count).toBe(10);
    expect(week.points.reduce((s, p) => s + p.count, 0)).toBe(10);
  });

  it("access log: newest first, each filter, keyset pages, the stage's formatted line", async () => {
    const all = await api.apis.accessLog({ tenant, apiId, limit: 200 });
    expect(all.entries).toHaveLength(10);
    expect(all.entries.map((e) => e.requestId).sort()).toEqual([...requestIds].sort());
    const times = all.entries.map((e) => Date.parse(e.time));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const e = all.entries.find((x) => x.requestId === requestIds[5])!;
    expect(e).toMatchObject({
      method: "GET",
      path: "/boom",
      resource: "/boom",
      status: 500,
      stage: "prod",
      userAgent: "metrics-test/1",
    });
    expect(e.integrationLatencyMs).not.toBeNull();
    expect(e.line).toBe(`${requestIds[5]} GET /boom 500`);
    const hit = all.entries.find((x) => x.requestId === requestIds[4])!;
    expect([hit.cache, hit.integrationLatencyMs]).toEqual(["hit", null]);

    const count = async (f: Record<string, unknown>) =>
      (await api.apis.accessLog({ tenant, apiId, limit: 200, ...f })).entries.length;
    expect(await count({ statusClass: "5xx" })).toBe(3);
    expect(await count({ statusClass: "4xx" })).toBe(2);
    expect(await count({ statusClass: "2xx" })).toBe(5);
    expect(await count({ status: 403 })).toBe(2);
    expect(await count({ path: "BOO" })).toBe(3);
    expect(await count({ method: "POST" })).toBe(0);
    expect(await count({ requestId: requestIds[0] })).toBe(1);
    expect(await count({ ip: e.sourceIp! })).toBe(10);
    expect(await count({ ip: "192.0.2.1" })).toBe(0);
    expect(await count({ apiKeyId: "nokey" })).toBe(0);
    expect(await count({ stage: "beta" })).toBe(0);
    expect(
      await count({
        from: new Date(Date.now() + 60_000).toISOString(),
        to: new Date(Date.now() + 120_000).toISOString(),
      }),
    ).toBe(0);

    const seen: string[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    do {
      const page = await api.apis.accessLog({ tenant, apiId, limit: 4, cursor });
      sizes.push(page.entries.length);
      seen.push(...page.entries.map((x) => x.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(sizes).toEqual([4, 4, 2]);
    expect(seen).toEqual(all.entries.map((x) => x.id));
  });

  it("bad input gets field errors; an unknown or foreign API is not found; viewers read", async () => {
    await expect(api.apis.accessLog({ tenant, apiId, status: 42 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      api.apis.metrics({
        tenant,
        apiId,
        from: new Date().toISOString(),
        to: new Date(Date.now() - 1000).toISOString(),
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(api.apis.metrics({ tenant, apiId: "nosuchapi" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const other = await createTestTenant();
    await expect(callerFor(other.user.id).apis.metrics({ tenant: other.tenant.slug, apiId })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const viewer = await createTestUser();
    await addMember(t.tenant.id, viewer.id, "viewer");
    expect((await callerFor(viewer.id).apis.metrics({ tenant, apiId })).totals.count).toBe(10);
  });

  it("REST: /api/v1/apis/{apiId}/metrics and /access-log, problem+json on bad input", async () => {
    const auth = { authorization: `Bearer ${t.key.id}.${t.key.secret}` };
    const m = await fetch(`${web.url}/api/v1/apis/${apiId}/metrics?stage=prod`, { headers: auth });
    expect(m.status).toBe(200);
    expect((await m.json()).totals).toMatchObject({ count: 10, errors4xx: 2, errors5xx: 3 });
    const l = await fetch(`${web.url}/api/v1/apis/${apiId}/access-log?statusClass=5xx&limit=2`, { headers: auth });
    const page = await l.json();
    expect([l.status, page.entries.length, typeof page.nextCursor]).toEqual([200, 2, "string"]);
    const next = await (
      await fetch(`${web.url}/api/v1/apis/${apiId}/access-log?statusClass=5xx&limit=2&cursor=${page.nextCursor}`, {
        headers: auth,
      })
    ).json();
    expect([next.entries.length, next.nextCursor]).toEqual([1, null]);
    const bad = await fetch(`${web.url}/api/v1/apis/${apiId}/access-log?status=abc`, { headers: auth });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    const missing = await fetch(`${web.url}/api/v1/apis/nosuchapi/metrics`, { headers: auth });
    expect(missing.status).toBe(404);
    const doc = await (await fetch(`${web.url}/api/v1/openapi.json`)).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/v1/apis/{apiId}/metrics", "/api/v1/apis/{apiId}/access-log"]),
    );
  });

  it("WebSocket APIs: ConnectCount, MessageCount per route key, ClientError, IntegrationError, ExecutionError", async () => {
    const v2 = new ApiGatewayV2Client({
      endpoint: `${web.url}/api/aws`,
      region: "us-east-1",
      credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
      maxAttempts: 1,
    });
    const ws = await v2.send(
      new CreateApiCommand({
        Name: uniqueName("ws"),
        ProtocolType: "WEBSOCKET",
        RouteSelectionExpression: "${request.body.op}",
      }),
    );
    const wsId = ws.ApiId!;
    await v2.send(new CreateStageCommand({ ApiId: wsId, StageName: "live", AutoDeploy: true }));
    const mock = await v2.send(
      new CreateIntegrationCommand({
        ApiId: wsId,
        IntegrationType: "MOCK",
        RequestTemplates: { $default: '{"statusCode": 200}' },
      }),
    );
    await v2.send(
      new CreateIntegrationResponseCommand({
        ApiId: wsId,
        IntegrationId: mock.IntegrationId!,
        IntegrationResponseKey: "$default",
        ResponseTemplates: { $default: '{"pong": true}' },
      }),
    );
    await v2.send(
      new CreateRouteCommand({
        ApiId: wsId,
        RouteKey: "ping",
        Target: `integrations/${mock.IntegrationId}`,
        RouteResponseSelectionExpression: "$default",
      }),
    );
    // A route whose integration answers 500: an IntegrationError (the gateway itself did not fail).
    const failing = await v2.send(
      new CreateIntegrationCommand({
        ApiId: wsId,
        IntegrationType: "MOCK",
        RequestTemplates: { $default: '{"statusCode": 500}' },
      }),
    );
    await v2.send(
      new CreateIntegrationResponseCommand({
        ApiId: wsId,
        IntegrationId: failing.IntegrationId!,
        IntegrationResponseKey: "$default",
        ResponseTemplates: { $default: '{"failed": true}' },
      }),
    );
    await v2.send(
      new CreateRouteCommand({
        ApiId: wsId,
        RouteKey: "bad",
        Target: `integrations/${failing.IntegrationId}`,
        RouteResponseSelectionExpression: "$default",
      }),
    );
    // A route whose integration cannot be called (an HTTP backend that refuses): an ExecutionError.
    const down = await v2.send(
      new CreateIntegrationCommand({
        ApiId: wsId,
        IntegrationType: "HTTP_PROXY",
        IntegrationMethod: "POST",
        IntegrationUri: "http://127.0.0.1:9/nothing-listens-here",
      }),
    );
    await v2.send(
      new CreateRouteCommand({ ApiId: wsId, RouteKey: "down", Target: `integrations/${down.IntegrationId}` }),
    );
    v2.destroy();
    const client = new WebSocket(`${web.url.replace("http", "ws")}/gw/${wsId}/live`);
    await new Promise((r) => client.once("open", r));
    for (const op of ["ping", "ping", "other", "bad", "down"]) {
      const reply = new Promise((r) => client.once("message", r));
      client.send(JSON.stringify({ op }));
      await reply;
    }
    // Two @connections POSTs (the AWS door's PostToConnection) reach the client too.
    const [connection] = await api.apis.v2.connections({ tenant, apiId: wsId });
    const posts = new ApiGatewayManagementApiClient({
      endpoint: `${web.url}/gw/${wsId}/live`,
      region: "us-east-1",
      credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
      maxAttempts: 1,
    });
    for (const data of ["one", "two"]) {
      const got = new Promise((r) => client.once("message", r));
      await posts.send(new PostToConnectionCommand({ ConnectionId: connection!.id, Data: Buffer.from(data) }));
      await got;
    }
    posts.destroy();
    client.close();
    const m = await waitFor(
      "the WebSocket messages' flush",
      () => api.apis.metrics({ tenant, apiId: wsId }),
      (x) => x.totals.count >= 6 && x.totals.messageCount >= 10,
    );
    // MessageCount counts both directions: the client's 5 frames, the 3 route responses (ping, ping,
    // bad: the integration's 500 still reaches the client; "other" and "down" get the gateway's error
    // frames, which are not route responses) and the 2 POSTs. Count stays the client's requests.
    const expected = {
      count: 6,
      connectCount: 1,
      messageCount: 10,
      errors4xx: 1,
      errors5xx: 2,
      clientErrors: 1,
      integrationErrors: 1,
      executionErrors: 1,
    };
    expect(m.totals).toMatchObject(expected);
    expect(m.dimensions.map((d) => `${d.method} ${d.resource}`).sort()).toEqual([
      "CONNECT $connect",
      "MESSAGE -",
      "MESSAGE bad",
      "MESSAGE down",
      "MESSAGE ping",
    ]);
    const only = await api.apis.metrics({ tenant, apiId: wsId, method: "CONNECT" });
    expect(only.totals).toMatchObject({ count: 1, connectCount: 1, messageCount: 0 });
    // The REST door answers the same names.
    const rest = await fetch(`${web.url}/api/v1/apis/${wsId}/metrics`, {
      headers: { authorization: `Bearer ${t.key.id}.${t.key.secret}` },
    });
    expect(rest.status).toBe(200);
    expect((await rest.json()).totals).toMatchObject(expected);
    const log = await api.apis.accessLog({ tenant, apiId: wsId, method: "MESSAGE", statusClass: "2xx" });
    expect(log.entries.map((e) => [e.path, e.status, e.integrationLatencyMs !== null])).toEqual([
      ["ping", 200, true],
      ["ping", 200, true],
    ]);
  });

  it("a graceful stop writes what the recorder still holds", async () => {
    // A second web process that would not flush for a minute on its own.
    const slow = await startWeb({ env: { SIGNALBOX_API_METRICS_FLUSH_MS: "60000" } });
    try {
      for (let i = 0; i < 2; i++) {
        const r = await fetch(`${slow.url}/gw/${apiId}/prod/items`);
        expect(r.status).toBe(200);
      }
      expect(await logCount(t.tenant.id, apiId)).toBe(10);
    } finally {
      await slow.stop("SIGTERM");
    }
    expect(await logCount(t.tenant.id, apiId)).toBe(12);
    const m = await api.apis.metrics({ tenant, apiId });
    // The stage cache is shared by every web process: both calls were answered from it.
    expect(m.totals).toMatchObject({ count: 12, cacheHits: 6, cacheMisses: 4 });
  }, 180_000);

  it("retention drops access-log rows after 7 days and metrics after 15", async () => {
    const metricRows = async () =>
      Number((await pool().query(`SELECT count(*) FROM api_metrics_minute WHERE api_id = $1`, [apiId])).rows[0].count);
    expect(await metricRows()).toBeGreaterThan(0);
    await runApiMetricsRetention(new Date(Date.now() + 8 * 86400_000));
    expect(await logCount(t.tenant.id, apiId)).toBe(0);
    expect(await metricRows()).toBeGreaterThan(0);
    await runApiMetricsRetention(new Date(Date.now() + 16 * 86400_000));
    expect(await metricRows()).toBe(0);
  });
});

import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteStageCommand,
  DeleteUsagePlanKeyCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  UpdateApiKeyCommand,
  UpdateStageCommand,
  UpdateUsagePlanCommand,
} from "@aws-sdk/client-api-gateway";
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
  DeleteStageCommand as DeleteV2StageCommand,
  UpdateStageCommand as UpdateV2StageCommand,
} from "@aws-sdk/client-apigatewayv2";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";

// The gateway caches stages and API keys (with their usage plans) per web process and drops them
// when a NOTIFY says they changed (server/domains/apis/gateway-cache.ts). Two web processes: every
// change is made through web A, and web B (whose caches were warmed first) must see it as soon as
// the notice reaches it: a disabled or deleted key is refused, a redeployment or UpdateStage is
// served, a plan's new throttle applies. (The notice is sent at A's commit and reaches B's LISTEN
// connection a moment later, usually before the test's next request does; on a loaded machine it
// may take a few milliseconds, so `seen` asks B again until the change shows, a bounded number of
// times. Without the invalidation nothing would change B's answer: the caches have no expiry.)

const region = "us-east-1";
type Web = TestProcess & { url: string; port: number };
let webA: Web;
let webB: Web;
let t: TestTenant;
let gw: APIGatewayClient;
let gw2: ApiGatewayV2Client;
let echo: http.Server;
let echoUrl: string;

beforeAll(async () => {
  t = await createTestTenant();
  [webA, webB] = await Promise.all([startWeb(), startWeb()]);
  const credentials = { accessKeyId: t.key.id, secretAccessKey: t.key.secret };
  gw = new APIGatewayClient({ endpoint: `${webA.url}/api/aws`, region, credentials, maxAttempts: 1 });
  gw2 = new ApiGatewayV2Client({ endpoint: `${webA.url}/api/aws`, region, credentials, maxAttempts: 1 });
  echo = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ url: req.url }));
    });
  });
  await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
  echoUrl = `http://127.0.0.1:${(echo.address() as { port: number }).port}`;
});
afterAll(async () => {
  gw?.destroy();
  gw2?.destroy();
  await Promise.all([webA?.stop(), webB?.stop()]);
  echo?.closeAllConnections();
  await new Promise<void>((r) => (echo ? echo.close(() => r()) : r()));
});

async function call(web: Web, path: string, apiKey?: string): Promise<{ status: number; body: string }> {
  const r = await fetch(`${web.url}${path}`, { headers: apiKey ? { "x-api-key": apiKey } : {} });
  return { status: r.status, body: await r.text() };
}

/** A REST API with GET /mock (MOCK answering `template`, API key required) deployed to "prod". */
async function restApi(template: string) {
  const api = await gw.send(new CreateRestApiCommand({ name: uniqueName("cache") }));
  const restApiId = api.id!;
  const resourceId = (
    await gw.send(new CreateResourceCommand({ restApiId, parentId: api.rootResourceId!, pathPart: "mock" }))
  ).id!;
  const m = { restApiId, resourceId, httpMethod: "GET" };
  await gw.send(new PutMethodCommand({ ...m, authorizationType: "NONE", apiKeyRequired: true }));
  await gw.send(
    new PutIntegrationCommand({ ...m, type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } }),
  );
  await gw.send(new PutMethodResponseCommand({ ...m, statusCode: "200" }));
  await gw.send(
    new PutIntegrationResponseCommand({ ...m, statusCode: "200", responseTemplates: { "application/json": template } }),
  );
  await gw.send(new CreateDeploymentCommand({ restApiId, stageName: "prod", variables: { color: "red" } }));
  const key = await gw.send(new CreateApiKeyCommand({ name: uniqueName("k"), enabled: true }));
  const plan = await gw.send(
    new CreateUsagePlanCommand({
      name: uniqueName("p"),
      throttle: { rateLimit: 1000, burstLimit: 2000 },
      apiStages: [{ apiId: restApiId, stage: "prod" }],
    }),
  );
  await gw.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id!, keyId: key.id!, keyType: "API_KEY" }));
  return { restApiId, m, keyId: key.id!, key: key.value!, planId: plan.id!, path: `/gw/${restApiId}/prod/mock` };
}

/** Asks `web` until `ok` holds for its answer (at most 100 times, 10 ms apart); that answer. */
async function seen(web: Web, path: string, ok: (r: { status: number; body: string }) => boolean, apiKey?: string) {
  let r = await call(web, path, apiKey);
  for (let i = 0; i < 100 && !ok(r); i++) {
    await new Promise((res) => setTimeout(res, 10));
    r = await call(web, path, apiKey);
    if (process.env.GATEWAY_CACHE_VERBOSE) console.info(`${path}: asked again (${i + 1})`);
  }
  return r;
}
const status = (s: number) => (r: { status: number }) => r.status === s;
const json = (v: unknown) => (r: { body: string }) => r.body.replace(/\s/g, "") === JSON.stringify(v);

/** Both processes answer 200 a few times (their caches now hold the stage and the key). */
async function warm(path: string, key: string) {
  for (const web of [webA, webB, webB, webA]) expect(await call(web, path, key)).toMatchObject({ status: 200 });
}

describe("the gateway's caches across two web processes", () => {
  it("a disabled key is refused at once by the other process, and works again once enabled", async () => {
    const a = await restApi('{"ok": true}');
    await warm(a.path, a.key);
    await gw.send(
      new UpdateApiKeyCommand({
        apiKey: a.keyId,
        patchOperations: [{ op: "replace", path: "/enabled", value: "false" }],
      }),
    );
    expect(await seen(webB, a.path, status(403), a.key)).toMatchObject({ status: 403 });
    expect(await call(webA, a.path, a.key)).toMatchObject({ status: 403 });
    expect(await call(webB, a.path, a.key)).toMatchObject({ status: 403 });
    await gw.send(
      new UpdateApiKeyCommand({
        apiKey: a.keyId,
        patchOperations: [{ op: "replace", path: "/enabled", value: "true" }],
      }),
    );
    expect(await seen(webB, a.path, status(200), a.key)).toMatchObject({ status: 200 });
  });

  it("a deleted key, or a key taken out of its plan, is refused at once by the other process", async () => {
    const a = await restApi('{"ok": true}');
    await warm(a.path, a.key);
    await gw.send(new DeleteUsagePlanKeyCommand({ usagePlanId: a.planId, keyId: a.keyId }));
    expect(await seen(webB, a.path, status(403), a.key)).toMatchObject({ status: 403 });
    await gw.send(new CreateUsagePlanKeyCommand({ usagePlanId: a.planId, keyId: a.keyId, keyType: "API_KEY" }));
    expect(await seen(webB, a.path, status(200), a.key)).toMatchObject({ status: 200 });
    await gw.send(new DeleteApiKeyCommand({ apiKey: a.keyId }));
    expect(await seen(webB, a.path, status(403), a.key)).toMatchObject({ status: 403 });
    expect(await call(webB, a.path, a.key)).toMatchObject({ status: 403 });
  });

  it("a plan's new throttle applies at once in the other process", async () => {
    const a = await restApi('{"ok": true}');
    await warm(a.path, a.key);
    await gw.send(
      new UpdateUsagePlanCommand({
        usagePlanId: a.planId,
        patchOperations: [
          { op: "replace", path: "/throttle/rateLimit", value: "0.001" },
          { op: "replace", path: "/throttle/burstLimit", value: "1" },
        ],
      }),
    );
    // Burst 1 and a token every 1,000 s: B admits at most one more request under the new limit
    // (the tokens it had leased under the old one are void), then refuses.
    expect(await seen(webB, a.path, status(429), a.key)).toMatchObject({ status: 429 });
    expect((await call(webB, a.path, a.key)).status).toBe(429);
    expect((await call(webA, a.path, a.key)).status).toBe(429);
  });

  it("a redeployment and UpdateStage are served at once by the other process; a deleted stage is gone", async () => {
    const a = await restApi('{"color": "$stageVariables.color", "v": 1}');
    await warm(a.path, a.key);
    expect(JSON.parse((await call(webB, a.path, a.key)).body)).toEqual({ color: "red", v: 1 });
    await gw.send(
      new PutIntegrationResponseCommand({
        ...a.m,
        statusCode: "200",
        responseTemplates: { "application/json": '{"color": "$stageVariables.color", "v": 2}' },
      }),
    );
    // Not deployed yet: still version 1 everywhere.
    expect(JSON.parse((await call(webB, a.path, a.key)).body)).toEqual({ color: "red", v: 1 });
    await gw.send(new CreateDeploymentCommand({ restApiId: a.restApiId, stageName: "prod" }));
    expect(JSON.parse((await seen(webB, a.path, json({ color: "red", v: 2 }), a.key)).body)).toEqual({
      color: "red",
      v: 2,
    });
    await gw.send(
      new UpdateStageCommand({
        restApiId: a.restApiId,
        stageName: "prod",
        patchOperations: [{ op: "replace", path: "/variables/color", value: "blue" }],
      }),
    );
    expect(JSON.parse((await seen(webB, a.path, json({ color: "blue", v: 2 }), a.key)).body)).toEqual({
      color: "blue",
      v: 2,
    });
    await gw.send(new DeleteStageCommand({ restApiId: a.restApiId, stageName: "prod" }));
    expect(await seen(webB, a.path, status(403), a.key)).toMatchObject({ status: 403 });
    // A stage that did not exist (cached as absent) is served once it is created.
    await gw.send(new CreateDeploymentCommand({ restApiId: a.restApiId, stageName: "prod" }));
    expect(await seen(webB, a.path, status(200), a.key)).toMatchObject({ status: 200 });
  });

  it("an HTTP API's stage changes are served at once by the other process", async () => {
    const api = await gw2.send(new CreateApiCommand({ Name: uniqueName("v2cache"), ProtocolType: "HTTP" }));
    const ApiId = api.ApiId!;
    const i = await gw2.send(
      new CreateIntegrationCommand({
        ApiId,
        IntegrationType: "HTTP_PROXY",
        IntegrationUri: `${echoUrl}/hello`,
        IntegrationMethod: "ANY",
        PayloadFormatVersion: "1.0",
      }),
    );
    await gw2.send(
      new CreateRouteCommand({ ApiId, RouteKey: "GET /hello", Target: `integrations/${i.IntegrationId}` }),
    );
    const path = `/gw/${ApiId}/prod/hello`;
    // No stage yet (cached as absent by B), then created through A.
    const before = await call(webB, path);
    expect(before.status).not.toBe(200);
    await gw2.send(new CreateStageCommand({ ApiId, StageName: "prod", AutoDeploy: true }));
    expect(await seen(webB, path, status(200))).toMatchObject({ status: 200 });
    for (const web of [webA, webB]) expect(await call(web, path)).toMatchObject({ status: 200 });
    await gw2.send(
      new UpdateV2StageCommand({
        ApiId,
        StageName: "prod",
        DefaultRouteSettings: { ThrottlingRateLimit: 0.001, ThrottlingBurstLimit: 1 },
      }),
    );
    expect(await seen(webB, path, status(429))).toMatchObject({ status: 429 });
    expect((await call(webB, path)).status).toBe(429);
    await gw2.send(new DeleteV2StageCommand({ ApiId, StageName: "prod" }));
    expect(await seen(webB, path, status(before.status))).toMatchObject({ status: before.status });
  });
});

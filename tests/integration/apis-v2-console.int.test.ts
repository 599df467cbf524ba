import { afterAll, describe, expect, it } from "vitest";
import { createServer } from "node:http";
import WebSocket from "ws";
import { ZodError, z } from "zod";
import { appRouter } from "../../server/trpc/root";
import { createCallerFactory } from "../../server/trpc/trpc";
import { logger } from "../../server/logger";
import { handleGateway } from "../../server/http/gateway/gateway";
import { addMember, createTestTenant, createTestUser, uniqueName } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";

// The console's door for HTTP and WebSocket APIs (trpc.apis.v2.*): an HTTP API with a route to an
// SQS-SendMessage integration, auto-deployed and called; authorizers, CORS and stages; field errors
// for bad input; a viewer reads but cannot change. A WebSocket API's connection (held by another
// web process) listed, sent a message and disconnected from the console.

const callerFor = (userId: string) =>
  createCallerFactory(appRouter)({ userId, requestId: "test", log: logger, origin: "http://sb.test" });

const fieldErrorsOf = (e: unknown): Record<string, string[]> => {
  const cause = (e as { cause?: unknown }).cause;
  if (cause instanceof ZodError) return z.flattenError(cause).fieldErrors as Record<string, string[]>;
  return ((cause as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors ?? {}) as Record<
    string,
    string[]
  >;
};

let web: (TestProcess & { port: number }) | undefined;
afterAll(async () => {
  await web?.stop();
});

describe("APIs console: HTTP APIs (tRPC)", () => {
  it("routes POST /orders to SQS-SendMessage on an auto-deploying stage; the invoke URL queues the message", async () => {
    const t = await createTestTenant();
    const api = callerFor(t.user.id);
    const tenant = t.tenant.slug;
    const queue = uniqueName("orders");
    await api.queue.create({ tenant, name: queue });
    const created = await api.apis.v2.createHttp({ tenant, name: "orders-http" });
    const apiId = created.id;
    const integration = await api.apis.v2.saveIntegration({
      tenant,
      apiId,
      kind: "AWS_SERVICE",
      subtype: "SQS-SendMessage",
      timeoutInMillis: 10000,
      requestParameters: {
        QueueUrl: `http://sb.test/${t.tenant.accountId}/${queue}`,
        MessageBody: "$request.body.message",
      },
    });
    await api.apis.v2.saveRoute({
      tenant,
      apiId,
      routeKey: "POST /orders",
      target: `integrations/${String(integration.integrationId)}`,
      authorizationType: "NONE",
      authorizationScopes: [],
    });
    await api.apis.v2.saveStage({
      tenant,
      apiId,
      stageName: "prod",
      create: true,
      description: "",
      autoDeploy: true,
      stageVariables: { tier: "gold" },
      throttlingRateLimit: 100,
      throttlingBurstLimit: 50,
    });
    const detail = await api.apis.v2.http({ tenant, apiId });
    expect(detail.routes.map((r) => [r.routeKey, r.target])).toEqual([
      ["POST /orders", `integrations/${String(integration.integrationId)}`],
    ]);
    expect(detail.integrations[0]).toMatchObject({
      integrationSubtype: "SQS-SendMessage",
      payloadFormatVersion: "1.0",
    });
    expect(detail.stages).toHaveLength(1);
    expect(detail.stages[0]).toMatchObject({
      stageName: "prod",
      autoDeploy: true,
      invokeUrl: `http://sb.test/gw/${apiId}/prod`,
      stageVariables: { tier: "gold" },
      throttlingRateLimit: 100,
      throttlingBurstLimit: 50,
    });
    expect(detail.stages[0].deploymentId).toBeTruthy();

    const list = await api.apis.v2.list({ tenant });
    expect(list.map((a) => [a.id, a.protocol])).toEqual([[apiId, "HTTP"]]);

    const server = createServer((req, res) => void handleGateway(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const port = (server.address() as { port: number }).port;
      const reply = await fetch(`http://127.0.0.1:${port}/gw/${apiId}/prod/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: "order 7" }),
      });
      expect(reply.status).toBe(200);
    } finally {
      await new Promise((r) => server.close(r));
    }
    const got = await api.queue.receive({ tenant, name: queue, maxMessages: 10, waitTimeSeconds: 0 });
    expect(got.map((m) => m.body)).toEqual(["order 7"]);
  });

  it("quick create, CORS, authorizers, a manual stage deployed; bad input is a field error and changes nothing", async () => {
    const t = await createTestTenant();
    const api = callerFor(t.user.id);
    const tenant = t.tenant.slug;
    const quick = await api.apis.v2.createHttp({
      tenant,
      name: "proxy",
      target: "https://example.com/backend",
      cors: {
        allowOrigins: ["https://app.example"],
        allowMethods: ["GET"],
        allowHeaders: [],
        exposeHeaders: [],
        allowCredentials: false,
        maxAge: 600,
      },
    });
    const apiId = quick.id;
    let d = await api.apis.v2.http({ tenant, apiId });
    expect(d.routes.map((r) => [r.routeKey, r.managed])).toEqual([["$default", true]]);
    expect(d.integrations.map((i) => [i.integrationType, i.integrationUri])).toEqual([
      ["HTTP_PROXY", "https://example.com/backend"],
    ]);
    expect(d.stages.map((s) => [s.stageName, s.autoDeploy, s.invokeUrl])).toEqual([
      ["$default", true, `http://sb.test/gw/${apiId}`],
    ]);
    expect(d.cors).toMatchObject({ allowOrigins: ["https://app.example"], maxAge: 600 });

    // Credentials with a wildcard origin: the service refuses; the form shows it on the CORS field.
    const wildcard = await api.apis.v2
      .updateHttp({
        tenant,
        apiId,
        name: "proxy",
        description: "",
        cors: {
          allowOrigins: ["*"],
          allowMethods: [],
          allowHeaders: [],
          exposeHeaders: [],
          allowCredentials: true,
        },
      })
      .catch((e: unknown) => e);
    expect(fieldErrorsOf(wildcard).cors?.[0]).toMatch(/wildcard/);
    await api.apis.v2.updateHttp({ tenant, apiId, name: "proxy-2", description: "renamed", cors: null });
    d = await api.apis.v2.http({ tenant, apiId });
    expect([d.name, d.description, d.cors]).toEqual(["proxy-2", "renamed", null]);

    // JWT authorizer without an issuer: field error; with one: attached to a route.
    const noIssuer = await api.apis.v2
      .saveAuthorizer({
        tenant,
        apiId,
        name: "jwt",
        authorizerType: "JWT",
        identitySource: ["$request.header.Authorization"],
        audience: ["aud"],
      })
      .catch((e: unknown) => e);
    expect(Object.keys(fieldErrorsOf(noIssuer))).toEqual(["issuer"]);
    const jwt = await api.apis.v2.saveAuthorizer({
      tenant,
      apiId,
      name: "jwt",
      authorizerType: "JWT",
      identitySource: ["$request.header.Authorization"],
      issuer: "https://issuer.example",
      audience: ["aud"],
    });
    const fnArn = `arn:aws:lambda:us-east-1:${t.tenant.accountId}:function:auth`;
    const simpleOn1 = await api.apis.v2
      .saveAuthorizer({
        tenant,
        apiId,
        name: "lambda",
        authorizerType: "REQUEST",
        identitySource: ["$request.header.X-Token"],
        authorizerUri: fnArn,
        authorizerPayloadFormatVersion: "1.0",
        enableSimpleResponses: true,
        authorizerResultTtlInSeconds: 60,
      })
      .catch((e: unknown) => e);
    expect(Object.keys(fieldErrorsOf(simpleOn1))).toEqual(["enableSimpleResponses"]);
    const integration = d.integrations[0];
    const route = await api.apis.v2.saveRoute({
      tenant,
      apiId,
      routeKey: "GET /items/{id}",
      target: `integrations/${integration.integrationId}`,
      authorizationType: "JWT",
      authorizerId: String(jwt.authorizerId),
      authorizationScopes: ["read"],
    });
    d = await api.apis.v2.http({ tenant, apiId });
    expect(d.routes.find((r) => r.routeKey === "GET /items/{id}")).toMatchObject({
      authorizationType: "JWT",
      authorizerId: jwt.authorizerId,
      authorizationScopes: ["read"],
    });
    expect(d.authorizers.map((a) => [a.name, a.issuer, a.audience])).toEqual([
      ["jwt", "https://issuer.example", ["aud"]],
    ]);

    // A duplicate route key: the conflict lands on routeKey. A malformed one: zod, on routeKey.
    const dup = await api.apis.v2
      .saveRoute({
        tenant,
        apiId,
        routeKey: "GET /items/{id}",
        target: null,
        authorizationType: "NONE",
        authorizationScopes: [],
      })
      .catch((e: unknown) => e);
    expect(Object.keys(fieldErrorsOf(dup))).toEqual(["routeKey"]);
    const malformed = await api.apis.v2
      .saveRoute({
        tenant,
        apiId,
        routeKey: "FETCH items",
        target: null,
        authorizationType: "NONE",
        authorizationScopes: [],
      })
      .catch((e: unknown) => e);
    expect(Object.keys(fieldErrorsOf(malformed))).toEqual(["routeKey"]);
    const badUrl = await api.apis.v2
      .saveIntegration({
        tenant,
        apiId,
        kind: "HTTP_PROXY",
        uri: "ftp://nope",
        method: "ANY",
        timeoutInMillis: 1000,
        requestParameters: {},
      })
      .catch((e: unknown) => e);
    expect(Object.keys(fieldErrorsOf(badUrl))).toEqual(["uri"]);
    // A bad parameter mapping: the service's message, on requestParameters.
    const badMapping = await api.apis.v2
      .saveIntegration({
        tenant,
        apiId,
        integrationId: integration.integrationId,
        kind: "HTTP_PROXY",
        uri: "https://example.com/backend",
        method: "ANY",
        timeoutInMillis: 1000,
        requestParameters: { "rewrite:header.x": "v" },
      })
      .catch((e: unknown) => e);
    expect(fieldErrorsOf(badMapping).requestParameters?.[0]).toMatch(/mapping expression/);
    // The integration a route uses cannot be deleted; the authorizer neither.
    const inUse = await api.apis.v2
      .deleteIntegration({ tenant, apiId, integrationId: integration.integrationId })
      .catch((e: unknown) => e);
    expect(fieldErrorsOf(inUse).integrationId?.[0]).toMatch(/target of route/);
    const after = await api.apis.v2.http({ tenant, apiId });
    expect(after.routes).toHaveLength(2);
    expect(after.integrations).toHaveLength(1);

    // Parameter mapping saved on the integration.
    await api.apis.v2.saveIntegration({
      tenant,
      apiId,
      integrationId: integration.integrationId,
      kind: "HTTP_PROXY",
      uri: "https://example.com/backend",
      method: "GET",
      timeoutInMillis: 5000,
      requestParameters: { "append:header.x-tier": "$stageVariables.tier", "remove:querystring.debug": "''" },
    });
    expect((await api.apis.v2.http({ tenant, apiId })).integrations[0]).toMatchObject({
      integrationMethod: "GET",
      timeoutInMillis: 5000,
      requestParameters: { "append:header.x-tier": "$stageVariables.tier", "remove:querystring.debug": "''" },
    });

    // A manual stage: deploy moves it to a new deployment; deploying an auto-deploy stage is refused.
    await api.apis.v2.saveStage({
      tenant,
      apiId,
      stageName: "beta",
      create: true,
      description: "manual",
      autoDeploy: false,
      stageVariables: {},
      throttlingRateLimit: null,
      throttlingBurstLimit: null,
    });
    const dep = await api.apis.v2.deploy({ tenant, apiId, stageName: "beta", description: "v1" });
    d = await api.apis.v2.http({ tenant, apiId });
    expect(d.stages.find((s) => s.stageName === "beta")!.deploymentId).toBe(dep.id);
    const auto = await api.apis.v2.deploy({ tenant, apiId, stageName: "$default" }).catch((e: unknown) => e);
    expect(fieldErrorsOf(auto).stageName?.[0]).toMatch(/autoDeploy/);

    await api.apis.v2.deleteRoute({ tenant, apiId, routeId: String(route.routeId) });
    await api.apis.v2.deleteAuthorizer({ tenant, apiId, authorizerId: String(jwt.authorizerId) });
    await api.apis.v2.deleteStage({ tenant, apiId, stageName: "beta" });
    d = await api.apis.v2.http({ tenant, apiId });
    expect([d.routes.length, d.authorizers.length, d.stages.length]).toEqual([1, 0, 1]);
    await api.apis.v2.removeHttp({ tenant, apiId });
    expect(await api.apis.v2.list({ tenant })).toEqual([]);
  });

  it("a viewer reads HTTP and WebSocket APIs but cannot change them", async () => {
    const t = await createTestTenant();
    const owner = callerFor(t.user.id);
    const tenant = t.tenant.slug;
    const viewerUser = await createTestUser();
    await addMember(t.tenant.id, viewerUser.id, "viewer");
    const viewer = callerFor(viewerUser.id);
    const h = await owner.apis.v2.createHttp({ tenant, name: "h" });
    const w = await owner.apis.v2.createWs({ tenant, name: "w", routeSelectionExpression: "$request.body.action" });
    expect((await viewer.apis.v2.list({ tenant })).map((a) => a.protocol).sort()).toEqual(["HTTP", "WEBSOCKET"]);
    expect((await viewer.apis.v2.http({ tenant, apiId: h.id })).name).toBe("h");
    expect((await viewer.apis.v2.ws({ tenant, apiId: w.id })).name).toBe("w");
    expect(await viewer.apis.v2.connections({ tenant, apiId: w.id })).toEqual([]);
    const refusals = await Promise.all([
      viewer.apis.v2.createHttp({ tenant, name: "x" }).catch((e: unknown) => e),
      viewer.apis.v2
        .saveRoute({
          tenant,
          apiId: h.id,
          routeKey: "GET /",
          target: null,
          authorizationType: "NONE",
          authorizationScopes: [],
        })
        .catch((e: unknown) => e),
      viewer.apis.v2
        .wsSaveRoute({ tenant, apiId: w.id, routeKey: "$default", integration: { type: "MOCK" }, twoWay: false })
        .catch((e: unknown) => e),
      viewer.apis.v2
        .send({ tenant, apiId: w.id, stage: "prod", connectionId: "abc", data: "hi" })
        .catch((e: unknown) => e),
      viewer.apis.v2.removeWs({ tenant, apiId: w.id }).catch((e: unknown) => e),
    ]);
    for (const r of refusals) expect((r as { code?: string }).code).toBe("FORBIDDEN");
    expect((await owner.apis.v2.http({ tenant, apiId: h.id })).routes).toEqual([]);
    expect((await owner.apis.v2.ws({ tenant, apiId: w.id })).routes).toEqual([]);
  });
});

describe("APIs console: WebSocket APIs (tRPC)", () => {
  it("routes, a stage, and a connection held by another process: listed, sent a message, disconnected", async () => {
    const t = await createTestTenant();
    const api = callerFor(t.user.id);
    const tenant = t.tenant.slug;
    const bad = await api.apis.v2
      .createWs({ tenant, name: "chat", routeSelectionExpression: "action" })
      .catch((e: unknown) => e);
    expect(Object.keys(fieldErrorsOf(bad))).toEqual(["routeSelectionExpression"]);
    const { id: apiId } = await api.apis.v2.createWs({
      tenant,
      name: "chat",
      routeSelectionExpression: "$request.body.action",
    });
    const saved = await api.apis.v2.wsSaveRoute({
      tenant,
      apiId,
      routeKey: "$default",
      integration: { type: "MOCK" },
      twoWay: true,
    });
    await api.apis.v2.wsSaveRoute({
      tenant,
      apiId,
      routeKey: "sendmessage",
      integration: { type: "HTTP_PROXY", uri: "https://example.com/msg", method: "POST", timeoutInMillis: 5000 },
      twoWay: false,
    });
    const dupe = await api.apis.v2
      .wsSaveRoute({ tenant, apiId, routeKey: "sendmessage", integration: null, twoWay: false })
      .catch((e: unknown) => e);
    expect(Object.keys(fieldErrorsOf(dupe))).toEqual(["routeKey"]);
    await api.apis.v2.wsSaveStage({
      tenant,
      apiId,
      stageName: "prod",
      create: true,
      description: "",
      autoDeploy: false,
    });
    let d = await api.apis.v2.ws({ tenant, apiId });
    expect(d.routes.map((r) => [r.routeKey, r.integration?.integrationType, r.twoWay])).toEqual([
      ["$default", "MOCK", true],
      ["sendmessage", "HTTP_PROXY", false],
    ]);
    expect(d.stages).toEqual([
      expect.objectContaining({
        stageName: "prod",
        invokeUrl: `ws://sb.test/gw/${apiId}/prod`,
        connectionsUrl: `http://sb.test/gw/${apiId}/prod/@connections`,
      }),
    ]);
    expect(d.stages[0].deploymentId).toBeTruthy();

    // Two-way off; the selection expression changed; the route edited in place (same integration).
    await api.apis.v2.wsSaveRoute({
      tenant,
      apiId,
      routeId: saved.routeId,
      routeKey: "$default",
      integration: { type: "MOCK" },
      twoWay: false,
    });
    await api.apis.v2.updateWs({
      tenant,
      apiId,
      name: "chat",
      description: "",
      routeSelectionExpression: "$request.body.type",
    });
    await api.apis.v2.wsDeploy({ tenant, apiId, stageName: "prod" });
    d = await api.apis.v2.ws({ tenant, apiId });
    expect([d.routeSelectionExpression, d.routes[0].twoWay, d.deployments.length]).toEqual([
      "$request.body.type",
      false,
      2,
    ]);

    web = await startWeb();
    const client = new WebSocket(`ws://127.0.0.1:${web.port}/gw/${apiId}/prod`);
    const received: string[] = [];
    client.on("message", (m) => received.push(String(m)));
    const closed = new Promise<void>((r) => client.once("close", () => r()));
    await new Promise<void>((resolve, reject) => {
      client.once("open", () => resolve());
      client.once("error", reject);
    });
    const conns = await api.apis.v2.connections({ tenant, apiId });
    expect(conns).toHaveLength(1);
    expect(conns[0]).toMatchObject({ stage: "prod", sourceIp: "127.0.0.1" });
    const other = await createTestTenant();
    const stranger = await callerFor(other.user.id)
      .apis.v2.send({ tenant: other.tenant.slug, apiId, stage: "prod", connectionId: conns[0].id, data: "x" })
      .catch((e: unknown) => e);
    expect((stranger as { code?: string }).code).toBe("NOT_FOUND");
    await api.apis.v2.send({ tenant, apiId, stage: "prod", connectionId: conns[0].id, data: "hello from the console" });
    await expect.poll(() => received).toEqual(["hello from the console"]);
    await api.apis.v2.disconnect({ tenant, apiId, stage: "prod", connectionId: conns[0].id });
    await closed;
    await expect.poll(async () => (await api.apis.v2.connections({ tenant, apiId })).length).toBe(0);
    const gone = await api.apis.v2
      .send({ tenant, apiId, stage: "prod", connectionId: conns[0].id, data: "late" })
      .catch((e: unknown) => e);
    expect((gone as { code?: string }).code).toBe("NOT_FOUND");

    await api.apis.v2.wsDeleteRoute({ tenant, apiId, routeId: saved.routeId });
    d = await api.apis.v2.ws({ tenant, apiId });
    expect(d.routes.map((r) => r.routeKey)).toEqual(["sendmessage"]);
    await api.apis.v2.wsDeleteStage({ tenant, apiId, stageName: "prod" });
    await api.apis.v2.removeWs({ tenant, apiId });
    expect(await api.apis.v2.list({ tenant })).toEqual([]);
  });
});

describe("APIs console: REST stages' per-method settings (tRPC)", () => {
  it("adds, shows and removes a method's throttling and caching override beside the stage default", async () => {
    const t = await createTestTenant();
    const api = callerFor(t.user.id);
    const tenant = t.tenant.slug;
    const created = await api.apis.create({ tenant, name: uniqueName("rest") });
    const root = (await api.apis.get({ tenant, apiId: created.id })).rootResourceId;
    const res = (await api.apis.addResource({ tenant, apiId: created.id, parentId: root, pathPart: "orders" })) as {
      id: string;
    };
    const ref = { tenant, apiId: created.id, resourceId: res.id, httpMethod: "POST" as const };
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
      requestTemplates: { "application/json": '{"statusCode": 200}', "application/xml": '{"statusCode": 200}' },
      passthroughBehavior: "WHEN_NO_MATCH",
      timeoutInMillis: 29000,
      responses: [{ statusCode: "200" }],
    });
    await api.apis.deploy({ tenant, apiId: created.id, stageName: "prod" });
    const setting = {
      tenant,
      apiId: created.id,
      stageName: "prod",
      resourcePath: "/orders",
      httpMethod: "POST" as const,
      remove: false,
      throttlingRateLimit: 3,
      throttlingBurstLimit: 6,
      cachingEnabled: false,
      cacheTtlInSeconds: 60,
    };
    await api.apis.v2.saveMethodSetting(setting);
    let stage = (await api.apis.get({ tenant, apiId: created.id })).stages[0];
    expect(stage.methodSettings["orders/POST"]).toMatchObject({
      throttlingRateLimit: 3,
      throttlingBurstLimit: 6,
      cachingEnabled: false,
      cacheTtlInSeconds: 60,
    });
    const method = (await api.apis.get({ tenant, apiId: created.id })).resources.find((r) => r.path === "/orders")!
      .methods[0];
    expect(Object.keys(method.methodIntegration!.requestTemplates ?? {}).sort()).toEqual([
      "application/json",
      "application/xml",
    ]);

    const negative = await api.apis.v2
      .saveMethodSetting({ ...setting, throttlingBurstLimit: -1 })
      .catch((e: unknown) => e);
    expect(Object.keys(fieldErrorsOf(negative))).toEqual(["throttlingBurstLimit"]);
    const viewerUser = await createTestUser();
    await addMember(t.tenant.id, viewerUser.id, "viewer");
    const refused = await callerFor(viewerUser.id)
      .apis.v2.saveMethodSetting(setting)
      .catch((e: unknown) => e);
    expect((refused as { code?: string }).code).toBe("FORBIDDEN");

    await api.apis.v2.saveMethodSetting({ ...setting, remove: true });
    stage = (await api.apis.get({ tenant, apiId: created.id })).stages[0];
    expect(stage.methodSettings["orders/POST"]).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { ZodError, z } from "zod";
import { appRouter } from "../../server/trpc/root";
import { createCallerFactory } from "../../server/trpc/trpc";
import { gatewayPipeline } from "../../server/http/gateway/pipeline";
import { logger } from "../../server/logger";
import { handleGateway } from "../../server/http/gateway/gateway";
import { createTestTenant, addMember, createTestUser, uniqueName } from "../helpers/fixtures";
import { createServer } from "node:http";

// The APIs console's tRPC door (trpc.apis.*): an API built resource by resource with an SQS
// integration, its mapping template previewed and test-invoked, deployed and called through the
// gateway; API keys and usage plans; viewers read but cannot change.

const callerFor = (userId: string) =>
  createCallerFactory(appRouter)({
    userId,
    requestId: "test",
    log: logger,
    origin: "http://sb.test",
    gateway: gatewayPipeline,
  });

const SQS_TEMPLATE = "Action=SendMessage&MessageBody=$util.urlEncode($input.json('$.order'))";

async function buildSqsApi(t: Awaited<ReturnType<typeof createTestTenant>>, queue: string) {
  const api = callerFor(t.user.id);
  const tenant = t.tenant.slug;
  await api.queue.create({ tenant, name: queue });
  const created = await api.apis.create({ tenant, name: uniqueName("orders-api") });
  const detail = await api.apis.get({ tenant, apiId: created.id });
  const res = (await api.apis.addResource({
    tenant,
    apiId: created.id,
    parentId: detail.rootResourceId,
    pathPart: "orders",
  })) as { id: string };
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
    type: "AWS",
    integrationHttpMethod: "POST",
    uri: `arn:aws:apigateway:us-east-1:sqs:path/${t.tenant.accountId}/${queue}`,
    requestParameters: { "integration.request.header.Content-Type": "'application/x-www-form-urlencoded'" },
    requestTemplates: { "application/json": SQS_TEMPLATE },
    passthroughBehavior: "NEVER",
    timeoutInMillis: 29000,
    responses: [{ statusCode: "200", responseTemplate: '{"queued": true}' }],
  });
  return { api, tenant, apiId: created.id, resourceId: res.id, ref };
}

describe("APIs console (tRPC)", () => {
  it("builds an SQS-backed API: preview, test invoke, deploy, call the invoke URL", async () => {
    const t = await createTestTenant();
    const queue = uniqueName("orders");
    const { api, tenant, apiId, ref } = await buildSqsApi(t, queue);

    const preview = await api.apis.previewTemplate({
      tenant,
      apiId,
      resourcePath: "/orders",
      httpMethod: "POST",
      template: SQS_TEMPLATE,
      body: '{"order":{"id":7}}',
      path: {},
      querystring: {},
      header: {},
      stageVariables: {},
    });
    expect(preview).toEqual({ ok: true, output: "Action=SendMessage&MessageBody=%7B%22id%22%3A7%7D", json: false });
    const broken = await api.apis.previewTemplate({
      tenant,
      apiId,
      resourcePath: "/orders",
      httpMethod: "POST",
      template: "#if(",
      body: "{}",
      path: {},
      querystring: {},
      header: {},
      stageVariables: {},
    });
    expect(broken.ok).toBe(false);

    const test = await api.apis.testInvoke({
      ...ref,
      pathWithQueryString: "/orders",
      headers: { "Content-Type": "application/json" },
      body: '{"order":{"id":1}}',
      stageVariables: {},
    });
    expect(test.status).toBe(200);
    expect(test.body).toBe('{"queued": true}');
    expect(test.integrationRequest.body).toBe("Action=SendMessage&MessageBody=%7B%22id%22%3A1%7D");
    expect(test.log).toContain("Method completed with status: 200");

    // The method request is edited in place (UpdateMethod): key required, a query parameter.
    await api.apis.saveMethod({
      ...ref,
      create: false,
      authorizationType: "NONE",
      authorizerId: null,
      apiKeyRequired: true,
      requestParameters: { "method.request.querystring.page": false },
      requestValidatorId: null,
    });
    await api.apis.saveMethod({
      ...ref,
      create: false,
      authorizationType: "NONE",
      apiKeyRequired: false,
      requestParameters: {},
    });
    const m = (await api.apis.get({ tenant, apiId })).resources.find((r) => r.path === "/orders")!.methods[0];
    expect([m.apiKeyRequired, m.requestParameters ?? {}]).toEqual([false, {}]);
    await api.apis.deploy({ tenant, apiId, stageName: "prod", description: "first" });
    const detail = await api.apis.get({ tenant, apiId });
    expect(detail.stages.map((s) => [s.stageName, s.invokeUrl])).toEqual([["prod", `http://sb.test/gw/${apiId}/prod`]]);
    expect(detail.deployments).toHaveLength(1);
    expect(detail.resources.find((r) => r.path === "/orders")!.methods[0].methodIntegration!.type).toBe("AWS");

    const server = createServer((req, res) => void handleGateway(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const port = (server.address() as { port: number }).port;
      const reply = await fetch(`http://127.0.0.1:${port}/gw/${apiId}/prod/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"order":{"id":2}}',
      });
      expect(reply.status).toBe(200);
      expect(await reply.text()).toBe('{"queued": true}');
    } finally {
      await new Promise((r) => server.close(r));
    }
    const got = await api.queue.receive({ tenant, name: queue, maxMessages: 10, waitTimeSeconds: 0 });
    expect(got.map((m) => m.body).sort()).toEqual(['{"id":1}', '{"id":2}']);

    await api.apis.updateStage({
      tenant,
      apiId,
      stageName: "prod",
      description: "live",
      variables: { backend: "v2" },
      throttlingRateLimit: 5,
      throttlingBurstLimit: 10,
      cacheClusterEnabled: false,
      cachingEnabled: false,
      cacheTtlInSeconds: 300,
    });
    const stage = (await api.apis.get({ tenant, apiId })).stages[0];
    expect([stage.description, stage.variables, stage.methodSettings["*/*"]]).toMatchObject([
      "live",
      { backend: "v2" },
      { throttlingRateLimit: 5, throttlingBurstLimit: 10, cachingEnabled: false },
    ]);
    const exported = await api.apis.exportApi({ tenant, apiId, stageName: "prod" });
    const doc = JSON.parse(exported.body) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(["/orders"]);
    expect(doc.paths["/orders"].post).toHaveProperty("x-amazon-apigateway-integration");
  });

  it("imports an OpenAPI file; bad input is a field error and changes nothing", async () => {
    const t = await createTestTenant();
    const api = callerFor(t.user.id);
    const tenant = t.tenant.slug;
    const imported = await api.apis.create({
      tenant,
      name: "Pets",
      openapi: JSON.stringify({
        openapi: "3.0.1",
        info: { title: "x", version: "1" },
        paths: {
          "/pets/{id}": {
            get: {
              "x-amazon-apigateway-integration": {
                type: "mock",
                requestTemplates: { "application/json": '{"statusCode": 200}' },
              },
            },
          },
        },
      }),
    });
    const detail = await api.apis.get({ tenant, apiId: imported.id });
    expect(detail.name).toBe("Pets");
    expect(detail.resources.map((r) => r.path)).toEqual(["/", "/pets", "/pets/{id}"]);

    const notJson = (await api.apis.create({ tenant, name: "x", openapi: "{nope" }).catch((e: unknown) => e)) as {
      cause: { fieldErrors: Record<string, string[]> };
    };
    expect(Object.keys(notJson.cause.fieldErrors)).toEqual(["openapi"]);
    expect(notJson.cause.fieldErrors.openapi[0]).toMatch(/^Invalid OpenAPI input: /);
    // A YAML file imports as its JSON twin does.
    const fromYaml = await api.apis.create({
      tenant,
      name: "yaml-pets",
      openapi:
        "openapi: 3.0.1\ninfo:\n  title: YamlPets\n  version: '1'\npaths:\n  /cats:\n    get:\n      x-amazon-apigateway-integration:\n        type: mock\n",
    });
    expect(fromYaml.name).toBe("yaml-pets");
    expect((await api.apis.get({ tenant, apiId: fromYaml.id })).resources.map((r) => r.path)).toEqual(["/", "/cats"]);
    const badPath = (await api.apis
      .addResource({ tenant, apiId: imported.id, parentId: detail.rootResourceId, pathPart: "a/b" })
      .catch((e: unknown) => e)) as { cause: unknown };
    expect(badPath.cause).toBeInstanceOf(ZodError);
    expect(Object.keys(z.flattenError(badPath.cause as ZodError).fieldErrors)).toEqual(["pathPart"]);
    const dup = (await api.apis
      .addResource({ tenant, apiId: imported.id, parentId: detail.rootResourceId, pathPart: "pets" })
      .catch((e: unknown) => e)) as { cause: { fieldErrors: Record<string, string[]> } };
    expect(dup.cause.fieldErrors.pathPart[0]).toMatch(/already has this name/);
    expect((await api.apis.get({ tenant, apiId: imported.id })).resources).toHaveLength(3);
    expect((await api.apis.list({ tenant })).map((a) => a.name)).toEqual(["Pets", "yaml-pets"]);
  });

  it("keys and plans: created, attached, usage per day; a viewer reads but cannot change", async () => {
    const t = await createTestTenant();
    const queue = uniqueName("q");
    const { api, tenant, apiId } = await buildSqsApi(t, queue);
    await api.apis.deploy({ tenant, apiId, stageName: "prod" });
    const key = await api.apis.createKey({ tenant, name: "partner", enabled: true });
    expect(key.value.length).toBeGreaterThanOrEqual(20);
    expect((await api.apis.keys({ tenant }))[0]).not.toHaveProperty("value");
    expect((await api.apis.revealKey({ tenant, id: key.id })).value).toBe(key.value);
    const plan = await api.apis.createPlan({
      tenant,
      name: "gold",
      rateLimit: 10,
      burstLimit: 20,
      quotaLimit: 1000,
      quotaPeriod: "MONTH",
      apiStages: [{ apiId, stage: "prod" }],
      keyIds: [key.id],
    });
    const plans = await api.apis.plans({ tenant });
    expect(plans).toMatchObject([
      { id: plan.id, throttle: { rateLimit: 10, burstLimit: 20 }, quota: { limit: 1000, period: "MONTH" } },
    ]);
    expect(plans[0].keys.map((k) => k.id)).toEqual([key.id]);
    const usage = await api.apis.usage({ tenant, planId: plan.id, days: 30 });
    expect(usage.keys).toEqual([key.id]);
    expect(usage.totals).toEqual({ [key.id]: 0 });
    expect(usage.rows.length).toBe(7);

    const viewer = await createTestUser();
    await addMember(t.tenant.id, viewer.id, "viewer");
    const v = callerFor(viewer.id);
    expect((await v.apis.list({ tenant })).map((a) => a.id)).toEqual([apiId]);
    await expect(v.apis.createKey({ tenant, name: "nope", enabled: true })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(v.apis.remove({ tenant, apiId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(v.apis.revealKey({ tenant, id: key.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { ZodError, z } from "zod";
import { appRouter } from "../../server/trpc/root";
import { createCallerFactory } from "../../server/trpc/trpc";
import { logger } from "../../server/logger";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";

// The console's WebSocket stage settings and two-way routes (trpc.apis.v2.wsSaveStage / wsSaveRoute):
// default and per-route throttling and access logging saved through the same stage service as
// HTTP APIs', read back, refused with field errors when wrong, and obeyed by the gateway (a
// throttled route answers "Too many requests", the access log holds the stage's formatted lines);
// a route made two-way gets its $default route response and answers with its response template,
// made one-way again loses the route response.

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

const LOG_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:chat-access";
const LOG_FORMAT = "$context.requestId $context.eventType $context.routeKey $context.connectionId $context.status";

let web: (TestProcess & { port: number }) | undefined;
afterAll(async () => {
  await web?.stop();
});

async function chatApi(t: TestTenant) {
  const api = callerFor(t.user.id);
  const tenant = t.tenant.slug;
  const { id: apiId } = await api.apis.v2.createWs({
    tenant,
    name: "chat",
    routeSelectionExpression: "$request.body.action",
  });
  for (const routeKey of ["$default", "sendmessage"])
    await api.apis.v2.wsSaveRoute({ tenant, apiId, routeKey, integration: { type: "MOCK" }, twoWay: false });
  await api.apis.v2.wsSaveStage({ tenant, apiId, stageName: "prod", create: true, description: "", autoDeploy: true });
  return { api, tenant, apiId };
}

describe("APIs console: WebSocket stage settings and two-way routes (tRPC)", () => {
  it("saves default and per-route throttling and access logging; the gateway throttles and logs by them", async () => {
    const t = await createTestTenant();
    const { api, tenant, apiId } = await chatApi(t);
    const ref = { tenant, apiId, stageName: "prod", create: false, description: "live chat", autoDeploy: true };

    // Refused with the field that is wrong, and nothing saved.
    const unknownRoute = await api.apis.v2
      .wsSaveStage({
        ...ref,
        stageVariables: {},
        throttlingRateLimit: null,
        throttlingBurstLimit: null,
        routeSettings: { nosuchroute: { throttlingRateLimit: 1, throttlingBurstLimit: 1 } },
      })
      .catch((e: unknown) => e);
    expect(fieldErrorsOf(unknownRoute)).toEqual({ routeSettings: ["Invalid route key specified: nosuchroute"] });
    const halfPair = await api.apis.v2
      .wsSaveStage({ ...ref, routeSettings: { sendmessage: { throttlingRateLimit: 1, throttlingBurstLimit: null } } })
      .catch((e: unknown) => e);
    expect(Object.keys(fieldErrorsOf(halfPair))).toEqual(["routeSettings"]);
    const noFormat = await api.apis.v2
      .wsSaveStage({ ...ref, accessLogDestinationArn: LOG_ARN, accessLogFormat: null })
      .catch((e: unknown) => e);
    expect(fieldErrorsOf(noFormat)).toEqual({ accessLogFormat: ["Needed for access logging."] });
    const noRequestId = await api.apis.v2
      .wsSaveStage({ ...ref, accessLogDestinationArn: LOG_ARN, accessLogFormat: "$context.eventType" })
      .catch((e: unknown) => e);
    expect(Object.keys(fieldErrorsOf(noRequestId))).toEqual(["accessLogFormat"]);
    let stage = (await api.apis.v2.ws({ tenant, apiId })).stages[0];
    expect([stage.description, stage.routeSettings, stage.accessLogSettings]).toEqual([null, {}, null]);

    await api.apis.v2.wsSaveStage({
      ...ref,
      stageVariables: { room: "lobby" },
      throttlingRateLimit: 500,
      throttlingBurstLimit: 200,
      routeSettings: { sendmessage: { throttlingRateLimit: 0.001, throttlingBurstLimit: 1 } },
      accessLogDestinationArn: LOG_ARN,
      accessLogFormat: LOG_FORMAT,
    });
    stage = (await api.apis.v2.ws({ tenant, apiId })).stages[0];
    expect(stage).toMatchObject({
      description: "live chat",
      stageVariables: { room: "lobby" },
      throttlingRateLimit: 500,
      throttlingBurstLimit: 200,
      routeSettings: { sendmessage: { throttlingRateLimit: 0.001, throttlingBurstLimit: 1 } },
      accessLogSettings: { destinationArn: LOG_ARN, format: LOG_FORMAT },
    });

    web = await startWeb();
    const client = new WebSocket(`ws://127.0.0.1:${web.port}/gw/${apiId}/prod`);
    const received: string[] = [];
    client.on("message", (m) => received.push(String(m)));
    await new Promise<void>((resolve, reject) => {
      client.once("open", () => resolve());
      client.once("error", reject);
    });
    try {
      // Burst 1: the first sendmessage passes (one-way: no answer), the second is throttled.
      client.send(JSON.stringify({ action: "sendmessage", text: "one" }));
      client.send(JSON.stringify({ action: "sendmessage", text: "two" }));
      await expect.poll(() => received.length).toBe(1);
      expect(JSON.parse(received[0]!)).toMatchObject({ message: "Too many requests" });
      // $default has no route throttling of its own: the stage's 500/s lets it through.
      client.send(JSON.stringify({ action: "other" }));
      client.send(JSON.stringify({ action: "other" }));
      await new Promise((r) => setTimeout(r, 300));
      expect(received).toHaveLength(1);
    } finally {
      client.close();
    }
    await expect
      .poll(async () => (await api.apis.accessLog({ tenant, apiId, limit: 50 })).entries.length, { timeout: 10_000 })
      .toBe(5);
    const log = await api.apis.accessLog({ tenant, apiId, limit: 50 });
    const lines = log.entries.map((e) => e.line!.split(" ").slice(1).join(" ")).sort();
    const conn = log.entries[0]!.line!.split(" ")[3];
    expect(lines).toEqual(
      [
        `CONNECT $connect ${conn} 200`,
        `MESSAGE $default ${conn} 200`,
        `MESSAGE $default ${conn} 200`,
        `MESSAGE sendmessage ${conn} 200`,
        `MESSAGE sendmessage ${conn} 429`,
      ].sort(),
    );
    expect(log.entries.every((e) => e.line!.startsWith(`${e.requestId} `))).toBe(true);

    // Route throttling removed and access logging turned off (both fields empty).
    await api.apis.v2.wsSaveStage({
      ...ref,
      stageVariables: {},
      throttlingRateLimit: null,
      throttlingBurstLimit: null,
      routeSettings: {},
      accessLogDestinationArn: null,
      accessLogFormat: null,
    });
    stage = (await api.apis.v2.ws({ tenant, apiId })).stages[0];
    expect(stage).toMatchObject({
      stageVariables: {},
      throttlingRateLimit: null,
      routeSettings: {},
      accessLogSettings: null,
    });
  });

  it("turns a route two-way (route response $default, the MOCK's response template) and back", async () => {
    const t = await createTestTenant();
    const { api, tenant, apiId } = await chatApi(t);
    const route = (await api.apis.v2.ws({ tenant, apiId })).routes.find((r) => r.routeKey === "$default")!;
    const template = '{"you": "$context.connectionId", "route": "$context.routeKey"}';
    await api.apis.v2.wsSaveRoute({
      tenant,
      apiId,
      routeId: route.routeId,
      routeKey: "$default",
      integration: { type: "MOCK" },
      twoWay: true,
      responseTemplate: template,
    });
    let d = await api.apis.v2.ws({ tenant, apiId });
    let r = d.routes.find((x) => x.routeKey === "$default")!;
    expect([r.twoWay, r.routeResponses.map((x) => x.routeResponseKey), r.integration?.responseTemplate]).toEqual([
      true,
      ["$default"],
      template,
    ]);
    // Saved again: still one route response and one integration response.
    await api.apis.v2.wsSaveRoute({
      tenant,
      apiId,
      routeId: route.routeId,
      routeKey: "$default",
      integration: { type: "MOCK" },
      twoWay: true,
      responseTemplate: template,
    });
    d = await api.apis.v2.ws({ tenant, apiId });
    expect(d.routes.find((x) => x.routeKey === "$default")!.routeResponses).toHaveLength(1);

    web ??= await startWeb();
    const client = new WebSocket(`ws://127.0.0.1:${web.port}/gw/${apiId}/prod`);
    const received: string[] = [];
    client.on("message", (m) => received.push(String(m)));
    await new Promise<void>((resolve, reject) => {
      client.once("open", () => resolve());
      client.once("error", reject);
    });
    try {
      client.send("hello");
      await expect.poll(() => received.length).toBe(1);
      const answer = JSON.parse(received[0]!) as { you: string; route: string };
      expect(answer.route).toBe("$default");
      expect((await api.apis.v2.connections({ tenant, apiId })).map((c) => c.id)).toEqual([answer.you]);
    } finally {
      client.close();
    }

    await api.apis.v2.wsSaveRoute({
      tenant,
      apiId,
      routeId: route.routeId,
      routeKey: "$default",
      integration: { type: "MOCK" },
      twoWay: false,
    });
    d = await api.apis.v2.ws({ tenant, apiId });
    r = d.routes.find((x) => x.routeKey === "$default")!;
    expect([r.twoWay, r.routeResponses]).toEqual([false, []]);
  });
});

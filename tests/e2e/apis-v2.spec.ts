import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import WebSocket from "ws";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startWeb } from "../helpers/server";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { closeDb } from "../../server/db";
import { appRouter } from "../../server/trpc/root";
import { createCallerFactory } from "../../server/trpc/trpc";
import { logger } from "../../server/logger";
import {
  expectFitsWidth,
  launchBrowser,
  newPerson,
  screenshot,
  signInViaUi,
  type TestBrowser,
} from "./helpers/browser";

// HTTP and WebSocket APIs in the console, in Chromium against a real web process and database:
// create an HTTP API, an SQS-SendMessage integration picked from the team's queues, a route to it
// and an auto-deploying $default stage, then call the invoke URL and find the message on the queue;
// create a WebSocket API with a $default route and a stage, connect with `ws`, see the connection
// in the Connections panel, send it a message from the console and disconnect it from there. And a
// REST stage's per-method throttling override; an HTTP stage's route throttling; a REST TOKEN authorizer
// created in the console and attached to a method.
let web: Awaited<ReturnType<typeof startWeb>>;
let tb: TestBrowser;
let page: Page;
let t: TestTenant;
let sqs: SQSClient;
let queueUrl = "";
const pageErrors: string[] = [];

const httpName = uniqueName("orders-http");
const wsName = uniqueName("chat");
const queueName = uniqueName("http-orders");

beforeAll(async () => {
  t = await createTestTenant();
  web = await startWeb({ next: true });
  tb = await launchBrowser();
  page = (await newPerson(tb.browser, web.url, { width: 1440, height: 900 })).page;
  page.on("pageerror", (e) => pageErrors.push(e.message));
  sqs = new SQSClient({
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    maxAttempts: 1,
  });
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: queueName }))).QueueUrl!;
  await signInViaUi(page, { email: t.user.email, password: t.user.password });
}, 180_000);

afterAll(async () => {
  if (process.env.APIS_E2E_DEBUG) await screenshot(page, "apis-v2-last").catch(() => {});
  if (process.env.APIS_E2E_DEBUG) console.log(`--- web output ---\n${web?.output()}`);
  sqs?.destroy();
  await tb?.close();
  await web?.stop();
  await closeDb();
});

const byId = (id: string) => page.locator(`[id="${id}"]`);

describe("HTTP and WebSocket APIs in the console", () => {
  it("builds an HTTP API with a route to SQS-SendMessage; the invoke URL queues the message", async () => {
    await page.goto(`/t/${t.tenant.slug}/apis`);
    await page.getByText("No APIs yet").waitFor();
    await page.getByRole("button", { name: "Create API" }).first().click();
    await page.getByRole("dialog", { name: "Create API" }).waitFor();
    await screenshot(page, "apis-v2-create-kind");
    await page.getByRole("button", { name: "Build HTTP API" }).click();
    const dialog = page.getByRole("dialog", { name: "Create HTTP API" });
    await dialog.getByRole("button", { name: "Create HTTP API" }).click();
    await dialog.getByText("Name the API.").waitFor();
    await dialog.getByLabel("Name", { exact: true }).fill(httpName);
    await dialog.getByRole("button", { name: "Create HTTP API" }).click();
    await page.waitForURL(/\/apis\/http\/[a-z0-9]+$/);
    await page.getByRole("heading", { name: httpName }).waitFor();

    // Integration: SQS-SendMessage to the queue picked from the team's queues.
    await page.getByRole("tab", { name: /Integrations/ }).click();
    await page.getByRole("button", { name: "Create integration" }).first().click();
    const integ = page.getByRole("dialog", { name: "Create integration" });
    await integ.getByRole("radio", { name: "AWS service" }).click();
    await integ.getByLabel("QueueUrl").locator(`option:has-text("${queueName}")`).waitFor({ state: "attached" });
    await integ.getByLabel("QueueUrl").selectOption({ label: queueName });
    await integ.getByLabel("MessageBody").fill("$request.body.message");
    await screenshot(page, "apis-v2-http-integration-dialog");
    await integ.getByRole("button", { name: "Create integration" }).click();
    await page.getByRole("cell", { name: /SQS-SendMessage/ }).waitFor();
    await screenshot(page, "apis-v2-http-integrations");

    // Route POST /orders → that integration; a malformed path is a field error first.
    await page.getByRole("tab", { name: /Routes/ }).click();
    await page.getByRole("button", { name: "Create route" }).first().click();
    const route = page.getByRole("dialog", { name: "Create route" });
    await route.getByLabel("Method").selectOption("POST");
    await route.getByLabel("Path").fill("orders");
    await route.getByLabel("Integration").selectOption({ index: 1 });
    await route.getByRole("button", { name: "Create route" }).click();
    await route.getByText("METHOD /path (e.g. GET /orders/{id}) or $default.").waitFor();
    await route.getByLabel("Path").fill("/orders");
    await route.getByRole("button", { name: "Create route" }).click();
    await page.getByTestId("route-POST /orders").waitFor();
    await expect.poll(() => page.getByTestId("route-POST /orders").textContent()).toContain("SQS-SendMessage");

    // Authorizer (JWT), for the picture; the route stays open.
    await page.getByRole("tab", { name: /Authorizers/ }).click();
    await page.getByRole("button", { name: "Create authorizer" }).first().click();
    const auth = page.getByRole("dialog", { name: "Create authorizer" });
    await auth.getByLabel("Name", { exact: true }).fill("users");
    await auth.getByRole("button", { name: "Create authorizer" }).click();
    await auth.getByText("JWT authorizers require jwtConfiguration.issuer").waitFor();
    await auth.getByLabel("Issuer URL").fill("https://auth.example.com/");
    await auth.getByLabel("Audiences").fill("orders-app");
    await auth.getByRole("button", { name: "Create authorizer" }).click();
    await page.getByRole("cell", { name: /issuer https:\/\/auth\.example\.com/ }).waitFor();
    await screenshot(page, "apis-v2-http-authorizers");

    await page.getByRole("tab", { name: "CORS" }).click();
    await page.getByRole("button", { name: "Save settings" }).waitFor();
    await page.getByRole("checkbox", { name: "CORS", exact: true }).check();
    await screenshot(page, "apis-v2-http-cors");

    // Stage $default with auto-deploy.
    await page.getByRole("tab", { name: /Stages/ }).click();
    await page.getByRole("button", { name: "Create stage" }).first().click();
    const stage = page.getByRole("dialog", { name: "Create stage" });
    expect(await stage.getByLabel("Stage name").inputValue()).toBe("$default");
    await stage.getByRole("button", { name: "Create stage" }).click();
    await byId("invoke-url-$default").waitFor();
    const invokeUrl = (await byId("invoke-url-$default").textContent())!.trim();
    expect(invokeUrl).toMatch(new RegExp(`^${web.url}/gw/[a-z0-9]+$`));
    await page.getByRole("tab", { name: /Routes/ }).click();
    await screenshot(page, "apis-v2-http-routes");
    await page.getByRole("tab", { name: /Stages/ }).click();
    await screenshot(page, "apis-v2-http-stages");
    await expectFitsWidth(page, "HTTP API stages");

    const reply = await fetch(`${invokeUrl}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "order from the browser test" }),
    });
    expect(reply.status).toBe(200);
    const got = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        WaitTimeSeconds: 5,
      }),
    );
    expect(got.Messages?.map((m) => m.Body)).toEqual(["order from the browser test"]);

    // Route throttling: POST /orders gets its own rate and burst in the stage form; half a pair is
    // a field error first; saved, the stage shows it after a reload and the gateway throttles it.
    const card = page.getByTestId("stage-$default");
    await card.getByRole("combobox", { name: "Route to throttle" }).selectOption("POST /orders");
    await card.getByRole("button", { name: "Throttle route" }).click();
    await card.getByLabel("Rate of POST /orders").fill("0.001");
    await card.getByText("Set the burst with the rate (or leave both empty).").waitFor();
    await card.getByLabel("Burst of POST /orders").fill("1");
    expect(await card.getByText("Set the burst with the rate (or leave both empty).").count()).toBe(0);
    await card.getByRole("button", { name: "Save stage" }).click();
    await page.getByText("Stage $default saved").waitFor();
    await page.reload();
    await page.getByTestId("route-throttle-POST /orders").waitFor();
    expect(await page.getByLabel("Rate of POST /orders").inputValue()).toBe("0.001");
    expect(await page.getByLabel("Burst of POST /orders").inputValue()).toBe("1");
    await screenshot(page, "apis-v2-http-stage-route-throttling");
    const post = () =>
      fetch(`${invokeUrl}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: "throttled?" }),
      }).then((r) => r.status);
    expect(await post()).toBe(200);
    expect(await post()).toBe(429);

    await page.goto(`/t/${t.tenant.slug}/apis`);
    await page.getByTestId(`api-row-${httpName}`).waitFor();
    expect(await page.getByTestId(`api-row-${httpName}`).textContent()).toContain("HTTP");
  });

  it("builds a WebSocket API; the console sees, messages and disconnects a live connection", async () => {
    await page.goto(`/t/${t.tenant.slug}/apis`);
    await page.getByRole("button", { name: "Create API" }).first().click();
    await page.getByRole("button", { name: "Build WebSocket API" }).click();
    const dialog = page.getByRole("dialog", { name: "Create WebSocket API" });
    expect(await dialog.getByLabel("Route selection expression").inputValue()).toBe("$request.body.action");
    await dialog.getByLabel("Name", { exact: true }).fill(wsName);
    await dialog.getByRole("button", { name: "Create WebSocket API" }).click();
    await page.waitForURL(/\/apis\/websocket\/[a-z0-9]+$/);
    await page.getByRole("heading", { name: wsName }).waitFor();

    await page.getByRole("button", { name: "Create route" }).first().click();
    const route = page.getByRole("dialog", { name: "Create route" });
    expect(await route.getByLabel("Route key").inputValue()).toBe("$connect");
    await route.getByLabel("Route key").fill("$default");
    await route.getByLabel("Two-way").check();
    await route.getByRole("button", { name: "Create route" }).click();
    await page.getByTestId("ws-route-$default").waitFor();
    await screenshot(page, "apis-v2-ws-routes");

    await page.getByRole("tab", { name: /Stages/ }).click();
    await page.getByRole("button", { name: "Create stage" }).first().click();
    const stage = page.getByRole("dialog", { name: "Create stage" });
    await stage.getByRole("button", { name: "Create stage" }).click();
    await byId("wss-prod").waitFor();
    const wsUrl = (await byId("wss-prod").textContent())!.trim();
    expect(wsUrl).toBe(`${web.url.replace(/^http/, "ws")}/gw/${wsUrl.split("/")[4]}/prod`);
    expect((await byId("connections-prod").textContent())!.trim()).toBe(`${wsUrl.replace(/^ws/, "http")}/@connections`);
    await screenshot(page, "apis-v2-ws-stages");

    const client = new WebSocket(wsUrl);
    const received: string[] = [];
    client.on("message", (m) => received.push(String(m)));
    const closed = new Promise<number>((r) => client.once("close", (code) => r(code)));
    await new Promise<void>((resolve, reject) => {
      client.once("open", () => resolve());
      client.once("error", reject);
    });
    try {
      await page.getByRole("tab", { name: "Connections" }).click();
      const row = page.locator('[data-testid^="connection-"]');
      await expect
        .poll(async () => {
          if (!(await row.count())) await page.getByRole("button", { name: "Refresh" }).click();
          return row.count();
        })
        .toBe(1);
      expect(await row.textContent()).toContain("prod");
      await screenshot(page, "apis-v2-ws-connections");

      await row.getByRole("button", { name: "Send message" }).click();
      const send = page.getByRole("dialog", { name: "Send message" });
      await send.getByLabel("Message").fill('{"note":"hello from the console"}');
      await send.getByRole("button", { name: "Send" }).click();
      await expect.poll(() => received).toEqual(['{"note":"hello from the console"}']);

      await row.getByRole("button", { name: /Disconnect/ }).click();
      await page
        .getByRole("dialog", { name: "Disconnect this client?" })
        .getByRole("button", { name: "Disconnect" })
        .click();
      await closed;
      await page.getByText("No live connections").waitFor();
    } finally {
      client.terminate();
    }
    await page.goto(`/t/${t.tenant.slug}/apis`);
    await page.getByTestId(`api-row-${wsName}`).waitFor();
    expect(await page.getByTestId(`api-row-${wsName}`).textContent()).toContain("WebSocket");
    await screenshot(page, "apis-v2-list");
  });

  it("sets a per-method throttling override on a REST stage", async () => {
    const api = createCallerFactory(appRouter)({ userId: t.user.id, requestId: "e2e", log: logger, origin: web.url });
    const tenant = t.tenant.slug;
    const created = await api.apis.create({ tenant, name: uniqueName("rest") });
    const root = (await api.apis.get({ tenant, apiId: created.id })).rootResourceId;
    const res = (await api.apis.addResource({ tenant, apiId: created.id, parentId: root, pathPart: "orders" })) as {
      id: string;
    };
    const ref = { tenant, apiId: created.id, resourceId: res.id, httpMethod: "GET" as const };
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
      requestTemplates: { "application/json": '{"statusCode": 200}' },
      passthroughBehavior: "WHEN_NO_MATCH",
      timeoutInMillis: 29000,
      responses: [{ statusCode: "200" }],
    });
    await api.apis.deploy({ tenant, apiId: created.id, stageName: "prod" });

    await page.goto(`/t/${tenant}/apis/${created.id}?tab=stages`);
    await page.getByRole("table", { name: "Method settings of prod" }).waitFor();
    await page.getByLabel("Override rate").fill("7");
    await page.getByLabel("Override burst").fill("14");
    await page.getByRole("button", { name: "Save override" }).click();
    await page.getByTestId("method-setting-GET /orders").waitFor();
    expect(await page.getByTestId("method-setting-GET /orders").textContent()).toMatch(/7.*14/);
    await screenshot(page, "apis-v2-rest-method-settings");
    const stage = (await api.apis.get({ tenant, apiId: created.id })).stages[0];
    expect(stage.methodSettings["orders/GET"]).toMatchObject({ throttlingRateLimit: 7, throttlingBurstLimit: 14 });
    expect(pageErrors).toEqual([]);
  });

  it("creates a REST TOKEN authorizer in the console and attaches it to a method", async () => {
    const api = createCallerFactory(appRouter)({ userId: t.user.id, requestId: "e2e", log: logger, origin: web.url });
    const tenant = t.tenant.slug;
    const fnName = uniqueName("check-token");
    await api.function.create({ tenant, name: fnName, url: "http://127.0.0.1:9/authorize" });
    const created = await api.apis.create({ tenant, name: uniqueName("rest-auth") });
    const root = (await api.apis.get({ tenant, apiId: created.id })).rootResourceId;
    await api.apis.saveMethod({
      tenant,
      apiId: created.id,
      resourceId: root,
      httpMethod: "GET",
      create: true,
      authorizationType: "NONE",
      apiKeyRequired: false,
      requestParameters: {},
    });

    await page.goto(`/t/${tenant}/apis/${created.id}?tab=authorizers`);
    await page.getByText("No authorizers").waitFor();
    await page.getByRole("button", { name: "Create authorizer" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create authorizer" });
    await dialog.getByLabel("Name").fill("token-check");
    // Without a function: the service's own message, on the Function field.
    await dialog.getByRole("button", { name: "Create authorizer" }).click();
    await dialog.getByText("Invalid Authorizer URI specified").waitFor();
    await dialog.getByLabel("Function").locator(`option:has-text("${fnName}")`).waitFor({ state: "attached" });
    await dialog.getByLabel("Function").selectOption({ label: fnName });
    await dialog.getByLabel("Token validation (regular expression)").fill("^Bearer .+$");
    await dialog.getByLabel("Result caching (TTL, seconds)").fill("60");
    await screenshot(page, "apis-v2-rest-authorizer-dialog");
    await dialog.getByRole("button", { name: "Create authorizer" }).click();
    const row = page.getByTestId("authorizer-token-check");
    await row.waitFor();
    expect(await row.textContent()).toContain("Lambda (token)");
    expect(await row.textContent()).toContain(`Function ${fnName}`);
    expect(await row.textContent()).toContain("method.request.header.Authorization");
    expect(await row.textContent()).toContain("60 s");

    // Attach it to GET / in the method editor.
    await page.getByRole("tab", { name: "Resources" }).click();
    await page.getByTestId("method-/-GET").click();
    await page.getByRole("tab", { name: "Method request" }).click();
    await page.getByLabel("Authorization").selectOption("CUSTOM");
    await page.getByLabel("Authorizer", { exact: true }).selectOption({ label: "token-check (TOKEN)" });
    await page.getByRole("button", { name: "Save method request" }).click();
    await page.getByText("Method request saved").waitFor();
    await page.getByRole("tab", { name: /Authorizers/ }).click();
    await expect.poll(() => row.textContent()).toContain("GET /");
    await screenshot(page, "apis-v2-rest-authorizers");
    const d = await api.apis.get({ tenant, apiId: created.id });
    const auth = d.authorizers.find((a) => a.name === "token-check")!;
    expect(auth).toMatchObject({
      type: "TOKEN",
      authorizerResultTtlInSeconds: 60,
      identityValidationExpression: "^Bearer .+$",
    });
    expect(d.resources.find((r) => r.id === root)?.methods[0]).toMatchObject({
      authorizationType: "CUSTOM",
      authorizerId: auth.id,
    });
    expect(pageErrors).toEqual([]);
  });
});

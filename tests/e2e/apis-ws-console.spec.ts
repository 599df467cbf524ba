import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import WebSocket from "ws";
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

// A WebSocket API in the console, in Chromium against a real web process and database: a stage's
// route throttling and access logging set in the stage form and saved (the gateway then throttles
// the route); a route turned two-way in the route editor answers with its response template; the
// Metrics tab shows the ConnectCount and MessageCount (frames from and to the clients).
let web: Awaited<ReturnType<typeof startWeb>>;
let tb: TestBrowser;
let page: Page;
let t: TestTenant;
let apiId = "";
const pageErrors: string[] = [];
const LOG_ARN = "arn:aws:logs:us-east-1:123456789012:log-group:chat-access";

const trpc = () =>
  createCallerFactory(appRouter)({ userId: t.user.id, requestId: "e2e", log: logger, origin: web.url });
const shot = async (name: string) => {
  await page.screenshot({ path: `/tmp/console-dry-${name}.png`, fullPage: true });
  await screenshot(page, `apis-ws-${name}`);
};

/** Opens a client on the stage, sends `messages` one by one, and returns what came back. */
async function chat(messages: string[]): Promise<string[]> {
  const client = new WebSocket(`${web.url.replace(/^http/, "ws")}/gw/${apiId}/prod`);
  const received: string[] = [];
  client.on("message", (m) => received.push(String(m)));
  await new Promise<void>((resolve, reject) => {
    client.once("open", () => resolve());
    client.once("error", reject);
  });
  for (const m of messages) {
    client.send(m);
    await new Promise((r) => setTimeout(r, 150));
  }
  await new Promise((r) => setTimeout(r, 300));
  client.close();
  return received;
}

beforeAll(async () => {
  t = await createTestTenant();
  web = await startWeb({ next: true });
  const api = trpc();
  const tenant = t.tenant.slug;
  apiId = (
    await api.apis.v2.createWs({ tenant, name: uniqueName("chat"), routeSelectionExpression: "$request.body.action" })
  ).id;
  for (const routeKey of ["$default", "sendmessage"])
    await api.apis.v2.wsSaveRoute({ tenant, apiId, routeKey, integration: { type: "MOCK" }, twoWay: false });
  await api.apis.v2.wsSaveStage({ tenant, apiId, stageName: "prod", create: true, description: "", autoDeploy: true });
  tb = await launchBrowser();
  page = (await newPerson(tb.browser, web.url, { width: 1440, height: 900 })).page;
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await signInViaUi(page, { email: t.user.email, password: t.user.password });
}, 180_000);

afterAll(async () => {
  await tb?.close();
  await web?.stop();
  await closeDb();
});

describe("WebSocket APIs in the console: stage settings, two-way routes, metrics", () => {
  it("sets a stage's route throttling and access logging; the gateway throttles the route", async () => {
    await page.goto(`/t/${t.tenant.slug}/apis/websocket/${apiId}?tab=stages`);
    const card = page.getByTestId("ws-stage-prod");
    await card.getByRole("button", { name: "Save stage" }).waitFor();
    await card.getByLabel("Default route throttling: rate (msg/s)").fill("500");
    await card.getByLabel("Burst", { exact: true }).fill("200");
    await card.getByRole("combobox", { name: "Route to throttle" }).selectOption("sendmessage");
    await card.getByRole("button", { name: "Throttle route" }).click();
    await card.getByLabel("Rate of sendmessage").fill("0.001");
    await card.getByText("Set the burst with the rate (or leave both empty).").waitFor();
    await card.getByLabel("Burst of sendmessage").fill("1");
    await card.getByRole("button", { name: "CLF" }).click();
    expect(await card.getByLabel("Log format").inputValue()).toContain("$context.eventType");
    await card.getByLabel("Log destination ARN").fill(LOG_ARN);
    await card.getByRole("button", { name: "Save stage" }).click();
    await page.getByText("Stage prod saved").waitFor();

    await page.reload();
    await page.getByTestId("route-throttle-sendmessage").waitFor();
    expect(await page.getByLabel("Rate of sendmessage").inputValue()).toBe("0.001");
    expect(await page.getByLabel("Burst of sendmessage").inputValue()).toBe("1");
    expect(await page.getByLabel("Default route throttling: rate (msg/s)").inputValue()).toBe("500");
    expect(await page.getByLabel("Log destination ARN").inputValue()).toBe(LOG_ARN);
    await expectFitsWidth(page, "WebSocket stage settings");
    await shot("ws-stage-settings");
    const stage = (await trpc().apis.v2.ws({ tenant: t.tenant.slug, apiId })).stages[0];
    expect(stage).toMatchObject({
      throttlingRateLimit: 500,
      throttlingBurstLimit: 200,
      routeSettings: { sendmessage: { throttlingRateLimit: 0.001, throttlingBurstLimit: 1 } },
      accessLogSettings: { destinationArn: LOG_ARN },
    });

    const got = await chat([JSON.stringify({ action: "sendmessage" }), JSON.stringify({ action: "sendmessage" })]);
    expect(got.map((m) => (JSON.parse(m) as { message: string }).message)).toEqual(["Too many requests"]);
    expect(pageErrors).toEqual([]);
  });

  it("turns a route two-way in the route editor; the route answers with its template", async () => {
    await page.getByRole("tab", { name: /Routes/ }).click();
    const row = page.getByTestId("ws-route-$default");
    expect(await row.textContent()).toContain("one-way");
    await row.getByRole("button", { name: "Edit $default" }).click();
    const dialog = page.getByRole("dialog", { name: "Edit route $default" });
    await dialog.getByLabel("Two-way").check();
    await dialog.getByLabel("Response template").fill('{"route": "$context.routeKey", "echo": "hi"}');
    await shot("ws-route-dialog");
    await dialog.getByRole("button", { name: "Save route" }).click();
    await page.getByText("Route $default saved").waitFor();
    await expect.poll(() => row.textContent()).toContain("two-way");
    expect(await row.textContent()).toContain("route response $default");
    await shot("ws-routes-two-way");

    expect(await chat(["hello", "again"])).toEqual([
      '{"route": "$default", "echo": "hi"}',
      '{"route": "$default", "echo": "hi"}',
    ]);
  });

  it("shows ConnectCount and MessageCount in the Metrics tab", async () => {
    // So far: 2 connections; 2 sendmessage and 2 $default messages from the client, and the two-way
    // $default route's 2 answers to it (flushed within a second or so).
    await expect
      .poll(async () => (await trpc().apis.metrics({ tenant: t.tenant.slug, apiId })).totals.count, {
        timeout: 15_000,
      })
      .toBe(6);
    await page.getByRole("tab", { name: "Metrics" }).click();
    const panel = page.getByTestId("api-metrics");
    await panel.waitFor();
    const stat = (label: string) => panel.locator(`[data-stat="${label}"]`);
    await expect.poll(() => stat("ConnectCount").innerText()).toMatch(/^ConnectCount\s*2\b/);
    await expect.poll(() => stat("MessageCount").innerText()).toMatch(/^MessageCount\s*6\b/);
    expect(await stat("ClientError").innerText()).toMatch(/^ClientError\s*1\b/);
    await page
      .getByRole("img", { name: /Connections and messages per period/ })
      .locator(".recharts-bar-rectangle")
      .first()
      .waitFor();
    await expectFitsWidth(page, "WebSocket metrics tab");
    await shot("ws-metrics");
    expect(pageErrors).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startWeb } from "../helpers/server";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { closeDb } from "../../server/db";
import {
  expectFitsWidth,
  launchBrowser,
  newPerson,
  screenshot,
  signInViaUi,
  type TestBrowser,
} from "./helpers/browser";

// The APIs console as a person uses it, in Chromium against a real web process and database: build
// a REST API (resource, POST method, an SQS integration with a mapping template whose live preview
// shows what the queue will get), test it, deploy it, call the invoke URL and find the message on the
// queue's page; then require an API key, create a key and a usage plan, and call with x-api-key.
let web: Awaited<ReturnType<typeof startWeb>>;
let tb: TestBrowser;
let page: Page;
let t: TestTenant;
let sqs: SQSClient;
const pageErrors: string[] = [];

const apiName = uniqueName("orders-api");
const queueName = uniqueName("api-orders");
const orderId = uniqueName("o");
const planName = uniqueName("gold");
const keyName = uniqueName("partner");
let apiId = "";
let invokeUrl = "";
let keyValue = "";

const TEMPLATE = "Action=SendMessage&MessageBody=$util.urlEncode($input.json('$.order'))";

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
  await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
  await signInViaUi(page, { email: t.user.email, password: t.user.password });
}, 180_000);

afterAll(async () => {
  if (process.env.APIS_E2E_DEBUG) await screenshot(page, "apis-last").catch(() => {});
  if (process.env.APIS_E2E_DEBUG) console.log(`--- web output ---\n${web?.output()}`);
  sqs?.destroy();
  await tb?.close();
  await web?.stop();
  await closeDb();
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("APIs console", () => {
  it("creates an API with field validation", async () => {
    await page.goto(`/t/${t.tenant.slug}/apis`);
    await page.getByText("No APIs yet").waitFor();
    await page.getByRole("button", { name: "Create API" }).first().click();
    await page.getByRole("button", { name: "Build REST API" }).click();
    const dialog = page.getByRole("dialog", { name: "Create REST API" });
    await dialog.getByRole("button", { name: "Create API" }).click();
    await dialog.getByText("Name the API.").waitFor();
    await dialog.getByLabel("Name", { exact: true }).fill(apiName);
    await dialog.getByRole("button", { name: "Create API" }).click();
    await page.waitForURL(/\/apis\/[a-z0-9]+$/);
    apiId = page.url().split("/").pop()!;
    await page.getByRole("heading", { name: apiName }).waitFor();
  });

  it("adds /orders and POST, wires it to the queue and previews the mapping template live", async () => {
    await page.getByLabel("Path part under /").fill("a/b");
    await page.getByRole("button", { name: "Create resource" }).click();
    await page.getByText("A name, {param} or {proxy+}; no slashes.").waitFor();
    await page.getByLabel("Path part under /").fill("orders");
    await page.getByRole("button", { name: "Create resource" }).click();
    await page.getByRole("heading", { name: "/orders" }).waitFor();
    await page.getByLabel("HTTP method").selectOption("POST");
    await page.getByRole("button", { name: "Create method" }).click();
    await page.getByRole("heading", { name: "POST /orders" }).waitFor();

    await page.getByLabel("Integration type").selectOption("AWS");
    await page.getByLabel("Service").selectOption("sqs");
    await page.getByLabel("Queue", { exact: true }).selectOption(queueName);
    expect(await page.getByLabel("Integration URI").inputValue()).toBe(
      `arn:aws:apigateway:us-east-1:sqs:path/${t.tenant.accountId}/${queueName}`,
    );
    const preview = page.getByTestId("template-preview");
    await expect.poll(() => preview.textContent()).toContain("Action=SendMessage&MessageBody=%7B%0A");
    const template = page.getByLabel("Mapping template (application/json)");
    await template.fill("#if(");
    await expect.poll(() => preview.textContent()).toContain("Template error");
    await template.fill(TEMPLATE);
    await expect
      .poll(() => preview.textContent())
      .toBe("Action=SendMessage&MessageBody=%7B%22id%22%3A42%2C%22item%22%3A%22book%22%7D");
    await screenshot(page, "apis-integration-1440");
    await page.getByRole("button", { name: "Save integration" }).click();
    await page.getByText("Integration saved").waitFor();
    await page.getByText("Open → AWS").waitFor();
  });

  it("tests the method and shows the trace", async () => {
    await page.getByRole("tab", { name: "Test" }).click();
    await page.getByLabel("Request body", { exact: true }).fill(JSON.stringify({ order: { id: "test-run" } }));
    await page.getByRole("button", { name: "Test", exact: true }).click();
    const result = page.getByTestId("test-result");
    await result.getByText("Status 200").waitFor();
    await result.getByText("Action=SendMessage&MessageBody=%7B%22id%22%3A%22test-run%22%7D").waitFor();
    expect(await result.getByTestId("test-response-body").textContent()).toContain("SendMessageResponse");
    await result.getByText(/Method completed with status: 200/).waitFor();
    await screenshot(page, "apis-test-1440");
  });

  it("deploys to a new stage and the invoke URL puts the message on the queue", async () => {
    await page.getByRole("button", { name: "Deploy API" }).click();
    const dialog = page.getByRole("dialog", { name: "Deploy API" });
    await dialog.getByLabel("Stage name").fill("prod!");
    await dialog.getByRole("button", { name: "Deploy" }).click();
    await dialog.getByText("Letters, digits, - and _ only.").waitFor();
    await dialog.getByLabel("Stage name").fill("prod");
    await dialog.getByLabel("Deployment description (optional)").fill("first cut");
    await dialog.getByRole("button", { name: "Deploy" }).click();
    await page.getByTestId("stage-prod").waitFor();
    invokeUrl = (await page.locator("#invoke-url-prod").textContent())!.trim();
    expect(invokeUrl).toBe(`${web.url}/gw/${apiId}/prod`);
    await page.getByRole("cell", { name: "first cut" }).waitFor();
    await screenshot(page, "apis-stages-1440");

    const res = await post(`${invokeUrl}/orders`, { order: { id: orderId } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<MessageId>");

    await page.goto(`/t/${t.tenant.slug}/queues/${queueName}`);
    await page.getByRole("tab", { name: "Browse" }).click();
    const previews = page.getByTestId("browsed-preview");
    await expect.poll(async () => (await previews.allTextContents()).join("\n")).toContain(orderId);
  });

  it("requires an API key: a key and a usage plan made in the console let the caller in", async () => {
    await page.goto(`/t/${t.tenant.slug}/apis/${apiId}`);
    await page.getByTestId("method-/orders-POST").click();
    await page.getByLabel(/API key required/).check();
    await page.getByRole("button", { name: "Save method request" }).click();
    await page.getByText("Method request saved").waitFor();
    await page.getByRole("button", { name: "Deploy API" }).click();
    const dialog = page.getByRole("dialog", { name: "Deploy API" });
    expect(await dialog.getByLabel("Stage", { exact: true }).inputValue()).toBe("prod");
    await dialog.getByRole("button", { name: "Deploy" }).click();
    await page.getByTestId("stage-prod").waitFor();
    expect((await post(`${invokeUrl}/orders`, { order: { id: "no-key" } })).status).toBe(403);

    await page.goto(`/t/${t.tenant.slug}/apis?view=keys`);
    await page.getByRole("button", { name: "Create API key" }).click();
    const keyDialog = page.getByRole("dialog", { name: "Create API key" });
    await keyDialog.getByLabel("Name").fill(keyName);
    await keyDialog.getByRole("button", { name: "Create key" }).click();
    keyValue = (await page.locator("#new-api-key").textContent())!.trim();
    expect(keyValue.length).toBeGreaterThanOrEqual(20);
    await page.getByRole("button", { name: "Done" }).click();
    await page.getByTestId(`key-row-${keyName}`).getByText("Enabled").waitFor();

    await page.getByRole("radio", { name: "Usage plans" }).click();
    await page.getByRole("button", { name: "Create usage plan" }).click();
    const planDialog = page.getByRole("dialog", { name: "Create usage plan" });
    await planDialog.getByLabel("Name").fill(planName);
    await planDialog.getByLabel("Burst").fill("-1");
    await planDialog.getByRole("button", { name: "Create plan" }).click();
    await planDialog.getByText("Not negative.").waitFor();
    await planDialog.getByLabel("Burst").fill("20");
    await planDialog.getByLabel("Quota (requests)").fill("1000");
    await planDialog.getByLabel(`${apiName} · prod`).check();
    await planDialog.getByLabel(keyName).check();
    await planDialog.getByRole("button", { name: "Create plan" }).click();
    const card = page.getByTestId(`plan-${planName}`);
    await card.getByText("10 requests/s, burst 20").waitFor();

    const ok = await post(`${invokeUrl}/orders`, { order: { id: "with-key" } }, { "x-api-key": keyValue });
    expect(ok.status).toBe(200);
    await page.reload();
    await expect
      .poll(async () => page.getByTestId(`usage-row-${keyName}`).getByTestId("usage-total").textContent())
      .toBe("1");
    await screenshot(page, "apis-plans-1440");
  });

  it("fits a phone screen", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/t/${t.tenant.slug}/apis/${apiId}`);
    await page.getByTestId("method-/orders-POST").click();
    await page.getByRole("tab", { name: "Integration" }).click();
    await expectFitsWidth(page, "the method editor");
    await screenshot(page, "apis-method-390");
    await page.goto(`/t/${t.tenant.slug}/apis/${apiId}?tab=stages`);
    await page.getByTestId("stage-prod").waitFor();
    await expectFitsWidth(page, "the stages tab");
    await screenshot(page, "apis-stages-390");
    await page.goto(`/t/${t.tenant.slug}/apis?view=plans`);
    await page.getByTestId(`usage-row-${keyName}`).waitFor();
    await expectFitsWidth(page, "the usage plans");
    await screenshot(page, "apis-plans-390");
    expect(pageErrors).toEqual([]);
  });
});

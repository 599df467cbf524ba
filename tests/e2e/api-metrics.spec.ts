import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { startWeb } from "../helpers/server";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { closeDb, pool } from "../../server/db";
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

// The API page's Metrics and Access log tabs as a person sees them: a REST API (a cached MOCK GET,
// a broken MOCK → 500, an unknown path → 403) called through the gateway, then the numbers on the
// Metrics tab and a search in the Access log tab, with the entry opened.
let web: Awaited<ReturnType<typeof startWeb>>;
let tb: TestBrowser;
let page: Page;
let t: TestTenant;
let apiId = "";
const requestIds: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  t = await createTestTenant();
  const api = createCallerFactory(appRouter)({ userId: t.user.id, requestId: "e2e", log: logger, origin: "http://sb" });
  const tenant = t.tenant.slug;
  apiId = (await api.apis.create({ tenant, name: uniqueName("metrics-api") })).id;
  const root = (await api.apis.get({ tenant, apiId })).rootResourceId;
  for (const [part, template] of [
    ["items", '{"statusCode": 200}'],
    ["boom", "not json"],
  ] as const) {
    const res = (await api.apis.addResource({ tenant, apiId, parentId: root, pathPart: part })) as { id: string };
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
  await pool().query(
    `UPDATE rest_api_stages SET settings = settings || $2::jsonb WHERE rest_api_id = $1 AND stage_name = 'prod'`,
    [
      apiId,
      JSON.stringify({
        accessLogSettings: { format: '{"requestId":"$context.requestId","status":"$context.status"}' },
      }),
    ],
  );
  web = await startWeb({ next: true });
  for (const [path, times] of [
    ["/items", 6],
    ["/boom", 3],
    ["/nope", 2],
  ] as const)
    for (let i = 0; i < times; i++) {
      const r = await fetch(`${web.url}/gw/${apiId}/prod${path}`);
      await r.arrayBuffer();
      requestIds.push(r.headers.get("x-amzn-requestid")!);
    }
  for (let i = 0; i < 100; i++) {
    const n = (await pool().query(`SELECT count(*)::int AS n FROM api_access_log WHERE api_id = $1`, [apiId])).rows[0]
      .n;
    if (n >= 11) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  tb = await launchBrowser();
  page = (await newPerson(tb.browser, web.url, { width: 1440, height: 900 })).page;
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await signInViaUi(page, { email: t.user.email, password: t.user.password });
}, 600_000);

afterAll(async () => {
  await tb?.close();
  await web?.stop();
  await closeDb();
});

describe("API metrics and access log in the console", () => {
  it("the Metrics tab shows the counts that were sent", async () => {
    await page.goto(`/t/${t.tenant.slug}/apis/${apiId}?tab=metrics`);
    const panel = page.getByTestId("api-metrics");
    await panel.waitFor();
    const stat = (label: string) => panel.locator(`[data-stat="${label}"]`);
    await expect.poll(() => stat("Requests (Count)").innerText()).toContain("11");
    expect(await stat("4XXError").innerText()).toContain("2");
    expect(await stat("5XXError").innerText()).toContain("3");
    // /items: one miss then five hits; each /boom a miss.
    expect(await stat("Cache hits / misses").innerText()).toContain("5 / 4");
    expect(await stat("Latency").innerText()).toMatch(/p99 \d/);
    await page
      .getByRole("img", { name: /Requests per period/ })
      .locator(".recharts-bar-rectangle")
      .first()
      .waitFor();
    await page.getByLabel("Resource").selectOption("GET /boom");
    await expect.poll(() => stat("Requests (Count)").innerText()).toMatch(/^Requests \(Count\)\s*3\b/);
    await expectFitsWidth(page, "metrics tab");
    await screenshot(page, "api-metrics-tab");
  });

  it("the Access log tab searches and opens an entry", async () => {
    await page.getByRole("tab", { name: "Access log" }).click();
    const panel = page.getByTestId("api-access-log");
    await panel.getByRole("table").waitFor();
    expect(await panel.locator("tbody tr").count()).toBe(11);
    await panel.getByLabel("Status").fill("5xx");
    await panel.getByRole("button", { name: "Search" }).click();
    await expect.poll(() => panel.locator("tbody tr").count()).toBe(3);
    await panel.getByLabel("Status").fill("");
    await panel.getByLabel("Path contains").fill("nop");
    await panel.getByRole("button", { name: "Search" }).click();
    await expect.poll(() => panel.locator("tbody tr").count()).toBe(2);
    await screenshot(page, "api-access-log-tab");
    await panel.locator("tbody tr").first().click();
    const dialog = page.getByRole("dialog", { name: "Access log entry" });
    await dialog.waitFor();
    const id = requestIds[10]!;
    await dialog.getByText(id, { exact: true }).waitFor();
    await dialog.getByText(`{"requestId":"${id}","status":"403"}`).waitFor();
    await screenshot(page, "api-access-log-entry");
    expect(pageErrors).toEqual([]);
  });
});

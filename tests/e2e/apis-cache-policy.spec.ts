import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
} from "@aws-sdk/client-api-gateway";
import { startWeb } from "../helpers/server";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { closeDb } from "../../server/db";
import { launchBrowser, newPerson, screenshot, signInViaUi, type TestBrowser } from "./helpers/browser";

// The REST API console's stage cache and resource policy: flush a stage's cache from the stage card,
// write a resource policy (a JSON mistake is shown as you type, an invalid document on save), deploy
// and see the gateway refuse what the policy denies.
let web: Awaited<ReturnType<typeof startWeb>>;
let tb: TestBrowser;
let page: Page;
let t: TestTenant;
let gw: APIGatewayClient;
let apiId = "";
const pageErrors: string[] = [];

beforeAll(async () => {
  t = await createTestTenant();
  web = await startWeb({ next: true });
  gw = new APIGatewayClient({
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    maxAttempts: 1,
  });
  const api = await gw.send(new CreateRestApiCommand({ name: "cached-api" }));
  apiId = api.id!;
  const r = await gw.send(
    new CreateResourceCommand({ restApiId: apiId, parentId: api.rootResourceId, pathPart: "hello" }),
  );
  const m = { restApiId: apiId, resourceId: r.id, httpMethod: "GET" };
  await gw.send(new PutMethodCommand({ ...m, authorizationType: "NONE" }));
  await gw.send(
    new PutIntegrationCommand({ ...m, type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } }),
  );
  await gw.send(new PutMethodResponseCommand({ ...m, statusCode: "200" }));
  await gw.send(
    new PutIntegrationResponseCommand({
      ...m,
      statusCode: "200",
      responseTemplates: { "application/json": '{"hi": 1}' },
    }),
  );
  await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "prod", cacheClusterEnabled: true }));
  tb = await launchBrowser();
  page = (await newPerson(tb.browser, web.url, { width: 1440, height: 900 })).page;
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await signInViaUi(page, { email: t.user.email, password: t.user.password });
}, 180_000);

afterAll(async () => {
  gw?.destroy();
  await tb?.close();
  await web?.stop();
  await closeDb();
});

describe("REST API console: stage cache and resource policy", () => {
  it("flushes a stage's cache from the stage card", async () => {
    const url = `${web.url}/gw/${apiId}/prod/hello`;
    expect((await fetch(url)).status).toBe(200);
    await page.goto(`/t/${t.tenant.slug}/apis/${apiId}?tab=stages`);
    await page.getByRole("button", { name: "Flush cache" }).click();
    await page.getByText("Cache of prod flushed (1 entry)").waitFor();
    await screenshot(page, "apis-stage-flush-cache");
  });

  it("edits the resource policy with JSON checks, and the next deployment enforces it", async () => {
    await page.goto(`/t/${t.tenant.slug}/apis/${apiId}?tab=policy`);
    const box = page.getByLabel("Policy (JSON)");
    await box.fill("{ not json");
    await page.getByText(/^Not JSON:/).waitFor();
    await box.fill('{"Statement": [{"Effect": "Allow"}]}');
    await page.getByRole("button", { name: "Save policy" }).click();
    await page.getByText(/Invalid policy document/).waitFor();
    await box.fill(
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },
          { Effect: "Deny", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*/GET/hello" },
        ],
      }),
    );
    await page.getByRole("button", { name: "Save policy" }).click();
    await page.getByText("Resource policy saved: deploy the API for it to apply").waitFor();
    await screenshot(page, "apis-resource-policy");
    await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "prod" }));
    const r = await fetch(`${web.url}/gw/${apiId}/prod/hello`);
    expect(r.status).toBe(403);
    expect(((await r.json()) as { message: string }).message).toMatch(/with an explicit deny$/);
    expect(pageErrors).toEqual([]);
  });
});

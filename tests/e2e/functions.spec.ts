import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { startWeb, type TestProcess } from "../helpers/server";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startFunctionReceiver } from "../helpers/function-receiver";
import { closeDb } from "../../server/db";
import { launchBrowser, newPerson, signInViaUi, type TestBrowser } from "./helpers/browser";

// The console's functions pages in Chromium: Functions in the nav, register a function (the signing
// secret shown once), then test-invoke it from its page and see the result and a function error.

let web: TestProcess & { url: string };
let tb: TestBrowser;
let page: Page;
let t: TestTenant;
let svc: Awaited<ReturnType<typeof startFunctionReceiver>>;

beforeAll(async () => {
  t = await createTestTenant();
  svc = await startFunctionReceiver((event) =>
    (event as { fail?: boolean }).fail
      ? {
          headers: { "x-amz-function-error": "Unhandled" },
          body: '{"errorType":"OrderError","errorMessage":"bad order"}',
        }
      : { body: JSON.stringify({ greeting: `hello ${(event as { name?: string }).name}` }) },
  );
  web = await startWeb({ next: true, env: { SIGNALBOX_WEBHOOK_ALLOWLIST: "127.0.0.1/32,::1/128" } });
  tb = await launchBrowser();
  page = (await newPerson(tb.browser, web.url)).page;
  await signInViaUi(page, { email: t.user.email, password: t.user.password });
});

afterAll(async () => {
  await tb?.close();
  await web?.stop();
  await svc?.close();
  await closeDb();
});

describe("functions console", () => {
  it("registers a function, shows its secret once and test-invokes it", async () => {
    await page.getByRole("link", { name: "Functions" }).first().click();
    await page.waitForURL(/\/functions$/);
    await page.getByRole("heading", { name: "No functions yet" }).waitFor();
    await page.getByRole("button", { name: "Create function" }).click();
    await page.getByLabel("Name").fill("greeter");
    await page.getByLabel("URL of your service").fill(`${svc.url}/greet`);
    await page.getByRole("button", { name: "Create function" }).last().click();
    const secret = await page.locator("#function-secret-value").textContent();
    expect(secret).toMatch(/^whsec_/);
    svc.secrets.set("/greet", secret!);
    await page.getByRole("button", { name: "I have copied the secret" }).click();
    await page.waitForURL(/\/functions\/greeter$/);
    await page.getByText(`arn:aws:lambda:us-east-1:${t.tenant.accountId}:function:greeter`).first().waitFor();

    await page.getByTestId("invoke-payload").fill('{"name":"Ada"}');
    await page.getByRole("button", { name: "Invoke", exact: true }).click();
    const result = page.getByTestId("invoke-result");
    await result.getByText("200 succeeded").waitFor();
    expect(await result.textContent()).toContain('"greeting": "hello Ada"');
    expect(svc.hits.at(-1)!.signatureValid).toBe(true);

    await page.getByTestId("invoke-payload").fill('{"fail":true}');
    await page.getByRole("button", { name: "Invoke", exact: true }).click();
    await result.getByText("Function error (Unhandled)").waitFor();
    expect(await result.textContent()).toContain("bad order");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { startWeb } from "../helpers/server";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { closeDb, pool } from "../../server/db";
import { recordWorkflowAttempt } from "../../server/domains/deliveries/workflow-attempts";
import { insertStateMachine } from "../helpers/workflows";
import { launchBrowser, newPerson, screenshot, signInViaUi, type TestBrowser } from "./helpers/browser";

// A workflow Task's call in the deliveries dashboard: it is shown like any delivery, but its
// Resend button is disabled with the reason as a tooltip, and "Resend all failed…" is disabled
// while the dashboard shows only workflow calls. Nothing is resent (the row stays failed).
// And "Test a state" with a mock result: a Map state runs with it standing in for its iterations.
let web: Awaited<ReturnType<typeof startWeb>>;
let tb: TestBrowser;
let page: Page;
let t: TestTenant;
let deliveryId = "";
const machine = `fanout-${randomUUID().slice(0, 8)}`;
const functionArn = () => `arn:aws:lambda:us-east-1:${t.tenant.accountId}:function:charge-card`;

beforeAll(async () => {
  t = await createTestTenant();
  const executionArn = `arn:aws:states:us-east-1:${t.tenant.accountId}:execution:orders:${randomUUID()}`;
  await recordWorkflowAttempt({
    tenantId: t.tenant.id,
    stateMachineArn: `arn:aws:states:us-east-1:${t.tenant.accountId}:stateMachine:orders`,
    executionArn,
    targetKind: "function",
    targetArn: functionArn(),
    requestBody: '{"order":7}',
    outcome: "failed",
    startedAt: new Date(),
    durationMs: 12,
    error: "Function error: card declined",
  });
  deliveryId = (
    await pool().query<{ id: string }>(`SELECT id FROM deliveries WHERE tenant_id = $1 AND event_id = $2`, [
      t.tenant.id,
      executionArn,
    ])
  ).rows[0]!.id;
  await insertStateMachine(
    t.tenant,
    {
      StartAt: "Each order",
      States: {
        "Each order": {
          Type: "Map",
          ItemsPath: "$.orders",
          ItemProcessor: { StartAt: "Ship", States: { Ship: { Type: "Pass", End: true } } },
          ResultPath: "$.shipped",
          End: true,
        },
      },
    },
    { name: machine },
  );
  web = await startWeb({ next: true });
  tb = await launchBrowser();
  page = (await newPerson(tb.browser, web.url, { width: 1280, height: 860 })).page;
  await signInViaUi(page, { email: t.user.email, password: t.user.password });
}, 600_000);

afterAll(async () => {
  await tb?.close();
  await web?.stop();
  await closeDb();
});

describe("a workflow task's call in the deliveries dashboard", () => {
  it("cannot be resent, and says why", async () => {
    await page.goto(`/t/${t.tenant.slug}/deliveries`);
    await page.getByTestId("deliveries-dashboard").waitFor();
    await page.getByLabel("Source").selectOption("workflow");
    const bulk = page.getByTestId("resend-all-unavailable");
    await bulk.waitFor();
    expect(await bulk.getAttribute("title")).toMatch(/workflow tasks cannot be resent/);
    expect(await bulk.getByRole("button", { name: "Resend all failed…" }).isDisabled()).toBe(true);

    const row = page.locator('[data-testid="attempt-row"][data-outcome="failed"]').filter({ hasText: "charge-card" });
    await row.waitFor();
    await row.click();
    await page.getByTestId("attempt-detail").waitFor();
    const unavailable = page.getByTestId("resend-unavailable");
    await unavailable.waitFor();
    expect(await unavailable.getAttribute("title")).toMatch(/Redrive or start the execution again/);
    expect(await unavailable.getByRole("button", { name: "Resend this message" }).isDisabled()).toBe(true);
    await screenshot(page, "deliveries-workflow-attempt-1280");
    const r = await pool().query<{ status: string }>(`SELECT status FROM deliveries WHERE id = $1`, [deliveryId]);
    expect(r.rows[0]!.status).toBe("failed");
  });
  describe("Test a state with a mock", () => {
    it("runs a Map state with the mock result, and asks for one without it", async () => {
      await page.goto(`/t/${t.tenant.slug}/workflows/${machine}`);
      await page.getByRole("tab", { name: "Test a state" }).click();
      await page.getByLabel("Test input").fill(JSON.stringify({ orders: [1, 2] }));
      await page.getByRole("button", { name: "Test state" }).click();
      const result = page.getByTestId("test-state-result");
      await result.getByText(/requires a mock/).waitFor();
      await page.getByLabel("Mock result").fill('["shipped-1", "shipped-2"]');
      await page.getByRole("button", { name: "Test state" }).click();
      await result.getByText("SUCCEEDED").waitFor();
      expect(await result.textContent()).toContain("shipped-2");
      await screenshot(page, "workflows-test-state-mock-1280");
    });
  });
});

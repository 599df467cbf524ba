import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { startWeb } from "../helpers/server";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { closeDb, pool } from "../../server/db";
import { recordWorkflowAttempt } from "../../server/domains/deliveries/workflow-attempts";
import { launchBrowser, newPerson, screenshot, signInViaUi, type TestBrowser } from "./helpers/browser";

// A workflow Task's call in the deliveries dashboard: it is shown like any delivery, but its
// Resend button is disabled with the reason as a tooltip, and "Resend all failed…" is disabled
// while the dashboard shows only workflow calls. Nothing is resent (the row stays failed).
let web: Awaited<ReturnType<typeof startWeb>>;
let tb: TestBrowser;
let page: Page;
let t: TestTenant;
let deliveryId = "";
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
});

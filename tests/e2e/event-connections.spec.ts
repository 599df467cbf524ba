import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startWeb, type TestProcess } from "../helpers/server";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { closeDb, pool } from "../../server/db";
import { describeConnection, openAuth } from "../../server/domains/connections/connection.service";
import { createFunction } from "../../server/domains/functions/function.service";
import { createBus } from "../../server/domains/events/bus.service";
import { listTargetsByRule, putRule } from "../../server/domains/events/rule.service";
import {
  expectFitsWidth,
  launchBrowser,
  newPerson,
  screenshot,
  signInViaUi,
  type TestBrowser,
} from "./helpers/browser";

// Connections, API destinations and schedule edits in the console, in Chromium against a real web
// process and database: a connection made with an API key (the key is stored, never shown back),
// edited with the key left blank (kept), an API destination on it, field errors from the server,
// then a schedule made over the console whose expression is edited and which is disabled and
// enabled again. Assertions are on what the pages show and on what the database holds.
let web: TestProcess & { url: string };
let tb: TestBrowser;
let page: Page;
let t: TestTenant;
const pageErrors: string[] = [];
const connName = uniqueName("crm");
const destName = uniqueName("crm-orders");
const scheduleName = uniqueName("nightly");
const API_KEY = "sk_test_NEVER_SHOWN_AGAIN";
let queueArn = "";

beforeAll(async () => {
  t = await createTestTenant();
  web = await startWeb({ next: true });
  tb = await launchBrowser();
  page = (await newPerson(tb.browser, web.url)).page;
  page.on("pageerror", (e) => pageErrors.push(e.message));
  const sqs = new SQSClient({
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    maxAttempts: 1,
  });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("sched-q") }));
  queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes!
    .QueueArn!;
  sqs.destroy();
  await signInViaUi(page, { email: t.user.email, password: t.user.password });
}, 180_000);

afterAll(async () => {
  await pool().query(`DELETE FROM timers WHERE tenant_id = $1`, [t?.tenant.id]);
  await tb?.close();
  await web?.stop();
  await closeDb();
});

describe("connections and API destinations console", () => {
  it("creates an API key connection with field errors first; the key is never shown back", async () => {
    await page.goto(`/t/${t.tenant.slug}/event-buses?view=connections`);
    await page.getByText("No connections yet").waitFor();
    await screenshot(page, "event-connections-empty-1280");
    await page.getByRole("button", { name: "Create connection" }).click();
    const dialog = page.getByRole("dialog", { name: "Create connection" });
    await dialog.getByLabel("Name", { exact: true }).fill(connName);
    await dialog.getByLabel("Header name").fill("x-api-key");
    // No key: the server's zod check names the field.
    await dialog.getByRole("button", { name: "Create connection" }).click();
    await dialog.getByText("Enter the API key.").waitFor();
    await dialog.getByLabel("API key", { exact: true }).fill(API_KEY);
    await dialog.getByLabel("Description (optional)").fill("CRM webhooks");
    await screenshot(page, "event-connections-create-1280");
    await dialog.getByRole("button", { name: "Create connection" }).click();
    await dialog.waitFor({ state: "detached" });
    const row = page.getByTestId(`connection-${connName}`);
    await row.getByText("Authorized", { exact: true }).waitFor();
    expect(await row.textContent()).toContain("header x-api-key");
    expect(await page.content()).not.toContain(API_KEY);

    // Edit with the key left blank: the description changes, the stored key stays.
    await page.getByRole("button", { name: `Edit connection ${connName}` }).click();
    const edit = page.getByRole("dialog", { name: `Edit connection “${connName}”` });
    expect(await edit.getByLabel("API key", { exact: true }).inputValue()).toBe("");
    await edit.getByLabel("Description (optional)").fill("CRM webhooks (prod)");
    await edit.getByRole("button", { name: "Save connection" }).click();
    await edit.waitFor({ state: "detached" });
    await row.getByText("CRM webhooks (prod)").waitFor();
    const stored = await describeConnection(t.actor, t.tenant, connName);
    expect(openAuth(stored).ApiKeyAuthParameters).toEqual({ ApiKeyName: "x-api-key", ApiKeyValue: API_KEY });
  });

  it("creates an API destination on the connection, refusing a bad endpoint and rate per field", async () => {
    await page.getByRole("button", { name: "Create API destination" }).click();
    const dialog = page.getByRole("dialog", { name: "Create API destination" });
    await dialog.getByLabel("Name", { exact: true }).fill(destName);
    await dialog.getByLabel("Connection").selectOption({ label: connName });
    await dialog.getByLabel("Endpoint").fill("ftp://crm.example.com/orders");
    await dialog.getByLabel("Rate limit (invocations per second)").fill("500");
    await dialog.getByRole("button", { name: "Create API destination" }).click();
    await dialog.getByText("Enter an https:// URL (use * for path parameters).").waitFor();
    await dialog.getByText("At most 300 invocations per second.").waitFor();
    await dialog.getByLabel("Endpoint").fill("https://crm.example.com/v1/orders/*");
    await dialog.getByLabel("Method").selectOption("PUT");
    await dialog.getByLabel("Rate limit (invocations per second)").fill("20");
    await dialog.getByRole("button", { name: "Create API destination" }).click();
    await dialog.waitFor({ state: "detached" });
    const row = page.getByTestId(`api-destination-${destName}`);
    await row.waitFor();
    expect(await row.textContent()).toContain("PUT");
    expect(await row.textContent()).toContain(connName);
    expect(await row.textContent()).toContain("20");
    await expect
      .poll(() => page.getByTestId(`connection-${connName}`).getByTestId("connection-destinations").textContent())
      .toBe("1");
    const r = await pool().query(
      `SELECT endpoint, http_method, rate_limit_per_second FROM api_destinations WHERE tenant_id = $1 AND name = $2`,
      [t.tenant.id, destName],
    );
    expect(r.rows[0]).toEqual({
      endpoint: "https://crm.example.com/v1/orders/*",
      http_method: "PUT",
      rate_limit_per_second: 20,
    });
    await expectFitsWidth(page, "connections");
    await screenshot(page, "event-connections-1280");
  });

  it("deauthorizes the connection", async () => {
    await page.getByRole("button", { name: `Deauthorize connection ${connName}` }).click();
    await page
      .getByRole("dialog", { name: `Deauthorize connection “${connName}”?` })
      .getByRole("button", {
        name: "Deauthorize",
      })
      .click();
    await page.getByTestId(`connection-${connName}`).getByText("Deauthorized", { exact: true }).waitFor();
    expect((await describeConnection(t.actor, t.tenant, connName)).state).toBe("DEAUTHORIZED");
  });
});

describe("rule target editor: function and API destination pickers", () => {
  it("picks a function and the API destination as a rule's targets from lists, not ARNs", async () => {
    const caller = { tenantId: t.tenant.id, accountId: t.tenant.accountId };
    const bus = uniqueName("crm-bus");
    const fnName = uniqueName("enrich");
    await createBus(t.actor, caller, { name: bus });
    await putRule(t.actor, caller, { name: "to-crm", eventBusName: bus, eventPattern: '{"source":["crm"]}' });
    const { fn } = await createFunction(t.actor, t.tenant, { name: fnName, url: "http://127.0.0.1:9/fn" });
    await page.goto(`/t/${t.tenant.slug}/event-buses/${bus}/rules/to-crm?tab=targets`);
    for (const [kind, label] of [
      ["function", fnName],
      ["api-destination", destName],
    ] as const) {
      await page.getByRole("button", { name: "Add target" }).first().click();
      const dialog = page.getByRole("dialog", { name: "Add target" });
      await dialog.getByLabel("Target type").selectOption(kind);
      await dialog
        .getByLabel(kind === "function" ? "Function" : "API destination", { exact: true })
        .selectOption({ label });
      if (kind === "function") await screenshot(page, "event-target-function-1280");
      await dialog.getByRole("button", { name: "Add target" }).click();
      await dialog.waitFor({ state: "detached" });
    }
    const targets = await listTargetsByRule(t.actor, caller, { rule: "to-crm", eventBusName: bus });
    expect(targets.targets.map((x) => x.arn).sort()).toEqual(
      [fn.arn, (await pool().query(`SELECT arn FROM api_destinations WHERE name = $1`, [destName])).rows[0].arn].sort(),
    );
  });
});

describe("connections on a phone, and deleting", () => {
  it("fits a phone, then deletes the API destination and the connection", async () => {
    const phone = await newPerson(tb.browser, web.url, { width: 390, height: 844 });
    await signInViaUi(phone.page, { email: t.user.email, password: t.user.password });
    await phone.page.goto(`/t/${t.tenant.slug}/event-buses?view=connections`);
    await phone.page.getByTestId(`api-destination-${destName}`).waitFor();
    await expectFitsWidth(phone.page, "connections on a phone");
    await screenshot(phone.page, "event-connections-390");
    await phone.context.close();

    await page.goto(`/t/${t.tenant.slug}/event-buses?view=connections`);
    // In use by the API destination: refused, and the dialog says why.
    await page.getByRole("button", { name: `Delete connection ${connName}` }).click();
    const refuse = page.getByRole("dialog", { name: `Delete connection “${connName}”?` });
    await refuse.getByRole("button", { name: "Delete connection" }).click();
    await refuse.getByText(/in use by one or more API destinations/).waitFor();
    await refuse.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("button", { name: `Delete API destination ${destName}` }).click();
    await page
      .getByRole("dialog", { name: `Delete API destination “${destName}”?` })
      .getByRole("button", { name: "Delete API destination" })
      .click();
    await page.getByTestId(`api-destination-${destName}`).waitFor({ state: "detached" });
    await page.getByRole("button", { name: `Delete connection ${connName}` }).click();
    await page
      .getByRole("dialog", { name: `Delete connection “${connName}”?` })
      .getByRole("button", { name: "Delete connection" })
      .click();
    await page.getByText("No connections yet").waitFor();
    const left = await pool().query(`SELECT count(*)::int AS n FROM event_connections WHERE tenant_id = $1`, [
      t.tenant.id,
    ]);
    expect(left.rows[0].n).toBe(0);
  });
});

describe("schedules console: edit and disable", () => {
  it("creates a schedule, edits its expression, time zone and window, disables and enables it", async () => {
    await page.goto(`/t/${t.tenant.slug}/event-buses?view=schedules`);
    await page.getByRole("button", { name: "Create schedule" }).first().click();
    const create = page.getByRole("dialog", { name: "Create schedule" });
    await create.getByLabel("Name", { exact: true }).fill(scheduleName);
    await create.getByLabel("Schedule expression").fill("rate(1 hour)");
    await create.getByLabel("Time zone").selectOption("UTC");
    await create.getByLabel("Target", { exact: true }).selectOption(queueArn);
    await create.getByRole("button", { name: "Create schedule" }).click();
    await create.waitFor({ state: "detached" });
    const row = page.getByTestId(`schedule-${scheduleName}`);
    await row.getByText("rate(1 hour)").waitFor();

    await page.getByRole("button", { name: `Edit schedule ${scheduleName}` }).click();
    const edit = page.getByRole("dialog", { name: `Edit schedule “${scheduleName}”` });
    // A bad expression is refused under its field and nothing changes.
    await edit.getByLabel("Schedule expression").fill("rate(0 hours)");
    await edit.getByRole("button", { name: "Save schedule" }).click();
    await edit.getByText("Invalid Schedule Expression rate(0 hours).").waitFor();
    await edit.getByLabel("Schedule expression").fill("cron(30 7 ? * MON-FRI *)");
    await edit.getByLabel("Time zone").selectOption("Europe/Berlin");
    await edit.getByLabel("Flexible window (minutes, optional)").fill("10");
    await edit.getByTestId("edit-fire-times").waitFor();
    await screenshot(page, "event-schedule-edit-1280");
    await edit.getByRole("button", { name: "Save schedule" }).click();
    await edit.waitFor({ state: "detached" });
    await row.getByText("cron(30 7 ? * MON-FRI *)").waitFor();
    await row.getByText("Europe/Berlin").waitFor();
    const stored = await pool().query(
      `SELECT schedule_expression, timezone, flexible_window_minutes, state FROM schedules WHERE tenant_id = $1 AND name = $2`,
      [t.tenant.id, scheduleName],
    );
    expect(stored.rows[0]).toEqual({
      schedule_expression: "cron(30 7 ? * MON-FRI *)",
      timezone: "Europe/Berlin",
      flexible_window_minutes: 10,
      state: "ENABLED",
    });

    await page.getByRole("button", { name: `Disable schedule ${scheduleName}` }).click();
    await row.getByText("Disabled", { exact: true }).waitFor();
    await expectFitsWidth(page, "schedules");
    await screenshot(page, "event-schedules-disabled-1280");
    const off = await pool().query(`SELECT state FROM schedules WHERE tenant_id = $1 AND name = $2`, [
      t.tenant.id,
      scheduleName,
    ]);
    expect(off.rows[0].state).toBe("DISABLED");
    await page.getByRole("button", { name: `Enable schedule ${scheduleName}` }).click();
    await row.getByText("Enabled", { exact: true }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});

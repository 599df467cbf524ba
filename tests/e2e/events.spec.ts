import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";
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

// The event-bus console as a person uses it, in Chromium against a real web process, worker and
// database: create a bus, build a rule in the editor (the sandbox says the sample event matches),
// add a queue target with an input transformer (its preview shows what the queue will get), send an
// event from the console, follow it in the explorer to the target attempt, and find the message in
// the queue. Assertions are on what the pages show and on what the queue really holds.
let web: Awaited<ReturnType<typeof startWeb>>;
let worker: TestProcess;
let tb: TestBrowser;
let page: Page;
let t: TestTenant;
let sqs: SQSClient;
const pageErrors: string[] = [];

const busName = uniqueName("orders-bus");
const ruleName = uniqueName("paid-orders");
const queueName = uniqueName("paid-q");
const orderId = uniqueName("o");
let eventId = "";

beforeAll(async () => {
  t = await createTestTenant();
  [web, worker] = await Promise.all([startWeb({ next: true }), startWorker()]);
  tb = await launchBrowser();
  page = (await newPerson(tb.browser, web.url)).page;
  page.on("pageerror", (e) => pageErrors.push(e.message));
  sqs = new SQSClient({
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    maxAttempts: 1,
  });
  // The queue the rule will deliver to, made the way an app would.
  await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
  await signInViaUi(page, { email: t.user.email, password: t.user.password });
}, 180_000);

afterAll(async () => {
  if (process.env.EVENTS_E2E_DEBUG) await screenshot(page, "events-last").catch(() => {});
  if (process.env.EVENTS_E2E_DEBUG)
    console.log(`--- worker output ---\n${worker?.output()}\n--- web output ---\n${web?.output()}`);
  sqs?.destroy();
  await tb?.close();
  await Promise.all([web?.stop(), worker?.stop()]);
  await closeDb();
});

describe("event-bus console", () => {
  it("lists the default bus and creates a bus through the form, with field validation", async () => {
    await page.goto(`/t/${t.tenant.slug}/event-buses`);
    await page.getByTestId("bus-row-default").waitFor();
    await page.getByRole("button", { name: "Create event bus" }).click();
    const dialog = page.getByRole("dialog", { name: "Create event bus" });
    await dialog.getByLabel("Name", { exact: true }).fill("has spaces");
    await dialog.getByRole("button", { name: "Create event bus" }).click();
    await dialog.getByText("Use letters, digits, and . - _ / only.").waitFor();
    await dialog.getByLabel("Name", { exact: true }).fill(busName);
    await dialog.getByRole("button", { name: "Create event bus" }).click();
    await page.waitForURL(`**/t/${t.tenant.slug}/event-buses/${busName}`);
    await page.getByRole("heading", { name: busName }).waitFor();
    expect(await page.getByTestId("bus-arn").textContent()).toBe(
      `arn:aws:events:us-east-1:${t.tenant.accountId}:event-bus/${busName}`,
    );
    await page.getByText("No rules on this bus").waitFor();
    await screenshot(page, "events-bus-empty-1280");
  });

  it("builds a rule in the editor: invalid patterns are explained, the sandbox shows the match and why", async () => {
    await page.getByRole("link", { name: "Create rule" }).click();
    await page.waitForURL(`**/event-buses/${busName}/new-rule`);
    const pattern = page.getByLabel("Event pattern (JSON)");
    await pattern.fill('{ "source": "com.example.orders" }');
    // AWS refuses a non-array leaf; the editor says so as you type.
    await expect.poll(() => page.getByTestId("pattern-status").textContent()).not.toContain("Valid event pattern");
    await pattern.fill(
      JSON.stringify(
        { source: ["com.example.orders"], "detail-type": ["Order Paid"], detail: { amount: [{ numeric: [">", 10] }] } },
        null,
        2,
      ),
    );
    await page.getByTestId("pattern-status").getByText("Valid event pattern").waitFor();
    const result = page.getByTestId("sandbox-result");
    await expect.poll(() => result.textContent()).toContain("Match");
    // A smaller amount does not match, and the sandbox names the field.
    const sample = page.getByLabel("Event (the envelope as rules see it)");
    const text = (await sample.inputValue()).replace('"amount": 42.5', '"amount": 5');
    await sample.fill(text);
    await expect.poll(() => result.textContent()).toContain("No match");
    await expect.poll(() => page.getByTestId("sandbox-reasons").textContent()).toContain("detail.amount");
    await screenshot(page, "events-rule-editor-nomatch-1280");
    await sample.fill(text.replace('"amount": 5', '"amount": 42.5'));
    await expect.poll(() => result.textContent()).toContain("Match");
    await page.getByLabel("Name", { exact: true }).fill(ruleName);
    await page.getByLabel("Description (optional)").fill("Paid orders over 10 go to the paid queue");
    await screenshot(page, "events-rule-editor-1280");
    await page.getByRole("button", { name: "Create rule" }).click();
    await page.waitForURL(`**/event-buses/${busName}/rules/${ruleName}?tab=targets`);
    await page.getByRole("heading", { name: ruleName }).waitFor();
    await page.getByText("No targets yet").waitFor();
  });

  it("adds a queue target with an input transformer whose preview shows what the queue gets", async () => {
    await page.getByRole("button", { name: "Add target" }).click();
    const dialog = page.getByRole("dialog", { name: "Add target" });
    await dialog.getByLabel("Queue", { exact: true }).selectOption({ label: queueName });
    await dialog.getByLabel("What is sent").selectOption("transformer");
    await dialog
      .getByLabel("Input paths map (JSON)")
      .fill('{ "order": "$.detail.orderId", "amount": "$.detail.amount" }');
    await dialog
      .getByLabel("Input template")
      .fill('{ "order": <order>, "amount": <amount>, "rule": <aws.events.rule-name> }');
    await expect.poll(() => dialog.getByTestId("target-preview").textContent()).toContain(`"rule": "${ruleName}"`);
    expect(await dialog.getByTestId("target-preview").textContent()).toContain('"order": "1234"');
    await dialog.getByLabel("Retry attempts").fill("500");
    await dialog.getByRole("button", { name: "Add target" }).click();
    await dialog.getByText("Retry attempts are between 0 and 185.").waitFor();
    await dialog.getByLabel("Retry attempts").fill("3");
    await screenshot(page, "events-target-editor-1280");
    await dialog.getByRole("button", { name: "Add target" }).click();
    await page.getByText(`Target “${queueName}” added`).waitFor();
    await page.getByRole("tab", { name: "Targets (1)" }).waitFor();
    await page.getByText("Sends: input transformer").waitFor();
  });

  it("sends an event from the console and follows it in the explorer to the target attempt", async () => {
    await page.getByRole("link", { name: busName }).first().click();
    await page.getByRole("heading", { name: busName }).waitFor();
    await page.getByTestId(`rule-row-${ruleName}`).waitFor();
    await page.getByRole("button", { name: "Send event" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Send event" });
    await dialog.getByLabel("Detail (JSON object)").fill("{ not json");
    await dialog.getByRole("button", { name: "Send event" }).click();
    await dialog
      .getByText(/Detail is malformed|not valid JSON|Detail/i)
      .first()
      .waitFor();
    await dialog
      .getByLabel("Detail (JSON object)")
      .fill(JSON.stringify({ orderId, status: "paid", amount: 99 }, null, 2));
    await dialog.getByRole("button", { name: "Send event" }).click();
    await dialog.getByText("Event accepted").waitFor();
    eventId = ((await dialog.getByTestId("sent-event-id").textContent()) ?? "").trim();
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
    await dialog.getByRole("button", { name: "Follow it in the explorer" }).click();

    const path = page.getByTestId("event-path");
    await path.getByText(`Event ${eventId}`).waitFor();
    await path.getByText("Matched 1 rule").waitFor();
    await path.getByTestId("matched-rule").getByRole("link", { name: ruleName }).waitFor();
    // The worker delivers to the queue within seconds; the explorer follows it until it settles.
    await expect
      .poll(() => path.getByTestId("invocation-status").first().textContent(), { timeout: 30_000 })
      .toBe("succeeded");
    expect(await path.getByTestId("invocation-attempt").first().textContent()).toContain("Attempt 1");
    expect(await path.getByTestId("invocation-attempt").first().textContent()).toContain("succeeded");
    // The list row agrees with the path: one rule matched, one delivery, none failed.
    const row = page.getByTestId("event-row").filter({ hasText: eventId }).first();
    await expect.poll(() => row.textContent()).toContain("1 sent");
    await expectFitsWidth(page, "the explorer");
    await screenshot(page, "events-explorer-1280");

    // Search narrows by source and by id, and says so when nothing matches.
    await page.getByLabel("Source", { exact: true }).fill("com.example.nothing");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.getByText("No event matches these filters in this window.").waitFor();
    await page.getByLabel("Source", { exact: true }).fill("");
    await page.getByLabel("Event id", { exact: true }).fill(eventId);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect.poll(() => page.getByTestId("event-row").count()).toBe(1);

    // The rule's link opens the deliveries dashboard narrowed to that rule.
    await page.getByTestId("event-row").first().click();
    await page.getByTestId("event-path").getByRole("link", { name: "Deliveries dashboard" }).click();
    await page.waitForURL(/\/deliveries\?source=/);
    await expect.poll(() => page.getByTestId("source-scope").textContent()).toContain(ruleName);
    // Its attempt log holds exactly the one delivery of this rule.
    await expect.poll(() => page.getByTestId("attempt-row").count(), { timeout: 20_000 }).toBe(1);
    await screenshot(page, "events-deliveries-by-rule-1280");
  }, 150_000);

  it("delivered the transformed input to the queue, and the rule's charts count it", async () => {
    // In the queue's console, the transformed input is there (browsing does not receive it).
    await page.goto(`/t/${t.tenant.slug}/queues/${queueName}?tab=browse`);
    await expect.poll(() => page.getByTestId("browsed-message").count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByTestId("browsed-preview").textContent()).toContain(orderId);
    await screenshot(page, "events-queue-browse-1280");
    const url = `${web.url}/api/aws/${t.tenant.accountId}/${queueName}`;
    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5, MaxNumberOfMessages: 1 }),
    );
    expect(got.Messages?.length).toBe(1);
    expect(JSON.parse(got.Messages![0]!.Body!)).toEqual({ order: orderId, amount: 99, rule: ruleName });

    await page.goto(`/t/${t.tenant.slug}/event-buses/${busName}/rules/${ruleName}?tab=monitoring`);
    // Counters are flushed by the web process every few seconds: reload until they show.
    await expect
      .poll(
        async () => {
          await page.reload();
          return (await page.getByTestId("metric-matchedEvents").textContent({ timeout: 20_000 }))?.trim();
        },
        { timeout: 30_000, interval: 2_000 },
      )
      .toBe("1");
    expect((await page.getByTestId("metric-invocations").textContent())?.trim()).toBe("1");
    expect((await page.getByTestId("metric-failedInvocations").textContent())?.trim()).toBe("0");
    await screenshot(page, "events-rule-monitoring-1280");
    expect(pageErrors).toEqual([]);
  });
  it("archives the bus's events and replays them with progress; sources show their ingest URL and secret once", async () => {
    const archive = uniqueName("all-orders");
    await page.goto(`/t/${t.tenant.slug}/event-buses/${busName}?tab=archives`);
    await page.getByText("No archives").waitFor();
    await page.getByRole("button", { name: "Create archive" }).click();
    const dialog = page.getByRole("dialog", { name: "Create archive" });
    await dialog.getByLabel("Name", { exact: true }).fill(archive);
    await dialog.getByLabel("Retention (days)").fill("7");
    await dialog.getByRole("button", { name: "Create archive" }).click();
    await page.getByTestId(`archive-${archive}`).waitFor();

    // An event sent now is archived as it arrives.
    await page.getByRole("button", { name: "Send event" }).first().click();
    const send = page.getByRole("dialog", { name: "Send event" });
    await send.getByLabel("Detail (JSON object)").fill(JSON.stringify({ orderId: `${orderId}-2`, amount: 12 }));
    await send.getByRole("button", { name: "Send event" }).click();
    await send.getByText("Event accepted").waitFor();
    await send.getByRole("button", { name: "Close", exact: true }).first().click();
    await expect
      .poll(
        async () => (await page.getByTestId(`archive-${archive}`).getByTestId("archive-count").textContent())?.trim(),
        {
          timeout: 30_000,
        },
      )
      .toBe("1");

    await page.getByTestId(`archive-${archive}`).getByRole("button", { name: "Replay" }).click();
    const replay = page.getByRole("dialog", { name: `Replay from “${archive}”` });
    const until = new Date(Date.now() + 60_000);
    const p2 = (n: number) => String(n).padStart(2, "0");
    await replay
      .getByLabel("Events until")
      .fill(
        `${until.getFullYear()}-${p2(until.getMonth() + 1)}-${p2(until.getDate())}T${p2(until.getHours())}:${p2(until.getMinutes())}`,
      );
    await replay.getByRole("button", { name: "Start replay" }).click();
    const row = page.locator("[data-testid^='replay-']").first();
    await expect.poll(() => row.textContent(), { timeout: 60_000, interval: 1_000 }).toContain("COMPLETED");
    expect(await row.getByTestId("replay-progress").textContent()).toBe("1 of 1 events");
    await screenshot(page, "events-archives-1280");

    await page.getByRole("tab", { name: "Sources" }).click();
    await page.getByText("No event sources").waitFor();
    await page.getByRole("button", { name: "Add source" }).first().click();
    const src = page.getByRole("dialog", { name: "Add event source" });
    await src.getByLabel("Name", { exact: true }).fill("github");
    await src.getByRole("button", { name: "Add source" }).click();
    await page.getByTestId("source-secret").waitFor();
    expect((await page.getByTestId("source-secret").locator("code").first().textContent())?.length).toBeGreaterThan(16);
    await page.getByRole("button", { name: "I have copied the secret" }).click();
    await expect
      .poll(() => page.getByTestId("source-github").textContent())
      .toMatch(/\/api\/v1\/ingest\/[A-Za-z0-9_-]+/);
    await screenshot(page, "events-sources-1280");

    await page.getByRole("tab", { name: "Schemas" }).click();
    await page.getByRole("button", { name: "Start discovery" }).click();
    await page.getByText("Schema discovery started").waitFor();
    // The next event's shape becomes a schema (the worker folds shapes within seconds).
    await page.getByRole("button", { name: "Send event" }).first().click();
    const again = page.getByRole("dialog", { name: "Send event" });
    await again
      .getByLabel("Detail (JSON object)")
      .fill(JSON.stringify({ orderId: `${orderId}-3`, amount: 7, paid: true }));
    await again.getByRole("button", { name: "Send event" }).click();
    await again.getByText("Event accepted").waitFor();
    await again.getByRole("button", { name: "Close", exact: true }).first().click();
    await expect
      .poll(
        async () => {
          await page.goto(`/t/${t.tenant.slug}/event-buses/${busName}?tab=schemas`);
          await page.getByText("Schema discovery").first().waitFor();
          return page.getByTestId("schema-row").count();
        },
        { timeout: 45_000, interval: 2_000 },
      )
      .toBe(1);
    const ts = page.locator("pre code").first();
    await expect.poll(async () => (await ts.textContent()) ?? "").toContain("orderId");
    expect(await ts.textContent()).toMatch(/export (interface|type)/);
    await screenshot(page, "events-schemas-1280");
    expect(pageErrors).toEqual([]);
  }, 150_000);
  it("creates a Scheduler schedule with its next 10 fire times in the chosen time zone", async () => {
    const schedule = uniqueName("weekday-report");
    await page.goto(`/t/${t.tenant.slug}/event-buses?view=schedules`);
    await page.getByText("No schedules yet").waitFor();
    await page.getByRole("button", { name: "Create schedule" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Create schedule" });
    await dialog.getByLabel("Name", { exact: true }).fill(schedule);
    await dialog.getByLabel("Schedule expression").fill("cron(0 9 ? * MON-FRI *)");
    await dialog.getByLabel("Time zone").selectOption("Asia/Tokyo");
    const times = dialog.getByTestId("schedule-fire-times").locator("li");
    await expect.poll(() => times.count()).toBe(10);
    // Weekdays at 09:00 Tokyo time (GMT+9), never a weekend.
    for (const text of await times.allTextContents()) {
      expect(text).toMatch(/^(Mon|Tue|Wed|Thu|Fri), .*09:00 GMT\+9$/);
    }
    await dialog.getByLabel("Schedule expression").fill("cron(0 9 * * MON *)");
    await dialog.getByText("Invalid Schedule Expression cron(0 9 * * MON *).").waitFor();
    await dialog.getByLabel("Schedule expression").fill("cron(0 9 ? * MON-FRI *)");
    await dialog.getByLabel("Target", { exact: true }).selectOption({ label: queueName });
    await screenshot(page, "events-schedule-create-1280");
    await dialog.getByRole("button", { name: "Create schedule" }).click();
    await page.getByTestId(`schedule-${schedule}`).waitFor();
    expect(await page.getByTestId(`schedule-${schedule}`).textContent()).toContain("Asia/Tokyo");
    await screenshot(page, "events-schedules-1280");
    expect(pageErrors).toEqual([]);
  });
  it("fits a phone: bus list, explorer with an event's path, rule editor", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`/t/${t.tenant.slug}/event-buses`);
      await page.getByTestId(`bus-row-${busName}`).waitFor();
      await expectFitsWidth(page, "the bus list on a phone");
      await page.goto(`/t/${t.tenant.slug}/event-buses/${busName}?tab=events&event=${eventId}`);
      await page.getByTestId("event-path").getByText("Matched 1 rule").waitFor();
      await expectFitsWidth(page, "the explorer on a phone");
      await screenshot(page, "events-explorer-390");
      await page.goto(`/t/${t.tenant.slug}/event-buses/${busName}/rules/${ruleName}`);
      await page.getByTestId("sandbox-result").waitFor();
      await expectFitsWidth(page, "the rule editor on a phone");
      await screenshot(page, "events-rule-editor-390");
    } finally {
      await page.setViewportSize({ width: 1280, height: 860 });
    }
    expect(pageErrors).toEqual([]);
  });
  it("shares the bus with another account and disables the rule in place", async () => {
    await page.goto(`/t/${t.tenant.slug}/event-buses/${busName}?tab=permissions`);
    await page.getByText("No resource policy: only this team can put events here.").waitFor();
    const form = page.getByRole("form", { name: "Allow an account" });
    await form.getByLabel("Account id").fill("12");
    await form.getByLabel("Statement id").fill("billing");
    await form.getByRole("button", { name: "Allow" }).click();
    await form
      .getByText(/principal/i)
      .first()
      .waitFor();
    await form.getByLabel("Account id").fill("111122223333");
    await form.getByRole("button", { name: "Allow" }).click();
    await page.getByText("Permission added").waitFor();
    await page.getByText("Allow events:PutEvents for 111122223333").waitFor();
    await screenshot(page, "events-permissions-1280");

    await page.getByRole("tab", { name: "Rules" }).click();
    const row = page.getByTestId(`rule-row-${ruleName}`);
    await row.getByRole("button", { name: "Disable" }).click();
    await page.getByText(`Rule “${ruleName}” disabled`).waitFor();
    await row.getByText("Disabled", { exact: true }).waitFor();
    await row.getByRole("button", { name: "Enable" }).click();
    await row.getByText("Enabled", { exact: true }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});

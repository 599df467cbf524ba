import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";
import { addMember, createTestTenant, createTestUser, uniqueName, type TestTenant } from "../helpers/fixtures";
import { closeDb } from "../../server/db";
import path from "node:path";
import {
  SCREENS_DIR,
  expectFitsWidth,
  launchBrowser,
  newPerson,
  screenshot,
  signInViaUi,
  type TestBrowser,
} from "./helpers/browser";

// The topics console and the deliveries dashboard, end to end in Chromium against a real web
// process, a real worker and the database: create a topic, subscribe a queue and a webhook (a
// local receiver that confirms itself, fails the first message and accepts the next), publish from
// the console, watch the dashboard show one success and one failure, resend the failure.
let web: Awaited<ReturnType<typeof startWeb>>;
let worker: TestProcess;
let tb: TestBrowser;
let page: Page;
let t: TestTenant;
let receiver: http.Server;
let receiverUrl = "";
const notifications: { headers: http.IncomingHttpHeaders; body: string; answered: number }[] = [];
let confirmations = 0;
let shownSecret = "";

const topicName = uniqueName("orders");
const queueName = uniqueName("orders-q");

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A webhook endpoint as a customer would write one: confirms via SubscribeURL, 500 first, then 200. */
async function startReceiver(): Promise<void> {
  receiver = http.createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const type = req.headers["x-amz-sns-message-type"];
    if (type === "SubscriptionConfirmation") {
      const r = await fetch(JSON.parse(body).SubscribeURL as string);
      confirmations += r.ok ? 1 : 0;
      res.writeHead(r.ok ? 200 : 502).end();
      return;
    }
    const answered = notifications.length === 0 ? 500 : 200;
    notifications.push({ headers: req.headers, body, answered });
    res.writeHead(answered, { "content-type": "text/plain" }).end(answered === 500 ? "receiver is warming up" : "ok");
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/orders`;
}

/** What the screen shows right now (dialogs and drawers sit in the viewport, not the full page). */
const viewShot = (p: Page, name: string) => p.screenshot({ path: path.join(SCREENS_DIR, `${name}.png`) });

/** The console updates on its own (live refresh, polling while confirmations are pending): wait for it. */
const eventually = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 45_000, interval: 250 });

const statValue = (p: Page, id: string) => p.getByTestId(id).locator("[data-value]").textContent();

beforeAll(async () => {
  t = await createTestTenant();
  await startReceiver();
  // A fixed port, so the links Signalbox puts in messages (SubscribeURL) point back at this web
  // process. The receiver lives on loopback, which the delivery client refuses unless allow-listed.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const allow = process.env.SIGNALBOX_WEBHOOK_ALLOWLIST ?? "127.0.0.1/32,::1/128";
  const env = { PORT: String(port), SIGNALBOX_PUBLIC_URL: url, SIGNALBOX_WEBHOOK_ALLOWLIST: allow };
  [web, worker] = await Promise.all([startWeb({ next: true, env }), startWorker({ env })]);
  tb = await launchBrowser();
  page = (await newPerson(tb.browser, web.url)).page;
});

afterAll(async () => {
  await tb?.close();
  await worker?.stop();
  await web?.stop();
  await new Promise((r) => (receiver ? receiver.close(r) : r(undefined)));
  await closeDb();
});

describe("topics and deliveries console", () => {
  it("creates a topic from the empty state", async () => {
    await signInViaUi(page, {
      email: t.user.email,
      password: t.user.password,
      callbackUrl: `/t/${t.tenant.slug}/deliveries`,
      expectPath: /\/deliveries$/,
    });
    // Nothing delivered yet: the dashboard says so instead of drawing made-up data.
    await page.getByTestId("chart-empty").waitFor();
    await page
      .getByRole("table", { name: "Delivery attempts" })
      .getByText("No delivery attempts in this time range yet.", { exact: false })
      .waitFor();
    await eventually(() => statValue(page, "stat-succeeded")).toBe("0");
    await screenshot(page, "deliveries-empty-1280");
    await page.goto(`/t/${t.tenant.slug}/topics`);
    await page.getByText("No topics yet").waitFor();
    await screenshot(page, "topics-empty-1280");
    await page.getByRole("button", { name: "Create topic" }).click();
    const dialog = page.getByRole("dialog", { name: "Create topic" });
    // The name rule is checked as the user types.
    await dialog.getByLabel("Name", { exact: true }).fill("bad name!");
    await dialog.getByLabel("Name", { exact: true }).blur();
    await dialog.getByText("Use only letters, numbers, hyphens and underscores.").waitFor();
    await dialog.getByLabel("Name", { exact: true }).fill(topicName);
    await dialog.getByLabel("Display name (optional)").fill("Orders");
    await screenshot(page, "topics-create-1280");
    await dialog.getByRole("button", { name: "Create topic" }).click();
    await page.waitForURL(new RegExp(`/topics/${topicName}$`));
    await eventually(() => page.getByTestId("topic-arn").textContent()).toBe(
      `arn:aws:sns:us-east-1:${t.tenant.accountId}:${topicName}`,
    );
    await page.getByText("No subscriptions yet").waitFor();

    // Settings: the server's validation comes back beside the field.
    await page.getByRole("button", { name: "Settings" }).click();
    const settings = page.getByRole("dialog", { name: `Settings of ${topicName}` });
    await settings.getByLabel("Display name").fill("Orders (prod)");
    await settings
      .getByLabel("Delivery policy for HTTP/S subscriptions (JSON)")
      .fill('{"http": {"defaultHealthyRetryPolicy": {"numRetries": 1000}}}');
    await settings.getByRole("button", { name: "Save settings" }).click();
    await settings.getByRole("alert").filter({ hasText: "numRetries" }).waitFor();
    await screenshot(page, "topic-settings-error-1280");
    await settings.getByLabel("Delivery policy for HTTP/S subscriptions (JSON)").fill("");
    await settings.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Display name: Orders (prod)").waitFor();
  });

  it("subscribes a queue picked from the team's queues", async () => {
    const sqs = new SQSClient({
      endpoint: `${web.url}/api/aws`,
      region: "us-east-1",
      credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    sqs.destroy();

    await page.getByRole("button", { name: "Add subscription" }).click();
    const dialog = page.getByRole("dialog", { name: `Subscribe to ${topicName}` });
    await dialog.getByLabel("Protocol").selectOption("sqs");
    await dialog.getByLabel("Queue", { exact: true }).selectOption({ label: queueName });
    await dialog.getByRole("button", { name: "Create subscription" }).click();
    const row = page.getByTestId("subscription-row").filter({ hasText: attrs.Attributes!.QueueArn! });
    await row.waitFor();
    await eventually(() => row.getAttribute("data-status")).toBe("confirmed");
  });

  it("subscribes a webhook with a filter policy checked as it is typed, and shows its secret once", async () => {
    await page.getByRole("button", { name: "Add subscription" }).click();
    const dialog = page.getByRole("dialog", { name: `Subscribe to ${topicName}` });
    await dialog.getByLabel("Protocol").selectOption("http");
    await dialog.getByLabel("Endpoint URL").fill(receiverUrl);

    const policy = dialog.getByLabel("Filter policy (JSON)");
    const status = dialog.getByTestId("filter-policy-status");
    await policy.fill('{"event": [{"numeric": [">", "x"]}]}');
    await eventually(() => status.textContent()).toMatch(/Invalid parameter: FilterPolicy/);
    await expect(dialog.getByRole("button", { name: "Create subscription" }).isDisabled()).resolves.toBe(true);
    await policy.fill('{"event": ["order_placed"]}');
    await eventually(() => status.textContent()).toMatch(/Valid filter policy · 1 of 5 keys/);
    // The tester: the default sample attribute matches; another value says why it does not.
    const result = dialog.getByTestId("filter-test-result");
    await eventually(() => result.textContent()).toMatch(/^Match/);
    await dialog.getByLabel("Attribute value").fill("order_cancelled");
    await eventually(() => result.textContent()).toMatch(/No match: .*event/);
    await dialog.getByLabel("Attribute value").fill("order_placed");

    // No retries, so the receiver's first 500 stays a failure for the dashboard to show.
    await dialog.getByText("Retries and dead-letter queue").click();
    await dialog.getByLabel("Delivery policy preset").selectOption("none");
    await screenshot(page, "topic-subscribe-webhook-1280");
    await dialog.getByRole("button", { name: "Create subscription" }).click();

    const secretDialog = page.getByTestId("signing-secret");
    await secretDialog.waitFor();
    shownSecret = (await page.locator("#signing-secret-value").textContent())!.trim();
    expect(shownSecret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    await screenshot(page, "topic-signing-secret-1280");
    await page.getByRole("button", { name: "I have copied the secret" }).click();

    // The receiver visits SubscribeURL; the row turns confirmed without a reload.
    const row = page.getByTestId("subscription-row").filter({ hasText: receiverUrl });
    await eventually(() => row.getAttribute("data-status")).toBe("confirmed");
    expect(confirmations).toBe(1);
    await expect(row.textContent()).resolves.toContain("event · attributes");
    await screenshot(page, "topic-subscriptions-1280");
  });

  it("rotates the signing secret, keeping the old one valid for an overlap", async () => {
    await page.getByTestId("subscription-row").filter({ hasText: receiverUrl }).click();
    const detail = page.getByTestId("subscription-detail");
    await detail.waitFor();
    await expect(detail.textContent()).resolves.toContain("Signing secret");
    await viewShot(page, "topic-subscription-detail-1280");
    await detail.getByRole("button", { name: "Rotate secret" }).click();
    const confirm = page.getByRole("dialog", { name: "Rotate the signing secret?" });
    await confirm.getByLabel("Old secret stays valid for").selectOption("1");
    await confirm.getByRole("button", { name: "Rotate secret" }).click();
    await page.getByTestId("signing-secret").waitFor();
    const rotated = (await page.locator("#signing-secret-value").textContent())!.trim();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(shownSecret);
    await expect(page.getByTestId("signing-secret").textContent()).resolves.toContain(
      "The previous secret keeps signing too until",
    );
    await page.getByRole("button", { name: "I have copied the secret" }).click();
    await eventually(() => detail.textContent()).toMatch(/The previous secret also signs until/);
    // The receiver switches to the newest secret; deliveries below must verify with it.
    shownSecret = rotated;
    await page.keyboard.press("Escape");
    await page.getByTestId("subscription-detail").waitFor({ state: "detached" });
  });

  it("publishes from the console and shows the message id", async () => {
    await page.getByRole("tab", { name: "Publish" }).click();
    await page.getByLabel("Subject (optional)").fill("Order placed");
    await page.getByLabel("Message", { exact: true }).fill('{"orderId": "1234", "amount": 120}');
    await page.getByRole("button", { name: "Add attribute" }).click();
    await page.getByLabel("Attribute 1 name").fill("event");
    await page.getByLabel("Attribute 1 value").fill("order_placed");
    await page.getByRole("button", { name: "Publish message" }).click();
    const id = (await page.getByTestId("published-message-id").textContent())!.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await screenshot(page, "topic-publish-1280");
    await page.getByRole("tab", { name: "Code" }).click();
    await page.getByRole("tab", { name: "Webhook receiver" }).click();
    await page.getByText("wh.verify(body", { exact: false }).waitFor();
    await screenshot(page, "topic-code-1280");
  });

  it("shows a success and a failure on the deliveries dashboard, and a resend turns the failure into a success", async () => {
    await page.goto(`/t/${t.tenant.slug}/deliveries`);
    const dashboard = page.getByTestId("deliveries-dashboard");
    await dashboard.waitFor();
    // Live updates: the dashboard refreshes on its own while the worker delivers.
    await eventually(() => statValue(page, "stat-succeeded")).toBe("1");
    await eventually(() => statValue(page, "stat-failed")).toBe("1");
    // The policy allowed no retry: the tile must not claim it "gave up after retries".
    await expect(page.getByTestId("stat-failed").textContent()).resolves.toContain("no retry");
    await expect(page.getByTestId("failing-endpoints").textContent()).resolves.toContain("1 failed");
    const failedRow = page
      .locator('[data-testid="attempt-row"][data-outcome="failed"]')
      .filter({ hasText: receiverUrl });
    await failedRow.waitFor();
    await page
      .locator('[data-testid="attempt-row"][data-outcome="succeeded"]')
      .filter({ hasText: queueName })
      .waitFor();
    await expect(page.getByTestId("failing-endpoints").textContent()).resolves.toContain(receiverUrl);
    await screenshot(page, "deliveries-dashboard-1280");

    await failedRow.click();
    const detail = page.getByTestId("attempt-detail");
    await detail.waitFor();
    const text = (await detail.textContent()) ?? "";
    expect(text).toContain("HTTP 500");
    expect(text).toContain("webhook-signature");
    expect(text).toContain("receiver is warming up");
    await viewShot(page, "deliveries-attempt-1280");
    await page.getByRole("button", { name: "Resend this message" }).click();
    await page.getByText("Resend queued").waitFor();
    await page.keyboard.press("Escape");

    await eventually(() => statValue(page, "stat-succeeded")).toBe("2");
    await eventually(() => statValue(page, "stat-failed")).toBe("0");
    await eventually(() => statValue(page, "stat-retrying")).toBe("0");
    await page
      .locator('[data-testid="attempt-row"][data-outcome="succeeded"]')
      .filter({ hasText: receiverUrl })
      .waitFor();
    expect(notifications.map((n) => n.answered)).toEqual([500, 200]);
    // What the console showed as the signing secret verifies what the receiver got (Standard Webhooks).
    for (const n of notifications) {
      const h = {
        "webhook-id": String(n.headers["webhook-id"]),
        "webhook-timestamp": String(n.headers["webhook-timestamp"]),
        "webhook-signature": String(n.headers["webhook-signature"]),
      };
      expect((new Webhook(shownSecret).verify(n.body, h) as { Message: string }).Message).toBe(
        '{"orderId": "1234", "amount": 120}',
      );
    }
    // The resend is the same delivery: receivers can deduplicate on the stable webhook-id.
    expect(notifications[1]!.headers["webhook-id"]).toBe(notifications[0]!.headers["webhook-id"]);
    await eventually(() => statValue(page, "stat-success-rate")).toBe("100%");
    // Resent successfully: no longer listed as failing, and kept out of publish → delivery latency.
    await page.getByText("No failed or retrying deliveries in this range.").waitFor();
    await expect(page.getByTestId("stat-latency").textContent()).resolves.toContain("1 resent not counted");
    await screenshot(page, "deliveries-after-resend-1280");

    // "Resend all failed since …" runs as a job with progress; nothing is left to resend now.
    await page.getByRole("button", { name: "Resend all failed…" }).click();
    const bulk = page.getByRole("dialog", { name: "Resend failed deliveries" });
    await bulk.getByRole("button", { name: "Resend failed" }).click();
    await bulk.getByText("Finished").waitFor();
    await bulk.getByText("Nothing had failed since then.").waitFor();
    await viewShot(page, "deliveries-resend-all-1280");
    await bulk.getByRole("button", { name: "Done" }).click();
  }, 150_000);

  it("scopes the dashboard to one topic and one subscription", async () => {
    await page.goto(`/t/${t.tenant.slug}/topics/${topicName}?tab=deliveries`);
    await page.getByTestId("deliveries-dashboard").waitFor();
    await eventually(() => statValue(page, "stat-succeeded")).toBe("2");
    await page.getByLabel("Subscription").selectOption({ label: `http → ${receiverUrl}` });
    await eventually(() => statValue(page, "stat-succeeded")).toBe("1");
    await eventually(() => page.locator('[data-testid="attempt-row"]').count()).toBe(2);
    await screenshot(page, "topic-deliveries-1280");
  });

  it("shows one endpoint: success rate, last response, health and its attempts, searchable", async () => {
    await page.goto(`/t/${t.tenant.slug}/topics/${topicName}?tab=subscriptions`);
    await page.getByTestId("subscription-row").filter({ hasText: receiverUrl }).click();
    await page.getByRole("link", { name: "Endpoint health" }).click();
    await page.waitForURL(/\/deliveries\/endpoints\/[^/]+$/);
    const view = page.getByTestId("endpoint-view");
    await view.waitFor();
    await expect(view.getByRole("heading").first().textContent()).resolves.toBe(receiverUrl);
    await eventually(() => statValue(page, "endpoint-success-rate")).toBe("100%");
    await eventually(() => statValue(page, "endpoint-last-response")).toBe("200");
    const rows = page.locator('[data-testid="attempt-row"]');
    await eventually(() => rows.count()).toBe(2);
    await expect(
      page
        .getByTestId("endpoint-view")
        .getByRole("img", { name: /Deliveries per/ })
        .count(),
    ).resolves.toBe(1);
    await screenshot(page, "endpoint-view-1280");
    // Search by text in the payload: both attempts carried the order; an unknown text finds none.
    await page.getByLabel("Payload contains").fill('"1234');
    await eventually(() => rows.count()).toBe(2);
    await page.getByLabel("Payload contains").fill("no-such-order-9876");
    await page
      .getByRole("table", { name: "Delivery attempts" })
      .getByText("No attempts match these filters in this time range.")
      .waitFor();
    await page.getByLabel("Payload contains").fill("");
    await eventually(() => rows.count()).toBe(2);
  });

  it("searches the team's attempts by endpoint", async () => {
    await page.goto(`/t/${t.tenant.slug}/deliveries`);
    const rows = page.locator('[data-testid="attempt-row"]');
    await eventually(() => rows.count()).toBe(3);
    await page.getByLabel("Endpoint contains").fill("/hooks/orders");
    await eventually(() => rows.count()).toBe(2);
    await page.getByLabel("Endpoint contains").fill(queueName);
    await eventually(() => rows.count()).toBe(1);
  });

  it("lists topics with their publish counts and queues with their activity", async () => {
    await page.goto(`/t/${t.tenant.slug}/topics`);
    const row = page.getByTestId("topic-row").filter({ hasText: topicName });
    await eventually(() => row.getByTestId("publish-activity").textContent()).toMatch(/^1 published\s*last /);
    await screenshot(page, "topics-list-1280");
    await page.goto(`/t/${t.tenant.slug}/queues`);
    // The topic delivered one message into the queue; the list reads the per-minute metrics.
    const activity = page.getByTestId(`queue-row-${queueName}`).getByTestId("activity");
    await eventually(() => activity.textContent()).toMatch(/^1 sent/);
    await expect(activity.getByRole("img").getAttribute("aria-label")).resolves.toMatch(/^1 messages sent/);
    await screenshot(page, "queues-list-1280");
  });

  it("names targets in the audit log, and shows a 404 inside the console", async () => {
    await page.goto(`/t/${t.tenant.slug}/audit`);
    await page
      .getByRole("cell", { name: new RegExp(`topic\\s*${topicName}`) })
      .first()
      .waitFor();
    await screenshot(page, "audit-1280");
    const res = await page.goto(`/t/${t.tenant.slug}/no-such-page/here`);
    expect(res?.status()).toBe(404);
    await page.getByTestId("page-not-found").waitFor();
    // Still inside the console: the team's navigation is there.
    await page.getByRole("link", { name: "Deliveries" }).first().waitFor();
    await screenshot(page, "not-found-1280");
  });

  it("creates a FIFO topic and publishes to it with a message group", async () => {
    const base = uniqueName("payments");
    await page.goto(`/t/${t.tenant.slug}/topics`);
    await page.getByRole("button", { name: "Create topic" }).click();
    const dialog = page.getByRole("dialog", { name: "Create topic" });
    await dialog.getByLabel("FIFO").check();
    await dialog.getByLabel("Name", { exact: true }).fill(base);
    await dialog.getByText(`The topic will be named “${base}.fifo”.`).waitFor();
    await dialog.getByLabel("Content-based deduplication").check();
    await dialog.getByRole("button", { name: "Create topic" }).click();
    await page.waitForURL(new RegExp(`/topics/${base}\\.fifo$`));
    await page.getByText("Content-based dedup").waitFor();

    // FIFO topics take only (FIFO) queues.
    await page.getByRole("button", { name: "Add subscription" }).click();
    const sub = page.getByRole("dialog", { name: `Subscribe to ${base}.fifo` });
    await expect(sub.getByLabel("Protocol").locator("option").allTextContents()).resolves.toEqual(["Amazon SQS queue"]);
    await page.keyboard.press("Escape");

    await page.getByRole("tab", { name: "Publish" }).click();
    await page.getByLabel("Message", { exact: true }).fill("payment 1");
    await page.getByRole("button", { name: "Publish message" }).click();
    // The server's rule comes back under the field it is about.
    await page
      .getByRole("alert")
      .filter({ hasText: "The MessageGroupId parameter is required for FIFO topics" })
      .waitFor();
    await page.getByLabel("Message group id").fill("customer-7");
    await page.getByRole("button", { name: "Publish message" }).click();
    await page.getByTestId("published-message-id").waitFor();
    await page.getByText(/Sequence number \d+/).waitFor();
    await screenshot(page, "topic-fifo-publish-1280");
  });

  it("looks finished on a phone", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/t/${t.tenant.slug}/topics`);
    await page.getByTestId("topic-row").first().waitFor();
    await screenshot(page, "topics-390");
    await page.goto(`/t/${t.tenant.slug}/topics/${topicName}`);
    await page.getByTestId("subscription-row").first().waitFor();
    await screenshot(page, "topic-subscriptions-390");
    await page.getByRole("button", { name: "Add subscription" }).click();
    await viewShot(page, "topic-subscribe-390");
    await page.keyboard.press("Escape");
    await page.getByRole("tab", { name: "Publish" }).click();
    await screenshot(page, "topic-publish-390");
    await page.goto(`/t/${t.tenant.slug}/deliveries`);
    await eventually(() => statValue(page, "stat-succeeded")).toBe("2");
    await screenshot(page, "deliveries-390");
    await page.locator('[data-testid="attempt-item"][data-outcome="failed"]').click();
    await page.getByTestId("attempt-detail").waitFor();
    await viewShot(page, "deliveries-attempt-390");
    await page.keyboard.press("Escape");
    await expectFitsWidth(page, "deliveries");
    // One endpoint on a phone: its URL is cut in the middle, so its last path segment shows.
    await page.goto(`/t/${t.tenant.slug}/topics/${topicName}?tab=subscriptions`);
    await page.getByTestId("subscription-row").filter({ hasText: receiverUrl }).click();
    await page.getByRole("link", { name: "Endpoint health" }).click();
    await page.getByTestId("endpoint-view").waitFor();
    await eventually(() => statValue(page, "endpoint-last-response")).toBe("200");
    await expectFitsWidth(page, "endpoint view");
    await screenshot(page, "endpoint-view-390");
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it("shows a viewer everything, read-only", async () => {
    const viewer = await createTestUser();
    await addMember(t.tenant.id, viewer.id, "viewer");
    const { page: vp, context } = await newPerson(tb.browser, web.url);
    await signInViaUi(vp, {
      email: viewer.email,
      password: viewer.password,
      callbackUrl: `/t/${t.tenant.slug}/topics/${topicName}`,
      expectPath: new RegExp(`/topics/${topicName}$`),
    });
    await vp.getByTestId("subscription-row").first().waitFor();
    await expect(vp.getByTestId("subscription-row").count()).resolves.toBe(2);
    await expect(vp.getByRole("button", { name: "Add subscription" }).count()).resolves.toBe(0);
    await expect(vp.getByRole("button", { name: "Delete topic" }).count()).resolves.toBe(0);
    await vp.getByRole("tab", { name: "Publish" }).click();
    await vp.getByText("Your role can see this topic but not publish to it.").waitFor();
    await expect(vp.getByRole("button", { name: "Publish message" }).count()).resolves.toBe(0);
    await vp.goto(`/t/${t.tenant.slug}/deliveries`);
    await eventually(() => statValue(vp, "stat-succeeded")).toBe("2");
    await expect(vp.getByRole("button", { name: /Resend all failed/ }).count()).resolves.toBe(0);
    await vp.locator('[data-testid="attempt-row"]').first().click();
    await vp.getByTestId("attempt-detail").waitFor();
    await expect(vp.getByRole("button", { name: "Resend this message" }).count()).resolves.toBe(0);
    await viewShot(vp, "deliveries-viewer-1280");
    await context.close();
  });

  it("confirms an email subscription by hand, and shows its confirmation email in the outbox", async () => {
    const email = `${uniqueName("ops")}@example.test`;
    await page.goto(`/t/${t.tenant.slug}/topics/${topicName}`);
    await page.getByRole("button", { name: "Add subscription" }).click();
    const dialog = page.getByRole("dialog", { name: `Subscribe to ${topicName}` });
    await dialog.getByLabel("Protocol").selectOption("email");
    await dialog.getByLabel("Email address").fill(email);
    await dialog.getByRole("button", { name: "Create subscription" }).click();
    const row = page.getByTestId("subscription-row").filter({ hasText: email });
    await eventually(() => row.getAttribute("data-status")).toBe("pending");
    await row.click();
    const detail = page.getByTestId("subscription-detail");
    await detail.getByText("Waiting for confirmation").waitFor();
    await detail.getByRole("button", { name: "Confirm manually" }).click();
    await eventually(() => row.getAttribute("data-status")).toBe("confirmed");
    await page.keyboard.press("Escape");

    await page.goto(`/t/${t.tenant.slug}/deliveries`);
    const outbox = page.getByRole("button", {
      name: new RegExp(`Subscription Confirmation.*${email.replace(/[.]/g, "\\.")}`),
    });
    await outbox.click();
    await page.getByText("Confirm subscription:", { exact: false }).waitFor();
  });
});

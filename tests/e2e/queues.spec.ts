import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";
import { createTestTenant, createTestUser, addMember, uniqueName, type TestTenant } from "../helpers/fixtures";
import { closeDb } from "../../server/db";
import {
  expectFitsWidth,
  launchBrowser,
  newPerson,
  screenshot,
  signInViaUi,
  type TestBrowser,
} from "./helpers/browser";

// The queue console as a person uses it, in Chromium against a real web process, worker and
// database: create a queue, send, poll, browse (without receiving), delete, purge, and redrive a
// dead-lettered message. Assertions are on what the page shows.
let web: Awaited<ReturnType<typeof startWeb>>;
let worker: TestProcess;
let tb: TestBrowser;
let page: Page;
let t: TestTenant;
let sqs: SQSClient;
const pageErrors: string[] = [];

const queueName = uniqueName("orders").replace(/-/g, "_");
const body = `{"orderId": "${uniqueName("o")}", "status": "paid"}`;

let dlqName = "";
const root = path.resolve(import.meta.dirname, "../..");

/** Runs a snippet the way a person would paste it; resolves with stdout (fails with stderr). */
function run(cmd: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { cwd: root, env: { ...process.env, ...env }, timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(String(stdout)),
    ),
  );
}
const queuePath = (name: string, tab?: string) => `/t/${t.tenant.slug}/queues/${name}${tab ? `?tab=${tab}` : ""}`;

async function openTab(p: Page, label: string | RegExp) {
  await p.getByRole("tab", { name: label }).click();
}

/** The big "Available" number on a queue page. */
async function available(p: Page): Promise<string> {
  return (
    (await p.locator("dl[aria-label='Messages now'] div", { hasText: "Available" }).locator("dd").textContent()) ?? ""
  ).trim();
}

beforeAll(async () => {
  t = await createTestTenant();
  [web, worker] = await Promise.all([startWeb({ next: true }), startWorker()]);
  tb = await launchBrowser();
  page = (await newPerson(tb.browser, web.url)).page;
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await signInViaUi(page, { email: t.user.email, password: t.user.password });
  sqs = new SQSClient({
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    maxAttempts: 1,
  });
}, 180_000);

afterAll(async () => {
  if (process.env.QUEUES_E2E_DEBUG)
    console.log(`--- worker output ---\n${worker?.output()}\n--- web output ---\n${web?.output()}`);
  sqs?.destroy();
  await tb?.close();
  await Promise.all([web?.stop(), worker?.stop()]);
  await closeDb();
});

describe("queues console", () => {
  it("shows an honest empty state and creates a queue through the form, with field validation", async () => {
    await page.goto(`/t/${t.tenant.slug}/queues`);
    await page.getByText("No queues yet").waitFor();
    await screenshot(page, "queues-empty-1280");
    await page.getByRole("button", { name: "Create queue" }).click();
    const dialog = page.getByRole("dialog", { name: "Create queue" });
    await dialog.getByLabel("Name").fill(`${queueName}.fifo`);
    await dialog.getByLabel("Visibility timeout").fill("50000");
    await dialog.getByRole("button", { name: "Create queue" }).click();
    // Two mistakes, each explained under its field, and nothing created.
    await dialog.getByText("Only FIFO queue names end in .fifo").waitFor();
    await dialog.getByText(/Visibility timeout must be between 0 seconds and 12 hours/).waitFor();
    await screenshot(page, "queues-create-errors-1280");
    await dialog.getByLabel("Name").fill(queueName);
    await dialog.getByLabel("Visibility timeout").fill("45");
    await dialog.getByRole("button", { name: "Create queue" }).click();
    await page.waitForURL(`**${queuePath(queueName)}`);
    await page.getByRole("heading", { name: queueName }).waitFor();
    await page.getByText("45 seconds").waitFor();
    await expect
      .poll(() => page.getByText(`arn:aws:sqs:`).first().textContent())
      .toContain(`:${t.tenant.accountId}:${queueName}`);
    await screenshot(page, "queue-overview-1280");
  });

  it("sends a message in the send panel, browses it without receiving it, polls it and deletes it", async () => {
    await openTab(page, "Send & receive");
    await page.getByLabel("Message body").fill(body);
    await page.getByRole("button", { name: "Add attribute" }).click();
    await page.getByLabel("Attribute 1 name").fill("kind");
    await page.getByLabel("Attribute 1 value").fill("order.paid");
    await page.getByRole("button", { name: "Send message" }).click();
    await page.getByText("Message sent", { exact: true }).waitFor();
    await expect.poll(() => available(page)).toBe("1");

    // Browse: the message is there and has never been received.
    await openTab(page, "Browse");
    await page.getByText("Peek without receiving").waitFor();
    const browsed = page.getByTestId("browsed-message");
    await expect.poll(() => browsed.count()).toBe(1);
    expect(await browsed.getByTestId("browsed-preview").textContent()).toContain('"status": "paid"');
    expect(await browsed.getByTestId("browsed-receive-count").textContent()).toBe("Received 0×");
    await page.getByRole("button", { name: "Refresh" }).click();
    expect(await browsed.getByTestId("browsed-receive-count").textContent()).toBe("Received 0×");
    await expect.poll(() => available(page)).toBe("1");

    // Poll: the first real receive has receive count 1 (browsing did not count as a receive).
    await openTab(page, "Send & receive");
    await page.getByLabel("Wait time (s)").fill("2");
    await page.getByRole("button", { name: "Poll for messages" }).click();
    const received = page.getByTestId("received-message");
    await expect.poll(() => received.count()).toBe(1);
    expect(await received.getByTestId("message-body").textContent()).toContain('"status": "paid"');
    expect(await received.textContent()).toContain("Receive count 1");
    expect(await received.textContent()).toContain("order.paid");
    expect((await received.getByTestId("receipt-handle").textContent())?.length).toBeGreaterThan(20);
    await expect.poll(() => available(page)).toBe("0");
    await screenshot(page, "queue-send-receive-1280");

    // Browse again: in flight now, still received once, and the list of received messages survives tab switches.
    await openTab(page, "Browse");
    await expect
      .poll(async () => (await page.getByTestId("browsed-receive-count").first().textContent()) ?? "")
      .toBe("Received 1×");
    await page.getByTestId("browsed-message").getByText("In flight").waitFor();
    await page.getByTestId("browsed-preview").click();
    await page.getByText("Message id").first().waitFor();
    await screenshot(page, "queue-browse-1280");

    await openTab(page, "Send & receive");
    await received.getByRole("button", { name: "Delete" }).click();
    await page.getByText("Message deleted").waitFor();
    await expect.poll(() => received.count()).toBe(0);
    await openTab(page, "Browse");
    await page.getByText("The queue is empty").waitFor();

    // A console long poll really waits for a message sent while it is open (the request's abort
    // signal only fires when the page goes away).
    await openTab(page, "Send & receive");
    await page.getByLabel("Wait time (s)").fill("15");
    await page.getByRole("button", { name: "Poll for messages" }).click();
    await page.getByRole("button", { name: "Polling…" }).waitFor();
    const late = await sqs.send(
      new SendMessageCommand({
        QueueUrl: `${web.url}/api/aws/${t.tenant.accountId}/${queueName}`,
        MessageBody: "sent during the poll",
      }),
    );
    await expect.poll(() => received.count(), { timeout: 15_000 }).toBe(1);
    expect(await received.textContent()).toContain(late.MessageId);
    expect(await received.textContent()).toContain("Receive count 1");
    await received.getByRole("button", { name: "Delete" }).click();
    await page.getByText("Message deleted").first().waitFor();
    await expect.poll(() => received.count()).toBe(0);
  });

  it("purges the queue after typing its name, and says clearly when a purge is still in progress", async () => {
    for (const n of [1, 2])
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: `${web.url}/api/aws/${t.tenant.accountId}/${queueName}`,
          MessageBody: `purge me ${n}`,
        }),
      );
    await page.goto(queuePath(queueName));
    await expect.poll(() => available(page)).toBe("2");
    await page.getByRole("button", { name: "Purge…" }).click();
    const dialog = page.getByRole("dialog", { name: `Purge “${queueName}”?` });
    const confirm = dialog.getByRole("button", { name: "Purge queue" });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(/to confirm/).fill(queueName);
    await screenshot(page, "queue-purge-dialog-1280");
    await confirm.click();
    await page.getByText(`Purged 2 messages from “${queueName}”`).waitFor();
    await expect.poll(() => available(page)).toBe("0");

    await page.getByRole("button", { name: "Purge…" }).click();
    await dialog.getByLabel(/to confirm/).fill(queueName);
    await confirm.click();
    await dialog.getByText("A purge is already in progress").waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
  });

  it("creates a queue with a dead-letter queue, and redrives a dead-lettered message back to its source", async () => {
    const dlq = (dlqName = uniqueName("orders-dlq"));
    const src = uniqueName("payments");
    await page.goto(`/t/${t.tenant.slug}/queues`);
    for (const [name, withDlq] of [
      [dlq, false],
      [src, true],
    ] as const) {
      await page.getByRole("button", { name: "Create queue" }).click();
      const dialog = page.getByRole("dialog", { name: "Create queue" });
      await dialog.getByLabel("Name").fill(name);
      if (withDlq) {
        await dialog.getByLabel("Send undeliverable messages to a dead-letter queue").check();
        await dialog.getByLabel("Dead-letter queue", { exact: true }).selectOption({ label: dlq });
        await dialog.getByLabel("Maximum receives").fill("1");
        await screenshot(page, "queues-create-with-dlq-1280");
      }
      await dialog.getByRole("button", { name: "Create queue" }).click();
      await page.waitForURL(`**${queuePath(name)}`);
      if (!withDlq) await page.goto(`/t/${t.tenant.slug}/queues`);
    }
    await page.getByText(`${dlq} after 1 receive`).waitFor();

    // A consumer fails twice: the second receive moves the message to the DLQ (maxReceiveCount 1).
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: src }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "needs a second chance" }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0, WaitTimeSeconds: 5 }));
    expect(first.Messages?.length).toBe(1);
    await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 0, WaitTimeSeconds: 1 }));
    const { QueueUrl: dlqUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: dlq }));
    await expect
      .poll(
        async () =>
          (
            await sqs.send(
              new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
            )
          ).Attributes?.ApproximateNumberOfMessages,
        { timeout: 15_000 },
      )
      .toBe("1");

    // The list marks the DLQ and shows its depth.
    await page.goto(`/t/${t.tenant.slug}/queues`);
    await expect
      .poll(async () => (await page.getByTestId(`queue-row-${dlq}`).getByTestId("depth").textContent())?.trim())
      .toBe("1");
    expect(await page.getByTestId(`queue-row-${dlq}`).getByText("DLQ", { exact: true }).count()).toBe(1);
    await screenshot(page, "queues-list-1280");

    await page.goto(queuePath(dlq, "dead-letter"));
    await page.getByRole("link", { name: src }).first().waitFor();
    await page.getByRole("button", { name: "Start redrive" }).click();
    await page.getByText("Redrive started").waitFor();
    // Normally done in a second or two. The generous timeout: every test run's worker shares the
    // test database's pg-boss, and a job taken by a worker whose run then ends is retried only
    // after the job's expiry (120 s).
    await expect
      .poll(async () => (await page.getByTestId("move-task").first().textContent()) ?? "", {
        timeout: 150_000,
        interval: 1_000,
      })
      .toContain("Completed");
    expect(await page.getByTestId("move-progress").first().textContent()).toBe("1 of 1 moved");
    await screenshot(page, "queue-dead-letter-1280");

    // Back in the source queue, visible again.
    await page.goto(queuePath(src, "browse"));
    await expect.poll(() => page.getByTestId("browsed-message").count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByTestId("browsed-preview").textContent()).toBe("needs a second chance");
    await expect.poll(() => available(page)).toBe("1");
  }, 200_000);

  it("creates a FIFO queue with its options, edits its settings, and sends with a message group", async () => {
    const fifo = `${uniqueName("invoices")}.fifo`;
    await page.goto(`/t/${t.tenant.slug}/queues`);
    await page.getByRole("button", { name: "Create queue" }).click();
    const dialog = page.getByRole("dialog", { name: "Create queue" });
    await dialog.getByRole("radio", { name: /FIFO/ }).check();
    await dialog.getByLabel("Name").fill(fifo.replace(/\.fifo$/, ""));
    await dialog.getByLabel("Name").blur();
    expect(await dialog.getByLabel("Name").inputValue()).toBe(fifo);
    await dialog.getByLabel("Content-based deduplication").check();
    await dialog.getByLabel("FIFO throughput limit").selectOption("perMessageGroupId");
    await dialog.getByRole("button", { name: "Create queue" }).click();
    // The form knows AWS's rule: per-group throughput needs deduplication per group.
    await dialog.getByText(/needs deduplication scope/).waitFor();
    await dialog.getByLabel("Deduplication scope").selectOption("messageGroup");
    await dialog.getByLabel("Message retention period").fill("15");
    await dialog.getByRole("button", { name: "Create queue" }).click();
    await dialog.getByText("Retention period must be between 1 minute and 14 days.").waitFor();
    await dialog.getByLabel("Message retention period").fill("2");
    await screenshot(page, "queues-create-fifo-1280");
    await dialog.getByRole("button", { name: "Create queue" }).click();
    await page.waitForURL(`**${queuePath(fifo)}`);
    await page.getByText("Per message group id").waitFor();
    await page.getByText("2 days").waitFor();

    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const form = page.getByRole("form", { name: "Edit queue settings" });
    await form.getByLabel("Maximum message size (KiB)").fill("2048");
    await form.getByRole("button", { name: "Save changes" }).click();
    await form.getByText("Maximum message size (KiB) must be between 1 and 1,024.").waitFor();
    await form.getByLabel("Maximum message size (KiB)").fill("256");
    await form.getByLabel("Delivery delay (seconds)").fill("5");
    await screenshot(page, "queue-edit-1280");
    await form.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Queue settings saved").waitFor();
    await page.getByText("256 KiB").waitFor();
    await page.getByText("5 seconds").waitFor();

    await openTab(page, "Send & receive");
    await page.getByLabel("Message body").fill("invoice 1");
    await page.getByRole("button", { name: "Send message" }).click();
    await page.getByText("A FIFO queue needs a message group id.").waitFor();
    await page.getByLabel("Message group id").fill("customer-1");
    await page.getByRole("button", { name: "Send message" }).click();
    await page.getByText(/SequenceNumber \d{20}/).waitFor();
    // Delayed by the queue's 5 s delivery delay.
    await expect
      .poll(() => page.locator("dl[aria-label='Messages now'] div", { hasText: "Delayed" }).locator("dd").textContent())
      .toBe("1");
  });

  it("shows monitoring and code tabs", async () => {
    // The web process flushes its counters every few seconds: the send and receive above show up.
    const sentTile = page.locator("dl div", { hasText: /^Sent/ }).locator("dd");
    await expect
      .poll(
        async () => {
          await page.goto(queuePath(queueName, "monitoring"));
          await page.getByRole("heading", { name: "Sent, received and deleted" }).waitFor();
          return Number(await sentTile.textContent());
        },
        { timeout: 20_000, interval: 2_000 },
      )
      .toBeGreaterThanOrEqual(3);
    await page.getByRole("radio", { name: "6h" }).click();
    await page.getByText("Per-minute activity over the last 6 hours").waitFor();
    await page.getByRole("heading", { name: "Queue depth" }).waitFor();
    await screenshot(page, "queue-monitoring-1280");
    await page.goto(queuePath(queueName, "code"));
    const code = page.locator("pre code");
    await expect.poll(async () => (await code.textContent()) ?? "").toContain(`endpoint: "${web.url}/api/aws"`);
    expect(await code.textContent()).toContain(`${web.url}/api/aws/${t.tenant.accountId}/${queueName}`);
    // Ready to paste means it runs: the JavaScript snippet as is, with the key in the environment.
    const js = (await code.textContent())!;
    const dir = mkdtempSync(path.join(root, "test-results", "snippet-"));
    try {
      writeFileSync(path.join(dir, "snippet.mjs"), js);
      const out = await run(process.execPath, [path.join(dir, "snippet.mjs")], {
        AWS_ACCESS_KEY_ID: t.key.id,
        AWS_SECRET_ACCESS_KEY: t.key.secret,
      });
      expect(out).toMatch(/^sent [0-9a-f-]{36}$/m);
      expect(out).toContain('{"orderId":1234}');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    for (const lang of ["AWS CLI", "Python (boto3)", "curl (REST)"])
      await page.getByRole("radio", { name: lang }).click();
    const curl = (await code.textContent())!;
    expect(curl).toContain(`/api/v1/queues/${queueName}/messages`);
    const curlOut = await run(
      "/usr/bin/bash",
      [
        "-c",
        curl.replace(
          "export SIGNALBOX_TOKEN='<key id>.<secret>'",
          `export SIGNALBOX_TOKEN='${t.key.id}.${t.key.secret}'`,
        ),
      ],
      {},
    );
    expect(curlOut).toMatch(/"messageId":"[0-9a-f-]{36}"/);
    expect(curlOut).toContain('"stringValue":"order.paid"');
    await screenshot(page, "queue-code-1280");
  });

  it("edits tags on the overview: checks the rules, adds, keeps them after a reload, removes one", async () => {
    const queueUrl = `${web.url}/api/aws/${t.tenant.accountId}/${queueName}`;
    // The data plane caches queue rows for up to 2 s (README: "Attribute changes reach other web
    // processes within 2 seconds"; the console's Next bundle is another module instance): poll.
    const tagsOf = async () => (await sqs.send(new ListQueueTagsCommand({ QueueUrl: queueUrl }))).Tags ?? {};
    const tagsTable = page.getByRole("table", { name: "Tags" });
    await page.goto(queuePath(queueName));
    await page.getByText("No tags.").waitFor();
    await page.getByRole("button", { name: "Edit tags" }).click();
    const form = page.getByRole("form", { name: "Edit tags" });
    await form.getByRole("button", { name: "Add tag" }).click();
    // The new row's key field has the focus, ready to type.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Tag 1 key");
    await page.keyboard.type("k".repeat(129));
    await form.getByRole("button", { name: "Add tag" }).click();
    await form.getByLabel("Tag 2 key").fill("team");
    await form.getByLabel("Tag 2 value").fill("payments");
    await form.getByRole("button", { name: "Add tag" }).click();
    await form.getByLabel("Tag 3 key").fill("team");
    await form.getByRole("button", { name: "Save tags" }).click();
    // Each mistake under its field, and nothing saved.
    await form.getByText("At most 128 characters (this one has 129).").waitFor();
    await form.getByText("The key “team” is already used above.").waitFor();
    expect(await form.getByLabel("Tag 1 key").getAttribute("aria-invalid")).toBe("true");
    expect(await tagsOf()).toEqual({});
    await screenshot(page, "queue-tags-errors-1280");
    await form.getByLabel("Tag 1 key").fill("cost-center");
    await form.getByLabel("Tag 1 value").fill("cc-4711");
    await form.getByRole("button", { name: "Remove tag 3 (team)" }).click();
    await expect.poll(() => form.getByLabel(/^Tag \d+ key$/).count()).toBe(2);
    await form.getByRole("button", { name: "Save tags" }).click();
    await page.getByText("Tags saved").waitFor();
    await form.waitFor({ state: "detached" });
    await tagsTable.getByRole("cell", { name: "payments" }).waitFor();
    await expect.poll(tagsOf, { timeout: 5_000 }).toEqual({ "cost-center": "cc-4711", team: "payments" });

    await page.reload();
    await tagsTable.getByRole("cell", { name: "team" }).waitFor();
    await tagsTable.getByRole("cell", { name: "cc-4711" }).waitFor();
    await screenshot(page, "queue-overview-tags-1280");

    await page.getByRole("button", { name: "Edit tags" }).click();
    await form.getByRole("button", { name: /^Remove tag \d+ \(team\)$/ }).click();
    await form.getByRole("button", { name: "Save tags" }).click();
    await form.waitFor({ state: "detached" });
    await page.reload();
    await tagsTable.getByRole("cell", { name: "cost-center" }).waitFor();
    expect(await tagsTable.getByRole("cell", { name: "team", exact: true }).count()).toBe(0);
    await expect.poll(tagsOf, { timeout: 5_000 }).toEqual({ "cost-center": "cc-4711" });

    // The editor on a phone: rows stack, nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.getByRole("button", { name: "Edit tags" }).click();
      await form.getByRole("button", { name: "Add tag" }).click();
      await form.getByLabel("Tag 2 key").fill("a-rather-long-tag-key-that-wraps");
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await screenshot(page, "queue-tags-editor-390");
      await form.getByRole("button", { name: "Cancel" }).click();
    } finally {
      await page.setViewportSize({ width: 1280, height: 860 });
    }
    expect(await tagsOf()).toEqual({ "cost-center": "cc-4711" });
  });

  it("looks finished on a phone (390 px)", async () => {
    const phone = (await newPerson(tb.browser, web.url, { width: 390, height: 844 })).page;
    phone.on("pageerror", (e) => pageErrors.push(e.message));
    await signInViaUi(phone, { email: t.user.email, password: t.user.password });
    await phone.goto(`/t/${t.tenant.slug}/queues`);
    await phone.getByRole("link", { name: queueName }).first().waitFor();
    await screenshot(phone, "queues-list-390");
    for (const tab of ["overview", "send", "browse", "monitoring", "dead-letter", "code"]) {
      await phone.goto(queuePath(queueName, tab === "overview" ? undefined : tab));
      await phone.getByRole("heading", { name: queueName }).waitFor();
      // Nothing wider than the screen (names the culprit when something is).
      await expectFitsWidth(phone, tab);
      await screenshot(phone, `queue-${tab}-390`);
    }
    await phone.goto(queuePath(dlqName, "dead-letter"));
    await phone.getByRole("button", { name: "Start redrive" }).waitFor();
    await phone.getByTestId("move-task").first().waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(phone, "queue-redrive-390");
    await phone.context().close();
  });

  it("gives a viewer everything read-only", async () => {
    const viewer = await createTestUser();
    await addMember(t.tenant.id, viewer.id, "viewer");
    const v = (await newPerson(tb.browser, web.url)).page;
    v.on("pageerror", (e) => pageErrors.push(e.message));
    await signInViaUi(v, { email: viewer.email, password: viewer.password });
    await v.goto(`/t/${t.tenant.slug}/queues`);
    await v.getByRole("link", { name: queueName }).first().waitFor();
    expect(await v.getByRole("button", { name: "Create queue" }).count()).toBe(0);
    await v.goto(queuePath(queueName));
    await v.getByRole("heading", { name: queueName }).waitFor();
    await v.getByText(/can look at this queue/).waitFor();
    for (const name of ["Edit", "Edit tags", "Purge…", "Delete queue…", "Send & receive"])
      expect(await v.getByRole("button", { name }).count()).toBe(0);
    expect(await v.getByRole("tab", { name: "Send & receive" }).count()).toBe(0);
    await openTab(v, "Browse");
    await v.getByText("Peek without receiving").waitFor();
    await screenshot(v, "queue-viewer-1280");
    await v.context().close();
  });

  it("deletes a queue after typing its name", async () => {
    await page.goto(queuePath(queueName));
    await page.getByRole("button", { name: "Delete queue…" }).click();
    const dialog = page.getByRole("dialog", { name: `Delete “${queueName}”?` });
    await dialog.getByLabel(/to confirm/).fill(queueName);
    await dialog.getByRole("button", { name: "Delete queue" }).click();
    await page.waitForURL(`**/t/${t.tenant.slug}/queues`);
    await page.getByText(`Queue “${queueName}” deleted`).waitFor();
    await expect.poll(() => page.getByTestId(`queue-row-${queueName}`).count()).toBe(0);
  });

  it("had no uncaught errors in the pages", () => {
    expect(pageErrors).toEqual([]);
  });
});

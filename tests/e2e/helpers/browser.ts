import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

// Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core (never a
// downloaded browser). chromium.launch() gives every browser a fresh temporary profile
// (--user-data-dir), which playwright removes on close; contexts inside it are isolated.
const root = path.resolve(import.meta.dirname, "../../..");
export const SCREENS_DIR = path.join(root, "test-results", "screens");

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export type TestBrowser = { browser: Browser; close: () => Promise<void> };

export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return { browser, close: () => browser.close().catch(() => {}) };
}

/** A separate signed-out context (own cookies): one per person in a test. */
export async function newPerson(
  browser: Browser,
  baseURL: string,
  viewport = { width: 1280, height: 860 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport, permissions: ["clipboard-read", "clipboard-write"] });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  return { context, page };
}

/** Signs up through the form; resolves on the new team's console. Returns the team slug. */
export async function signUpViaUi(
  page: Page,
  p: { name?: string; email: string; password: string; teamName: string },
): Promise<string> {
  await page.goto("/signup");
  if (p.name) await page.getByLabel("Your name").fill(p.name);
  await page.getByLabel("Work email").fill(p.email);
  await page.getByLabel("Password").fill(p.password);
  await page.getByLabel("Team name").fill(p.teamName);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/t\/[^/]+\/queues$/);
  return new URL(page.url()).pathname.split("/")[2];
}

/** Signs in through the form and waits until the console (or `expectPath`) is shown. */
export async function signInViaUi(
  page: Page,
  p: { email: string; password: string; callbackUrl?: string; expectPath?: RegExp },
): Promise<void> {
  await page.goto(p.callbackUrl ? `/signin?callbackUrl=${encodeURIComponent(p.callbackUrl)}` : "/signin");
  await page.getByLabel("Email").fill(p.email);
  await page.getByLabel("Password").fill(p.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(p.expectPath ?? /\/t\/[^/]+\//);
}

/** Full-page screenshot into test-results/screens/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  const file = path.join(SCREENS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Calls a tRPC procedure over HTTP with the page's cookies (what a hand-made request would do). */
export async function trpcCall(
  page: Page,
  procedure: string,
  input: unknown,
  kind: "query" | "mutation" = "mutation",
): Promise<{ status: number; body: unknown }> {
  // superjson wire format: { json: input }.
  const res =
    kind === "mutation"
      ? await page.request.post(`/api/trpc/${procedure}`, {
          data: { json: input },
          headers: { "content-type": "application/json" },
        })
      : await page.request.get(`/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  return { status: res.status(), body: await res.json().catch(() => null) };
}

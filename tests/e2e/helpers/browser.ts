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

/** Upper bounds for condition waits (not delays: a wait ends as soon as its condition holds). */
export const ACTION_LIMIT_MS = 45_000;
export const NAVIGATION_LIMIT_MS = 90_000;

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
  // Every wait in these tests is for a condition (an element, a URL, a response). The limits are
  // only there to end a test that can never pass; on 2 shared cores a first page compile or a
  // sign-in (password hashing) can take tens of seconds, so they are generous.
  context.setDefaultTimeout(ACTION_LIMIT_MS);
  context.setDefaultNavigationTimeout(NAVIGATION_LIMIT_MS);
  const page = await context.newPage();
  return { context, page };
}

/**
 * Waits until React has hydrated an auth form (it sets data-hydrated): filling or submitting
 * before that types into inputs React then resets, or submits the form as a plain GET.
 */
async function hydratedForm(page: Page): Promise<void> {
  await page.locator("form[data-hydrated=true]").waitFor();
}

/**
 * Clicks a form's submit button and waits for the first of: the URL the form leads to, or an
 * error alert (then fails at once with its text instead of waiting out a limit).
 */
async function submitAndWait(page: Page, button: string, expectPath: RegExp): Promise<void> {
  const alertText = () =>
    page
      .locator('form [role="alert"]')
      .first()
      .textContent({ timeout: 1 })
      .catch(() => null);
  const before = await alertText();
  await page.getByRole("button", { name: button }).click();
  // A new (or changed) error alert once the form is no longer busy means the submit failed.
  const failed = page
    .waitForFunction((prev) => {
      const a = document.querySelector('form [role="alert"]');
      const b = document.querySelector<HTMLButtonElement>('form button[type="submit"]');
      return a && b && !b.disabled && a.textContent !== prev ? a.textContent : null;
    }, before)
    .then((h) => h.jsonValue())
    // Navigating away ends this wait (context destroyed): then only the URL wait decides.
    .catch(() => new Promise<never>(() => {}));
  const outcome = await Promise.race([page.waitForURL(expectPath).then(() => null), failed]);
  if (outcome) throw new Error(`${button} failed: ${outcome}`);
}

/** Signs up through the form; resolves on the new team's console. Returns the team slug. */
export async function signUpViaUi(
  page: Page,
  p: { name?: string; email: string; password: string; teamName: string },
): Promise<string> {
  await page.goto("/signup");
  await hydratedForm(page);
  if (p.name) await page.getByLabel("Your name").fill(p.name);
  await page.getByLabel("Work email").fill(p.email);
  await page.getByLabel("Password").fill(p.password);
  await page.getByLabel("Team name").fill(p.teamName);
  await submitAndWait(page, "Create account", /\/t\/[^/]+\/queues$/);
  return new URL(page.url()).pathname.split("/")[2];
}

/** Signs in through the form and waits until the console (or `expectPath`) is shown. */
export async function signInViaUi(
  page: Page,
  p: { email: string; password: string; callbackUrl?: string; expectPath?: RegExp },
): Promise<void> {
  await page.goto(p.callbackUrl ? `/signin?callbackUrl=${encodeURIComponent(p.callbackUrl)}` : "/signin");
  await hydratedForm(page);
  await page.getByLabel("Email").fill(p.email);
  await page.getByLabel("Password").fill(p.password);
  await submitAndWait(page, "Sign in", p.expectPath ?? /\/t\/[^/]+\//);
}

/** Waits until nothing on the page is wider than the viewport; fails naming the widest culprits. */
export async function expectFitsWidth(page: Page, what: string): Promise<void> {
  const culprits = () =>
    page.evaluate(() =>
      document.documentElement.scrollWidth <= window.innerWidth
        ? null
        : [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(-3)
            .map((e) => `${e.tagName}.${e.className}`.slice(0, 120)),
    );
  // Layout settles as data and fonts arrive: poll the condition rather than sleeping.
  const deadline = Date.now() + ACTION_LIMIT_MS;
  let last = await culprits();
  while (last && Date.now() < deadline) {
    await page
      .waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, null, {
        timeout: 2_000,
        polling: "raf",
      })
      .catch(() => {});
    last = await culprits();
  }
  if (last) throw new Error(`${what} is wider than the screen: ${last.join(", ")}`);
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

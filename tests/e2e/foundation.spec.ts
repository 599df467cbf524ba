import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { startWeb } from "../helpers/server";
import { createTestUser, uniqueName } from "../helpers/fixtures";
import { closeDb } from "../../server/db";
import {
  launchBrowser,
  newPerson,
  screenshot,
  signInViaUi,
  signUpViaUi,
  trpcCall,
  type TestBrowser,
} from "./helpers/browser";

// The console's foundation, end to end in Chromium against a real web process and database:
// sign up, teams, invites, API keys (secret shown once), revocation, and a viewer's limits.
let web: Awaited<ReturnType<typeof startWeb>>;
let tb: TestBrowser;
let owner: Page;

const password = "a long test password";
const ownerEmail = `${uniqueName("owner")}@example.test`;
const firstTeam = `First ${uniqueName("team")}`;
const secondTeam = `Second ${uniqueName("team")}`;
let firstSlug = "";
let secondSlug = "";
let invitee: { id: string; email: string; password: string };
let viewerPage: Page;
let keyId = "";
let secret = "";
// Uncaught errors in the owner's pages (hydration mismatches, crashes) fail the run at the end.
const pageErrors: string[] = [];

beforeAll(async () => {
  // The browser stands in for clients behind a reverse proxy on this machine.
  web = await startWeb({ next: true, env: { SIGNALBOX_TRUSTED_PROXIES: "127.0.0.1/32,::1/128" } });
  tb = await launchBrowser();
  owner = (await newPerson(tb.browser, web.url)).page;
  owner.on("pageerror", (e) => pageErrors.push(e.message));
  invitee = await createTestUser();
});

afterAll(async () => {
  await tb?.close();
  await web?.stop();
  await closeDb();
});

async function currentTeam(page: Page): Promise<string> {
  return (await page.getByTestId("current-team").first().textContent())?.trim() ?? "";
}

describe("console foundation", () => {
  it("signs up, creating the first team, and shows the console shell", async () => {
    await owner.goto("/signin");
    await screenshot(owner, "signin-1280");
    await owner.goto("/signup");
    await screenshot(owner, "signup-1280");
    firstSlug = await signUpViaUi(owner, { name: "Olive Owner", email: ownerEmail, password, teamName: firstTeam });
    expect(await currentTeam(owner)).toBe(firstTeam);
    for (const label of [
      "Queues",
      "Topics",
      "Event buses",
      "Functions",
      "Workflows",
      "APIs",
      "Deliveries",
      "API keys",
      "Members",
      "Audit log",
      "Settings",
    ]) {
      await expect(
        owner.getByRole("navigation", { name: "Console" }).getByRole("link", { name: label, exact: true }).count(),
      ).resolves.toBe(1);
    }
    await owner.goto(`/t/${firstSlug}/workflows`);
    await owner.getByText("No state machines yet").waitFor();
    await screenshot(owner, "shell-workflows-1280");
  });

  it("creates a second team and switches between the two", async () => {
    await owner.getByRole("button", { name: /Switch team/ }).click();
    await screenshot(owner, "shell-team-switcher-1280");
    await owner.getByRole("button", { name: "Create team" }).click();
    await owner.getByLabel("Team name").fill(secondTeam);
    await owner.getByRole("dialog").getByRole("button", { name: "Create team" }).click();
    await owner.waitForURL((u) => u.pathname.endsWith("/queues") && !u.pathname.includes(firstSlug));
    secondSlug = new URL(owner.url()).pathname.split("/")[2];
    await expect.poll(() => currentTeam(owner)).toBe(secondTeam);

    await owner.getByRole("button", { name: /Switch team/ }).click();
    await owner.getByRole("link", { name: new RegExp(firstTeam) }).click();
    await owner.waitForURL(`**/t/${firstSlug}/queues`);
    await expect.poll(() => currentTeam(owner)).toBe(firstTeam);
  });

  it("invites a member by link, and the invitee accepts in another browser context", async () => {
    await owner.goto(`/t/${secondSlug}/members`);
    await owner.getByLabel("Email").fill(invitee.email);
    await owner.getByLabel("Role", { exact: true }).selectOption("viewer");
    await owner.getByRole("button", { name: "Create invite" }).click();
    const link = (await owner.locator("#invite-link-value").textContent())!.trim();
    expect(link).toMatch(new RegExp(`^${web.url}/invite/[A-Za-z0-9_-]{43}$`));
    await owner.getByRole("table", { name: "Pending invites" }).getByText(invitee.email).waitFor();
    await screenshot(owner, "members-1280");

    viewerPage = (await newPerson(tb.browser, web.url)).page;
    const invitePath = new URL(link).pathname;
    await viewerPage.goto(invitePath);
    await viewerPage.getByRole("link", { name: "Sign in" }).waitFor();
    await screenshot(viewerPage, "invite-signed-out-1280");
    await signInViaUi(viewerPage, {
      email: invitee.email,
      password: invitee.password,
      callbackUrl: invitePath,
      expectPath: /\/invite\//,
    });
    await viewerPage.getByRole("button", { name: `Join ${secondTeam}` }).waitFor();
    await screenshot(viewerPage, "invite-1280");
    await viewerPage.getByRole("button", { name: `Join ${secondTeam}` }).click();
    await viewerPage.waitForURL(`**/t/${secondSlug}/queues`);
    await expect.poll(() => currentTeam(viewerPage)).toBe(secondTeam);

    // The link works once.
    await viewerPage.goto(invitePath);
    await viewerPage.getByText("You are already a member of this team.").waitFor();

    await owner.reload();
    await expect.poll(() => owner.getByLabel(`Role of ${invitee.email}`).inputValue()).toBe("viewer");
    await expect(owner.getByRole("table", { name: "Pending invites" }).getByText(invitee.email).count()).resolves.toBe(
      0,
    );
  });

  it("creates an API key and shows its secret exactly once", async () => {
    await owner.goto(`/t/${secondSlug}/api-keys`);
    await owner.getByText("No API keys yet").waitFor();
    await owner.getByRole("button", { name: "Create key" }).first().click();
    // Field errors from the server show under the field.
    await owner.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
    await owner.getByText("Give the key a name").waitFor();
    await screenshot(owner, "api-keys-create-errors-1280");
    await owner.getByLabel("Name").fill("orders-service");
    await owner.getByLabel("Role").selectOption("developer");
    await owner.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
    await owner.getByTestId("new-key").waitFor();
    keyId = (await owner.locator("#new-key-id").textContent())!.trim();
    secret = (await owner.locator("#new-key-secret").textContent())!.trim();
    expect(keyId).toMatch(/^SBAK[A-Z0-9]{16}$/);
    expect(secret).toHaveLength(40);
    const snippets = await owner.getByTestId("new-key").textContent();
    expect(snippets).toContain(`--endpoint-url ${web.url}/api/aws`);
    await owner.getByRole("tab", { name: "AWS SDK v3" }).click();
    await owner.getByText(`endpoint: "${web.url}/api/aws"`).waitFor();
    await owner.getByRole("tab", { name: "curl" }).click();
    await owner.getByText(`Authorization: Bearer ${keyId}.${secret}`).waitFor();
    await screenshot(owner, "api-keys-secret-1280");

    // The key works on the REST door.
    const ok = await fetch(`${web.url}/api/v1/whoami`, { headers: { authorization: `Bearer ${keyId}.${secret}` } });
    expect(ok.status).toBe(200);

    await owner.getByRole("button", { name: "I have copied the secret" }).click();
    await owner.getByTestId(`key-row-${keyId}`).waitFor();
    expect(await owner.content()).not.toContain(secret);
    await owner.reload();
    await owner.getByTestId(`key-row-${keyId}`).getByText("Active").waitFor();
    expect(await owner.content()).not.toContain(secret);
    await screenshot(owner, "api-keys-1280");
  });

  it("revokes the key after confirmation, and it stops working", async () => {
    await owner.getByRole("button", { name: "Revoke orders-service" }).click();
    await owner.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
    await owner.getByTestId(`key-row-${keyId}`).getByText("Revoked").waitFor();
    const refused = await fetch(`${web.url}/api/v1/whoami`, {
      headers: { authorization: `Bearer ${keyId}.${secret}` },
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);

    await owner.goto(`/t/${secondSlug}/audit`);
    await owner.getByRole("table", { name: "Audit log" }).getByText("api_key.revoke").waitFor();
    await owner.getByRole("table", { name: "Audit log" }).getByText("invite.accept").waitFor();
    await owner.getByRole("button", { name: "Show details" }).first().click();
    await screenshot(owner, "audit-1280");
    await owner.goto(`/t/${secondSlug}/settings`);
    await owner.getByText("AWS identity").waitFor();
    await screenshot(owner, "settings-1280");
  });

  it("shows a viewer no create buttons, and the server refuses the viewer anyway", async () => {
    await viewerPage.goto(`/t/${secondSlug}/api-keys`);
    await viewerPage.getByTestId(`key-row-${keyId}`).waitFor();
    await expect(viewerPage.getByRole("button", { name: "Create key" }).count()).resolves.toBe(0);
    await expect(viewerPage.getByRole("button", { name: /^Revoke/ }).count()).resolves.toBe(0);
    await viewerPage.goto(`/t/${secondSlug}/members`);
    await viewerPage.getByTestId(`member-${ownerEmail}`).waitFor();
    await expect(viewerPage.getByRole("button", { name: "Create invite" }).count()).resolves.toBe(0);
    await expect(viewerPage.getByRole("button", { name: "Remove" }).count()).resolves.toBe(0);

    const create = await trpcCall(viewerPage, "apiKey.create", { tenant: secondSlug, name: "sneaky", role: "viewer" });
    expect(create.status).toBe(403);
    expect((create.body as { error: { json: { data: { code: string } } } }).error.json.data.code).toBe("FORBIDDEN");
    const invite = await trpcCall(viewerPage, "tenant.invites.create", {
      tenant: secondSlug,
      email: "x@example.test",
      role: "viewer",
    });
    expect(invite.status).toBe(403);
    // And the same call as the owner goes through (the check is about the role, not the call).
    const asOwner = await trpcCall(owner, "tenant.invites.create", {
      tenant: secondSlug,
      email: `${uniqueName("x")}@example.test`,
      role: "viewer",
    });
    expect(asOwner.status).toBe(200);
  });

  it("says 'too many attempts' after 10 failed sign-ins, but lets the person's own browser in", async () => {
    const randomIp = () =>
      `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const victim = await createTestUser();
    // The victim's own browser signed in before: it holds the device cookie.
    const own = await tb.browser.newContext({ baseURL: web.url, extraHTTPHeaders: { "x-forwarded-for": randomIp() } });
    const ownPage = await own.newPage();
    const signIn = async (page: Page, pw: string) => {
      await page.getByLabel("Email").fill(victim.email);
      await page.getByLabel("Password").fill(pw);
      await page.getByRole("button", { name: "Sign in" }).click();
    };
    await ownPage.goto("/signin");
    await signIn(ownPage, victim.password);
    await ownPage.waitForURL((u) => !u.pathname.startsWith("/signin"));
    expect((await own.cookies()).some((c) => c.name === "sb_device" && c.httpOnly)).toBe(true);
    await own.clearCookies({ name: "next-auth.session-token" });

    // Own client address, so this lockout cannot touch other tests' sign-ins.
    const context = await tb.browser.newContext({
      baseURL: web.url,
      extraHTTPHeaders: { "x-forwarded-for": randomIp() },
    });
    const page = await context.newPage();
    await page.goto("/signin");
    for (let i = 0; i < 10; i++) {
      await signIn(page, `wrong password ${i}`);
      await page.getByText("Wrong email or password.").waitFor();
    }
    await page.getByLabel("Password").fill(victim.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Too many attempts, try again in 15 minutes").waitFor();
    await screenshot(page, "signin-too-many-1280");
    expect(new URL(page.url()).pathname).toBe("/signin");
    await context.close();

    // A stranger's guesses do not keep the person out of their own browser.
    await ownPage.goto("/signin");
    await signIn(ownPage, victim.password);
    await ownPage.waitForURL((u) => !u.pathname.startsWith("/signin"));
    await own.close();
  });

  it("looks finished at 390 px", async () => {
    const { context, page } = await newPerson(tb.browser, web.url, { width: 390, height: 844 });
    await page.goto("/signin");
    await screenshot(page, "signin-390");
    await page.goto("/signup");
    await screenshot(page, "signup-390");
    await signInViaUi(page, { email: ownerEmail, password });
    for (const p of ["api-keys", "members", "audit", "settings"]) {
      await page.goto(`/t/${secondSlug}/${p}`);
      await page.getByRole("heading", { level: 1 }).waitFor();
      await page.waitForLoadState("networkidle");
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await screenshot(page, `${p}-390`);
    }
    await page.getByRole("button", { name: "Open menu" }).click();
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "API keys" }).click();
    await page.waitForURL(`**/t/${secondSlug}/api-keys`);
    await page.getByRole("button", { name: "Create key" }).first().click();
    await page.getByLabel("Name").fill("mobile-key");
    await page.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
    await page.getByTestId("new-key").waitFor();
    await screenshot(page, "api-keys-secret-390");
    await page.getByRole("button", { name: "I have copied the secret" }).click();
    await page.getByRole("button", { name: "Open menu" }).click();
    await screenshot(page, "shell-menu-390");
    await context.close();
  });

  it("deletes a team from Settings after its name is typed, and it is gone", async () => {
    await owner.goto(`/t/${firstSlug}/settings`);
    await owner.getByRole("button", { name: "Delete team" }).click();
    const dialog = owner.getByRole("dialog");
    const confirm = dialog.getByRole("button", { name: "Delete this team" });
    await dialog.getByLabel(`Type ${firstTeam} to confirm`).fill(firstTeam.toUpperCase());
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(`Type ${firstTeam} to confirm`).fill(firstTeam);
    await screenshot(owner, "settings-delete-team-1280");
    await confirm.click();
    await owner.waitForURL(`**/t/${secondSlug}/queues`);
    await expect.poll(() => currentTeam(owner)).toBe(secondTeam);
    const gone = await trpcCall(owner, "tenant.get", { tenant: firstSlug }, "query");
    expect(gone.status).toBeGreaterThanOrEqual(400);
  });

  it("signs out everywhere: another session of the same person stops working", async () => {
    const other = await newPerson(tb.browser, web.url);
    await signInViaUi(other.page, { email: ownerEmail, password });
    await owner.goto(`/t/${secondSlug}/settings`);
    await owner.getByRole("button", { name: "Sign out everywhere" }).click();
    await owner.getByRole("dialog").getByRole("button", { name: "Sign out everywhere" }).click();
    await owner.waitForURL("**/signin**");
    await other.page.goto(`/t/${secondSlug}/api-keys`);
    await other.page.waitForURL("**/signin**");
    await other.context.close();
    expect(pageErrors).toEqual([]);
  });
});

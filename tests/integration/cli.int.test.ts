import { execFile } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pool } from "../../server/db";
import { resolveAccessKey } from "../../server/domains/api-keys/api-key.service";
import { TEST_DATABASE_URL } from "../helpers/env";
import { createTestTenant, createTestUser, uniqueName } from "../helpers/fixtures";
import { checkCredentials } from "../../server/domains/users/user.service";

// The operator CLI as an operator runs it: the real bin script, a real process, the test database.

const bin = path.resolve(import.meta.dirname, "../../bin/signalbox.mjs");

function cli(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, DATABASE_URL: TEST_DATABASE_URL, LOG_LEVEL: "warn" }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

async function auditOf(targetId: string) {
  return (
    await pool().query(
      `SELECT actor_type, actor_label, action, summary FROM audit_log WHERE target_id = $1 ORDER BY id`,
      [targetId],
    )
  ).rows;
}

describe("signalbox CLI", () => {
  it("resets a password from standard input, ending sessions, and says when nobody has that email", async () => {
    const u = await createTestUser();
    const missing = await cli(
      ["user", "reset-password", "--email", `${uniqueName("nobody")}@example.test`, "--password-stdin"],
      "whatever password 1",
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No user with email/);
    const before = (await pool().query(`SELECT session_version FROM users WHERE id = $1`, [u.id])).rows[0]
      .session_version;
    const done = await cli(
      ["user", "reset-password", "--email", u.email, "--password-stdin"],
      "the operator's choice\n",
    );
    expect(done.code, done.stderr).toBe(0);
    expect((await checkCredentials(u.email, "the operator's choice", null))?.id).toBe(u.id);
    const after = (await pool().query(`SELECT session_version FROM users WHERE id = $1`, [u.id])).rows[0]
      .session_version;
    expect(after).toBe(before + 1);
  });

  it("deletes a tenant by slug only with --yes, and audits it without a tenant", async () => {
    const t = await createTestTenant({ name: uniqueName("Doomed") });
    const unconfirmed = await cli(["tenant", "delete", t.tenant.slug]);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/--yes/);
    const byName = await cli(["tenant", "delete", t.tenant.name, "--yes"]);
    expect(byName.code).toBe(1);
    expect(byName.stderr).toMatch(new RegExp(`slug \\(${t.tenant.slug}\\)`));
    expect((await pool().query(`SELECT 1 FROM tenants WHERE id = $1`, [t.tenant.id])).rowCount).toBe(1);

    const done = await cli(["tenant", "delete", t.tenant.slug, "--yes", "--json"]);
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({
      id: t.tenant.id,
      slug: t.tenant.slug,
      deleted: { members: 1, apiKeys: 1, queues: 0, topics: 0 },
    });
    expect((await pool().query(`SELECT 1 FROM tenants WHERE id = $1`, [t.tenant.id])).rowCount).toBe(0);
    expect((await pool().query(`SELECT 1 FROM api_keys WHERE tenant_id = $1`, [t.tenant.id])).rowCount).toBe(0);
    const audit = await pool().query(
      `SELECT tenant_id, actor_type, summary FROM audit_log WHERE action = 'tenant.delete' AND target_id = $1`,
      [t.tenant.id],
    );
    expect(audit.rows).toEqual([
      { tenant_id: null, actor_type: "cli", summary: { before: expect.objectContaining({ slug: t.tenant.slug }) } },
    ]);
    const gone = await cli(["tenant", "delete", t.tenant.slug, "--yes"]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/No tenant/);
  });

  it("creates a user, a tenant and a key that authenticates, then revokes it, all audited as cli", async () => {
    const email = `${uniqueName("cli")}@example.test`;
    const user = await cli([
      "user",
      "create",
      "--email",
      email,
      "--password",
      "a long enough password",
      "--name",
      "CLI user",
      "--json",
    ]);
    expect(user.stderr).toBe("");
    expect(user.code).toBe(0);
    const u = JSON.parse(user.stdout) as { id: string; email: string };
    expect(u.email).toBe(email);

    const name = uniqueName("Cli Team");
    const tenant = await cli(["tenant", "create", "--name", name, "--owner", email, "--json"]);
    expect(tenant.code, tenant.stderr).toBe(0);
    const t = JSON.parse(tenant.stdout) as { id: string; slug: string; accountId: string; owner: string };
    expect(t).toMatchObject({ name, owner: email, accountId: expect.stringMatching(/^\d{12}$/) });
    const membership = await pool().query(`SELECT role FROM memberships WHERE tenant_id = $1 AND user_id = $2`, [
      t.id,
      u.id,
    ]);
    expect(membership.rows).toEqual([{ role: "owner" }]);

    const key = await cli([
      "key",
      "create",
      "--tenant",
      name,
      "--name",
      "ci",
      "--role",
      "admin",
      "--expires",
      "2099-01-01",
      "--json",
    ]);
    expect(key.code, key.stderr).toBe(0);
    const k = JSON.parse(key.stdout) as { id: string; secret: string; tenant: string; accountId: string; role: string };
    expect(k).toEqual({
      id: expect.stringMatching(/^SBAK[A-Z2-7]{16}$/),
      secret: expect.stringMatching(/^[A-Za-z0-9+/]{40}$/),
      tenant: t.slug,
      accountId: t.accountId,
      role: "admin",
    });
    // The secret the CLI printed is the one the data plane verifies against.
    const resolved = await resolveAccessKey(k.id);
    expect(resolved).toMatchObject({ secret: k.secret, role: "admin", tenant: { id: t.id } });
    expect(resolved!.expiresAt?.toISOString()).toBe("2099-01-01T00:00:00.000Z");

    const revoke = await cli(["key", "revoke", k.id]);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(
      (await pool().query(`SELECT revoked_at FROM api_keys WHERE id = $1`, [k.id])).rows[0].revoked_at,
    ).not.toBeNull();
    const again = await cli(["key", "revoke", k.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already revoked/);

    expect((await auditOf(u.id)).map((r) => [r.actor_type, r.action])).toEqual([
      ["cli", "user.create"],
      ["cli", "member.add"],
    ]);
    expect((await auditOf(t.id)).map((r) => [r.actor_type, r.action])).toEqual([["cli", "tenant.create"]]);
    const ownerAdded = (
      await pool().query(`SELECT actor_type, action FROM audit_log WHERE tenant_id = $1 AND target_id = $2`, [
        t.id,
        u.id,
      ])
    ).rows;
    expect(ownerAdded).toEqual([{ actor_type: "cli", action: "member.add" }]);
    const keyAudit = await auditOf(k.id);
    expect(keyAudit.map((r) => [r.actor_type, r.action])).toEqual([
      ["cli", "api_key.create"],
      ["cli", "api_key.revoke"],
    ]);
    expect(keyAudit[0].actor_label).toMatch(/^cli:/);
    expect(JSON.stringify(keyAudit)).not.toContain(k.secret);
  });

  it("reads the password from stdin and refuses a duplicate email", async () => {
    const email = `${uniqueName("stdin")}@example.test`;
    const first = await cli(["user", "create", "--email", email, "--password-stdin"], "from standard input\n");
    expect(first.code, first.stderr).toBe(0);
    const dup = await cli(["user", "create", "--email", email, "--password", "another long password"]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("--email: An account with this email already exists");
  });

  it.each([
    [
      ["user", "create", "--email", "not-an-email", "--password", "short"],
      ["--email: Enter a valid email address", "--password: At least 10 characters"],
    ],
    [["tenant", "create", "--owner", "x@example.test"], ["--name: Required"]],
    [
      ["key", "create", "--tenant", "t", "--name", "n", "--role", "root", "--expires", "2001-01-01"],
      ["--role:", "--expires: Must be in the future"],
    ],
    [["key", "create", "--tenant", "t", "--name", "n", "--expires", "next tuesday"], ["--expires: An ISO 8601 date"]],
    [["key", "revoke"], ["Required"]],
    [["key", "create", "--bogus"], ["Unknown option '--bogus'"]],
    [["frobnicate"], ["Unknown command: frobnicate"]],
  ])("rejects %j with exit code 2 and field messages", async (args, messages) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    for (const m of messages) expect(r.stderr).toContain(m);
    expect(r.stdout).toBe("");
  });

  it("fails with exit code 1 for things that do not exist", async () => {
    const noOwner = await cli([
      "tenant",
      "create",
      "--name",
      "Nobody's team",
      "--owner",
      `${uniqueName("ghost")}@example.test`,
    ]);
    expect(noOwner.code).toBe(1);
    expect(noOwner.stderr).toContain("No user with email");
    const noTenant = await cli(["key", "create", "--tenant", uniqueName("no-such-tenant"), "--name", "x"]);
    expect(noTenant.code).toBe(1);
    expect(noTenant.stderr).toContain("No tenant with id, slug or name");
    const noKey = await cli(["key", "revoke", "SBAKAAAAAAAAAAAAAAAA"]);
    expect(noKey.code).toBe(1);
  });

  it("prints help with exit code 0", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("key create --tenant");
    const sub = await cli(["key", "create", "--help"]);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain("--expires");
  });
});

import { NodeSha256 } from "../../server/core/sigv4/test-support";
import { existsSync } from "node:fs";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../server/db";
import { revokeApiKey, createApiKey } from "../../server/domains/api-keys/api-key.service";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";
import { AWS_CLI, runAwsCli } from "../helpers/aws-cli";

// The end-to-end proof of API keys and SigV4: real AWS clients (SDK v3 and the AWS CLI, which
// speaks the query protocol) call STS GetCallerIdentity on /api/aws of a real web process.

let web: TestProcess & { url: string; port: number };
let t: TestTenant;

beforeAll(async () => {
  t = await createTestTenant();
  web = await startWeb({ env: { LOG_LEVEL: "debug" } });
});
afterAll(async () => {
  await web?.stop();
});

function sts(creds: { id: string; secret: string }, region = "us-east-1") {
  return new STSClient({
    endpoint: `${web.url}/api/aws`,
    region,
    credentials: { accessKeyId: creds.id, secretAccessKey: creds.secret },
    maxAttempts: 1,
  });
}

const awsCli = (creds: { id: string; secret: string }, args: string[]) =>
  runAwsCli(`${web.url}/api/aws`, creds, args, 60_000, "eu-west-1");

const arnOf = (accountId: string, keyId: string) => `arn:aws:iam::${accountId}:user/${keyId}`;

describe("STS GetCallerIdentity with the AWS SDK v3", () => {
  it("returns the tenant's account id and the key's ARN", async () => {
    const r = await sts(t.key).send(new GetCallerIdentityCommand({}));
    expect(r.Account).toBe(t.tenant.accountId);
    expect(r.Arn).toBe(arnOf(t.tenant.accountId, t.key.id));
    expect(r.UserId).toBe(t.key.id);
  });

  it("works from any region (the credential scope's region is not fixed)", async () => {
    const r = await sts(t.key, "ap-southeast-2").send(new GetCallerIdentityCommand({}));
    expect(r.Account).toBe(t.tenant.accountId);
  });

  it("refuses a wrong secret with SignatureDoesNotMatch and an unknown key with InvalidClientTokenId", async () => {
    await expect(
      sts({ id: t.key.id, secret: t.key.secret.replace(/.$/, (c) => (c === "A" ? "B" : "A")) }).send(
        new GetCallerIdentityCommand({}),
      ),
    ).rejects.toMatchObject({ name: "SignatureDoesNotMatch" });
    await expect(
      sts({ id: "SBAKAAAAAAAAAAAAAAAA", secret: t.key.secret }).send(new GetCallerIdentityCommand({})),
    ).rejects.toMatchObject({ name: "InvalidClientTokenId" });
  });
});

describe.skipIf(!existsSync(AWS_CLI))("STS GetCallerIdentity with the AWS CLI (query protocol)", () => {
  it("works with a created key", async () => {
    const r = await awsCli(t.key, ["sts", "get-caller-identity"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      UserId: t.key.id,
      Account: t.tenant.accountId,
      Arn: arnOf(t.tenant.accountId, t.key.id),
    });
  });

  it("fails with InvalidClientTokenId for an unknown key id", async () => {
    const r = await awsCli({ id: "SBAKZZZZZZZZZZZZZZZZ", secret: t.key.secret }, ["sts", "get-caller-identity"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("InvalidClientTokenId");
  });

  it("fails with SignatureDoesNotMatch for a wrong secret", async () => {
    const r = await awsCli({ id: t.key.id, secret: "x".repeat(40) }, ["sts", "get-caller-identity"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("SignatureDoesNotMatch");
  });

  it("fails with InvalidClientTokenId right after the key is revoked", async () => {
    const k = await createApiKey(t.actor, t.tenant.id, { name: "short-lived", role: "developer" });
    const ok = await awsCli(k, ["sts", "get-caller-identity"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).UserId).toBe(k.id);
    // The web process has this key cached now; revocation must reach it at once.
    await revokeApiKey(t.actor, t.tenant.id, k.id);
    const r = await awsCli(k, ["sts", "get-caller-identity"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("InvalidClientTokenId");
  });
});

describe("other ways in", () => {
  it("GET /api/v1/whoami with a Bearer key", async () => {
    const r = await fetch(`${web.url}/api/v1/whoami`, {
      headers: { authorization: `Bearer ${t.key.id}.${t.key.secret}` },
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({
      tenantId: t.tenant.id,
      accountId: t.tenant.accountId,
      keyId: t.key.id,
      role: "owner",
      arn: arnOf(t.tenant.accountId, t.key.id),
    });
  });

  it("GET /api/v1/whoami with a bad Bearer token is a 401 problem+json", async () => {
    for (const token of [`${t.key.id}.${"w".repeat(40)}`, "SBAKAAAAAAAAAAAAAAAA.nope", "garbage"]) {
      const r = await fetch(`${web.url}/api/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });
      expect(r.status).toBe(401);
      expect(r.headers.get("content-type")).toContain("application/problem+json");
      const body = (await r.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        status: 401,
        title: expect.any(String),
        detail: expect.any(String),
        requestId: expect.any(String),
      });
    }
  });

  it("a presigned GetCallerIdentity URL (SigV4 in the query string) works", async () => {
    const signer = new SignatureV4({
      service: "sts",
      region: "us-east-1",
      credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
      sha256: NodeSha256,
    });
    const signed = await signer.presign(
      {
        method: "GET",
        protocol: "http:",
        hostname: "127.0.0.1",
        port: web.port,
        path: "/api/aws/",
        query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
        headers: { host: `127.0.0.1:${web.port}` },
      },
      { expiresIn: 300 },
    );
    const qs = new URLSearchParams(signed.query as Record<string, string>).toString();
    const r = await fetch(`${web.url}/api/aws/?${qs}`);
    const text = await r.text();
    expect(r.status, text).toBe(200);
    expect(text).toContain(`<Account>${t.tenant.accountId}</Account>`);
    expect(text).toContain(`<Arn>${arnOf(t.tenant.accountId, t.key.id)}</Arn>`);

    // The same URL with the signature changed is refused.
    const bad = new URLSearchParams(qs);
    bad.set("X-Amz-Signature", "0".repeat(64));
    const r2 = await fetch(`${web.url}/api/aws/?${bad}`);
    expect(r2.status).toBe(403);
    expect(await r2.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
  });

  it("a request without any authentication gets MissingAuthenticationToken", async () => {
    const r = await fetch(`${web.url}/api/aws`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "Action=GetCallerIdentity&Version=2011-06-15",
    });
    expect(r.status).toBe(403);
    expect(await r.text()).toContain("<Code>MissingAuthenticationToken</Code>");
  });
});

describe("health", () => {
  it("/api/health needs no authentication and reports the worker once one runs", async () => {
    const r = await fetch(`${web.url}/api/health`);
    expect([200, 503]).toContain(r.status);
    const before = (await r.json()) as { checks: Record<string, { ok: boolean }> };
    expect(before.checks.database.ok).toBe(true);
    expect(before.checks.migrations.ok).toBe(true);

    const worker = await startWorker();
    try {
      // Other test files may run workers too: look for this worker's own heartbeat row.
      const row = await pool().query(
        `SELECT 1 FROM worker_heartbeats WHERE pid = $1 AND last_seen_at > now() - interval '30 seconds'`,
        [worker.pid],
      );
      expect(row.rowCount).toBe(1);
      const h = await fetch(`${web.url}/api/health`);
      expect(h.status).toBe(200);
      const body = (await h.json()) as {
        status: string;
        checks: { worker: { ok: boolean; detail: { alive: number } } };
      };
      expect(body.status).toBe("ok");
      expect(body.checks.worker.ok).toBe(true);
      expect(body.checks.worker.detail.alive).toBeGreaterThanOrEqual(1);
    } finally {
      await worker.stop();
    }
    // A worker that stops cleanly removes its heartbeat.
    const gone = await pool().query(`SELECT 1 FROM worker_heartbeats WHERE pid = $1`, [worker.pid]);
    expect(gone.rowCount).toBe(0);
  });
});

describe("logs", () => {
  it("carry the request id and tenant, and never the secret", async () => {
    const rid = `logcheck-${Date.now()}`;
    // A refused call after authentication (unknown STS action) is logged at debug with the tenant.
    const signer = new SignatureV4({
      service: "sts",
      region: "us-east-1",
      credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
      sha256: NodeSha256,
    });
    const body = "Action=AssumeRole&Version=2011-06-15";
    const req = await signer.sign({
      method: "POST",
      protocol: "http:",
      hostname: "127.0.0.1",
      port: web.port,
      path: "/api/aws",
      query: {},
      headers: {
        host: `127.0.0.1:${web.port}`,
        "content-type": "application/x-www-form-urlencoded",
        "x-request-id": rid,
      },
      body,
    });
    const refused = await fetch(`${web.url}/api/aws`, {
      method: "POST",
      headers: req.headers as Record<string, string>,
      body,
    });
    expect(refused.status).toBe(400);
    // A failing signature and Bearer token that contain the real secret, and a succeeding call.
    await sts({ id: t.key.id, secret: t.key.secret + "x" })
      .send(new GetCallerIdentityCommand({}))
      .catch(() => {});
    await fetch(`${web.url}/api/v1/whoami`, { headers: { authorization: `Bearer ${t.key.id}.${t.key.secret}x` } });
    await fetch(`${web.url}/api/v1/whoami`, { headers: { authorization: `Bearer ${t.key.id}.${t.key.secret}` } });
    await sts(t.key).send(new GetCallerIdentityCommand({}));

    let out = "";
    for (let i = 0; i < 40 && !out.includes(rid); i++) {
      await new Promise((r) => setTimeout(r, 100));
      out = web.output();
    }
    // The captured output keeps only its last 20 kB, so its first line may be cut: skip what does not parse.
    const lines = out.split("\n").flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
    const mine = lines.find((l) => l.requestId === rid);
    expect(mine, out).toBeDefined();
    expect(mine).toMatchObject({ tenantId: t.tenant.id, actor: t.key.id });
    expect(out).not.toContain(t.key.secret);
  });
});

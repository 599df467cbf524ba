import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedDb } from "../../server/db/embedded";
import { migrate } from "../../server/db/migrate";
import { encryptSecret, parseMasterKey } from "../../server/core/crypto/secret-box";
import { generateAccessKeyId, generateSecretAccessKey } from "../../server/core/crypto/api-key-format";
import { generateAccountId } from "../../server/core/ids";
import { startWeb, type TestProcess } from "../helpers/server";

// PostgreSQL restarts under a running web process (on a private embedded PostgreSQL, so the shared
// one is left alone): every acknowledged message is still there afterwards, the web process keeps
// serving without a restart of its own, and long polls work again (LISTEN reconnects; until it
// does, waiters re-check once a second).

let dir: string;
let db: EmbeddedDb;
let web: TestProcess & { url: string };
let sqs: SQSClient;

beforeAll(async () => {
  dir = mkdtempSync(path.join("/tmp", "sb-pgrestart-"));
  db = await startEmbeddedPostgres(dir);
  await migrate(db.url);
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  const tenantId = randomUUID();
  const keyId = generateAccessKeyId();
  const secret = generateSecretAccessKey();
  await c.query(`INSERT INTO tenants (id, name, slug, account_id) VALUES ($1, 'restart', 'restart', $2)`, [
    tenantId,
    generateAccountId(),
  ]);
  await c.query(`INSERT INTO api_keys (id, tenant_id, name, role, secret_enc) VALUES ($1, $2, 'k', 'owner', $3)`, [
    keyId,
    tenantId,
    encryptSecret(secret, parseMasterKey(process.env.SIGNALBOX_MASTER_KEY!)),
  ]);
  await c.end();
  web = await startWeb({ env: { DATABASE_URL: db.url } });
  sqs = new SQSClient({
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: keyId, secretAccessKey: secret },
    maxAttempts: 1,
  });
}, 120_000);

afterAll(async () => {
  sqs?.destroy();
  await web?.stop();
  await db?.stop().catch(() => {});
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("PostgreSQL restart", () => {
  it("keeps every acknowledged message and serves again afterwards, long polls included", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "restart" }));
    const acked: string[] = [];
    for (let k = 0; k < 5; k++) {
      const r = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `m${k}-${i}` })),
        }),
      );
      acked.push(...r.Successful!.map((s) => s.MessageId!));
    }
    await db.stop();
    const during = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "during" })).then(
      () => "accepted",
      () => "refused",
    );
    expect(during).toBe("refused"); // nothing is acknowledged without a commit
    db = await startEmbeddedPostgres(dir);

    // The pool reconnects on its own; the first calls may still meet dead connections.
    let received: string[] = [];
    for (let i = 0; i < 20; i++) {
      try {
        const seen = new Set<string>();
        for (;;) {
          const r = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 300 }),
          );
          if (!r.Messages?.length) break;
          for (const m of r.Messages) seen.add(m.MessageId!);
        }
        received = [...seen];
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    expect(received.sort()).toEqual([...acked].sort());

    // Long polling works again: the wait ends soon after a message is sent.
    const waiting = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    await new Promise((r) => setTimeout(r, 1_500));
    const started = Date.now();
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "after" }));
    const r = await waiting;
    expect(r.Messages?.[0].Body).toBe("after");
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

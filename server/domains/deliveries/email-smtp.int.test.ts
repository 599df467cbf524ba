import net from "node:net";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool, withTransaction } from "../../db";
import { logger } from "../../logger";
import { ensureQueues } from "../../jobs/boss";
import { createTestTenant, type TestTenant } from "../../../tests/helpers/fixtures";
import { createTopic } from "../topics/topic.service";
import { confirmManually, subscribe } from "../topics/subscription.service";
import { insertMessages } from "../topics/topic-message.repository";
import { deliveryJobs } from "./delivery.jobs";
import { runFanout } from "./fanout";

// With SMTP_URL set, email deliveries go out over SMTP (to a minimal local SMTP sink here) and the
// outbox keeps a "sent" copy.
const ctx = { jobId: "test", log: logger, retryCount: 0 };
const mails: Array<{ from: string; to: string[]; data: string }> = [];
let server: net.Server;
let t: TestTenant;

beforeAll(async () => {
  server = net.createServer((sock) => {
    let buf = "";
    let inData = false;
    let cur = { from: "", to: [] as string[], data: "" };
    sock.write("220 sink ESMTP\r\n");
    sock.on("data", (d) => {
      buf += d.toString("utf8");
      let i: number;
      while ((i = buf.indexOf("\r\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            mails.push(cur);
            cur = { from: "", to: [], data: "" };
            sock.write("250 queued\r\n");
          } else cur.data += line + "\n";
          continue;
        }
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === "EHLO" || cmd === "HELO") sock.write("250 sink\r\n");
        else if (cmd === "MAIL") {
          cur.from = line;
          sock.write("250 ok\r\n");
        } else if (cmd === "RCPT") {
          cur.to.push(line);
          sock.write("250 ok\r\n");
        } else if (cmd === "DATA") {
          inData = true;
          sock.write("354 go\r\n");
        } else if (cmd === "QUIT") sock.end("221 bye\r\n");
        else sock.write("250 ok\r\n");
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  // Must be set before anything parses the environment in this process.
  process.env.SMTP_URL = `smtp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  await ensureQueues(deliveryJobs);
  t = await createTestTenant();
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("email over SMTP", () => {
  it("sends notifications through SMTP_URL and keeps a sent copy in the outbox", async () => {
    const topic = await createTopic(t.actor, t.tenant, { name: `smtp-${randomUUID().slice(0, 6)}` });
    const r = await subscribe(
      t.actor,
      t.tenant,
      { topicArn: topic.arn, protocol: "email", endpoint: "oncall@example.com" },
      { baseUrl: "http://sb.test" },
    );
    await confirmManually(t.actor, t.tenant, r.subscription.id);
    const id = randomUUID();
    await withTransaction((tx) =>
      insertMessages(
        tx,
        [
          {
            id,
            tenantId: t.tenant.id,
            topicId: topic.id,
            body: "db is down",
            attributes: {},
            subject: "Page",
            messageStructure: null,
            messageGroupId: null,
            deduplicationId: null,
          },
        ],
        false,
      ),
    );
    await runFanout({ messageIds: [id], baseUrl: "http://sb.test" }, ctx);
    const mail = mails.find((m) => m.data.includes("db is down"))!;
    expect(mail.to[0]).toContain("oncall@example.com");
    expect(mail.data).toMatch(/Subject: Page/);
    const outbox = (
      await pool().query(`SELECT status FROM email_outbox WHERE tenant_id = $1 AND subject = 'Page'`, [t.tenant.id])
    ).rows;
    expect(outbox).toEqual([{ status: "sent" }]);
    expect((await pool().query(`SELECT status FROM deliveries WHERE message_id = $1`, [id])).rows[0].status).toBe(
      "succeeded",
    );
  });
});

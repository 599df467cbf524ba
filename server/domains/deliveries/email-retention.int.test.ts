import { randomBytes, randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { pool, withTransaction } from "../../db";
import { logger } from "../../logger";
import { ensureQueues } from "../../jobs/boss";
import { createTestTenant, type TestTenant } from "../../../tests/helpers/fixtures";
import { createTopic } from "../topics/topic.service";
import { confirmSubscription, subscribe } from "../topics/subscription.service";
import { insertMessages } from "../topics/topic-message.repository";
import { deliveryJobs } from "./delivery.jobs";
import { sendConfirmation } from "./confirmation";
import { runFanout } from "./fanout";
import { runRetention } from "./retention";
import { listOutboxPage } from "./delivery.service";

// Email subscriptions without SMTP: confirmation and notifications land in the console outbox.
// Retention removes attempts older than the configured days.
process.env.SIGNALBOX_DELIVERY_ATTEMPT_RETENTION_DAYS = "14";
const ctx = { jobId: "test", log: logger, retryCount: 0 };
let t: TestTenant;
beforeAll(async () => {
  await ensureQueues(deliveryJobs);
  t = await createTestTenant();
});

describe("email and retention", () => {
  it("confirms an email subscription through the outbox link and delivers to the outbox", async () => {
    const topic = await createTopic(t.actor, t.tenant, {
      name: `mail-${randomUUID().slice(0, 6)}`,
      settings: { displayName: "Mail" },
    });
    const r = await subscribe(
      t.actor,
      t.tenant,
      { topicArn: topic.arn, protocol: "email", endpoint: "ops@example.com" },
      { baseUrl: "http://sb.test" },
    );
    expect(r.pending).toBe(true);
    // The confirm job's payload carries the token; run it as the worker would.
    const token = randomBytes(64).toString("hex");
    await pool().query(
      `UPDATE topic_subscriptions SET confirmation_token_hash = encode(sha256($1::bytea), 'hex') WHERE id = $2`,
      [token, r.subscription.id],
    );
    await sendConfirmation(
      { subscriptionId: r.subscription.id, tenantId: t.tenant.id, token, baseUrl: "http://sb.test" },
      ctx,
    );
    const [confirmMail] = (await listOutboxPage(t.actor, t.tenant)).items;
    expect(confirmMail).toMatchObject({
      to: "ops@example.com",
      subject: "AWS Notification - Subscription Confirmation",
      status: "outbox",
    });
    const url = new URL(/http:\/\/sb\.test\S+/.exec(confirmMail.body)![0]);
    expect(url.pathname).toBe("/api/v1/sns/confirm");
    await confirmSubscription({ topicArn: url.searchParams.get("TopicArn")!, token: url.searchParams.get("Token")! });

    const id = randomUUID();
    await withTransaction((tx) =>
      insertMessages(
        tx,
        [
          {
            id,
            tenantId: t.tenant.id,
            topicId: topic.id,
            body: "disk full",
            attributes: {},
            subject: "Alarm",
            messageStructure: null,
            messageGroupId: null,
            deduplicationId: null,
          },
        ],
        false,
      ),
    );
    await runFanout({ messageIds: [id], baseUrl: "http://sb.test" }, ctx);
    const [mail] = (await listOutboxPage(t.actor, t.tenant)).items;
    expect(mail).toMatchObject({ to: "ops@example.com", subject: "Alarm" });
    expect(mail.body).toContain("disk full");
    expect(mail.body).toContain("/api/v1/sns/unsubscribe?SubscriptionArn=");
    const d = (await pool().query(`SELECT status FROM deliveries WHERE message_id = $1`, [id])).rows[0];
    expect(d.status).toBe("succeeded");
  });

  it("deletes attempts older than the retention and keeps recent ones", async () => {
    const rows = (
      await pool().query(`SELECT a.id FROM delivery_attempts a WHERE a.tenant_id = $1 ORDER BY a.id LIMIT 1`, [
        t.tenant.id,
      ])
    ).rows;
    expect(rows).toHaveLength(1);
    const recent = (
      await pool().query(`SELECT count(*)::int AS n FROM delivery_attempts WHERE tenant_id = $1`, [t.tenant.id])
    ).rows[0].n;
    await pool().query(`UPDATE delivery_attempts SET started_at = now() - interval '15 days' WHERE id = $1`, [
      rows[0].id,
    ]);
    await runRetention(ctx);
    expect(
      (await pool().query(`SELECT count(*)::int AS n FROM delivery_attempts WHERE tenant_id = $1`, [t.tenant.id]))
        .rows[0].n,
    ).toBe(recent - 1);
  });
});

import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureQueues } from "../../jobs/boss";
import { pool, withTransaction } from "../../db";
import { logger } from "../../logger";
import { gated } from "../../platform/tx-gate";
import { createTestTenant, uniqueName, type TestTenant } from "../../../tests/helpers/fixtures";
import { createQueue, setQueueAttributes } from "../queues/queue.service";
import { receiveMessages } from "../queues/receive";
import type { QueueRow } from "../queues/queue.repository";
import { createTopic, setTopicAttributes } from "../topics/topic.service";
import { subscribe } from "../topics/subscription.service";
import { deleteTenant } from "../tenants/tenant-delete";
import { deliveryJobs } from "./delivery.jobs";
import { createInvocations, type Invocation } from "./invocations";
import { runDeliver } from "./deliver";
import {
  browseAttempts,
  browseDeliveries,
  deliveryOverview,
  resendDelivery,
  resendFailed,
  resendProgress,
} from "./delivery.service";
import { runResend } from "./resend";
import { recordWorkflowAttempt } from "./workflow-attempts";
import { deleteOldInvocations } from "./retention.repository";

// Invocations (rule/schedule/... deliveries) against real PostgreSQL, through the real queue and
// topic services: created inside a source transaction, delivered there for local kinds; refusals
// are retried by the deliver job (called directly here) and end in the dead-letter queue with
// AWS's attributes.

const ctx = { jobId: "test", log: logger, retryCount: 0 };
let t: TestTenant;

beforeAll(async () => {
  await ensureQueues(deliveryJobs);
  t = await createTestTenant();
});

const ruleArn = (tt: TestTenant, name = "orders") => `arn:aws:events:us-east-1:${tt.tenant.accountId}:rule/${name}`;

async function queue(tt: TestTenant, name: string, settings: Record<string, unknown> = {}): Promise<QueueRow> {
  return (await createQueue(tt.actor, tt.tenant.id, { name: uniqueName(name), settings })).queue;
}

async function fifoQueue(tt: TestTenant, name: string): Promise<QueueRow> {
  return (await createQueue(tt.actor, tt.tenant.id, { name: `${uniqueName(name)}.fifo` })).queue;
}

function invocation(tt: TestTenant, target: QueueRow | { arn: string }, over: Partial<Invocation> = {}): Invocation {
  const eventId = randomUUID();
  return {
    tenantId: tt.tenant.id,
    sourceKind: "rule",
    sourceArn: ruleArn(tt),
    targetKind: "queue",
    targetArn: target.arn,
    targetId: "t1",
    payload: JSON.stringify({ id: eventId, "detail-type": "order", detail: { n: 1 } }),
    eventId,
    eventTime: new Date(),
    ...over,
  };
}

const create = (invs: Invocation[]) => gated(() => withTransaction((tx) => createInvocations(tx, invs)));

async function drain(tt: TestTenant, q: QueueRow) {
  return receiveMessages(tt.actor, tt.tenant.id, q, { maxMessages: 10, visibilityTimeout: 30 });
}

async function row(id: string) {
  return (
    await pool().query(
      `SELECT status, attempts, last_error AS "lastError", next_attempt_at AS "nextAttemptAt" FROM deliveries WHERE id = $1`,
      [id],
    )
  ).rows[0];
}

describe("invocations into queues", () => {
  it("deliver into the tenant's standard queue inside the source transaction and log the attempt", async () => {
    const q = await queue(t, "std");
    const inv = invocation(t, q);
    const [r] = await create([inv]);
    expect(r).toMatchObject({ created: true, status: "succeeded" });
    const got = await drain(t, q);
    expect(got.map((m) => m.body)).toEqual([inv.payload]);
    expect(await row(r!.deliveryId)).toMatchObject({ status: "succeeded", attempts: 1 });
    const attempts = await browseAttempts(t.actor, t.tenant, { deliveryId: r!.deliveryId });
    expect(attempts.items).toHaveLength(1);
    expect(attempts.items[0]).toMatchObject({
      outcome: "succeeded",
      sourceKind: "rule",
      sourceArn: inv.sourceArn,
      targetKind: "queue",
      endpoint: q.arn,
      protocol: "queue",
      topicId: null,
      messageId: null,
    });
  });

  it("a rolled-back source transaction leaves neither the invocation nor the message", async () => {
    const q = await queue(t, "rollback");
    const inv = invocation(t, q, { dedupeKey: randomUUID() });
    await expect(
      gated(() =>
        withTransaction(async (tx) => {
          await createInvocations(tx, [inv]);
          throw new Error("source failed");
        }),
      ),
    ).rejects.toThrow("source failed");
    expect(await drain(t, q)).toEqual([]);
    const n = await pool().query(`SELECT count(*)::int AS n FROM deliveries WHERE dedupe_key = $1`, [inv.dedupeKey]);
    expect(n.rows[0].n).toBe(0);
  });

  it("FIFO: takes SqsParameters' group and the event id as deduplication id", async () => {
    const q = await fifoQueue(t, "fifo");
    const a = invocation(t, q, { params: { messageGroupId: "g1" } });
    // The same event again (another rule, say): the queue deduplicates it by the event id.
    const again = { ...a, sourceArn: ruleArn(t, "other") };
    const b = invocation(t, q, { params: { messageGroupId: "g1" } });
    const results = await create([a, again, b]);
    expect(results.map((r) => r.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    const got = await drain(t, q);
    expect(got.map((m) => m.body)).toEqual([a.payload, b.payload]);
    expect(got[0]!.system).toMatchObject({ MessageGroupId: "g1", MessageDeduplicationId: a.eventId });
  });

  it("FIFO without a group: refused inline, then sent to the dead-letter queue without retries", async () => {
    const q = await fifoQueue(t, "nogroup");
    const dlq = await queue(t, "dlq");
    const event = JSON.stringify({ id: "e-1", detail: { big: true } });
    const inv = invocation(t, q, {
      payload: '"transformed"',
      originalEvent: event,
      deadLetterArn: dlq.arn,
      retryPolicy: { MaximumRetryAttempts: 5 },
    });
    const [r] = await create([inv]);
    expect(r!.status).toBe("pending");
    await runDeliver({ deliveryIds: [r!.deliveryId] }, ctx);
    expect(await row(r!.deliveryId)).toMatchObject({ status: "dlq", attempts: 1 });
    const [dead] = await drain(t, dlq);
    expect(dead!.body).toBe(event);
    const attrs = Object.fromEntries(Object.entries(dead!.attributes ?? {}).map(([k, v]) => [k, v.StringValue]));
    expect(attrs).toMatchObject({
      RULE_ARN: inv.sourceArn,
      TARGET_ARN: q.arn,
      ERROR_CODE: "ERROR_FROM_TARGET",
      RETRY_ATTEMPTS: "0",
    });
    expect(attrs.ERROR_MESSAGE).toMatch(/MessageGroupId/);
    expect(attrs).not.toHaveProperty("EXHAUSTED_RETRY_CONDITION");
    const log = await browseAttempts(t.actor, t.tenant, { deliveryId: r!.deliveryId });
    expect(log.items.map((a) => a.outcome).sort()).toEqual(["dlq", "failed"]);
  });

  it("a deleted queue is NO_RESOURCE: no retries; without a dead-letter queue the invocation ends failed", async () => {
    const inv = invocation(t, { arn: `arn:aws:sqs:us-east-1:${t.tenant.accountId}:${uniqueName("gone")}` });
    const [r] = await create([inv]);
    await runDeliver({ deliveryIds: [r!.deliveryId] }, ctx);
    const d = await row(r!.deliveryId);
    expect(d).toMatchObject({ status: "failed", attempts: 1 });
    expect(d.lastError).toMatch(/QueueDoesNotExist.*cannot succeed on retry/);
  });

  it("another tenant's queue: allowed by its Policy for the rule, refused (NO_PERMISSIONS) without it", async () => {
    const owner = await createTestTenant();
    const rule = ruleArn(t, uniqueName("cross"));
    const open = await queue(owner, "shared");
    await setQueueAttributes(owner.actor, owner.tenant.id, open, {
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: open.arn,
            Condition: { ArnEquals: { "aws:SourceArn": rule } },
          },
        ],
      }),
    });
    const closed = await queue(owner, "private");
    const dlq = await queue(t, "xdlq");
    const [ok, refused, otherRule] = await create([
      invocation(t, open, { sourceArn: rule }),
      invocation(t, closed, { sourceArn: rule, deadLetterArn: dlq.arn }),
      invocation(t, open, { sourceArn: ruleArn(t, "not-allowed") }),
    ]);
    expect([ok!.status, refused!.status, otherRule!.status]).toEqual(["succeeded", "pending", "pending"]);
    expect((await drain(owner, open)).length).toBe(1);
    await runDeliver({ deliveryIds: [refused!.deliveryId, otherRule!.deliveryId] }, ctx);
    expect(await row(refused!.deliveryId)).toMatchObject({ status: "dlq" });
    expect(await row(otherRule!.deliveryId)).toMatchObject({ status: "failed" });
    const [dead] = await drain(t, dlq);
    expect(dead!.attributes?.ERROR_CODE?.StringValue).toBe("NO_PERMISSIONS");
    expect(await drain(owner, closed)).toEqual([]);
  });

  it("is idempotent on the dedupe key, across calls and within one", async () => {
    const q = await queue(t, "dedupe");
    const key = `${randomUUID()}:${ruleArn(t)}:t1`;
    const inv = invocation(t, q, { dedupeKey: key });
    const [first, sameCall] = await create([inv, inv]);
    const [second] = await create([inv]);
    expect(first).toMatchObject({ created: true, status: "succeeded" });
    expect(sameCall).toMatchObject({ created: false, deliveryId: first!.deliveryId, status: "succeeded" });
    expect(second).toMatchObject({ created: false, deliveryId: first!.deliveryId, status: "succeeded" });
    expect((await drain(t, q)).length).toBe(1);
    // A repeat of one that was refused inline reports it as it stands: pending.
    const gone = invocation(
      t,
      { arn: `arn:aws:sqs:us-east-1:${t.tenant.accountId}:${uniqueName("nope")}` },
      {
        dedupeKey: randomUUID(),
      },
    );
    const [a, b] = await create([gone, gone]);
    expect([a!.status, b!.status, b!.deliveryId]).toEqual(["pending", "pending", a!.deliveryId]);
  });

  it("refuses a RetryPolicy outside AWS's limits and a kind that takes no invocations", async () => {
    const q = await queue(t, "limits");
    await expect(create([invocation(t, q, { retryPolicy: { MaximumRetryAttempts: 186 } })])).rejects.toMatchObject({
      code: "validation",
      message: "MaximumRetryAttempts must be between 0 and 185.",
    });
    await expect(create([invocation(t, q, { retryPolicy: { MaximumEventAgeInSeconds: 59 } })])).rejects.toMatchObject({
      code: "validation",
    });
    await expect(create([invocation(t, q, { targetKind: "webhook" })])).rejects.toThrow(/takes no invocations/);
  });

  it("resends a failed invocation once its cause is fixed", async () => {
    const owner = await createTestTenant();
    const target = await queue(owner, "later");
    const rule = ruleArn(t, uniqueName("resend"));
    const [r] = await create([invocation(t, target, { sourceArn: rule })]);
    await runDeliver({ deliveryIds: [r!.deliveryId] }, ctx);
    expect(await row(r!.deliveryId)).toMatchObject({ status: "failed" });
    await setQueueAttributes(owner.actor, owner.tenant.id, target, {
      policy: JSON.stringify({
        Statement: [
          { Effect: "Allow", Principal: { AWS: t.tenant.accountId }, Action: "sqs:SendMessage", Resource: "*" },
        ],
      }),
    });
    await resendDelivery(t.actor, t.tenant, r!.deliveryId);
    await runDeliver({ deliveryIds: [r!.deliveryId] }, ctx);
    expect(await row(r!.deliveryId)).toMatchObject({ status: "succeeded", attempts: 2 });
    expect((await drain(owner, target)).length).toBe(1);
  });
});

describe("invocations into topics", () => {
  it("publish to the topic, whose queue subscriber gets the payload", async () => {
    const topic = await createTopic(t.actor, t.tenant, { name: uniqueName("inv-topic") });
    const q = await queue(t, "sub");
    await subscribe(
      t.actor,
      t.tenant,
      { topicArn: topic.arn, protocol: "sqs", endpoint: q.arn, settings: { rawMessageDelivery: true } },
      { baseUrl: "http://127.0.0.1:1" },
    );
    const inv = invocation(t, topic, { targetKind: "topic" });
    const [r] = await create([inv]);
    expect(r!.status).toBe("succeeded");
    expect((await drain(t, q)).map((m) => m.body)).toEqual([inv.payload]);
  });

  it("FIFO topic: needs the group id; with it the event id deduplicates", async () => {
    const topic = await createTopic(t.actor, t.tenant, {
      name: `${uniqueName("inv-fifo")}.fifo`,
      fifoTopic: true,
    });
    const q = await fifoQueue(t, "fifosub");
    await subscribe(
      t.actor,
      t.tenant,
      { topicArn: topic.arn, protocol: "sqs", endpoint: q.arn, settings: { rawMessageDelivery: true } },
      { baseUrl: "http://127.0.0.1:1" },
    );
    const withGroup = invocation(t, topic, { targetKind: "topic", params: { messageGroupId: "g" } });
    const [ok, dup, noGroup] = await create([
      withGroup,
      { ...withGroup, sourceArn: ruleArn(t, "twice") },
      invocation(t, topic, { targetKind: "topic" }),
    ]);
    expect([ok!.status, dup!.status, noGroup!.status]).toEqual(["succeeded", "succeeded", "pending"]);
    expect((await drain(t, q)).map((m) => m.body)).toEqual([withGroup.payload]);
    await runDeliver({ deliveryIds: [noGroup!.deliveryId] }, ctx);
    expect(await row(noGroup!.deliveryId)).toMatchObject({ status: "failed" });
  });

  it("another tenant's topic: allowed by its Policy for the rule, else NO_RESOURCE", async () => {
    const other = await createTestTenant();
    const rule = ruleArn(t, uniqueName("to-topic"));
    const shared = await createTopic(other.actor, other.tenant, { name: uniqueName("shared") });
    await setTopicAttributes(other.actor, other.tenant, shared.arn, {
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: shared.arn,
            Condition: { ArnEquals: { "aws:SourceArn": rule } },
          },
        ],
      }),
    });
    const q = await queue(other, "theirsub");
    await subscribe(
      other.actor,
      other.tenant,
      { topicArn: shared.arn, protocol: "sqs", endpoint: q.arn, settings: { rawMessageDelivery: true } },
      { baseUrl: "http://127.0.0.1:1" },
    );
    const closed = await createTopic(other.actor, other.tenant, { name: uniqueName("theirs") });
    const allowed = invocation(t, shared, { targetKind: "topic", sourceArn: rule });
    const [ok, otherRule, refused] = await create([
      allowed,
      invocation(t, shared, { targetKind: "topic", sourceArn: ruleArn(t, "another") }),
      invocation(t, closed, { targetKind: "topic", sourceArn: rule }),
    ]);
    expect([ok!.status, otherRule!.status, refused!.status]).toEqual(["succeeded", "pending", "pending"]);
    expect((await drain(other, q)).map((m) => m.body)).toEqual([allowed.payload]);
    await runDeliver({ deliveryIds: [refused!.deliveryId] }, ctx);
    expect((await row(refused!.deliveryId)).lastError).toMatch(/NotFound/);
  });
});

describe("invocations in the dashboard", () => {
  it("show by source kind, source ARN and event; tenant deletion removes them", async () => {
    const tt = await createTestTenant();
    const q = await queue(tt, "dash");
    const schedule = `arn:aws:scheduler:us-east-1:${tt.tenant.accountId}:schedule/default/nightly`;
    const [rule] = await create([invocation(tt, q)]);
    const sched = invocation(tt, q, { sourceKind: "schedule", sourceArn: schedule });
    const [s] = await create([sched]);
    const range = { from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000) };
    const all = await deliveryOverview(tt.actor, tt.tenant, range);
    const rules = await deliveryOverview(tt.actor, tt.tenant, { ...range, sourceKind: "rule" });
    const schedules = await deliveryOverview(tt.actor, tt.tenant, { ...range, sourceArn: schedule });
    expect(all.totals.succeeded).toBe(2);
    expect(rules.totals.succeeded).toBe(1);
    expect(schedules.totals.succeeded).toBe(1);
    const rows = await browseDeliveries(tt.actor, tt.tenant, { sourceKind: "schedule" });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: s!.deliveryId,
      sourceArn: schedule,
      targetArn: q.arn,
      targetKind: "queue",
      eventId: sched.eventId,
      topicId: null,
    });
    const byEvent = await browseAttempts(tt.actor, tt.tenant, { eventId: sched.eventId });
    expect(byEvent.items.map((a) => a.deliveryId)).toEqual([s!.deliveryId]);
    expect((await browseAttempts(tt.actor, tt.tenant, { sourceKind: "rule" })).items.map((a) => a.deliveryId)).toEqual([
      rule!.deliveryId,
    ]);
    await deleteTenant(tt.actor, tt.tenant.id, { confirmName: tt.tenant.name });
    const left = await pool().query(`SELECT count(*)::int AS n FROM deliveries WHERE tenant_id = $1`, [tt.tenant.id]);
    expect(left.rows[0].n).toBe(0);
  });
});

describe("bulk resend", () => {
  it("resends the failed invocations of one source kind only", async () => {
    const tt = await createTestTenant();
    const missing = { arn: `arn:aws:sqs:us-east-1:${tt.tenant.accountId}:${uniqueName("later")}` };
    const [rule, sched] = await create([
      invocation(tt, missing),
      invocation(tt, missing, {
        sourceKind: "schedule",
        sourceArn: `arn:aws:scheduler:us-east-1:${tt.tenant.accountId}:schedule/default/s`,
      }),
    ]);
    await runDeliver({ deliveryIds: [rule!.deliveryId, sched!.deliveryId] }, ctx);
    expect((await row(rule!.deliveryId)).status).toBe("failed");
    const { id } = await resendFailed(tt.actor, tt.tenant, {
      since: new Date(Date.now() - 60_000),
      sourceKind: "rule",
    });
    await runResend({ resendId: id, tenantId: tt.tenant.id }, ctx);
    expect(await resendProgress(tt.actor, tt.tenant, id)).toMatchObject({
      status: "finished",
      total: 1,
      done: 1,
      sourceKind: "rule",
    });
    expect((await row(rule!.deliveryId)).status).toBe("pending");
    expect((await row(sched!.deliveryId)).status).toBe("failed");
    // One source by ARN: the schedule's.
    const other = await resendFailed(tt.actor, tt.tenant, {
      since: new Date(Date.now() - 60_000),
      sourceArn: `arn:aws:scheduler:us-east-1:${tt.tenant.accountId}:schedule/default/s`,
    });
    await runResend({ resendId: other.id, tenantId: tt.tenant.id }, ctx);
    expect((await row(sched!.deliveryId)).status).toBe("pending");
  });
});

describe("a workflow Task's calls are never resent", () => {
  it("refuses one by id and in bulk, and a bulk resend of everything passes over them", async () => {
    const tt = await createTestTenant();
    const executionArn = `arn:aws:states:us-east-1:${tt.tenant.accountId}:execution:sm:${randomUUID()}`;
    await recordWorkflowAttempt({
      tenantId: tt.tenant.id,
      stateMachineArn: `arn:aws:states:us-east-1:${tt.tenant.accountId}:stateMachine:sm`,
      executionArn,
      targetKind: "function",
      targetArn: `arn:aws:lambda:us-east-1:${tt.tenant.accountId}:function:f`,
      requestBody: "{}",
      outcome: "failed",
      startedAt: new Date(),
      durationMs: 3,
      error: "boom",
    });
    const wf = (
      await pool().query<{ id: string }>(`SELECT id FROM deliveries WHERE tenant_id = $1 AND event_id = $2`, [
        tt.tenant.id,
        executionArn,
      ])
    ).rows[0]!.id;
    const missing = { arn: `arn:aws:sqs:us-east-1:${tt.tenant.accountId}:${uniqueName("later")}` };
    const [rule] = await create([invocation(tt, missing)]);
    await runDeliver({ deliveryIds: [rule!.deliveryId] }, ctx);
    expect((await row(rule!.deliveryId)).status).toBe("failed");
    expect((await row(wf)).status).toBe("failed");

    await expect(resendDelivery(tt.actor, tt.tenant, wf)).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringMatching(/workflow tasks cannot be resent/),
    });
    await expect(
      resendFailed(tt.actor, tt.tenant, { since: new Date(Date.now() - 60_000), sourceKind: "workflow" }),
    ).rejects.toMatchObject({ code: "validation", fieldErrors: { sourceKind: [expect.any(String)] } });
    const resends = await pool().query(`SELECT count(*)::int AS n FROM delivery_resends WHERE tenant_id = $1`, [
      tt.tenant.id,
    ]);
    expect(resends.rows[0].n).toBe(0);

    const { id } = await resendFailed(tt.actor, tt.tenant, { since: new Date(Date.now() - 60_000) });
    await runResend({ resendId: id, tenantId: tt.tenant.id }, ctx);
    expect(await resendProgress(tt.actor, tt.tenant, id)).toMatchObject({ status: "finished", total: 1, done: 1 });
    expect((await row(rule!.deliveryId)).status).toBe("pending");
    expect((await row(wf)).status).toBe("failed");
  });
});

describe("retention", () => {
  it("deletes finished invocations (and their attempts) past the retention, keeps the rest", async () => {
    const q = await queue(t, "retention");
    const [old, recent] = await create([invocation(t, q), invocation(t, q)]);
    const [open] = await create([
      invocation(t, { arn: `arn:aws:sqs:us-east-1:${t.tenant.accountId}:${uniqueName("none")}` }),
    ]);
    await pool().query(
      `UPDATE deliveries SET created_at = now() - interval '30 days', completed_at = now() - interval '30 days' WHERE id = $1`,
      [old!.deliveryId],
    );
    await pool().query(`UPDATE deliveries SET created_at = now() - interval '30 days' WHERE id = $1`, [
      open!.deliveryId,
    ]);
    expect(await deleteOldInvocations(pool(), 14, 1000)).toBeGreaterThanOrEqual(1);
    const left = await pool().query(`SELECT id FROM deliveries WHERE id = ANY($1::text[])`, [
      [old!.deliveryId, recent!.deliveryId, open!.deliveryId],
    ]);
    expect(left.rows.map((r) => r.id).sort()).toEqual([recent!.deliveryId, open!.deliveryId].sort());
    const attempts = await pool().query(`SELECT count(*)::int AS n FROM delivery_attempts WHERE delivery_id = $1`, [
      old!.deliveryId,
    ]);
    expect(attempts.rows[0].n).toBe(0);
  });
});

describe("delivery jobs", () => {
  it("a deliver job for an invocation already delivered does nothing (at-least-once jobs)", async () => {
    const q = await queue(t, "once");
    const [r] = await create([invocation(t, q)]);
    await runDeliver({ deliveryIds: [r!.deliveryId] }, ctx);
    await runDeliver({ deliveryIds: [r!.deliveryId] }, ctx);
    expect(await row(r!.deliveryId)).toMatchObject({ status: "succeeded", attempts: 1 });
    expect((await drain(t, q)).length).toBe(1);
  });
});

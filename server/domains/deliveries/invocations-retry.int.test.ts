import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { ensureQueues } from "../../jobs/boss";
import { pool, withTransaction } from "../../db";
import { logger } from "../../logger";
import { createTestTenant, uniqueName, type TestTenant } from "../../../tests/helpers/fixtures";
import { createQueue } from "../queues/queue.service";
import { receiveMessages } from "../queues/receive";
import type { QueueRow } from "../queues/queue.repository";
import { deliveryJobs } from "./delivery.jobs";
import { createInvocations, type Invocation } from "./invocations";
import { runDeliver } from "./deliver";
import { browseAttempts } from "./delivery.service";
import type { InvocationInput, RemoteTarget, TargetKindName } from "./targets/target";

// AWS's retry policy on the engine's real path (jobs' handlers called directly, real queues for
// the dead-letter queue). The target is a remote kind defined here whose endpoint answers as the
// test says (a function or an API destination would be one; theirs are other modules): the
// registry is extended with it, everything else is the real engine.

const endpoint = vi.hoisted(() => ({
  failuresLeft: 0,
  throttledOnce: new Set<string>(),
  calls: [] as Array<{ id: string; at: number }>,
  payloads: [] as Array<{ id: string; payload: string }>,
}));

vi.mock("./targets/registry", async (importOriginal) => {
  const real = await importOriginal<typeof import("./targets/registry")>();
  const flaky: RemoteTarget = {
    kind: "flaky" as TargetKindName,
    mode: "remote",
    protocols: [],
    autoDisable: false,
    async invocationRate(i: InvocationInput) {
      const perSecond = i.invocation.params.perSecond;
      return typeof perSecond === "number" ? { key: `flaky:${i.invocation.targetArn}`, perSecond } : null;
    },
    async invoke(i: InvocationInput) {
      endpoint.calls.push({ id: i.delivery.id, at: Date.now() });
      endpoint.payloads.push({ id: i.delivery.id, payload: i.invocation.payload });
      if (i.invocation.params.throttleOnce && !endpoint.throttledOnce.has(i.delivery.id)) {
        endpoint.throttledOnce.add(i.delivery.id);
        return {
          result: "retryable",
          error: "HTTP 429",
          statusCode: 429,
          throttled: true,
          record: { responseStatus: 429 },
        };
      }
      if (i.invocation.params.alwaysFail || endpoint.failuresLeft-- > 0)
        return {
          result: "retryable",
          error: "HTTP 503",
          statusCode: 503,
          errorCode: "ERROR_FROM_TARGET",
          record: { responseStatus: 503 },
        };
      return { result: "success", error: null, statusCode: 200, record: { responseStatus: 200 } };
    },
  };
  return {
    ...real,
    invocationKind: (k: TargetKindName) => (k === ("flaky" as TargetKindName) ? flaky : real.invocationKind(k)),
  };
});

const ctx = { jobId: "test", log: logger, retryCount: 0 };
let t: TestTenant;
let dlq: QueueRow;

beforeAll(async () => {
  await ensureQueues(deliveryJobs);
  t = await createTestTenant();
  dlq = (await createQueue(t.actor, t.tenant.id, { name: uniqueName("retry-dlq") })).queue;
});

function invocation(over: Partial<Invocation> = {}): Invocation {
  return {
    tenantId: t.tenant.id,
    sourceKind: "rule",
    sourceArn: `arn:aws:events:us-east-1:${t.tenant.accountId}:rule/${uniqueName("r")}`,
    targetKind: "flaky" as TargetKindName,
    targetArn: `arn:aws:lambda:us-east-1:${t.tenant.accountId}:function:${uniqueName("fn")}`,
    payload: JSON.stringify({ id: randomUUID() }),
    eventId: randomUUID(),
    deadLetterArn: dlq.arn,
    ...over,
  };
}

const create = async (inv: Invocation) => (await withTransaction((tx) => createInvocations(tx, [inv])))[0]!;
const row = async (id: string) =>
  (
    await pool().query(`SELECT status, attempts, next_attempt_at AS "nextAttemptAt" FROM deliveries WHERE id = $1`, [
      id,
    ])
  ).rows[0];
/** The retry was scheduled with backoff: make it due now instead of waiting. */
const dueNow = (id: string) => pool().query(`UPDATE deliveries SET next_attempt_at = now() WHERE id = $1`, [id]);
const callsOf = (id: string) => endpoint.calls.filter((c) => c.id === id).length;

async function deadLetterFor(targetArn: string) {
  const got = await receiveMessages(t.actor, t.tenant.id, dlq, { maxMessages: 10, visibilityTimeout: 0 });
  const m = got.find((x) => x.attributes?.TARGET_ARN?.StringValue === targetArn);
  if (!m) throw new Error(`no dead letter for ${targetArn}`);
  return {
    body: m.body,
    attributes: Object.fromEntries(Object.entries(m.attributes ?? {}).map(([k, v]) => [k, v.StringValue])),
  };
}

describe("AWS retry policy", () => {
  it("retries with backoff until MaximumRetryAttempts, then dead-letters with AWS's attributes", async () => {
    const inv = invocation({ params: { alwaysFail: true }, retryPolicy: { MaximumRetryAttempts: 2 } });
    const r = await create(inv);
    expect(r.status).toBe("pending");
    for (let i = 1; i <= 2; i++) {
      await runDeliver({ deliveryIds: [r.deliveryId] }, ctx);
      const d = await row(r.deliveryId);
      expect(d).toMatchObject({ status: "retrying", attempts: i });
      expect(new Date(d.nextAttemptAt).getTime()).toBeGreaterThan(Date.now());
      await dueNow(r.deliveryId);
    }
    await runDeliver({ deliveryIds: [r.deliveryId] }, ctx);
    expect(await row(r.deliveryId)).toMatchObject({ status: "dlq", attempts: 3 });
    expect(callsOf(r.deliveryId)).toBe(3);
    const dead = await deadLetterFor(inv.targetArn);
    expect(dead.body).toBe(inv.payload);
    expect(dead.attributes).toEqual({
      RULE_ARN: inv.sourceArn,
      TARGET_ARN: inv.targetArn,
      ERROR_CODE: "ERROR_FROM_TARGET",
      ERROR_MESSAGE: "HTTP 503",
      EXHAUSTED_RETRY_CONDITION: "MaximumRetryAttempts",
      RETRY_ATTEMPTS: "2",
    });
    const log = await browseAttempts(t.actor, t.tenant, { deliveryId: r.deliveryId });
    expect(log.items.map((a) => a.outcome)).toEqual(["dlq", "failed", "failed", "failed"]);
    expect(log.items.filter((a) => a.nextRetryAt !== null)).toHaveLength(2);
  });

  it("succeeds on a retry", async () => {
    endpoint.failuresLeft = 1;
    const r = await create(invocation());
    await runDeliver({ deliveryIds: [r.deliveryId] }, ctx);
    expect(await row(r.deliveryId)).toMatchObject({ status: "retrying" });
    await dueNow(r.deliveryId);
    await runDeliver({ deliveryIds: [r.deliveryId] }, ctx);
    expect(await row(r.deliveryId)).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("a schedule's <aws.scheduler.attempt-number> is each attempt's number, not always 1", async () => {
    endpoint.failuresLeft = 2;
    const r = await create(
      invocation({
        sourceKind: "schedule",
        payload: '{"attempt":<aws.scheduler.attempt-number>,"note":"try <aws.scheduler.attempt-number>"}',
        params: { attemptNumber: true },
      }),
    );
    for (let i = 0; i < 3; i++) {
      await runDeliver({ deliveryIds: [r.deliveryId] }, ctx);
      await dueNow(r.deliveryId);
    }
    expect(await row(r.deliveryId)).toMatchObject({ status: "succeeded", attempts: 3 });
    const sent = endpoint.payloads.filter((p) => p.id === r.deliveryId).map((p) => JSON.parse(p.payload));
    expect(sent).toEqual([
      { attempt: 1, note: "try 1" },
      { attempt: 2, note: "try 2" },
      { attempt: 3, note: "try 3" },
    ]);
  });

  it("stops at MaximumEventAgeInSeconds: no retry past the event's age", async () => {
    // 59.5 s old with a 60 s limit: the first retry would come too late.
    const inv = invocation({
      params: { alwaysFail: true },
      eventTime: new Date(Date.now() - 59_500),
      retryPolicy: { MaximumEventAgeInSeconds: 60 },
    });
    const r = await create(inv);
    await runDeliver({ deliveryIds: [r.deliveryId] }, ctx);
    expect(await row(r.deliveryId)).toMatchObject({ status: "dlq", attempts: 1 });
    expect((await deadLetterFor(inv.targetArn)).attributes).toMatchObject({
      EXHAUSTED_RETRY_CONDITION: "MaximumEventAgeInSeconds",
      RETRY_ATTEMPTS: "0",
    });
  });

  it("an event already too old is not attempted at all", async () => {
    const inv = invocation({
      eventTime: new Date(Date.now() - 120_000),
      retryPolicy: { MaximumEventAgeInSeconds: 60 },
    });
    const r = await create(inv);
    await runDeliver({ deliveryIds: [r.deliveryId] }, ctx);
    expect(callsOf(r.deliveryId)).toBe(0);
    expect(await row(r.deliveryId)).toMatchObject({ status: "dlq" });
    expect((await deadLetterFor(inv.targetArn)).attributes.EXHAUSTED_RETRY_CONDITION).toBe("MaximumEventAgeInSeconds");
    const log = await browseAttempts(t.actor, t.tenant, { deliveryId: r.deliveryId });
    expect(log.items.map((a) => a.outcome)).toEqual(["dlq", "skipped"]);
  });

  it("a throttle is retried without using up MaximumRetryAttempts", async () => {
    const r = await create(invocation({ params: { throttleOnce: true }, retryPolicy: { MaximumRetryAttempts: 0 } }));
    await runDeliver({ deliveryIds: [r.deliveryId] }, ctx);
    expect(await row(r.deliveryId)).toMatchObject({ status: "retrying", attempts: 0 });
    await dueNow(r.deliveryId);
    await runDeliver({ deliveryIds: [r.deliveryId] }, ctx);
    expect(await row(r.deliveryId)).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(callsOf(r.deliveryId)).toBe(2);
  });

  it("without a dead-letter queue the invocation ends failed", async () => {
    const r = await create(
      invocation({ deadLetterArn: null, params: { alwaysFail: true }, retryPolicy: { MaximumRetryAttempts: 0 } }),
    );
    await runDeliver({ deliveryIds: [r.deliveryId] }, ctx);
    expect(await row(r.deliveryId)).toMatchObject({ status: "failed", attempts: 1 });
  });

  it("a schedule's dead letter carries Scheduler's attributes and the input as body", async () => {
    const scheduleArn = `arn:aws:scheduler:us-east-1:${t.tenant.accountId}:schedule/default/${uniqueName("s")}`;
    const fire = new Date(Date.now() - 1000);
    const inv = invocation({
      sourceKind: "schedule",
      sourceArn: scheduleArn,
      eventTime: fire,
      params: { alwaysFail: true },
      retryPolicy: { MaximumRetryAttempts: 0 },
    });
    const r = await create(inv);
    await runDeliver({ deliveryIds: [r.deliveryId] }, ctx);
    const dead = await deadLetterFor(inv.targetArn);
    expect(dead.body).toBe(inv.payload);
    expect(dead.attributes).toEqual({
      ERROR_CODE: "ERROR_FROM_TARGET",
      ERROR_MESSAGE: "HTTP 503",
      EXECUTION_ID: r.deliveryId,
      EXHAUSTED_RETRY_CONDITION: "MaximumRetryAttempts",
      IS_PAYLOAD_TRUNCATED: "false",
      RETRY_ATTEMPTS: "0",
      SCHEDULED_TIME: fire.toISOString().replace(/\.\d{3}Z$/, "Z"),
      SCHEDULE_ARN: scheduleArn,
      TARGET_ARN: inv.targetArn,
    });
  });

  it("holds an invocation target to its per-second limit across deliveries", async () => {
    const targetArn = `arn:aws:events:us-east-1:${t.tenant.accountId}:api-destination/${uniqueName("d")}/x`;
    const rs = await withTransaction((tx) =>
      createInvocations(tx, [
        invocation({ targetArn, params: { perSecond: 1 } }),
        invocation({ targetArn, params: { perSecond: 1 } }),
      ]),
    );
    await runDeliver({ deliveryIds: rs.map((r) => r.deliveryId) }, ctx);
    for (const r of rs) expect(await row(r.deliveryId)).toMatchObject({ status: "succeeded" });
    const seconds = rs.map((r) => Math.floor(endpoint.calls.find((c) => c.id === r.deliveryId)!.at / 1000));
    expect(new Set(seconds).size).toBe(2);
  });
});

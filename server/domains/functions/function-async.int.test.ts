import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool, withTransaction } from "../../db";
import { logger } from "../../logger";
import { BOSS_SCHEMA, stopBoss } from "../../jobs/boss";
import { createTestTenant, type TestTenant } from "../../../tests/helpers/fixtures";
import { startFunctionReceiver } from "../../../tests/helpers/function-receiver";
import { runDeliver } from "../deliveries/deliver";
import { createInvocations } from "../deliveries/invocations";
import { createQueue } from "../queues/queue.service";
import { createConnection } from "../connections/connection.service";
import { createApiDestination } from "../connections/api-destination.service";
import { createFunction } from "./function.service";
import { invokeFunction } from "./function.invoke";
import { runFailureRecord } from "./function.destination";

// Asynchronous Invoke and the `function` / `api-destination` target kinds through the delivery
// engine (runDeliver, as the deliver job runs it), against the real database and local services.

const ctx = { jobId: "test", log: logger, retryCount: 0 };
let t: TestTenant;
let svc: Awaited<ReturnType<typeof startFunctionReceiver>>;
let api: http.Server;
let apiUrl = "";
const apiHits: Array<{ url: string; headers: http.IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
  t = await createTestTenant();
  svc = await startFunctionReceiver((event, hit) => {
    if (hit.path === "/fail")
      return {
        headers: { "x-amz-function-error": "Unhandled" },
        body: JSON.stringify({ errorType: "Boom", errorMessage: "always fails" }),
      };
    return { body: JSON.stringify({ ok: true, event }) };
  });
  api = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      apiHits.push({ url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(req.url!.startsWith("/bad") ? 400 : 200);
      res.end("{}");
    });
  });
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
  apiUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
});
afterAll(async () => {
  await svc?.close();
  api?.closeAllConnections();
  await new Promise((r) => api?.close(r));
  await stopBoss();
});

const caller = () => ({ actor: t.actor, tenant: t.tenant });

async function deliveryOf(eventId: string) {
  const r = await pool().query(
    `SELECT id, status, attempts, source_kind, target_kind, last_error FROM deliveries WHERE tenant_id = $1 AND event_id = $2`,
    [t.tenant.id, eventId],
  );
  return r.rows[0];
}

async function runDue(id: string) {
  await pool().query(`UPDATE deliveries SET next_attempt_at = now() WHERE id = $1`, [id]);
  await runDeliver({ deliveryIds: [id] }, ctx);
}

describe("asynchronous Invoke", () => {
  it("queues the invocation (202) and the engine delivers it, signed, with the delivery id as request id", async () => {
    const { secret } = await createFunction(t.actor, t.tenant, { name: "async-ok", url: `${svc.url}/ok` });
    svc.secrets.set("/ok", secret);
    const r = await invokeFunction(caller(), "async-ok", '{"n":7}', { invocationType: "Event", requestId: "ev-ok-1" });
    expect(r.statusCode).toBe(202);
    const d = await deliveryOf("ev-ok-1");
    expect(d).toMatchObject({ status: "pending", source_kind: "function", target_kind: "function" });
    await runDeliver({ deliveryIds: [d.id] }, ctx);
    expect((await deliveryOf("ev-ok-1")).status).toBe("succeeded");
    const hit = svc.hits.find((h) => h.headers["webhook-id"] === d.id)!;
    expect(hit.signatureValid).toBe(true);
    expect(JSON.parse(hit.body)).toEqual({ n: 7 });
    expect(hit.headers["lambda-runtime-aws-request-id"]).toBe(d.id);
  });

  it("retries function errors MaximumRetryAttempts times, then sends Lambda's invocation record to the on-failure queue", async () => {
    const { queue } = await createQueue(t.actor, t.tenant.id, { name: "fn-failures" });
    await createFunction(t.actor, t.tenant, {
      name: "async-fail",
      url: `${svc.url}/fail`,
      maximumRetryAttempts: 1,
      onFailureDestination: queue.arn,
    });
    await invokeFunction(caller(), "async-fail", '{"order":1}', { invocationType: "Event", requestId: "ev-fail-1" });
    const d = await deliveryOf("ev-fail-1");
    await runDeliver({ deliveryIds: [d.id] }, ctx);
    expect(await deliveryOf("ev-fail-1")).toMatchObject({ status: "retrying", attempts: 1 });
    await runDue(d.id);
    const done = await deliveryOf("ev-fail-1");
    expect(done.status).toBe("failed");
    expect(done.last_error).toContain("RetriesExhausted");
    expect(svc.hits.filter((h) => h.headers["webhook-id"] === d.id)).toHaveLength(2);

    // The record job was enqueued once; run it as the worker would.
    const jobs = await pool().query(
      `SELECT data FROM ${BOSS_SCHEMA}.job WHERE name = 'functions.failure-record' AND data->>'deliveryId' = $1`,
      [d.id],
    );
    expect(jobs.rows).toHaveLength(1);
    await runFailureRecord(jobs.rows[0].data, ctx);
    await runFailureRecord(jobs.rows[0].data, ctx); // at-least-once: still one record
    const msgs = await pool().query(`SELECT body FROM queue_messages WHERE queue_id = $1`, [queue.id]);
    expect(msgs.rows).toHaveLength(1);
    const record = JSON.parse(msgs.rows[0].body);
    expect(record).toMatchObject({
      version: "1.0",
      requestContext: {
        requestId: d.id,
        functionArn: `arn:aws:lambda:us-east-1:${t.tenant.accountId}:function:async-fail:$LATEST`,
        condition: "RetriesExhausted",
        approximateInvokeCount: 2,
      },
      requestPayload: { order: 1 },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      responsePayload: { errorType: "Boom", errorMessage: "always fails" },
    });
  });

  it("an event bus on-failure destination gets Lambda's failure event", async () => {
    const bus = `arn:aws:events:us-east-1:${t.tenant.accountId}:event-bus/default`;
    await createFunction(t.actor, t.tenant, {
      name: "async-fail-bus",
      url: `${svc.url}/fail`,
      maximumRetryAttempts: 0,
      onFailureDestination: bus,
    });
    await invokeFunction(caller(), "async-fail-bus", '{"k":1}', { invocationType: "Event", requestId: "ev-fail-bus" });
    const d = await deliveryOf("ev-fail-bus");
    await runDeliver({ deliveryIds: [d.id] }, ctx);
    expect((await deliveryOf("ev-fail-bus")).status).toBe("failed");
    const jobs = await pool().query(
      `SELECT data FROM ${BOSS_SCHEMA}.job WHERE name = 'functions.failure-record' AND data->>'deliveryId' = $1`,
      [d.id],
    );
    await runFailureRecord(jobs.rows[0].data, ctx);
    const ev = await pool().query(
      `SELECT envelope FROM events WHERE tenant_id = $1 AND source = 'lambda' AND detail_type = $2`,
      [t.tenant.id, "Lambda Function Invocation Result - Failure"],
    );
    expect(ev.rows).toHaveLength(1);
    const envelope = JSON.parse(ev.rows[0].envelope);
    expect(envelope.resources).toEqual([`arn:aws:lambda:us-east-1:${t.tenant.accountId}:function:async-fail-bus`]);
    expect(envelope.detail).toMatchObject({
      requestContext: { condition: "RetriesExhausted" },
      requestPayload: { k: 1 },
    });
  });

  it("retries a throttled invocation without counting it as a function error", async () => {
    await createFunction(t.actor, t.tenant, {
      name: "async-throttled",
      url: `${svc.url}/ok`,
      reservedConcurrency: 0,
      maximumRetryAttempts: 0,
    });
    await invokeFunction(caller(), "async-throttled", "{}", { invocationType: "Event", requestId: "ev-thr-1" });
    const d = await deliveryOf("ev-thr-1");
    await runDeliver({ deliveryIds: [d.id] }, ctx);
    await runDue(d.id);
    const after = await deliveryOf("ev-thr-1");
    expect(after).toMatchObject({ status: "retrying", attempts: 2 });
    expect(after.last_error).toMatch(/^Throttled/);
  });
});

describe("function and api-destination target kinds for rules", () => {
  it("a rule's function target: a missing function is permanent (NO_RESOURCE)", async () => {
    const arn = `arn:aws:lambda:us-east-1:${t.tenant.accountId}:function:never-made`;
    const [res] = await withTransaction((tx) =>
      createInvocations(tx, [
        {
          tenantId: t.tenant.id,
          sourceKind: "rule",
          sourceArn: `arn:aws:events:us-east-1:${t.tenant.accountId}:rule/r1`,
          targetKind: "function",
          targetArn: arn,
          payload: "{}",
          eventId: "ev-rule-missing",
          retryPolicy: { MaximumRetryAttempts: 3 },
        },
      ]),
    );
    await runDeliver({ deliveryIds: [res!.deliveryId] }, ctx);
    const d = await deliveryOf("ev-rule-missing");
    expect(d.status).toBe("failed");
    expect(d.attempts).toBe(1);
  });

  it("a rule's API destination target: the connection's auth and the target's HttpParameters; 4xx is permanent", async () => {
    const c = await createConnection(t.actor, t.tenant, {
      name: "eng-conn",
      authorizationType: "BASIC",
      authParameters: { BasicAuthParameters: { Username: "u", Password: "pw" } },
    });
    const dest = await createApiDestination(t.actor, t.tenant, {
      name: "eng-dest",
      connectionArn: c.arn,
      invocationEndpoint: `${apiUrl}/*/hook`,
      httpMethod: "POST",
      invocationRateLimitPerSecond: 10,
    });
    const invoke = (eventId: string, first: string) =>
      withTransaction((tx) =>
        createInvocations(tx, [
          {
            tenantId: t.tenant.id,
            sourceKind: "rule",
            sourceArn: `arn:aws:events:us-east-1:${t.tenant.accountId}:rule/r2`,
            targetKind: "api-destination",
            targetArn: dest.arn,
            payload: '{"detail":{}}',
            params: { httpParameters: { PathParameterValues: [first], HeaderParameters: { "X-Rule": "r2" } } },
            eventId,
          },
        ]),
      );
    const [ok] = await invoke("ev-api-ok", "good");
    await runDeliver({ deliveryIds: [ok!.deliveryId] }, ctx);
    expect((await deliveryOf("ev-api-ok")).status).toBe("succeeded");
    const hit = apiHits.find((h) => h.url === "/good/hook")!;
    expect(hit.headers.authorization).toBe(`Basic ${Buffer.from("u:pw").toString("base64")}`);
    expect(hit.headers["x-rule"]).toBe("r2");
    const logged = await pool().query(`SELECT request_headers FROM delivery_attempts WHERE delivery_id = $1`, [
      ok!.deliveryId,
    ]);
    expect(logged.rows[0].request_headers.authorization).toBe("(redacted)");

    const [bad] = await invoke("ev-api-bad", "bad");
    await runDeliver({ deliveryIds: [bad!.deliveryId] }, ctx);
    expect(await deliveryOf("ev-api-bad")).toMatchObject({ status: "failed", attempts: 1 });
  });
});

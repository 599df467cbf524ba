import { describe, expect, it } from "vitest";
import { pool, withTransaction } from "../../db";
import { createTestTenant, uniqueName, type TestTenant } from "../../../tests/helpers/fixtures";
import { createQueue } from "../queues/queue.service";
import { putRule } from "../events/rule.service";
import { putTargets } from "../events/target.service";
import { routePendingEvents } from "../events/event-router";
import { MAX_PUT_EVENTS_BYTES, putEventsEntrySize } from "../../core/events/envelope";
import {
  emitExecutionStatusChange,
  executionStatusDetail,
  executionStatusEntry,
  type ExecutionStatusRecord,
} from "./status-events";

// Status-change events against real PostgreSQL: emitted in the caller's transaction on the
// tenant's default bus (committed with it, gone with a rollback), routed like any accepted event,
// so a rule with AWS's documented pattern catches them.

const callerOf = (t: TestTenant) => ({ tenantId: t.tenant.id, accountId: t.tenant.accountId });

function execution(t: TestTenant, over: Partial<ExecutionStatusRecord> = {}): ExecutionStatusRecord {
  const sm = `arn:aws:states:us-east-1:${t.tenant.accountId}:stateMachine:orders`;
  const name = uniqueName("run");
  return {
    tenantId: t.tenant.id,
    executionArn: `arn:aws:states:us-east-1:${t.tenant.accountId}:execution:orders:${name}`,
    stateMachineArn: sm,
    name,
    status: "SUCCEEDED",
    type: "STANDARD",
    startDate: new Date("2026-12-03T10:00:00.000Z"),
    stopDate: new Date("2026-12-03T10:00:02.500Z"),
    input: '{"order":1}',
    output: '{"ok":true}',
    error: null,
    cause: null,
    ...over,
  };
}

async function bodies(queueId: string): Promise<Array<Record<string, unknown>>> {
  const r = await pool().query(`SELECT body FROM queue_messages WHERE queue_id = $1 ORDER BY sent_at`, [queueId]);
  return r.rows.map((x: { body: string }) => JSON.parse(x.body) as Record<string, unknown>);
}

async function ruleToQueue(t: TestTenant, pattern: unknown) {
  const { queue } = await createQueue(t.actor, t.tenant.id, { name: uniqueName("q") });
  const rule = uniqueName("r");
  await putRule(t.actor, callerOf(t), { name: rule, eventPattern: JSON.stringify(pattern) });
  await putTargets(t.actor, callerOf(t), { rule, targets: [{ Id: "q", Arn: queue.arn }] });
  return queue;
}

describe("execution status change events", () => {
  it("a rule on the default bus catches a SUCCEEDED execution's event in AWS's shape", async () => {
    const t = await createTestTenant();
    const q = await ruleToQueue(t, {
      source: ["aws.states"],
      "detail-type": ["Step Functions Execution Status Change"],
      detail: { status: ["SUCCEEDED", "FAILED"] },
    });
    const e = execution(t);
    const id = await withTransaction((tx) => emitExecutionStatusChange(tx, e));
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    // RUNNING does not match the pattern: only the SUCCEEDED event arrives.
    await withTransaction((tx) => emitExecutionStatusChange(tx, execution(t, { status: "RUNNING", stopDate: null })));
    await routePendingEvents();
    const got = await bodies(q.id);
    expect(got).toHaveLength(1);
    const ev = got[0]!;
    expect(ev.id).toBe(id);
    expect(ev.source).toBe("aws.states");
    expect(ev["detail-type"]).toBe("Step Functions Execution Status Change");
    expect(ev.account).toBe(t.tenant.accountId);
    expect(ev.resources).toEqual([e.executionArn]);
    expect(ev.time).toBe("2026-12-03T10:00:02Z");
    expect(ev.detail).toEqual({
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: "SUCCEEDED",
      startDate: Date.parse("2026-12-03T10:00:00.000Z"),
      stopDate: Date.parse("2026-12-03T10:00:02.500Z"),
      input: '{"order":1}',
      output: '{"ok":true}',
      stateMachineVersionArn: null,
      stateMachineAliasArn: null,
      redriveCount: 0,
      redriveDate: null,
      redriveStatus: "NOT_REDRIVABLE",
      redriveStatusReason: "Execution is SUCCEEDED and cannot be redriven",
      inputDetails: { included: true },
      outputDetails: { included: true },
      error: null,
      cause: null,
    });
    expect(Object.keys(ev.detail as object)[0]).toBe("executionArn");
  });

  it("commits with the caller's transaction only; EXPRESS executions send nothing", async () => {
    const t = await createTestTenant();
    const q = await ruleToQueue(t, { source: ["aws.states"] });
    await withTransaction(async (tx) => {
      await emitExecutionStatusChange(tx, execution(t, { status: "FAILED", error: "Boom", cause: "bad" }));
      throw new Error("rolled back");
    }).catch(() => undefined);
    expect(await withTransaction((tx) => emitExecutionStatusChange(tx, execution(t, { type: "EXPRESS" })))).toBeNull();
    const failed = execution(t, { status: "FAILED", error: "Boom", cause: "bad", output: null });
    await withTransaction((tx) => emitExecutionStatusChange(tx, failed));
    await routePendingEvents();
    const got = await bodies(q.id);
    expect(got).toHaveLength(1);
    const d = got[0]!.detail as Record<string, unknown>;
    expect(d.executionArn).toBe(failed.executionArn);
    expect(d).toMatchObject({
      status: "FAILED",
      error: "Boom",
      cause: "bad",
      output: null,
      outputDetails: null,
      redriveStatus: "REDRIVABLE",
      redriveStatusReason: null,
    });
  });

  it("a first event whose transaction rolls back leaves no default bus behind for the next", async () => {
    // A tenant without a default bus yet: the first emit creates it inside its transaction. The
    // bus cache must not hand that uncommitted row to the next emit (a foreign-key failure).
    const t = await createTestTenant();
    await withTransaction(async (tx) => {
      expect(await emitExecutionStatusChange(tx, execution(t))).not.toBeNull();
      throw new Error("rolled back");
    }).catch(() => undefined);
    const id = await withTransaction((tx) => emitExecutionStatusChange(tx, execution(t)));
    const r = await pool().query(
      `SELECT b.name FROM events e JOIN event_buses b ON b.id = e.bus_id WHERE e.id = $1 AND b.tenant_id = $2`,
      [id, t.tenant.id],
    );
    expect(r.rows).toEqual([{ name: "default" }]);
  });

  it("leaves out an input too large for an event and says so", () => {
    const big = JSON.stringify({ blob: "x".repeat(250 * 1024) });
    const d = executionStatusDetail({
      tenantId: "t",
      executionArn: "arn:aws:states:us-east-1:123456789012:execution:sm:e",
      stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:sm",
      name: "e",
      status: "RUNNING",
      startDate: new Date(0),
      input: big,
    });
    expect(d.input).toBeNull();
    expect(d.inputDetails).toEqual({ included: false });
    expect(d.stopDate).toBeNull();
    expect(d.redriveStatusReason).toBe("Execution is RUNNING and cannot be redriven");
  });

  it("a long cause next to large data still fits one event (data left out first)", () => {
    const e: ExecutionStatusRecord = {
      tenantId: "t",
      executionArn: "arn:aws:states:us-east-1:123456789012:execution:sm:e",
      stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:sm",
      name: "e",
      status: "FAILED",
      startDate: new Date(0),
      stopDate: new Date(1000),
      input: JSON.stringify({ blob: "x".repeat(235 * 1024) }),
      error: "Big",
      cause: "c".repeat(32 * 1024),
    };
    const entry = executionStatusEntry(e);
    expect(putEventsEntrySize(entry)).toBeLessThanOrEqual(MAX_PUT_EVENTS_BYTES);
    const d = JSON.parse(entry.Detail!) as Record<string, unknown>;
    expect(d).toMatchObject({ input: null, inputDetails: { included: false }, cause: "c".repeat(32 * 1024) });
  });
});

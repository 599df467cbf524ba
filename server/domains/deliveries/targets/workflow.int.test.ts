import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool, withTransaction } from "../../../db";
import { stopBoss } from "../../../jobs/boss";
import { isAppError } from "../../../core/errors";
import { createTestTenant, uniqueName, type TestTenant } from "../../../../tests/helpers/fixtures";
import { insertStateMachine, waitForExecution } from "../../../../tests/helpers/workflows";
import { createQueue } from "../../queues/queue.service";
import { putRule } from "../../events/rule.service";
import { putTargets } from "../../events/target.service";
import { putEvents } from "../../events/put-events";
import { routePendingEvents } from "../../events/event-router";
import * as schedules from "../../schedules/schedule.service";
import { runFireSchedule } from "../../schedules/schedule.fire";
import { startExecutionRunner, type Runner } from "../../workflows/executor/runner";
import { startExecution } from "../../workflows/start";
import { createInvocations } from "../invocations";
import { runDeliver } from "../deliver";
import { logger } from "../../../logger";
import { workflowTarget } from "./workflow";

// State machines as rule and schedule targets, end to end against real PostgreSQL and the real
// executor: a matching event starts one execution (once however often it is delivered), a
// schedule's fire starts one, and a rule on the default bus catches an execution's status change.

const ROLE = "arn:aws:iam::123456789012:role/events-invoke-sfn";
const PASS = { StartAt: "P", States: { P: { Type: "Pass", End: true } } };

let t: TestTenant;
let runner: Runner;
const callerOf = (x: TestTenant) => ({ tenantId: x.tenant.id, accountId: x.tenant.accountId });

beforeAll(async () => {
  t = await createTestTenant();
  runner = await startExecutionRunner();
});
afterAll(async () => {
  await runner?.stop();
  await pool().query(`DELETE FROM timers WHERE tenant_id = $1`, [t.tenant.id]);
  await stopBoss();
});

async function executionsOf(smArn: string) {
  const r = await pool().query<{ arn: string; name: string; input: string }>(
    `SELECT arn, name, input FROM executions WHERE state_machine_arn = $1 ORDER BY start_date, arn`,
    [smArn],
  );
  return r.rows;
}

async function deliveriesOf(sourceArn: string) {
  const r = await pool().query<{ target_kind: string; status: string }>(
    `SELECT target_kind, status FROM deliveries WHERE source_arn = $1 ORDER BY created_at`,
    [sourceArn],
  );
  return r.rows;
}

describe("the workflow target kind", () => {
  it("a rule with a state machine target starts one execution per matching event, with the event as input", async () => {
    const sm = await insertStateMachine(t.tenant, PASS);
    const src = `app.${uniqueName("orders")}`;
    const rule = uniqueName("r");
    const { ruleArn } = await putRule(t.actor, callerOf(t), {
      name: rule,
      eventPattern: JSON.stringify({ source: [src] }),
    });
    await putTargets(t.actor, callerOf(t), { rule, targets: [{ Id: "flow", Arn: sm, RoleArn: ROLE }] });
    await putEvents(pool(), callerOf(t), "default", [
      { Source: src, DetailType: "Order", Detail: JSON.stringify({ n: 1 }) },
      { Source: src, DetailType: "Order", Detail: JSON.stringify({ n: 2 }) },
      { Source: "other", DetailType: "Order", Detail: "{}" },
    ]);
    await routePendingEvents();
    const runs = await executionsOf(sm);
    expect(runs).toHaveLength(2);
    const inputs = runs.map((r) => JSON.parse(r.input) as { source: string; detail: { n: number } });
    expect(inputs.map((i) => i.detail.n).sort()).toEqual([1, 2]);
    expect(inputs.every((i) => i.source === src)).toBe(true);
    expect(await deliveriesOf(ruleArn)).toEqual([
      { target_kind: "workflow", status: "succeeded" },
      { target_kind: "workflow", status: "succeeded" },
    ]);
    for (const r of runs) expect((await waitForExecution(t.tenant, r.arn)).status).toBe("SUCCEEDED");
  });

  it("a redelivered invocation starts nothing twice (dedupe key and execution name)", async () => {
    const sm = await insertStateMachine(t.tenant, PASS);
    const inv = {
      tenantId: t.tenant.id,
      sourceKind: "rule" as const,
      sourceArn: `arn:aws:events:us-east-1:${t.tenant.accountId}:rule/redelivery`,
      targetKind: "workflow" as const,
      targetArn: sm,
      targetId: "flow",
      payload: JSON.stringify({ hello: "world" }),
      params: { roleArn: ROLE },
      eventId: uniqueName("ev"),
      eventTime: new Date(),
      retryPolicy: null,
      deadLetterArn: null,
      dedupeKey: `rule:${uniqueName("k")}`,
    };
    await withTransaction((tx) => createInvocations(tx, [inv]));
    await withTransaction((tx) => createInvocations(tx, [inv]));
    expect(await executionsOf(sm)).toHaveLength(1);
    // The kind itself, run again for the same delivery (an engine retry after an unknown outcome).
    const row = (
      await pool().query(`SELECT id FROM deliveries WHERE tenant_id = $1 AND dedupe_key = $2`, [
        t.tenant.id,
        inv.dedupeKey,
      ])
    ).rows[0] as { id: string };
    const input = {
      delivery: { id: row.id } as never,
      invocation: {
        ...inv,
        deliveryId: row.id,
        originalEvent: null,
        maxRetryAttempts: 185,
        maxAgeSeconds: 86400,
        deadLetterStyle: "events" as never,
      },
      baseUrl: "http://localhost",
    };
    for (let k = 0; k < 2; k++) {
      const [res] = await withTransaction((tx) =>
        workflowTarget.mode === "local"
          ? workflowTarget.invokeBatch!([input], tx)
          : Promise.reject(new Error("not local")),
      );
      expect(res!.result).toBe("success");
    }
    const runs = await executionsOf(sm);
    expect(runs).toHaveLength(1);
    expect(JSON.parse(runs[0]!.input)).toEqual({ hello: "world" });
  });

  it("a missing state machine fails the invocation permanently (NO_RESOURCE), starting nothing", async () => {
    const sm = `arn:aws:states:us-east-1:${t.tenant.accountId}:stateMachine:${uniqueName("nope")}`;
    const sourceArn = `arn:aws:events:us-east-1:${t.tenant.accountId}:rule/${uniqueName("missing")}`;
    const [r] = await withTransaction((tx) =>
      createInvocations(tx, [
        {
          tenantId: t.tenant.id,
          sourceKind: "rule",
          sourceArn,
          targetKind: "workflow",
          targetArn: sm,
          targetId: "flow",
          payload: "{}",
          params: {},
          eventId: uniqueName("ev"),
          eventTime: new Date(),
          retryPolicy: null,
          deadLetterArn: null,
          dedupeKey: `rule:${uniqueName("m")}`,
        },
      ]),
    );
    // Refused inside the source's transaction: left pending for a deliver job, which classifies it.
    expect(r!.status).toBe("pending");
    await runDeliver({ deliveryIds: [r!.deliveryId] }, { jobId: "test", log: logger, retryCount: 0 });
    expect(await deliveriesOf(sourceArn)).toEqual([{ target_kind: "workflow", status: "failed" }]);
    const a = await pool().query(
      `SELECT a.error FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.source_arn = $1`,
      [sourceArn],
    );
    expect(a.rows[0].error).toMatch(/StateMachineDoesNotExist/);
    expect(await executionsOf(sm)).toHaveLength(0);
  });

  it("PutTargets requires a RoleArn for a state machine target, as AWS does", async () => {
    const sm = await insertStateMachine(t.tenant, PASS);
    const rule = uniqueName("r");
    await putRule(t.actor, callerOf(t), { name: rule, eventPattern: JSON.stringify({ source: ["x"] }) });
    const err = await putTargets(t.actor, callerOf(t), { rule, targets: [{ Id: "flow", Arn: sm }] }).catch(
      (e: unknown) => e,
    );
    expect(isAppError(err) && err.awsCode).toBe("ValidationException");
    expect((err as Error).message).toBe(`RoleArn is required for target ${sm}.`);
  });

  it("a schedule with a state machine target starts one execution per fire time, with its Input", async () => {
    const sm = await insertStateMachine(t.tenant, PASS);
    const s = await schedules.createSchedule(t.actor, t.tenant, {
      name: uniqueName("s"),
      scheduleExpression: "rate(1 hour)",
      flexibleTimeWindow: { Mode: "OFF" },
      target: { Arn: sm, RoleArn: ROLE, Input: '{"at":"<aws.scheduler.scheduled-time>"}' },
    });
    const fireTime = "2026-12-02T10:00:00.000Z";
    await runFireSchedule({ tenantId: t.tenant.id, ownerId: s.id, fireTime });
    await runFireSchedule({ tenantId: t.tenant.id, ownerId: s.id, fireTime });
    const runs = await executionsOf(sm);
    expect(runs).toHaveLength(1);
    expect(JSON.parse(runs[0]!.input)).toEqual({ at: "2026-12-02T10:00:00Z" });
    expect(await deliveriesOf(s.arn)).toEqual([{ target_kind: "workflow", status: "succeeded" }]);
  });

  it("a rule on the default bus catches an execution's status change (RUNNING and SUCCEEDED)", async () => {
    const sm = await insertStateMachine(t.tenant, {
      StartAt: "P",
      States: { P: { Type: "Pass", Result: { done: true }, End: true } },
    });
    const { queue } = await createQueue(t.actor, t.tenant.id, { name: uniqueName("status") });
    const rule = uniqueName("r");
    await putRule(t.actor, callerOf(t), {
      name: rule,
      eventPattern: JSON.stringify({
        source: ["aws.states"],
        "detail-type": ["Step Functions Execution Status Change"],
        detail: { stateMachineArn: [sm] },
      }),
    });
    await putTargets(t.actor, callerOf(t), { rule, targets: [{ Id: "q", Arn: queue.arn }] });
    const { executionArn } = await startExecution({ tenant: t.tenant }, { stateMachineArn: sm, input: '{"a":1}' });
    expect((await waitForExecution(t.tenant, executionArn)).status).toBe("SUCCEEDED");
    await routePendingEvents();
    const r = await pool().query<{ body: string }>(`SELECT body FROM queue_messages WHERE queue_id = $1 ORDER BY seq`, [
      queue.id,
    ]);
    const events = r.rows.map((x) => JSON.parse(x.body) as { resources: string[]; detail: Record<string, unknown> });
    expect(events.map((e) => e.detail.status)).toEqual(["RUNNING", "SUCCEEDED"]);
    expect(events[1]!.resources).toEqual([executionArn]);
    expect(events[1]!.detail).toMatchObject({ executionArn, input: '{"a":1}', output: '{"done":true}' });
  });
});

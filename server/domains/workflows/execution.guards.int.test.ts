import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, pool } from "../../db";
import { env } from "../../env";
import { stopBoss } from "../../jobs/boss";
import { gated } from "../../platform/tx-gate";
import { stopListening } from "../../platform/listen";
import type { Actor } from "../../auth/permissions";
import { createTestTenant, type TestTenant } from "../../../tests/helpers/fixtures";
import { insertStateMachine } from "../../../tests/helpers/workflows";
import { advanceExecution } from "./executor/engine";
import {
  describeExecution,
  getExecutionHistory,
  listExecutions,
  redriveExecution,
  sendTaskHeartbeat,
  sendTaskSuccess,
  startExecution,
  startSyncExecution,
  stopExecution,
} from "./execution.service";
import { createStateMachine, deleteStateMachine } from "./state-machine.service";
import { createActivity } from "./activity.service";
import { getActivityTask } from "./activity-tasks";
import { completeTask } from "./executor/complete";
import { uniqueName } from "../../../tests/helpers/fixtures";

// The executor's guards, driven by hand (no runner): the pool gate around its transaction, a
// DELETING machine's executions and StartExecution, and role checks in the services themselves.

let t: TestTenant;
beforeAll(async () => {
  t = await createTestTenant();
});
afterAll(async () => {
  await stopListening();
  await stopBoss();
  await closeDb();
});

const WAITING = {
  StartAt: "P",
  States: {
    P: { Type: "Pass", Next: "W" },
    W: { Type: "Wait", Seconds: 3600, Next: "Done" },
    Done: { Type: "Pass", End: true },
  },
};

async function idOf(arn: string): Promise<string> {
  const r = await pool().query<{ id: string }>(`SELECT id FROM executions WHERE arn = $1`, [arn]);
  return r.rows[0]!.id;
}

async function makeDue(arn: string) {
  await pool().query(`UPDATE executions SET ready_at = now() - interval '1 second' WHERE arn = $1`, [arn]);
}

describe("the executor's transaction runs under the pool gate", () => {
  it("waits while the gate is full and runs once a slot frees", async () => {
    const sm = await insertStateMachine(t.tenant, { StartAt: "P", States: { P: { Type: "Pass", End: true } } });
    const { executionArn } = await startExecution({ tenant: t.tenant }, { stateMachineArn: sm });
    const id = await idOf(executionArn);
    const slots = Math.max(1, Math.floor(env().DB_POOL_MAX / 2));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const holders = Array.from({ length: slots }, () => gated(() => held));
    let done = false;
    const advancing = advanceExecution(id).then(() => (done = true));
    // Without the gate the advance would have committed by now; with it, it is still queued.
    await new Promise((r) => setTimeout(r, 1000));
    expect(done).toBe(false);
    expect((await describeExecution({ tenant: t.tenant }, { executionArn })).status).toBe("RUNNING");
    release();
    await Promise.all(holders);
    await advancing;
    expect((await describeExecution({ tenant: t.tenant }, { executionArn })).status).toBe("SUCCEEDED");
  });
});

describe("DeleteStateMachine with running executions", () => {
  it("refuses new executions, fails the running ones at their next step, then removes the machine", async () => {
    const sm = await insertStateMachine(t.tenant, WAITING);
    const caller = { tenant: t.tenant, actor: t.actor };
    const a = (await startExecution(caller, { stateMachineArn: sm })).executionArn;
    const b = (await startExecution(caller, { stateMachineArn: sm })).executionArn;
    await advanceExecution(await idOf(a));
    await advanceExecution(await idOf(b));
    await deleteStateMachine(caller, { stateMachineArn: sm });
    await expect(startExecution(caller, { stateMachineArn: sm })).rejects.toMatchObject({
      awsCode: "StateMachineDeleting",
      message: `State Machine is being deleted: '${sm}'`,
    });
    await makeDue(a);
    await advanceExecution(await idOf(a));
    const d = await describeExecution(caller, { executionArn: a });
    expect(d.status).toBe("FAILED");
    expect(d.error).toBe("States.Runtime");
    const events = (await getExecutionHistory(caller, { executionArn: a })).events;
    expect(events.at(-1)!.type).toBe("ExecutionFailed");
    // b still runs, so the machine is still there (DELETING).
    const still = await pool().query(`SELECT status FROM state_machines WHERE arn = $1`, [sm]);
    expect(still.rows[0]).toEqual({ status: "DELETING" });
    await makeDue(b);
    await advanceExecution(await idOf(b));
    const gone = await pool().query(`SELECT 1 FROM state_machines WHERE arn = $1`, [sm]);
    expect(gone.rowCount).toBe(0);
  });

  it("StopExecution of the last execution removes a DELETING machine", async () => {
    const sm = await insertStateMachine(t.tenant, WAITING);
    const caller = { tenant: t.tenant, actor: t.actor };
    const a = (await startExecution(caller, { stateMachineArn: sm })).executionArn;
    await advanceExecution(await idOf(a));
    await deleteStateMachine(caller, { stateMachineArn: sm });
    await stopExecution(caller, { executionArn: a });
    const gone = await pool().query(`SELECT 1 FROM state_machines WHERE arn = $1`, [sm]);
    expect(gone.rowCount).toBe(0);
  });
});

describe("role checks in the execution services", () => {
  it("a viewer may read executions but not start, stop, redrive or answer tasks", async () => {
    const sm = await insertStateMachine(t.tenant, WAITING);
    const express = await insertStateMachine(t.tenant, WAITING, { type: "EXPRESS" });
    const viewer: Actor = { type: "api_key", keyId: "k-viewer", role: "viewer" };
    const v = { tenant: t.tenant, actor: viewer };
    const dev = { tenant: t.tenant, actor: { type: "api_key", keyId: "k-dev", role: "developer" } as Actor };
    const forbidden = { code: "forbidden", awsCode: "AccessDenied" };
    await expect(startExecution(v, { stateMachineArn: sm })).rejects.toMatchObject(forbidden);
    await expect(startSyncExecution(v, { stateMachineArn: express })).rejects.toMatchObject(forbidden);
    const { executionArn } = await startExecution(dev, { stateMachineArn: sm });
    expect((await describeExecution(v, { executionArn })).status).toBe("RUNNING");
    expect((await listExecutions(v, { stateMachineArn: sm })).executions).toHaveLength(1);
    expect((await getExecutionHistory(v, { executionArn })).events[0]!.type).toBe("ExecutionStarted");
    await expect(stopExecution(v, { executionArn })).rejects.toMatchObject(forbidden);
    await expect(redriveExecution(v, { executionArn })).rejects.toMatchObject(forbidden);
    await expect(sendTaskSuccess(v, { taskToken: "x".repeat(40), output: "{}" })).rejects.toMatchObject(forbidden);
    await expect(sendTaskHeartbeat(v, { taskToken: "x".repeat(40) })).rejects.toMatchObject(forbidden);
    expect((await describeExecution(v, { executionArn })).status).toBe("RUNNING");
  });
});

describe("States.DataLimitExceeded", () => {
  async function runByHand(definition: object, input: unknown) {
    const sm = await insertStateMachine(t.tenant, definition);
    const { executionArn } = await startExecution(
      { tenant: t.tenant },
      { stateMachineArn: sm, input: JSON.stringify(input) },
    );
    const id = await idOf(executionArn);
    for (let i = 0; i < 5; i++) if ((await advanceExecution(id)) === null) break;
    return describeExecution({ tenant: t.tenant }, { executionArn });
  }
  const s = "x".repeat(200 * 1024);
  const doubling = { Type: "Pass", Parameters: { "a.$": "$.s", "b.$": "$.s" } };

  it("a state output over 256 KiB fails the execution with AWS's error and cause", async () => {
    const d = await runByHand({ StartAt: "Big", States: { Big: { ...doubling, End: true } } }, { s });
    expect(d.status).toBe("FAILED");
    expect(d.error).toBe("States.DataLimitExceeded");
    expect(d.cause).toBe(
      "The state/task 'Big' returned a result with a size exceeding the maximum number of bytes service limit.",
    );
  });

  it("is caught by a Catch naming it (and a Catch whose output is still too large fails)", async () => {
    const caught = await runByHand(
      {
        StartAt: "Big",
        States: {
          Big: {
            ...doubling,
            Catch: [{ ErrorEquals: ["States.DataLimitExceeded"], ResultPath: "$.err", Next: "Ok" }],
            End: true,
          },
          Ok: { Type: "Pass", OutputPath: "$.err.Error", End: true },
        },
      },
      { s },
    );
    expect(caught.status).toBe("SUCCEEDED");
    expect(JSON.parse(caught.output!)).toBe("States.DataLimitExceeded");
    const again = await runByHand(
      {
        StartAt: "Big",
        States: {
          Big: {
            ...doubling,
            Catch: [{ ErrorEquals: ["States.DataLimitExceeded"], ResultPath: "$.s2", Next: "Ok" }],
            End: true,
          },
          Ok: { Type: "Pass", End: true },
        },
      },
      { s, pad: "y".repeat(262144 - 100 - 17 - s.length) },
    );
    expect(again.status).toBe("FAILED");
    expect(again.error).toBe("States.DataLimitExceeded");
  });
});

describe("history as AWS records activities, Lambda functions and submitted tasks", () => {
  async function advanceAll(arn: string) {
    const id = await idOf(arn);
    for (let i = 0; i < 5; i++) if ((await advanceExecution(id)) === null) break;
  }
  const history = async (executionArn: string, includeExecutionData?: boolean) =>
    (
      await getExecutionHistory(
        { tenant: t.tenant },
        { executionArn, ...(includeExecutionData === false ? { includeExecutionData } : {}) },
      )
    ).events as unknown as Array<Record<string, unknown> & { type: string }>;

  it("an activity: ActivityScheduled, ActivityStarted with the worker's name, ActivitySucceeded / ActivityFailed", async () => {
    const caller = { tenant: t.tenant, actor: t.actor };
    const { activityArn } = await createActivity(caller, { name: uniqueName("act") });
    const sm = await insertStateMachine(t.tenant, {
      StartAt: "Work",
      States: { Work: { Type: "Task", Resource: activityArn, TimeoutSeconds: 300, HeartbeatSeconds: 60, End: true } },
    });
    const ok = (await startExecution(caller, { stateMachineArn: sm, input: '{"n":1}' })).executionArn;
    await advanceAll(ok);
    const task = await getActivityTask(caller, { activityArn, workerName: "worker-7" }, { waitMs: 0 });
    await sendTaskSuccess(caller, { taskToken: task.taskToken!, output: '{"done":true}' });
    await advanceAll(ok);
    const h = await history(ok);
    expect(h.map((e) => e.type)).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "ActivityScheduled",
      "ActivityStarted",
      "ActivitySucceeded",
      "TaskStateExited",
      "ExecutionSucceeded",
    ]);
    expect(h[2]!.activityScheduledEventDetails).toEqual({
      resource: activityArn,
      input: '{"n":1}',
      inputDetails: { truncated: false },
      timeoutInSeconds: 300,
      heartbeatInSeconds: 60,
    });
    expect(h[3]!.activityStartedEventDetails).toEqual({ workerName: "worker-7" });
    expect(h[4]!.activitySucceededEventDetails).toEqual({
      output: '{"done":true}',
      outputDetails: { truncated: false },
    });
    const stripped = await history(ok, false);
    expect(stripped[2]!.activityScheduledEventDetails).toEqual({
      resource: activityArn,
      timeoutInSeconds: 300,
      heartbeatInSeconds: 60,
    });

    const bad = (await startExecution(caller, { stateMachineArn: sm })).executionArn;
    await advanceAll(bad);
    const t2 = await getActivityTask(caller, { activityArn, workerName: "worker-8" }, { waitMs: 0 });
    const { sendTaskFailure } = await import("./execution.service");
    await sendTaskFailure(caller, { taskToken: t2.taskToken!, error: "Oops", cause: "broken" });
    await advanceAll(bad);
    const hb = await history(bad);
    expect(hb.map((e) => e.type).slice(2, 5)).toEqual(["ActivityScheduled", "ActivityStarted", "ActivityFailed"]);
    expect(hb[3]!.activityStartedEventDetails).toEqual({ workerName: "worker-8" });
    expect(hb[4]!.activityFailedEventDetails).toEqual({ error: "Oops", cause: "broken" });
  });

  it("ActivityStarted is written when a worker takes the task, with the next id, and starts the heartbeat clock", async () => {
    const caller = { tenant: t.tenant, actor: t.actor };
    const { activityArn } = await createActivity(caller, { name: uniqueName("act") });
    const sm = await insertStateMachine(t.tenant, {
      StartAt: "Work",
      States: { Work: { Type: "Task", Resource: activityArn, TimeoutSeconds: 3600, HeartbeatSeconds: 30, End: true } },
    });
    const arn = (await startExecution(caller, { stateMachineArn: sm })).executionArn;
    await advanceAll(arn);
    const id = await idOf(arn);
    const frameOf = async () =>
      (
        await pool().query<{ wake_at: Date; last_event_id: number; pending: Record<string, unknown> }>(
          `SELECT wake_at, last_event_id, pending FROM execution_frames WHERE execution_id = $1 AND status = 'task'`,
          [id],
        )
      ).rows[0]!;
    // Queued, not taken: no ActivityStarted, no heartbeat deadline; only TimeoutSeconds wakes it.
    expect((await history(arn)).map((e) => e.type)).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "ActivityScheduled",
    ]);
    const queued = await frameOf();
    expect(queued.pending.heartbeatAt).toBeUndefined();
    expect(queued.wake_at.getTime()).toBe(new Date(queued.pending.timeoutAt as string).getTime());

    const task = await getActivityTask(caller, { activityArn, workerName: "early-bird" }, { waitMs: 0 });
    expect(task.taskToken).toBeTruthy();
    // While the worker runs, the history already shows it, chained after ActivityScheduled.
    const running = await history(arn);
    expect(running.map((e) => e.type)).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "ActivityScheduled",
      "ActivityStarted",
    ]);
    expect(running[3]).toMatchObject({
      id: 4,
      previousEventId: 3,
      activityStartedEventDetails: { workerName: "early-bird" },
    });
    const taken = await frameOf();
    expect(taken.last_event_id).toBe(4);
    const hbAt = new Date(taken.pending.heartbeatAt as string).getTime();
    expect(hbAt - (running[3]!.timestamp as Date).getTime()).toBe(30_000);
    expect(taken.wake_at.getTime()).toBe(hbAt);
    const exRow = await pool().query<{ ready_at: Date; next_event_id: number }>(
      `SELECT ready_at, next_event_id FROM executions WHERE id = $1`,
      [id],
    );
    expect(exRow.rows[0]!.next_event_id).toBe(5);
    expect(exRow.rows[0]!.ready_at.getTime()).toBeLessThanOrEqual(hbAt);

    // The end does not write it twice; ids stay consecutive.
    await sendTaskSuccess(caller, { taskToken: task.taskToken!, output: "{}" });
    await advanceAll(arn);
    const done = await history(arn);
    expect(done.map((e) => e.type)).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "ActivityScheduled",
      "ActivityStarted",
      "ActivitySucceeded",
      "TaskStateExited",
      "ExecutionSucceeded",
    ]);
    expect(done.map((e) => [e.id, e.previousEventId])).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 5],
      [7, 6],
    ]);
  });

  it("a taken activity whose heartbeat lapses ends in ActivityTimedOut (States.HeartbeatTimeout)", async () => {
    const caller = { tenant: t.tenant, actor: t.actor };
    const { activityArn } = await createActivity(caller, { name: uniqueName("act") });
    const sm = await insertStateMachine(t.tenant, {
      StartAt: "Work",
      States: { Work: { Type: "Task", Resource: activityArn, TimeoutSeconds: 3600, HeartbeatSeconds: 5, End: true } },
    });
    const arn = (await startExecution(caller, { stateMachineArn: sm })).executionArn;
    await advanceAll(arn);
    await getActivityTask(caller, { activityArn, workerName: "slow" }, { waitMs: 0 });
    const id = await idOf(arn);
    // Make the heartbeat deadline pass (as the clock would).
    await pool().query(
      `UPDATE execution_frames SET pending = pending || jsonb_build_object('heartbeatAt', (now() - interval '1 second')::text),
          wake_at = now() - interval '1 second' WHERE execution_id = $1 AND status = 'task'`,
      [id],
    );
    await makeDue(arn);
    await advanceAll(arn);
    const h = await history(arn);
    expect(h.map((e) => e.type)).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "ActivityScheduled",
      "ActivityStarted",
      "ActivityTimedOut",
      "ExecutionFailed",
    ]);
    expect(h[4]!.activityTimedOutEventDetails).toMatchObject({ error: "States.HeartbeatTimeout" });
  });

  it("a bare Lambda function ARN: LambdaFunctionScheduled, LambdaFunctionStarted, LambdaFunctionFailed", async () => {
    const fn = `arn:aws:lambda:us-east-1:${t.tenant.accountId}:function:${uniqueName("fn")}`;
    const sm = await insertStateMachine(t.tenant, {
      StartAt: "Call",
      States: { Call: { Type: "Task", Resource: fn, TimeoutSeconds: 30, End: true } },
    });
    const { executionArn } = await startExecution({ tenant: t.tenant }, { stateMachineArn: sm, input: '{"a":1}' });
    await advanceAll(executionArn);
    const frame = await pool().query<{ id: string; pending: { scheduledEventId: number } }>(
      `SELECT id, pending FROM execution_frames WHERE execution_id = $1 AND status = 'task'`,
      [await idOf(executionArn)],
    );
    await completeTask(
      pool(),
      {
        executionId: await idOf(executionArn),
        frameId: frame.rows[0]!.id,
        scheduledEventId: frame.rows[0]!.pending.scheduledEventId,
      },
      { kind: "failed", error: "Lambda.ResourceNotFoundException", cause: "Function not found" },
    );
    await advanceAll(executionArn);
    const h = await history(executionArn);
    expect(h.map((e) => e.type)).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "LambdaFunctionScheduled",
      "LambdaFunctionStarted",
      "LambdaFunctionFailed",
      "ExecutionFailed",
    ]);
    expect(h[2]!.lambdaFunctionScheduledEventDetails).toEqual({
      resource: fn,
      input: '{"a":1}',
      inputDetails: { truncated: false },
      timeoutInSeconds: 30,
    });
    expect(h[4]!.lambdaFunctionFailedEventDetails).toEqual({
      error: "Lambda.ResourceNotFoundException",
      cause: "Function not found",
    });
  });

  it("includeExecutionData false leaves out a TaskScheduled's parameters", async () => {
    const child = await insertStateMachine(t.tenant, { StartAt: "P", States: { P: { Type: "Pass", End: true } } });
    const sm = await insertStateMachine(t.tenant, {
      StartAt: "Start",
      States: {
        Start: {
          Type: "Task",
          Resource: "arn:aws:states:::states:startExecution",
          Parameters: { StateMachineArn: child, Input: { secret: 1 } },
          End: true,
        },
      },
    });
    const { executionArn } = await startExecution({ tenant: t.tenant }, { stateMachineArn: sm });
    await advanceAll(executionArn);
    const full = (await history(executionArn)).find((e) => e.type === "TaskScheduled")!;
    expect(full.taskScheduledEventDetails).toHaveProperty("parameters");
    const stripped = (await history(executionArn, false)).find((e) => e.type === "TaskScheduled")!;
    expect(stripped.taskScheduledEventDetails).not.toHaveProperty("parameters");
    expect(stripped.taskScheduledEventDetails).toMatchObject({ resourceType: "states", resource: "startExecution" });
  });
});

describe("status change events of a real execution", () => {
  it("carry the version ARN the execution ran", async () => {
    const caller = { tenant: t.tenant, actor: t.actor };
    const { stateMachineVersionArn } = await createStateMachine(caller, {
      name: uniqueName("ver"),
      definition: JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", End: true } } }),
      roleArn: `arn:aws:iam::${t.tenant.accountId}:role/x`,
      publish: true,
    });
    const { executionArn } = await startExecution(caller, { stateMachineArn: stateMachineVersionArn! });
    const id = await idOf(executionArn);
    for (let i = 0; i < 5; i++) if ((await advanceExecution(id)) === null) break;
    const { rows } = await pool().query<{ envelope: string }>(
      `SELECT envelope FROM events WHERE tenant_id = $1 AND detail_type = 'Step Functions Execution Status Change'`,
      [t.tenant.id],
    );
    const mine = rows
      .map((r) => (JSON.parse(r.envelope) as { detail: Record<string, unknown> }).detail)
      .filter((d) => d.executionArn === executionArn);
    expect(mine.map((d) => d.status).sort()).toEqual(["RUNNING", "SUCCEEDED"]);
    for (const d of mine) {
      expect(d.stateMachineVersionArn).toBe(stateMachineVersionArn);
      expect(d.redriveCount).toBe(0);
    }
  });
});

describe("a fresh team's first executions, started at once", () => {
  it("all start (their status events share the default bus created for the first)", async () => {
    const fresh = await createTestTenant();
    const sm = await insertStateMachine(fresh.tenant, WAITING);
    const started = await Promise.allSettled(
      Array.from({ length: 20 }, () => startExecution({ tenant: fresh.tenant }, { stateMachineArn: sm })),
    );
    expect(started.filter((s) => s.status === "rejected")).toEqual([]);
    const { rows } = await pool().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND detail_type = 'Step Functions Execution Status Change'`,
      [fresh.tenant.id],
    );
    expect(rows[0]!.n).toBe(20);
  });
});

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
import { deleteStateMachine } from "./state-machine.service";

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

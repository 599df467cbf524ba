import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeDb, pool } from "../../db";
import { BOSS_SCHEMA, stopBoss } from "../../jobs/boss";
import { stopListening } from "../../platform/listen";
import { createTestTenant, type TestTenant } from "../../../tests/helpers/fixtures";
import { insertStateMachine, waitForExecution } from "../../../tests/helpers/workflows";
import type { RemoteTaskResource, TaskRequest } from "./tasks/resource";

// A remote task resource (an HTTP call, a function): the executor records TaskScheduled, enqueues a
// `workflows.task` job in the same transaction, and the job's handler (runRemoteTask) calls the
// resource outside any transaction and completes the task. The registry is wf-tasks'; here it is
// replaced by one remote resource that records what it was asked.

const calls: TaskRequest[] = [];
const remote: RemoteTaskResource = {
  mode: "remote",
  resourceType: "test",
  patterns: ["requestResponse", "waitForTaskToken"],
  matches: (r) => r === "arn:aws:states:::test:echo" || r === "arn:aws:states:::test:echo.waitForTaskToken",
  run: async (req) => {
    calls.push(req);
    if (req.pattern === "waitForTaskToken") return { kind: "pending", submitted: { Accepted: true, StatusCode: 202 } };
    const input = req.input as { fail?: boolean; v?: number };
    return input.fail
      ? { kind: "failed", error: "Test.Failed", cause: "asked to fail" }
      : { kind: "succeeded", output: { echoed: input.v } };
  },
};
vi.mock("./tasks/registry", () => ({ taskResourceFor: (r: string) => (remote.matches(r) ? remote : null) }));

const { startExecutionRunner } = await import("./executor/runner");
const { runRemoteTask } = await import("./executor/runner");
const { startExecution, getExecutionHistory, sendTaskSuccess } = await import("./execution.service");

let t: TestTenant;
let runner: Awaited<ReturnType<typeof startExecutionRunner>>;
beforeAll(async () => {
  t = await createTestTenant();
  runner = await startExecutionRunner();
});
afterAll(async () => {
  await runner.stop();
  await stopListening();
  await stopBoss();
  await closeDb();
});

async function waitingTask(executionArn: string) {
  for (let i = 0; i < 400; i++) {
    const { rows } = await pool().query<{ execution_id: string; id: string; pending: { scheduledEventId: number } }>(
      `SELECT f.execution_id, f.id, f.pending FROM execution_frames f JOIN executions e ON e.id = f.execution_id
        WHERE e.arn = $1 AND f.status = 'task'`,
      [executionArn],
    );
    if (rows[0])
      return {
        executionId: rows[0].execution_id,
        frameId: rows[0].id,
        scheduledEventId: rows[0].pending.scheduledEventId,
      };
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("no waiting task");
}

describe("remote task resources", () => {
  it("enqueue a job with the transition; the job completes the task once, however often it runs", async () => {
    const sm = await insertStateMachine(t.tenant, {
      StartAt: "Call",
      States: {
        Call: { Type: "Task", Resource: "arn:aws:states:::test:echo", Parameters: { "v.$": "$.v" }, End: true },
      },
    });
    const { executionArn } = await startExecution({ tenant: t.tenant }, { stateMachineArn: sm, input: '{"v":7}' });
    const ref = await waitingTask(executionArn);
    const { rows: jobs } = await pool().query(
      `SELECT data FROM "${BOSS_SCHEMA}".job WHERE name = 'workflows.task' AND data->>'frameId' = $1`,
      [ref.frameId],
    );
    expect(jobs).toHaveLength(1);
    await runRemoteTask(ref);
    await runRemoteTask(ref); // pg-boss delivers at least once: the second run finds nothing to do
    expect(calls.filter((c) => c.executionArn === executionArn)).toHaveLength(1);
    expect(calls.at(-1)!.idempotencyKey).toBe(`${ref.executionId}:${ref.frameId}:${ref.scheduledEventId}`);
    const d = await waitForExecution(t.tenant, executionArn);
    expect(d.status).toBe("SUCCEEDED");
    expect(JSON.parse(d.output!)).toEqual({ echoed: 7 });
    const types = (await getExecutionHistory({ tenant: t.tenant }, { executionArn })).events.map((e) => e.type);
    expect(types).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSucceeded",
      "TaskStateExited",
      "ExecutionSucceeded",
    ]);
  });

  it("records a remote failure as TaskFailed and goes through Catch", async () => {
    const sm = await insertStateMachine(t.tenant, {
      StartAt: "Call",
      States: {
        Call: {
          Type: "Task",
          Resource: "arn:aws:states:::test:echo",
          Parameters: { fail: true },
          Catch: [{ ErrorEquals: ["Test.Failed"], Next: "Caught" }],
          End: true,
        },
        Caught: { Type: "Pass", End: true },
      },
    });
    const { executionArn } = await startExecution({ tenant: t.tenant }, { stateMachineArn: sm });
    await runRemoteTask(await waitingTask(executionArn));
    const d = await waitForExecution(t.tenant, executionArn);
    expect(d.status).toBe("SUCCEEDED");
    expect(JSON.parse(d.output!)).toEqual({ Error: "Test.Failed", Cause: "asked to fail" });
  });
  const CALLBACK = {
    StartAt: "Call",
    States: {
      Call: {
        Type: "Task",
        Resource: "arn:aws:states:::test:echo.waitForTaskToken",
        Parameters: { "token.$": "$$.Task.Token" },
        End: true,
      },
    },
  };
  const historyOf = async (executionArn: string) =>
    (await getExecutionHistory({ tenant: t.tenant }, { executionArn })).events as unknown as Array<
      Record<string, unknown> & { type: string; id: number; previousEventId: number }
    >;

  it("a .waitForTaskToken call records TaskSubmitted with the call's response once it is accepted", async () => {
    const sm = await insertStateMachine(t.tenant, CALLBACK);
    const { executionArn } = await startExecution({ tenant: t.tenant }, { stateMachineArn: sm });
    const ref = await waitingTask(executionArn);
    expect((await historyOf(executionArn)).map((e) => e.type)).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
    ]);
    await runRemoteTask(ref);
    await runRemoteTask(ref); // delivered again: the call was accepted already, nothing is called or recorded twice
    expect(calls.filter((c) => c.executionArn === executionArn)).toHaveLength(1);
    const waiting = await historyOf(executionArn);
    expect(waiting.map((e) => e.type)).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSubmitted",
    ]);
    expect(waiting[4]).toMatchObject({
      id: 5,
      previousEventId: 4,
      taskSubmittedEventDetails: {
        resourceType: "test",
        resource: "echo.waitForTaskToken",
        output: '{"Accepted":true,"StatusCode":202}',
        outputDetails: { truncated: false },
      },
    });
    const token = (calls.at(-1)!.input as { token: string }).token;
    await sendTaskSuccess({ tenant: t.tenant }, { taskToken: token, output: '{"ok":1}' });
    const d = await waitForExecution(t.tenant, executionArn);
    expect(d.status).toBe("SUCCEEDED");
    const h = await historyOf(executionArn);
    expect(h.map((e) => e.type)).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSubmitted",
      "TaskSucceeded",
      "TaskStateExited",
      "ExecutionSucceeded",
    ]);
    expect(h.map((e) => e.previousEventId)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("keeps TaskSubmitted before the end when the token comes back before the job records it", async () => {
    const sm = await insertStateMachine(t.tenant, CALLBACK);
    const { executionArn } = await startExecution({ tenant: t.tenant }, { stateMachineArn: sm });
    const ref = await waitingTask(executionArn);
    const token = (
      await pool().query<{ token: string }>(`SELECT token FROM task_tokens WHERE frame_id = $1`, [ref.frameId])
    ).rows[0]!.token;
    await sendTaskSuccess({ tenant: t.tenant }, { taskToken: token, output: "{}" });
    await runRemoteTask(ref); // the job comes late: the task is over, nothing is called
    expect(calls.filter((c) => c.executionArn === executionArn)).toHaveLength(0);
    await waitForExecution(t.tenant, executionArn);
    expect((await historyOf(executionArn)).map((e) => e.type)).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSubmitted",
      "TaskSucceeded",
      "TaskStateExited",
      "ExecutionSucceeded",
    ]);
  });
});

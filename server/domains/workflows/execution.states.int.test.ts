import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, pool } from "../../db";
import { runExecutionRetention } from "./execution.retention";
import { stopBoss } from "../../jobs/boss";
import { stopListening } from "../../platform/listen";
import { createTestTenant, type TestTenant } from "../../../tests/helpers/fixtures";
import { insertStateMachine, waitForExecution } from "../../../tests/helpers/workflows";
import { startExecutionRunner, type Runner } from "./executor/runner";
import {
  describeExecution,
  describeMapRun,
  describeStateMachineForExecution,
  updateMapRun,
  getExecutionHistory,
  listExecutions,
  listMapRuns,
  listWaitingTaskTokens,
  redriveExecution,
  sendTaskHeartbeat,
  sendTaskSuccess,
  startExecution,
  startSyncExecution,
  stopExecution,
} from "./execution.service";

// The executor through its services: Retry/Catch, timeouts, Parallel, Map (inline and distributed),
// variables, redrive, EXPRESS and StartSyncExecution.

let t: TestTenant;
let runner: Runner;
let failing: string; // a child machine that fails
let echo: string; // a child machine that returns its input
const caller = () => ({ tenant: t.tenant });
const CHILD = "arn:aws:states:::states:startExecution.sync:2";

beforeAll(async () => {
  t = await createTestTenant();
  runner = await startExecutionRunner();
  failing = await insertStateMachine(t.tenant, {
    StartAt: "F",
    States: { F: { Type: "Fail", Error: "Boom", Cause: "child failed" } },
  });
  echo = await insertStateMachine(t.tenant, { StartAt: "P", States: { P: { Type: "Pass", End: true } } });
});
afterAll(async () => {
  await runner.stop();
  await stopListening();
  await stopBoss();
  await closeDb();
});

async function run(definition: object, input: unknown = {}) {
  const sm = await insertStateMachine(t.tenant, definition);
  const { executionArn } = await startExecution(caller(), { stateMachineArn: sm, input: JSON.stringify(input) });
  const d = await waitForExecution(t.tenant, executionArn);
  const h = (await getExecutionHistory(caller(), { executionArn, maxResults: 1000 })).events;
  return { sm, executionArn, d, h, types: h.map((e) => e.type) };
}

async function tokensOf(executionArn: string) {
  for (let i = 0; i < 400; i++) {
    const tokens = await listWaitingTaskTokens(caller(), executionArn);
    if (tokens.length) return tokens;
    await new Promise((r) => setTimeout(r, 25));
  }
  return [];
}

describe("Retry and Catch", () => {
  it("retries a failed task with AWS's error name, then catches it into ResultPath", async () => {
    const { d, types } = await run({
      StartAt: "T",
      States: {
        T: {
          Type: "Task",
          Resource: CHILD,
          Parameters: { StateMachineArn: failing },
          Retry: [{ ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 }],
          Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.err", Next: "Handled" }],
        },
        Handled: { Type: "Pass", End: true },
      },
    });
    expect(d.status).toBe("SUCCEEDED");
    const out = JSON.parse(d.output!) as { err: { Error: string; Cause: string } };
    expect(out.err.Error).toBe("States.TaskFailed");
    expect(JSON.parse(out.err.Cause)).toMatchObject({ Status: "FAILED", Error: "Boom", Cause: "child failed" });
    expect(types.filter((x) => x === "TaskScheduled")).toHaveLength(3);
    expect(types.filter((x) => x === "TaskFailed")).toHaveLength(3);
    expect(types.slice(-4)).toEqual(["TaskStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]);
  });

  it("never catches States.Runtime, even with States.ALL", async () => {
    const { d } = await run({
      StartAt: "T",
      States: {
        T: {
          Type: "Task",
          Resource: CHILD,
          Parameters: { "StateMachineArn.$": "$.missing" },
          Catch: [{ ErrorEquals: ["States.ALL"], Next: "Handled" }],
          End: true,
        },
        Handled: { Type: "Pass", End: true },
      },
    });
    expect(d.status).toBe("FAILED");
    expect(d.error).toBe("States.Runtime");
  });

  it("fails the execution with the task's error when nothing catches it", async () => {
    const { d, types } = await run({
      StartAt: "T",
      States: { T: { Type: "Task", Resource: CHILD, Parameters: { StateMachineArn: failing }, End: true } },
    });
    expect(d.status).toBe("FAILED");
    expect(d.error).toBe("States.TaskFailed");
    expect(types.slice(-2)).toEqual(["TaskFailed", "ExecutionFailed"]);
  });
});

describe("timeouts", () => {
  it("times a waiting task out (States.Timeout → TaskTimedOut) and the token is then TaskTimedOut", async () => {
    const sm = await insertStateMachine(t.tenant, {
      StartAt: "T",
      States: {
        T: {
          Type: "Task",
          Resource: "arn:aws:states:::states:startExecution.waitForTaskToken",
          Parameters: { StateMachineArn: echo, Input: { "t.$": "$$.Task.Token" } },
          TimeoutSeconds: 1,
          Catch: [{ ErrorEquals: ["States.Timeout"], Next: "Late" }],
          End: true,
        },
        Late: { Type: "Pass", Result: "late", End: true },
      },
    });
    const { executionArn } = await startExecution(caller(), { stateMachineArn: sm });
    const [tok] = await tokensOf(executionArn);
    expect(tok).toBeDefined();
    const d = await waitForExecution(t.tenant, executionArn);
    expect(d.status).toBe("SUCCEEDED");
    expect(JSON.parse(d.output!)).toBe("late");
    const h = (await getExecutionHistory(caller(), { executionArn })).events;
    expect(h.find((e) => e.type === "TaskTimedOut")).toMatchObject({
      taskTimedOutEventDetails: { resourceType: "states", error: "States.Timeout" },
    });
    await expect(sendTaskSuccess(caller(), { taskToken: tok!.taskToken, output: "{}" })).rejects.toMatchObject({
      awsCode: "TaskTimedOut",
    });
  });

  it("times a task out on a missed heartbeat (States.HeartbeatTimeout); heartbeats keep it alive", async () => {
    const sm = await insertStateMachine(t.tenant, {
      StartAt: "T",
      States: {
        T: {
          Type: "Task",
          Resource: "arn:aws:states:::states:startExecution.waitForTaskToken",
          Parameters: { StateMachineArn: echo, Input: { "t.$": "$$.Task.Token" } },
          HeartbeatSeconds: 2,
          End: true,
        },
      },
    });
    const { executionArn } = await startExecution(caller(), { stateMachineArn: sm });
    const [tok] = await tokensOf(executionArn);
    await sendTaskHeartbeat(caller(), { taskToken: tok!.taskToken });
    const d = await waitForExecution(t.tenant, executionArn);
    expect(d).toMatchObject({ status: "FAILED", error: "States.HeartbeatTimeout" });
  });

  it("times the execution out at the machine's TimeoutSeconds (TIMED_OUT, ExecutionTimedOut)", async () => {
    // 3 s, not 1: on a loaded machine the first state may not have started within a second (the
    // history is then ExecutionStarted, ExecutionTimedOut, which is right but not what this checks).
    const { d, types } = await run({
      TimeoutSeconds: 3,
      StartAt: "W",
      States: { W: { Type: "Wait", Seconds: 30, End: true } },
    });
    expect(d.status).toBe("TIMED_OUT");
    expect(types).toEqual(["ExecutionStarted", "WaitStateEntered", "ExecutionTimedOut"]);
  });
});

describe("Parallel and Map", () => {
  it("runs Parallel branches with copies of the variables (nothing leaks out) and collects outputs in order", async () => {
    const { d, types } = await run(
      {
        StartAt: "Set",
        States: {
          Set: { Type: "Pass", Assign: { v: 1 }, Next: "Par" },
          Par: {
            Type: "Parallel",
            Branches: [
              {
                StartAt: "A",
                States: { A: { Type: "Pass", Parameters: { "seen.$": "$v" }, Assign: { inner: 2 }, End: true } },
              },
              { StartAt: "B", States: { B: { Type: "Wait", Seconds: 1, End: true } } },
            ],
            Next: "After",
          },
          After: { Type: "Pass", Parameters: { "r.$": "$", "v.$": "$v" }, End: true },
        },
      },
      { x: 1 },
    );
    expect(d.status).toBe("SUCCEEDED");
    expect(JSON.parse(d.output!)).toEqual({ r: [{ seen: 1 }, { x: 1 }], v: 1 });
    expect(types).toContain("ParallelStateStarted");
    expect(types).toContain("ParallelStateSucceeded");
    expect(types.indexOf("ParallelStateExited")).toBeGreaterThan(types.indexOf("ParallelStateSucceeded"));
  });

  it("fails a Parallel when a branch fails and catches States.BranchFailed-style errors by name", async () => {
    const { d, types } = await run({
      StartAt: "Par",
      States: {
        Par: {
          Type: "Parallel",
          Branches: [
            { StartAt: "F", States: { F: { Type: "Fail", Error: "E1", Cause: "c1" } } },
            { StartAt: "W", States: { W: { Type: "Wait", Seconds: 60, End: true } } },
          ],
          Catch: [{ ErrorEquals: ["E1"], Next: "Caught" }],
          End: true,
        },
        Caught: { Type: "Pass", End: true },
      },
    });
    expect(d.status).toBe("SUCCEEDED");
    expect(JSON.parse(d.output!)).toEqual({ Error: "E1", Cause: "c1" });
    expect(types).toContain("ParallelStateFailed");
  });

  it("runs an inline Map with ItemsPath, ItemSelector, MaxConcurrency and records iterations", async () => {
    const { d, types } = await run(
      {
        StartAt: "M",
        States: {
          M: {
            Type: "Map",
            ItemsPath: "$.items",
            MaxConcurrency: 2,
            ItemSelector: { "v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index", "k.$": "$.k" },
            ItemProcessor: {
              ProcessorConfig: { Mode: "INLINE" },
              StartAt: "Add",
              States: {
                Add: { Type: "Pass", Parameters: { "s.$": "States.MathAdd($.v, $.i)", "k.$": "$.k" }, End: true },
              },
            },
            End: true,
          },
        },
      },
      { items: [10, 20, 30, 40, 50], k: "z" },
    );
    expect(d.status).toBe("SUCCEEDED");
    expect(JSON.parse(d.output!)).toEqual([10, 21, 32, 43, 54].map((s) => ({ s, k: "z" })));
    expect(types.filter((x) => x === "MapIterationStarted")).toHaveLength(5);
    expect(types.filter((x) => x === "MapIterationSucceeded")).toHaveLength(5);
    expect(types).toEqual(
      expect.arrayContaining(["MapStateEntered", "MapStateStarted", "MapStateSucceeded", "MapStateExited"]),
    );
  });

  it("tolerates failed iterations up to ToleratedFailureCount, and past it fails with States.ExceedToleratedFailureThreshold", async () => {
    const def = (count: number) => ({
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          ToleratedFailureCount: count,
          ItemProcessor: {
            StartAt: "C",
            States: {
              C: { Type: "Choice", Choices: [{ Variable: "$", NumericEquals: 0, Next: "Bad" }], Default: "Ok" },
              Bad: { Type: "Fail", Error: "Zero" },
              Ok: { Type: "Pass", End: true },
            },
          },
          End: true,
        },
      },
    });
    const ok = await run(def(1), [1, 0, 2]);
    expect(ok.d.status).toBe("SUCCEEDED");
    expect(JSON.parse(ok.d.output!)).toEqual([1, null, 2]);
    expect(ok.types).toContain("MapIterationFailed");
    const bad = await run(def(1), [0, 0, 2]);
    expect(bad.d).toMatchObject({ status: "FAILED", error: "States.ExceedToleratedFailureThreshold" });
  });

  it("runs a Distributed Map as child executions under a map run", async () => {
    const { d, executionArn, types } = await run(
      {
        StartAt: "M",
        States: {
          M: {
            Type: "Map",
            MaxConcurrency: 2,
            ItemProcessor: {
              ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
              StartAt: "Double",
              States: { Double: { Type: "Pass", Parameters: { "d.$": "States.MathAdd($.n, $.n)" }, End: true } },
            },
            End: true,
          },
        },
      },
      [{ n: 1 }, { n: 2 }, { n: 3 }],
    );
    expect(d.status).toBe("SUCCEEDED");
    expect(JSON.parse(d.output!)).toEqual([{ d: 2 }, { d: 4 }, { d: 6 }]);
    expect(types).toEqual(expect.arrayContaining(["MapRunStarted", "MapRunSucceeded"]));
    const runs = await listMapRuns(caller(), { executionArn });
    expect(runs.mapRuns).toHaveLength(1);
    const mapRunArn = runs.mapRuns[0]!.mapRunArn;
    expect(mapRunArn).toMatch(/:mapRun:sm-[^/]+\/M:[0-9a-f-]{36}$/);
    const mr = await describeMapRun(caller(), { mapRunArn });
    expect(mr).toMatchObject({ status: "SUCCEEDED", maxConcurrency: 2, itemCounts: { total: 3, succeeded: 3 } });
    const children = await listExecutions(caller(), { mapRunArn });
    expect(children.executions).toHaveLength(3);
    expect(children.executions.every((e) => e.status === "SUCCEEDED" && e.mapRunArn === mapRunArn)).toBe(true);
  });
});

describe("redrive", () => {
  it("redrives a failed execution from its failed state (ExecutionRedriven, redriveCount)", async () => {
    // Fails on the first run (the child machine is missing), succeeds once it exists.
    const childName = `later-${Math.random().toString(36).slice(2, 8)}`;
    const childArn = `arn:aws:states:us-east-1:${t.tenant.accountId}:stateMachine:${childName}`;
    const { d, executionArn } = await run({
      StartAt: "First",
      States: {
        First: { Type: "Pass", Result: { a: 1 }, Next: "Call" },
        Call: { Type: "Task", Resource: CHILD, Parameters: { StateMachineArn: childArn }, End: true },
      },
    });
    expect(d.status).toBe("FAILED");
    expect(d.redriveStatus).toBe("REDRIVABLE");
    await insertStateMachine(
      t.tenant,
      { StartAt: "P", States: { P: { Type: "Pass", End: true } } },
      { name: childName },
    );
    const { redriveDate } = await redriveExecution(caller(), { executionArn });
    expect(redriveDate).toBeInstanceOf(Date);
    const after = await waitForExecution(t.tenant, executionArn);
    expect(after).toMatchObject({ status: "SUCCEEDED", redriveCount: 1 });
    const types = (await getExecutionHistory(caller(), { executionArn })).events.map((e) => e.type);
    expect(types.filter((x) => x === "PassStateEntered")).toHaveLength(1);
    expect(types).toContain("ExecutionRedriven");
    await expect(redriveExecution(caller(), { executionArn })).rejects.toMatchObject({
      awsCode: "ExecutionNotRedrivable",
    });
    const redriven = await listExecutions(caller(), {
      stateMachineArn: after.stateMachineArn,
      redriveFilter: "REDRIVEN",
    });
    expect(redriven.executions.map((e) => e.executionArn)).toEqual([executionArn]);
  });
});

describe("EXPRESS", () => {
  it("answers StartSyncExecution with status, output and billing details, and keeps no history", async () => {
    const sm = await insertStateMachine(
      t.tenant,
      { StartAt: "P", States: { P: { Type: "Pass", Parameters: { "y.$": "$.x" }, End: true } } },
      { type: "EXPRESS" },
    );
    const out = await startSyncExecution(caller(), { stateMachineArn: sm, input: '{"x":5}' });
    expect(out).toMatchObject({ status: "SUCCEEDED", output: '{"y":5}', name: expect.any(String) });
    expect(out.executionArn).toMatch(/:express:/);
    expect(out.billingDetails.billedDurationInMilliseconds).toBeGreaterThanOrEqual(100);
    const failed = await startSyncExecution(caller(), {
      stateMachineArn: await insertStateMachine(
        t.tenant,
        { StartAt: "F", States: { F: { Type: "Fail", Error: "E", Cause: "C" } } },
        { type: "EXPRESS" },
      ),
    });
    expect(failed).toMatchObject({ status: "FAILED", error: "E", cause: "C" });
    await expect(getExecutionHistory(caller(), { executionArn: out.executionArn })).rejects.toMatchObject({
      awsCode: "InvalidArn",
      message: "Invalid Arn: 'Resource type not valid in this context: express'",
    });
    await expect(startSyncExecution(caller(), { stateMachineArn: echo })).rejects.toMatchObject({
      awsCode: "StateMachineTypeNotSupported",
    });
    await expect(describeExecution(caller(), { executionArn: out.executionArn })).rejects.toMatchObject({
      awsCode: "InvalidArn",
    });
    // Ended EXPRESS executions are forgotten after an hour; STANDARD ones are kept 90 days.
    const standard = await run({ StartAt: "P", States: { P: { Type: "Pass", End: true } } });
    const count = async (arn: string) =>
      (await pool().query(`SELECT 1 FROM executions WHERE arn = $1`, [arn])).rows.length;
    expect(await count(out.executionArn)).toBe(1);
    await runExecutionRetention(new Date(Date.now() + 2 * 3600_000));
    expect(await count(out.executionArn)).toBe(0);
    expect(await count(standard.executionArn)).toBe(1);
  });
});

describe("JSONata", () => {
  it("runs a JSONata Map (Items, ItemSelector) whose Task sends Arguments and shapes Output from $states.result", async () => {
    const { d, types } = await run(
      {
        QueryLanguage: "JSONata",
        StartAt: "M",
        States: {
          M: {
            Type: "Map",
            Items: "{% $states.input.xs %}",
            ItemSelector: { v: "{% $states.context.Map.Item.Value %}" },
            ItemProcessor: {
              StartAt: "T",
              States: {
                T: {
                  Type: "Task",
                  Resource: CHILD,
                  Arguments: { StateMachineArn: echo, Input: { d: "{% $states.input.v * 2 %}" } },
                  Output: "{% $states.result.Output.d %}",
                  End: true,
                },
              },
            },
            Output: "{% $sum($states.result) %}",
            End: true,
          },
        },
      },
      { xs: [1, 2, 3] },
    );
    expect(d.status).toBe("SUCCEEDED");
    expect(JSON.parse(d.output!)).toBe(12);
    expect(types.filter((x) => x === "TaskSucceeded")).toHaveLength(3);
  });
});

describe("redrive of a Map and the listing actions", () => {
  it("redrives only the failed Map iterations; succeeded ones keep their outputs", async () => {
    const childName = `later-${Math.random().toString(36).slice(2, 8)}`;
    const childArn = `arn:aws:states:us-east-1:${t.tenant.accountId}:stateMachine:${childName}`;
    const { d, executionArn } = await run(
      {
        StartAt: "M",
        States: {
          M: {
            Type: "Map",
            ItemProcessor: {
              StartAt: "C",
              States: {
                C: { Type: "Choice", Choices: [{ Variable: "$", NumericEquals: 0, Next: "Call" }], Default: "Ok" },
                Call: {
                  Type: "Task",
                  Resource: CHILD,
                  Parameters: { StateMachineArn: childArn, Input: { v: 100 } },
                  OutputPath: "$.Output",
                  End: true,
                },
                Ok: { Type: "Pass", Parameters: { "v.$": "$" }, End: true },
              },
            },
            End: true,
          },
        },
      },
      [1, 0, 2],
    );
    expect(d.status).toBe("FAILED");
    const before = (await getExecutionHistory(caller(), { executionArn, maxResults: 1000 })).events;
    await insertStateMachine(
      t.tenant,
      { StartAt: "P", States: { P: { Type: "Pass", End: true } } },
      { name: childName },
    );
    await redriveExecution(caller(), { executionArn });
    const after = await waitForExecution(t.tenant, executionArn);
    expect(after.status).toBe("SUCCEEDED");
    expect(JSON.parse(after.output!)).toEqual([{ v: 1 }, { v: 100 }, { v: 2 }]);
    const h = (await getExecutionHistory(caller(), { executionArn, maxResults: 1000 })).events;
    const okEntered = (events: typeof h) =>
      events.filter(
        (e) => e.type === "PassStateEntered" && (e.stateEnteredEventDetails as { name: string }).name === "Ok",
      ).length;
    // The iterations that had succeeded did not run again.
    expect(okEntered(h)).toBe(okEntered(before));
    expect(h.map((e) => e.type)).toContain("ExecutionRedriven");
    // ids stay consecutive across the redrive
    expect(h.map((e) => e.id)).toEqual(h.map((_, i) => i + 1));
  });

  it("pages ListExecutions and describes the state machine an execution runs", async () => {
    const sm = await insertStateMachine(t.tenant, { StartAt: "P", States: { P: { Type: "Pass", End: true } } });
    const started: string[] = [];
    for (let i = 0; i < 3; i++) started.push((await startExecution(caller(), { stateMachineArn: sm })).executionArn);
    const p1 = await listExecutions(caller(), { stateMachineArn: sm, maxResults: 2 });
    expect(p1.executions).toHaveLength(2);
    expect(p1.nextToken).toBeDefined();
    const p2 = await listExecutions(caller(), { stateMachineArn: sm, maxResults: 2, nextToken: p1.nextToken });
    expect(p2.executions).toHaveLength(1);
    expect(p2.nextToken).toBeUndefined();
    expect([...p1.executions, ...p2.executions].map((e) => e.executionArn).sort()).toEqual([...started].sort());
    await expect(listExecutions(caller(), { stateMachineArn: sm, nextToken: "garbage!" })).rejects.toMatchObject({
      awsCode: "InvalidToken",
    });
    const desc = await describeStateMachineForExecution(caller(), { executionArn: started[0]! });
    expect(desc).toMatchObject({ stateMachineArn: sm, name: sm.split(":")[6] });
    expect(JSON.parse(desc.definition)).toEqual({ StartAt: "P", States: { P: { Type: "Pass", End: true } } });
  });

  it("UpdateMapRun changes a running map run's MaxConcurrency", async () => {
    const sm = await insertStateMachine(t.tenant, {
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          MaxConcurrency: 1,
          ItemProcessor: {
            ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
            StartAt: "W",
            States: { W: { Type: "Wait", Seconds: 1, End: true } },
          },
          End: true,
        },
      },
    });
    const { executionArn } = await startExecution(caller(), { stateMachineArn: sm, input: "[1,2,3]" });
    let runs: Awaited<ReturnType<typeof listMapRuns>>["mapRuns"] = [];
    for (let i = 0; i < 400 && runs.length === 0; i++) {
      runs = (await listMapRuns(caller(), { executionArn })).mapRuns;
      if (!runs.length) await new Promise((r) => setTimeout(r, 25));
    }
    const mapRunArn = runs[0]!.mapRunArn;
    await updateMapRun(caller(), { mapRunArn, maxConcurrency: 3, toleratedFailureCount: 1 });
    expect(await describeMapRun(caller(), { mapRunArn })).toMatchObject({
      maxConcurrency: 3,
      toleratedFailureCount: 1,
    });
    const d = await waitForExecution(t.tenant, executionArn);
    expect(d.status).toBe("SUCCEEDED");
    expect(JSON.parse(d.output!)).toEqual([1, 2, 3]);
  });
  async function mapRunOf(executionArn: string) {
    for (let i = 0; i < 400; i++) {
      const runs = (await listMapRuns(caller(), { executionArn })).mapRuns;
      if (runs.length) return runs[0]!.mapRunArn;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("no map run");
  }

  it("a raised MaxConcurrency starts more children in UpdateMapRun's own transaction, without a child ending", async () => {
    const sm = await insertStateMachine(t.tenant, {
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          MaxConcurrency: 1,
          ItemProcessor: {
            ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
            StartAt: "W",
            States: { W: { Type: "Wait", Seconds: 3600, End: true } },
          },
          End: true,
        },
      },
    });
    const { executionArn } = await startExecution(caller(), { stateMachineArn: sm, input: "[1,2,3,4]" });
    const mapRunArn = await mapRunOf(executionArn);
    expect((await describeMapRun(caller(), { mapRunArn })).itemCounts).toMatchObject({ running: 1, pending: 3 });
    await updateMapRun(caller(), { mapRunArn, maxConcurrency: 3 });
    // No child has ended (they wait an hour): the two new ones were started by the update itself.
    expect((await describeMapRun(caller(), { mapRunArn })).itemCounts).toMatchObject({ running: 3, pending: 1 });
    expect((await listExecutions(caller(), { mapRunArn })).executions).toHaveLength(3);
    // Lowering it starts nothing and stops nothing.
    await updateMapRun(caller(), { mapRunArn, maxConcurrency: 2 });
    expect((await describeMapRun(caller(), { mapRunArn })).itemCounts).toMatchObject({ running: 3, pending: 1 });
    await stopExecution(caller(), { executionArn });
  });

  it("a tolerance lowered below the failures so far fails the Map at once", async () => {
    const sm = await insertStateMachine(t.tenant, {
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          ToleratedFailureCount: 5,
          ItemProcessor: {
            ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
            StartAt: "C",
            States: {
              C: { Type: "Choice", Choices: [{ Variable: "$", NumericEquals: 0, Next: "F" }], Default: "W" },
              F: { Type: "Fail", Error: "Bad", Cause: "item 0" },
              W: { Type: "Wait", Seconds: 3600, End: true },
            },
          },
          End: true,
        },
      },
    });
    const { executionArn } = await startExecution(caller(), { stateMachineArn: sm, input: "[0,1]" });
    const mapRunArn = await mapRunOf(executionArn);
    for (let i = 0; i < 400; i++) {
      if ((await describeMapRun(caller(), { mapRunArn })).itemCounts.failed === 1) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect((await describeMapRun(caller(), { mapRunArn })).status).toBe("RUNNING");
    await updateMapRun(caller(), { mapRunArn, toleratedFailureCount: 0 });
    expect((await describeMapRun(caller(), { mapRunArn })).status).toBe("FAILED");
    const d = await waitForExecution(t.tenant, executionArn);
    expect(d).toMatchObject({ status: "FAILED", error: "States.ExceedToleratedFailureThreshold" });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "../../db";
import { stopBoss } from "../../jobs/boss";
import { stopListening } from "../../platform/listen";
import { createTestTenant, type TestTenant } from "../../../tests/helpers/fixtures";
import { insertStateMachine, waitForExecution } from "../../../tests/helpers/workflows";
import { startExecutionRunner, type Runner } from "./executor/runner";
import { runStopChildren } from "./executor/abort";
import { pool } from "../../db";
import {
  describeExecution,
  getExecutionHistory,
  listExecutions,
  listWaitingTaskTokens,
  sendTaskFailure,
  sendTaskSuccess,
  startExecution,
  stopExecution,
} from "./execution.service";

let t: TestTenant;
let runner: Runner;
const caller = () => ({ tenant: t.tenant });

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

async function run(definition: object, input: unknown = {}, type?: "STANDARD" | "EXPRESS") {
  const sm = await insertStateMachine(t.tenant, definition, { type });
  const { executionArn } = await startExecution(caller(), { stateMachineArn: sm, input: JSON.stringify(input) });
  const d = await waitForExecution(t.tenant, executionArn);
  return { sm, executionArn, d };
}

const types = async (executionArn: string) =>
  (await getExecutionHistory(caller(), { executionArn, maxResults: 1000 })).events.map((e) => e.type);

describe("STANDARD executions: pure states", () => {
  it("runs Pass → Choice → Succeed with JSONPath and records AWS's history", async () => {
    const { executionArn, d } = await run(
      {
        StartAt: "P",
        States: {
          P: { Type: "Pass", Parameters: { "n.$": "$.n", k: 1 }, Next: "C" },
          C: {
            Type: "Choice",
            Choices: [{ Variable: "$.n", NumericGreaterThan: 5, Next: "Big" }],
            Default: "Small",
          },
          Big: { Type: "Pass", Result: "big", End: true },
          Small: { Type: "Succeed" },
        },
      },
      { n: 7 },
    );
    expect(d.status).toBe("SUCCEEDED");
    expect(JSON.parse(d.output!)).toBe("big");
    expect(await types(executionArn)).toEqual([
      "ExecutionStarted",
      "PassStateEntered",
      "PassStateExited",
      "ChoiceStateEntered",
      "ChoiceStateExited",
      "PassStateEntered",
      "PassStateExited",
      "ExecutionSucceeded",
    ]);
    const h = await getExecutionHistory(caller(), { executionArn });
    expect(h.events[0]).toMatchObject({
      id: 1,
      previousEventId: 0,
      executionStartedEventDetails: { input: '{"n":7}', inputDetails: { truncated: false } },
    });
    expect(h.events[1]).toMatchObject({
      id: 2,
      previousEventId: 1,
      stateEnteredEventDetails: { name: "P", input: '{"n":7}' },
    });
    expect(h.events[2]).toMatchObject({ stateExitedEventDetails: { name: "P", output: '{"n":7,"k":1}' } });
    const rev = await getExecutionHistory(caller(), { executionArn, reverseOrder: true, maxResults: 2 });
    expect(rev.events.map((e) => e.id)).toEqual([8, 7]);
    expect(rev.nextToken).toBeDefined();
    const next = await getExecutionHistory(caller(), { executionArn, reverseOrder: true, nextToken: rev.nextToken });
    expect(next.events[0]!.id).toBe(6);
    const noData = await getExecutionHistory(caller(), { executionArn, includeExecutionData: false });
    expect(noData.events[1]).toEqual(expect.objectContaining({ stateEnteredEventDetails: { name: "P" } }));
  });

  it("runs JSONata states with Assign (variables) and Output", async () => {
    const { d } = await run(
      {
        QueryLanguage: "JSONata",
        StartAt: "A",
        States: {
          A: { Type: "Pass", Assign: { total: "{% $states.input.a + $states.input.b %}" }, Next: "B" },
          B: { Type: "Pass", Output: { sum: "{% $total %}" }, End: true },
        },
      },
      { a: 2, b: 3 },
    );
    expect(d.status).toBe("SUCCEEDED");
    expect(JSON.parse(d.output!)).toEqual({ sum: 5 });
  });

  it("fails with a Fail state's error and cause", async () => {
    const { executionArn, d } = await run({
      StartAt: "F",
      States: { F: { Type: "Fail", Error: "Bad", Cause: "because" } },
    });
    expect(d).toMatchObject({ status: "FAILED", error: "Bad", cause: "because" });
    expect(await types(executionArn)).toEqual(["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]);
  });

  it("records States.Runtime with the state and entered event in the cause", async () => {
    const { d } = await run({ StartAt: "P", States: { P: { Type: "Pass", InputPath: "$.missing", End: true } } });
    expect(d.status).toBe("FAILED");
    expect(d.error).toBe("States.Runtime");
    expect(d.cause).toMatch(/^An error occurred while executing the state 'P' \(entered at the event id #2\)\./);
  });

  it("waits through a durable wake-up (Wait Seconds) and records WaitStateEntered/Exited", async () => {
    const { executionArn, d } = await run({
      StartAt: "W",
      States: { W: { Type: "Wait", Seconds: 1, Next: "Done" }, Done: { Type: "Succeed" } },
    });
    expect(d.status).toBe("SUCCEEDED");
    const h = (await getExecutionHistory(caller(), { executionArn })).events;
    expect(h.map((e) => e.type)).toEqual([
      "ExecutionStarted",
      "WaitStateEntered",
      "WaitStateExited",
      "SucceedStateEntered",
      "SucceedStateExited",
      "ExecutionSucceeded",
    ]);
    expect(h[2]!.timestamp.getTime() - h[1]!.timestamp.getTime()).toBeGreaterThanOrEqual(990);
  });
});

describe("tasks", () => {
  it("runs a local task (states:startExecution.sync:2) and completes the parent when the child ends", async () => {
    const child = await insertStateMachine(t.tenant, {
      StartAt: "P",
      States: { P: { Type: "Pass", Parameters: { "doubled.$": "States.MathAdd($.x, $.x)" }, End: true } },
    });
    const { executionArn, d } = await run(
      {
        StartAt: "Call",
        States: {
          Call: {
            Type: "Task",
            Resource: "arn:aws:states:::states:startExecution.sync:2",
            Parameters: { StateMachineArn: child, "Input.$": "$" },
            ResultSelector: { "out.$": "$.Output" },
            End: true,
          },
        },
      },
      { x: 21 },
    );
    expect(d.status).toBe("SUCCEEDED");
    expect(JSON.parse(d.output!)).toEqual({ out: { doubled: 42 } });
    expect(await types(executionArn)).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSubmitted",
      "TaskSucceeded",
      "TaskStateExited",
      "ExecutionSucceeded",
    ]);
    const h = (await getExecutionHistory(caller(), { executionArn })).events;
    const submitted = JSON.parse(
      (h[4] as unknown as { taskSubmittedEventDetails: { output: string } }).taskSubmittedEventDetails.output,
    ) as { ExecutionArn: string };
    expect(submitted.ExecutionArn).toMatch(/:execution:/);
    expect(h[2]).toMatchObject({
      taskScheduledEventDetails: { resourceType: "states", resource: "startExecution.sync:2", region: "us-east-1" },
    });
    const children = await listExecutions(caller(), { stateMachineArn: child });
    expect(children.executions).toHaveLength(1);
    expect(children.executions[0]!.status).toBe("SUCCEEDED");
  });

  it("waits for a task token and resumes on SendTaskSuccess / fails on SendTaskFailure", async () => {
    const child = await insertStateMachine(t.tenant, {
      StartAt: "P",
      States: { P: { Type: "Pass", End: true } },
    });
    const def = {
      StartAt: "Ask",
      States: {
        Ask: {
          Type: "Task",
          Resource: "arn:aws:states:::states:startExecution.waitForTaskToken",
          Parameters: { StateMachineArn: child, Input: { "token.$": "$$.Task.Token" } },
          End: true,
        },
      },
    };
    const sm = await insertStateMachine(t.tenant, def);
    const a = await startExecution(caller(), { stateMachineArn: sm });
    const b = await startExecution(caller(), { stateMachineArn: sm });
    let tokens: Awaited<ReturnType<typeof listWaitingTaskTokens>> = [];
    for (let i = 0; i < 400 && tokens.length === 0; i++) {
      tokens = await listWaitingTaskTokens(caller(), a.executionArn);
      if (!tokens.length) await new Promise((r) => setTimeout(r, 25));
    }
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.stateName).toBe("Ask");
    await sendTaskSuccess(caller(), { taskToken: tokens[0]!.taskToken, output: '{"approved":true}' });
    await expect(sendTaskSuccess(caller(), { taskToken: tokens[0]!.taskToken, output: "{}" })).rejects.toMatchObject({
      awsCode: "TaskDoesNotExist",
    });
    await expect(sendTaskSuccess(caller(), { taskToken: "nope", output: "{}" })).rejects.toMatchObject({
      awsCode: "InvalidToken",
    });
    await expect(sendTaskSuccess(caller(), { taskToken: tokens[0]!.taskToken, output: "{bad" })).rejects.toMatchObject({
      awsCode: "InvalidOutput",
    });
    const da = await waitForExecution(t.tenant, a.executionArn);
    expect(da.status).toBe("SUCCEEDED");
    expect(JSON.parse(da.output!)).toEqual({ approved: true });

    let tb: Awaited<ReturnType<typeof listWaitingTaskTokens>> = [];
    for (let i = 0; i < 400 && tb.length === 0; i++) {
      tb = await listWaitingTaskTokens(caller(), b.executionArn);
      if (!tb.length) await new Promise((r) => setTimeout(r, 25));
    }
    // Another tenant cannot use the token.
    const other = await createTestTenant();
    await expect(
      sendTaskFailure({ tenant: other.tenant }, { taskToken: tb[0]!.taskToken, error: "X" }),
    ).rejects.toMatchObject({ awsCode: "TaskDoesNotExist" });
    await sendTaskFailure(caller(), { taskToken: tb[0]!.taskToken, error: "Rejected", cause: "no" });
    const db = await waitForExecution(t.tenant, b.executionArn);
    expect(db).toMatchObject({ status: "FAILED", error: "Rejected", cause: "no" });
  });
});

describe("service actions", () => {
  it("name idempotency, describe, list filters and stop", async () => {
    const sm = await insertStateMachine(t.tenant, {
      StartAt: "W",
      States: { W: { Type: "Wait", Seconds: 3600, End: true } },
    });
    const a = await startExecution(caller(), { stateMachineArn: sm, name: "same", input: '{"a":1}' });
    const again = await startExecution(caller(), { stateMachineArn: sm, name: "same", input: '{"a":1}' });
    expect(again.executionArn).toBe(a.executionArn);
    await expect(
      startExecution(caller(), { stateMachineArn: sm, name: "same", input: '{"a":2}' }),
    ).rejects.toMatchObject({ awsCode: "ExecutionAlreadyExists" });
    await expect(startExecution(caller(), { stateMachineArn: sm, input: "{bad" })).rejects.toMatchObject({
      awsCode: "InvalidExecutionInput",
    });
    await expect(startExecution(caller(), { stateMachineArn: sm, name: "a b" })).rejects.toMatchObject({
      awsCode: "InvalidName",
    });
    await expect(startExecution(caller(), { stateMachineArn: `${sm}-nope` })).rejects.toMatchObject({
      awsCode: "StateMachineDoesNotExist",
    });
    const d = await describeExecution(caller(), { executionArn: a.executionArn });
    expect(d).toMatchObject({
      executionArn: a.executionArn,
      stateMachineArn: sm,
      name: "same",
      status: "RUNNING",
      input: '{"a":1}',
      inputDetails: { included: true },
      redriveCount: 0,
      redriveStatus: "NOT_REDRIVABLE",
    });
    const stop = await stopExecution(caller(), { executionArn: a.executionArn, error: "E", cause: "C" });
    expect(stop.stopDate).toBeInstanceOf(Date);
    const after = await describeExecution(caller(), { executionArn: a.executionArn });
    expect(after).toMatchObject({ status: "ABORTED", error: "E", cause: "C", redriveStatus: "REDRIVABLE" });
    expect((await getExecutionHistory(caller(), { executionArn: a.executionArn })).events.pop()).toMatchObject({
      type: "ExecutionAborted",
      executionAbortedEventDetails: { error: "E", cause: "C" },
    });
    const aborted = await listExecutions(caller(), { stateMachineArn: sm, statusFilter: "ABORTED" });
    expect(aborted.executions.map((e) => e.executionArn)).toEqual([a.executionArn]);
    expect((await listExecutions(caller(), { stateMachineArn: sm, statusFilter: "RUNNING" })).executions).toEqual([]);
    await expect(
      describeExecution(caller(), { executionArn: a.executionArn.replace("same", "other") }),
    ).rejects.toMatchObject({ awsCode: "ExecutionDoesNotExist" });
  });

  it("stopping a parent stops its .sync child (after the commit) and a stopped execution stays stopped", async () => {
    const child = await insertStateMachine(t.tenant, {
      StartAt: "W",
      States: { W: { Type: "Wait", Seconds: 3600, End: true } },
    });
    const parent = await insertStateMachine(t.tenant, {
      StartAt: "Call",
      States: {
        Call: {
          Type: "Task",
          Resource: "arn:aws:states:::states:startExecution.sync",
          Parameters: { StateMachineArn: child },
          End: true,
        },
      },
    });
    const p = await startExecution(caller(), { stateMachineArn: parent });
    let kids: Awaited<ReturnType<typeof listExecutions>>["executions"] = [];
    for (let i = 0; i < 400 && kids.length === 0; i++) {
      kids = (await listExecutions(caller(), { stateMachineArn: child })).executions;
      if (!kids.length) await new Promise((r) => setTimeout(r, 25));
    }
    expect(kids).toHaveLength(1);
    const { stopDate } = await stopExecution(caller(), { executionArn: p.executionArn });
    const again = await stopExecution(caller(), { executionArn: p.executionArn });
    expect(again.stopDate.getTime()).toBe(stopDate.getTime());
    const { rows } = await pool().query<{ id: string }>(`SELECT id FROM executions WHERE arn = $1`, [p.executionArn]);
    await runStopChildren({ executionId: rows[0]!.id });
    const k = await describeExecution(caller(), { executionArn: kids[0]!.executionArn });
    expect(k.status).toBe("ABORTED");
    expect((await describeExecution(caller(), { executionArn: p.executionArn })).status).toBe("ABORTED");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "../../db";
import { stopBoss } from "../../jobs/boss";
import { stopListening } from "../../platform/listen";
import {
  addMember,
  createTestTenant,
  createTestUser,
  uniqueName,
  type TestTenant,
} from "../../../tests/helpers/fixtures";
import { startExecutionRunner, type Runner } from "./executor/runner";
import type { Actor } from "../../auth/permissions";
import { createQueue, urlOf } from "../queues/queue.service";
import {
  consoleCreateMachine,
  consoleExecution,
  consoleExecutions,
  consoleMachine,
  consoleMachines,
  consolePublishVersion,
  consoleCreateAlias,
  consoleRedriveExecution,
  consoleSendTaskSuccess,
  consoleStartExecution,
  consoleStopExecution,
  consoleTestState,
  consoleUpdateMachine,
  consoleValidate,
} from "./workflows.console";
import { testStateInput } from "./workflows.console-schemas";

// The console's workflows service (what trpc.workflows.* calls) against real PostgreSQL and the
// executor: the catalog and execution services mapped to the pages' shapes, AWS's errors about one
// input as field errors, viewers reading but not acting, and a task token answered from the page.

let t: TestTenant;
let viewer: Actor;
let runner: Runner;

beforeAll(async () => {
  t = await createTestTenant();
  const u = await createTestUser();
  await addMember(t.tenant.id, u.id, "viewer");
  viewer = { type: "user", userId: u.id, email: u.email, role: "viewer" };
  runner = await startExecutionRunner();
  const { queue } = await createQueue(t.actor, t.tenant.id, { name: uniqueName("approvals") });
  approval = approvalOf(urlOf(queue, "http://127.0.0.1:3000"));
});
afterAll(async () => {
  await runner.stop();
  await stopListening();
  await stopBoss();
  await closeDb();
});

async function rejected(
  p: Promise<unknown>,
): Promise<{ message: string; fieldErrors?: Record<string, string[]>; code?: string }> {
  try {
    await p;
  } catch (err) {
    return err as { message: string; fieldErrors?: Record<string, string[]>; code?: string };
  }
  throw new Error("expected an error");
}

async function settled(machine: string, execution: string) {
  for (let i = 0; i < 300; i++) {
    const e = await consoleExecution(t.actor, t.tenant, { machine, execution });
    if (e.status !== "RUNNING" || e.waitingTokens.length > 0) return e;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("execution did not settle");
}

const approvalOf = (queueUrl: string) => ({
  StartAt: "Prepare",
  States: {
    Prepare: { Type: "Pass", Parameters: { "order.$": "$.order" }, Next: "Approve" },
    Approve: {
      Type: "Task",
      Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      Parameters: { QueueUrl: queueUrl, "MessageBody.$": "$$.Task.Token" },
      Next: "Done",
    },
    Done: { Type: "Succeed" },
  },
});
let approval: ReturnType<typeof approvalOf>;

describe("workflows console service", () => {
  it("validates live with locations, and refuses an invalid definition as a field error", async () => {
    const v = consoleValidate(
      t.actor,
      t.tenant,
      JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", Next: "B" } } }),
    );
    expect(v.result).toBe("FAIL");
    expect(v.diagnostics).toContainEqual(
      expect.objectContaining({ code: "MISSING_TRANSITION_TARGET", location: "/States/A/Next" }),
    );
    const bad = await rejected(
      consoleCreateMachine(t.actor, t.tenant, {
        name: uniqueName("bad"),
        type: "STANDARD",
        definition: '{"StartAt":"X","States":{}}',
      }),
    );
    expect(bad.fieldErrors?.definition?.[0]).toMatch(/Invalid State Machine Definition/);
    expect(await consoleMachines(t.actor, t.tenant)).toEqual([]);
  });

  it("creates, lists, versions and aliases a machine; viewers read it but cannot change or start it", async () => {
    const name = uniqueName("flow");
    const made = await consoleCreateMachine(t.actor, t.tenant, {
      name,
      type: "STANDARD",
      definition: JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", End: true } } }),
    });
    expect(made.arn).toBe(`arn:aws:states:us-east-1:${t.tenant.accountId}:stateMachine:${name}`);
    const dup = await rejected(
      consoleCreateMachine(t.actor, t.tenant, {
        name,
        type: "STANDARD",
        definition: '{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}',
      }),
    );
    expect(dup.fieldErrors?.name?.[0]).toMatch(/Already Exists/);
    await consolePublishVersion(t.actor, t.tenant, { machine: name, description: "first" });
    const upd = await consoleUpdateMachine(t.actor, t.tenant, {
      machine: name,
      definition: JSON.stringify({ StartAt: "B", States: { B: { Type: "Succeed" } } }),
      publish: true,
    });
    expect(upd.versionArn).toBe(`${made.arn}:2`);
    await consoleCreateAlias(t.actor, t.tenant, { machine: name, name: "PROD", version: 1 });
    const m = await consoleMachine(viewer, t.tenant, name);
    expect(m.versions.map((v) => [v.version, v.description])).toEqual([
      [2, ""],
      [1, "first"],
    ]);
    expect(m.aliases).toEqual([
      expect.objectContaining({ name: "PROD", routing: [{ stateMachineVersionArn: `${made.arn}:1`, weight: 100 }] }),
    ]);
    expect(JSON.parse(m.definition).StartAt).toBe("B");
    expect((await consoleMachines(viewer, t.tenant)).map((x) => x.name)).toContain(name);
    expect((await rejected(consoleStartExecution(viewer, t.tenant, { machine: name, input: "{}" }))).message).toMatch(
      /does not allow resource write/,
    );
    expect(
      (await rejected(consoleUpdateMachine(viewer, t.tenant, { machine: name, definition: m.definition }))).message,
    ).toMatch(/does not allow/);
    // Through the alias: version 1 (A, a Pass) runs, not the latest revision.
    const run = await consoleStartExecution(t.actor, t.tenant, { machine: name, qualifier: "PROD", input: '{"x":1}' });
    const e = await settled(name, run.name);
    expect(e.status).toBe("SUCCEEDED");
    expect(e.aliasArn).toBe(`${made.arn}:PROD`);
    expect(e.events.map((x) => x.type)).toEqual([
      "ExecutionStarted",
      "PassStateEntered",
      "PassStateExited",
      "ExecutionSucceeded",
    ]);
  });

  it("runs an approval: the waiting token is listed, answered from the page, and the execution finishes", async () => {
    const name = uniqueName("approve");
    await consoleCreateMachine(t.actor, t.tenant, { name, type: "STANDARD", definition: JSON.stringify(approval) });
    const bad = await rejected(
      consoleStartExecution(t.actor, t.tenant, { machine: name, name: "has space", input: "{}" }),
    );
    expect(bad.fieldErrors?.name).toBeDefined();
    const run = await consoleStartExecution(t.actor, t.tenant, {
      machine: name,
      name: "order-1",
      input: '{"order":7}',
    });
    expect(run.name).toBe("order-1");
    const waiting = await settled(name, "order-1");
    expect(waiting.status).toBe("RUNNING");
    expect(waiting.waitingTokens).toHaveLength(1);
    const token = waiting.waitingTokens[0]!;
    expect(token.stateName).toBe("Approve");
    expect((await consoleExecutions(viewer, t.tenant, { machine: name, status: "RUNNING" })).items).toEqual([
      expect.objectContaining({ name: "order-1", status: "RUNNING", machineName: name }),
    ]);
    const badOutput = await rejected(
      consoleSendTaskSuccess(t.actor, t.tenant, {
        machine: name,
        execution: "order-1",
        taskToken: "nope",
        output: "{}",
      }),
    );
    expect(badOutput.message).toBe("Task Does Not Exist");
    await consoleSendTaskSuccess(t.actor, t.tenant, {
      machine: name,
      execution: "order-1",
      taskToken: token.taskToken,
      output: '{"approved":true}',
    });
    const done = await settled(name, "order-1");
    expect(done.status).toBe("SUCCEEDED");
    expect(JSON.parse(done.output!)).toEqual({ approved: true });
    expect(done.waitingTokens).toEqual([]);
    // Filters: by status and by name prefix, across all machines.
    expect(
      (await consoleExecutions(t.actor, t.tenant, { status: "SUCCEEDED", namePrefix: "order-" })).items.map(
        (e) => e.name,
      ),
    ).toEqual(["order-1"]);
    expect((await consoleExecutions(t.actor, t.tenant, { machine: name, status: "FAILED" })).items).toEqual([]);
  });

  it("redrives an execution whose queue did not exist, once it does: it resumes at the failed task and succeeds", async () => {
    const name = uniqueName("late");
    const queueName = uniqueName("late-q");
    const url = `http://127.0.0.1:3000/${t.tenant.accountId}/${queueName}`;
    await consoleCreateMachine(t.actor, t.tenant, {
      name,
      type: "STANDARD",
      definition: JSON.stringify({
        StartAt: "Prepare",
        States: {
          Prepare: { Type: "Pass", Result: { sku: "A-1" }, ResultPath: "$.item", Next: "Notify" },
          Notify: {
            Type: "Task",
            Resource: "arn:aws:states:::sqs:sendMessage",
            Parameters: { QueueUrl: url, "MessageBody.$": "States.JsonToString($.item)" },
            End: true,
          },
        },
      }),
    });
    const run = await consoleStartExecution(t.actor, t.tenant, { machine: name, input: "{}" });
    const failed = await settled(name, run.name);
    expect(failed).toMatchObject({ status: "FAILED", error: "SQS.QueueDoesNotExistException" });
    await createQueue(t.actor, t.tenant.id, { name: queueName });
    await consoleRedriveExecution(t.actor, t.tenant, { machine: name, execution: run.name });
    const done = await settled(name, run.name);
    expect(done).toMatchObject({ status: "SUCCEEDED", redriveCount: 1 });
  });

  it("stops a waiting execution, then redrives it to wait again", async () => {
    const name = uniqueName("stop");
    await consoleCreateMachine(t.actor, t.tenant, { name, type: "STANDARD", definition: JSON.stringify(approval) });
    const run = await consoleStartExecution(t.actor, t.tenant, { machine: name, input: '{"order":1}' });
    await settled(name, run.name);
    await consoleStopExecution(t.actor, t.tenant, {
      machine: name,
      execution: run.name,
      error: "Manual",
      cause: "test",
    });
    const e = await consoleExecution(t.actor, t.tenant, { machine: name, execution: run.name });
    expect(e).toMatchObject({ status: "ABORTED", error: "Manual", cause: "test", redrivable: true, waitingTokens: [] });
    // Redrive resumes from the state that did not finish: it waits for a (new) token again.
    await consoleRedriveExecution(t.actor, t.tenant, { machine: name, execution: run.name });
    const again = await settled(name, run.name);
    expect(again).toMatchObject({ status: "RUNNING", redriveCount: 1, redrivable: false });
    expect(again.waitingTokens.map((w) => w.stateName)).toEqual(["Approve"]);
    expect(again.events.map((x) => x.type)).toContain("ExecutionRedriven");
    expect(
      (await rejected(consoleRedriveExecution(viewer, t.tenant, { machine: name, execution: run.name }))).message,
    ).toMatch(/does not allow/);
  });

  it("tests one state with TestState", async () => {
    const r = await consoleTestState(t.actor, t.tenant, {
      definition: JSON.stringify({ Type: "Pass", Parameters: { "doubled.$": "States.MathAdd($.n, $.n)" }, Next: "X" }),
      input: '{"n":21}',
    });
    expect(r).toMatchObject({ status: "SUCCEEDED", nextState: "X" });
    expect(JSON.parse(r.output!)).toEqual({ doubled: 42 });
    expect(r.inspectionData).toBeTruthy();
  });

  it("tests a Map state with a mock result, and asks for one without it", async () => {
    const definition = JSON.stringify({
      Type: "Map",
      ItemProcessor: { StartAt: "P", States: { P: { Type: "Pass", End: true } } },
      End: true,
    });
    const r = await consoleTestState(t.actor, t.tenant, { definition, input: "[1,2]", mockResult: '["a","b"]' });
    expect(r).toMatchObject({ status: "SUCCEEDED", output: '["a","b"]' });
    await expect(consoleTestState(t.actor, t.tenant, { definition, input: "[1,2]" })).rejects.toThrow(
      /requires a mock/,
    );
    expect(testStateInput.safeParse({ tenant: "x", definition, input: "[]", mockResult: "{nope" }).success).toBe(false);
  });
});

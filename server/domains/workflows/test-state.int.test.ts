import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "../../db";
import { createTestTenant, type TestTenant } from "../../../tests/helpers/fixtures";
import { testState, type TestStateInput } from "./test-state";

// TestState with a mock, as AWS runs it since the mocking release: Map and Parallel states only with
// a mock (their iterations / branches do not run; the mock is their result), a Task's resource not
// called at all (so activities, .sync and .waitForTaskToken can be tested), errorOutput through
// Retry/Catch. Bad mocks are refused with ValidationException.

let t: TestTenant;
const ROLE = "arn:aws:iam::123456789012:role/StepFunctionsRole";
beforeAll(async () => {
  t = await createTestTenant();
});
afterAll(async () => {
  await closeDb();
});

const caller = () => ({ tenant: t.tenant, actor: t.actor });
const run = (definition: object, rest: Partial<TestStateInput> = {}) =>
  testState(caller(), { definition: JSON.stringify(definition), roleArn: ROLE, ...rest });

async function refusal(p: Promise<unknown>): Promise<{ awsCode?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { awsCode?: string; message: string };
  }
  throw new Error("expected a refusal");
}

const MAP = {
  Type: "Map",
  ItemsPath: "$.items",
  ItemProcessor: { StartAt: "P", States: { P: { Type: "Pass", End: true } } },
  ResultSelector: { "count.$": "States.ArrayLength($)" },
  ResultPath: "$.summary",
  Next: "After",
};

const PARALLEL = {
  Type: "Parallel",
  Branches: [
    { StartAt: "A", States: { A: { Type: "Pass", End: true } } },
    { StartAt: "B", States: { B: { Type: "Pass", End: true } } },
  ],
  Retry: [{ ErrorEquals: ["Flaky"], MaxAttempts: 2 }],
  Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.err", Next: "Recover" }],
  End: true,
};

describe("TestState with a mock", () => {
  it("refuses a Map or Parallel state without a mock, as AWS does", async () => {
    for (const def of [MAP, PARALLEL]) {
      const e = await refusal(run(def, { input: '{"items":[1]}' }));
      expect(e.awsCode).toBe("ValidationException");
      expect(e.message).toMatch(/requires a mock/);
    }
  });

  it("runs a Map state with the mock as the result of its iterations, through ResultSelector and ResultPath", async () => {
    const r = await run(MAP, {
      input: '{"items":[1,2,3]}',
      mock: { result: '[{"x":1},{"x":2},{"x":3}]' },
      inspectionLevel: "DEBUG",
    });
    expect(r).toMatchObject({ status: "SUCCEEDED", nextState: "After" });
    expect(JSON.parse(r.output!)).toEqual({ items: [1, 2, 3], summary: { count: 3 } });
    expect(r.inspectionData).toMatchObject({
      input: '{"items":[1,2,3]}',
      result: '[{"x":1},{"x":2},{"x":3}]',
      afterResultSelector: '{"count":3}',
      afterResultPath: '{"items":[1,2,3],"summary":{"count":3}}',
    });
  });

  it("runs a Parallel state with a mocked error through its Retry and Catch", async () => {
    const retriable = await run(PARALLEL, { mock: { errorOutput: { error: "Flaky", cause: "once" } } });
    expect(retriable).toMatchObject({ status: "RETRIABLE", error: "Flaky", cause: "once" });
    const caught = await run(PARALLEL, { input: '{"a":1}', mock: { errorOutput: { error: "Boom", cause: "x" } } });
    expect(caught).toMatchObject({ status: "CAUGHT_ERROR", nextState: "Recover", error: "Boom" });
    expect(JSON.parse(caught.output!)).toEqual({ a: 1, err: { Error: "Boom", Cause: "x" } });
    const ok = await run(PARALLEL, { mock: { result: '["a","b"]' } });
    expect(ok).toMatchObject({ status: "SUCCEEDED", output: '["a","b"]' });
  });

  it("tests a Task without calling its resource: an activity and a .waitForTaskToken integration", async () => {
    const activity = `arn:aws:states:us-east-1:${t.tenant.accountId}:activity:never-created`;
    const a = await run(
      { Type: "Task", Resource: activity, ResultPath: "$.r", End: true },
      { input: '{"n":1}', mock: { result: '{"done":true}' } },
    );
    expect(a).toMatchObject({ status: "SUCCEEDED" });
    expect(JSON.parse(a.output!)).toEqual({ n: 1, r: { done: true } });
    const cb = await run(
      {
        Type: "Task",
        Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        Parameters: { QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/none", MessageBody: "x" },
        End: true,
      },
      { mock: { errorOutput: { error: "States.Timeout", cause: "" } } },
    );
    expect(cb).toMatchObject({ status: "FAILED", error: "States.Timeout" });
    // Without a mock these stay refused (they would wait for a worker or a callback).
    expect((await refusal(run({ Type: "Task", Resource: activity, End: true }))).awsCode).toBe("ValidationException");
  });

  it("refuses a bad mock and changes nothing", async () => {
    const bad: Array<[object, TestStateInput["mock"], RegExp]> = [
      [{ Type: "Pass", End: true }, { result: "{}" }, /only Task, Map and Parallel/],
      [MAP, { result: "{}", errorOutput: { error: "E" } }, /exactly one/],
      [MAP, {}, /exactly one/],
      [MAP, { result: "{not json" }, /Invalid mock result/],
      [MAP, { result: '{"a":1}' }, /must be a JSON array/],
      [PARALLEL, { errorOutput: { cause: "no error" } }, /must contain an error/],
    ];
    for (const [def, mock, message] of bad) {
      const e = await refusal(run(def, { input: '{"items":[]}', mock }));
      expect(e.awsCode).toBe("ValidationException");
      expect(e.message).toMatch(message);
    }
    const mode = await refusal(run(MAP, { mock: { result: "[]", fieldValidationMode: "LOOSE" } }));
    expect(mode.awsCode).toBe("ValidationException");
    const shape = await refusal(run(MAP, { mock: { result: 1 as unknown as string } }));
    expect(shape.awsCode).toBe("SerializationException");
  });
});

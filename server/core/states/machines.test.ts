import { describe, expect, it } from "vitest";
import { runMachine } from "./testing/run-machine";
import { StatesError, type Json, type JsonObject } from "./types";

const LAMBDA = "arn:aws:states:::lambda:invoke";
const fail = (error: string, cause: string) => {
  throw new StatesError(error, cause);
};

describe("JSONPath state machines run by the pure step function", () => {
  it("Pass chain: Result, ResultPath, Parameters, InputPath, OutputPath", async () => {
    const def: JsonObject = {
      StartAt: "A",
      States: {
        A: { Type: "Pass", Result: { x: 1 }, ResultPath: "$.fromA", Next: "B" },
        B: {
          Type: "Pass",
          InputPath: "$.fromA",
          Parameters: { "doubled.$": "States.MathAdd($.x, $.x)", label: "b" },
          ResultPath: "$.b",
          Next: "C",
        },
        C: { Type: "Pass", OutputPath: "$.b", End: true },
      },
    };
    const r = await runMachine(def, { orig: true });
    expect(r).toMatchObject({ status: "SUCCEEDED", output: { doubled: 2, label: "b" }, trace: ["A", "B", "C"] });
  });

  it("Choice with Default and NoChoiceMatched", async () => {
    const def = (withDefault: boolean): JsonObject => ({
      StartAt: "Pick",
      States: {
        Pick: {
          Type: "Choice",
          Choices: [
            { Variable: "$.kind", StringEquals: "a", Next: "IsA" },
            {
              And: [
                { Variable: "$.n", IsPresent: true },
                { Variable: "$.n", NumericGreaterThan: 10 },
              ],
              Next: "Big",
            },
          ],
          ...(withDefault ? { Default: "Other" } : {}),
        },
        IsA: { Type: "Pass", Result: "a", End: true },
        Big: { Type: "Pass", Result: "big", End: true },
        Other: { Type: "Succeed" },
      },
    });
    expect(await runMachine(def(true), { kind: "a" })).toMatchObject({ output: "a" });
    expect(await runMachine(def(true), { kind: "b", n: 11 })).toMatchObject({ output: "big" });
    expect(await runMachine(def(true), { kind: "b" })).toMatchObject({ status: "SUCCEEDED", output: { kind: "b" } });
    expect(await runMachine(def(false), { kind: "b" })).toMatchObject({
      status: "FAILED",
      error: "States.NoChoiceMatched",
      cause: "No Matches!",
    });
  });

  it("Wait: Seconds, SecondsPath, Timestamp, TimestampPath", async () => {
    const def: JsonObject = {
      StartAt: "W1",
      States: {
        W1: { Type: "Wait", Seconds: 10, Next: "W2" },
        W2: { Type: "Wait", SecondsPath: "$.delay", Next: "W3" },
        W3: { Type: "Wait", Timestamp: "2026-01-01T00:01:00Z", Next: "W4" },
        W4: { Type: "Wait", TimestampPath: "$.at", End: true },
      },
    };
    const r = await runMachine(def, { delay: 5, at: "2026-01-01T00:02:00Z" });
    expect(r).toMatchObject({ status: "SUCCEEDED", waits: [10, 5, 45, 60] });
    const bad = await runMachine(def, { delay: -1, at: "x" });
    expect(bad).toMatchObject({ status: "FAILED", error: "States.Runtime" });
  });

  it("Task: Parameters, ResultSelector, ResultPath, retries with backoff, then success", async () => {
    const def: JsonObject = {
      StartAt: "Call",
      States: {
        Call: {
          Type: "Task",
          Resource: LAMBDA,
          Parameters: { FunctionName: "f", "Payload.$": "$" },
          ResultSelector: { "value.$": "$.Payload.v" },
          ResultPath: "$.res",
          Retry: [
            { ErrorEquals: ["Lambda.TooManyRequestsException"], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 3 },
          ],
          End: true,
        },
      },
    };
    const seen: Json[] = [];
    const r = await runMachine(
      def,
      { id: 7 },
      {
        tasks: {
          [LAMBDA]: (input, call) => {
            seen.push(input);
            return call < 3 ? fail("Lambda.TooManyRequestsException", "slow down") : { Payload: { v: 42 } };
          },
        },
      },
    );
    expect(r).toMatchObject({ status: "SUCCEEDED", output: { id: 7, res: { value: 42 } }, waits: [2, 6] });
    expect(seen[0]).toEqual({ FunctionName: "f", Payload: { id: 7 } });
  });

  it("Task: exhausted retries fall to Catch with ResultPath; uncaught errors fail the execution", async () => {
    const def: JsonObject = {
      StartAt: "Call",
      States: {
        Call: {
          Type: "Task",
          Resource: LAMBDA,
          Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 1 }],
          Catch: [{ ErrorEquals: ["Custom"], ResultPath: "$.error", Next: "Handle" }],
          End: true,
        },
        Handle: { Type: "Pass", End: true },
      },
    };
    const caught = await runMachine(def, { a: 1 }, { tasks: { [LAMBDA]: () => fail("Custom", "boom") } });
    expect(caught).toMatchObject({
      status: "SUCCEEDED",
      output: { a: 1, error: { Error: "Custom", Cause: "boom" } },
      trace: ["Call", "Handle"],
      waits: [1],
    });
    const uncaught = await runMachine(def, {}, { tasks: { [LAMBDA]: () => fail("Other", "nope") } });
    expect(uncaught).toMatchObject({ status: "FAILED", error: "Other", cause: "nope" });
  });

  it("States.Runtime is neither retried nor caught", async () => {
    const def: JsonObject = {
      StartAt: "Call",
      States: {
        Call: {
          Type: "Task",
          Resource: LAMBDA,
          InputPath: "$.missing",
          Retry: [{ ErrorEquals: ["States.ALL"] }],
          Catch: [{ ErrorEquals: ["States.ALL"], Next: "H" }],
          End: true,
        },
        H: { Type: "Succeed" },
      },
    };
    const r = await runMachine(def, { a: 1 }, { tasks: { [LAMBDA]: () => 1 } });
    expect(r).toMatchObject({
      status: "FAILED",
      error: "States.Runtime",
      cause: "Invalid path '$.missing' : No results for path: $['missing']",
    });
  });

  it("Fail: Error/Cause and ErrorPath/CausePath (path or intrinsic)", async () => {
    const r1 = await runMachine({ StartAt: "F", States: { F: { Type: "Fail", Error: "E", Cause: "C" } } }, {});
    expect(r1).toMatchObject({ status: "FAILED", error: "E", cause: "C" });
    const bare = await runMachine({ StartAt: "F", States: { F: { Type: "Fail" } } }, {});
    expect(bare).toEqual(expect.objectContaining({ status: "FAILED", error: undefined, cause: undefined }));
    const r2 = await runMachine(
      {
        StartAt: "F",
        States: { F: { Type: "Fail", ErrorPath: "$.code", CausePath: "States.Format('bad {}', $.id)" } },
      },
      { code: "X", id: 3 },
    );
    expect(r2).toMatchObject({ status: "FAILED", error: "X", cause: "bad 3" });
  });

  it("Parallel: branch outputs in order, ResultSelector over the array", async () => {
    const def: JsonObject = {
      StartAt: "P",
      States: {
        P: {
          Type: "Parallel",
          Branches: [
            { StartAt: "B1", States: { B1: { Type: "Pass", Parameters: { "v.$": "$.n" }, End: true } } },
            { StartAt: "B2", States: { B2: { Type: "Pass", Result: "two", End: true } } },
          ],
          ResultPath: "$.results",
          End: true,
        },
      },
    };
    expect(await runMachine(def, { n: 1 })).toMatchObject({ output: { n: 1, results: [{ v: 1 }, "two"] } });
  });

  it("Parallel: a failing branch fails the state, and Catch sees its error", async () => {
    const def: JsonObject = {
      StartAt: "P",
      States: {
        P: {
          Type: "Parallel",
          Branches: [{ StartAt: "F", States: { F: { Type: "Fail", Error: "BranchFailed", Cause: "c" } } }],
          Catch: [{ ErrorEquals: ["BranchFailed"], Next: "Recovered" }],
          End: true,
        },
        Recovered: { Type: "Pass", End: true },
      },
    };
    expect(await runMachine(def, {})).toMatchObject({
      status: "SUCCEEDED",
      output: { Error: "BranchFailed", Cause: "c" },
    });
  });

  it("Map: ItemsPath, ItemSelector with $$.Map.Item, ToleratedFailureCount", async () => {
    const def: JsonObject = {
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          ItemsPath: "$.orders",
          ItemSelector: { "index.$": "$$.Map.Item.Index", "order.$": "$$.Map.Item.Value", "customer.$": "$.customer" },
          ItemProcessor: {
            ProcessorConfig: { Mode: "INLINE" },
            StartAt: "Check",
            States: {
              Check: {
                Type: "Choice",
                Choices: [{ Variable: "$.order.qty", NumericGreaterThan: 0, Next: "Ok" }],
                Default: "Bad",
              },
              Ok: { Type: "Pass", Parameters: { "line.$": "States.Format('{}#{}', $.customer, $.index)" }, End: true },
              Bad: { Type: "Fail", Error: "Empty" },
            },
          },
          ToleratedFailureCount: 1,
          ResultPath: "$.lines",
          End: true,
        },
      },
    };
    const ok = await runMachine(def, { customer: "c1", orders: [{ qty: 1 }, { qty: 0 }, { qty: 2 }] });
    expect(ok).toMatchObject({ status: "SUCCEEDED", output: { lines: [{ line: "c1#0" }, null, { line: "c1#2" }] } });
    const tooMany = await runMachine(def, { customer: "c1", orders: [{ qty: 0 }, { qty: 0 }] });
    expect(tooMany).toMatchObject({ status: "FAILED", error: "States.ExceedToleratedFailureThreshold" });
  });

  it("Map: ItemsPath that is not an array is States.Runtime", async () => {
    const def: JsonObject = {
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          ItemsPath: "$.x",
          ItemProcessor: { StartAt: "P", States: { P: { Type: "Pass", End: true } } },
          End: true,
        },
      },
    };
    expect(await runMachine(def, { x: 1 })).toMatchObject({ status: "FAILED", error: "States.Runtime" });
  });

  it("variables: Assign with .$ paths, read later as $name, with the result of ResultSelector", async () => {
    const def: JsonObject = {
      StartAt: "Get",
      States: {
        Get: {
          Type: "Task",
          Resource: LAMBDA,
          ResultSelector: { "price.$": "$.Payload.price" },
          Assign: { "price.$": "$.price", "execName.$": "$$.Execution.Name", fixed: "x" },
          ResultPath: null,
          Next: "Use",
        },
        Use: {
          Type: "Pass",
          Parameters: { "p.$": "$price", "n.$": "$execName", "f.$": "$fixed", "id.$": "$.id" },
          End: true,
        },
      },
    };
    const r = await runMachine(def, { id: 1 }, { tasks: { [LAMBDA]: () => ({ Payload: { price: 9 } }) } });
    expect(r).toMatchObject({ status: "SUCCEEDED", output: { p: 9, n: "e", f: "x", id: 1 } });
  });

  it("variables: Assign sees the variables from before the state; an undefined variable is States.Runtime", async () => {
    const def: JsonObject = {
      StartAt: "A",
      States: {
        A: { Type: "Pass", Assign: { x: 1 }, Next: "B" },
        B: { Type: "Pass", Assign: { x: 2, "old.$": "$x" }, Next: "C" },
        C: { Type: "Pass", Parameters: { "x.$": "$x", "old.$": "$old" }, Next: "D" },
        D: { Type: "Pass", Parameters: { "y.$": "$nope" }, End: true },
      },
    };
    const r = await runMachine(def, {});
    expect(r).toMatchObject({ status: "FAILED", error: "States.Runtime" });
    const states = {
      ...(def.States as JsonObject),
      C: { Type: "Pass", Parameters: { "x.$": "$x", "old.$": "$old" }, End: true },
    };
    const upToC = await runMachine({ ...def, States: states }, {});
    expect(upToC).toMatchObject({ status: "SUCCEEDED", output: { x: 2, old: 1 } });
  });
});

describe("variables in JSONPath Choice rules and catchers", () => {
  it("a matched rule's Assign adds to the state's; a catcher's Assign reads the error output as $", async () => {
    const def: JsonObject = {
      StartAt: "C",
      States: {
        C: {
          Type: "Choice",
          Assign: { checked: true },
          Choices: [{ Variable: "$.n", NumericGreaterThan: 1, Assign: { "size.$": "$.n" }, Next: "T" }],
          Default: "T",
        },
        T: {
          Type: "Task",
          Resource: LAMBDA,
          Catch: [{ ErrorEquals: ["States.ALL"], Assign: { "why.$": "$.Cause" }, ResultPath: null, Next: "Done" }],
          End: true,
        },
        Done: {
          Type: "Pass",
          Parameters: { "checked.$": "$checked", "size.$": "$size", "why.$": "$why", "n.$": "$.n" },
          End: true,
        },
      },
    };
    const r = await runMachine(def, { n: 5 }, { tasks: { [LAMBDA]: () => fail("E", "it broke") } });
    expect(r).toMatchObject({ status: "SUCCEEDED", output: { checked: true, size: 5, why: "it broke", n: 5 } });
  });
});

describe("JSONata state machines", () => {
  it("Arguments, Output and Assign with $states.input/result/context", async () => {
    const def: JsonObject = {
      QueryLanguage: "JSONata",
      StartAt: "Call",
      States: {
        Call: {
          Type: "Task",
          Resource: LAMBDA,
          Arguments: {
            FunctionName: "f",
            Payload: { id: "{% $states.input.id %}", exec: "{% $states.context.Execution.Name %}" },
          },
          Assign: { total: "{% $states.result.Payload.n * 2 %}" },
          Output: { got: "{% $states.result.Payload.n %}", before: "{% $exists($total) %}" },
          Next: "Show",
        },
        Show: {
          Type: "Pass",
          Output: "{% {'total': $total, 'got': $states.input.got, 'before': $states.input.before} %}",
          End: true,
        },
      },
    };
    const seen: Json[] = [];
    const r = await runMachine(def, { id: 5 }, { tasks: { [LAMBDA]: (i) => (seen.push(i), { Payload: { n: 21 } }) } });
    expect(seen[0]).toEqual({ FunctionName: "f", Payload: { id: 5, exec: "e" } });
    expect(r).toMatchObject({ status: "SUCCEEDED", output: { total: 42, got: 21, before: false } });
  });

  it("Choice Condition, rule-level and state-level Assign", async () => {
    const def: JsonObject = {
      QueryLanguage: "JSONata",
      StartAt: "C",
      States: {
        C: {
          Type: "Choice",
          Assign: { seen: true },
          Choices: [{ Condition: "{% $states.input.n > 10 %}", Assign: { size: "big" }, Next: "Done" }],
          Default: "Small",
        },
        Small: { Type: "Pass", Assign: { size: "small" }, Next: "Done" },
        Done: { Type: "Pass", Output: { size: "{% $size %}", seen: "{% $seen %}" }, End: true },
      },
    };
    expect(await runMachine(def, { n: 11 })).toMatchObject({ output: { size: "big", seen: true } });
    expect(await runMachine(def, { n: 1 })).toMatchObject({ output: { size: "small", seen: true } });
  });

  it("Map with Items and ItemSelector, Step Functions' JSONata functions", async () => {
    const def: JsonObject = {
      QueryLanguage: "JSONata",
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          Items: "{% $range(1, 3, 1) %}",
          ItemSelector: { i: "{% $states.context.Map.Item.Index %}", v: "{% $states.context.Map.Item.Value %}" },
          ItemProcessor: {
            StartAt: "Sq",
            States: { Sq: { Type: "Pass", Output: "{% $states.input.v * $states.input.v %}", End: true } },
          },
          Output: {
            squares: "{% $states.result %}",
            parts: "{% $partition($states.result, 2) %}",
            h: "{% $hash('input data', 'SHA-1') %}",
            p: "{% $parse('{\"a\":1}') %}",
          },
          End: true,
        },
      },
    };
    expect(await runMachine(def, {})).toMatchObject({
      output: { squares: [1, 4, 9], parts: [[1, 4], [9]], h: "aaff4a450a104cd177d28d18d74485e8cae074b7", p: { a: 1 } },
    });
  });

  it("Catch with $states.errorOutput, Wait with expressions, Fail with expressions", async () => {
    const def: JsonObject = {
      QueryLanguage: "JSONata",
      StartAt: "Call",
      States: {
        Call: {
          Type: "Task",
          Resource: LAMBDA,
          Catch: [
            {
              ErrorEquals: ["States.ALL"],
              Output: { err: "{% $states.errorOutput.Error %}", input: "{% $states.input %}" },
              Next: "W",
            },
          ],
          End: true,
        },
        W: { Type: "Wait", Seconds: "{% 2 + 3 %}", Next: "F" },
        F: {
          Type: "Fail",
          Error: "{% $states.input.err %}",
          Cause: "{% 'input was ' & $string($states.input.input) %}",
        },
      },
    };
    const r = await runMachine(def, { a: 1 }, { tasks: { [LAMBDA]: () => fail("Boom", "x") } });
    expect(r).toMatchObject({ status: "FAILED", error: "Boom", cause: 'input was {"a":1}', waits: [5] });
  });

  it("an expression that returns nothing is States.QueryEvaluationError (catchable on a Task)", async () => {
    const def: JsonObject = {
      QueryLanguage: "JSONata",
      StartAt: "P",
      States: { P: { Type: "Pass", Output: "{% $states.input.missing %}", End: true } },
    };
    expect(await runMachine(def, {})).toMatchObject({
      status: "FAILED",
      error: "States.QueryEvaluationError",
      cause:
        "The JSONata expression '$states.input.missing' specified for the field 'Output' returned nothing (undefined).",
    });
    const nested: JsonObject = {
      QueryLanguage: "JSONata",
      StartAt: "P",
      States: { P: { Type: "Pass", Output: { Input: { where: "{% $states.input.pushLocation %}" } }, End: true } },
    };
    expect(await runMachine(nested, {})).toMatchObject({
      cause:
        "The JSONata expression '$states.input.pushLocation' specified for the field 'Output/Input/where' returned nothing (undefined).",
    });
    const t: JsonObject = {
      QueryLanguage: "JSONata",
      StartAt: "T",
      States: {
        T: {
          Type: "Task",
          Resource: LAMBDA,
          Arguments: "{% $states.input.missing %}",
          Catch: [{ ErrorEquals: ["States.QueryEvaluationError"], Next: "H" }],
          End: true,
        },
        H: { Type: "Pass", End: true },
      },
    };
    expect(await runMachine(t, {}, { tasks: { [LAMBDA]: () => 1 } })).toMatchObject({
      status: "SUCCEEDED",
      trace: ["T", "H"],
    });
  });

  it("a JSONPath machine can run one state in JSONata", async () => {
    const def: JsonObject = {
      StartAt: "A",
      States: {
        A: { Type: "Pass", Parameters: { "n.$": "$.n" }, Next: "B" },
        B: { Type: "Pass", QueryLanguage: "JSONata", Output: "{% $states.input.n + 1 %}", End: true },
      },
    };
    expect(await runMachine(def, { n: 1 })).toMatchObject({ output: 2 });
  });
});

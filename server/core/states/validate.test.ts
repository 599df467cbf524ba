import { describe, expect, it } from "vitest";
import { invalidDefinitionMessage, validateDefinition } from "./validate";
import type { JsonObject } from "./types";

const v = (def: unknown) => validateDefinition(typeof def === "string" ? def : JSON.stringify(def));
const codes = (def: unknown) => v(def).diagnostics.map((d) => (d.location ? `${d.code} ${d.location}` : d.code));
const machine = (states: JsonObject, extra: JsonObject = {}) => ({
  StartAt: Object.keys(states)[0],
  States: states,
  ...extra,
});

describe("validateDefinition", () => {
  it("accepts a valid machine using every state type", () => {
    const def = {
      Comment: "all types",
      StartAt: "P",
      TimeoutSeconds: 60,
      States: {
        P: { Type: "Pass", Result: 1, ResultPath: "$.r", Next: "T" },
        T: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Parameters: { "Payload.$": "$", FunctionName: "f" },
          TimeoutSeconds: 10,
          HeartbeatSeconds: 5,
          Retry: [
            { ErrorEquals: ["A"], MaxAttempts: 2, BackoffRate: 1.5, MaxDelaySeconds: 10, JitterStrategy: "FULL" },
            { ErrorEquals: ["States.ALL"] },
          ],
          Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.err", Next: "F" }],
          Next: "C",
        },
        C: {
          Type: "Choice",
          Choices: [
            { Variable: "$.r", NumericEquals: 1, Next: "W" },
            { Not: { Variable: "$.x", IsPresent: true }, Next: "Par" },
          ],
          Default: "S",
        },
        W: { Type: "Wait", SecondsPath: "$.r", Next: "Par" },
        Par: { Type: "Parallel", Branches: [{ StartAt: "X", States: { X: { Type: "Succeed" } } }], Next: "M" },
        M: {
          Type: "Map",
          ItemsPath: "$.items",
          ItemSelector: { "v.$": "$$.Map.Item.Value" },
          ItemProcessor: {
            ProcessorConfig: { Mode: "INLINE" },
            StartAt: "I",
            States: { I: { Type: "Pass", End: true } },
          },
          MaxConcurrency: 2,
          Next: "S",
        },
        S: { Type: "Succeed" },
        F: { Type: "Fail", Error: "E", CausePath: "$.err.Cause" },
      },
    };
    expect(v(def)).toMatchObject({ result: "OK", diagnostics: [] });
  });

  it("accepts a JSONata machine", () => {
    const def = {
      QueryLanguage: "JSONata",
      StartAt: "T",
      States: {
        T: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Arguments: { Payload: "{% $states.input %}" },
          Assign: { a: "{% $states.result %}" },
          Output: "{% $a %}",
          Next: "C",
        },
        C: { Type: "Choice", Choices: [{ Condition: "{% $a = 1 %}", Next: "D" }], Default: "D" },
        D: {
          Type: "Map",
          Items: "{% [1,2] %}",
          ItemProcessor: { StartAt: "X", States: { X: { Type: "Pass", End: true } } },
          End: true,
        },
      },
    };
    expect(v(def)).toMatchObject({ result: "OK" });
  });

  it("MISSING_DESCRIPTION and INVALID_JSON_DESCRIPTION", () => {
    // As recorded from AWS: an empty string is a schema failure without a location.
    expect(validateDefinition("")).toEqual({
      result: "FAIL",
      diagnostics: [
        { severity: "ERROR", code: "SCHEMA_VALIDATION_FAILED", message: "Definition must be a valid JSON object" },
      ],
    });
    expect(validateDefinition("[1]").diagnostics).toEqual(validateDefinition("").diagnostics);
    const bad = validateDefinition("not a definition");
    expect(bad).toMatchObject({
      result: "FAIL",
      diagnostics: [{ severity: "ERROR", code: "INVALID_JSON_DESCRIPTION" }],
    });
    expect(bad.diagnostics[0]!.location).toMatch(/^\[Source: \(String\)"not a definition"; line: 1, column: \d+\]$/);
    expect(bad.diagnostics[0]!.message).toContain(`\n at ${bad.diagnostics[0]!.location}`);
  });

  it.each<[string, unknown, string[]]>([
    ["missing StartAt", { States: { A: { Type: "Succeed" } } }, ["SCHEMA_VALIDATION_FAILED /"]],
    ["empty object", {}, ["SCHEMA_VALIDATION_FAILED /"]],
    [
      "duplicate state name across scopes",
      machine({ A: { Type: "Parallel", Branches: [{ StartAt: "A", States: { A: { Type: "Succeed" } } }], End: true } }),
      ["DUPLICATE_STATE_NAME /States/A/Branches[0]/States/A"],
    ],
    [
      "StartAt target missing",
      { StartAt: "Nope", States: { A: { Type: "Succeed" } } },
      ["MISSING_TRANSITION_TARGET /StartAt"],
    ],
    ["unknown top-level field", machine({ A: { Type: "Succeed" } }, { Foo: 1 }), ["SCHEMA_VALIDATION_FAILED /"]],
    ["bad Type", machine({ A: { Type: "Lambda" } }), ["SCHEMA_VALIDATION_FAILED /States/A/Type", "MISSING_END_STATE"]],
    [
      "Next target missing",
      machine({ A: { Type: "Pass", Next: "B" } }),
      ["MISSING_TRANSITION_TARGET /States/A/Next", "MISSING_END_STATE"],
    ],
    ["Next and End", machine({ A: { Type: "Pass", Next: "A", End: true } }), ["SCHEMA_VALIDATION_FAILED /States/A"]],
    [
      "neither Next nor End",
      machine({ A: { Type: "Pass" }, B: { Type: "Succeed" } }),
      ["SCHEMA_VALIDATION_FAILED /States/A", "MISSING_TRANSITION_TARGET /States/B"],
    ],
    [
      "unreachable state",
      machine({ A: { Type: "Succeed" }, B: { Type: "Succeed" } }),
      ["MISSING_TRANSITION_TARGET /States/B"],
    ],
    [
      "no terminal state",
      machine({ A: { Type: "Pass", Next: "B" }, B: { Type: "Pass", Next: "A" } }),
      ["MISSING_END_STATE"],
    ],
    [
      "field not allowed on the type",
      machine({ A: { Type: "Succeed", Resource: "x" } }),
      ["SCHEMA_VALIDATION_FAILED /States/A"],
    ],
    [
      "unknown field in a catcher",
      machine({
        A: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Catch: [{ ErrorEquals: ["X"], Next: "A", _comment: "x" }],
          End: true,
        },
      }),
      ["SCHEMA_VALIDATION_FAILED /States/A/Catch[0]"],
    ],
    ["Task without Resource", machine({ A: { Type: "Task", End: true } }), ["SCHEMA_VALIDATION_FAILED /States/A"]],
    [
      "Task with a bad Resource",
      machine({ A: { Type: "Task", Resource: "lambda", End: true } }),
      ["INVALID_RESOURCE /States/A/Resource"],
    ],
    [
      "bad InputPath",
      machine({ A: { Type: "Pass", InputPath: "x.y", End: true } }),
      ["SCHEMA_VALIDATION_FAILED /States/A/InputPath"],
    ],
    [
      "ResultPath not a reference path",
      machine({ A: { Type: "Pass", ResultPath: "$.a[*]", End: true } }),
      ["SCHEMA_VALIDATION_FAILED /States/A/ResultPath"],
    ],
    [
      "bad intrinsic in Parameters",
      machine({ A: { Type: "Pass", Parameters: { "x.$": "States.Nope(1)" }, End: true } }),
      ["SCHEMA_VALIDATION_FAILED /States/A/Parameters/x.$"],
    ],
    [
      "Choice without Choices",
      machine({ A: { Type: "Choice" } }),
      ["SCHEMA_VALIDATION_FAILED /States/A/Choices", "MISSING_END_STATE"],
    ],
    [
      "Choice rule with two operators",
      machine({
        A: { Type: "Choice", Choices: [{ Variable: "$.a", StringEquals: "x", NumericEquals: 1, Next: "B" }] },
        B: { Type: "Succeed" },
      }),
      ["SCHEMA_VALIDATION_FAILED /States/A/Choices[0]"],
    ],
    [
      "Choice rule value of the wrong type",
      machine({
        A: { Type: "Choice", Choices: [{ Variable: "$.a", NumericEquals: "1", Next: "B" }] },
        B: { Type: "Succeed" },
      }),
      ["SCHEMA_VALIDATION_FAILED /States/A/Choices[0]/NumericEquals"],
    ],
    [
      "nested rule with Next",
      machine({
        A: { Type: "Choice", Choices: [{ Not: { Variable: "$.a", IsNull: true, Next: "B" }, Next: "B" }] },
        B: { Type: "Succeed" },
      }),
      ["SCHEMA_VALIDATION_FAILED /States/A/Choices[0]/Not"],
    ],
    [
      "Wait with two fields",
      machine({ A: { Type: "Wait", Seconds: 1, SecondsPath: "$.s", End: true } }),
      ["SCHEMA_VALIDATION_FAILED /States/A"],
    ],
    [
      "Wait with a bad Timestamp",
      machine({ A: { Type: "Wait", Timestamp: "tomorrow", End: true } }),
      ["SCHEMA_VALIDATION_FAILED /States/A/Timestamp"],
    ],
    [
      "States.ALL not alone",
      machine({
        A: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Retry: [{ ErrorEquals: ["States.ALL", "X"] }],
          End: true,
        },
      }),
      ["SCHEMA_VALIDATION_FAILED /States/A/Retry[0]/ErrorEquals"],
    ],
    [
      "States.ALL not last",
      machine({
        A: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Retry: [{ ErrorEquals: ["States.ALL"] }, { ErrorEquals: ["X"] }],
          End: true,
        },
      }),
      ["SCHEMA_VALIDATION_FAILED /States/A/Retry[0]/ErrorEquals"],
    ],
    [
      "bad retrier values",
      machine({
        A: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Retry: [{ ErrorEquals: ["X"], BackoffRate: 0.5, MaxAttempts: -1, JitterStrategy: "HALF" }],
          End: true,
        },
      }),
      [
        "SCHEMA_VALIDATION_FAILED /States/A/Retry[0]/MaxAttempts",
        "SCHEMA_VALIDATION_FAILED /States/A/Retry[0]/BackoffRate",
        "SCHEMA_VALIDATION_FAILED /States/A/Retry[0]/JitterStrategy",
      ],
    ],
    [
      "Catch without Next",
      machine({
        A: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Catch: [{ ErrorEquals: ["X"] }], End: true },
      }),
      ["SCHEMA_VALIDATION_FAILED /States/A/Catch[0]"],
    ],
    [
      "error inside a Parallel branch",
      machine({
        P: { Type: "Parallel", Branches: [{ StartAt: "X", States: { X: { Type: "Pass", Next: "Y" } } }], End: true },
      }),
      ["MISSING_TRANSITION_TARGET /States/P/Branches[0]/States/X/Next", "MISSING_END_STATE"],
    ],
    [
      "error inside a Map processor",
      machine({ M: { Type: "Map", ItemProcessor: { StartAt: "X", States: { X: { Type: "Bogus" } } }, End: true } }),
      ["SCHEMA_VALIDATION_FAILED /States/M/ItemProcessor/States/X/Type", "MISSING_END_STATE"],
    ],
    [
      "JSONPath field in a JSONata state",
      machine({ A: { Type: "Pass", InputPath: "$.a", End: true } }, { QueryLanguage: "JSONata" }),
      ["SCHEMA_VALIDATION_FAILED /States/A"],
    ],
    [
      "JSONata field in a JSONPath state",
      machine({ A: { Type: "Pass", Output: {}, End: true } }),
      ["SCHEMA_VALIDATION_FAILED /States/A"],
    ],
    [
      "JSONPath state in a JSONata machine",
      machine({ A: { Type: "Pass", QueryLanguage: "JSONPath", End: true } }, { QueryLanguage: "JSONata" }),
      ["SCHEMA_VALIDATION_FAILED /States/A"],
    ],
    [
      "JSONata rule without Condition",
      machine(
        { A: { Type: "Choice", Choices: [{ Next: "B" }] }, B: { Type: "Succeed" } },
        { QueryLanguage: "JSONata" },
      ),
      ["SCHEMA_VALIDATION_FAILED /States/A/Choices[0]"],
    ],
    [
      "no terminal state hides unreachable states",
      machine({ A: { Type: "Pass", Next: "A" }, B: { Type: "Pass", Next: "A" } }),
      ["MISSING_END_STATE"],
    ],
    [
      "dangling Default and Catch targets",
      machine({
        C: { Type: "Choice", Choices: [{ Variable: "$.a", IsNull: true, Next: "T" }], Default: "Nope1" },
        T: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Catch: [{ ErrorEquals: ["X"], Next: "Nope2" }],
          End: true,
        },
      }),
      ["MISSING_TRANSITION_TARGET /States/C/Default", "MISSING_TRANSITION_TARGET /States/T/Catch[0]/Next"],
    ],
    [
      "processor states inherit the machine's language, not the Map's",
      machine({
        M: {
          Type: "Map",
          QueryLanguage: "JSONata",
          ItemProcessor: { StartAt: "P", States: { P: { Type: "Pass", Output: 1, End: true } } },
          End: true,
        },
      }),
      ["SCHEMA_VALIDATION_FAILED /States/M/ItemProcessor/States/P"],
    ],
    [
      "QueryLanguage on an ItemProcessor",
      machine({
        M: {
          Type: "Map",
          ItemProcessor: { QueryLanguage: "JSONata", StartAt: "P", States: { P: { Type: "Pass", End: true } } },
          End: true,
        },
      }),
      ["SCHEMA_VALIDATION_FAILED /States/M/ItemProcessor"],
    ],
    [
      "JSONata that does not parse",
      machine({ E: { Type: "Pass", Output: { v: "{% a[1,2) %}" }, End: true } }, { QueryLanguage: "JSONata" }),
      ["INVALID_JSONATA_EXPRESSION /States/E/Output/v"],
    ],
    [
      "JSONata reading a bare field at the top level",
      machine(
        { E: { Type: "Pass", Output: { v: "{% phone %}", ok: "{% $states.input.items[price > 5] %}" }, End: true } },
        { QueryLanguage: "JSONata" },
      ),
      ["UNSUPPORTED_JSONATA_EXPRESSION /States/E/Output/v"],
    ],
    [
      "JSONata checks reach Assign, Condition and Catch Output",
      machine(
        {
          C: {
            Type: "Choice",
            Assign: { a: "{% 1 + %}" },
            Choices: [{ Condition: "{% x > 1 %}", Next: "T" }],
            Default: "T",
          },
          T: {
            Type: "Task",
            Resource: "arn:aws:states:::lambda:invoke",
            Catch: [{ ErrorEquals: ["X"], Output: "{% y %}", Next: "T" }],
            End: true,
          },
        },
        { QueryLanguage: "JSONata" },
      ),
      [
        "INVALID_JSONATA_EXPRESSION /States/C/Assign/a",
        "UNSUPPORTED_JSONATA_EXPRESSION /States/C/Choices[0]/Condition",
        "UNSUPPORTED_JSONATA_EXPRESSION /States/T/Catch[0]/Output",
      ],
    ],
    [
      "bad variable name",
      machine({ A: { Type: "Pass", Assign: { "1x": 1 }, End: true } }),
      ["SCHEMA_VALIDATION_FAILED /States/A/Assign/1x"],
    ],
    [
      "inner state assigns an outer variable",
      machine({
        A: { Type: "Pass", Assign: { x: 1 }, Next: "P" },
        P: {
          Type: "Parallel",
          Branches: [{ StartAt: "X", States: { X: { Type: "Pass", Assign: { x: 2 }, End: true } } }],
          End: true,
        },
      }),
      ["SCHEMA_VALIDATION_FAILED /States/P/Branches[0]/States/X/Assign/x"],
    ],
    [
      "state name too long",
      machine({ ["a".repeat(81)]: { Type: "Succeed" } }),
      ["INVALID_STATE_NAME /States/" + "a".repeat(81)],
    ],
    [
      "HeartbeatSeconds not below TimeoutSeconds",
      machine({
        A: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          TimeoutSeconds: 5,
          HeartbeatSeconds: 5,
          End: true,
        },
      }),
      ["SCHEMA_VALIDATION_FAILED /States/A/HeartbeatSeconds"],
    ],
  ])("%s", (_name, def, expected) => {
    expect(v(def).result).toBe("FAIL");
    expect(codes(def)).toEqual(expected);
  });

  it("warnings alone keep the result OK", () => {
    const r = v(machine({ A: { Type: "Pass", Parameters: { x: "$.a" }, End: true } }));
    expect(r.result).toBe("OK");
    expect(r.diagnostics).toMatchObject([
      { severity: "WARNING", code: "NO_DOLLAR", location: "/States/A/Parameters/x" },
    ]);
  });

  it.each<[string, unknown, string]>([
    ["{}", {}, "These fields are required: [States, StartAt]"],
    [
      "unknown field",
      machine({ A: { Type: "Pass", "Message.$": "$.m", End: true } }),
      "Field 'Message.$' is not supported",
    ],
    [
      "bad Type",
      machine({ A: { Type: "Lambda", End: true } }),
      "The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]",
    ],
    [
      "bad .$ value",
      machine({ A: { Type: "Pass", Parameters: { "x.$": "nope" }, End: true } }),
      "The value for the field 'x.$' must be a valid JSONPath or a valid intrinsic function call",
    ],
    ["unreachable", machine({ A: { Type: "Succeed" }, B: { Type: "Succeed" } }), 'State "B" is not reachable.'],
    [
      "JSONata field on a JSONPath state",
      machine({ A: { Type: "Pass", Output: 1, End: true } }),
      "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage",
    ],
    [
      "JSONata parse error",
      machine({ A: { Type: "Pass", Output: "{% a[1,2) %}", End: true } }, { QueryLanguage: "JSONata" }),
      'Expected "]", got ","',
    ],
    [
      "top-level reference",
      machine({ A: { Type: "Pass", Output: "{% phone %}", End: true } }, { QueryLanguage: "JSONata" }),
      "Reference to 'phone' at the top level is not supported.",
    ],
    [
      "downgrade",
      machine({ Pass: { Type: "Pass", QueryLanguage: "JSONPath", End: true } }, { QueryLanguage: "JSONata" }),
      "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
    ],
  ])("AWS's wording: %s", (_n, def, message) => {
    expect(v(def).diagnostics[0]!.message).toBe(message);
  });

  it("CreateStateMachine's InvalidDefinition message quotes one error, or each of several", () => {
    expect(invalidDefinitionMessage(v(machine({ A: { Type: "Succeed" }, B: { Type: "Succeed" } })).diagnostics)).toBe(
      `Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: State "B" is not reachable. at /States/B'`,
    );
  });

  it("CreateStateMachine's InvalidDefinition message lists every error with its location", () => {
    const r = v(machine({ A: { Type: "Pass", Next: "B" } }));
    expect(invalidDefinitionMessage(r.diagnostics)).toBe(
      "Invalid State Machine Definition: ''MISSING_TRANSITION_TARGET: Missing 'Next' target: B at /States/A/Next', 'MISSING_END_STATE: Workflow has no terminal state''",
    );
  });
});

// A second opinion: a few JSONPath machines run through our pure step function and through
// aws-local-stepfunctions (an independent implementation), with the same task handlers. AWS's
// documentation stays the spec; this only catches disagreements worth a look.

import { StateMachine } from "aws-local-stepfunctions";
import { describe, expect, it } from "vitest";
import { runMachine } from "./testing/run-machine";
import type { Json, JsonObject } from "./types";

const machines: [string, JsonObject, Json][] = [
  [
    "data flow through InputPath, Parameters, ResultPath and OutputPath",
    {
      StartAt: "A",
      States: {
        A: { Type: "Pass", Result: { n: 21 }, ResultPath: "$.task", Next: "B" },
        B: {
          Type: "Pass",
          InputPath: "$.task",
          Parameters: { "value.$": "$.n", static: true, "exec.$": "$$.Execution.Input.keep" },
          ResultPath: "$.out",
          OutputPath: "$.out",
          End: true,
        },
      },
    },
    { keep: 1 },
  ],
  [
    "Choice with And/Not and Default",
    {
      StartAt: "C",
      States: {
        C: {
          Type: "Choice",
          Choices: [
            {
              And: [{ Variable: "$.n", NumericGreaterThan: 1 }, { Not: { Variable: "$.s", StringMatches: "x*" } }],
              Next: "Yes",
            },
          ],
          Default: "No",
        },
        Yes: { Type: "Pass", Result: "yes", End: true },
        No: { Type: "Pass", Result: "no", End: true },
      },
    },
    { n: 2, s: "abc" },
  ],
  [
    "Map with ItemSelector and Parallel",
    {
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          ItemsPath: "$.items",
          ItemSelector: { "i.$": "$$.Map.Item.Index", "n.$": "$$.Map.Item.Value" },
          ItemProcessor: {
            StartAt: "T",
            States: { T: { Type: "Pass", Parameters: { "twice.$": "States.MathAdd($.n, $.n)" }, End: true } },
          },
          ResultPath: "$.mapped",
          Next: "P",
        },
        P: {
          Type: "Parallel",
          Branches: [
            { StartAt: "B1", States: { B1: { Type: "Pass", InputPath: "$.mapped[0]", End: true } } },
            {
              StartAt: "B2",
              States: { B2: { Type: "Pass", Parameters: { "count.$": "States.ArrayLength($.items)" }, End: true } },
            },
          ],
          End: true,
        },
      },
    },
    { items: [1, 2, 3] },
  ],
  [
    "intrinsic functions",
    {
      StartAt: "I",
      States: {
        I: {
          Type: "Pass",
          Parameters: {
            "f.$": "States.Format('{} has {} items', $.name, States.ArrayLength($.items))",
            "p.$": "States.ArrayPartition($.items, 2)",
            "u.$": "States.ArrayUnique($.items)",
            "r.$": "States.ArrayRange(1, 9, 4)",
            "c.$": "States.ArrayContains($.items, 3)",
            "g.$": "States.ArrayGetItem($.items, 1)",
            "b.$": "States.Base64Encode($.name)",
            "h.$": "States.Hash($.name, 'SHA-256')",
            "s.$": "States.StringSplit('a,b,c', ',')",
            "j.$": "States.StringToJson(States.JsonToString($.a))",
            "add.$": "States.MathAdd(40, 2)",
          },
          End: true,
        },
      },
    },
    { name: "list", items: [1, 3, 3, 4], a: { x: 1, y: 2 }, b: { y: 3 } },
  ],
  [
    "Catch with ResultPath after a failing branch",
    {
      StartAt: "P",
      States: {
        P: {
          Type: "Parallel",
          Branches: [{ StartAt: "F", States: { F: { Type: "Fail", Error: "Boom", Cause: "it broke" } } }],
          Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "H" }],
          End: true,
        },
        H: { Type: "Pass", Parameters: { "error.$": "$.error.Error", "kept.$": "$.kept" }, End: true },
      },
    },
    { kept: true },
  ],
];

// Known disagreements, where the other implementation departs from AWS's documentation and we do
// not: States.StringSplit with several delimiter characters ("This.is+a,test=string" split on
// ".+,=" gives five strings in AWS's example), and States.JsonMerge mutating its first argument.
// Its Task states need Promise.withResolvers (Node 22), so tasks stay out of this comparison.
describe("second opinion: aws-local-stepfunctions agrees on these machines", () => {
  it.each(machines)("%s", async (_name, definition, input) => {
    const ours = await runMachine(definition, input, {
      context: { Execution: { Input: input } },
    });
    const theirs = await new StateMachine(definition as never).run(input as never, {
      context: { Execution: { Input: input } } as never,
    }).result;
    expect(ours).toMatchObject({ status: "SUCCEEDED", output: theirs });
  });
});

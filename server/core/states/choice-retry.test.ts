import { describe, expect, it } from "vitest";
import { evaluateRule, stringMatches } from "./choice";
import { errorMatches, selectCatcher, selectRetry } from "./retry";
import { StatesError, type Json, type JsonObject } from "./types";

const env = { context: {}, variables: { limit: 10 } };
const input = {
  n: 5,
  s: "beta",
  b: true,
  nil: null,
  ts: "2026-01-02T03:04:05Z",
  ts2: "2026-01-02T04:04:05+01:00",
  other: 5,
  file: "log-2026.txt",
};
const rule = (r: JsonObject) => evaluateRule(r, input, env);

describe("Choice rules", () => {
  it.each<[JsonObject, boolean]>([
    [{ Variable: "$.n", NumericEquals: 5 }, true],
    [{ Variable: "$.n", NumericGreaterThan: 5 }, false],
    [{ Variable: "$.n", NumericGreaterThanEquals: 5 }, true],
    [{ Variable: "$.n", NumericLessThan: 6 }, true],
    [{ Variable: "$.n", NumericLessThanEquals: 4 }, false],
    [{ Variable: "$.n", NumericEqualsPath: "$.other" }, true],
    [{ Variable: "$.n", NumericLessThanPath: "$limit" }, true],
    [{ Variable: "$.s", StringEquals: "beta" }, true],
    [{ Variable: "$.s", StringGreaterThan: "alpha" }, true],
    [{ Variable: "$.s", StringLessThanEquals: "beta" }, true],
    [{ Variable: "$.s", StringLessThan: "alpha" }, false],
    [{ Variable: "$.s", StringGreaterThanEquals: "gamma" }, false],
    [{ Variable: "$.s", StringEqualsPath: "$.s" }, true],
    [{ Variable: "$.b", BooleanEquals: true }, true],
    [{ Variable: "$.b", BooleanEqualsPath: "$.b" }, true],
    [{ Variable: "$.ts", TimestampEquals: "2026-01-02T03:04:05Z" }, true],
    [{ Variable: "$.ts", TimestampEqualsPath: "$.ts2" }, true],
    [{ Variable: "$.ts", TimestampGreaterThan: "2026-01-01T00:00:00Z" }, true],
    [{ Variable: "$.ts", TimestampLessThan: "2026-01-01T00:00:00Z" }, false],
    [{ Variable: "$.ts", TimestampGreaterThanEquals: "2026-01-02T03:04:05Z" }, true],
    [{ Variable: "$.ts", TimestampLessThanEquals: "2026-01-02T03:04:04Z" }, false],
    // A type mismatch is false, never an error.
    [{ Variable: "$.s", NumericEquals: 5 }, false],
    [{ Variable: "$.n", StringEquals: "5" }, false],
    [{ Variable: "$.s", TimestampEquals: "2026-01-02T03:04:05Z" }, false],
    [{ Variable: "$.nil", BooleanEquals: false }, false],
    [{ Variable: "$.n", IsNumeric: true }, true],
    [{ Variable: "$.s", IsNumeric: false }, true],
    [{ Variable: "$.s", IsString: true }, true],
    [{ Variable: "$.b", IsBoolean: true }, true],
    [{ Variable: "$.nil", IsNull: true }, true],
    [{ Variable: "$.missing", IsNull: false }, true],
    [{ Variable: "$.missing", IsPresent: false }, true],
    [{ Variable: "$.nil", IsPresent: true }, true],
    [{ Variable: "$.ts", IsTimestamp: true }, true],
    [{ Variable: "$.s", IsTimestamp: true }, false],
    [{ Variable: "$.file", StringMatches: "log-*.txt" }, true],
    [{ Variable: "$.file", StringMatches: "*.csv" }, false],
    [
      {
        And: [
          { Variable: "$.n", NumericEquals: 5 },
          { Variable: "$.s", StringEquals: "beta" },
        ],
      },
      true,
    ],
    [
      {
        Or: [
          { Variable: "$.n", NumericEquals: 1 },
          { Variable: "$.s", StringEquals: "beta" },
        ],
      },
      true,
    ],
    [{ Not: { Variable: "$.n", NumericEquals: 5 } }, false],
    [{ Variable: "$limit", NumericEquals: 10 }, true],
  ])("%j → %s", (r, expected) => expect(rule(r)).toBe(expected));

  it("a Variable that does not exist is States.Runtime (except IsPresent)", () => {
    expect(() => rule({ Variable: "$.missing", StringEquals: "x" })).toThrow(StatesError);
    expect(() => rule({ Variable: "$.n", NumericEqualsPath: "$.missing" })).toThrow(StatesError);
  });

  it.each([
    ["log-1.txt", "log-*.txt", true],
    ["a*b", "a\\*b", true],
    ["axb", "a\\*b", false],
    ["a\\b", "a\\\\b", true],
    ["", "*", true],
    ["a.b", "a.b", true],
    ["axb", "a.b", false],
  ])("StringMatches(%s, %s) → %s", (v, p, ok) => expect(stringMatches(v, p)).toBe(ok));
});

describe("Retry and Catch", () => {
  it.each<[string[], string, boolean]>([
    [["States.ALL"], "MyError", true],
    [["States.ALL"], "States.Timeout", true],
    [["States.ALL"], "States.Runtime", false],
    [["States.ALL"], "States.DataLimitExceeded", true],
    [["States.TaskFailed"], "Lambda.ServiceException", true],
    [["States.TaskFailed"], "States.Timeout", false],
    [["States.Timeout"], "States.Timeout", true],
    [["States.Runtime"], "States.Runtime", false],
    [["A", "B"], "B", true],
    [["A"], "a", false],
  ])("%j matches %s → %s", (eq, err, ok) => expect(errorMatches(eq, err)).toBe(ok));

  const retriers = [
    { ErrorEquals: ["Busy"], IntervalSeconds: 3, MaxAttempts: 2, BackoffRate: 1.5 },
    { ErrorEquals: ["States.ALL"], IntervalSeconds: 1, MaxAttempts: 5, BackoffRate: 2, MaxDelaySeconds: 5 },
  ];

  it("backs off per retrier and stops at MaxAttempts", () => {
    expect(selectRetry(retriers, "Busy", [])).toEqual({ retry: true, index: 0, delaySeconds: 3 });
    expect(selectRetry(retriers, "Busy", [1])).toEqual({ retry: true, index: 0, delaySeconds: 4.5 });
    // The first matching retrier is exhausted: no fall-through to the next one.
    expect(selectRetry(retriers, "Busy", [2])).toEqual({ retry: false });
    expect(selectRetry(retriers, "Other", [2, 0])).toEqual({ retry: true, index: 1, delaySeconds: 1 });
    expect(selectRetry(retriers, "Other", [0, 3])).toEqual({ retry: true, index: 1, delaySeconds: 5 });
    expect(selectRetry(retriers, "Other", [0, 5])).toEqual({ retry: false });
  });

  it("defaults: IntervalSeconds 1, MaxAttempts 3, BackoffRate 2; MaxAttempts 0 never retries", () => {
    const d = [{ ErrorEquals: ["E"] }];
    expect([0, 1, 2, 3].map((n) => selectRetry(d, "E", [n]))).toEqual([
      { retry: true, index: 0, delaySeconds: 1 },
      { retry: true, index: 0, delaySeconds: 2 },
      { retry: true, index: 0, delaySeconds: 4 },
      { retry: false },
    ]);
    expect(selectRetry([{ ErrorEquals: ["E"], MaxAttempts: 0 }], "E", [])).toEqual({ retry: false });
  });

  it("JitterStrategy FULL picks a delay between 0 and the backoff", () => {
    const r = [{ ErrorEquals: ["E"], IntervalSeconds: 10, JitterStrategy: "FULL" as const }];
    expect(selectRetry(r, "E", [1], () => 0.25)).toEqual({ retry: true, index: 0, delaySeconds: 5 });
  });

  it("catchers are tried in order", () => {
    const catchers: JsonObject[] = [
      { ErrorEquals: ["Specific"], Next: "A" },
      { ErrorEquals: ["States.ALL"], Next: "B" },
    ];
    expect(selectCatcher(catchers, "Specific")?.catcher.Next).toBe("A");
    expect(selectCatcher(catchers, "Whatever")?.catcher.Next).toBe("B");
    expect(selectCatcher(catchers, "States.Runtime")).toBeNull();
    expect(selectCatcher(undefined, "X" as Json as string)).toBeNull();
  });
});

// Choice rules for JSONPath states (every comparison operator, the *Path forms, Is* tests,
// StringMatches, And/Or/Not). A comparison whose variable has the wrong type is false, as on AWS;
// a Variable that is absent is States.Runtime (except for IsPresent).

import { lookup, type DataEnv } from "./payload";
import { isObject, runtimeError, type Json, type JsonObject } from "./types";

export const COMPARISON_OPERATORS = [
  "BooleanEquals",
  "NumericEquals",
  "NumericGreaterThan",
  "NumericGreaterThanEquals",
  "NumericLessThan",
  "NumericLessThanEquals",
  "StringEquals",
  "StringGreaterThan",
  "StringGreaterThanEquals",
  "StringLessThan",
  "StringLessThanEquals",
  "TimestampEquals",
  "TimestampGreaterThan",
  "TimestampGreaterThanEquals",
  "TimestampLessThan",
  "TimestampLessThanEquals",
] as const;
export const TYPE_TESTS = ["IsBoolean", "IsNull", "IsNumeric", "IsPresent", "IsString", "IsTimestamp"] as const;
export const ALL_OPERATORS: string[] = [
  ...COMPARISON_OPERATORS,
  ...COMPARISON_OPERATORS.map((o) => `${o}Path`),
  ...TYPE_TESTS,
  "StringMatches",
];

// RFC 3339 as Step Functions restricts it: uppercase T, uppercase Z or a numeric offset.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function parseTimestamp(v: unknown): number | null {
  if (typeof v !== "string" || !TIMESTAMP.test(v)) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

/** `*` matches any run of characters; `\*` is a literal star and `\\` a literal backslash. */
export function stringMatches(value: string, pattern: string): boolean {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) {
      re += escapeRe(pattern[++i]!);
    } else if (c === "*") re += "[\\s\\S]*";
    else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`).test(value);
}
const escapeRe = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

function compare(op: string, a: Json, b: Json): boolean {
  const kind = op.replace(/(Equals|GreaterThanEquals|GreaterThan|LessThanEquals|LessThan)$/, "");
  const rel = op.slice(kind.length);
  let x: number | string;
  let y: number | string;
  if (kind === "Boolean") return typeof a === "boolean" && typeof b === "boolean" && a === b;
  if (kind === "Numeric") {
    if (typeof a !== "number" || typeof b !== "number") return false;
    [x, y] = [a, b];
  } else if (kind === "String") {
    if (typeof a !== "string" || typeof b !== "string") return false;
    [x, y] = [a, b];
  } else {
    const ta = parseTimestamp(a);
    const tb = parseTimestamp(b);
    if (ta === null || tb === null) return false;
    [x, y] = [ta, tb];
  }
  switch (rel) {
    case "Equals":
      return x === y;
    case "GreaterThan":
      return x > y;
    case "GreaterThanEquals":
      return x >= y;
    case "LessThan":
      return x < y;
    default:
      return x <= y;
  }
}

function typeTest(op: string, present: boolean, v: Json | undefined, expected: Json): boolean {
  let r: boolean;
  switch (op) {
    case "IsPresent":
      r = present;
      break;
    case "IsNull":
      r = present && v === null;
      break;
    case "IsBoolean":
      r = typeof v === "boolean";
      break;
    case "IsNumeric":
      r = typeof v === "number";
      break;
    case "IsString":
      r = typeof v === "string";
      break;
    default:
      r = parseTimestamp(v) !== null;
  }
  return r === expected;
}

/** Evaluates one rule (top-level or nested) against the state input. */
export function evaluateRule(rule: JsonObject, input: Json, env: DataEnv): boolean {
  if (Array.isArray(rule.And)) return rule.And.every((r) => evaluateRule(r as JsonObject, input, env));
  if (Array.isArray(rule.Or)) return rule.Or.some((r) => evaluateRule(r as JsonObject, input, env));
  if (isObject(rule.Not)) return !evaluateRule(rule.Not, input, env);
  const variable = rule.Variable as string;
  const op = ALL_OPERATORS.find((o) => o in rule);
  if (!op) throw runtimeError(`The choice rule has no comparison operator`);
  const found = lookup(variable, input, env);
  if ((TYPE_TESTS as readonly string[]).includes(op))
    return typeTest(op, found.found, found.found ? found.value : undefined, rule[op]!);
  if (!found.found)
    throw runtimeError(`Invalid path '${variable}': The choice state's condition path references an invalid value.`);
  if (op === "StringMatches") return typeof found.value === "string" && stringMatches(found.value, rule[op] as string);
  if (op.endsWith("Path")) {
    const otherPath = rule[op] as string;
    const other = lookup(otherPath, input, env);
    if (!other.found)
      throw runtimeError(`Invalid path '${otherPath}': The choice state's condition path references an invalid value.`);
    return compare(op.slice(0, -4), found.value, other.value);
  }
  return compare(op, found.value, rule[op]!);
}

// The checks ValidateStateMachineDefinition runs on parts of a definition: value types, paths,
// payload templates, JSONata expressions, variables, Choice rules, retriers and catchers. Each adds
// diagnostics with AWS's codes and wording to a Collector; validate.ts walks the definition.

import { ALL_OPERATORS, parseTimestamp, TYPE_TESTS } from "./choice";
import { looksLikeIntrinsic, parseIntrinsic } from "./intrinsics";
import { checkJsonataExpression } from "./jsonata-check";
import { isExpression } from "./jsonata-eval";
import { isReferencePath, isValidPath } from "./jsonpath";
import { isObject, type Json, type JsonObject, type QueryLanguage } from "./types";

export interface Diagnostic {
  severity: "ERROR" | "WARNING";
  code: string;
  message: string;
  location?: string;
}

const MAX_VARIABLE_NAME = 80;
const MAX_INT = 99999999;

export class Collector {
  diagnostics: Diagnostic[] = [];
  /** State names must be unique across the whole machine, nested branches and processors included. */
  stateNames = new Set<string>();
  error(code: string, message: string, location: string) {
    this.diagnostics.push({ severity: "ERROR", code, message, location });
  }
  warn(code: string, message: string, location: string) {
    this.diagnostics.push({ severity: "WARNING", code, message, location });
  }
  schema(message: string, location: string) {
    this.error("SCHEMA_VALIDATION_FAILED", message, location);
  }
}

/** Jackson-style source position, as AWS reports it: [Source: (String)"..."; line: L, column: C]. */
export function jsonErrorLocation(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  const pos = m ? Number(m[1]) : text.length;
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const column = pos - before.lastIndexOf("\n");
  const shown = text.length > 500 ? `${text.slice(0, 500)}"[truncated ${text.length - 500} chars]` : `${text}"`;
  return `[Source: (String)"${shown}; line: ${line}, column: ${column}]`;
}

/** Unknown members: AWS says "Field 'X' is not supported" at the object that holds them. */
export function unsupported(c: Collector, obj: JsonObject, allowed: Iterable<string>, loc: string) {
  const ok = new Set(allowed);
  for (const key of Object.keys(obj)) if (!ok.has(key)) c.schema(`Field '${key}' is not supported`, loc);
}

export function nonNegativeInt(c: Collector, v: Json, field: string, loc: string, positive = false) {
  const ok = typeof v === "number" && Number.isInteger(v) && (positive ? v > 0 : v >= 0) && v <= MAX_INT;
  if (!ok)
    c.schema(
      `The value for the field '${field}' must be a ${positive ? "POSITIVE_INTEGER" : "NON_NEGATIVE_INTEGER"}`,
      loc,
    );
}

export function checkPath(
  c: Collector,
  v: Json,
  field: string,
  loc: string,
  kind: "path" | "reference",
  nullable = true,
) {
  if (v === null && nullable) return;
  if (typeof v !== "string") {
    c.schema(`The value for the field '${field}' must be a STRING`, loc);
    return;
  }
  if (kind === "reference" ? !isReferencePath(v) : !isValidPathOrVariable(v))
    c.schema(
      `The value for the field '${field}' must be a valid ${kind === "reference" ? "ReferencePath" : "JSONPath"}`,
      loc,
    );
}

const VARIABLE = /^\$[A-Za-z_][A-Za-z0-9_]*/;
export function isValidPathOrVariable(v: string): boolean {
  if (v.startsWith("$$")) return isValidPath(v.slice(1));
  const m = VARIABLE.exec(v);
  if (m && !v.startsWith("$.") && !v.startsWith("$[")) return isValidPath("$" + v.slice(m[0].length));
  return isValidPath(v);
}

/** A JSONPath payload template: `.$` keys must hold a path or an intrinsic function. */
export function checkTemplate(c: Collector, v: Json, loc: string, field: string) {
  if (Array.isArray(v)) v.forEach((x, i) => checkTemplate(c, x, `${loc}[${i}]`, field));
  if (!isObject(v)) return;
  for (const [k, x] of Object.entries(v)) {
    const at = `${loc}/${k}`;
    if (k.endsWith(".$")) {
      const invalid = `The value for the field '${k}' must be a valid JSONPath or a valid intrinsic function call`;
      if (typeof x !== "string") c.schema(invalid, at);
      else if (looksLikeIntrinsic(x)) {
        try {
          parseIntrinsic(x);
        } catch {
          c.schema(invalid, at);
        }
      } else if (!isValidPathOrVariable(x)) c.schema(invalid, at);
    } else {
      if (typeof x === "string" && (x.startsWith("$.") || x === "$" || /^States\.[A-Za-z]+\(/.test(x)))
        c.warn(
          "NO_DOLLAR",
          `The field '${k}' has a value that looks like a JSONPath or an intrinsic function, but its name does not end with '.$'`,
          at,
        );
      checkTemplate(c, x, at, field);
    }
  }
}

export function checkJsonata(c: Collector, v: Json, loc: string, field: string) {
  if (Array.isArray(v)) return v.forEach((x, i) => checkJsonata(c, x, `${loc}[${i}]`, field));
  if (isObject(v)) return Object.entries(v).forEach(([k, x]) => checkJsonata(c, x, `${loc}/${k}`, field));
  if (typeof v !== "string") return;
  if (isExpression(v)) {
    for (const p of checkJsonataExpression(v.slice(2, -2))) c.error(p.code, p.message, loc);
  } else if (String(v).trimStart().startsWith("{%"))
    c.schema(`The value for the field '${field}' must be a JSONata expression enclosed in {% %}`, loc);
}

export function checkAssign(c: Collector, v: Json, loc: string, language: QueryLanguage, outer: Set<string>) {
  if (!isObject(v)) {
    c.schema("The value for the field 'Assign' must be an OBJECT", loc);
    return;
  }
  for (const key of Object.keys(v)) {
    const name = language === "JSONPath" && key.endsWith(".$") ? key.slice(0, -2) : key;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || name.length > MAX_VARIABLE_NAME)
      c.schema(
        `The variable name '${name}' is invalid: it must start with a letter or underscore, contain only letters, digits and underscores, and be at most ${MAX_VARIABLE_NAME} characters`,
        `${loc}/${key}`,
      );
    else if (outer.has(name))
      c.schema(
        `The variable '${name}' is assigned in an outer scope and cannot be assigned in a nested state`,
        `${loc}/${key}`,
      );
  }
  if (language === "JSONPath") checkTemplate(c, v, loc, "Assign");
  else checkJsonata(c, v, loc, "Assign");
}

export function timeouts(c: Collector, s: JsonObject, loc: string, language: QueryLanguage) {
  for (const f of ["TimeoutSeconds", "HeartbeatSeconds"]) {
    if (f in s && `${f}Path` in s) c.schema(`Only one of the fields [${f}, ${f}Path] may be present`, loc);
    if (f in s && !(language === "JSONata" && isExpression(s[f]))) nonNegativeInt(c, s[f]!, f, `${loc}/${f}`, true);
    if (`${f}Path` in s && language === "JSONPath")
      checkPath(c, s[`${f}Path`]!, `${f}Path`, `${loc}/${f}Path`, "reference", false);
  }
  if (
    typeof s.TimeoutSeconds === "number" &&
    typeof s.HeartbeatSeconds === "number" &&
    s.HeartbeatSeconds >= s.TimeoutSeconds
  )
    c.schema(
      "The value for the field 'HeartbeatSeconds' must be smaller than the value for the field 'TimeoutSeconds'",
      `${loc}/HeartbeatSeconds`,
    );
}

export function errorEquals(c: Collector, v: Json | undefined, at: string, isLast: boolean) {
  if (v === undefined) return;
  if (!Array.isArray(v) || v.length === 0 || v.some((e) => typeof e !== "string")) {
    c.schema("The value for the field 'ErrorEquals' must be a non-empty ARRAY of STRING", at);
    return;
  }
  if (v.includes("States.ALL")) {
    if (v.length > 1) c.schema("The error name 'States.ALL' must appear alone in the field 'ErrorEquals'", at);
    else if (!isLast) c.schema("A retrier or catcher with 'States.ALL' must be the last one", at);
  }
}

export function checkRetry(c: Collector, v: Json, loc: string) {
  if (!Array.isArray(v)) return c.schema("The value for the field 'Retry' must be an ARRAY", loc);
  v.forEach((r, i) => {
    const at = `${loc}[${i}]`;
    if (!isObject(r)) return c.schema("A retrier must be an OBJECT", at);
    unsupported(
      c,
      r,
      ["ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"],
      at,
    );
    if (!("ErrorEquals" in r)) c.schema("These fields are required: [ErrorEquals]", at);
    errorEquals(c, r.ErrorEquals, `${at}/ErrorEquals`, i === v.length - 1);
    if ("IntervalSeconds" in r) nonNegativeInt(c, r.IntervalSeconds!, "IntervalSeconds", `${at}/IntervalSeconds`, true);
    if ("MaxAttempts" in r) nonNegativeInt(c, r.MaxAttempts!, "MaxAttempts", `${at}/MaxAttempts`);
    if ("BackoffRate" in r && (typeof r.BackoffRate !== "number" || r.BackoffRate < 1))
      c.schema(
        "The value for the field 'BackoffRate' must be a NUMBER greater than or equal to 1.0",
        `${at}/BackoffRate`,
      );
    if ("MaxDelaySeconds" in r) {
      const m = r.MaxDelaySeconds;
      if (typeof m !== "number" || !Number.isInteger(m) || m <= 0 || m >= 31622401)
        c.schema(
          "The value for the field 'MaxDelaySeconds' must be a POSITIVE_INTEGER smaller than 31622401",
          `${at}/MaxDelaySeconds`,
        );
    }
    if ("JitterStrategy" in r && r.JitterStrategy !== "FULL" && r.JitterStrategy !== "NONE")
      c.schema("The field 'JitterStrategy' should have one of these values: [FULL, NONE]", `${at}/JitterStrategy`);
  });
}

export function checkRule(c: Collector, rule: JsonObject, at: string, topLevel: boolean) {
  const combinators = ["And", "Or", "Not"].filter((k) => k in rule);
  const ops = ALL_OPERATORS.filter((o) => o in rule);
  unsupported(
    c,
    rule,
    [...ALL_OPERATORS, "And", "Or", "Not", "Variable", "Comment", ...(topLevel ? ["Next", "Assign"] : [])],
    at,
  );
  if (combinators.length + ops.length !== 1) {
    c.schema("A choice rule must contain exactly one of: And, Or, Not or a comparison operator with Variable", at);
    return;
  }
  if (combinators.length) {
    const k = combinators[0]!;
    if ("Variable" in rule) c.schema("Field 'Variable' is not supported", at);
    if (k === "Not") {
      if (!isObject(rule.Not)) c.schema("The value for the field 'Not' must be an OBJECT", `${at}/Not`);
      else checkRule(c, rule.Not, `${at}/Not`, false);
    } else {
      const list = rule[k];
      if (!Array.isArray(list) || list.length === 0)
        c.schema(`The value for the field '${k}' must be a non-empty ARRAY`, `${at}/${k}`);
      else
        list.forEach((r, i) =>
          isObject(r)
            ? checkRule(c, r, `${at}/${k}[${i}]`, false)
            : c.schema("A choice rule must be an OBJECT", `${at}/${k}[${i}]`),
        );
    }
    return;
  }
  if (!("Variable" in rule)) c.schema("These fields are required: [Variable]", at);
  else checkPath(c, rule.Variable!, "Variable", `${at}/Variable`, "path", false);
  const op = ops[0]!;
  const v = rule[op];
  const loc = `${at}/${op}`;
  if (op.endsWith("Path")) return checkPath(c, v!, op, loc, "path", false);
  if ((TYPE_TESTS as readonly string[]).includes(op) || op === "BooleanEquals") {
    if (typeof v !== "boolean") c.schema(`The value for the field '${op}' must be a BOOLEAN`, loc);
  } else if (op.startsWith("Numeric")) {
    if (typeof v !== "number") c.schema(`The value for the field '${op}' must be a NUMBER`, loc);
  } else if (op.startsWith("Timestamp")) {
    if (parseTimestamp(v) === null) c.schema(`The value for the field '${op}' must be a valid RFC3339 timestamp`, loc);
  } else if (typeof v !== "string") c.schema(`The value for the field '${op}' must be a STRING`, loc);
}

// ValidateStateMachineDefinition / CreateStateMachine checks: JSON syntax, the shape of every state
// (fields allowed per type and per query language, value types, paths), transitions, reachability,
// terminal states, Choice rules, Retry/Catch and variable names. Diagnostics use AWS's codes and
// locations (/States/Name/Field, /States/P/Branches[0]/States/X, /States/M/ItemProcessor/States/X).

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

export interface ValidationResult {
  result: "OK" | "FAIL";
  diagnostics: Diagnostic[];
  /** The parsed definition when result is OK. */
  definition?: JsonObject;
}

export const STATE_TYPES = ["Task", "Wait", "Pass", "Succeed", "Fail", "Choice", "Parallel", "Map"] as const;
const MAX_STATE_NAME = 80;
const MAX_VARIABLE_NAME = 80;
const MAX_INT = 99999999;

const COMMON = ["Type", "Comment", "QueryLanguage"];
const JSONPATH_ONLY = new Set([
  "InputPath",
  "OutputPath",
  "Parameters",
  "ResultPath",
  "ResultSelector",
  "Result",
  "ItemsPath",
  "ItemSelector",
  "Iterator",
  "SecondsPath",
  "TimestampPath",
  "ErrorPath",
  "CausePath",
  "TimeoutSecondsPath",
  "HeartbeatSecondsPath",
  "MaxConcurrencyPath",
  "ToleratedFailureCountPath",
  "ToleratedFailurePercentagePath",
]);
const JSONATA_ONLY = new Set(["Arguments", "Output", "Items"]);
// ItemSelector exists in both languages; Result and Iterator are JSONPath-era fields.
JSONPATH_ONLY.delete("ItemSelector");

const FIELDS: Record<string, string[]> = {
  Pass: ["Next", "End", "InputPath", "OutputPath", "Parameters", "ResultPath", "Result", "Assign", "Output"],
  Task: [
    "Next",
    "End",
    "Resource",
    "InputPath",
    "OutputPath",
    "Parameters",
    "ResultPath",
    "ResultSelector",
    "Arguments",
    "Output",
    "Assign",
    "Retry",
    "Catch",
    "TimeoutSeconds",
    "TimeoutSecondsPath",
    "HeartbeatSeconds",
    "HeartbeatSecondsPath",
    "Credentials",
  ],
  Choice: ["Choices", "Default", "InputPath", "OutputPath", "Assign", "Output"],
  Wait: [
    "Next",
    "End",
    "Seconds",
    "Timestamp",
    "SecondsPath",
    "TimestampPath",
    "InputPath",
    "OutputPath",
    "Assign",
    "Output",
  ],
  Succeed: ["InputPath", "OutputPath", "Output"],
  Fail: ["Error", "Cause", "ErrorPath", "CausePath"],
  Parallel: [
    "Next",
    "End",
    "Branches",
    "InputPath",
    "OutputPath",
    "Parameters",
    "ResultPath",
    "ResultSelector",
    "Arguments",
    "Output",
    "Assign",
    "Retry",
    "Catch",
  ],
  Map: [
    "Next",
    "End",
    "ItemProcessor",
    "Iterator",
    "ItemsPath",
    "Items",
    "ItemSelector",
    "Parameters",
    "ItemReader",
    "ItemBatcher",
    "ResultWriter",
    "MaxConcurrency",
    "MaxConcurrencyPath",
    "ToleratedFailureCount",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentage",
    "ToleratedFailurePercentagePath",
    "Label",
    "InputPath",
    "OutputPath",
    "ResultPath",
    "ResultSelector",
    "Arguments",
    "Output",
    "Assign",
    "Retry",
    "Catch",
  ],
};

class Collector {
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

/** Validates a definition string as ValidateStateMachineDefinition does. */
export function validateDefinition(text: unknown): ValidationResult {
  const c = new Collector();
  // AWS answers an empty or non-object definition without a location, and a JSON syntax error with
  // its parser's position as the location.
  const notAnObject = (): ValidationResult => ({
    result: "FAIL",
    diagnostics: [
      { severity: "ERROR", code: "SCHEMA_VALIDATION_FAILED", message: "Definition must be a valid JSON object" },
    ],
  });
  if (typeof text !== "string" || text.trim() === "") return notAnObject();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    const location = jsonErrorLocation(text, (e as Error).message);
    c.error("INVALID_JSON_DESCRIPTION", `${(e as Error).message}\n at ${location}`, location);
    return { result: "FAIL", diagnostics: c.diagnostics };
  }
  if (!isObject(parsed)) return notAnObject();
  unsupported(c, parsed, ["Comment", "StartAt", "States", "Version", "TimeoutSeconds", "QueryLanguage"], "/");
  let language: QueryLanguage = "JSONPath";
  if (parsed.QueryLanguage !== undefined) {
    if (parsed.QueryLanguage === "JSONPath" || parsed.QueryLanguage === "JSONata") language = parsed.QueryLanguage;
    else c.schema("The field 'QueryLanguage' should have one of these values: [JSONPath, JSONata]", "/QueryLanguage");
  }
  if (parsed.TimeoutSeconds !== undefined)
    nonNegativeInt(c, parsed.TimeoutSeconds, "TimeoutSeconds", "/TimeoutSeconds", true);
  if (parsed.Version !== undefined && typeof parsed.Version !== "string")
    c.schema("The value for the field 'Version' must be a STRING", "/Version");
  validateScope(c, parsed, "", language, language, new Set());
  const failed = c.diagnostics.some((d) => d.severity === "ERROR");
  return { result: failed ? "FAIL" : "OK", diagnostics: c.diagnostics, definition: failed ? undefined : parsed };
}

/** The InvalidDefinition message CreateStateMachine/UpdateStateMachine use. */
export function invalidDefinitionMessage(diagnostics: Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "ERROR");
  const one = (d: Diagnostic) => `${d.code}: ${d.message}${d.location ? ` at ${d.location}` : ""}`;
  // One error is quoted once; several are each quoted and joined (as AWS prints them).
  const body = errors.length === 1 ? one(errors[0]!) : errors.map((d) => `'${one(d)}'`).join(", ");
  return `Invalid State Machine Definition: '${body}'`;
}

/** Jackson-style source position, as AWS reports it: [Source: (String)"..."; line: L, column: C]. */
function jsonErrorLocation(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  const pos = m ? Number(m[1]) : text.length;
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const column = pos - before.lastIndexOf("\n");
  const shown = text.length > 500 ? `${text.slice(0, 500)}"[truncated ${text.length - 500} chars]` : `${text}"`;
  return `[Source: (String)"${shown}; line: ${line}, column: ${column}]`;
}

/** Unknown members: AWS says "Field 'X' is not supported" at the object that holds them. */
function unsupported(c: Collector, obj: JsonObject, allowed: Iterable<string>, loc: string) {
  const ok = new Set(allowed);
  for (const key of Object.keys(obj)) if (!ok.has(key)) c.schema(`Field '${key}' is not supported`, loc);
}

function nonNegativeInt(c: Collector, v: Json, field: string, loc: string, positive = false) {
  const ok = typeof v === "number" && Number.isInteger(v) && (positive ? v > 0 : v >= 0) && v <= MAX_INT;
  if (!ok)
    c.schema(
      `The value for the field '${field}' must be a ${positive ? "POSITIVE_INTEGER" : "NON_NEGATIVE_INTEGER"}`,
      loc,
    );
}

function checkPath(c: Collector, v: Json, field: string, loc: string, kind: "path" | "reference", nullable = true) {
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
function isValidPathOrVariable(v: string): boolean {
  if (v.startsWith("$$")) return isValidPath(v.slice(1));
  const m = VARIABLE.exec(v);
  if (m && !v.startsWith("$.") && !v.startsWith("$[")) return isValidPath("$" + v.slice(m[0].length));
  return isValidPath(v);
}

/** A JSONPath payload template: `.$` keys must hold a path or an intrinsic function. */
function checkTemplate(c: Collector, v: Json, loc: string, field: string) {
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

function checkJsonata(c: Collector, v: Json, loc: string, field: string) {
  if (Array.isArray(v)) return v.forEach((x, i) => checkJsonata(c, x, `${loc}[${i}]`, field));
  if (isObject(v)) return Object.entries(v).forEach(([k, x]) => checkJsonata(c, x, `${loc}/${k}`, field));
  if (typeof v !== "string") return;
  if (isExpression(v)) {
    for (const p of checkJsonataExpression(v.slice(2, -2))) c.error(p.code, p.message, loc);
  } else if (String(v).trimStart().startsWith("{%"))
    c.schema(`The value for the field '${field}' must be a JSONata expression enclosed in {% %}`, loc);
}

function checkAssign(c: Collector, v: Json, loc: string, language: QueryLanguage, outer: Set<string>) {
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

function validateScope(
  c: Collector,
  scope: JsonObject,
  base: string,
  machineLanguage: QueryLanguage,
  inherited: QueryLanguage,
  outerVariables: Set<string>,
) {
  const required = ["States", "StartAt"].filter((k) => !(k in scope));
  if (required.length) {
    c.schema(`These fields are required: [${required.join(", ")}]`, base || "/");
    return;
  }
  if (typeof scope.StartAt !== "string")
    c.schema("The value for the field 'StartAt' must be a STRING", `${base}/StartAt`);
  if (!isObject(scope.States)) {
    c.schema("The value for the field 'States' must be an OBJECT", `${base}/States`);
    return;
  }
  const states = scope.States;
  const names = Object.keys(states);
  if (names.length === 0) c.schema("The field 'States' should be non-empty", `${base}/States`);
  if (typeof scope.StartAt === "string" && names.length && !(scope.StartAt in states))
    c.error("MISSING_TRANSITION_TARGET", `Missing 'StartAt' target: ${scope.StartAt}`, `${base}/StartAt`);

  const assignedHere = new Set<string>();
  for (const s of Object.values(states))
    if (isObject(s) && isObject(s.Assign))
      for (const k of Object.keys(s.Assign)) assignedHere.add(k.replace(/\.\$$/, ""));
  const innerOuter = new Set([...outerVariables, ...assignedHere]);

  let terminal = false;
  const edges = new Map<string, string[]>();
  for (const name of names) {
    const loc = `${base}/States/${name}`;
    if (name.length > MAX_STATE_NAME)
      c.error(
        "INVALID_STATE_NAME",
        `State name '${name.slice(0, 20)}...' exceeds the maximum length of ${MAX_STATE_NAME} characters`,
        loc,
      );
    if (name.length === 0) c.error("INVALID_STATE_NAME", "State name must not be empty", loc);
    if (c.stateNames.has(name)) c.error("DUPLICATE_STATE_NAME", `Duplicate State name: ${name}`, loc);
    c.stateNames.add(name);
    const state = states[name];
    if (!isObject(state)) {
      c.schema("The value for the state must be an OBJECT", loc);
      continue;
    }
    const r = validateState(c, state, loc, machineLanguage, inherited, outerVariables, innerOuter, names);
    if (r.terminal) terminal = true;
    edges.set(name, r.targets);
  }
  // AWS reports a missing end state without a location and then skips the reachability walk.
  const noEnd = names.length > 0 && !terminal;
  if (noEnd)
    c.diagnostics.push({ severity: "ERROR", code: "MISSING_END_STATE", message: "Workflow has no terminal state" });

  if (!noEnd && typeof scope.StartAt === "string" && scope.StartAt in states) {
    const seen = new Set<string>([scope.StartAt]);
    const queue = [scope.StartAt];
    while (queue.length) {
      for (const t of edges.get(queue.shift()!) ?? []) {
        if (seen.has(t) || !(t in states)) continue;
        seen.add(t);
        queue.push(t);
      }
    }
    for (const name of names)
      if (!seen.has(name))
        c.error("MISSING_TRANSITION_TARGET", `State "${name}" is not reachable.`, `${base}/States/${name}`);
  }
}

function validateState(
  c: Collector,
  s: JsonObject,
  loc: string,
  machineLanguage: QueryLanguage,
  inherited: QueryLanguage,
  outer: Set<string>,
  innerOuter: Set<string>,
  names: string[],
): { terminal: boolean; targets: string[] } {
  const targets: string[] = [];
  const target = (v: Json, field: string, at: string) => {
    if (typeof v !== "string") return c.schema(`The value for the field '${field}' must be a STRING`, at);
    // AWS says 'Next' for every position (Choices, Default, Catch), at the position's own location.
    if (!names.includes(v)) c.error("MISSING_TRANSITION_TARGET", `Missing 'Next' target: ${v}`, at);
    targets.push(v);
  };
  if (!("Type" in s)) {
    c.schema("These fields are required: [Type]", loc);
    return { terminal: false, targets };
  }
  const type = s.Type as string;
  if (!(STATE_TYPES as readonly string[]).includes(type)) {
    c.schema(`The field 'Type' should have one of these values: [${STATE_TYPES.join(", ")}]`, `${loc}/Type`);
    return { terminal: false, targets };
  }
  let language = inherited;
  if (s.QueryLanguage !== undefined) {
    if (s.QueryLanguage !== "JSONPath" && s.QueryLanguage !== "JSONata")
      c.schema(
        "The field 'QueryLanguage' should have one of these values: [JSONPath, JSONata]",
        `${loc}/QueryLanguage`,
      );
    else if (machineLanguage === "JSONata" && s.QueryLanguage === "JSONPath")
      c.schema("'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine", loc);
    else language = s.QueryLanguage;
  }
  const allowed = new Set([...COMMON, ...FIELDS[type]!]);
  for (const key of Object.keys(s)) {
    const other = language === "JSONata" ? "JSONPath" : "JSONata";
    if (!allowed.has(key)) c.schema(`Field '${key}' is not supported`, loc);
    else if ((language === "JSONata" ? JSONPATH_ONLY : JSONATA_ONLY).has(key))
      c.schema(
        `The QueryLanguage is set to '${language}', but field '${key}' is only supported for the '${other}' QueryLanguage`,
        loc,
      );
  }

  // Transitions
  const hasNext = "Next" in s;
  const hasEnd = "End" in s;
  if (FIELDS[type]!.includes("Next")) {
    if (hasNext && hasEnd) c.schema("Only one of the fields [Next, End] may be present", loc);
    else if (!hasNext && !hasEnd) c.schema("Exactly one of these fields is required: [Next, End]", loc);
    if (hasNext) target(s.Next!, "Next", `${loc}/Next`);
    if (hasEnd && s.End !== true) c.schema("The value for the field 'End' must be true", `${loc}/End`);
  }
  const terminal = (hasEnd && s.End === true) || type === "Succeed" || type === "Fail";

  // Paths and templates (JSONPath)
  if (language === "JSONPath") {
    for (const f of ["InputPath", "OutputPath"]) if (f in s) checkPath(c, s[f]!, f, `${loc}/${f}`, "path");
    if ("ResultPath" in s) checkPath(c, s.ResultPath!, "ResultPath", `${loc}/ResultPath`, "reference");
    for (const f of ["Parameters", "ResultSelector", "ItemSelector", "Credentials"])
      if (f in s) {
        if (!isObject(s[f])) c.schema(`The value for the field '${f}' must be an OBJECT`, `${loc}/${f}`);
        else checkTemplate(c, s[f]!, `${loc}/${f}`, f);
      }
    if ("ItemsPath" in s) checkPath(c, s.ItemsPath!, "ItemsPath", `${loc}/ItemsPath`, "reference", false);
    for (const f of ["ErrorPath", "CausePath"])
      if (f in s && typeof s[f] === "string" && !looksLikeIntrinsic(s[f] as string))
        checkPath(c, s[f]!, f, `${loc}/${f}`, "path", false);
    if (type === "Pass" && isObject(s.Result) && Object.keys(s.Result).some((k) => k.endsWith(".$")))
      c.warn(
        "PASS_RESULT_IS_STATIC",
        "The Result field of a Pass state is static; use Parameters to apply paths",
        `${loc}/Result`,
      );
  } else {
    for (const f of [
      "Arguments",
      "Output",
      "Items",
      "ItemSelector",
      "Error",
      "Cause",
      "Seconds",
      "Timestamp",
      "TimeoutSeconds",
      "HeartbeatSeconds",
      "MaxConcurrency",
      "ToleratedFailureCount",
      "ToleratedFailurePercentage",
    ])
      if (f in s) checkJsonata(c, s[f]!, `${loc}/${f}`, f);
    if ("Arguments" in s && type === "Task" && !isObject(s.Arguments) && !isExpression(s.Arguments))
      c.schema("The value for the field 'Arguments' must be an OBJECT or a JSONata expression", `${loc}/Arguments`);
  }
  if ("Assign" in s) checkAssign(c, s.Assign!, `${loc}/Assign`, language, outer);

  switch (type) {
    case "Task":
      if (!("Resource" in s)) c.schema("These fields are required: [Resource]", loc);
      else if (typeof s.Resource !== "string" || !/^arn:[^:]+:[^:]*:[^:]*:[^:]*:.+/.test(s.Resource))
        c.error(
          "INVALID_RESOURCE",
          `The resource provided ${typeof s.Resource === "string" ? s.Resource : JSON.stringify(s.Resource)} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.`,
          `${loc}/Resource`,
        );
      timeouts(c, s, loc, language);
      break;
    case "Wait": {
      const present = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"].filter((f) => f in s);
      if (present.length !== 1)
        c.schema("Exactly one of these fields is required: [Seconds, Timestamp, SecondsPath, TimestampPath]", loc);
      if ("Seconds" in s && !isExpression(s.Seconds)) nonNegativeInt(c, s.Seconds!, "Seconds", `${loc}/Seconds`);
      if ("Timestamp" in s && !isExpression(s.Timestamp) && parseTimestamp(s.Timestamp) === null)
        c.schema("The value for the field 'Timestamp' must be a valid RFC3339 timestamp", `${loc}/Timestamp`);
      for (const f of ["SecondsPath", "TimestampPath"])
        if (f in s && language === "JSONPath") checkPath(c, s[f]!, f, `${loc}/${f}`, "path", false);
      break;
    }
    case "Fail":
      if ("Error" in s && "ErrorPath" in s) c.schema("Only one of the fields [Error, ErrorPath] may be present", loc);
      if ("Cause" in s && "CausePath" in s) c.schema("Only one of the fields [Cause, CausePath] may be present", loc);
      for (const f of ["Error", "Cause", "ErrorPath", "CausePath"])
        if (f in s && typeof s[f] !== "string")
          c.schema(`The value for the field '${f}' must be a STRING`, `${loc}/${f}`);
      break;
    case "Choice":
      if (!Array.isArray(s.Choices) || s.Choices.length === 0)
        c.schema("The field 'Choices' must be a non-empty ARRAY", `${loc}/Choices`);
      else
        s.Choices.forEach((rule, i) => {
          const at = `${loc}/Choices[${i}]`;
          if (!isObject(rule)) return c.schema("A choice rule must be an OBJECT", at);
          if (!("Next" in rule)) c.schema("These fields are required: [Next]", at);
          else target(rule.Next!, "Next", `${at}/Next`);
          if (language === "JSONata") {
            if (!("Condition" in rule)) c.schema("These fields are required: [Condition]", at);
            else if (typeof rule.Condition !== "boolean" && !isExpression(rule.Condition))
              c.schema(
                "The value for the field 'Condition' must be a JSONata expression enclosed in {% %} or a BOOLEAN",
                `${at}/Condition`,
              );
            else checkJsonata(c, rule.Condition!, `${at}/Condition`, "Condition");
            unsupported(c, rule, ["Condition", "Next", "Assign", "Comment"], at);
            if ("Assign" in rule) checkAssign(c, rule.Assign!, `${at}/Assign`, language, outer);
          } else {
            checkRule(c, rule, at, true);
            if ("Assign" in rule) checkAssign(c, rule.Assign!, `${at}/Assign`, language, outer);
          }
        });
      if ("Default" in s) target(s.Default!, "Default", `${loc}/Default`);
      break;
    case "Parallel":
      if (!Array.isArray(s.Branches) || s.Branches.length === 0)
        c.schema("The field 'Branches' must be a non-empty ARRAY", `${loc}/Branches`);
      else
        s.Branches.forEach((b, i) => {
          if (!isObject(b)) return c.schema("A branch must be an OBJECT", `${loc}/Branches[${i}]`);
          // Branches inherit the machine's language, whatever the Parallel state declares.
          validateScope(c, b, `${loc}/Branches[${i}]`, machineLanguage, machineLanguage, innerOuter);
        });
      break;
    case "Map": {
      const field = "ItemProcessor" in s ? "ItemProcessor" : "Iterator";
      const proc = s[field];
      if (!isObject(proc)) c.schema("These fields are required: [ItemProcessor]", loc);
      else {
        unsupported(c, proc, ["StartAt", "States", "ProcessorConfig", "Comment"], `${loc}/${field}`);
        if ("ProcessorConfig" in proc) {
          const pc = proc.ProcessorConfig;
          if (!isObject(pc) || (pc.Mode !== undefined && pc.Mode !== "INLINE" && pc.Mode !== "DISTRIBUTED"))
            c.schema(
              "The field 'Mode' should have one of these values: [INLINE, DISTRIBUTED]",
              `${loc}/${field}/ProcessorConfig`,
            );
        }
        validateScope(c, proc, `${loc}/${field}`, machineLanguage, machineLanguage, innerOuter);
      }
      if ("MaxConcurrency" in s && !isExpression(s.MaxConcurrency))
        nonNegativeInt(c, s.MaxConcurrency!, "MaxConcurrency", `${loc}/MaxConcurrency`);
      if ("ToleratedFailureCount" in s && !isExpression(s.ToleratedFailureCount))
        nonNegativeInt(c, s.ToleratedFailureCount!, "ToleratedFailureCount", `${loc}/ToleratedFailureCount`);
      if ("ToleratedFailurePercentage" in s && !isExpression(s.ToleratedFailurePercentage)) {
        const p = s.ToleratedFailurePercentage;
        if (typeof p !== "number" || p < 0 || p > 100)
          c.schema(
            "The value for the field 'ToleratedFailurePercentage' must be a NUMBER between 0 and 100",
            `${loc}/ToleratedFailurePercentage`,
          );
      }
      if ("Items" in s && !Array.isArray(s.Items) && !isExpression(s.Items))
        c.schema("The value for the field 'Items' must be an ARRAY or a JSONata expression", `${loc}/Items`);
      break;
    }
  }

  if ("Retry" in s) checkRetry(c, s.Retry!, `${loc}/Retry`);
  if ("Catch" in s) {
    if (!Array.isArray(s.Catch)) c.schema("The value for the field 'Catch' must be an ARRAY", `${loc}/Catch`);
    else
      s.Catch.forEach((k, i) => {
        const at = `${loc}/Catch[${i}]`;
        if (!isObject(k)) return c.schema("A catcher must be an OBJECT", at);
        unsupported(c, k, ["ErrorEquals", "Next", "ResultPath", "Assign", "Output", "Comment"], at);
        const missing = ["ErrorEquals", "Next"].filter((f) => !(f in k));
        if (missing.length) c.schema(`These fields are required: [${missing.join(", ")}]`, at);
        errorEquals(c, k.ErrorEquals, `${at}/ErrorEquals`, i === (s.Catch as Json[]).length - 1);
        if ("Next" in k) target(k.Next!, "Next", `${at}/Next`);
        if ("ResultPath" in k) {
          if (language === "JSONata") c.schema("Field 'ResultPath' is not supported", at);
          else checkPath(c, k.ResultPath!, "ResultPath", `${at}/ResultPath`, "reference");
        }
        if ("Output" in k && language === "JSONPath")
          c.schema(
            "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage",
            at,
          );
        if ("Output" in k && language === "JSONata") checkJsonata(c, k.Output!, `${at}/Output`, "Output");
        if ("Assign" in k) checkAssign(c, k.Assign!, `${at}/Assign`, language, outer);
      });
  }
  return { terminal, targets };
}

function timeouts(c: Collector, s: JsonObject, loc: string, language: QueryLanguage) {
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

function errorEquals(c: Collector, v: Json | undefined, at: string, isLast: boolean) {
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

function checkRetry(c: Collector, v: Json, loc: string) {
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

function checkRule(c: Collector, rule: JsonObject, at: string, topLevel: boolean) {
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

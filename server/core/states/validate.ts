// ValidateStateMachineDefinition / CreateStateMachine checks: JSON syntax, the shape of every state
// (fields allowed per type and per query language, value types, paths), transitions, reachability,
// terminal states, Choice rules, Retry/Catch and variable names. Diagnostics use AWS's codes and
// locations (/States/Name/Field, /States/P/Branches[0]/States/X, /States/M/ItemProcessor/States/X).

import { parseTimestamp } from "./choice";
import { looksLikeIntrinsic } from "./intrinsics";
import { isExpression } from "./jsonata-eval";
import { isObject, type Json, type JsonObject, type QueryLanguage } from "./types";
import {
  checkAssign,
  checkJsonata,
  checkPath,
  checkRetry,
  checkRule,
  checkTemplate,
  Collector,
  errorEquals,
  jsonErrorLocation,
  nonNegativeInt,
  timeouts,
  unsupported,
  type Diagnostic,
} from "./validate-checks";

export type { Diagnostic } from "./validate-checks";

export interface ValidationResult {
  result: "OK" | "FAIL";
  diagnostics: Diagnostic[];
  /** The parsed definition when result is OK. */
  definition?: JsonObject;
}

export const STATE_TYPES = ["Task", "Wait", "Pass", "Succeed", "Fail", "Choice", "Parallel", "Map"] as const;
const MAX_STATE_NAME = 80;

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

// JSONPath-language data flow: paths against the input, the context object ($$) and variables
// ($name), payload templates whose `.$` keys hold paths or intrinsic functions, and ResultPath.

import { evaluateIntrinsic, looksLikeIntrinsic, parseIntrinsic } from "./intrinsics";
import { parsePath, queryPath, setAtReferencePath } from "./jsonpath";
import { isObject, runtimeError, show, type Json, type JsonObject } from "./types";

export interface DataEnv {
  context: JsonObject;
  variables: JsonObject;
  random?: () => number;
  uuid?: () => string;
}

const VARIABLE = /^\$([A-Za-z_][A-Za-z0-9_]*)(.*)$/;

/** Resolves `$...` against `input`, `$$...` against the context, `$name...` against variables. */
export function lookup(path: string, input: Json, env: DataEnv): { found: true; value: Json } | { found: false } {
  if (path.startsWith("$$")) return queryPath(path.slice(1), env.context);
  const v = VARIABLE.exec(path);
  if (v) {
    const name = v[1]!;
    if (!Object.prototype.hasOwnProperty.call(env.variables, name)) return { found: false };
    return queryPath("$" + v[2], env.variables[name]!);
  }
  return queryPath(path, input);
}

export function notFound(path: string, field: string, input: Json) {
  if (VARIABLE.test(path) && !path.startsWith("$$"))
    return runtimeError(
      `The JSONPath '${path}' specified for the field '${field}' could not be found: variable '${VARIABLE.exec(path)![1]}' is not defined`,
    );
  const where = path.startsWith("$$") ? "the context object" : `the input '${show(input)}'`;
  return runtimeError(`The JSONPath '${path}' specified for the field '${field}' could not be found in ${where}`);
}

export function resolve(path: string, field: string, input: Json, env: DataEnv): Json {
  const r = lookup(path, input, env);
  if (!r.found) throw notFound(path, field, input);
  return r.value;
}

/** A `.$` value: an intrinsic call or a path. */
export function evaluateDynamic(expr: string, field: string, input: Json, env: DataEnv): Json {
  if (looksLikeIntrinsic(expr)) {
    return evaluateIntrinsic(parseIntrinsic(expr), {
      resolvePath: (p) => resolve(p, field, input, env),
      random: env.random,
      uuid: env.uuid,
    });
  }
  return resolve(expr, field, input, env);
}

/** Evaluates a payload template (Parameters, ResultSelector, ItemSelector, Assign, Credentials). */
export function applyTemplate(template: Json, input: Json, env: DataEnv): Json {
  if (Array.isArray(template)) return template.map((t) => applyTemplate(t, input, env));
  if (!isObject(template)) return template;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith(".$") && typeof value === "string")
      out[key.slice(0, -2)] = evaluateDynamic(value, key, input, env);
    else out[key] = applyTemplate(value, input, env);
  }
  return out;
}

/** Jayway's rendering of a definite path, as AWS quotes it: $.a.b[0] → $['a']['b'][0]. */
function bracketed(path: string): string {
  const root = path.startsWith("$$") ? "$$" : "$";
  try {
    const { segments } = parsePath(path.startsWith("$$") ? path.slice(1) : path);
    return (
      root +
      segments.map((s) => (s.kind === "name" ? `['${s.name}']` : s.kind === "index" ? `[${s.index}]` : "")).join("")
    );
  } catch {
    return path;
  }
}

/**
 * A path field (InputPath, OutputPath, ItemsPath, SecondsPath, TimestampPath, ...) that matches
 * nothing: AWS answers with Jayway's wording, unlike a `.$` field of a payload template.
 */
export function resolvePathField(path: string, input: Json, env: DataEnv): Json {
  const r = lookup(path, input, env);
  if (!r.found) throw runtimeError(`Invalid path '${path}' : No results for path: ${bracketed(path)}`);
  return r.value;
}

/** InputPath/OutputPath: null means `{}`; a missing path is States.Runtime. */
export function selectPath(path: string | null | undefined, _field: string, input: Json, env: DataEnv): Json {
  if (path === undefined || path === "$") return input;
  if (path === null) return {};
  return resolvePathField(path, input, env);
}

/** ResultPath: where the result lands in the state input. */
export function applyResultPath(resultPath: string | null | undefined, input: Json, result: Json): Json {
  if (resultPath === undefined || resultPath === "$") return result;
  if (resultPath === null) return input;
  const r = setAtReferencePath(input, resultPath, result);
  if (!r.ok) throw runtimeError(`Unable to apply ReferencePath ${resultPath} to input '${show(input)}'`);
  return r.value;
}

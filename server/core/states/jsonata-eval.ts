// JSONata-language fields: a string "{% expr %}" is an expression, evaluated with the jsonata
// library; objects and arrays are templates whose string leaves may be expressions. `$states`
// carries input/result/errorOutput/context, and workflow variables are bound by name. Step
// Functions adds $partition, $range, $hash, $random, $uuid and $parse to the standard library.

import jsonata from "jsonata";
import { evaluateIntrinsic } from "./intrinsics";
import { isObject, queryEvaluationError, StatesError, type Json, type JsonObject } from "./types";

export interface StatesBinding {
  input: Json;
  context: JsonObject;
  result?: Json;
  errorOutput?: Json;
}

export interface JsonataEnv {
  variables: JsonObject;
  random?: () => number;
  uuid?: () => string;
}

const EXPR = /^\{%([\s\S]*)%\}$/;
export const isExpression = (v: unknown): v is string => typeof v === "string" && EXPR.test(v);

const compiled = new Map<string, jsonata.Expression>();

function compile(body: string, field: string): jsonata.Expression {
  const hit = compiled.get(body);
  if (hit) return hit;
  let expr: jsonata.Expression;
  try {
    expr = jsonata(body);
  } catch (e) {
    throw queryEvaluationError(
      `The JSONata expression '${body.trim()}' specified for the field '${field}' is invalid: ${(e as Error).message}`,
    );
  }
  if (compiled.size > 2000) compiled.clear();
  compiled.set(body, expr);
  return expr;
}

/** Calls an intrinsic by name so the JSONata extensions share the JSONPath functions' rules. */
function viaIntrinsic(name: string, args: Json[], env: JsonataEnv): Json {
  return evaluateIntrinsic(
    { kind: "call", name, args: args.map((value) => ({ kind: "literal", value })) },
    { resolvePath: () => null, random: env.random, uuid: env.uuid },
  );
}

function registerExtensions(expr: jsonata.Expression, env: JsonataEnv) {
  const wrap =
    (fn: (...a: Json[]) => Json) =>
    (...a: unknown[]) => {
      try {
        return fn(...(a as Json[]));
      } catch (e) {
        if (e instanceof StatesError) throw { message: e.cause };
        throw e;
      }
    };
  expr.registerFunction(
    "partition",
    wrap((arr, size) => viaIntrinsic("States.ArrayPartition", [arr!, size!], env)),
  );
  expr.registerFunction(
    "range",
    wrap((s, e, step) => viaIntrinsic("States.ArrayRange", [s!, e!, step!], env)),
  );
  expr.registerFunction(
    "hash",
    wrap((data, alg) => {
      if (typeof data !== "string") throw { message: "The data to hash must be a string" };
      return viaIntrinsic("States.Hash", [data, alg!], env);
    }),
  );
  expr.registerFunction(
    "random",
    wrap((seed) =>
      seed === undefined
        ? (env.random ?? Math.random)()
        : viaIntrinsic("States.MathRandom", [0, 2147483647, seed], env),
    ),
  );
  expr.registerFunction(
    "uuid",
    wrap(() => viaIntrinsic("States.UUID", [], env)),
  );
  expr.registerFunction(
    "parse",
    wrap((s) => {
      if (typeof s !== "string") throw { message: "$parse expects a JSON string" };
      try {
        return JSON.parse(s) as Json;
      } catch {
        throw { message: "$parse received a string that is not valid JSON" };
      }
    }),
  );
}

async function evaluateExpression(text: string, field: string, states: StatesBinding, env: JsonataEnv): Promise<Json> {
  const body = EXPR.exec(text)![1]!;
  const expr = compile(body, field);
  registerExtensions(expr, env);
  let value: unknown;
  try {
    // There is no context item: data comes from $states and from variables, as on AWS.
    value = await expr.evaluate(undefined, { ...env.variables, states });
  } catch (e) {
    if (e instanceof StatesError) throw e;
    const { code, message } = e as { code?: string; message?: string };
    const tail = code ? `. ${code}: ${message ?? ""}` : `: ${message ?? String(e)}`;
    throw queryEvaluationError(
      `The JSONata expression '${body.trim()}' specified for the field '${field}' threw an error during evaluation${tail}`,
    );
  }
  if (value === undefined)
    throw queryEvaluationError(
      `The JSONata expression '${body.trim()}' specified for the field '${field}' returned nothing (undefined).`,
    );
  return normalize(value);
}

/** jsonata returns arrays tagged with extra properties (sequences); keep plain JSON only. */
function normalize(v: unknown): Json {
  if (Array.isArray(v)) return v.map(normalize);
  if (typeof v === "function") return null;
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined && typeof x !== "function") out[k] = normalize(x);
    return out;
  }
  if (typeof v === "number" && !Number.isFinite(v))
    throw queryEvaluationError("The JSONata expression returned a number that is not finite");
  return v as Json;
}

/** Evaluates a JSONata-language field value: an expression string, or a template holding some. */
export async function evaluateJsonata(
  template: Json,
  field: string,
  states: StatesBinding,
  env: JsonataEnv,
): Promise<Json> {
  if (typeof template === "string")
    return isExpression(template) ? evaluateExpression(template, field, states, env) : template;
  if (Array.isArray(template)) {
    const out: Json[] = [];
    for (const [i, t] of template.entries()) out.push(await evaluateJsonata(t, `${field}[${i}]`, states, env));
    return out;
  }
  if (isObject(template)) {
    const out: JsonObject = {};
    // AWS names a nested field by its path: '/key' per object key, '[i]' per array index.
    for (const [k, t] of Object.entries(template)) out[k] = await evaluateJsonata(t, `${field}/${k}`, states, env);
    return out;
  }
  return template;
}

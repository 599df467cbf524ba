// Shared pieces of the step function: the outcome types, the run context, and the helpers both
// query languages use (transitions, JSONata bindings, Assign, Map work).

import { evaluateJsonata, type StatesBinding } from "./jsonata-eval";
import { applyTemplate, type DataEnv } from "./payload";
import {
  isObject,
  queryEvaluationError,
  runtimeError,
  show,
  StatesError,
  type Json,
  type JsonObject,
  type QueryLanguage,
} from "./types";

export interface Scope {
  StartAt: string;
  States: Record<string, JsonObject>;
  /** The language states in this scope default to: always the machine's, also inside branches and processors. */
  QueryLanguage?: QueryLanguage;
}

export interface RunContext {
  /** The context object ($$ / $states.context): Execution, StateMachine, State, Task, Map. */
  context: JsonObject;
  /** Variables visible to this state (the executor keeps them per scope). */
  variables: JsonObject;
  now: Date;
  /** How many times each retrier of this state has already retried (index = retrier position). */
  retryAttempts?: number[];
  random?: () => number;
  uuid?: () => string;
}

export type Transition =
  | { kind: "next"; next: string; output: Json; variables: JsonObject }
  | { kind: "end"; output: Json; variables: JsonObject }
  /** A Fail state without Error/Cause fails the execution without them, as on AWS. */
  | { kind: "fail"; error?: string; cause?: string };

export interface TaskWork {
  kind: "task";
  resource: string;
  /** The payload to send (after InputPath/Parameters or Arguments). */
  input: Json;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  credentials?: Json;
}

export interface ParallelWork {
  kind: "parallel";
  branches: Scope[];
  input: Json;
}

export interface MapWork {
  kind: "map";
  processor: Scope;
  mode: "INLINE" | "DISTRIBUTED";
  /** Each item as the item processor receives it (after ItemSelector). */
  items: Json[];
  maxConcurrency: number;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
}

export type Retry = { kind: "retry"; retrierIndex: number; delaySeconds: number };
export type StepOutcome =
  Transition | { kind: "wait"; until: Date; then: Transition } | TaskWork | ParallelWork | MapWork | Retry;

export const languageOf = (scope: Scope, state: JsonObject): QueryLanguage =>
  (state.QueryLanguage as QueryLanguage | undefined) ?? scope.QueryLanguage ?? "JSONPath";

export const dataEnv = (run: RunContext): DataEnv => ({
  context: run.context,
  variables: run.variables,
  random: run.random,
  uuid: run.uuid,
});

export function stateOf(scope: Scope, name: string): JsonObject {
  const s = scope.States[name];
  if (!s) throw runtimeError(`The state '${name}' does not exist`);
  return s;
}

export function transition(state: JsonObject, output: Json, variables: JsonObject): Transition {
  if (state.Type === "Succeed" || state.End === true) return { kind: "end", output, variables };
  return { kind: "next", next: state.Next as string, output, variables };
}

export function bindings(input: Json, run: RunContext, extra: Partial<StatesBinding> = {}): StatesBinding {
  return { input, context: run.context, ...extra };
}

export async function jsonata(template: Json, field: string, states: StatesBinding, run: RunContext): Promise<Json> {
  return evaluateJsonata(template, field, states, { variables: run.variables, random: run.random, uuid: run.uuid });
}

/** JSONata Assign and Output are evaluated together, both seeing the variables from before the state. */
export async function finishJsonata(
  assign: Json | undefined,
  output: Json | undefined,
  fallback: Json,
  states: StatesBinding,
  run: RunContext,
  prefix = "",
) {
  const value = output === undefined ? fallback : await jsonata(output, `${prefix}Output`, states, run);
  const variables = { ...run.variables };
  if (isObject(assign)) {
    for (const [k, v] of Object.entries(assign)) variables[k] = await jsonata(v, `${prefix}Assign/${k}`, states, run);
  }
  return { value, variables };
}

export function assignJsonPath(assign: Json | undefined, data: Json, run: RunContext): JsonObject {
  if (!isObject(assign)) return run.variables;
  return { ...run.variables, ...(applyTemplate(assign, data, dataEnv(run)) as JsonObject) };
}

export function asFailure(e: unknown): Transition {
  if (e instanceof StatesError) return { kind: "fail", error: e.error, cause: e.cause };
  throw e;
}

export const positiveInt = (v: Json, field: string): number => {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0)
    throw runtimeError(`The value for the field '${field}' must be a positive integer, but it is '${show(v)}'`);
  return v;
};

export const positiveIntJsonata = (v: Json, field: string): number => {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0)
    throw queryEvaluationError(`The value for the field '${field}' must be a positive integer, but it is '${show(v)}'`);
  return v;
};

export function childScope(b: JsonObject, language: QueryLanguage): Scope {
  return { StartAt: b.StartAt as string, States: b.States as Record<string, JsonObject>, QueryLanguage: language };
}

export function withMapItem(context: JsonObject, index: number, value: Json): JsonObject {
  return { ...context, Map: { Item: { Index: index, Value: value } } };
}

export function mapWork(
  state: JsonObject,
  items: Json[],
  language: QueryLanguage,
  limits: { maxConcurrency?: Json; toleratedFailureCount?: Json; toleratedFailurePercentage?: Json },
): MapWork {
  const proc = (state.ItemProcessor ?? state.Iterator) as JsonObject;
  const config = isObject(proc.ProcessorConfig) ? proc.ProcessorConfig : {};
  const nonNegative = (v: Json | undefined, f: string) => {
    if (v === undefined) return undefined;
    if (typeof v !== "number" || v < 0)
      throw runtimeError(`The value for the field '${f}' must be a non-negative number, but it is '${show(v)}'`);
    return v;
  };
  const work: MapWork = {
    kind: "map",
    processor: childScope(proc, language),
    mode: config.Mode === "DISTRIBUTED" ? "DISTRIBUTED" : "INLINE",
    items,
    maxConcurrency: nonNegative(limits.maxConcurrency, "MaxConcurrency") ?? 0,
  };
  const count = nonNegative(limits.toleratedFailureCount, "ToleratedFailureCount");
  const pct = nonNegative(limits.toleratedFailurePercentage, "ToleratedFailurePercentage");
  if (count !== undefined) work.toleratedFailureCount = count;
  if (pct !== undefined) work.toleratedFailurePercentage = pct;
  return work;
}

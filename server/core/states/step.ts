// The pure step function of the Workflows engine. Given a scope (the machine, a Parallel branch or a
// Map item processor), a state name, its raw input and the run context, it computes what the state
// does: a transition (next/end/fail), a wait, or work to schedule (task, parallel, map). The durable
// executor persists each outcome and schedules the work; when the work finishes it calls
// applyResult or applyError, which compute the transition the same way AWS does.

import { evaluateRule, parseTimestamp } from "./choice";
import { evaluateJsonata, type StatesBinding } from "./jsonata-eval";
import { applyResultPath, applyTemplate, evaluateDynamic, resolvePathField, selectPath, type DataEnv } from "./payload";
import { errorOutput, selectCatcher, selectRetry, type Retrier } from "./retry";
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
  /** The language states in this scope default to (the machine's, or the enclosing state's). */
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

const languageOf = (scope: Scope, state: JsonObject): QueryLanguage =>
  (state.QueryLanguage as QueryLanguage | undefined) ?? scope.QueryLanguage ?? "JSONPath";

const dataEnv = (run: RunContext): DataEnv => ({
  context: run.context,
  variables: run.variables,
  random: run.random,
  uuid: run.uuid,
});

function stateOf(scope: Scope, name: string): JsonObject {
  const s = scope.States[name];
  if (!s) throw runtimeError(`The state '${name}' does not exist`);
  return s;
}

function transition(state: JsonObject, output: Json, variables: JsonObject): Transition {
  if (state.Type === "Succeed" || state.End === true) return { kind: "end", output, variables };
  return { kind: "next", next: state.Next as string, output, variables };
}

function bindings(input: Json, run: RunContext, extra: Partial<StatesBinding> = {}): StatesBinding {
  return { input, context: run.context, ...extra };
}

async function jsonata(template: Json, field: string, states: StatesBinding, run: RunContext): Promise<Json> {
  return evaluateJsonata(template, field, states, { variables: run.variables, random: run.random, uuid: run.uuid });
}

/** JSONata Assign and Output are evaluated together, both seeing the variables from before the state. */
async function finishJsonata(
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

function assignJsonPath(assign: Json | undefined, data: Json, run: RunContext): JsonObject {
  if (!isObject(assign)) return run.variables;
  return { ...run.variables, ...(applyTemplate(assign, data, dataEnv(run)) as JsonObject) };
}

function asFailure(e: unknown): Transition {
  if (e instanceof StatesError) return { kind: "fail", error: e.error, cause: e.cause };
  throw e;
}

const positiveInt = (v: Json, field: string): number => {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0)
    throw runtimeError(`The value for the field '${field}' must be a positive integer, but it is '${show(v)}'`);
  return v;
};

const positiveIntJsonata = (v: Json, field: string): number => {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0)
    throw queryEvaluationError(`The value for the field '${field}' must be a positive integer, but it is '${show(v)}'`);
  return v;
};

/** Computes what `stateName` does with `input`. Never performs I/O. */
export async function stepState(scope: Scope, stateName: string, input: Json, run: RunContext): Promise<StepOutcome> {
  const state = stateOf(scope, stateName);
  const language = languageOf(scope, state);
  // Branches and item processors inherit the machine's language, never the Map/Parallel state's.
  const inherited = scope.QueryLanguage ?? "JSONPath";
  try {
    return language === "JSONata"
      ? await stepJsonata(state, input, run, inherited)
      : stepJsonPath(state, input, run, inherited);
  } catch (e) {
    if (
      e instanceof StatesError &&
      e.error !== "States.Runtime" &&
      (state.Type === "Task" || state.Type === "Parallel" || state.Type === "Map")
    )
      return applyError(scope, stateName, input, { error: e.error, cause: e.cause }, run);
    return asFailure(e);
  }
}

function stepJsonPath(state: JsonObject, raw: Json, run: RunContext, inherited: QueryLanguage): StepOutcome {
  const env = dataEnv(run);
  const effective =
    state.Type === "Fail" ? raw : selectPath(state.InputPath as string | null | undefined, "InputPath", raw, env);
  const out = (value: Json) => selectPath(state.OutputPath as string | null | undefined, "OutputPath", value, env);
  switch (state.Type) {
    case "Pass": {
      const result =
        "Result" in state
          ? state.Result!
          : "Parameters" in state
            ? applyTemplate(state.Parameters!, effective, env)
            : effective;
      const variables = assignJsonPath(state.Assign, result, run);
      return transition(
        state,
        out(applyResultPath(state.ResultPath as string | null | undefined, raw, result)),
        variables,
      );
    }
    case "Succeed":
      return transition(state, out(effective), run.variables);
    case "Fail": {
      const error =
        state.ErrorPath !== undefined ? evaluateDynamic(state.ErrorPath as string, "ErrorPath", raw, env) : state.Error;
      const cause =
        state.CausePath !== undefined ? evaluateDynamic(state.CausePath as string, "CausePath", raw, env) : state.Cause;
      if (error !== undefined && typeof error !== "string")
        throw runtimeError(`The value for the field 'ErrorPath' must be a string, but it is '${show(error)}'`);
      if (cause !== undefined && typeof cause !== "string")
        throw runtimeError(`The value for the field 'CausePath' must be a string, but it is '${show(cause)}'`);
      return {
        kind: "fail",
        ...(error !== undefined ? { error: error as string } : {}),
        ...(cause !== undefined ? { cause: cause as string } : {}),
      };
    }
    case "Choice": {
      const rules = state.Choices as JsonObject[];
      for (const rule of rules) {
        if (evaluateRule(rule, effective, env)) {
          const variables = {
            ...assignJsonPath(state.Assign, effective, run),
            ...assignJsonPath(rule.Assign, effective, { ...run, variables: {} }),
          };
          return { kind: "next", next: rule.Next as string, output: out(effective), variables };
        }
      }
      if (typeof state.Default === "string")
        return {
          kind: "next",
          next: state.Default,
          output: out(effective),
          variables: assignJsonPath(state.Assign, effective, run),
        };
      return { kind: "fail", error: "States.NoChoiceMatched", cause: "No Matches!" };
    }
    case "Wait": {
      let until: Date;
      if ("Seconds" in state) until = new Date(run.now.getTime() + (state.Seconds as number) * 1000);
      else if ("Timestamp" in state) until = new Date(parseTimestamp(state.Timestamp)!);
      else if ("SecondsPath" in state) {
        const v = resolvePathField(state.SecondsPath as string, effective, env);
        if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
          throw runtimeError(
            `The SecondsPath parameter does not reference a valid value: the value '${show(v)}' is not a non-negative integer`,
          );
        until = new Date(run.now.getTime() + v * 1000);
      } else {
        const v = resolvePathField(state.TimestampPath as string, effective, env);
        const t = parseTimestamp(v);
        if (t === null)
          throw runtimeError(
            `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: '${show(v)}'`,
          );
        until = new Date(t);
      }
      return {
        kind: "wait",
        until,
        then: transition(state, out(effective), assignJsonPath(state.Assign, effective, run)),
      };
    }
    case "Task": {
      const payload = "Parameters" in state ? applyTemplate(state.Parameters!, effective, env) : effective;
      const work: TaskWork = { kind: "task", resource: state.Resource as string, input: payload };
      if ("TimeoutSeconds" in state) work.timeoutSeconds = state.TimeoutSeconds as number;
      if ("TimeoutSecondsPath" in state)
        work.timeoutSeconds = positiveInt(
          resolvePathField(state.TimeoutSecondsPath as string, effective, env),
          "TimeoutSecondsPath",
        );
      if ("HeartbeatSeconds" in state) work.heartbeatSeconds = state.HeartbeatSeconds as number;
      if ("HeartbeatSecondsPath" in state)
        work.heartbeatSeconds = positiveInt(
          resolvePathField(state.HeartbeatSecondsPath as string, effective, env),
          "HeartbeatSecondsPath",
        );
      if ("Credentials" in state) work.credentials = applyTemplate(state.Credentials!, effective, env);
      return work;
    }
    case "Parallel": {
      const payload = "Parameters" in state ? applyTemplate(state.Parameters!, effective, env) : effective;
      return {
        kind: "parallel",
        branches: (state.Branches as JsonObject[]).map((b) => childScope(b, inherited)),
        input: payload,
      };
    }
    case "Map": {
      const itemsPath = (state.ItemsPath as string | undefined) ?? "$";
      const items = resolvePathField(itemsPath, effective, env);
      if (!Array.isArray(items))
        throw runtimeError(
          `The value at the ItemsPath '${itemsPath}' must be a JSON array, but it is '${show(items)}'`,
        );
      const selector = state.ItemSelector ?? state.Parameters;
      const processed = items.map((value, index) =>
        selector === undefined
          ? value
          : applyTemplate(selector, effective, { ...env, context: withMapItem(run.context, index, value) }),
      );
      const dyn = (f: string) =>
        f in state
          ? state[f]
          : `${f}Path` in state
            ? resolvePathField(state[`${f}Path`] as string, effective, env)
            : undefined;
      return mapWork(state, processed, inherited, {
        maxConcurrency: dyn("MaxConcurrency"),
        toleratedFailureCount: dyn("ToleratedFailureCount"),
        toleratedFailurePercentage: dyn("ToleratedFailurePercentage"),
      });
    }
  }
  throw runtimeError(`Unsupported state type '${String(state.Type)}'`);
}

async function stepJsonata(
  state: JsonObject,
  input: Json,
  run: RunContext,
  inherited: QueryLanguage,
): Promise<StepOutcome> {
  const states = bindings(input, run);
  const num = async (f: string) => (f in state ? await jsonata(state[f]!, f, states, run) : undefined);
  switch (state.Type) {
    case "Pass":
    case "Succeed": {
      const { value, variables } = await finishJsonata(state.Assign, state.Output, input, states, run);
      return transition(state, value, variables);
    }
    case "Fail": {
      const error = await num("Error");
      const cause = await num("Cause");
      if (error !== undefined && typeof error !== "string")
        throw queryEvaluationError(`The value for the field 'Error' must be a string, but it is '${show(error)}'`);
      if (cause !== undefined && typeof cause !== "string")
        throw queryEvaluationError(`The value for the field 'Cause' must be a string, but it is '${show(cause)}'`);
      return {
        kind: "fail",
        ...(error !== undefined ? { error: error as string } : {}),
        ...(cause !== undefined ? { cause: cause as string } : {}),
      };
    }
    case "Choice": {
      for (const [index, rule] of (state.Choices as JsonObject[]).entries()) {
        const ok = await jsonata(rule.Condition!, `Choices[${index}]/Condition`, states, run);
        if (typeof ok !== "boolean")
          throw queryEvaluationError(
            `The JSONata expression '${show(rule.Condition)}' specified for the field 'Choices[${index}]/Condition' returned a non-boolean value '${show(ok)}'`,
          );
        if (ok) {
          const base = await finishJsonata(state.Assign, state.Output, input, states, run);
          const rulePart = await finishJsonata(
            rule.Assign,
            undefined,
            input,
            states,
            { ...run, variables: {} },
            `Choices[${index}]/`,
          );
          return {
            kind: "next",
            next: rule.Next as string,
            output: base.value,
            variables: { ...base.variables, ...rulePart.variables },
          };
        }
      }
      if (typeof state.Default === "string") {
        const { value, variables } = await finishJsonata(state.Assign, state.Output, input, states, run);
        return { kind: "next", next: state.Default, output: value, variables };
      }
      return { kind: "fail", error: "States.NoChoiceMatched", cause: "No Matches!" };
    }
    case "Wait": {
      let until: Date;
      if ("Seconds" in state) {
        const v = await num("Seconds");
        if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
          throw queryEvaluationError(
            `The value for the field 'Seconds' must be a non-negative integer, but it is '${show(v)}'`,
          );
        until = new Date(run.now.getTime() + v * 1000);
      } else {
        const v = await num("Timestamp");
        const t = parseTimestamp(v);
        if (t === null)
          throw queryEvaluationError(
            `The value for the field 'Timestamp' must be an ISO-8601 extended offset date-time string, but it is '${show(v)}'`,
          );
        until = new Date(t);
      }
      const { value, variables } = await finishJsonata(state.Assign, state.Output, input, states, run);
      return { kind: "wait", until, then: transition(state, value, variables) };
    }
    case "Task": {
      const args = "Arguments" in state ? await jsonata(state.Arguments!, "Arguments", states, run) : input;
      const work: TaskWork = { kind: "task", resource: state.Resource as string, input: args };
      if ("TimeoutSeconds" in state)
        work.timeoutSeconds = positiveIntJsonata((await num("TimeoutSeconds"))!, "TimeoutSeconds");
      if ("HeartbeatSeconds" in state)
        work.heartbeatSeconds = positiveIntJsonata((await num("HeartbeatSeconds"))!, "HeartbeatSeconds");
      if ("Credentials" in state) work.credentials = await num("Credentials");
      return work;
    }
    case "Parallel": {
      const args = "Arguments" in state ? await jsonata(state.Arguments!, "Arguments", states, run) : input;
      return {
        kind: "parallel",
        branches: (state.Branches as JsonObject[]).map((b) => childScope(b, inherited)),
        input: args,
      };
    }
    case "Map": {
      const items = "Items" in state ? await jsonata(state.Items!, "Items", states, run) : input;
      if (!Array.isArray(items))
        throw queryEvaluationError(`The value for the field 'Items' must be a JSON array, but it is '${show(items)}'`);
      const processed: Json[] = [];
      for (const [index, value] of items.entries())
        processed.push(
          state.ItemSelector === undefined
            ? value
            : await jsonata(
                state.ItemSelector,
                "ItemSelector",
                bindings(input, { ...run, context: withMapItem(run.context, index, value) }),
                run,
              ),
        );
      return mapWork(state, processed, inherited, {
        maxConcurrency: await num("MaxConcurrency"),
        toleratedFailureCount: await num("ToleratedFailureCount"),
        toleratedFailurePercentage: await num("ToleratedFailurePercentage"),
      });
    }
  }
  throw runtimeError(`Unsupported state type '${String(state.Type)}'`);
}

function childScope(b: JsonObject, language: QueryLanguage): Scope {
  return { StartAt: b.StartAt as string, States: b.States as Record<string, JsonObject>, QueryLanguage: language };
}

export function withMapItem(context: JsonObject, index: number, value: Json): JsonObject {
  return { ...context, Map: { Item: { Index: index, Value: value } } };
}

function mapWork(
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

/** Whether a Map run with `failed` failed items out of `total` still succeeds (tolerated failures). */
export function mapFailureTolerated(work: MapWork, failed: number, total: number): boolean {
  if (failed === 0) return true;
  if (work.toleratedFailureCount !== undefined && failed <= work.toleratedFailureCount) return true;
  if (
    work.toleratedFailurePercentage !== undefined &&
    total > 0 &&
    (failed / total) * 100 <= work.toleratedFailurePercentage
  )
    return true;
  return false;
}

/** A Task/Parallel/Map finished with `result` (task output, branch outputs, or item outputs in order). */
export async function applyResult(
  scope: Scope,
  stateName: string,
  rawInput: Json,
  result: Json,
  run: RunContext,
): Promise<Transition> {
  const state = stateOf(scope, stateName);
  try {
    if (languageOf(scope, state) === "JSONata") {
      const { value, variables } = await finishJsonata(
        state.Assign,
        state.Output,
        result,
        bindings(rawInput, run, { result }),
        run,
      );
      return transition(state, value, variables);
    }
    const env = dataEnv(run);
    const selected = "ResultSelector" in state ? applyTemplate(state.ResultSelector!, result, env) : result;
    const variables = assignJsonPath(state.Assign, selected, run);
    const merged = applyResultPath(state.ResultPath as string | null | undefined, rawInput, selected);
    return transition(
      state,
      selectPath(state.OutputPath as string | null | undefined, "OutputPath", merged, env),
      variables,
    );
  } catch (e) {
    return asFailure(e);
  }
}

/**
 * A Task/Parallel/Map failed with `error`: the first matching retrier decides whether to retry (the
 * executor re-runs the state after delaySeconds and counts the attempt for that retrier), else the
 * first matching catcher transitions with the error output, else the execution fails.
 */
export async function applyError(
  scope: Scope,
  stateName: string,
  rawInput: Json,
  failure: { error: string; cause?: string },
  run: RunContext,
): Promise<Retry | Transition> {
  const state = stateOf(scope, stateName);
  const retry = selectRetry(
    state.Retry as unknown as Retrier[] | undefined,
    failure.error,
    run.retryAttempts ?? [],
    run.random,
  );
  if (retry.retry) return { kind: "retry", retrierIndex: retry.index, delaySeconds: retry.delaySeconds };
  const caught = selectCatcher(state.Catch as JsonObject[] | undefined, failure.error);
  if (!caught)
    return { kind: "fail", error: failure.error, ...(failure.cause !== undefined ? { cause: failure.cause } : {}) };
  const { catcher } = caught;
  const errOut = errorOutput(failure.error, failure.cause);
  try {
    if (languageOf(scope, state) === "JSONata") {
      const { value, variables } = await finishJsonata(
        catcher.Assign,
        catcher.Output,
        errOut,
        bindings(rawInput, run, { errorOutput: errOut }),
        run,
        `Catch[${caught.index}]/`,
      );
      return { kind: "next", next: catcher.Next as string, output: value, variables };
    }
    const variables = assignJsonPath(catcher.Assign, errOut, run);
    const output = applyResultPath(catcher.ResultPath as string | null | undefined, rawInput, errOut);
    return { kind: "next", next: catcher.Next as string, output, variables };
  } catch (e) {
    return asFailure(e);
  }
}

// JSONPath-language states: InputPath, Parameters, Result, ResultPath, OutputPath, Choice rules,
// Wait paths, Fail paths, and the input side of Task/Parallel/Map.

import { evaluateRule, parseTimestamp } from "./choice";
import { applyResultPath, applyTemplate, evaluateDynamic, resolvePathField, selectPath } from "./payload";
import { runtimeError, show, type Json, type JsonObject, type QueryLanguage } from "./types";
import {
  dataEnv,
  transition,
  assignJsonPath,
  positiveInt,
  childScope,
  withMapItem,
  mapWork,
  type RunContext,
  type TaskWork,
  type StepOutcome,
} from "./step-common";

export function stepJsonPath(state: JsonObject, raw: Json, run: RunContext, inherited: QueryLanguage): StepOutcome {
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
      // A DISTRIBUTED Map with an ItemReader gets its items from the reader (the executor calls
      // domains/workflows/map-items.ts), not from the input.
      const items = state.ItemReader !== undefined ? [] : resolvePathField(itemsPath, effective, env);
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

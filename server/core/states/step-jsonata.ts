// JSONata-language states: Arguments, Output, Assign, Condition, Items/ItemSelector and expression
// forms of Wait, Fail and timeouts, evaluated with $states and the workflow variables.

import { parseTimestamp } from "./choice";
import { queryEvaluationError, runtimeError, show, type Json, type JsonObject, type QueryLanguage } from "./types";
import {
  transition,
  bindings,
  jsonata,
  finishJsonata,
  positiveIntJsonata,
  childScope,
  withMapItem,
  mapWork,
  type RunContext,
  type TaskWork,
  type StepOutcome,
} from "./step-common";

export async function stepJsonata(
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
      // With an ItemReader the executor reads the items (domains/workflows/map-items.ts).
      const items =
        state.ItemReader !== undefined
          ? []
          : "Items" in state
            ? await jsonata(state.Items!, "Items", states, run)
            : input;
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

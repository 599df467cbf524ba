// The pure step function of the Workflows engine. Given a scope (the machine, a Parallel branch or a
// Map item processor), a state name, its raw input and the run context, it computes what the state
// does: a transition (next/end/fail), a wait, or work to schedule (task, parallel, map). The durable
// executor persists each outcome and schedules the work; when the work finishes it calls
// applyResult or applyError, which compute the transition the same way AWS does.

import { applyResultPath, applyTemplate, selectPath } from "./payload";
import { errorOutput, selectCatcher, selectRetry, type Retrier } from "./retry";
import { StatesError, type Json, type JsonObject } from "./types";
import {
  languageOf,
  dataEnv,
  stateOf,
  transition,
  bindings,
  finishJsonata,
  assignJsonPath,
  asFailure,
  type Scope,
  type RunContext,
  type Transition,
  type MapWork,
  type Retry,
  type StepOutcome,
} from "./step-common";
import { stepJsonata } from "./step-jsonata";
import { stepJsonPath } from "./step-jsonpath";

export { withMapItem } from "./step-common";
export type { MapWork, ParallelWork, Retry, RunContext, Scope, StepOutcome, TaskWork, Transition } from "./step-common";

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

// A tiny in-memory driver for tests: runs a scope to the end through the pure step function, the
// way the durable executor will (tasks answered by handlers, waits advance a fake clock, retries
// counted per retrier, Parallel/Map children run with a copy of the variables).

import {
  applyError,
  applyResult,
  mapFailureTolerated,
  stepState,
  withMapItem,
  type RunContext,
  type Scope,
  type Transition,
} from "../step";
import { StatesError, type Json, type JsonObject, type QueryLanguage } from "../types";

export type TaskHandler = (input: Json, call: number) => Json;
export interface RunOptions {
  tasks?: Record<string, TaskHandler>;
  variables?: JsonObject;
  context?: JsonObject;
  now?: Date;
  random?: () => number;
  uuid?: () => string;
}
export type RunResult =
  | { status: "SUCCEEDED"; output: Json; variables: JsonObject; trace: string[]; waits: number[] }
  | { status: "FAILED"; error?: string; cause?: string; trace: string[]; waits: number[] };

export async function runMachine(definition: JsonObject, input: Json, opts: RunOptions = {}): Promise<RunResult> {
  const scope: Scope = {
    StartAt: definition.StartAt as string,
    States: definition.States as Record<string, JsonObject>,
    QueryLanguage: (definition.QueryLanguage as QueryLanguage) ?? "JSONPath",
  };
  const state = {
    now: opts.now ?? new Date("2026-01-01T00:00:00Z"),
    calls: new Map<string, number>(),
    trace: [] as string[],
    waits: [] as number[],
  };
  const context: JsonObject = opts.context ?? {
    Execution: {
      Id: "arn:aws:states:us-east-1:123456789012:execution:m:e",
      Input: input,
      Name: "e",
      StartTime: state.now.toISOString(),
    },
    StateMachine: { Id: "arn:aws:states:us-east-1:123456789012:stateMachine:m", Name: "m" },
  };
  const r = await runScope(scope, input, opts.variables ?? {}, context, opts, state);
  return r.kind === "end"
    ? { status: "SUCCEEDED", output: r.output, variables: r.variables, trace: state.trace, waits: state.waits }
    : { status: "FAILED", error: r.error, cause: r.cause, trace: state.trace, waits: state.waits };
}

type Clock = { now: Date; calls: Map<string, number>; trace: string[]; waits: number[] };

async function runScope(
  scope: Scope,
  input: Json,
  variables: JsonObject,
  baseContext: JsonObject,
  opts: RunOptions,
  clock: Clock,
): Promise<Exclude<Transition, { kind: "next" }>> {
  let name = scope.StartAt;
  let current = input;
  let vars = variables;
  for (let guard = 0; guard < 1000; guard++) {
    clock.trace.push(name);
    const attempts: number[] = [];
    let retryCount = 0;
    for (;;) {
      const run: RunContext = {
        context: {
          ...baseContext,
          State: { Name: name, EnteredTime: clock.now.toISOString(), RetryCount: retryCount },
        },
        variables: vars,
        now: clock.now,
        retryAttempts: attempts,
        random: opts.random,
        uuid: opts.uuid,
      };
      let outcome = await stepState(scope, name, current, run);
      if (outcome.kind === "task" || outcome.kind === "parallel" || outcome.kind === "map") {
        let result: Json;
        try {
          if (outcome.kind === "task") {
            const handler = opts.tasks?.[outcome.resource];
            if (!handler) throw new StatesError("States.TaskFailed", `no handler for ${outcome.resource}`);
            const n = (clock.calls.get(outcome.resource) ?? 0) + 1;
            clock.calls.set(outcome.resource, n);
            result = handler(outcome.input, n);
          } else if (outcome.kind === "parallel") {
            const outs: Json[] = [];
            for (const b of outcome.branches) {
              const r = await runScope(b, outcome.input, { ...vars }, baseContext, opts, clock);
              if (r.kind === "fail") throw new StatesError(r.error ?? "", r.cause ?? "");
              outs.push(r.output);
            }
            result = outs;
          } else {
            const outs: Json[] = [];
            let failed = 0;
            let lastFailure: { error?: string; cause?: string } | null = null;
            for (const [i, item] of outcome.items.entries()) {
              const r = await runScope(
                outcome.processor,
                item,
                { ...vars },
                withMapItem(baseContext, i, item),
                opts,
                clock,
              );
              if (r.kind === "fail") {
                failed++;
                lastFailure = r;
                outs.push(null);
              } else outs.push(r.output);
            }
            if (!mapFailureTolerated(outcome, failed, outcome.items.length))
              throw new StatesError(
                "States.ExceedToleratedFailureThreshold",
                lastFailure ? `The specified tolerated failure threshold was exceeded` : "",
              );
            result = outs;
          }
        } catch (e) {
          if (!(e instanceof StatesError)) throw e;
          outcome = await applyError(scope, name, current, { error: e.error, cause: e.cause }, run);
          if (outcome.kind === "retry") {
            attempts[outcome.retrierIndex] = (attempts[outcome.retrierIndex] ?? 0) + 1;
            retryCount++;
            clock.waits.push(outcome.delaySeconds);
            clock.now = new Date(clock.now.getTime() + outcome.delaySeconds * 1000);
            continue;
          }
          if (outcome.kind === "next") {
            vars = outcome.variables;
            current = outcome.output;
            name = outcome.next;
            break;
          }
          return outcome;
        }
        outcome = await applyResult(scope, name, current, result, run);
      }
      if (outcome.kind === "retry") {
        attempts[outcome.retrierIndex] = (attempts[outcome.retrierIndex] ?? 0) + 1;
        retryCount++;
        clock.waits.push(outcome.delaySeconds);
        continue;
      }
      if (outcome.kind === "wait") {
        clock.waits.push((outcome.until.getTime() - clock.now.getTime()) / 1000);
        clock.now = outcome.until;
        outcome = outcome.then;
      }
      if (outcome.kind === "fail" || outcome.kind === "end") return outcome as Exclude<Transition, { kind: "next" }>;
      if (outcome.kind === "next") {
        vars = outcome.variables;
        current = outcome.output;
        name = outcome.next;
        break;
      }
      throw new Error(`unexpected outcome ${JSON.stringify(outcome)}`);
    }
  }
  throw new Error("state machine did not finish in 1000 transitions");
}

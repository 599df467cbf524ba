// Retry and Catch selection. States.ALL matches every error but States.Runtime (executions recorded
// on AWS show States.DataLimitExceeded caught by States.ALL); States.TaskFailed matches every error
// except States.Timeout and States.Runtime.

import type { Json, JsonObject } from "./types";

const NEVER_CAUGHT_BY_WILDCARD = new Set(["States.Runtime"]);

export function errorMatches(errorEquals: string[], error: string): boolean {
  return errorEquals.some((name) => {
    if (name === error) return !(error === "States.Runtime");
    if (NEVER_CAUGHT_BY_WILDCARD.has(error)) return false;
    if (name === "States.ALL") return true;
    if (name === "States.TaskFailed") return error !== "States.Timeout";
    return false;
  });
}

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: "FULL" | "NONE";
}

/**
 * The first retrier whose ErrorEquals matches decides: retry after a delay while its own attempt
 * count is below MaxAttempts, otherwise no retry (later retriers are not consulted, as on AWS).
 * `attempts[i]` is how many times retrier i has already retried in this state.
 */
export function selectRetry(
  retriers: Retrier[] | undefined,
  error: string,
  attempts: number[],
  random: () => number = Math.random,
): { retry: true; index: number; delaySeconds: number } | { retry: false } {
  if (!retriers) return { retry: false };
  const index = retriers.findIndex((r) => errorMatches(r.ErrorEquals, error));
  if (index < 0) return { retry: false };
  const r = retriers[index]!;
  const done = attempts[index] ?? 0;
  if (done >= (r.MaxAttempts ?? 3)) return { retry: false };
  let delay = (r.IntervalSeconds ?? 1) * Math.pow(r.BackoffRate ?? 2, done);
  if (r.MaxDelaySeconds !== undefined) delay = Math.min(delay, r.MaxDelaySeconds);
  if (r.JitterStrategy === "FULL") delay = random() * delay;
  return { retry: true, index, delaySeconds: delay };
}

export function selectCatcher(
  catchers: JsonObject[] | undefined,
  error: string,
): { index: number; catcher: JsonObject } | null {
  if (!catchers) return null;
  const index = catchers.findIndex((c) => errorMatches(c.ErrorEquals as string[], error));
  return index < 0 ? null : { index, catcher: catchers[index]! };
}

export function errorOutput(error: string, cause: string | undefined): Json {
  return cause === undefined ? { Error: error } : { Error: error, Cause: cause };
}

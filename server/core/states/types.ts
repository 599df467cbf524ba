// Shared types of the Workflows core (Amazon States Language). Pure data, no I/O.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type QueryLanguage = "JSONPath" | "JSONata";

/** An error raised while a state runs, named as AWS names it (States.Runtime, States.IntrinsicFailure, ...). */
export class StatesError extends Error {
  constructor(
    readonly error: string,
    readonly cause: string,
  ) {
    super(`${error}: ${cause}`);
    this.name = "StatesError";
  }
}

export const runtimeError = (cause: string) => new StatesError("States.Runtime", cause);
export const queryEvaluationError = (cause: string) => new StatesError("States.QueryEvaluationError", cause);

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** AWS renders JSON in its messages compactly, as JSON.stringify does. */
export const show = (v: unknown) => (v === undefined ? "null" : JSON.stringify(v));

/**
 * The cause an execution records for an error raised while running a state (States.Runtime,
 * States.QueryEvaluationError, ...): AWS prefixes it with the state and the id of its
 * *StateEntered history event.
 */
export function executionErrorCause(stateName: string, enteredEventId: number, cause: string): string {
  return `An error occurred while executing the state '${stateName}' (entered at the event id #${enteredEventId}). ${cause}`;
}

/** Step Functions' payload quota: inputs, outputs and results up to 256 KiB of UTF-8. */
export const PAYLOAD_LIMIT_BYTES = 262144;

/** The executor checks each state's output and each task result against the quota (States.DataLimitExceeded). */
export function exceedsPayloadLimit(value: Json): boolean {
  return Buffer.byteLength(JSON.stringify(value), "utf8") > PAYLOAD_LIMIT_BYTES;
}

// Public surface of the Workflows core (Amazon States Language): validation, the pure step
// function and the pieces it is built from. No I/O: the durable executor persists and schedules.

export { validateDefinition, invalidDefinitionMessage, STATE_TYPES } from "./validate";
export type { Diagnostic, ValidationResult } from "./validate";
export { stepState, applyResult, applyError, mapFailureTolerated, withMapItem } from "./step";
export type { Scope, RunContext, Transition, StepOutcome, TaskWork, ParallelWork, MapWork, Retry } from "./step";
export { evaluateRule, stringMatches, parseTimestamp } from "./choice";
export { selectRetry, selectCatcher, errorMatches } from "./retry";
export { parseIntrinsic, evaluateIntrinsic, INTRINSIC_NAMES } from "./intrinsics";
export { queryPath, parsePath, isReferencePath } from "./jsonpath";
export { applyTemplate, applyResultPath, selectPath } from "./payload";
export { evaluateJsonata } from "./jsonata-eval";
export { StatesError, executionErrorCause, exceedsPayloadLimit, PAYLOAD_LIMIT_BYTES } from "./types";
export type { Json, JsonObject, QueryLanguage } from "./types";

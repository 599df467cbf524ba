// Public surface of the SNS filter-policy engine: parse once when a subscription's FilterPolicy is
// set, evaluate on every publish. Pure functions only; storage and delivery live elsewhere.

export {
  parseFilterPolicy,
  filterPolicyErrorMessage,
  isFilterPolicyScope,
  countKeys,
  countCombinations,
  MAX_POLICY_BYTES,
  MAX_KEYS,
  MAX_COMBINATIONS,
  NUMERIC_LIMIT,
} from "./parse";
export { evaluateFilterPolicy } from "./evaluate";
export type {
  FilterPolicy,
  FilterPolicyScope,
  FilterPolicyError,
  ParseResult,
  EvaluateInput,
  EvaluateResult,
  MessageAttributeInput,
  Condition,
  PolicyNode,
  PolicyField,
  LeafValue,
} from "./types";

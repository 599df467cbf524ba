// Validates an SNS subscription filter policy and normalises it for evaluate.ts.
//
// Error texts are SNS's own where they are known: most were recorded against real AWS by
// LocalStack's snapshot tests (tests/aws/services/sns/test_sns_filter_policy.snapshot.json), the
// rest follow moto and AWS's docs. AWS appends a Jackson location ("\n at [Source: ...; line: 1,
// column: N]") to syntax errors; we report a JSON path in `error.path` instead.
//
// Order of checks follows AWS: syntax errors surface in document order while parsing (they carry a
// location there), then the whole-policy limits (nesting for the scope, key count, complexity),
// which AWS reports without a location.

import { parseCidr } from "./cidr";
import type {
  Condition,
  FilterPolicy,
  FilterPolicyError,
  FilterPolicyScope,
  NumericOperator,
  ParseResult,
  PolicyNode,
} from "./types";

export const MAX_POLICY_BYTES = 256 * 1024;
export const MAX_KEYS = 5;
export const MAX_COMBINATIONS = 150;
/** SNS documents numeric matching between -10^9 and 10^9. */
export const NUMERIC_LIMIT = 1_000_000_000;

/** Field names that stop an `$or` array from being read as OR (AWS: "reserved keywords"). */
const RESERVED_KEYWORDS = new Set([
  "prefix",
  "suffix",
  "equals-ignore-case",
  "anything-but",
  "numeric",
  "exists",
  "cidr",
  "wildcard",
]);
const NUMERIC_OPERATORS = new Set<string>(["=", "<", "<=", ">", ">="]);

class PolicyError extends Error {
  constructor(
    readonly reason: string,
    readonly path: string,
    readonly unlabelled = false,
  ) {
    super(reason);
  }
}

function fail(reason: string, path: string): never {
  throw new PolicyError(reason, path);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** How AWS (Jackson) prints an offending token: bare for strings, JSON for the rest. */
function token(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function utf8Length(s: string): number {
  // Cheap bounds first: every UTF-16 unit is 1..3 UTF-8 bytes.
  if (s.length > MAX_POLICY_BYTES || s.length * 3 <= MAX_POLICY_BYTES) return s.length;
  return new TextEncoder().encode(s).length;
}

function isOrGroup(value: unknown): value is Record<string, unknown>[] {
  // AWS only reads "$or" as OR with >= 2 objects none of which uses a reserved keyword as a field
  // name; anything else makes "$or" an ordinary attribute name.
  return (
    Array.isArray(value) &&
    value.length >= 2 &&
    value.every((alt) => isPlainObject(alt) && Object.keys(alt).every((k) => !RESERVED_KEYWORDS.has(k)))
  );
}

function parseNode(obj: Record<string, unknown>, path: string, isRoot: boolean): PolicyNode {
  const entries = Object.entries(obj);
  if (entries.length === 0 && !isRoot) fail("Empty objects are not allowed", path);
  const node: PolicyNode = { fields: [] };
  for (const [key, value] of entries) {
    const p = childPath(path, key);
    if (key === "$or" && isOrGroup(value)) {
      node.or = value.map((alt, i) => parseNode(alt, `${p}[${i}]`, false));
    } else if (isPlainObject(value)) {
      node.fields.push({ key, kind: "nested", node: parseNode(value, p, false) });
    } else if (Array.isArray(value)) {
      if (value.length === 0) fail("Empty arrays are not allowed", p);
      node.fields.push({
        key,
        kind: "rules",
        conditions: value.map((item, i) => parseCondition(item, `${p}[${i}]`)),
        raw: value,
      });
    } else {
      fail(`"${key}" must be an object or an array`, p);
    }
  }
  return node;
}

function parseCondition(item: unknown, path: string): Condition {
  if (item === null || typeof item === "string" || typeof item === "boolean") return { type: "exact", value: item };
  // Only reachable with a pre-parsed value: JSON text cannot spell NaN or Infinity.
  if (typeof item === "number" && !Number.isFinite(item))
    fail("Match value must be String, number, true, false, or null", path);
  if (typeof item === "number") return { type: "exact", value: item };
  if (!isPlainObject(item)) fail("Match value must be String, number, true, false, or null", path);
  const keys = Object.keys(item);
  if (keys.length === 0) fail("Empty objects are not allowed", path);
  if (keys.length > 1) fail("Only one key allowed in match expression", path);
  const op = keys[0];
  const value = item[op];
  const p = childPath(path, op);
  switch (op) {
    case "prefix":
    case "suffix":
    case "equals-ignore-case":
      if (typeof value !== "string") fail(`${op} match pattern must be a string`, p);
      return { type: op, value };
    case "exists":
      if (typeof value !== "boolean") fail("exists match pattern must be either true or false.", p);
      return { type: "exists", value };
    case "anything-but":
      return parseAnythingBut(value, p);
    case "numeric":
      return { type: "numeric", terms: parseNumeric(value, p) };
    case "cidr": {
      // SNS answers a non-string CIDR with the prefix wording; reproduced as recorded.
      if (typeof value !== "string") fail("prefix match pattern must be a string", p);
      const parsed = parseCidr(value);
      if (!parsed.ok) fail(parsed.message, p);
      return { type: "cidr", block: parsed.block };
    }
    default:
      return fail(`Unrecognized match type ${op}`, path);
  }
}

function parseAnythingBut(value: unknown, path: string): Condition {
  if (typeof value === "string" || typeof value === "number") return { type: "anything-but", values: [value] };
  if (Array.isArray(value)) {
    if (value.length === 0) fail("Empty arrays are not allowed", path);
    value.forEach((v, i) => {
      if (typeof v !== "string" && typeof v !== "number")
        fail("Inside anything but list, start|null|boolean is not supported.", `${path}[${i}]`);
    });
    return { type: "anything-but", values: value as Array<string | number> };
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) fail("Empty objects are not allowed", path);
    // SNS (unlike EventBridge) accepts only a prefix inside anything-but; suffix and
    // equals-ignore-case are answered with this error.
    for (const k of keys) if (k !== "prefix") fail(`Unsupported anything-but pattern: ${k}`, childPath(path, k));
    if (typeof value.prefix !== "string") fail("prefix match pattern must be a string", childPath(path, "prefix"));
    return { type: "anything-but-prefix", value: value.prefix };
  }
  return fail("Value of anything-but must be an array or single string/number value.", path);
}

function numericValue(op: string, value: unknown, path: string): number {
  const label = op === "=" ? "equals" : op;
  if (typeof value !== "number") fail(`Value of ${label} must be numeric`, path);
  if (Math.abs(value) > NUMERIC_LIMIT)
    fail(`Value of ${label} must be between -${NUMERIC_LIMIT} and ${NUMERIC_LIMIT}`, path);
  return value;
}

/** Grammar: `op value` or `(>|>=) low (<|<=) high`, with AWS's own complaint at each misstep. */
function parseNumeric(value: unknown, path: string): Array<{ op: NumericOperator; value: number }> {
  if (!Array.isArray(value)) fail("Value of numeric must be an array.", path);
  if (value.length === 0) fail("Invalid member in numeric match: ]", path);
  const [op1, v1, op2, v2] = value;
  if (typeof op1 !== "string") fail(`Invalid member in numeric match: ${token(op1)}`, `${path}[0]`);
  if (!NUMERIC_OPERATORS.has(op1)) fail(`Unrecognized numeric range operator: ${op1}`, `${path}[0]`);
  const low = numericValue(op1, v1, `${path}[1]`);
  const terms = [{ op: op1 as NumericOperator, value: low }];
  if (value.length === 2) return terms;
  if (op1 !== ">" && op1 !== ">=") fail("Too many elements in numeric expression", `${path}[2]`);
  if (typeof op2 !== "string") fail(`Bad value in numeric range: ${token(op2)}`, `${path}[2]`);
  if (op2 !== "<" && op2 !== "<=") fail(`Bad numeric range operator: ${op2}`, `${path}[2]`);
  const high = numericValue(op2, v2, `${path}[3]`);
  if (high <= low) fail("Bottom must be less than top", `${path}[3]`);
  if (value.length > 4) fail("Too many terms in numeric range expression", `${path}[4]`);
  terms.push({ op: op2, value: high });
  return terms;
}

function firstNestedPath(node: PolicyNode, path: string): string | undefined {
  for (const f of node.fields) if (f.kind === "nested") return childPath(path, f.key);
  for (const [i, alt] of (node.or ?? []).entries()) {
    const found = firstNestedPath(alt, `${childPath(path, "$or")}[${i}]`);
    if (found) return found;
  }
  return undefined;
}

function leafPaths(node: PolicyNode, prefix: string, into: Set<string>): Set<string> {
  for (const f of node.fields) {
    const p = prefix ? `${prefix}.${f.key}` : f.key;
    if (f.kind === "nested") leafPaths(f.node, p, into);
    else into.add(p);
  }
  for (const alt of node.or ?? []) leafPaths(alt, prefix, into);
  return into;
}

/**
 * Keys counted toward the limit of 5. Attribute scope: the policy's top-level keys. Body scope:
 * distinct leaf keys (properties whose value is a list of conditions), wherever they are nested
 * and whichever `$or` branch holds them; objects that only group other keys do not count.
 */
export function countKeys(policy: FilterPolicy): number {
  return policy.scope === "MessageAttributes"
    ? Object.keys(policy.source).length
    : leafPaths(policy.root, "", new Set()).size;
}

/**
 * AWS's complexity: each `$or` branch is costed separately and the branches are summed; within a
 * branch the sizes of the condition lists multiply, each size scaled by how deep its key is
 * nested (top level = 1). AWS's docs give 3 x 4 x 2 x 3 = 72 for a 4-value list at depth 3 and a
 * 3-value list at depth 2; LocalStack confirmed the depth factor and the $or sum against AWS.
 */
export function countCombinations(node: PolicyNode, depth = 1): number {
  let total = 1;
  for (const f of node.fields)
    total *= f.kind === "nested" ? countCombinations(f.node, depth + 1) : f.conditions.length * depth;
  if (node.or) total *= node.or.reduce((sum, alt) => sum + countCombinations(alt, depth), 0);
  return total;
}

function validateLimits(policy: FilterPolicy): void {
  if (policy.scope === "MessageAttributes") {
    const nested = firstNestedPath(policy.root, "$");
    if (nested)
      throw new PolicyError(
        "Filter policy scope MessageAttributes does not support nested filter policy",
        nested,
        true,
      );
  }
  if (countKeys(policy) > MAX_KEYS) fail(`Filter policy can not have more than ${MAX_KEYS} keys`, "$");
  if (countCombinations(policy.root) > MAX_COMBINATIONS) fail("Filter policy is too complex", "$");
}

/**
 * Parses and validates a FilterPolicy attribute value. `json` is the attribute string as the
 * client sent it, or an already-parsed value (its size is then measured re-serialised).
 */
export function parseFilterPolicy(json: string | unknown, scope: FilterPolicyScope): ParseResult {
  try {
    if (scope !== "MessageAttributes" && scope !== "MessageBody") {
      throw new PolicyError(
        `FilterPolicyScope: Invalid value [${String(scope)}]. Please use either MessageBody or MessageAttributes`,
        "$",
        true,
      );
    }
    let source: unknown = json;
    const text = typeof json === "string" ? json : JSON.stringify(json ?? null);
    if (utf8Length(text) > MAX_POLICY_BYTES) fail("Filter policy can not be larger than 256 KB", "$");
    if (typeof json === "string") {
      try {
        source = JSON.parse(json);
      } catch (e) {
        fail(`failed to parse JSON. ${(e as Error).message}`, "$");
      }
    }
    if (!isPlainObject(source)) fail("Filter policy must be a JSON object", "$");
    const policy: FilterPolicy = { scope, root: parseNode(source, "$", true), source };
    validateLimits(policy);
    return { ok: true, policy };
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    const error: FilterPolicyError = { message: e.reason, path: e.path };
    if (e.unlabelled) error.unlabelled = true;
    return { ok: false, error };
  }
}

/**
 * The text the AWS door answers with (code InvalidParameter). SetSubscriptionAttributes says
 * "Invalid parameter: FilterPolicy: <reason>"; Subscribe, which carries the policy inside its
 * Attributes map, says "Invalid parameter: Attributes Reason: FilterPolicy: <reason>".
 */
export function filterPolicyErrorMessage(err: FilterPolicyError, opts: { subscribe?: boolean } = {}): string {
  const lead = opts.subscribe ? "Invalid parameter: Attributes Reason: " : "Invalid parameter: ";
  return err.unlabelled ? `${lead}${err.message}` : `${lead}FilterPolicy: ${err.message}`;
}

export function isFilterPolicyScope(value: unknown): value is FilterPolicyScope {
  return value === "MessageAttributes" || value === "MessageBody";
}

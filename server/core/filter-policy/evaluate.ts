// Matches a parsed filter policy against one published message.
//
// Both scopes are reduced to the same question SNS's matcher asks: which JSON scalars sit under
// this key? Attributes become typed scalars (String -> string, Number -> number, String.Array ->
// its elements), bodies are read as JSON. Types are never coerced: the policy string "100" does
// not match the number 100, and numeric operators only match numbers.
//
// Keys AND together, a key's condition list ORs, `$or` alternatives OR. A key with several values
// (String.Array, body arrays) matches when any value satisfies any condition. Where a body array
// holds objects, a nested policy must be satisfied by one element on its own.

import { ipInBlock } from "./cidr";
import type {
  Condition,
  EvaluateInput,
  EvaluateResult,
  FilterPolicy,
  LeafValue,
  MessageAttributeInput,
  PolicyField,
  PolicyNode,
} from "./types";

/** The scalars found under one key; `present` is false when there are none to test. */
type Lookup = { present: boolean; values: LeafValue[]; note?: string };

/** Returns undefined when the field matches, otherwise why it did not. */
type FieldCheck = (field: PolicyField) => string | undefined;

const ABSENT: Lookup = { present: false, values: [] };

function quote(v: unknown): string {
  return JSON.stringify(v);
}

/** SNS documents five digits of accuracy after the decimal point for numeric matching. */
function round5(n: number): number {
  return Math.round(n * 100_000) / 100_000;
}

function sameValue(a: LeafValue, b: LeafValue): boolean {
  if (typeof a === "number" && typeof b === "number") return round5(a) === round5(b);
  return a === b;
}

function numericMatches(terms: Extract<Condition, { type: "numeric" }>["terms"], n: number): boolean {
  const x = round5(n);
  return terms.every(({ op, value }) => {
    const y = round5(value);
    switch (op) {
      case "=":
        return x === y;
      case "<":
        return x < y;
      case "<=":
        return x <= y;
      case ">":
        return x > y;
      case ">=":
        return x >= y;
    }
  });
}

function leafMatches(c: Condition, v: LeafValue): boolean {
  switch (c.type) {
    case "exact":
      return sameValue(c.value, v);
    case "prefix":
      return typeof v === "string" && v.startsWith(c.value);
    case "suffix":
      return typeof v === "string" && v.endsWith(c.value);
    case "equals-ignore-case":
      return typeof v === "string" && v.toLowerCase() === c.value.toLowerCase();
    case "anything-but":
      // A value must be there to differ from the list: null and booleans are not "anything".
      return (typeof v === "string" || typeof v === "number") && !c.values.some((x) => sameValue(x, v));
    case "anything-but-prefix":
      return typeof v === "string" && !v.startsWith(c.value);
    case "numeric":
      return typeof v === "number" && numericMatches(c.terms, v);
    case "cidr":
      return typeof v === "string" && ipInBlock(v, c.block);
    case "exists":
      return true;
  }
}

function conditionMatches(c: Condition, look: Lookup): boolean {
  if (c.type === "exists") return look.present === c.value;
  return look.present && look.values.some((v) => leafMatches(c, v));
}

function checkRules(
  field: Extract<PolicyField, { kind: "rules" }>,
  look: Lookup,
  where: string,
  noun: string,
): string | undefined {
  if (field.conditions.some((c) => conditionMatches(c, look))) return undefined;
  const raw = quote(field.raw);
  if (!look.present) return `key ${quote(where)}: ${noun} missing${look.note ? ` (${look.note})` : ""}`;
  if (field.conditions.every((c) => c.type === "exists" && !c.value))
    return `key ${quote(where)}: ${noun} present but policy requires it absent`;
  const shown = look.values.length === 1 ? `value ${quote(look.values[0])}` : `values ${quote(look.values)}`;
  return `key ${quote(where)}: ${shown} matched none of ${raw}`;
}

function checkNode(node: PolicyNode, check: FieldCheck): string | undefined {
  for (const field of node.fields) {
    const reason = check(field);
    if (reason) return reason;
  }
  if (!node.or) return undefined;
  const reasons: string[] = [];
  for (const alt of node.or) {
    const reason = checkNode(alt, check);
    if (!reason) return undefined;
    reasons.push(reason);
  }
  return `no $or alternative matched (${reasons.map((r, i) => `${i + 1}: ${r}`).join("; ")})`;
}

// ---- MessageAttributes scope ------------------------------------------------------------------

function scalarsOf(items: unknown[]): LeafValue[] {
  const out: LeafValue[] = [];
  for (const item of items) {
    if (Array.isArray(item)) out.push(...scalarsOf(item));
    else if (item === null || typeof item !== "object") out.push(item as LeafValue);
  }
  return out;
}

function attributeLookup(attr: MessageAttributeInput | undefined): Lookup {
  if (!attr) return ABSENT;
  const dataType = attr.DataType ?? "";
  const text = attr.StringValue ?? "";
  // Custom type labels ("Number.float", "Binary.jpg") filter as their base type.
  if (dataType.startsWith("Binary")) return { ...ABSENT, note: "Binary attributes are ignored by filtering" };
  if (dataType === "String.Array") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed)) return { ...ABSENT, note: "String.Array value is not a JSON array" };
    const values = scalarsOf(parsed);
    return values.length > 0 ? { present: true, values } : { ...ABSENT, note: "empty String.Array" };
  }
  if (dataType.startsWith("Number")) {
    const n = Number(text);
    return { present: true, values: [text.trim() !== "" && Number.isFinite(n) ? n : text] };
  }
  return { present: true, values: [text] };
}

function evaluateAttributes(root: PolicyNode, attributes: Record<string, MessageAttributeInput>): string | undefined {
  return checkNode(root, (field) => {
    if (field.kind === "nested")
      return `key ${quote(field.key)}: nested policies are not supported for MessageAttributes`;
    const attr = Object.prototype.hasOwnProperty.call(attributes, field.key) ? attributes[field.key] : undefined;
    return checkRules(field, attributeLookup(attr), field.key, "attribute");
  });
}

// ---- MessageBody scope ------------------------------------------------------------------------

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function bodyLookup(container: Record<string, unknown> | undefined, key: string): Lookup {
  if (!container || !Object.prototype.hasOwnProperty.call(container, key)) return ABSENT;
  const raw = container[key];
  // Only scalars are values; an object under a leaf key is structure, not something to match.
  if (isObject(raw)) return { ...ABSENT, note: "value is an object" };
  if (Array.isArray(raw)) {
    const values = scalarsOf(raw);
    return values.length > 0 ? { present: true, values } : { ...ABSENT, note: "no scalar values in array" };
  }
  return { present: true, values: [raw as LeafValue] };
}

/** Objects an array (possibly nested) offers to a nested policy; a lone object offers itself. */
function objectsIn(value: unknown): Array<Record<string, unknown>> {
  if (isObject(value)) return [value];
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => objectsIn(item));
}

function checkBodyObject(node: PolicyNode, obj: Record<string, unknown> | undefined, path: string): string | undefined {
  return checkNode(node, (field) => {
    const where = path ? `${path}.${field.key}` : field.key;
    if (field.kind === "rules") return checkRules(field, bodyLookup(obj, field.key), where, "property");
    const child = obj && Object.prototype.hasOwnProperty.call(obj, field.key) ? obj[field.key] : undefined;
    const candidates = objectsIn(child);
    // With nothing to descend into, every key below is simply missing (so exists:false can hold).
    if (candidates.length === 0) return checkBodyObject(field.node, undefined, where);
    let first: string | undefined;
    for (const candidate of candidates) {
      const reason = checkBodyObject(field.node, candidate, where);
      if (!reason) return undefined;
      first ??= reason;
    }
    return candidates.length === 1 ? first : `key ${quote(where)}: no array element matched (first: ${first})`;
  });
}

function evaluateBody(root: PolicyNode, body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return "message body is not valid JSON";
  }
  if (!isObject(parsed)) return "message body is not a JSON object";
  return checkBodyObject(root, parsed, "");
}

export function evaluateFilterPolicy(policy: FilterPolicy, input: EvaluateInput): EvaluateResult {
  if (policy.scope !== input.scope) {
    return { match: false, reason: `policy scope is ${policy.scope} but the message was given as ${input.scope}` };
  }
  const reason =
    input.scope === "MessageAttributes"
      ? evaluateAttributes(policy.root, input.attributes)
      : evaluateBody(policy.root, input.body);
  return reason === undefined ? { match: true } : { match: false, reason };
}

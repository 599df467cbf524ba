// Evaluating a compiled pattern against an event (the whole envelope: source, detail-type, detail…).
//
// Semantics (EventBridge's, as its matcher applies them):
//  - fields at one level are ANDed; a leaf list is any-of; `$or` needs one alternative per group;
//  - an event array is matched element by element: a leaf matches if any element does, and a nested
//    object level must be satisfied by one element as a whole (fields matched in one element of an
//    array of objects must come from that same element);
//  - only scalars are leaf values: a field holding an object or an empty array counts as absent for
//    leaf lists (so `exists: false` matches it and `exists: true` does not);
//  - strings, numbers, booleans and null never equal each other across types; numbers compare as
//    EventBridge's fixed-point values (numbers.ts).

import { ipInBlock } from "../../filter-policy/cidr";
import { fold } from "./compile";
import { toComparable } from "./numbers";
import type { CompiledPattern, Matcher, MatchExplanation, MatchReason, PatternNode } from "./types";
import { wildcardMatches } from "./wildcard";

type Scalar = string | number | boolean | null;
type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Scalars at a field: the value itself, or every scalar inside (nested) arrays. */
export function scalarsOf(v: unknown, out: Scalar[] = []): Scalar[] {
  if (v === undefined) return out;
  if (Array.isArray(v)) {
    for (const x of v) scalarsOf(x, out);
  } else if (!isObject(v)) {
    out.push(v as Scalar);
  }
  return out;
}

/** Objects a nested pattern level applies to: the value itself, or every object inside arrays. */
export function objectsOf(v: unknown, out: Obj[] = []): Obj[] {
  if (Array.isArray(v)) {
    for (const x of v) objectsOf(x, out);
  } else if (isObject(v)) {
    out.push(v);
  }
  return out;
}

const EMPTY: Obj = Object.freeze({}) as Obj;

function field(obj: Obj, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, name) ? obj[name] : undefined;
}

export function matchValue(m: Matcher, v: Scalar): boolean {
  switch (m.kind) {
    case "exact-string":
      return v === m.value;
    case "exact-ip":
      return typeof v === "string" && (v === m.value || ipInBlock(v, m.block));
    case "exact-number":
      if (typeof v !== "number") return false;
      return m.comparable !== undefined ? toComparable(v) === m.comparable : String(v) === m.text;
    case "exact-literal":
      return v === m.value;
    case "prefix":
      return typeof v === "string" && (m.ignoreCase ? fold(v).startsWith(fold(m.value)) : v.startsWith(m.value));
    case "suffix":
      return typeof v === "string" && (m.ignoreCase ? fold(v).endsWith(fold(m.value)) : v.endsWith(m.value));
    case "equals-ignore-case":
      return typeof v === "string" && fold(v) === fold(m.value);
    case "wildcard":
      return typeof v === "string" && wildcardMatches(m.program, v);
    case "anything-but":
      if (typeof v === "string") return !m.strings.has(v);
      if (typeof v === "number") {
        const c = toComparable(v);
        return c === undefined || !m.numbers.has(c);
      }
      return true;
    case "anything-but-prefix":
      return !(typeof v === "string" && m.values.some((x) => v.startsWith(x)));
    case "anything-but-suffix":
      return !(typeof v === "string" && m.values.some((x) => v.endsWith(x)));
    case "anything-but-ignore-case":
      return !(typeof v === "string" && m.values.includes(fold(v)));
    case "anything-but-wildcard":
      return !(typeof v === "string" && m.programs.some((p) => wildcardMatches(p, v)));
    case "numeric": {
      if (typeof v !== "number") return false;
      const c = toComparable(v);
      if (c === undefined) return false;
      if (m.lower !== undefined && (m.lowerOpen ? c <= m.lower : c < m.lower)) return false;
      if (m.upper !== undefined && (m.upperOpen ? c >= m.upper : c > m.upper)) return false;
      return true;
    }
    case "cidr":
      return typeof v === "string" && ipInBlock(v, m.block);
    case "exists":
      return m.value;
  }
}

export function matchLeaf(matchers: Matcher[], values: Scalar[]): boolean {
  if (values.length === 0) return matchers.some((m) => m.kind === "exists" && !m.value);
  for (const m of matchers) {
    if (m.kind === "exists") {
      if (m.value) return true;
      continue;
    }
    for (const v of values) if (matchValue(m, v)) return true;
  }
  return false;
}

function matchOn(node: PatternNode, obj: Obj): boolean {
  for (const [name, f] of node.fields) {
    const v = field(obj, name);
    if (f.leaf && !matchLeaf(f.leaf, scalarsOf(v))) return false;
    if (f.child && !matchNode(f.child, v)) return false;
  }
  for (const group of node.ors) {
    if (!group.some((alt) => matchOn(alt, obj))) return false;
  }
  return true;
}

function matchNode(node: PatternNode, v: unknown): boolean {
  const objects = objectsOf(v);
  if (objects.length === 0) return matchOn(node, EMPTY);
  return objects.some((o) => matchOn(node, o));
}

// AWS's matcher names fields by their dotted path, so an event key "a.b" is the same field as key
// "b" inside "a". Patterns are split on dots when compiled; events are expanded here. Most events
// have no dotted keys and are returned as they are.

function hasDottedKey(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasDottedKey);
  if (!isObject(v)) return false;
  for (const k in v) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
    if (k.includes(".") || hasDottedKey(v[k])) return true;
  }
  return false;
}

function put(target: Obj, segments: string[], value: unknown): void {
  const [head, ...rest] = segments;
  if (rest.length === 0) {
    target[head] = Object.prototype.hasOwnProperty.call(target, head) ? merge(target[head], value) : value;
    return;
  }
  const existing = Object.prototype.hasOwnProperty.call(target, head) ? target[head] : undefined;
  if (isObject(existing)) {
    put(existing, rest, value);
  } else {
    const child: Obj = {};
    put(child, rest, value);
    target[head] = existing === undefined ? child : merge(existing, child);
  }
}

/** Two values for one field: objects merge, anything else becomes a list of both. */
function merge(a: unknown, b: unknown): unknown {
  if (isObject(a) && isObject(b)) {
    const out: Obj = { ...a };
    for (const [k, v] of Object.entries(b)) put(out, [k], v);
    return out;
  }
  return [...(Array.isArray(a) ? a : [a]), ...(Array.isArray(b) ? b : [b])];
}

function expandDotted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(expandDotted);
  if (!isObject(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) put(out, k.split("."), expandDotted(x));
  return out;
}

// The same event object is usually matched against many patterns; remember its normal form (events
// are treated as immutable once matched).
const normalized = new WeakMap<object, unknown>();

/** The event as AWS's matcher sees its fields (dotted keys expanded into nested ones). */
export function normalizeEvent(event: unknown): unknown {
  if (typeof event !== "object" || event === null) return event;
  const known = normalized.get(event);
  if (known !== undefined) return known;
  const result = hasDottedKey(event) ? expandDotted(event) : event;
  normalized.set(event, result);
  return result;
}

/** matchPattern for an event already passed through normalizeEvent. */
export function matchNormalized(p: CompiledPattern, event: unknown): boolean {
  return matchNode(p.root, event);
}

/** Whether the event (a parsed JSON value, normally the whole envelope) matches the pattern. */
export function matchPattern(p: CompiledPattern, event: unknown): boolean {
  return matchNode(p.root, normalizeEvent(event));
}

// ---- explanations (the console's sandbox shows one line per pattern field) ----

function describe(m: Matcher): string {
  return JSON.stringify(m.raw);
}

function whyLeaf(matchers: Matcher[], raw: unknown[] | undefined, v: unknown, ok: boolean): string {
  const values = scalarsOf(v);
  if (ok) {
    if (values.length === 0) return "field is absent, as the pattern requires";
    const hit = matchers.find((m) => (m.kind === "exists" ? m.value : values.some((x) => matchValue(m, x))));
    const shown = values.length === 1 ? JSON.stringify(values[0]) : `an element of ${JSON.stringify(values)}`;
    return hit ? `${shown} matches ${describe(hit)}` : "matched";
  }
  if (values.length === 0) {
    if (v === undefined) return "field is absent from the event";
    if (Array.isArray(v)) return "field is an array with no values";
    return "field is an object, not a value";
  }
  if (matchers.some((m) => m.kind === "exists" && !m.value)) return "field exists, but the pattern requires it absent";
  const shown = values.length === 1 ? JSON.stringify(values[0]) : `no element of ${JSON.stringify(values)}`;
  return `${shown} does not match any of ${JSON.stringify(raw)}`;
}

function explainOn(node: PatternNode, obj: Obj, prefix: string, reasons: MatchReason[]): boolean {
  let all = true;
  for (const [name, f] of node.fields) {
    const path = prefix ? `${prefix}.${name}` : name;
    const v = field(obj, name);
    if (f.leaf) {
      const ok = matchLeaf(f.leaf, scalarsOf(v));
      reasons.push({ path, expected: f.leafRaw, actual: v, matched: ok, why: whyLeaf(f.leaf, f.leafRaw, v, ok) });
      all &&= ok;
    }
    if (f.child) all = explainNode(f.child, v, path, reasons) && all;
  }
  node.ors.forEach((group, gi) => {
    const path = `${prefix ? `${prefix}.` : ""}$or${node.ors.length > 1 ? `[${gi}]` : ""}`;
    const perAlt = group.map((alt, ai) => {
      const rs: MatchReason[] = [];
      const ok = explainOn(alt, obj, prefix, rs);
      return { ok, rs, ai };
    });
    const hit = perAlt.find((a) => a.ok);
    if (hit) {
      reasons.push({
        path,
        expected: `${group.length} alternatives`,
        actual: undefined,
        matched: true,
        why: `alternative ${hit.ai + 1} of ${group.length} matches`,
      });
      reasons.push(...hit.rs);
    } else {
      all = false;
      reasons.push({
        path,
        expected: `${group.length} alternatives`,
        actual: undefined,
        matched: false,
        why: `none of the ${group.length} alternatives matches`,
      });
      for (const a of perAlt) {
        for (const r of a.rs) reasons.push({ ...r, path: `${path}[${a.ai}]:${r.path}` });
      }
    }
  });
  return all;
}

function explainNode(node: PatternNode, v: unknown, prefix: string, reasons: MatchReason[]): boolean {
  const objects = objectsOf(v);
  if (objects.length <= 1) return explainOn(node, objects[0] ?? EMPTY, prefix, reasons);
  // An array of objects: report the element that matches, else the one that came closest.
  let best: { ok: boolean; rs: MatchReason[]; misses: number } | undefined;
  for (const o of objects) {
    const rs: MatchReason[] = [];
    const ok = explainOn(node, o, prefix, rs);
    const misses = rs.filter((r) => !r.matched).length;
    if (ok) {
      reasons.push(...rs);
      return true;
    }
    if (!best || misses < best.misses) best = { ok, rs, misses };
  }
  reasons.push(...best!.rs);
  return false;
}

/** matchPattern with one reason per pattern field (path, expected, actual, why). */
export function explainMatch(p: CompiledPattern, event: unknown): MatchExplanation {
  const reasons: MatchReason[] = [];
  const matched = explainNode(p.root, normalizeEvent(event), "", reasons);
  return { matched, reasons };
}

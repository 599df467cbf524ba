// PatternIndex: many rules on one bus, each event evaluated only against the rules that can match it.
//
// Most patterns pin at least one field to exact values (`"source": ["orders"]`, `"detail-type":
// [...]`). Such a field is a necessary condition: the event must carry one of those values at that
// path. Each pattern is filed under one such field (the one whose buckets are smallest when it is
// added, so common values like a shared `source` are avoided when a rarer field exists); an event
// looks up its own values at the indexed paths and only those candidates are evaluated in full.
// An `$or` whose every alternative pins a field is filed under one field per alternative. Patterns
// with no such field (only prefix, numeric, anything-but…) go to a scan list.
// The full evaluation keeps results exact; the index only prunes.

import { matchNormalized, normalizeEvent, objectsOf, scalarsOf } from "./match";
import { toComparable } from "./numbers";
import type { CompiledPattern, PatternField, PatternNode } from "./types";

type Scalar = string | number | boolean | null;

const SHARED_FIELDS = new Set(["source", "account", "region", "version"]);

function keyOfValue(v: Scalar): string {
  if (typeof v === "string") return `s${v}`;
  if (typeof v === "number") {
    const c = toComparable(v);
    return c === undefined ? `t${String(v)}` : `n${c}`;
  }
  return `l${String(v)}`;
}

type Constraint = { path: string[]; keys: string[] };

function exactKeys(f: PatternField): string[] | undefined {
  if (!f.leaf || f.leaf.length === 0) return undefined;
  const keys: string[] = [];
  for (const m of f.leaf) {
    if (m.kind === "exact-string") keys.push(`s${m.value}`);
    else if (m.kind === "exact-number") keys.push(m.comparable !== undefined ? `n${m.comparable}` : `t${m.text}`);
    else if (m.kind === "exact-literal") keys.push(`l${String(m.value)}`);
    else return undefined;
  }
  return [...new Set(keys)];
}

/**
 * Ways to file a pattern: each candidate is a list of constraints of which the event must meet at
 * least one. A plain exact field gives a list of one; an `$or` group whose every alternative has an
 * exact field gives one constraint per alternative.
 */
function filings(node: PatternNode, prefix: string[], out: Constraint[][]): Constraint[][] {
  for (const [name, f] of node.fields) {
    const path = [...prefix, name];
    const keys = exactKeys(f);
    if (keys) out.push([{ path, keys }]);
    if (f.child) filings(f.child, path, out);
  }
  for (const group of node.ors) {
    const perAlternative: Constraint[] = [];
    for (const alt of group) {
      const options = filings(alt, prefix, []).filter((o) => o.length === 1);
      if (options.length === 0) break;
      // The alternative's most selective exact field (fewest values) stands for it.
      options.sort((a, b) => a[0].keys.length - b[0].keys.length);
      perAlternative.push(options[0][0]);
    }
    if (perAlternative.length === group.length) out.push(perAlternative);
  }
  return out;
}

/** Every scalar at a dotted path, looking through arrays at each level. */
function valuesAt(event: unknown, path: string[]): Scalar[] {
  let level: unknown[] = [event];
  for (let i = 0; i < path.length; i++) {
    const next: unknown[] = [];
    for (const v of level) {
      for (const o of objectsOf(v)) {
        if (Object.prototype.hasOwnProperty.call(o, path[i])) next.push(o[path[i]]);
      }
    }
    if (next.length === 0) return [];
    level = next;
  }
  const out: Scalar[] = [];
  for (const v of level) scalarsOf(v, out);
  return out;
}

type Entry<T> = { id: T; pattern: CompiledPattern; seq: number; filed: Array<{ pathKey: string; keys: string[] }> };

export class PatternIndex<T> {
  private readonly entries = new Map<T, Entry<T>>();
  private readonly scan = new Set<Entry<T>>();
  /** pathKey (JSON of the path) → value key → entries. */
  private readonly buckets = new Map<string, { path: string[]; byValue: Map<string, Set<Entry<T>>> }>();
  private seq = 0;

  get size(): number {
    return this.entries.size;
  }

  /** Adds (or replaces) the pattern for `id`. */
  add(id: T, pattern: CompiledPattern): void {
    this.remove(id);
    const entry: Entry<T> = { id, pattern, seq: this.seq++, filed: [] };
    this.entries.set(id, entry);
    const options = filings(pattern.root, [], []);
    if (options.length === 0) {
      this.scan.add(entry);
      return;
    }
    let best = options[0];
    let bestCost = Infinity;
    for (const option of options) {
      let cost = 0;
      for (const c of option) {
        // Envelope fields many rules share (a bus's `source`) are a last resort.
        cost += c.keys.length + (c.path.length === 1 && SHARED_FIELDS.has(c.path[0]) ? 0.5 : 0);
        const b = this.buckets.get(JSON.stringify(c.path));
        if (b) for (const k of c.keys) cost += b.byValue.get(k)?.size ?? 0;
      }
      if (cost < bestCost) {
        best = option;
        bestCost = cost;
      }
    }
    for (const c of best) {
      const pathKey = JSON.stringify(c.path);
      let b = this.buckets.get(pathKey);
      if (!b) {
        b = { path: c.path, byValue: new Map() };
        this.buckets.set(pathKey, b);
      }
      for (const k of c.keys) {
        let set = b.byValue.get(k);
        if (!set) {
          set = new Set();
          b.byValue.set(k, set);
        }
        set.add(entry);
      }
      entry.filed.push({ pathKey, keys: c.keys });
    }
  }

  remove(id: T): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    this.scan.delete(entry);
    for (const { pathKey, keys } of entry.filed) {
      const b = this.buckets.get(pathKey);
      if (!b) continue;
      for (const k of keys) {
        const set = b.byValue.get(k);
        set?.delete(entry);
        if (set && set.size === 0) b.byValue.delete(k);
      }
      if (b.byValue.size === 0) this.buckets.delete(pathKey);
    }
    return true;
  }

  /** Ids whose pattern matches the event, in the order they were added. */
  match(input: unknown): T[] {
    const event = normalizeEvent(input);
    const candidates = new Set<Entry<T>>(this.scan);
    for (const b of this.buckets.values()) {
      for (const v of valuesAt(event, b.path)) {
        const set = b.byValue.get(keyOfValue(v));
        if (set) for (const e of set) candidates.add(e);
      }
    }
    const hits: Entry<T>[] = [];
    for (const e of candidates) if (matchNormalized(e.pattern, event)) hits.push(e);
    hits.sort((a, b) => a.seq - b.seq);
    return hits.map((e) => e.id);
  }

  /** How many patterns a match(event) evaluates in full (for tests and the benchmark). */
  candidateCount(input: unknown): number {
    const event = normalizeEvent(input);
    const candidates = new Set<Entry<T>>(this.scan);
    for (const b of this.buckets.values()) {
      for (const v of valuesAt(event, b.path)) {
        const set = b.byValue.get(keyOfValue(v));
        if (set) for (const e of set) candidates.add(e);
      }
    }
    return candidates.size;
  }
}

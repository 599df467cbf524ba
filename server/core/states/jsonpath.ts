// JSONPath as Step Functions evaluates it (Jayway semantics): a definite path (names and indexes
// only) yields one value or nothing; an indefinite path (wildcards, deep scan, slices, unions,
// filters) yields an array of every match, possibly empty. Reference paths (ResultPath, Choice
// Variable, ...) are the definite subset AWS allows.

import { isObject, type Json } from "./types";

type Segment =
  | { kind: "name"; name: string }
  | { kind: "index"; index: number }
  | { kind: "wildcard" }
  | { kind: "deep"; name: string | null } // ..name or ..*
  | { kind: "union"; keys: (string | number)[] }
  | { kind: "slice"; start?: number; end?: number; step?: number }
  | { kind: "filter"; expr: FilterExpr };

type Operand = { kind: "path"; segments: Segment[]; root: "@" | "$" } | { kind: "literal"; value: Json };
type FilterExpr =
  | { kind: "exists"; operand: Operand }
  | { kind: "compare"; op: string; left: Operand; right: Operand }
  | { kind: "and" | "or"; left: FilterExpr; right: FilterExpr }
  | { kind: "not"; expr: FilterExpr };

export interface ParsedPath {
  segments: Segment[];
  definite: boolean;
  /** True when the path uses only names and non-negative indexes: what AWS calls a reference path. */
  reference: boolean;
}

export class PathSyntaxError extends Error {}

const cache = new Map<string, ParsedPath>();

export function parsePath(path: string): ParsedPath {
  const hit = cache.get(path);
  if (hit) return hit;
  if (!path.startsWith("$")) throw new PathSyntaxError(`Path must start with '$': ${path}`);
  const p = new Parser(path, 1);
  const segments = p.segments(path.length);
  const definite = segments.every((s) => s.kind === "name" || s.kind === "index");
  const reference = definite && segments.every((s) => s.kind !== "index" || s.index >= 0);
  const parsed = { segments, definite, reference };
  if (cache.size > 5000) cache.clear();
  cache.set(path, parsed);
  return parsed;
}

export function isValidPath(path: string): boolean {
  try {
    parsePath(path);
    return true;
  } catch {
    return false;
  }
}

export function isReferencePath(path: string): boolean {
  try {
    return parsePath(path).reference;
  } catch {
    return false;
  }
}

/** Evaluates a path; `found` is false only when a definite path matches nothing. */
export function queryPath(path: string, root: Json): { found: true; value: Json } | { found: false } {
  const parsed = parsePath(path);
  const matches = walk(parsed.segments, [root], root);
  if (parsed.definite) return matches.length ? { found: true, value: matches[0]! } : { found: false };
  return { found: true, value: matches };
}

function walk(segments: Segment[], start: Json[], root: Json): Json[] {
  let current = start;
  for (const seg of segments) {
    const next: Json[] = [];
    for (const node of current) apply(seg, node, next, root);
    current = next;
  }
  return current;
}

function children(node: Json): Json[] {
  if (Array.isArray(node)) return node;
  if (isObject(node)) return Object.values(node);
  return [];
}

function apply(seg: Segment, node: Json, out: Json[], root: Json): void {
  switch (seg.kind) {
    case "name":
      if (isObject(node) && Object.prototype.hasOwnProperty.call(node, seg.name)) out.push(node[seg.name]!);
      return;
    case "index":
      if (Array.isArray(node)) {
        const i = seg.index < 0 ? node.length + seg.index : seg.index;
        if (i >= 0 && i < node.length) out.push(node[i]!);
      }
      return;
    case "wildcard":
      out.push(...children(node));
      return;
    case "deep": {
      const visit = (n: Json) => {
        if (seg.name === null) out.push(...children(n));
        else if (isObject(n) && Object.prototype.hasOwnProperty.call(n, seg.name)) out.push(n[seg.name]!);
        for (const c of children(n)) visit(c);
      };
      visit(node);
      return;
    }
    case "union":
      for (const k of seg.keys)
        apply(typeof k === "number" ? { kind: "index", index: k } : { kind: "name", name: k }, node, out, root);
      return;
    case "slice": {
      if (!Array.isArray(node)) return;
      const len = node.length;
      const step = seg.step ?? 1;
      const norm = (v: number | undefined, d: number) =>
        v === undefined ? d : v < 0 ? Math.max(len + v, 0) : Math.min(v, len);
      const start = norm(seg.start, 0);
      const end = norm(seg.end, len);
      for (let i = start; i < end; i += step > 0 ? step : 1) out.push(node[i]!);
      return;
    }
    case "filter":
      for (const c of children(node)) if (test(seg.expr, c, root)) out.push(c);
      return;
  }
}

function operandValues(o: Operand, current: Json, root: Json): Json[] {
  if (o.kind === "literal") return [o.value];
  return walk(o.segments, [o.root === "@" ? current : root], root);
}

function test(e: FilterExpr, current: Json, root: Json): boolean {
  switch (e.kind) {
    case "and":
      return test(e.left, current, root) && test(e.right, current, root);
    case "or":
      return test(e.left, current, root) || test(e.right, current, root);
    case "not":
      return !test(e.expr, current, root);
    case "exists":
      return operandValues(e.operand, current, root).length > 0;
    case "compare": {
      const l = operandValues(e.left, current, root);
      const r = operandValues(e.right, current, root);
      if (l.length !== 1 || r.length !== 1) return false;
      return compare(e.op, l[0]!, r[0]!);
    }
  }
}

function compare(op: string, a: Json, b: Json): boolean {
  if (op === "==") return JSON.stringify(a) === JSON.stringify(b);
  if (op === "!=") return JSON.stringify(a) !== JSON.stringify(b);
  const comparable =
    (typeof a === "number" && typeof b === "number") || (typeof a === "string" && typeof b === "string");
  if (!comparable) return false;
  const x = a as number | string;
  const y = b as number | string;
  if (op === "<") return x < y;
  if (op === "<=") return x <= y;
  if (op === ">") return x > y;
  if (op === ">=") return x >= y;
  return false;
}

class Parser {
  constructor(
    private readonly s: string,
    public i: number,
  ) {}

  fail(msg: string): never {
    throw new PathSyntaxError(`${msg} at position ${this.i} in path '${this.s}'`);
  }

  segments(stop: number, stopChars = ""): Segment[] {
    const out: Segment[] = [];
    while (this.i < stop && !stopChars.includes(this.s[this.i]!)) {
      const c = this.s[this.i];
      if (c === "." && this.s[this.i + 1] === ".") {
        this.i += 2;
        if (this.s[this.i] === "*") {
          this.i++;
          out.push({ kind: "deep", name: null });
        } else if (this.s[this.i] === "[") {
          const b = this.bracket();
          if (b.kind === "name") out.push({ kind: "deep", name: b.name });
          else this.fail("Unsupported deep scan");
        } else out.push({ kind: "deep", name: this.name() });
      } else if (c === ".") {
        this.i++;
        if (this.s[this.i] === "*") {
          this.i++;
          out.push({ kind: "wildcard" });
        } else out.push({ kind: "name", name: this.name() });
      } else if (c === "[") out.push(this.bracket());
      else this.fail(`Unexpected character '${c}'`);
    }
    return out;
  }

  name(): string {
    const start = this.i;
    while (this.i < this.s.length && !".[]()=!<>&| ".includes(this.s[this.i]!)) this.i++;
    if (this.i === start) this.fail("Expected a property name");
    return this.s.slice(start, this.i);
  }

  quoted(): string {
    const q = this.s[this.i]!;
    this.i++;
    let out = "";
    while (this.i < this.s.length && this.s[this.i] !== q) {
      if (this.s[this.i] === "\\" && this.i + 1 < this.s.length) this.i++;
      out += this.s[this.i];
      this.i++;
    }
    if (this.s[this.i] !== q) this.fail("Unterminated string");
    this.i++;
    return out;
  }

  skipSpaces() {
    while (this.s[this.i] === " ") this.i++;
  }

  int(): number | undefined {
    const m = /^-?\d+/.exec(this.s.slice(this.i));
    if (!m) return undefined;
    this.i += m[0].length;
    return Number(m[0]);
  }

  bracket(): Segment {
    this.i++; // [
    this.skipSpaces();
    const c = this.s[this.i];
    let seg: Segment;
    if (c === "*") {
      this.i++;
      seg = { kind: "wildcard" };
    } else if (c === "?") {
      this.i++;
      if (this.s[this.i] !== "(") this.fail("Expected '(' after '?'");
      this.i++;
      const expr = this.orExpr();
      this.skipSpaces();
      if (this.s[this.i] !== ")") this.fail("Expected ')'");
      this.i++;
      seg = { kind: "filter", expr };
    } else if (c === "'" || c === '"') {
      const keys: (string | number)[] = [this.quoted()];
      this.skipSpaces();
      while (this.s[this.i] === ",") {
        this.i++;
        this.skipSpaces();
        keys.push(this.quoted());
        this.skipSpaces();
      }
      seg = keys.length === 1 ? { kind: "name", name: keys[0] as string } : { kind: "union", keys };
    } else {
      const first = this.int();
      this.skipSpaces();
      if (this.s[this.i] === ":") {
        this.i++;
        const end = this.int();
        let step: number | undefined;
        if (this.s[this.i] === ":") {
          this.i++;
          step = this.int();
        }
        seg = { kind: "slice", start: first, end, step };
      } else if (first === undefined) this.fail("Expected an index");
      else {
        const keys: (string | number)[] = [first];
        while (this.s[this.i] === ",") {
          this.i++;
          this.skipSpaces();
          const n = this.int();
          if (n === undefined) this.fail("Expected an index");
          keys.push(n);
          this.skipSpaces();
        }
        seg = keys.length === 1 ? { kind: "index", index: first } : { kind: "union", keys };
      }
    }
    this.skipSpaces();
    if (this.s[this.i] !== "]") this.fail("Expected ']'");
    this.i++;
    return seg;
  }

  orExpr(): FilterExpr {
    let left = this.andExpr();
    for (this.skipSpaces(); this.s.startsWith("||", this.i); this.skipSpaces()) {
      this.i += 2;
      left = { kind: "or", left, right: this.andExpr() };
    }
    return left;
  }

  andExpr(): FilterExpr {
    let left = this.unary();
    for (this.skipSpaces(); this.s.startsWith("&&", this.i); this.skipSpaces()) {
      this.i += 2;
      left = { kind: "and", left, right: this.unary() };
    }
    return left;
  }

  unary(): FilterExpr {
    this.skipSpaces();
    if (this.s[this.i] === "!") {
      this.i++;
      return { kind: "not", expr: this.unary() };
    }
    if (this.s[this.i] === "(") {
      this.i++;
      const e = this.orExpr();
      this.skipSpaces();
      if (this.s[this.i] !== ")") this.fail("Expected ')'");
      this.i++;
      return e;
    }
    const left = this.operand();
    this.skipSpaces();
    const m = /^(==|!=|<=|>=|<|>)/.exec(this.s.slice(this.i));
    if (!m) {
      if (left.kind !== "path") this.fail("Expected a comparison");
      return { kind: "exists", operand: left };
    }
    this.i += m[0].length;
    this.skipSpaces();
    return { kind: "compare", op: m[0], left, right: this.operand() };
  }

  operand(): Operand {
    this.skipSpaces();
    const c = this.s[this.i];
    if (c === "@" || c === "$") {
      this.i++;
      return { kind: "path", root: c, segments: this.segments(this.s.length, ")=!<>&| ") };
    }
    if (c === "'" || c === '"') return { kind: "literal", value: this.quoted() };
    const m = /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null)/.exec(this.s.slice(this.i));
    if (!m) this.fail("Expected a value");
    this.i += m[0].length;
    return { kind: "literal", value: JSON.parse(m[0]) as Json };
  }
}

/** Sets `value` at a reference path inside a copy of `root`, creating objects along the way. */
export function setAtReferencePath(root: Json, path: string, value: Json): { ok: true; value: Json } | { ok: false } {
  const { segments } = parsePath(path);
  if (segments.length === 0) return { ok: true, value };
  const copy: Json = structuredClone(root);
  let node: Json = copy;
  for (let k = 0; k < segments.length; k++) {
    const seg = segments[k]!;
    const last = k === segments.length - 1;
    if (seg.kind === "name") {
      if (!isObject(node)) return { ok: false };
      if (last) node[seg.name] = value;
      else {
        if (!(seg.name in node)) node[seg.name] = {};
        node = node[seg.name]!;
      }
    } else if (seg.kind === "index") {
      if (!Array.isArray(node) || seg.index >= node.length) return { ok: false };
      if (last) node[seg.index] = value;
      else node = node[seg.index]!;
    } else return { ok: false };
  }
  return { ok: true, value: copy };
}

// compilePattern: validate an EventBridge event pattern once, with AWS's InvalidEventPatternException
// messages, and build the tree that matching reads.
//
// AWS validates with a streaming parser and stops at the first problem, so the order of checks and
// the position in each message follow the order in which that parser meets tokens (see
// json-reader.ts). Messages are AWS's own (its open-source matcher, aws/event-ruler, produces them).

import { parseCidr, parseIp } from "../../filter-policy/cidr";
import { JsonReader, PatternError, type JsonTokenType } from "./json-reader";
import { NUMBER_RANGE_MESSAGE, toComparable } from "./numbers";
import { applyOverrides, type Op } from "./overrides";
import type { CompiledPattern, Matcher, PatternField, PatternNode } from "./types";
import {
  MAX_WILDCARD_COMPLEXITY,
  parseWildcard,
  TOO_COMPLEX_MESSAGE,
  wildcardComplexity,
  WildcardSyntaxError,
  type WildcardProgram,
} from "./wildcard";

/** PutRule's EventPattern length limit (a ValidationException at the door, not a pattern error). */
export const MAX_EVENT_PATTERN_LENGTH = 4096;

const OR = "$or";
const IP_LIKE = /^[0-9A-Fa-f:.]+$/;
/** Operator names that may not be field names inside `$or` alternatives. */
const RESERVED_IN_OR = new Set([
  "anything-but",
  "exists",
  "prefix",
  "suffix",
  "numeric",
  "cidr",
  "equals-ignore-case",
  "wildcard",
  "equals",
]);

function newNode(): PatternNode {
  return { fields: new Map(), ors: [] };
}

function fieldOf(node: PatternNode, name: string): PatternField {
  let f = node.fields.get(name);
  if (!f) {
    f = {};
    node.fields.set(name, f);
  }
  return f;
}

class Compiler {
  /** Wildcards per dotted path, for the complexity limit. */
  readonly wildcards = new Map<string, WildcardProgram[]>();

  constructor(private readonly r: JsonReader) {}

  /** The leaf lists and `$or` groups in document order, for AWS's override rule (see overrides.ts). */
  readonly ops: Op[] = [];

  compile(): PatternNode {
    if (this.r.nextToken() !== "START_OBJECT") this.r.fail("Filter is not an object");
    const root = newNode();
    this.parseObject(root, [], false, this.ops);
    return root;
  }

  private parseObject(node: PatternNode, path: string[], insideOr: boolean, ops: Op[]): void {
    const r: JsonReader = this.r;
    let fields = false;
    while (r.nextToken() !== "END_OBJECT") {
      fields = true;
      const name = r.name;
      if (name === OR) {
        this.parseOr(node, path, ops);
        continue;
      }
      if (insideOr && RESERVED_IN_OR.has(name)) {
        r.fail(`${name} is Ruler reserved fieldName which cannot be used inside ${OR}.`);
      }
      const t = r.nextToken();
      // AWS names fields by dotted path: "a.b" is field "b" inside "a".
      const segments = name.split(".");
      let owner = node;
      for (const seg of segments.slice(0, -1)) {
        const f = fieldOf(owner, seg);
        f.child ??= newNode();
        owner = f.child;
      }
      const last = segments[segments.length - 1];
      const childPath = [...path, ...segments];
      if (t === "START_OBJECT") {
        const field = fieldOf(owner, last);
        field.child ??= newNode();
        this.parseObject(field.child, childPath, insideOr, ops);
      } else if (t === "START_ARRAY") {
        const { matchers, raw } = this.parseLeafList(childPath.join("."));
        const field = fieldOf(owner, last);
        // A repeated key replaces the earlier list, as AWS's matcher does.
        field.leaf = matchers;
        field.leafRaw = raw;
        ops.push({ kind: "leaf", path: childPath, leaf: matchers, raw });
      } else {
        r.fail(`"${name}" must be an object or an array`);
      }
    }
    if (!fields) r.fail("Empty objects are not allowed");
  }

  private parseOr(node: PatternNode, path: string[], ops: Op[]): void {
    const r: JsonReader = this.r;
    if (r.nextToken() !== "START_ARRAY") r.fail(`It must be an Array followed with ${OR}.`);
    const alternatives: PatternNode[] = [];
    const groupOps: Op[][] = [];
    let t: JsonTokenType | null;
    while ((t = r.nextToken()) !== "END_ARRAY") {
      if (t !== "START_OBJECT") r.fail(`Only JSON object is allowed in array of ${OR} relationship.`);
      const alt = newNode();
      const altOps: Op[] = [];
      this.parseObject(alt, path, true, altOps);
      alternatives.push(alt);
      groupOps.push(altOps);
    }
    if (alternatives.length < 2) r.fail(`There must have at least 2 Objects in ${OR} relationship.`);
    node.ors.push(alternatives);
    ops.push({ kind: "or", alternatives: groupOps });
  }

  private parseLeafList(path: string): { matchers: Matcher[]; raw: unknown[] } {
    const r: JsonReader = this.r;
    const matchers: Matcher[] = [];
    const raw: unknown[] = [];
    let t: JsonTokenType | null;
    while ((t = r.nextToken()) !== "END_ARRAY") {
      switch (t) {
        case "START_OBJECT": {
          const m = this.parseMatchExpression(path);
          matchers.push(m);
          raw.push(m.raw);
          break;
        }
        case "VALUE_STRING": {
          const value = r.text();
          raw.push(value);
          // Strings that read as IP addresses match as addresses, as AWS's matcher does.
          const ip = IP_LIKE.test(value) ? parseIp(value) : undefined;
          if (ip) {
            const block = parseCidr(`${value}/${ip.version === 4 ? 32 : 128}`);
            if (block.ok) {
              matchers.push({ kind: "exact-ip", value, block: block.block, raw: value });
              break;
            }
          }
          matchers.push({ kind: "exact-string", value, raw: value });
          break;
        }
        case "VALUE_NUMBER": {
          const text = r.text();
          raw.push(r.number);
          matchers.push({ kind: "exact-number", text, comparable: toComparable(r.number), raw: r.number });
          break;
        }
        case "VALUE_TRUE":
        case "VALUE_FALSE":
        case "VALUE_NULL": {
          const value = t === "VALUE_NULL" ? null : t === "VALUE_TRUE";
          raw.push(value);
          matchers.push({ kind: "exact-literal", value, raw: value });
          break;
        }
        default:
          r.fail("Match value must be String, number, true, false, or null");
      }
    }
    if (matchers.length === 0) r.fail("Empty arrays are not allowed");
    return { matchers, raw };
  }

  /** Expects the parser inside `{` of a match expression; leaves it after the closing `}`. */
  private endOfExpression(): void {
    if (this.r.nextToken() !== "END_OBJECT") this.r.fail("Only one key allowed in match expression");
  }

  private stringOperand(op: string): string {
    if (this.r.nextToken() !== "VALUE_STRING") this.r.fail(`${op} match pattern must be a string`);
    return this.r.text();
  }

  /** `"prefix": "x"` or `"prefix": {"equals-ignore-case": "x"}` (same for suffix). */
  private prefixOrSuffix(op: "prefix" | "suffix"): { value: string; ignoreCase: boolean } {
    const r: JsonReader = this.r;
    const t = r.nextToken();
    if (t === "VALUE_STRING") {
      const value = r.text();
      this.endOfExpression();
      return { value, ignoreCase: false };
    }
    if (t === "START_OBJECT") {
      if (r.nextToken() !== "FIELD_NAME") r.fail(`${op === "prefix" ? "Prefix" : "Suffix"} expression name not found`);
      if (r.name !== "equals-ignore-case") r.fail(`Unsupported ${op} pattern: ${r.name}`);
      const value = this.stringOperand("equals-ignore-case");
      this.endOfExpression();
      this.endOfExpression();
      return { value, ignoreCase: true };
    }
    r.fail(`${op} match pattern must be a string`);
  }

  private wildcard(source: string, path: string): WildcardProgram {
    let program: WildcardProgram;
    try {
      program = parseWildcard(source);
    } catch (e) {
      if (e instanceof WildcardSyntaxError) this.r.fail(e.message);
      throw e;
    }
    const list = this.wildcards.get(path) ?? [];
    list.push(program);
    this.wildcards.set(path, list);
    return program;
  }

  private parseMatchExpression(path: string): Matcher {
    const r: JsonReader = this.r;
    if (r.nextToken() !== "FIELD_NAME") r.fail("Match expression name not found");
    const op = r.name;
    switch (op) {
      case "prefix":
      case "suffix": {
        const { value, ignoreCase } = this.prefixOrSuffix(op);
        const raw = { [op]: ignoreCase ? { "equals-ignore-case": value } : value };
        return { kind: op, value, ignoreCase, raw };
      }
      case "equals": {
        // Not in EventBridge's guide, but its matcher accepts it: an exact string.
        if (r.nextToken() !== "VALUE_STRING") r.fail("exact match pattern must be a string");
        const value = r.text();
        this.endOfExpression();
        return { kind: "exact-string", value, raw: { equals: value } };
      }
      case "equals-ignore-case": {
        const value = this.stringOperand("equals-ignore-case");
        this.endOfExpression();
        return { kind: "equals-ignore-case", value, raw: { [op]: value } };
      }
      case "wildcard": {
        const value = this.stringOperand("wildcard");
        const program = this.wildcard(value, path);
        this.endOfExpression();
        return { kind: "wildcard", program, raw: { wildcard: value } };
      }
      case "numeric":
        return this.parseNumeric();
      case "exists": {
        const t = r.nextToken();
        if (t !== "VALUE_TRUE" && t !== "VALUE_FALSE") r.fail("exists match pattern must be either true or false.");
        const value = t === "VALUE_TRUE";
        this.endOfExpression();
        return { kind: "exists", value, raw: { exists: value } };
      }
      case "cidr": {
        if (r.nextToken() !== "VALUE_STRING") r.fail("prefix match pattern must be a string");
        const text = r.text();
        const parsed = parseCidr(text);
        // AWS raises these outside its parser, so they carry no location.
        if (!parsed.ok) throw new PatternError(parsed.message);
        this.endOfExpression();
        return { kind: "cidr", block: parsed.block, raw: { cidr: text } };
      }
      case "anything-but":
        return this.parseAnythingBut(path);
      default:
        r.fail(`Unrecognized match type ${op}`);
    }
  }

  private parseNumeric(): Matcher {
    const r: JsonReader = this.r;
    if (r.nextToken() !== "START_ARRAY") r.fail("Value of numeric must be an array.");
    const terms: unknown[] = [];
    const bound = (n: number): number => {
      const c = toComparable(n);
      if (c === undefined) r.fail(NUMBER_RANGE_MESSAGE);
      return c;
    };
    const numberAfter = (op: string): number => {
      const t = r.nextToken();
      if (t !== "VALUE_NUMBER") r.fail(`Value of ${op === "=" ? "equals" : op} must be numeric`);
      terms.push(op, r.number);
      return r.number;
    };
    const tooMany = () => r.fail("Too many elements in numeric expression");
    if (r.nextToken() !== "VALUE_STRING") r.fail(`Invalid member in numeric match: ${tokenText(r)}`);
    const op = r.text();
    let m: Matcher;
    if (op === "=") {
      const n = numberAfter(op);
      if (r.nextToken() !== "END_ARRAY") tooMany();
      const v = bound(n);
      m = { kind: "numeric", lower: v, lowerOpen: false, upper: v, upperOpen: false, raw: null };
    } else if (op === "<" || op === "<=") {
      const n = numberAfter(op);
      if (r.nextToken() !== "END_ARRAY") tooMany();
      m = { kind: "numeric", lowerOpen: false, upper: bound(n), upperOpen: op === "<", raw: null };
    } else if (op === ">" || op === ">=") {
      const bottom = numberAfter(op);
      const t = r.nextToken();
      if (t === "END_ARRAY") {
        m = { kind: "numeric", lower: bound(bottom), lowerOpen: op === ">", upperOpen: false, raw: null };
      } else {
        if (t !== "VALUE_STRING") r.fail(`Bad value in numeric range: ${tokenText(r)}`);
        const op2 = r.text();
        if (op2 !== "<" && op2 !== "<=") r.fail(`Bad numeric range operator: ${op2}`);
        const t2 = r.nextToken();
        if (t2 !== "VALUE_NUMBER") r.fail(`Value of ${op2} must be numeric`);
        const top = r.number;
        terms.push(op2, top);
        if (r.nextToken() !== "END_ARRAY") r.fail("Too many terms in numeric range expression");
        if (bottom >= top) r.fail("Bottom must be less than top");
        const lower = bound(bottom);
        const upper = bound(top);
        m = { kind: "numeric", lower, lowerOpen: op === ">", upper, upperOpen: op2 === "<", raw: null };
      }
    } else {
      r.fail(`Unrecognized numeric range operator: ${op}`);
    }
    if (r.nextToken() !== "END_OBJECT") tooMany();
    m.raw = { numeric: terms };
    return m;
  }

  private parseAnythingBut(path: string): Matcher {
    const r: JsonReader = this.r;
    let t = r.nextToken();
    let inner: "" | "equals-ignore-case" | "prefix" | "suffix" | "wildcard" = "";
    if (t === "START_OBJECT") {
      if (r.nextToken() !== "FIELD_NAME") r.fail("Anything-But expression name not found");
      const op = r.name;
      if (op !== "equals-ignore-case" && op !== "prefix" && op !== "suffix" && op !== "wildcard") {
        r.fail(`Unsupported anything-but pattern: ${op}`);
      }
      inner = op;
      t = r.nextToken();
    }
    if (t !== "START_ARRAY" && t !== "VALUE_STRING" && t !== "VALUE_NUMBER") {
      r.fail("Value of anything-but must be an array or single string/number value.");
    }
    const tooMany = () => r.fail("Too many elements in numeric expression");

    if (inner === "") {
      const strings = new Set<string>();
      const numbers = new Set<number>();
      const listed: unknown[] = [];
      const addNumber = (n: number) => {
        const c = toComparable(n);
        if (c === undefined) r.fail(NUMBER_RANGE_MESSAGE);
        numbers.add(c);
        listed.push(n);
      };
      if (t === "START_ARRAY") {
        let ti: JsonTokenType | null;
        while ((ti = r.nextToken()) !== "END_ARRAY") {
          if (ti === "VALUE_STRING") {
            strings.add(r.text());
            listed.push(r.text());
          } else if (ti === "VALUE_NUMBER") {
            addNumber(r.number);
          } else {
            r.fail("Inside anything but list, start|null|boolean is not supported.");
          }
        }
        if (strings.size > 0 === numbers.size > 0) {
          r.fail("Inside anything but list, either all values are number or string, mixed type is not supported");
        }
      } else if (t === "VALUE_STRING") {
        strings.add(r.text());
        listed.push(r.text());
      } else {
        addNumber(r.number);
      }
      if (r.nextToken() !== "END_OBJECT") tooMany();
      const shown = t === "START_ARRAY" ? listed : listed[0];
      return { kind: "anything-but", strings, numbers, raw: { "anything-but": shown } };
    }

    // A set of strings for equals-ignore-case / prefix / suffix / wildcard.
    const notString = (): never => {
      if (inner === "equals-ignore-case") {
        r.fail("Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.");
      }
      if (inner === "wildcard") r.fail("wildcard match pattern must be a string");
      r.fail("prefix/suffix match pattern must be a string");
    };
    const values: string[] = [];
    const take = () => {
      const text = r.text();
      if ((inner === "prefix" || inner === "suffix") && text === "") r.fail("Null prefix/suffix not allowed");
      values.push(text);
    };
    if (t === "START_ARRAY") {
      let ti: JsonTokenType | null;
      while ((ti = r.nextToken()) !== "END_ARRAY") {
        if (ti !== "VALUE_STRING") notString();
        take();
      }
    } else if (t === "VALUE_STRING") {
      take();
    } else {
      notString();
    }
    const programs = inner === "wildcard" ? values.map((v) => this.wildcard(v, path)) : [];
    if (r.nextToken() !== "END_OBJECT") tooMany();
    if (r.nextToken() !== "END_OBJECT") tooMany();
    const raw = { "anything-but": { [inner]: t === "START_ARRAY" ? values : values[0] } };
    switch (inner) {
      case "equals-ignore-case":
        return { kind: "anything-but-ignore-case", values: values.map(fold), raw };
      case "prefix":
        return { kind: "anything-but-prefix", values, raw };
      case "suffix":
        return { kind: "anything-but-suffix", values, raw };
      case "wildcard":
        return { kind: "anything-but-wildcard", programs, raw };
    }
  }
}

function tokenText(r: JsonReader): string {
  switch (r.token) {
    case "START_OBJECT":
      return "{";
    case "END_OBJECT":
      return "}";
    case "START_ARRAY":
      return "[";
    case "END_ARRAY":
      return "]";
    case null:
      return "";
    default:
      return r.text();
  }
}

/** Case folding for equals-ignore-case comparisons. */
export function fold(s: string): string {
  return s.toLowerCase();
}

function countBranches(node: PatternNode): number {
  let n = 1;
  for (const f of node.fields.values()) if (f.child) n *= countBranches(f.child);
  for (const group of node.ors) n *= group.reduce((sum, alt) => sum + countBranches(alt), 0);
  return n;
}

/** Parses and validates an event pattern; throws PatternError with AWS's message. */
export function compilePattern(json: string): CompiledPattern {
  const reader = new JsonReader(json);
  const compiler = new Compiler(reader);
  const root = applyOverrides(compiler.compile(), compiler.ops);
  for (const programs of compiler.wildcards.values()) {
    if (wildcardComplexity(programs) > MAX_WILDCARD_COMPLEXITY) throw new PatternError(TOO_COMPLEX_MESSAGE);
  }
  return { root, source: json, branches: countBranches(root) };
}

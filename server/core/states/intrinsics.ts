// Intrinsic functions (States.Format, States.Array, ...) for JSONPath states: a parser for the call
// syntax (nested calls, quoted literals with \' \{ \} \\ escapes, path arguments) and the functions
// with AWS's argument rules. A failing call is States.Runtime "Invalid arguments in States.X", which
// is what AWS reports at run time (States.IntrinsicFailure is documented but not what executions
// show); numeric arguments are truncated toward zero, as AWS does.

import { createHash } from "node:crypto";
import { isObject, runtimeError, StatesError, type Json, type JsonObject } from "./types";

export type IntrinsicArg =
  | { kind: "literal"; value: Json }
  | { kind: "path"; path: string }
  | { kind: "call"; name: string; args: IntrinsicArg[] };

export type IntrinsicCall = Extract<IntrinsicArg, { kind: "call" }>;

const MAX_NESTING = 10;
const MAX_STRING = 10_000;
const MAX_RANGE = 1000;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

export const INTRINSIC_NAMES = [
  "States.Format",
  "States.StringToJson",
  "States.JsonToString",
  "States.Array",
  "States.ArrayPartition",
  "States.ArrayContains",
  "States.ArrayRange",
  "States.ArrayGetItem",
  "States.ArrayLength",
  "States.ArrayUnique",
  "States.Base64Encode",
  "States.Base64Decode",
  "States.Hash",
  "States.JsonMerge",
  "States.MathRandom",
  "States.MathAdd",
  "States.StringSplit",
  "States.UUID",
] as const;

export const looksLikeIntrinsic = (s: string) => /^States\.[A-Za-z0-9]+\s*\(/.test(s.trim());

/** Parses `States.X(...)`; throws States.IntrinsicFailure on bad syntax. */
export function parseIntrinsic(text: string): IntrinsicCall {
  const p = new CallParser(text.trim());
  const call = p.call(1);
  p.spaces();
  if (p.i !== p.s.length) p.fail("Unexpected trailing characters");
  return call;
}

class CallParser {
  i = 0;
  constructor(readonly s: string) {}

  fail(msg: string): never {
    throw runtimeError(`${msg} in the intrinsic function '${this.s}' at position ${this.i}`);
  }

  spaces() {
    while (this.s[this.i] === " ") this.i++;
  }

  call(depth: number): IntrinsicCall {
    if (depth > MAX_NESTING) this.fail(`More than ${MAX_NESTING} nested intrinsic functions`);
    const m = /^States\.[A-Za-z0-9]+/.exec(this.s.slice(this.i));
    if (!m) this.fail("Expected an intrinsic function name");
    const name = m[0];
    if (!(INTRINSIC_NAMES as readonly string[]).includes(name)) this.fail(`Unknown intrinsic function ${name}`);
    this.i += name.length;
    this.spaces();
    if (this.s[this.i] !== "(") this.fail("Expected '('");
    this.i++;
    const args: IntrinsicArg[] = [];
    this.spaces();
    if (this.s[this.i] === ")") {
      this.i++;
      return { kind: "call", name, args };
    }
    for (;;) {
      this.spaces();
      args.push(this.arg(depth));
      this.spaces();
      if (this.s[this.i] === ",") {
        this.i++;
        continue;
      }
      if (this.s[this.i] === ")") {
        this.i++;
        return { kind: "call", name, args };
      }
      this.fail("Expected ',' or ')'");
    }
  }

  arg(depth: number): IntrinsicArg {
    const c = this.s[this.i];
    if (c === "'") return { kind: "literal", value: this.string() };
    if (c === "$") return { kind: "path", path: this.path() };
    if (this.s.startsWith("States.", this.i)) return this.call(depth + 1);
    const m = /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null)/.exec(this.s.slice(this.i));
    if (!m) this.fail("Invalid argument");
    this.i += m[0].length;
    return { kind: "literal", value: JSON.parse(m[0]) as Json };
  }

  string(): string {
    this.i++;
    let out = "";
    while (this.i < this.s.length && this.s[this.i] !== "'") {
      if (this.s[this.i] === "\\") {
        const n = this.s[this.i + 1];
        if (n === "'" || n === "\\") {
          out += n;
          this.i += 2;
          continue;
        }
        if (n === "{" || n === "}") {
          // Kept escaped so States.Format can tell a literal brace from a placeholder.
          out += "\\" + n;
          this.i += 2;
          continue;
        }
      }
      out += this.s[this.i];
      this.i++;
    }
    if (this.s[this.i] !== "'") this.fail("Unterminated string literal");
    this.i++;
    return out;
  }

  path(): string {
    const start = this.i;
    let depth = 0;
    let quote: string | null = null;
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (quote) {
        if (c === "\\") this.i++;
        else if (c === quote) quote = null;
      } else if (c === "'" || c === '"') quote = c;
      else if (c === "[" || c === "(") depth++;
      else if (c === "]" || (c === ")" && depth > 0)) depth--;
      else if (depth === 0 && (c === "," || c === ")" || c === " ")) break;
      this.i++;
    }
    return this.s.slice(start, this.i);
  }
}

export interface IntrinsicEnv {
  /** Resolves a `$...`, `$$...` or `$var...` argument; throws States.Runtime when absent. */
  resolvePath(path: string): Json;
  random?: () => number;
  uuid?: () => string;
}

export function evaluateIntrinsic(call: IntrinsicCall, env: IntrinsicEnv): Json {
  const args = call.args.map((a) =>
    a.kind === "literal" ? a.value : a.kind === "path" ? env.resolvePath(a.path) : evaluateIntrinsic(a, env),
  );
  const literalStrings = call.args.map((a) => a.kind === "literal" && typeof a.value === "string");
  // Only States.Format keeps \{ \} escapes; every other function sees the plain characters.
  const plain = args.map((v, k) => (literalStrings[k] && typeof v === "string" ? v.replace(/\\([{}])/g, "$1") : v));
  const fn = FUNCTIONS[call.name];
  if (!fn) throw runtimeError(`Unknown intrinsic function ${call.name}`);
  return fn(call.name, call.name === "States.Format" ? args : plain, env);
}

type Fn = (name: string, args: Json[], env: IntrinsicEnv) => Json;

/** Why a call failed, kept for our own tests and logs; AWS's cause names only the function. */
export class InvalidArguments extends StatesError {
  constructor(
    name: string,
    readonly reason: string,
  ) {
    super("States.Runtime", `Invalid arguments in ${name}`);
  }
}

function arity(name: string, args: Json[], min: number, max = min) {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new InvalidArguments(name, `expected ${want} arguments but got ${args.length}`);
  }
}

function bad(name: string, why: string): never {
  throw new InvalidArguments(name, why);
}

function asArray(name: string, v: Json, what = "The first argument"): Json[] {
  if (!Array.isArray(v)) bad(name, `${what} must be an array`);
  return v;
}

function asString(name: string, v: Json, what = "The argument"): string {
  if (typeof v !== "string") bad(name, `${what} must be a string`);
  return v;
}

function asInt(name: string, v: Json, what: string): number {
  if (typeof v !== "number") bad(name, `${what} must be a number`);
  return Math.trunc(v);
}

const jsonEquals = (a: Json, b: Json): boolean => canonical(a) === canonical(b);
function canonical(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k]!)}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

function format(name: string, args: Json[]): Json {
  if (args.length < 1) arity(name, args, 1, Infinity);
  const template = asString(name, args[0]!, "The first argument");
  let out = "";
  let next = 1;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === "\\" && (template[i + 1] === "{" || template[i + 1] === "}")) {
      out += template[i + 1];
      i++;
    } else if (c === "{" && template[i + 1] === "}") {
      if (next >= args.length) bad(name, "The number of arguments does not match the number of placeholders");
      const v = args[next++]!;
      if (typeof v === "object" && v !== null)
        bad(name, "Only string, number, boolean and null arguments can be formatted");
      out += typeof v === "string" ? v : JSON.stringify(v);
      i++;
    } else if (c === "{" || c === "}") bad(name, "A brace that is not part of a {} placeholder must be escaped");
    else out += c;
  }
  if (next !== args.length) bad(name, "The number of arguments does not match the number of placeholders");
  return out;
}

const HASHES: Record<string, string> = {
  MD5: "md5",
  "SHA-1": "sha1",
  "SHA-256": "sha256",
  "SHA-384": "sha384",
  "SHA-512": "sha512",
};

function randomUuid(random: () => number): string {
  const b = Array.from({ length: 16 }, () => Math.floor(random() * 256));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const FUNCTIONS: Record<string, Fn> = {
  "States.Format": (n, a) => format(n, a),
  "States.StringToJson": (n, a) => {
    arity(n, a, 1);
    const s = asString(n, a[0]!);
    try {
      return JSON.parse(s) as Json;
    } catch {
      return bad(n, "The argument is not a valid JSON string");
    }
  },
  "States.JsonToString": (n, a) => {
    arity(n, a, 1);
    return JSON.stringify(a[0]);
  },
  "States.Array": (_n, a) => a,
  "States.ArrayPartition": (n, a) => {
    arity(n, a, 2);
    const arr = asArray(n, a[0]!);
    const size = asInt(n, a[1]!, "The chunk size");
    if (size <= 0) bad(n, "The chunk size must be greater than 0");
    const out: Json[] = [];
    for (let i = 0; i < arr.length; i += size) out.push(arr.slice(i, i + size));
    return out;
  },
  "States.ArrayContains": (n, a) => {
    arity(n, a, 2);
    const arr = asArray(n, a[0]!);
    return arr.some((x) => jsonEquals(x, a[1]!));
  },
  "States.ArrayRange": (n, a) => {
    arity(n, a, 3);
    const start = asInt(n, a[0]!, "The start");
    const end = asInt(n, a[1]!, "The end");
    const step = asInt(n, a[2]!, "The step");
    if (step === 0) bad(n, "The step must not be 0");
    const count = Math.max(0, Math.floor((end - start) / step) + 1);
    if (count > MAX_RANGE) bad(n, `The array may not contain more than ${MAX_RANGE} items`);
    const out: number[] = [];
    for (let k = 0; k < count; k++) out.push(start + k * step);
    return out;
  },
  "States.ArrayGetItem": (n, a) => {
    arity(n, a, 2);
    const arr = asArray(n, a[0]!);
    const i = asInt(n, a[1]!, "The index");
    if (i < 0 || i >= arr.length) bad(n, `The index ${i} is out of bounds for an array of length ${arr.length}`);
    return arr[i]!;
  },
  "States.ArrayLength": (n, a) => {
    arity(n, a, 1);
    return asArray(n, a[0]!).length;
  },
  "States.ArrayUnique": (n, a) => {
    arity(n, a, 1);
    const out: Json[] = [];
    const seen = new Set<string>();
    for (const x of asArray(n, a[0]!)) {
      const k = canonical(x);
      if (!seen.has(k)) {
        seen.add(k);
        out.push(x);
      }
    }
    return out;
  },
  "States.Base64Encode": (n, a) => {
    arity(n, a, 1);
    const s = asString(n, a[0]!);
    if (s.length > MAX_STRING) bad(n, `The input may not exceed ${MAX_STRING} characters`);
    return Buffer.from(s, "utf8").toString("base64");
  },
  "States.Base64Decode": (n, a) => {
    arity(n, a, 1);
    const s = asString(n, a[0]!);
    if (s.length > MAX_STRING) bad(n, `The input may not exceed ${MAX_STRING} characters`);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) bad(n, "The input is not valid Base64");
    return Buffer.from(s, "base64").toString("utf8");
  },
  "States.Hash": (n, a) => {
    arity(n, a, 2);
    if (a[0] === null) bad(n, "The data to hash must not be null");
    const data = typeof a[0] === "string" ? a[0] : JSON.stringify(a[0]);
    if (data.length > MAX_STRING) bad(n, `The input may not exceed ${MAX_STRING} characters`);
    const alg = HASHES[asString(n, a[1]!, "The algorithm")];
    if (!alg) bad(n, `The algorithm must be one of ${Object.keys(HASHES).join(", ")}`);
    return createHash(alg).update(data, "utf8").digest("hex");
  },
  "States.JsonMerge": (n, a) => {
    arity(n, a, 3);
    if (!isObject(a[0]!) || !isObject(a[1]!)) bad(n, "The first two arguments must be JSON objects");
    if (a[2] !== false) bad(n, "Only shallow merge is supported: the third argument must be false");
    return { ...(a[0] as JsonObject), ...(a[1] as JsonObject) };
  },
  "States.MathRandom": (n, a, env) => {
    arity(n, a, 2, 3);
    const start = asInt(n, a[0]!, "The start");
    const end = asInt(n, a[1]!, "The end");
    const seed = a.length === 3 ? asInt(n, a[2]!, "The seed") : undefined;
    if (end <= start) bad(n, "The end must be greater than the start");
    const r = seed !== undefined ? seeded(seed) : (env.random ?? Math.random)();
    return start + Math.floor(r * (end - start));
  },
  "States.MathAdd": (n, a) => {
    arity(n, a, 2);
    const x = asInt(n, a[0]!, "The first argument");
    const y = asInt(n, a[1]!, "The second argument");
    for (const v of [x, y])
      if (v < INT_MIN || v > INT_MAX) bad(n, `The arguments must be between ${INT_MIN} and ${INT_MAX}`);
    return x + y;
  },
  "States.StringSplit": (n, a) => {
    arity(n, a, 2);
    const s = asString(n, a[0]!, "The first argument");
    const d = asString(n, a[1]!, "The delimiter");
    if (d === "") return s === "" ? [] : [s];
    const out: string[] = [];
    let cur = "";
    for (const ch of s) {
      if (d.includes(ch)) {
        if (cur) out.push(cur);
        cur = "";
      } else cur += ch;
    }
    if (cur) out.push(cur);
    return out;
  },
  "States.UUID": (n, a, env) => {
    arity(n, a, 0);
    return env.uuid ? env.uuid() : randomUuid(env.random ?? Math.random);
  },
};

/** A deterministic generator for MathRandom's seed argument (mulberry32). */
function seeded(seed: number): number {
  let t = (seed + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

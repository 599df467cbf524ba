import net from "node:net";
import { parseAllowList, unmapIPv4, type AllowList } from "../net/ip-guard";

// The Condition block of API Gateway resource policies, as IAM evaluates it ("IAM JSON policy
// elements: Condition operators" and "Condition keys for API Gateway resource policies").
//
// Keys (case-insensitive, as IAM's): the global keys API Gateway puts in a request's context.
// Which of them ever have a value here: aws:CurrentTime, aws:EpochTime, aws:SecureTransport and
// aws:SourceIp always; aws:UserAgent and aws:Referer when the request has the header;
// aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalType, aws:userid and aws:username when the
// caller signed with a Signalbox key (the key is an IAM user named by its id). Never present
// (accepted so policies written for AWS load, and evaluated as a missing key): aws:SourceVpc,
// aws:SourceVpce and aws:VpcSourceIp (nothing arrives through a VPC), aws:SourceArn,
// aws:PrincipalOrgID / aws:PrincipalOrgPaths (no organizations), aws:PrincipalTag/* (keys have no
// tags), aws:TokenIssueTime / aws:MultiFactorAuthPresent / aws:MultiFactorAuthAge (no temporary
// credentials, no MFA).
//
// Operators: String{Equals,NotEquals,EqualsIgnoreCase,NotEqualsIgnoreCase,Like,NotLike},
// Numeric{Equals,NotEquals,LessThan,LessThanEquals,GreaterThan,GreaterThanEquals}, the same six
// Date ones, Bool, IpAddress / NotIpAddress, Arn{Equals,Like,NotEquals,NotLike}, Null; each (but
// Null) with the IfExists suffix; each with the ForAnyValue: / ForAllValues: set prefixes.
//
// Semantics: every operator block and every key in it must hold (AND); a key's values are
// alternatives (OR), and for a negated operator (…Not…) the key must match none of them. A key the
// request does not have: …IfExists holds, a negated operator holds, ForAllValues holds, anything
// else fails; Null {"key": "true"} holds exactly when the key is missing.

export type ConditionValue = string | number | boolean;
export type ConditionBlock = Record<string, Record<string, ConditionValue | ConditionValue[]>>;

/** The request's condition keys (lower-case names); a missing key is undefined. */
export type ConditionContext = Record<string, string | undefined>;

const KEYS = new Set([
  "aws:currenttime",
  "aws:epochtime",
  "aws:securetransport",
  "aws:sourceip",
  "aws:useragent",
  "aws:referer",
  "aws:principalaccount",
  "aws:principalarn",
  "aws:principaltype",
  "aws:userid",
  "aws:username",
  "aws:sourcevpc",
  "aws:sourcevpce",
  "aws:vpcsourceip",
  "aws:sourcearn",
  "aws:principalorgid",
  "aws:principalorgpaths",
  "aws:tokenissuetime",
  "aws:multifactorauthpresent",
  "aws:multifactorauthage",
]);

type Family = "String" | "Numeric" | "Date" | "Bool" | "Ip" | "Arn" | "Null";
type Operator = { family: Family; negated: boolean; ignoreCase?: boolean; like?: boolean; compare?: Compare };
type Compare = "eq" | "lt" | "le" | "gt" | "ge";

const OPERATORS: Record<string, Operator> = {
  StringEquals: { family: "String", negated: false },
  StringNotEquals: { family: "String", negated: true },
  StringEqualsIgnoreCase: { family: "String", negated: false, ignoreCase: true },
  StringNotEqualsIgnoreCase: { family: "String", negated: true, ignoreCase: true },
  StringLike: { family: "String", negated: false, like: true },
  StringNotLike: { family: "String", negated: true, like: true },
  Bool: { family: "Bool", negated: false },
  IpAddress: { family: "Ip", negated: false },
  NotIpAddress: { family: "Ip", negated: true },
  ArnEquals: { family: "Arn", negated: false },
  ArnLike: { family: "Arn", negated: false },
  ArnNotEquals: { family: "Arn", negated: true },
  ArnNotLike: { family: "Arn", negated: true },
  Null: { family: "Null", negated: false },
};
for (const family of ["Numeric", "Date"] as const) {
  OPERATORS[`${family}Equals`] = { family, negated: false, compare: "eq" };
  OPERATORS[`${family}NotEquals`] = { family, negated: true, compare: "eq" };
  OPERATORS[`${family}LessThan`] = { family, negated: false, compare: "lt" };
  OPERATORS[`${family}LessThanEquals`] = { family, negated: false, compare: "le" };
  OPERATORS[`${family}GreaterThan`] = { family, negated: false, compare: "gt" };
  OPERATORS[`${family}GreaterThanEquals`] = { family, negated: false, compare: "ge" };
}

type Parsed = { op: Operator; ifExists: boolean; set: "any" | "all" | null };

function parseOperator(name: string): Parsed | null {
  const m = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/.exec(name);
  if (!m) return null;
  const op = OPERATORS[m[2]!];
  if (!op || (op.family === "Null" && m[3])) return null;
  return { op, ifExists: !!m[3], set: m[1] === "ForAnyValue" ? "any" : m[1] === "ForAllValues" ? "all" : null };
}

export function isKnownConditionKey(key: string): boolean {
  const k = key.toLowerCase();
  return KEYS.has(k) || /^aws:principaltag\/.+$/.test(k);
}

/** Epoch milliseconds of a Date operand: ISO 8601 or epoch seconds. NaN when it is neither. */
function dateOf(v: string): number {
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  return /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : NaN;
}

function numberOf(v: string): number {
  return /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
}

/**
 * Checks a statement's Condition; returns why it is not valid, or null. Unknown keys and operators
 * are refused (the gateway could not evaluate them), as are operands an operator cannot read.
 */
export function conditionProblem(condition: unknown): string | null {
  if (!condition || typeof condition !== "object" || Array.isArray(condition)) return "Condition must be an object";
  for (const [name, block] of Object.entries(condition as Record<string, unknown>)) {
    const p = parseOperator(name);
    if (!p) return `the condition operator ${name} is not supported`;
    if (!block || typeof block !== "object" || Array.isArray(block))
      return `Condition.${name} must be an object of condition keys`;
    for (const [key, raw] of Object.entries(block as Record<string, unknown>)) {
      if (!isKnownConditionKey(key)) return `Policy has an invalid condition key: ${key}`;
      const values = [raw].flat();
      if (!values.length || values.some((v) => !["string", "number", "boolean"].includes(typeof v)))
        return `Condition.${name}.${key} must be a string, number or boolean, or a list of them`;
      const text = values.map(String);
      const bad = (what: string) => `Condition.${name}.${key} has ${what}: ${text.join(", ")}`;
      switch (p.op.family) {
        case "Numeric":
          if (text.some((v) => Number.isNaN(numberOf(v)))) return bad("values that are not numbers");
          break;
        case "Date":
          if (text.some((v) => Number.isNaN(dateOf(v)))) return bad("values that are not dates");
          break;
        case "Bool":
        case "Null":
          if (text.some((v) => !/^(true|false)$/i.test(v))) return bad("values that are not true or false");
          break;
        case "Ip": {
          const { invalid } = parseAllowList(text.join(","));
          if (invalid.length) return `Condition.${name}.${key} has invalid addresses: ${invalid.join(", ")}`;
          break;
        }
      }
    }
  }
  return null;
}

export function wildcard(pattern: string, value: string, ignoreCase = false): boolean {
  const re = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&")))
    .join("");
  return new RegExp(`^${re}$`, ignoreCase ? "is" : "s").test(value);
}

/** ArnLike / ArnEquals: the six colon-separated parts matched one by one, each with wildcards. */
function arnMatches(pattern: string, arn: string): boolean {
  const p = pattern.split(":");
  const a = arn.split(":");
  if (p.length < 6 || a.length < 6) return false;
  const parts = (x: string[]) => [...x.slice(0, 5), x.slice(5).join(":")];
  const [pp, ap] = [parts(p), parts(a)];
  return pp.every((seg, i) => wildcard(seg, ap[i]!));
}

const listCache = new Map<string, AllowList>();
function inCidrs(cidrs: string[], ip: string): boolean {
  const spec = cidrs.join(",");
  let list = listCache.get(spec);
  if (!list) {
    list = parseAllowList(spec).list;
    if (listCache.size > 500) listCache.clear();
    listCache.set(spec, list);
  }
  const a = unmapIPv4(ip);
  const family = net.isIPv4(a) ? "ipv4" : net.isIPv6(a) ? "ipv6" : null;
  return family ? list.check(a, family) : false;
}

function compare(c: Compare, a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  return c === "eq" ? a === b : c === "lt" ? a < b : c === "le" ? a <= b : c === "gt" ? a > b : a >= b;
}

/** Whether one request value matches any of the policy's values (the operator taken positively). */
function matchesAny(op: Operator, wanted: string[], v: string): boolean {
  switch (op.family) {
    case "String":
      if (op.like) return wanted.some((w) => wildcard(w, v));
      if (op.ignoreCase) return wanted.some((w) => w.toLowerCase() === v.toLowerCase());
      return wanted.includes(v);
    case "Numeric":
      return wanted.some((w) => compare(op.compare!, numberOf(v), numberOf(w)));
    case "Date":
      return wanted.some((w) => compare(op.compare!, dateOf(v), dateOf(w)));
    case "Bool":
      return wanted.some((w) => w.toLowerCase() === v.toLowerCase());
    case "Ip":
      return inCidrs(wanted, v);
    case "Arn":
      return wanted.some((w) => arnMatches(w, v));
    case "Null":
      return false;
  }
}

/** Whether every operator block of a statement's Condition holds for the request. */
export function conditionsHold(condition: ConditionBlock | undefined, ctx: ConditionContext): boolean {
  for (const [name, block] of Object.entries(condition ?? {})) {
    const p = parseOperator(name);
    if (!p) return false; // refused when the policy was put; a stored stranger matches nothing
    for (const [key, raw] of Object.entries(block)) {
      const wanted = [raw].flat().map(String);
      const v = ctx[key.toLowerCase()];
      if (p.op.family === "Null") {
        // {"key": "true"}: the key is missing; "false": it is present. Several values: any of them.
        if (!wanted.some((w) => (w.toLowerCase() === "true") === (v === undefined))) return false;
        continue;
      }
      // Every key here is single-valued: its set of values is [v] or, when missing, empty.
      const values = v === undefined ? [] : [v];
      const one = (x: string) => (p.op.negated ? !matchesAny(p.op, wanted, x) : matchesAny(p.op, wanted, x));
      let holds: boolean;
      if (!values.length && p.ifExists) holds = true;
      else if (p.set === "any") holds = values.some(one);
      else if (p.set === "all") holds = values.every(one);
      else holds = values.length ? one(values[0]!) : p.op.negated;
      if (!holds) return false;
    }
  }
  return true;
}

import net from "node:net";
import { parseAllowList, unmapIPv4, type AllowList } from "../net/ip-guard";

// REST API resource policies (the RestApi `policy` document), evaluated by the gateway for
// execute-api:Invoke. What is understood: Effect Allow/Deny; Principal "*" / {"AWS": "*"} / the
// API's account (id, `arn:aws:iam::<account>:root` or any IAM/STS ARN of that account) for a
// caller signed with one of the tenant's keys; Action / NotAction execute-api:Invoke (or
// execute-api:* / *); Resource / NotResource as `execute-api:/<stage>/<METHOD>/<path>` or a full
// `arn:aws:execute-api:<region>:<account>:<api>/...` ARN, with `*` and `?` wildcards; Condition
// operators IpAddress / NotIpAddress (aws:SourceIp) and the String operators (aws:SourceIp,
// aws:PrincipalAccount, aws:PrincipalArn, aws:SourceVpc, aws:SourceVpce: no request arrives
// through a VPC here), with ...IfExists.
//
// Evaluation, as API Gateway's "How resource policies affect authorization": an explicit Deny wins;
// otherwise a request needs an Allow, except a method with AWS_IAM authorization called by the
// API's own account, which is allowed unless denied (the tenant's keys carry every IAM permission).

export type PolicyStatement = {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
};

export type ResourcePolicy = { Version?: string; Id?: string; Statement: PolicyStatement[] };

export type PolicyRequest = {
  region: string;
  accountId: string;
  apiId: string;
  stage: string;
  httpMethod: string;
  /** The path below the stage, starting with "/". */
  path: string;
  sourceIp: string | null;
  /** The caller, when it signed with one of the API's tenant's keys. */
  caller: { accountId: string; arn: string } | null;
  /** The method's authorizationType is AWS_IAM (and the caller was authenticated). */
  iamAuthorized: boolean;
};

export type PolicyDecision = { allowed: true } | { allowed: false; explicit: boolean; message: string };

const STRING_OPERATORS = new Set([
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
]);
const IP_OPERATORS = new Set(["IpAddress", "NotIpAddress"]);
const KNOWN_KEYS = new Set([
  "aws:sourceip",
  "aws:principalaccount",
  "aws:principalarn",
  "aws:sourcevpc",
  "aws:sourcevpce",
]);

/** Throws (with AWS's style of message) when `text` is not a resource policy the gateway understands. */
export function parseResourcePolicy(text: string): ResourcePolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error("Invalid policy document. Please check the policy syntax and try again.");
  }
  const fail = (why: string): never => {
    throw new Error(`Invalid policy document: ${why}`);
  };
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) fail("the policy must be a JSON object");
  const d = doc as Record<string, unknown>;
  if (d.Version !== undefined && d.Version !== "2012-10-17" && d.Version !== "2008-10-17")
    fail(`unsupported Version ${JSON.stringify(d.Version)}`);
  const raw = d.Statement;
  if (raw === undefined) fail("the policy has no Statement");
  const list = Array.isArray(raw) ? raw : [raw];
  if (!list.length) fail("the policy has no Statement");
  const statements = list.map((s, i): PolicyStatement => {
    const where = `Statement[${i}]`;
    if (!s || typeof s !== "object" || Array.isArray(s)) fail(`${where} must be an object`);
    const st = s as Record<string, unknown>;
    if (st.Effect !== "Allow" && st.Effect !== "Deny") fail(`${where}.Effect must be Allow or Deny`);
    if ((st.Principal === undefined) === (st.NotPrincipal === undefined))
      fail(`${where} needs exactly one of Principal and NotPrincipal`);
    if ((st.Action === undefined) === (st.NotAction === undefined))
      fail(`${where} needs exactly one of Action and NotAction`);
    if ((st.Resource === undefined) === (st.NotResource === undefined))
      fail(`${where} needs exactly one of Resource and NotResource`);
    const strings = (v: unknown, name: string) => {
      const a = [v].flat();
      if (!a.length || a.some((x) => typeof x !== "string" || x === "")) fail(`${where}.${name} must be strings`);
    };
    if (st.Action !== undefined) strings(st.Action, "Action");
    if (st.NotAction !== undefined) strings(st.NotAction, "NotAction");
    if (st.Resource !== undefined) strings(st.Resource, "Resource");
    if (st.NotResource !== undefined) strings(st.NotResource, "NotResource");
    const principal = st.Principal ?? st.NotPrincipal;
    if (principal !== "*") {
      if (!principal || typeof principal !== "object" || Array.isArray(principal))
        fail(`${where}.Principal must be "*" or an object`);
      for (const [k, v] of Object.entries(principal as Record<string, unknown>)) {
        if (!["AWS", "Service", "Federated", "CanonicalUser"].includes(k)) fail(`${where}.Principal has ${k}`);
        strings(v, `Principal.${k}`);
      }
    }
    if (st.Condition !== undefined) {
      if (!st.Condition || typeof st.Condition !== "object" || Array.isArray(st.Condition))
        fail(`${where}.Condition must be an object`);
      for (const [op, block] of Object.entries(st.Condition as Record<string, unknown>)) {
        const base = op.replace(/IfExists$/, "");
        if (!STRING_OPERATORS.has(base) && !IP_OPERATORS.has(base))
          fail(`${where}.Condition operator ${op} is not supported`);
        if (!block || typeof block !== "object" || Array.isArray(block))
          fail(`${where}.Condition.${op} must be an object`);
        for (const [key, v] of Object.entries(block as Record<string, unknown>)) {
          if (!KNOWN_KEYS.has(key.toLowerCase())) fail(`${where}.Condition key ${key} is not supported`);
          strings(v, `Condition.${op}.${key}`);
          if (IP_OPERATORS.has(base)) {
            const { invalid } = parseAllowList([v].flat().join(","));
            if (invalid.length) fail(`${where}.Condition.${op} has invalid addresses: ${invalid.join(", ")}`);
          }
        }
      }
    }
    return st as unknown as PolicyStatement;
  });
  return { ...(d as object), Statement: statements } as ResourcePolicy;
}

function wildcard(pattern: string, value: string, ignoreCase = false): boolean {
  const re = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&")))
    .join("");
  return new RegExp(`^${re}$`, ignoreCase ? "is" : "s").test(value);
}

/** `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path without the leading />`. */
export function invokeArn(r: Pick<PolicyRequest, "region" | "accountId" | "apiId" | "stage" | "httpMethod" | "path">) {
  return `arn:aws:execute-api:${r.region}:${r.accountId}:${r.apiId}/${r.stage}/${r.httpMethod}/${r.path.replace(/^\//, "")}`;
}

function resourceMatches(pattern: string, r: PolicyRequest, arn: string): boolean {
  // `execute-api:/stage/METHOD/path` is the short form of this API's ARN.
  const full = pattern.startsWith("execute-api:/")
    ? `arn:aws:execute-api:${r.region}:${r.accountId}:${r.apiId}/${pattern.slice("execute-api:/".length)}`
    : pattern;
  return wildcard(full, arn);
}

function actionMatches(a: string): boolean {
  return wildcard(a.toLowerCase(), "execute-api:invoke");
}

function principalMatches(p: unknown, r: PolicyRequest): boolean {
  if (p === "*") return true;
  const aws = [(p as Record<string, unknown>).AWS ?? []].flat().map(String);
  for (const v of aws) {
    if (v === "*") return true;
    if (!r.caller) continue;
    if (v === r.caller.accountId || v === r.caller.arn) return true;
    const m = /^arn:aws:(?:iam|sts)::(\d{12}):(.+)$/.exec(v);
    if (m && m[1] === r.caller.accountId && (m[2] === "root" || wildcard(v, r.caller.arn))) return true;
  }
  return false;
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

function conditionValue(key: string, r: PolicyRequest): string | undefined {
  switch (key.toLowerCase()) {
    case "aws:sourceip":
      return r.sourceIp ?? undefined;
    case "aws:principalaccount":
      return r.caller?.accountId;
    case "aws:principalarn":
      return r.caller?.arn;
    default:
      return undefined; // aws:SourceVpc / aws:SourceVpce: never through a VPC here
  }
}

function conditionsHold(c: PolicyStatement["Condition"], r: PolicyRequest): boolean {
  for (const [op, block] of Object.entries(c ?? {})) {
    const ifExists = op.endsWith("IfExists");
    const base = op.replace(/IfExists$/, "");
    const negated = base.includes("Not");
    for (const [key, raw] of Object.entries(block)) {
      const wanted = [raw].flat();
      const v = conditionValue(key, r);
      if (v === undefined) {
        // A missing key: ...IfExists holds, a negated operator holds, anything else fails.
        if (ifExists || negated) continue;
        return false;
      }
      let any: boolean;
      if (IP_OPERATORS.has(base)) any = inCidrs(wanted, v);
      else if (base.startsWith("StringLike") || base.startsWith("StringNotLike"))
        any = wanted.some((w) => wildcard(w, v));
      else if (base.includes("IgnoreCase")) any = wanted.some((w) => w.toLowerCase() === v.toLowerCase());
      else any = wanted.includes(v);
      if (negated ? any : !any) return false;
    }
  }
  return true;
}

function statementApplies(s: PolicyStatement, r: PolicyRequest, arn: string): boolean {
  const principalOk =
    s.Principal !== undefined ? principalMatches(s.Principal, r) : !principalMatches(s.NotPrincipal, r);
  if (!principalOk) return false;
  const actionOk =
    s.Action !== undefined ? [s.Action].flat().some(actionMatches) : ![s.NotAction ?? []].flat().some(actionMatches);
  if (!actionOk) return false;
  const resourceOk =
    s.Resource !== undefined
      ? [s.Resource].flat().some((p) => resourceMatches(p, r, arn))
      : ![s.NotResource ?? []].flat().some((p) => resourceMatches(p, r, arn));
  if (!resourceOk) return false;
  return conditionsHold(s.Condition, r);
}

/** Whether the resource policy lets `r` invoke the API (explicit Deny wins; else an Allow is needed). */
export function evaluateResourcePolicy(policy: ResourcePolicy, r: PolicyRequest): PolicyDecision {
  const arn = invokeArn(r);
  const who = r.caller ? r.caller.arn : "anonymous";
  let allowed = false;
  for (const s of policy.Statement) {
    if (!statementApplies(s, r, arn)) continue;
    if (s.Effect === "Deny")
      return {
        allowed: false,
        explicit: true,
        message: `User: ${who} is not authorized to perform: execute-api:Invoke on resource: ${arn} with an explicit deny`,
      };
    allowed = true;
  }
  // AWS_IAM called by the API's own account: the IAM side allows, so no explicit Allow is needed.
  if (allowed || (r.iamAuthorized && r.caller?.accountId === r.accountId)) return { allowed: true };
  return {
    allowed: false,
    explicit: false,
    message: `User: ${who} is not authorized to perform: execute-api:Invoke on resource: ${arn}`,
  };
}

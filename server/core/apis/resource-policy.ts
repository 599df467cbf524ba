import { conditionProblem, conditionsHold, wildcard, type ConditionBlock } from "./policy-conditions";

// REST API resource policies (the RestApi `policy` document), evaluated by the gateway for
// execute-api:Invoke. What is understood: Effect Allow/Deny; Principal / NotPrincipal "*",
// {"AWS": "*"}, an account (its id or `arn:aws:iam::<account>:root`: any caller signed with that
// account's keys) or a caller's ARN (`arn:aws:iam::<account>:user/<key id>`); Action / NotAction
// execute-api:Invoke (or execute-api:* / *); Resource / NotResource as
// `execute-api:/<stage>/<METHOD>/<path>` or a full `arn:aws:execute-api:<region>:<account>:<api>/...`
// ARN, with `*` and `?` wildcards; Condition as policy-conditions.ts describes.
//
// Evaluation follows API Gateway's "How resource policies affect authorization" and its outcome
// tables. An explicit Deny wins. Otherwise an Allow admits. Without a matching Allow ("neither"):
// the method's own authorization decides when it is of the API's account (table A): AWS_IAM signed
// by one of the API's tenant's keys (they carry every IAM permission) or a Lambda authorizer that
// allowed; a caller of another account (table B: cross-account AWS_IAM) and anything else (no
// authorization, Cognito) needs the Allow.

export type PolicyStatement = {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: ConditionBlock;
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
  /** The signed caller (a Signalbox key: an IAM user named by its key id), or null: anonymous. */
  caller: { accountId: string; arn: string; userId: string; userName: string } | null;
  /**
   * What allowed the request before the policy: "iam" (the method is AWS_IAM and the caller's
   * signature verified), "lambda" (its Lambda authorizer allowed), or null (NONE, Cognito).
   */
  authorizedBy: "iam" | "lambda" | null;
  /** When the request arrived (aws:CurrentTime, aws:EpochTime). */
  now: Date;
  /** aws:SecureTransport: the request came over TLS. */
  secureTransport: boolean;
  userAgent: string | null;
  referer: string | null;
};

export type PolicyDecision = { allowed: true } | { allowed: false; explicit: boolean; message: string };

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
      const problem = conditionProblem(st.Condition);
      if (problem) fail(`${where}: ${problem}`);
    }
    return st as unknown as PolicyStatement;
  });
  return { ...(d as object), Statement: statements } as ResourcePolicy;
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

function conditionContext(r: PolicyRequest): Record<string, string | undefined> {
  const c = r.caller;
  return {
    "aws:currenttime": r.now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    "aws:epochtime": String(Math.floor(r.now.getTime() / 1000)),
    "aws:securetransport": String(r.secureTransport),
    "aws:sourceip": r.sourceIp ?? undefined,
    "aws:useragent": r.userAgent ?? undefined,
    "aws:referer": r.referer ?? undefined,
    "aws:principalaccount": c?.accountId,
    "aws:principalarn": c?.arn,
    "aws:principaltype": c ? "User" : undefined,
    "aws:userid": c?.userId,
    "aws:username": c?.userName,
  };
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
  return conditionsHold(s.Condition, conditionContext(r));
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
  // Table A: the API's own account's authorization allowed, so no explicit Allow is needed. Table B
  // (another account's caller): the resource policy must allow.
  const ownAccountAllowed =
    r.authorizedBy === "lambda" || (r.authorizedBy === "iam" && r.caller?.accountId === r.accountId);
  if (allowed || ownAccountAllowed) return { allowed: true };
  return {
    allowed: false,
    explicit: false,
    message: `User: ${who} is not authorized to perform: execute-api:Invoke on resource: ${arn}`,
  };
}

// Event bus resource policies (PutPermission / the Policy document), evaluated the way AWS does for
// PutEvents from another account: an explicit Deny wins, then any Allow whose principal, action,
// resource and (supported) conditions match. Pure: the events domain hands it the stored document.

export type BusAccessRequest = { accountId: string; action: string; busArn: string; sourceArn?: string };

export type PolicyStatement = {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal: unknown;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
};
export type PolicyDocument = { Version?: string; Statement: PolicyStatement[] };

function glob(pattern: string, value: string): boolean {
  const re = new RegExp(
    "^" +
      pattern
        .split("*")
        .map((s) => s.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\?/g, "."))
        .join(".*") +
      "$",
    "i",
  );
  return re.test(value);
}

function principalMatches(principal: unknown, accountId: string): boolean {
  if (principal === "*") return true;
  if (typeof principal !== "object" || principal === null) return false;
  const aws = (principal as { AWS?: unknown }).AWS;
  const list = Array.isArray(aws) ? aws : [aws];
  return list.some(
    (p) =>
      p === "*" ||
      p === accountId ||
      (typeof p === "string" && new RegExp(`^arn:aws[\\w-]*:iam::${accountId}:`).test(p)),
  );
}

function conditionsHold(cond: PolicyStatement["Condition"], req: BusAccessRequest): boolean {
  if (!cond || typeof cond !== "object") return true;
  for (const [op, kv] of Object.entries(cond)) {
    for (const [key, raw] of Object.entries(kv ?? {})) {
      const values = (Array.isArray(raw) ? raw : [raw]).map(String);
      const k = key.toLowerCase();
      const actual =
        k === "aws:sourcearn"
          ? req.sourceArn
          : k === "aws:sourceaccount" || k === "aws:principalaccount"
            ? req.accountId
            : undefined;
      // A condition on a key Signalbox does not know (aws:PrincipalOrgID) cannot be shown to hold.
      if (actual === undefined) return false;
      const o = op.toLowerCase();
      const ok =
        o.startsWith("arnlike") || o.startsWith("stringlike")
          ? values.some((v) => glob(v, actual))
          : values.includes(actual);
      if (!ok) return false;
    }
  }
  return true;
}

/** Parses a stored policy; null when absent or not a document with statements. */
export function parseBusPolicy(policy: string | null): PolicyDocument | null {
  if (!policy) return null;
  try {
    const doc = JSON.parse(policy) as { Statement?: unknown; Version?: string };
    const st = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
    return { Version: doc.Version, Statement: st as PolicyStatement[] };
  } catch {
    return null;
  }
}

export function busPolicyDecision(policy: string | null, req: BusAccessRequest): "allow" | "deny" | "none" {
  const doc = parseBusPolicy(policy);
  if (!doc) return "none";
  let allowed = false;
  for (const s of doc.Statement) {
    if (!s || typeof s !== "object") continue;
    const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
    if (!actions.some((a) => typeof a === "string" && glob(a, req.action))) continue;
    if (!principalMatches(s.Principal, req.accountId)) continue;
    const resources = s.Resource === undefined ? ["*"] : Array.isArray(s.Resource) ? s.Resource : [s.Resource];
    if (!resources.some((r) => typeof r === "string" && glob(r, req.busArn))) continue;
    if (!conditionsHold(s.Condition, req)) continue;
    if (s.Effect === "Deny") return "deny";
    if (s.Effect === "Allow") allowed = true;
  }
  return allowed ? "allow" : "none";
}

/** The statement PutPermission adds for its Principal/Action/StatementId/Condition form. */
export function permissionStatement(input: {
  statementId: string;
  principal: string;
  action: string;
  busArn: string;
  condition?: { Type: string; Key: string; Value: string };
}): PolicyStatement {
  const st: PolicyStatement = {
    Sid: input.statementId,
    Effect: "Allow",
    Principal: input.principal === "*" ? "*" : { AWS: `arn:aws:iam::${input.principal}:root` },
    Action: input.action,
    Resource: input.busArn,
  };
  if (input.condition) st.Condition = { StringEquals: { [input.condition.Key]: input.condition.Value } };
  return st;
}

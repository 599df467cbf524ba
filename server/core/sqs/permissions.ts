// Cross-account access to a queue: AddPermission grants and the Policy attribute, evaluated the
// simple way AWS evaluates them for SendMessage from another account: an explicit Deny wins, then
// any Allow whose principal, action and (optional) aws:SourceArn condition match.

export type PermissionGrant = { label: string; accounts: string[]; actions: string[] };

export type AccessRequest = {
  accountId: string;
  action: string;
  queueArn: string;
  sourceArn?: string;
  /**
   * The AWS service acting for the account (events.amazonaws.com for an event rule's target,
   * scheduler.amazonaws.com for a schedule's): a `"Principal": {"Service": ...}` statement matches it.
   */
  service?: string;
};

function actionMatches(pattern: string, action: string): boolean {
  const p = pattern.replace(/^sqs:/i, "");
  if (p === "*") return true;
  if (p.endsWith("*")) return action.toLowerCase().startsWith(p.slice(0, -1).toLowerCase());
  return p.toLowerCase() === action.toLowerCase();
}

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    "^" +
      pattern
        .split("*")
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\\\?/g, "."))
        .join(".*") +
      "$",
  );
  return re.test(value);
}

function principalMatches(principal: unknown, accountId: string, service?: string): boolean {
  if (principal === "*") return true;
  if (typeof principal !== "object" || principal === null) return false;
  const svc = (principal as { Service?: unknown }).Service;
  if (service && (Array.isArray(svc) ? svc : [svc]).includes(service)) return true;
  const aws = (principal as { AWS?: unknown }).AWS;
  const list = Array.isArray(aws) ? aws : [aws];
  return list.some(
    (p) =>
      p === "*" ||
      p === accountId ||
      (typeof p === "string" && new RegExp(`^arn:aws[\\w-]*:iam::${accountId}:`).test(p)),
  );
}

function conditionsHold(cond: unknown, req: AccessRequest): boolean {
  if (!cond || typeof cond !== "object") return true;
  for (const [op, kv] of Object.entries(cond as Record<string, Record<string, unknown>>)) {
    for (const [key, raw] of Object.entries(kv ?? {})) {
      const values = (Array.isArray(raw) ? raw : [raw]).map(String);
      const k = key.toLowerCase();
      const actual = k === "aws:sourcearn" ? req.sourceArn : k === "aws:sourceaccount" ? req.accountId : undefined;
      if (actual === undefined) return false;
      const o = op.toLowerCase();
      const ok =
        o.startsWith("arnlike") || o.startsWith("stringlike")
          ? values.some((v) => globMatch(v, actual))
          : values.includes(actual);
      if (!ok) return false;
    }
  }
  return true;
}

export function policyDecision(policy: string | null, req: AccessRequest): "allow" | "deny" | "none" {
  if (!policy) return "none";
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(policy);
  } catch {
    return "none";
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  let allowed = false;
  for (const s of statements as Array<Record<string, unknown>>) {
    const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
    if (!actions.some((a) => typeof a === "string" && actionMatches(a, req.action))) continue;
    if (!principalMatches(s.Principal, req.accountId, req.service)) continue;
    const resources = s.Resource === undefined ? ["*"] : Array.isArray(s.Resource) ? s.Resource : [s.Resource];
    if (!resources.some((r) => typeof r === "string" && globMatch(r, req.queueArn))) continue;
    if (!conditionsHold(s.Condition, req)) continue;
    if (s.Effect === "Deny") return "deny";
    if (s.Effect === "Allow") allowed = true;
  }
  return allowed ? "allow" : "none";
}

export function grantsAllow(grants: PermissionGrant[], req: AccessRequest): boolean {
  return grants.some((g) => g.accounts.includes(req.accountId) && g.actions.some((a) => actionMatches(a, req.action)));
}

/** "allow", or why not: "none" (no grant at all: the queue is invisible) or "deny". */
export function crossAccountDecision(
  grants: PermissionGrant[],
  policy: string | null,
  req: AccessRequest,
): "allow" | "deny" | "none" {
  const p = policyDecision(policy, req);
  if (p === "deny") return "deny";
  if (p === "allow" || grantsAllow(grants, req)) return "allow";
  const mentioned =
    grants.some((g) => g.accounts.includes(req.accountId)) ||
    (policy ?? "").includes(req.accountId) ||
    (policy ?? "").includes('"*"');
  return mentioned ? "deny" : "none";
}

/** Actions AddPermission accepts (AWS's list). */
export const GRANTABLE_ACTIONS = new Set([
  "*",
  "SendMessage",
  "ReceiveMessage",
  "DeleteMessage",
  "ChangeMessageVisibility",
  "GetQueueAttributes",
  "GetQueueUrl",
  "ListDeadLetterSourceQueues",
  "PurgeQueue",
  "ListQueueTags",
]);

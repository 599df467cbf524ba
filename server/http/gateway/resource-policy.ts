import type { IncomingMessage } from "node:http";
import {
  evaluateResourcePolicy,
  parseResourcePolicy,
  type PolicyDecision,
  type PolicyRequest,
  type ResourcePolicy,
} from "../../core/apis/resource-policy";
import type { DeployedStage } from "../../domains/apis/deployed";
import { logger } from "../../logger";
import { authenticate } from "../authenticate";
import { publicBaseUrl } from "../request";
import { headerValue, type MethodRequest } from "./request";
import { iamUserArn } from "./iam-caller";

// The gateway's resource policy check (server/core/apis/resource-policy.ts evaluates): the policy
// of the deployed snapshot (a policy change takes effect with the next deployment, as in API
// Gateway), parsed once per snapshot. The caller is the key the request is signed with (ARN
// `arn:aws:iam::<account>:user/<key id>`, as STS GetCallerIdentity says): on an AWS_IAM method the
// key the gateway verified, which may be another tenant's (a cross-account call, admitted only by an
// Allow naming that account or key); on other methods a signature of the API's own tenant, else
// anonymous.

const parsed = new WeakMap<object, ResourcePolicy | null>();

function policyOf(stage: DeployedStage): ResourcePolicy | null {
  const snapshot = stage.snapshot;
  if (parsed.has(snapshot)) return parsed.get(snapshot)!;
  let p: ResourcePolicy | null = null;
  if (snapshot.settings.policy) {
    try {
      p = parseResourcePolicy(snapshot.settings.policy);
    } catch (err) {
      // Checked when it was put; a document stored before that check denies everything.
      logger.warn({ err, apiId: stage.restApiId }, "gateway: the API's resource policy cannot be read");
      p = { Statement: [] };
    }
  }
  parsed.set(snapshot, p);
  return p;
}

type Caller = NonNullable<PolicyRequest["caller"]>;

function callerFor(accountId: string, keyId: string): Caller {
  return { accountId, arn: iamUserArn({ accountId, keyId }), userId: keyId, userName: keyId };
}

async function callerOf(stage: DeployedStage, req: IncomingMessage | undefined, r: MethodRequest) {
  const identity = r.context.identity as { accessKey?: string | null; accountId?: string | null };
  if (identity.accessKey && identity.accountId) return callerFor(identity.accountId, identity.accessKey);
  const authz = req?.headers.authorization;
  const signed =
    (typeof authz === "string" && authz.startsWith("AWS4-HMAC-SHA256")) ||
    (req?.url ?? "").includes("X-Amz-Signature=");
  if (!req || !signed) return null;
  try {
    const who = await authenticate(req, r.body);
    if (who.tenant.id !== stage.tenant.id) return null;
    return callerFor(who.tenant.accountId, who.actor.keyId);
  } catch {
    return null;
  }
}

/** Null when the API has no resource policy; else the policy's decision for this request. */
export async function checkResourcePolicy(
  stage: DeployedStage,
  r: MethodRequest,
  opts: { req?: IncomingMessage; sourceIp: string | null; authorizedBy: PolicyRequest["authorizedBy"] },
): Promise<PolicyDecision | null> {
  const policy = policyOf(stage);
  if (!policy) return null;
  return evaluateResourcePolicy(policy, {
    region: process.env.SIGNALBOX_REGION ?? "us-east-1",
    accountId: stage.tenant.accountId,
    apiId: stage.restApiId,
    stage: stage.stageName,
    httpMethod: r.httpMethod,
    path: r.path,
    sourceIp: opts.sourceIp,
    caller: await callerOf(stage, opts.req, r),
    authorizedBy: opts.authorizedBy,
    now: new Date(Number(r.context.requestTimeEpoch) || Date.now()),
    // TLS to this process, or a public URL / X-Forwarded-Proto of https (the scheme the rest of
    // Signalbox takes as the client's, e.g. for $context and links).
    secureTransport:
      (opts.req?.socket as { encrypted?: boolean } | undefined)?.encrypted === true ||
      (opts.req ? publicBaseUrl(opts.req).startsWith("https:") : false),
    userAgent: headerValue(r.headers, "user-agent") ?? null,
    referer: headerValue(r.headers, "referer") ?? null,
  });
}

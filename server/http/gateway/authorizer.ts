import type { Authorizer } from "../../core/apis/model";
import { callFunction } from "../../domains/functions/function.call";
import { resolveFunctionRef } from "../../domains/functions/function.service";
import { pool } from "../../db";
import { logger } from "../../logger";
import {
  admitCognitoClaims,
  cognitoCacheUntil,
  cognitoToken,
  verifyCognitoIdentity,
  type CognitoIdentity,
} from "../../domains/apis/authorizers/cognito";
import { listen } from "../../platform/listen";
import { notifyAuthorizerFlush } from "../../domains/apis/response-cache.repository";
import type { GatewayTenant } from "./integrations";
import { proxyEvent } from "./integrations";
import { mapRequestValue, withStageVariables, type MethodRequest } from "./request";

// Lambda authorizers (TOKEN and REQUEST) on the gateway: the identity sources are read, the
// function is called with API Gateway's authorizer event, and the IAM policy it answers is evaluated
// against the method ARN. Results are cached per process for authorizerResultTtlInSeconds, keyed by
// stage and identity; FlushStageAuthorizersCache drops a stage's results in every web process
// (NOTIFY). Cognito user pool authorizers verify the token (domains/apis/authorizers/cognito.ts);
// a verified token's claims are cached the same way (same key shape, same flush), for the TTL but
// never past the token's `exp`, and the method's token-use and scope rules run on every request.

export type AuthorizerOutcome =
  | { ok: true; principalId: string; context: Record<string, unknown>; usageIdentifierKey?: string }
  | {
      ok: false;
      type: "UNAUTHORIZED" | "ACCESS_DENIED" | "AUTHORIZER_CONFIGURATION_ERROR" | "AUTHORIZER_FAILURE";
      message: string;
    };

type Cached =
  | { outcome: AuthorizerOutcome & { policy?: unknown }; expires: number }
  | { cognito: Extract<CognitoIdentity, { ok: true }>; expires: number };
const cache = new Map<string, Cached>();
const MAX_CACHED = 5_000;

const LAMBDA_URI = /^arn:aws:apigateway:[^:]+:lambda:path\/2015-03-31\/functions\/(.+)\/invocations$/;

function arnMatches(pattern: string, arn: string): boolean {
  const re = new RegExp(
    "^" +
      pattern
        .split("")
        .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&")))
        .join("") +
      "$",
  );
  return re.test(arn);
}

type Statement = { Effect?: string; Action?: string | string[]; Resource?: string | string[] };

/** Deny wins; otherwise an Allow for execute-api:Invoke on a matching resource admits. */
function evaluatePolicy(policy: unknown, methodArn: string): "allow" | "deny" | "none" {
  const p = policy as { Statement?: Statement | Statement[] } | null;
  if (!p || typeof p !== "object") return "none";
  const statements = Array.isArray(p.Statement) ? p.Statement : p.Statement ? [p.Statement] : [];
  let allowed = false;
  for (const s of statements) {
    const actions = [s.Action ?? []].flat();
    if (!actions.some((a) => a === "*" || a === "execute-api:*" || a === "execute-api:Invoke")) continue;
    const resources = [s.Resource ?? []].flat();
    if (!resources.some((r) => arnMatches(r, methodArn))) continue;
    if (s.Effect === "Deny") return "deny";
    if (s.Effect === "Allow") allowed = true;
  }
  return allowed ? "allow" : "none";
}

function decide(outcome: AuthorizerOutcome & { policy?: unknown }, methodArn: string): AuthorizerOutcome {
  if (!outcome.ok) return outcome;
  const verdict = evaluatePolicy(outcome.policy, methodArn);
  if (verdict === "allow")
    return {
      ok: true,
      principalId: outcome.principalId,
      context: outcome.context,
      usageIdentifierKey: outcome.usageIdentifierKey,
    };
  return {
    ok: false,
    type: "ACCESS_DENIED",
    message:
      verdict === "deny"
        ? "User is not authorized to access this resource with an explicit deny"
        : "User is not authorized to access this resource",
  };
}

export async function runAuthorizer(
  tenant: GatewayTenant,
  a: Authorizer,
  r: MethodRequest,
  methodArn: string,
  resourcePath: string,
  scopes?: string[],
): Promise<AuthorizerOutcome> {
  if (a.type === "COGNITO_USER_POOLS") return runCognitoAuthorizer(a, r, scopes);
  const sources = (a.identitySource ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const identity = sources.map((s) => mapRequestValue(r, s));
  if (identity.some((v) => v === undefined || v === ""))
    return { ok: false, type: "UNAUTHORIZED", message: "Unauthorized" };
  if (
    a.type === "TOKEN" &&
    a.identityValidationExpression &&
    !new RegExp(`^(?:${a.identityValidationExpression})$`).test(identity[0]!)
  )
    return { ok: false, type: "UNAUTHORIZED", message: "Unauthorized" };

  // Per stage, as API Gateway's authorizer cache (FlushStageAuthorizersCache clears one stage).
  const key = `${String(r.context.apiId)}/${String(r.context.stage)}\n${a.id}\n${identity.join("\n")}`;
  const hit = a.authorizerResultTtlInSeconds > 0 ? cache.get(key) : undefined;
  if (hit && "outcome" in hit && hit.expires > Date.now()) return decide(hit.outcome, methodArn);

  const uri = withStageVariables(a.authorizerUri ?? "", r.stageVariables);
  const m = LAMBDA_URI.exec(uri);
  if (!m) return { ok: false, type: "AUTHORIZER_CONFIGURATION_ERROR", message: "Internal server error" };
  const event =
    a.type === "TOKEN"
      ? { type: "TOKEN", authorizationToken: identity[0], methodArn }
      : {
          type: "REQUEST",
          methodArn,
          ...proxyEvent(r, resourcePath, false),
          body: undefined,
          isBase64Encoded: undefined,
        };
  let outcome: AuthorizerOutcome & { policy?: unknown };
  try {
    const fn = await resolveFunctionRef(tenant, m[1]);
    const res = await callFunction(fn, JSON.stringify(event), { requestId: String(r.context.requestId) });
    if (res.kind === "function_error") {
      // A function that fails with "Unauthorized" is API Gateway's way to answer 401.
      if (String(res.error.errorMessage) === "Unauthorized")
        return { ok: false, type: "UNAUTHORIZED", message: "Unauthorized" };
      return { ok: false, type: "AUTHORIZER_CONFIGURATION_ERROR", message: "Internal server error" };
    }
    if (res.kind !== "result")
      return { ok: false, type: "AUTHORIZER_CONFIGURATION_ERROR", message: "Internal server error" };
    const out = JSON.parse(res.payload) as {
      principalId?: unknown;
      policyDocument?: unknown;
      context?: Record<string, unknown>;
      usageIdentifierKey?: string;
    };
    if (!out || typeof out !== "object" || out.principalId === undefined || !out.policyDocument)
      return { ok: false, type: "AUTHORIZER_CONFIGURATION_ERROR", message: "Internal server error" };
    outcome = {
      ok: true,
      principalId: String(out.principalId),
      context: out.context && typeof out.context === "object" ? out.context : {},
      ...(typeof out.usageIdentifierKey === "string" ? { usageIdentifierKey: out.usageIdentifierKey } : {}),
      policy: out.policyDocument,
    };
  } catch (e) {
    logger.debug({ err: e }, "gateway: authorizer failed");
    return { ok: false, type: "AUTHORIZER_CONFIGURATION_ERROR", message: "Internal server error" };
  }
  if (a.authorizerResultTtlInSeconds > 0)
    remember(key, { outcome, expires: Date.now() + a.authorizerResultTtlInSeconds * 1000 });
  return decide(outcome, methodArn);
}

function remember(key: string, entry: Cached) {
  void listenForAuthorizerFlushes();
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(key, entry);
}

let cognitoVerifications = 0;
/** How many Cognito tokens this process verified (not answered from the cache); tests read it. */
export const cognitoVerificationCount = () => cognitoVerifications;

async function runCognitoAuthorizer(a: Authorizer, r: MethodRequest, scopes?: string[]): Promise<AuthorizerOutcome> {
  const raw = mapRequestValue(r, a.identitySource || "method.request.header.Authorization");
  const token = raw ? cognitoToken(raw) : "";
  if (!token) return { ok: false, type: "UNAUTHORIZED", message: "Unauthorized" };
  const ttl = a.authorizerResultTtlInSeconds;
  const key = `${String(r.context.apiId)}/${String(r.context.stage)}\n${a.id}\n${token}`;
  const now = Date.now();
  const hit = ttl > 0 ? cache.get(key) : undefined;
  let identity: CognitoIdentity;
  if (hit && "cognito" in hit && hit.expires > now) identity = hit.cognito;
  else {
    cognitoVerifications++;
    // A pool named through a stage variable (`userpool/${stageVariables.pool}`), as API Gateway allows.
    const pools = (a.providerARNs ?? []).map((arn) => withStageVariables(arn, r.stageVariables));
    identity = await verifyCognitoIdentity(token, pools);
    // Only verified tokens are cached (a JWKS outage must not stick), and never past their expiry.
    const expires = identity.ok ? cognitoCacheUntil(now, ttl, identity.claims.exp) : null;
    if (identity.ok && expires !== null) remember(key, { cognito: identity, expires });
  }
  const v = identity.ok ? admitCognitoClaims(identity.claims, scopes) : identity;
  if (!v.ok) {
    logger.debug({ authorizerId: a.id, reason: v.description }, "gateway: Cognito token refused");
    return { ok: false, type: "UNAUTHORIZED", message: "Unauthorized" };
  }
  return { ok: true, principalId: "", context: { claims: v.claims } };
}

const FLUSH_CHANNEL = "signalbox_apigw_authorizers_flush";
let listening: Promise<unknown> | undefined;

function dropStage(prefix: string) {
  for (const k of [...cache.keys()]) if (k.startsWith(prefix)) cache.delete(k);
}

/** Listens for FlushStageAuthorizersCache from any process (web processes call it at start). */
export function listenForAuthorizerFlushes(): Promise<unknown> {
  listening ??= listen(FLUSH_CHANNEL, {
    onNotify: (payload) => dropStage(`${payload}\n`),
    // Flushes may have been missed: forget every cached decision.
    onResync: () => cache.clear(),
  });
  return listening;
}

/** FlushStageAuthorizersCache: the stage's cached authorizer decisions go in every web process. */
export async function flushStageAuthorizersCache(apiId: string, stageName: string): Promise<void> {
  dropStage(`${apiId}/${stageName}\n`);
  await notifyAuthorizerFlush(pool(), FLUSH_CHANNEL, `${apiId}/${stageName}`);
}

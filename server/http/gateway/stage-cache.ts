import type { IncomingMessage } from "node:http";
import type { Integration } from "../../core/apis/model";
import type { DeployedStage } from "../../domains/apis/deployed";
import { authenticate } from "../authenticate";
import { cacheGet, cacheInvalidate, cacheKeyHash, cachePut, type CachedReply, type CacheScope } from "./cache";
import { headerValue, mapRequestValue, type MethodRequest } from "./request";

// The gateway's use of the stage cache: whether a request is cacheable (stage cache on, method
// setting caching/enabled, GET by default), its key (deployment, method, path, cacheKeyParameters),
// and a client's `Cache-Control: max-age=0`, which refetches and replaces the entry when the caller
// may invalidate (requireAuthorizationForCacheControl off, or the request is signed with a key of
// the API's tenant: those keys carry execute-api:InvalidateCache); otherwise the method's
// unauthorizedCacheControlHeaderStrategy applies: FAIL_WITH_403, SUCCEED_WITH_RESPONSE_HEADER (the
// header is ignored and the answer says so in a Warning header) or SUCCEED_WITHOUT_RESPONSE_HEADER.

export type CacheSetting = {
  cachingEnabled?: boolean;
  cacheTtlInSeconds?: number;
  requireAuthorizationForCacheControl?: boolean;
  unauthorizedCacheControlHeaderStrategy?: string;
};

export type StageCachePlan = {
  scope: CacheScope & { cacheClusterSize?: string };
  keyHash: string;
  ttlSeconds: number;
  /** SUCCEED_WITH_RESPONSE_HEADER: the answer carries this Warning. */
  warning?: string;
};

export type CacheLookup =
  | { kind: "off" }
  | { kind: "hit"; reply: CachedReply; plan: StageCachePlan }
  | { kind: "miss"; plan: StageCachePlan }
  | { kind: "refused"; message: string };

export const UNAUTHORIZED_CACHE_CONTROL_WARNING =
  '199 - "Cache-Control header ignored: the caller is not authorized to invalidate the cache (execute-api:InvalidateCache)"';

function wantsInvalidation(r: MethodRequest): boolean {
  const cc = headerValue(r.headers, "cache-control");
  return !!cc && cc.split(",").some((d) => /^\s*max-age\s*=\s*"?0"?\s*$/i.test(d));
}

/** The request is signed (SigV4, or a Signalbox key) by a key of the API's tenant. */
async function signedByTenant(stage: DeployedStage, req: IncomingMessage | undefined, r: MethodRequest) {
  const identity = r.context.identity as { accessKey?: string | null; accountId?: string | null };
  if (identity.accessKey && identity.accountId === stage.tenant.accountId) return true;
  if (!req) return false;
  const authz = req.headers.authorization;
  const signed =
    (typeof authz === "string" && authz.startsWith("AWS4-HMAC-SHA256")) || (req.url ?? "").includes("X-Amz-Signature=");
  if (!signed) return false;
  try {
    return (await authenticate(req, r.body)).tenant.id === stage.tenant.id;
  } catch {
    return false;
  }
}

export async function lookupStageCache(
  stage: DeployedStage,
  integration: Integration,
  r: MethodRequest,
  setting: CacheSetting | undefined,
  methodHttpMethod: string,
  req: IncomingMessage | undefined,
): Promise<CacheLookup> {
  const caching =
    stage.settings.cacheClusterEnabled === true &&
    (setting ? setting.cachingEnabled === true : methodHttpMethod === "GET" || r.httpMethod === "GET");
  if (!caching) return { kind: "off" };
  const key = [
    `${stage.restApiId}/${stage.stageName}/${stage.deploymentId}`,
    r.httpMethod,
    r.path,
    ...integration.cacheKeyParameters.map((p) => `${p}=${mapRequestValue(r, p) ?? ""}`),
  ].join("\n");
  const plan: StageCachePlan = {
    scope: { apiId: stage.restApiId, stageName: stage.stageName, cacheClusterSize: stage.settings.cacheClusterSize },
    keyHash: cacheKeyHash(key),
    ttlSeconds: setting?.cacheTtlInSeconds ?? 300,
  };
  if (wantsInvalidation(r)) {
    const mayInvalidate =
      setting?.requireAuthorizationForCacheControl === false || (await signedByTenant(stage, req, r));
    if (mayInvalidate) {
      // The entry is refetched (and replaced) for everybody.
      await cacheInvalidate(plan.scope, plan.keyHash);
      return { kind: "miss", plan };
    }
    const strategy = setting?.unauthorizedCacheControlHeaderStrategy ?? "SUCCEED_WITH_RESPONSE_HEADER";
    if (strategy === "FAIL_WITH_403") {
      const region = process.env.SIGNALBOX_REGION ?? "us-east-1";
      return {
        kind: "refused",
        message: `User: anonymous is not authorized to perform: execute-api:InvalidateCache on resource: arn:aws:execute-api:${region}:${stage.tenant.accountId}:${stage.restApiId}/${stage.stageName}/${r.httpMethod}${r.path}`,
      };
    }
    if (strategy === "SUCCEED_WITH_RESPONSE_HEADER") plan.warning = UNAUTHORIZED_CACHE_CONTROL_WARNING;
  }
  const hit = await cacheGet(plan.scope, plan.keyHash);
  if (!hit) return { kind: "miss", plan };
  return {
    kind: "hit",
    reply: plan.warning ? { ...hit, headers: { ...hit.headers, Warning: plan.warning } } : hit,
    plan,
  };
}

/** Keeps a 2xx answer for the plan's TTL. */
export async function storeStageCache(plan: StageCachePlan, reply: CachedReply): Promise<void> {
  if (reply.status < 200 || reply.status >= 300) return;
  await cachePut(plan.scope, plan.keyHash, { ...reply, headers: { ...reply.headers } }, plan.ttlSeconds);
}

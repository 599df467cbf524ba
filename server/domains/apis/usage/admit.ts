import { pool } from "../../../db";
import { periodEnd, periodStart } from "../../../core/apis/usage/quota-period";
import { admitShared, type BucketSpec } from "../../../platform/shared-limits";
import { keyByValueWithPlans, type StageThrottle } from "./usage.repository";
import { planQuotaKey } from "./usage.service";

// The gateway's admission check, before it runs a method's integration: the API key (when the method
// requires one), the usage plan's throttle and quota for that key, and the stage's and method's
// throttle. Limits hold across every web process: every bucket and quota lives in PostgreSQL and one
// round trip takes a token from each and counts the quota, all or nothing (platform/shared-limits.ts).

export type Throttle = { rateLimit: number; burstLimit: number };

export type AdmitRequest = {
  tenantId: string;
  restApiId: string;
  stage: string;
  /** e.g. "/orders/{id}" */
  resourcePath: string;
  httpMethod: string;
  apiKeyRequired: boolean;
  /** The x-api-key header (or an authorizer's usageIdentifierKey), if any. */
  apiKeyValue: string | null;
  /** The stage's default and this method's throttle settings (MethodSettings), if set. */
  stageThrottle?: Throttle | null;
  methodThrottle?: Throttle | null;
};

export type AdmitResult =
  | { ok: true; apiKeyId: string | null; headers: Record<string, string> }
  | { ok: false; status: 403 | 429; message: string; headers: Record<string, string> };

const FORBIDDEN: AdmitResult = { ok: false, status: 403, message: "Forbidden", headers: {} };

function bucket(key: string, t: StageThrottle | Throttle | null | undefined): BucketSpec | null {
  if (!t || t.rateLimit === undefined) return null;
  return { key, rate: t.rateLimit, burst: t.burstLimit ?? Math.max(1, Math.ceil(t.rateLimit)) };
}

export async function admitApiRequest(req: AdmitRequest): Promise<AdmitResult> {
  const method = `${req.resourcePath}/${req.httpMethod.toUpperCase()}`;
  const buckets: BucketSpec[] = [];
  // The stage's throttle (for every caller), or the method's when MethodSettings set one.
  const stageBucket = req.methodThrottle
    ? bucket(`s:${req.restApiId}:${req.stage}:${method}`, req.methodThrottle)
    : bucket(`s:${req.restApiId}:${req.stage}`, req.stageThrottle);
  if (stageBucket) buckets.push(stageBucket);

  let apiKeyId: string | null = null;
  let quota: { key: string; periodStart: Date; limit: number } | null = null;
  let quotaEnd = 0;
  let daily: { usagePlanId: string; keyId: string } | null = null;
  let planBucket: BucketSpec | null = null;
  if (req.apiKeyRequired) {
    if (!req.apiKeyValue) return FORBIDDEN;
    const found = await keyByValueWithPlans(pool(), req.tenantId, req.apiKeyValue);
    if (!found || !found.key.enabled) return FORBIDDEN;
    let apiStage;
    const plan = found.plans.find(
      (p) => (apiStage = p.apiStages.find((s) => s.apiId === req.restApiId && s.stage === req.stage)),
    );
    if (!plan || !apiStage) return FORBIDDEN;
    apiKeyId = found.key.id;
    const stageCfg = apiStage as { throttle?: Record<string, StageThrottle> };
    // A per-method throttle of the plan replaces the plan's throttle for that method.
    const methodT = stageCfg.throttle?.[method] ?? stageCfg.throttle?.["/*/*"];
    planBucket = methodT
      ? bucket(`p:${plan.id}:${apiKeyId}:${method}`, methodT)
      : bucket(`p:${plan.id}:${apiKeyId}`, plan.throttle);
    if (planBucket) buckets.push(planBucket);
    if (plan.quota) {
      const start = periodStart(plan.quota.period, plan.quota.offset, new Date());
      quota = { key: planQuotaKey(plan.id, apiKeyId), periodStart: start, limit: plan.quota.limit };
      quotaEnd = periodEnd(plan.quota.period, start).getTime();
    }
    daily = { usagePlanId: plan.id, keyId: apiKeyId };
  }
  if (!buckets.length && !quota && !daily) return { ok: true, apiKeyId, headers: {} };

  const r = await admitShared(pool(), req.tenantId, buckets, quota, daily);
  const shown = planBucket ?? stageBucket;
  const resetSeconds = () => String(Math.max(0, Math.ceil((quotaEnd - Date.now()) / 1000)));
  if (r.ok) {
    const headers: Record<string, string> = {};
    if (quota) {
      headers["x-ratelimit-limit"] = String(quota.limit);
      headers["x-ratelimit-remaining"] = String(Math.max(0, Math.floor(r.remaining)));
      headers["x-ratelimit-reset"] = resetSeconds();
    } else if (shown && buckets.length === 1) {
      headers["x-ratelimit-limit"] = String(shown.rate);
      headers["x-ratelimit-remaining"] = String(Math.max(0, Math.floor(r.remaining)));
    }
    return { ok: true, apiKeyId, headers };
  }
  if (r.refused === "quota") {
    return {
      ok: false,
      status: 429,
      message: "Limit Exceeded",
      headers: {
        "retry-after": resetSeconds(),
        "x-ratelimit-limit": String(quota!.limit),
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": resetSeconds(),
      },
    };
  }
  const wait = String(Math.max(1, Math.ceil(r.retryAfterMs / 1000)));
  return {
    ok: false,
    status: 429,
    message: "Too Many Requests",
    headers: {
      "retry-after": wait,
      "x-ratelimit-limit": String(shown?.rate ?? 0),
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": wait,
    },
  };
}

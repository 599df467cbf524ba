import { pool } from "../../../db";
import { periodEnd, periodStart } from "../../../core/apis/usage/quota-period";
import { LeasedBuckets, type BucketSpec } from "../../../platform/shared-limits";
import { GATEWAY_KEYS_CHANNEL, NotifiedCache } from "../gateway-cache";
import { keyByValueWithPlans, type StageThrottle, type UsagePlanRow } from "./usage.repository";
import { planQuotaKey } from "./usage.service";
import { countDailyUsage } from "./daily-usage";
import { takeQuota } from "../../../platform/quota-leases";

// The gateway's admission check, before it runs a method's integration: the API key (when the method
// requires one), the usage plan's throttle and quota for that key, and the stage's and method's
// throttle. Limits hold across every web process, at a round trip per lease rather than per request:
// - the key and its plans are cached per process; a NOTIFY from the key, plan and plan-key rows
//   drops a tenant's entries in every process at commit (gateway-cache.ts);
// - throttles are shared token buckets spent through leases (platform/shared-limits.ts
//   LeasedBuckets: a process takes about 1% of a second's tokens at a time, at least 1, so small
//   limits stay exact and the total never exceeds the bucket's);
// - a quota is spent through leases too (quota-leases.ts: a process takes a share of the remainder
//   and reports what it spent every 200 ms), never more than the limit across processes; a small
//   remainder is counted per request; the day's usage is written with the quota's reports;
// - without a quota, the day's usage is counted in memory and flushed every second (daily-usage.ts).

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

type KeyWithPlans = { key: { id: string; enabled: boolean }; plans: UsagePlanRow[] } | null;
const keys = new NotifiedCache<KeyWithPlans>(GATEWAY_KEYS_CHANNEL);
const leases = new LeasedBuckets();

function bucket(key: string, t: StageThrottle | Throttle | null | undefined): BucketSpec | null {
  if (!t || t.rateLimit === undefined) return null;
  return { key, rate: t.rateLimit, burst: t.burstLimit ?? Math.max(1, Math.ceil(t.rateLimit)) };
}

function tooMany(b: BucketSpec, retryAfterMs = 1000): AdmitResult {
  const wait = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
  return {
    ok: false,
    status: 429,
    message: "Too Many Requests",
    headers: {
      "retry-after": wait,
      "x-ratelimit-limit": String(b.rate),
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": wait,
    },
  };
}

export async function admitApiRequest(req: AdmitRequest): Promise<AdmitResult> {
  const method = `${req.resourcePath}/${req.httpMethod.toUpperCase()}`;
  const buckets: BucketSpec[] = [];
  // The stage's throttle (for every caller), or the method's when MethodSettings set one.
  const stageBucket = req.methodThrottle
    ? bucket(`s:${req.restApiId}:${req.stage}:${method}`, req.methodThrottle)
    : bucket(`s:${req.restApiId}:${req.stage}`, req.stageThrottle);
  // A burst of 0 is a bucket that never holds a token: API Gateway admits nothing (the shared
  // buckets keep at least one token, so this is answered here).
  if (stageBucket && stageBucket.burst <= 0) return tooMany(stageBucket);
  if (stageBucket) buckets.push(stageBucket);

  let apiKeyId: string | null = null;
  let quota: { key: string; periodStart: Date; limit: number } | null = null;
  let quotaEnd = 0;
  let daily: { usagePlanId: string; keyId: string } | null = null;
  let planBucket: BucketSpec | null = null;
  if (req.apiKeyRequired) {
    if (!req.apiKeyValue) return FORBIDDEN;
    const value = req.apiKeyValue;
    const cacheKey = `${req.tenantId}\n${value}`;
    // A cached key is read without a promise or a loader closure (every gateway request with a key).
    const hit = keys.peek(cacheKey);
    const found = hit
      ? hit.value
      : await keys.get(cacheKey, req.tenantId, () => keyByValueWithPlans(pool(), req.tenantId, value));
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
    if (planBucket) buckets.unshift(planBucket);
    if (plan.quota) {
      const start = periodStart(plan.quota.period, plan.quota.offset, new Date());
      quota = { key: planQuotaKey(plan.id, apiKeyId), periodStart: start, limit: plan.quota.limit };
      quotaEnd = periodEnd(plan.quota.period, start).getTime();
    }
    daily = { usagePlanId: plan.id, keyId: apiKeyId };
  }
  if (!buckets.length && !quota && !daily) return { ok: true, apiKeyId, headers: {} };

  const shown = planBucket ?? stageBucket;
  const resetSeconds = () => String(Math.max(0, Math.ceil((quotaEnd - Date.now()) / 1000)));
  // The plan's bucket first (a key's own limit refuses most often), then the stage's. A token taken
  // from the first is not given back when the second refuses (as the buckets of separate limits).
  let remaining = 0;
  for (const b of buckets) {
    // Spent from this process's lease without a promise when it holds a token.
    const t = leases.tryLocal(b.key, b) ?? (await leases.take(req.tenantId, b));
    if (!t.ok) return tooMany(b, t.retryAfterMs);
    if (b === shown) remaining = t.remaining;
  }

  const headers: Record<string, string> = {};
  if (quota) {
    // Never more than the limit across processes: from this process's lease, or a round trip.
    const r = await takeQuota(req.tenantId, quota, daily);
    if (!r.ok) {
      return {
        ok: false,
        status: 429,
        message: "Limit Exceeded",
        headers: {
          "retry-after": resetSeconds(),
          "x-ratelimit-limit": String(quota.limit),
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": resetSeconds(),
        },
      };
    }
    headers["x-ratelimit-limit"] = String(quota.limit);
    headers["x-ratelimit-remaining"] = String(Math.max(0, Math.floor(r.remaining)));
    headers["x-ratelimit-reset"] = resetSeconds();
  } else {
    if (daily) countDailyUsage(req.tenantId, daily.usagePlanId, daily.keyId);
    if (shown && buckets.length === 1) {
      headers["x-ratelimit-limit"] = String(shown.rate);
      headers["x-ratelimit-remaining"] = String(remaining);
    }
  }
  return { ok: true, apiKeyId, headers };
}

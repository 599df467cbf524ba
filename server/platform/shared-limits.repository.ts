import type { Queryable } from "../db";

// SQL of the shared rate limits and quotas (shared-limits.ts, quota-leases.ts): the function
// sb_take_tokens and the quota_counters table of migration 20261203700000_api_usage, and
// sb_quota_lease of migration 20261205300000_quota_leases.

export type BucketSpec = { key: string; rate: number; burst: number };

export async function takeTokens(
  db: Queryable,
  tenantId: string,
  bucket: BucketSpec,
  want: number,
): Promise<{ granted: number; retryAfterMs: number; tokensLeft: number }> {
  const r = await db.query(
    `SELECT granted, tokens_left AS "tokensLeft", retry_ms AS "retryMs" FROM sb_take_tokens($1, $2, $3, $4, $5)`,
    [bucket.key, tenantId, bucket.rate, bucket.burst, want],
  );
  return { granted: r.rows[0].granted, retryAfterMs: r.rows[0].retryMs, tokensLeft: r.rows[0].tokensLeft };
}

/** Used quota of a counter in the period that starts at `periodStart` (0 when none yet). */
export async function quotaUsed(db: Queryable, key: string, periodStart: Date): Promise<number> {
  const r = await db.query(`SELECT used FROM quota_counters WHERE key = $1 AND period_start = $2`, [key, periodStart]);
  return r.rows[0]?.used ?? 0;
}

/** Sets a quota counter's used count (UpdateUsage's extend/reset; never below 0). */
export async function setQuotaUsed(
  db: Queryable,
  tenantId: string,
  key: string,
  periodStart: Date,
  used: number,
): Promise<void> {
  await db.query(
    `INSERT INTO quota_counters (key, period_start, tenant_id, used) VALUES ($1, $2, $3, greatest($4, 0))
     ON CONFLICT (key, period_start) DO UPDATE SET used = greatest($4, 0)`,
    [key, periodStart, tenantId, used],
  );
}

export type QuotaLeaseResult = { granted: number; direct: boolean; remaining: number; held: boolean };

/** One sb_quota_lease operation (migration 20261205300000_quota_leases; platform/quota-leases.ts says when). */
export async function quotaLeaseOp(
  q: Queryable,
  a: {
    tenantId: string;
    key: string;
    periodStart: Date;
    limit: number;
    holder: string;
    mode: "lease" | "direct" | "flush" | "release";
    consumed: number;
    want: number;
    leaseMs: number;
    directAt: number;
    daily: { usagePlanId: string; keyId: string } | null;
  },
): Promise<QuotaLeaseResult> {
  const r = await q.query(
    `SELECT granted, direct, remaining, held FROM sb_quota_lease($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      a.tenantId,
      a.key,
      a.periodStart,
      a.limit,
      a.holder,
      a.mode,
      a.consumed,
      a.want,
      a.leaseMs,
      a.directAt,
      a.daily?.usagePlanId ?? null,
      a.daily?.keyId ?? null,
    ],
  );
  return r.rows[0] as QuotaLeaseResult;
}

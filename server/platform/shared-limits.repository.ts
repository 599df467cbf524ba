import type { Queryable } from "../db";

// SQL of the shared rate limits and quotas (shared-limits.ts): the functions sb_admit and
// sb_take_tokens and the quota_counters table of migration 20261203700000_api_usage.

export type BucketSpec = { key: string; rate: number; burst: number };

export type SharedAdmission =
  | { ok: true; remaining: number }
  | { ok: false; refused: "throttle" | "quota"; retryAfterMs: number; remaining: number };

export async function admitShared(
  db: Queryable,
  tenantId: string,
  buckets: BucketSpec[],
  quota: { key: string; periodStart: Date; limit: number } | null,
  daily: { usagePlanId: string; keyId: string } | null = null,
): Promise<SharedAdmission> {
  // Locks are taken in key order, so two admissions never wait on each other in a circle.
  const sorted = [...buckets].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const r = await db.query(
    `SELECT ok, refused, retry_ms AS "retryMs", remaining FROM sb_admit($1, $2::text[], $3::float8[], $4::float8[], $5, $6, $7, $8, $9)`,
    [
      tenantId,
      sorted.map((b) => b.key),
      sorted.map((b) => b.rate),
      sorted.map((b) => b.burst),
      quota?.key ?? null,
      quota?.periodStart ?? null,
      quota?.limit ?? null,
      daily?.usagePlanId ?? null,
      daily?.keyId ?? null,
    ],
  );
  const row = r.rows[0] as { ok: boolean; refused: "throttle" | "quota" | null; retryMs: number; remaining: number };
  if (row.ok) return { ok: true, remaining: row.remaining };
  return { ok: false, refused: row.refused ?? "throttle", retryAfterMs: row.retryMs, remaining: row.remaining };
}

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

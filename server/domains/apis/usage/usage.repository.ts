import type { Queryable } from "../../../db";
import { forgetKeysOnCommit } from "../gateway-cache";

// SQL for API Gateway's API keys, usage plans, plan keys and daily usage (apigw_* tables).

export type StageThrottle = { rateLimit?: number; burstLimit?: number };
export type ApiStageRow = { apiId: string; stage: string; throttle?: Record<string, StageThrottle> };
export type QuotaRow = { limit: number; offset: number; period: "DAY" | "WEEK" | "MONTH" };

export type ApiKeyRow = {
  id: string;
  tenantId: string;
  name: string;
  description: string | null;
  value: string;
  enabled: boolean;
  customerId: string | null;
  stageKeys: string[];
  tags: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
};

export type UsagePlanRow = {
  id: string;
  tenantId: string;
  name: string;
  description: string | null;
  throttle: StageThrottle | null;
  quota: QuotaRow | null;
  apiStages: ApiStageRow[];
  productCode: string | null;
  tags: Record<string, string>;
  createdAt: Date;
};

const keyCols = (t = "") =>
  `${t}id, ${t}tenant_id AS "tenantId", ${t}name, ${t}description, ${t}value, ${t}enabled, ${t}customer_id AS "customerId",
   ${t}stage_keys AS "stageKeys", ${t}tags, ${t}created_at AS "createdAt", ${t}updated_at AS "updatedAt"`;
const planCols = (t = "") =>
  `${t}id, ${t}tenant_id AS "tenantId", ${t}name, ${t}description, ${t}throttle, ${t}quota, ${t}api_stages AS "apiStages",
   ${t}product_code AS "productCode", ${t}tags, ${t}created_at AS "createdAt"`;
const KEY_COLS = keyCols();
const PLAN_COLS = planCols();

export async function insertKey(q: Queryable, k: Omit<ApiKeyRow, "createdAt" | "updatedAt">): Promise<ApiKeyRow> {
  const r = await q.query(
    `INSERT INTO apigw_api_keys (id, tenant_id, name, description, value, enabled, customer_id, stage_keys, tags)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (tenant_id, value) DO NOTHING RETURNING ${KEY_COLS}`,
    [
      k.id,
      k.tenantId,
      k.name,
      k.description,
      k.value,
      k.enabled,
      k.customerId,
      JSON.stringify(k.stageKeys),
      JSON.stringify(k.tags),
    ],
  );
  forgetKeysOnCommit(q, k.tenantId);
  return r.rows[0];
}

/** ImportApiKeys: a key with this value is overwritten (name, description, enabled); else created. */
export async function upsertKeyByValue(
  q: Queryable,
  k: Omit<ApiKeyRow, "createdAt" | "updatedAt" | "stageKeys" | "tags">,
): Promise<ApiKeyRow> {
  const r = await q.query(
    `INSERT INTO apigw_api_keys (id, tenant_id, name, description, value, enabled, customer_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (tenant_id, value) DO UPDATE SET name = $3, description = $4, enabled = $6,
       customer_id = coalesce($7, apigw_api_keys.customer_id), updated_at = now()
     RETURNING ${KEY_COLS}`,
    [k.id, k.tenantId, k.name, k.description, k.value, k.enabled, k.customerId],
  );
  forgetKeysOnCommit(q, k.tenantId);
  return r.rows[0];
}

export async function findKey(q: Queryable, tenantId: string, id: string): Promise<ApiKeyRow | null> {
  const r = await q.query(`SELECT ${KEY_COLS} FROM apigw_api_keys WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return r.rows[0] ?? null;
}

export async function listKeys(
  q: Queryable,
  tenantId: string,
  f: { namePrefix?: string; customerId?: string; offset: number; limit: number },
): Promise<ApiKeyRow[]> {
  const r = await q.query(
    `SELECT ${KEY_COLS} FROM apigw_api_keys WHERE tenant_id = $1
       AND ($2::text IS NULL OR starts_with(name, $2)) AND ($3::text IS NULL OR customer_id = $3)
     ORDER BY created_at, id OFFSET $4 LIMIT $5`,
    [tenantId, f.namePrefix ?? null, f.customerId ?? null, f.offset, f.limit],
  );
  return r.rows;
}

export async function updateKey(q: Queryable, k: ApiKeyRow): Promise<ApiKeyRow> {
  const r = await q.query(
    `UPDATE apigw_api_keys SET name = $3, description = $4, enabled = $5, customer_id = $6, stage_keys = $7,
       updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING ${KEY_COLS}`,
    [k.tenantId, k.id, k.name, k.description, k.enabled, k.customerId, JSON.stringify(k.stageKeys)],
  );
  forgetKeysOnCommit(q, k.tenantId);
  return r.rows[0];
}

export async function deleteKey(q: Queryable, tenantId: string, id: string): Promise<boolean> {
  const r = await q.query(`DELETE FROM apigw_api_keys WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  forgetKeysOnCommit(q, tenantId);
  return (r.rowCount ?? 0) > 0;
}

export async function insertPlan(q: Queryable, p: Omit<UsagePlanRow, "createdAt">): Promise<UsagePlanRow> {
  const r = await q.query(
    `INSERT INTO apigw_usage_plans (id, tenant_id, name, description, throttle, quota, api_stages, product_code, tags)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${PLAN_COLS}`,
    [
      p.id,
      p.tenantId,
      p.name,
      p.description,
      p.throttle ? JSON.stringify(p.throttle) : null,
      p.quota ? JSON.stringify(p.quota) : null,
      JSON.stringify(p.apiStages),
      p.productCode,
      JSON.stringify(p.tags),
    ],
  );
  forgetKeysOnCommit(q, p.tenantId);
  return r.rows[0];
}

export async function findPlan(q: Queryable, tenantId: string, id: string, lock = false): Promise<UsagePlanRow | null> {
  const r = await q.query(
    `SELECT ${PLAN_COLS} FROM apigw_usage_plans WHERE tenant_id = $1 AND id = $2${lock ? " FOR UPDATE" : ""}`,
    [tenantId, id],
  );
  return r.rows[0] ?? null;
}

export async function listPlans(
  q: Queryable,
  tenantId: string,
  f: { keyId?: string; offset: number; limit: number },
): Promise<UsagePlanRow[]> {
  const r = await q.query(
    `SELECT ${PLAN_COLS} FROM apigw_usage_plans p WHERE tenant_id = $1
       AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM apigw_usage_plan_keys k WHERE k.usage_plan_id = p.id AND k.key_id = $2))
     ORDER BY created_at, id OFFSET $3 LIMIT $4`,
    [tenantId, f.keyId ?? null, f.offset, f.limit],
  );
  return r.rows;
}

export async function updatePlan(q: Queryable, p: UsagePlanRow): Promise<UsagePlanRow> {
  const r = await q.query(
    `UPDATE apigw_usage_plans SET name = $3, description = $4, throttle = $5, quota = $6, api_stages = $7, product_code = $8
     WHERE tenant_id = $1 AND id = $2 RETURNING ${PLAN_COLS}`,
    [
      p.tenantId,
      p.id,
      p.name,
      p.description,
      p.throttle ? JSON.stringify(p.throttle) : null,
      p.quota ? JSON.stringify(p.quota) : null,
      JSON.stringify(p.apiStages),
      p.productCode,
    ],
  );
  forgetKeysOnCommit(q, p.tenantId);
  return r.rows[0];
}

export async function deletePlan(q: Queryable, tenantId: string, id: string): Promise<boolean> {
  const r = await q.query(`DELETE FROM apigw_usage_plans WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  forgetKeysOnCommit(q, tenantId);
  return (r.rowCount ?? 0) > 0;
}

/** Drops the buckets and quota counters whose key starts with `prefix` (a deleted plan's or key's). */
export async function deleteLimitState(q: Queryable, tenantId: string, prefix: string): Promise<void> {
  const like = `${prefix.replace(/[\\%_]/g, "\\$&")}%`;
  await q.query(`DELETE FROM rate_buckets WHERE tenant_id = $1 AND key LIKE $2`, [tenantId, like]);
  await q.query(`DELETE FROM quota_counters WHERE tenant_id = $1 AND key LIKE $2`, [tenantId, like]);
  await q.query(`DELETE FROM quota_leases WHERE tenant_id = $1 AND key LIKE $2`, [tenantId, like]);
}

export async function insertPlanKey(q: Queryable, tenantId: string, planId: string, keyId: string): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO apigw_usage_plan_keys (usage_plan_id, key_id, tenant_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
    [planId, keyId, tenantId],
  );
  forgetKeysOnCommit(q, tenantId);
  return (r.rowCount ?? 0) > 0;
}

export async function deletePlanKey(q: Queryable, tenantId: string, planId: string, keyId: string): Promise<boolean> {
  const r = await q.query(
    `DELETE FROM apigw_usage_plan_keys WHERE tenant_id = $1 AND usage_plan_id = $2 AND key_id = $3`,
    [tenantId, planId, keyId],
  );
  forgetKeysOnCommit(q, tenantId);
  return (r.rowCount ?? 0) > 0;
}

export async function listPlanKeys(
  q: Queryable,
  tenantId: string,
  planId: string,
  f: { namePrefix?: string; keyId?: string; offset: number; limit: number },
): Promise<ApiKeyRow[]> {
  const r = await q.query(
    `SELECT ${keyCols("k.")}
       FROM apigw_usage_plan_keys pk JOIN apigw_api_keys k ON k.id = pk.key_id
      WHERE pk.tenant_id = $1 AND pk.usage_plan_id = $2
        AND ($3::text IS NULL OR starts_with(k.name, $3)) AND ($4::text IS NULL OR k.id = $4)
      ORDER BY pk.created_at, k.id OFFSET $5 LIMIT $6`,
    [tenantId, planId, f.namePrefix ?? null, f.keyId ?? null, f.offset, f.limit],
  );
  return r.rows;
}

/** Other plans of this key that cover one of `stages` ("apiId:stage"). */
export async function plansOfKeyOnStages(
  q: Queryable,
  tenantId: string,
  keyId: string,
  excludePlanId: string,
): Promise<UsagePlanRow[]> {
  const r = await q.query(
    `SELECT ${planCols("p.")}
       FROM apigw_usage_plan_keys pk JOIN apigw_usage_plans p ON p.id = pk.usage_plan_id
      WHERE pk.tenant_id = $1 AND pk.key_id = $2 AND pk.usage_plan_id <> $3`,
    [tenantId, keyId, excludePlanId],
  );
  return r.rows;
}

/** A key of plan `planId` that is also in another plan covering apiId:stage (one plan per key and stage). */
export async function keyInOtherPlanOnStage(
  q: Queryable,
  planId: string,
  apiId: string,
  stage: string,
): Promise<{ keyId: string; planId: string } | null> {
  const r = await q.query(
    `SELECT pk2.key_id AS "keyId", p.id AS "planId" FROM apigw_usage_plan_keys pk1
       JOIN apigw_usage_plan_keys pk2 ON pk2.key_id = pk1.key_id AND pk2.usage_plan_id <> pk1.usage_plan_id
       JOIN apigw_usage_plans p ON p.id = pk2.usage_plan_id
      WHERE pk1.usage_plan_id = $1 AND p.api_stages @> jsonb_build_array(jsonb_build_object('apiId', $2::text, 'stage', $3::text))
      LIMIT 1`,
    [planId, apiId, stage],
  );
  return r.rows[0] ?? null;
}

/** The key with this value and the plans it belongs to (the gateway's admission lookup). */
export async function keyByValueWithPlans(
  q: Queryable,
  tenantId: string,
  value: string,
): Promise<{ key: { id: string; enabled: boolean }; plans: UsagePlanRow[] } | null> {
  const r = await q.query(
    `SELECT k.id, k.enabled, coalesce(json_agg(json_build_object('id', p.id, 'throttle', p.throttle, 'quota', p.quota,
            'apiStages', p.api_stages)) FILTER (WHERE p.id IS NOT NULL), '[]') AS plans
       FROM apigw_api_keys k
       LEFT JOIN apigw_usage_plan_keys pk ON pk.key_id = k.id
       LEFT JOIN apigw_usage_plans p ON p.id = pk.usage_plan_id
      WHERE k.tenant_id = $1 AND k.value = $2
      GROUP BY k.id, k.enabled`,
    [tenantId, value],
  );
  const row = r.rows[0];
  if (!row) return null;
  return { key: { id: row.id, enabled: row.enabled }, plans: row.plans };
}

export async function dailyUsage(
  q: Queryable,
  planId: string,
  keyIds: string[],
  from: string,
  to: string,
): Promise<Array<{ keyId: string; day: string; used: number }>> {
  const r = await q.query(
    `SELECT key_id AS "keyId", to_char(day, 'YYYY-MM-DD') AS day, used FROM apigw_usage_daily
      WHERE usage_plan_id = $1 AND key_id = ANY($2::text[]) AND day BETWEEN $3::date AND $4::date`,
    [planId, keyIds, from, to],
  );
  return r.rows;
}

/**
 * Adds counted requests to the daily usage rows (the gateway's batched counters). Rows of a plan
 * deleted meanwhile are skipped (its usage went with it).
 */
export async function addDailyUsage(
  q: Queryable,
  rows: Array<{ tenantId: string; usagePlanId: string; keyId: string; day: string; used: number }>,
): Promise<void> {
  if (!rows.length) return;
  await q.query(
    `INSERT INTO apigw_usage_daily AS d (usage_plan_id, key_id, day, tenant_id, used)
     SELECT u.plan, u.key, u.day::date, u.tenant, u.used
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[]) AS u(tenant, plan, key, day, used)
       JOIN apigw_usage_plans p ON p.id = u.plan
     ON CONFLICT (usage_plan_id, key_id, day) DO UPDATE SET used = d.used + excluded.used`,
    [
      rows.map((r) => r.tenantId),
      rows.map((r) => r.usagePlanId),
      rows.map((r) => r.keyId),
      rows.map((r) => r.day),
      rows.map((r) => r.used),
    ],
  );
}

import type { Queryable } from "../../db";

// SQL of the functions domain: functions and their concurrency slots. Every query carries the tenant.

export type FunctionRow = {
  id: string;
  tenantId: string;
  name: string;
  arn: string;
  url: string;
  description: string;
  timeoutSeconds: number;
  reservedConcurrency: number | null;
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  onFailureDestination: string | null;
  secretEnc: string;
  revisionId: string;
  tags: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
};

export type FunctionPatch = Partial<
  Pick<
    FunctionRow,
    | "url"
    | "description"
    | "timeoutSeconds"
    | "reservedConcurrency"
    | "maximumRetryAttempts"
    | "maximumEventAgeSeconds"
    | "onFailureDestination"
    | "secretEnc"
  >
>;

const COLS = `id, tenant_id AS "tenantId", name, arn, url, description, timeout_seconds AS "timeoutSeconds",
  reserved_concurrency AS "reservedConcurrency", maximum_retry_attempts AS "maximumRetryAttempts",
  maximum_event_age_seconds AS "maximumEventAgeSeconds", on_failure_destination AS "onFailureDestination",
  secret_enc AS "secretEnc", revision_id AS "revisionId", tags, created_at AS "createdAt", updated_at AS "updatedAt"`;

const COLUMN: Record<keyof FunctionPatch, string> = {
  url: "url",
  description: "description",
  timeoutSeconds: "timeout_seconds",
  reservedConcurrency: "reserved_concurrency",
  maximumRetryAttempts: "maximum_retry_attempts",
  maximumEventAgeSeconds: "maximum_event_age_seconds",
  onFailureDestination: "on_failure_destination",
  secretEnc: "secret_enc",
};

export async function insertFunction(
  db: Queryable,
  f: Omit<FunctionRow, "createdAt" | "updatedAt">,
): Promise<FunctionRow | null> {
  const r = await db.query(
    `INSERT INTO functions (id, tenant_id, name, arn, url, description, timeout_seconds, reserved_concurrency,
       maximum_retry_attempts, maximum_event_age_seconds, on_failure_destination, secret_enc, revision_id, tags)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
     ON CONFLICT (tenant_id, name) DO NOTHING RETURNING ${COLS}`,
    [
      f.id,
      f.tenantId,
      f.name,
      f.arn,
      f.url,
      f.description,
      f.timeoutSeconds,
      f.reservedConcurrency,
      f.maximumRetryAttempts,
      f.maximumEventAgeSeconds,
      f.onFailureDestination,
      f.secretEnc,
      f.revisionId,
      JSON.stringify(f.tags),
    ],
  );
  return r.rows[0] ?? null;
}

export async function findFunctionByName(db: Queryable, tenantId: string, name: string): Promise<FunctionRow | null> {
  const r = await db.query(`SELECT ${COLS} FROM functions WHERE tenant_id = $1 AND name = $2`, [tenantId, name]);
  return r.rows[0] ?? null;
}

export async function findFunctionById(db: Queryable, tenantId: string, id: string): Promise<FunctionRow | null> {
  const r = await db.query(`SELECT ${COLS} FROM functions WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return r.rows[0] ?? null;
}

/** By ARN across tenants: a delivery names its target by ARN; the caller checks the owner. */
export async function findFunctionByArn(db: Queryable, arn: string): Promise<FunctionRow | null> {
  const r = await db.query(`SELECT ${COLS} FROM functions WHERE arn = $1`, [arn]);
  return r.rows[0] ?? null;
}

/** A page in name order after `afterName` (ListFunctions' Marker). */
export async function listFunctionsPage(
  db: Queryable,
  tenantId: string,
  afterName: string | null,
  limit: number,
): Promise<FunctionRow[]> {
  const r = await db.query(
    `SELECT ${COLS} FROM functions WHERE tenant_id = $1 AND ($2::text IS NULL OR name > $2) ORDER BY name LIMIT $3`,
    [tenantId, afterName, limit],
  );
  return r.rows;
}

export async function updateFunctionRow(
  db: Queryable,
  tenantId: string,
  id: string,
  patch: FunctionPatch,
  revisionId: string,
): Promise<FunctionRow | null> {
  const sets: string[] = [];
  const values: unknown[] = [tenantId, id, revisionId];
  for (const [k, v] of Object.entries(patch) as Array<[keyof FunctionPatch, unknown]>) {
    if (v === undefined) continue;
    values.push(v);
    sets.push(`${COLUMN[k]} = $${values.length}`);
  }
  const r = await db.query(
    `UPDATE functions SET ${[...sets, "revision_id = $3", "updated_at = now()"].join(", ")}
     WHERE tenant_id = $1 AND id = $2 RETURNING ${COLS}`,
    values,
  );
  return r.rows[0] ?? null;
}

export async function deleteFunctionRow(db: Queryable, tenantId: string, id: string): Promise<boolean> {
  const r = await db.query(`DELETE FROM functions WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return (r.rowCount ?? 0) > 0;
}

/**
 * Takes one free concurrency slot (0 … limit-1) until `leaseSeconds` from now, or none when every
 * slot is busy. A slot whose lease expired (a killed worker) counts as free. Two callers racing for
 * the same slot: one wins, the other sees no row (a throttle, which the caller's retry absorbs).
 */
export async function acquireFunctionSlot(
  db: Queryable,
  f: { id: string; tenantId: string },
  limit: number,
  leaseId: string,
  leaseSeconds: number,
): Promise<boolean> {
  if (limit <= 0) return false;
  const r = await db.query(
    `INSERT INTO function_slots (function_id, slot, tenant_id, lease_id, expires_at)
     SELECT $1, s, $2, $3, now() + make_interval(secs => $5)
       FROM generate_series(0, $4 - 1) AS s
      WHERE NOT EXISTS (SELECT 1 FROM function_slots fs WHERE fs.function_id = $1 AND fs.slot = s AND fs.expires_at > now())
      ORDER BY s LIMIT 1
     ON CONFLICT (function_id, slot) DO UPDATE SET lease_id = EXCLUDED.lease_id, expires_at = EXCLUDED.expires_at
      WHERE function_slots.expires_at <= now()
     RETURNING slot`,
    [f.id, f.tenantId, leaseId, limit, leaseSeconds],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function releaseFunctionSlot(db: Queryable, functionId: string, leaseId: string): Promise<void> {
  await db.query(`DELETE FROM function_slots WHERE function_id = $1 AND lease_id = $2`, [functionId, leaseId]);
}

export async function busySlots(db: Queryable, functionId: string): Promise<number> {
  const r = await db.query(
    `SELECT count(*)::int AS n FROM function_slots WHERE function_id = $1 AND expires_at > now()`,
    [functionId],
  );
  return r.rows[0].n;
}

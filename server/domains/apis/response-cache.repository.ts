import type { Queryable } from "../../db";

// SQL of the REST API stage caches (`api_response_cache`, UNLOGGED, shared by every web process).

export type CacheRow = { status: number; headers: Record<string, string | string[]>; body: Buffer };

export async function findCached(
  db: Queryable,
  apiId: string,
  stageName: string,
  keyHash: string,
): Promise<CacheRow | null> {
  const { rows } = await db.query<CacheRow>(
    `SELECT status, headers, body FROM api_response_cache
      WHERE rest_api_id = $1 AND stage_name = $2 AND key_hash = $3 AND expires_at > now()`,
    [apiId, stageName, keyHash],
  );
  return rows[0] ?? null;
}

/**
 * Stores an answer, then keeps the stage within `maxBytes`: expired rows go first, then the rows
 * closest to expiry (a stage's cache is bounded by its cacheClusterSize).
 */
export async function storeCached(
  db: Queryable,
  entry: { apiId: string; stageName: string; keyHash: string; ttlSeconds: number; maxBytes: number } & CacheRow,
): Promise<void> {
  await db.query(
    // A cache may lose its last writes on a crash (the table is UNLOGGED anyway): no commit flush.
    `INSERT INTO api_response_cache (rest_api_id, stage_name, key_hash, status, headers, body, size, expires_at)
     SELECT $1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8)
       FROM (SELECT set_config('synchronous_commit', 'off', true)) nosync
     ON CONFLICT (rest_api_id, stage_name, key_hash) DO UPDATE
       SET status = EXCLUDED.status, headers = EXCLUDED.headers, body = EXCLUDED.body, size = EXCLUDED.size,
           expires_at = EXCLUDED.expires_at, created_at = now()`,
    [
      entry.apiId,
      entry.stageName,
      entry.keyHash,
      entry.status,
      JSON.stringify(entry.headers),
      entry.body,
      entry.body.length,
      entry.ttlSeconds,
    ],
  );
  await db.query(
    // The keys to drop are computed once (an InitPlan), then deleted through the primary key.
    `DELETE FROM api_response_cache
      WHERE rest_api_id = $1 AND stage_name = $2
        AND key_hash = ANY (ARRAY(
          SELECT key_hash FROM (
            SELECT key_hash, sum(size) OVER (ORDER BY (expires_at > now()) DESC, expires_at DESC, key_hash) AS running
              FROM api_response_cache WHERE rest_api_id = $1 AND stage_name = $2) o
           WHERE running > $3))
        AND (SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL`,
    [entry.apiId, entry.stageName, entry.maxBytes],
  );
}

/** Invalidates one entry (Cache-Control: max-age=0). */
export async function deleteCached(db: Queryable, apiId: string, stageName: string, keyHash: string): Promise<void> {
  await db.query(`DELETE FROM api_response_cache WHERE rest_api_id = $1 AND stage_name = $2 AND key_hash = $3`, [
    apiId,
    stageName,
    keyHash,
  ]);
}

/** FlushStageCache: every entry of a stage. */
export async function deleteStageCache(db: Queryable, apiId: string, stageName: string): Promise<number> {
  const r = await db.query(`DELETE FROM api_response_cache WHERE rest_api_id = $1 AND stage_name = $2`, [
    apiId,
    stageName,
  ]);
  return r.rowCount ?? 0;
}

/** Expired rows, a batch at a time. */
export async function sweepExpired(db: Queryable, limit = 1000): Promise<number> {
  const r = await db.query(
    `DELETE FROM api_response_cache WHERE ctid = ANY (ARRAY(
       SELECT ctid FROM api_response_cache WHERE expires_at <= now() LIMIT $1))`,
    [limit],
  );
  return r.rowCount ?? 0;
}

/** Tells every web process to drop a stage's cached authorizer decisions. */
export async function notifyAuthorizerFlush(db: Queryable, channel: string, payload: string): Promise<void> {
  await db.query(`SELECT pg_notify($1, $2)`, [channel, payload]);
}

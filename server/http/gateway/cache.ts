import { createHash } from "node:crypto";
import { pool } from "../../db";
import { logger } from "../../logger";
import { deleteCached, findCached, storeCached, sweepExpired } from "../../domains/apis/response-cache.repository";

// Per-stage response caching (a stage's cacheClusterEnabled with methodSettings caching/enabled and
// caching/ttlInSeconds), shared by every web process: answers live in PostgreSQL (UNLOGGED table
// `api_response_cache`), keyed by the stage and a hash of the cache key (deployment id, method,
// path, cacheKeyParameters: a redeployment misses by itself). So a hit does not depend on which
// process answers, and FlushStageCache / a client's `Cache-Control: max-age=0` clear the entry for
// all of them. A stage holds at most its cacheClusterSize scaled down (see `stageCacheBytes`);
// answers over 1 MB are not cached (API Gateway's limit); expired rows are swept once a minute.

export type CachedReply = { status: number; headers: Record<string, string | string[]>; body: Buffer };

/** API Gateway does not cache an answer larger than 1 MB. */
export const MAX_ENTRY_BYTES = 1024 * 1024;
const SWEEP_EVERY_MS = 60_000;

/**
 * The bytes a stage may hold: its cacheClusterSize (GB) × SIGNALBOX_GATEWAY_CACHE_MB_PER_GB
 * (default 64, so the smallest cluster, 0.5 GB, holds 32 MB here).
 */
export function stageCacheBytes(cacheClusterSize: string | undefined): number {
  const gb = Number(cacheClusterSize ?? "0.5");
  const perGb = Number(process.env.SIGNALBOX_GATEWAY_CACHE_MB_PER_GB ?? "64");
  return Math.max(1, Math.round((Number.isFinite(gb) && gb > 0 ? gb : 0.5) * perGb * 1024 * 1024));
}

export type CacheScope = { apiId: string; stageName: string };

const listeners = new Set<(hit: boolean, scope: CacheScope) => void>();

/**
 * Hits and misses of the stage caches (for metrics): `listener(hit, scope)` runs for every
 * cacheable request. Returns the function that removes it.
 */
export function onCacheResult(listener: (hit: boolean, scope: CacheScope) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function report(hit: boolean, scope: CacheScope) {
  for (const l of listeners) {
    try {
      l(hit, scope);
    } catch (err) {
      logger.error({ err }, "gateway cache: result listener failed");
    }
  }
}

export function cacheKeyHash(key: string): string {
  return createHash("sha256").update(key).digest("base64url");
}

export async function cacheGet(scope: CacheScope, keyHash: string): Promise<CachedReply | null> {
  const row = await findCached(pool(), scope.apiId, scope.stageName, keyHash);
  report(row !== null, scope);
  return row;
}

let sweeper: NodeJS.Timeout | undefined;
function startSweeper() {
  if (sweeper) return;
  sweeper = setInterval(() => {
    sweepExpired(pool()).catch((err: unknown) => logger.warn({ err }, "gateway cache: sweep failed"));
  }, SWEEP_EVERY_MS);
  sweeper.unref();
}

export async function cachePut(
  scope: CacheScope & { cacheClusterSize?: string },
  keyHash: string,
  reply: CachedReply,
  ttlSeconds: number,
): Promise<void> {
  if (ttlSeconds <= 0 || reply.body.length > MAX_ENTRY_BYTES) return;
  startSweeper();
  await storeCached(pool(), {
    apiId: scope.apiId,
    stageName: scope.stageName,
    keyHash,
    ttlSeconds,
    maxBytes: stageCacheBytes(scope.cacheClusterSize),
    ...reply,
  });
}

/** Cache-Control: max-age=0 from an authorized client: the entry goes for every process. */
export async function cacheInvalidate(scope: CacheScope, keyHash: string): Promise<void> {
  await deleteCached(pool(), scope.apiId, scope.stageName, keyHash);
}

// Lambda authorizer decisions of HTTP APIs, cached per process for authorizerResultTtlInSeconds,
// keyed by API, authorizer and the identity sources' values (as API Gateway caches them).
// ResetAuthorizersCache clears an API's entries (in this process: each web process keeps its own).

export type CachedDecision = { allow: boolean; context: Record<string, unknown> };

const MAX_ENTRIES = 5_000;
const entries = new Map<string, { decision: CachedDecision; expires: number }>();

export function authorizerCacheGet(key: string, now = Date.now()): CachedDecision | null {
  const hit = entries.get(key);
  if (!hit) return null;
  if (hit.expires <= now) {
    entries.delete(key);
    return null;
  }
  return hit.decision;
}

export function authorizerCachePut(key: string, decision: CachedDecision, ttlSeconds: number, now = Date.now()): void {
  if (ttlSeconds <= 0) return;
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  entries.set(key, { decision, expires: now + ttlSeconds * 1000 });
}

/** Drops an API's cached decisions (ResetAuthorizersCache). */
export function resetAuthorizerCache(apiId: string): void {
  for (const k of [...entries.keys()]) if (k.startsWith(`${apiId}\n`)) entries.delete(k);
}

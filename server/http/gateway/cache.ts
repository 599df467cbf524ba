// Per-stage response caching (a stage's cacheClusterEnabled with methodSettings caching/enabled and
// caching/ttlInSeconds): answers kept in this process's memory, keyed by stage, deployment, method,
// path and the integration's cacheKeyParameters. Bounded in entries and bytes; FlushStageCache
// clears a stage (in this process: each web process keeps its own cache).

export type CachedReply = { status: number; headers: Record<string, string | string[]>; body: Buffer };

const MAX_ENTRIES = 2_000;
const MAX_ENTRY_BYTES = 1024 * 1024;
const entries = new Map<string, { reply: CachedReply; expires: number }>();

export function cacheGet(key: string, now = Date.now()): CachedReply | null {
  const hit = entries.get(key);
  if (!hit) return null;
  if (hit.expires <= now) {
    entries.delete(key);
    return null;
  }
  // LRU: a hit moves to the end.
  entries.delete(key);
  entries.set(key, hit);
  return hit.reply;
}

export function cachePut(key: string, reply: CachedReply, ttlSeconds: number, now = Date.now()): void {
  if (ttlSeconds <= 0 || reply.body.length > MAX_ENTRY_BYTES) return;
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  entries.set(key, { reply, expires: now + ttlSeconds * 1000 });
}

/** Drops every cached answer of a stage (FlushStageCache). */
export function flushStageCache(apiId: string, stageName: string): void {
  const prefix = `${apiId}/${stageName}/`;
  for (const k of [...entries.keys()]) if (k.startsWith(prefix)) entries.delete(k);
}

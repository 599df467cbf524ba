// Per-process memory of schema discovery's hot path, in a module of its own so the services that
// change discoverers or delete schemas can clear it without importing the discovery pipeline.
//  - the discoverer of each bus, for 2 s (other processes see a change within that time);
//  - the shapes this process recorded lately, skipped without a query. An entry whose PutEvents
//    rolled back expires after 60 s, so such a shape is recorded at most that much later.

const DISCOVERER_MS = 2_000;
const KNOWN_MS = 60_000;
const MAX_ENTRIES = 50_000;

const discoverers = new Map<string, { value: unknown; at: number }>();
const known = new Map<string, number>();

export function cachedDiscoverer<T>(busId: string, now: number): { value: T } | undefined {
  const hit = discoverers.get(busId);
  return hit && now - hit.at < DISCOVERER_MS ? { value: hit.value as T } : undefined;
}

export function rememberDiscoverer(busId: string, value: unknown, now: number): void {
  if (discoverers.size > MAX_ENTRIES) discoverers.clear();
  discoverers.set(busId, { value, at: now });
}

/** Drops a bus's cached discoverer (this process) after a change. */
export function forgetDiscovererCache(busId: string): void {
  discoverers.delete(busId);
}

export function isKnownShape(key: string, now: number): boolean {
  return (known.get(key) ?? 0) > now;
}

export function rememberShapes(keys: Iterable<string>, now: number): void {
  if (known.size > MAX_ENTRIES) known.clear();
  for (const k of keys) known.set(k, now + KNOWN_MS);
}

/** After a discovered schema is deleted: its shapes must be recorded again. */
export function forgetKnownShapes(): void {
  known.clear();
}

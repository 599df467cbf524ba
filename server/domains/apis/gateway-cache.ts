import { afterCommit, type Queryable } from "../../db";
import { isListening, listen } from "../../platform/listen";

// Per-process caches of what the gateway reads on every request (a REST API's stage, an HTTP API's
// stages, an API key with its usage plans), so a request costs no database round trip for them.
// Invalidation: triggers on the rows (migration 20261204000000_gateway_cache_notify) NOTIFY every
// process at commit, whichever code path or cascade changed them; the payload is the API's id
// (stages) or the tenant's id (keys and plans) and drops every entry tagged with it.
//
// A cache is trusted only while this process is listening on its channel (platform/listen.ts says
// when notices may have been missed, and the cache is then dropped); otherwise every lookup reads
// the database, as before. A load that was in flight while a notice arrived is not stored (it may
// have read the row before the change), so an entry is never older than the last notice.

export const GATEWAY_STAGE_CHANNEL = "signalbox_gateway_stage";
export const GATEWAY_KEYS_CHANNEL = "signalbox_gateway_keys";

const registry: Array<NotifiedCache<unknown>> = [];

export class NotifiedCache<V> {
  private readonly entries = new Map<string, { value: V; tag: string }>();
  private readonly inflight = new Map<string, { gen: number; promise: Promise<V> }>();
  private gen = 0;

  constructor(
    readonly channel: string,
    private readonly max = 10_000,
  ) {
    registry.push(this as NotifiedCache<unknown>);
  }

  /** The cached entry of `key` when the cache is trusted and holds one (no promise: the hot path's hit). */
  peek(key: string): { value: V } | undefined {
    return isListening(this.channel) ? this.entries.get(key) : undefined;
  }

  /** The cached value of `key`, else `load()`'s (stored under `tag` when the cache is trusted). */
  get(key: string, tag: string, load: () => Promise<V>): Promise<V> {
    if (!isListening(this.channel)) return load();
    const hit = this.entries.get(key);
    if (hit) return Promise.resolve(hit.value);
    // Concurrent misses on one key share one load (a cold cache under load costs one query).
    const running = this.inflight.get(key);
    if (running && running.gen === this.gen) return running.promise;
    const gen = this.gen;
    const promise = load().then(
      (value) => {
        if (this.inflight.get(key)?.promise === promise) this.inflight.delete(key);
        if (gen === this.gen && isListening(this.channel)) {
          if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
          this.entries.set(key, { value, tag });
        }
        return value;
      },
      (err: unknown) => {
        if (this.inflight.get(key)?.promise === promise) this.inflight.delete(key);
        throw err;
      },
    );
    this.inflight.set(key, { gen, promise });
    return promise;
  }

  /** Drops the entries tagged `tag` (and keeps any load in flight from being stored). */
  forget(tag: string): void {
    this.gen++;
    for (const [k, e] of this.entries) if (e.tag === tag) this.entries.delete(k);
  }

  clear(): void {
    this.gen++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

function forgetLocally(channel: string, tag: string): void {
  for (const c of registry) if (c.channel === channel) c.forget(tag);
}

// Read-your-writes. The other processes drop their entries when the triggers' NOTIFY arrives; the
// process that wrote must not wait for its own notice (a caller that changes a stage and at once
// calls the API through the same process would be served the old one). So the repositories that
// write the notifying tables (stages, HTTP APIs, API keys, usage plans and their keys) call these
// with the statement's Queryable: this process drops its entries as soon as the write commits,
// whichever door (AWS v1 and v2, console tRPC, REST, import) or service made it.

/** After `db`'s write commits, this process forgets the stages of API `apiId` (REST, HTTP or WebSocket). */
export function forgetStagesOnCommit(db: Queryable, apiId: string): void {
  afterCommit(db, () => forgetLocally(GATEWAY_STAGE_CHANNEL, apiId));
}

/** After `db`'s write commits, this process forgets tenant `tenantId`'s API keys and usage plans. */
export function forgetKeysOnCommit(db: Queryable, tenantId: string): void {
  afterCommit(db, () => forgetLocally(GATEWAY_KEYS_CHANNEL, tenantId));
}

let unsubscribe: Array<() => void> = [];

/** Subscribes this process to the gateway's invalidation notices (the web server, once at start). */
export async function listenForGatewayChanges(): Promise<void> {
  if (unsubscribe.length) return;
  const on = (channel: string) => registry.filter((c) => c.channel === channel);
  for (const channel of [GATEWAY_STAGE_CHANNEL, GATEWAY_KEYS_CHANNEL])
    unsubscribe.push(
      await listen(channel, {
        onNotify: (tag) => on(channel).forEach((c) => c.forget(tag)),
        onResync: () => on(channel).forEach((c) => c.clear()),
      }),
    );
}

export function stopListeningForGatewayChanges(): void {
  for (const u of unsubscribe) u();
  unsubscribe = [];
  for (const c of registry) c.clear();
}

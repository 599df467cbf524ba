// A token bucket: `capacity` tokens, refilled continuously at `ratePerSecond`. Pure: the caller
// passes `now` (ms), so tests drive it with a fake clock.
export type Bucket = { tokens: number; updatedAt: number };

export type BucketConfig = { ratePerSecond: number; capacity: number };

export function refill(b: Bucket, cfg: BucketConfig, now: number): Bucket {
  const elapsed = Math.max(0, now - b.updatedAt) / 1000;
  return {
    tokens: Math.min(cfg.capacity, b.tokens + elapsed * cfg.ratePerSecond),
    updatedAt: Math.max(now, b.updatedAt),
  };
}

/** Takes `cost` tokens if available. Returns the new state and, when refused, how long to wait. */
export function take(
  b: Bucket,
  cfg: BucketConfig,
  now: number,
  cost = 1,
): { bucket: Bucket; ok: boolean; retryAfterMs: number } {
  const r = refill(b, cfg, now);
  if (r.tokens >= cost)
    return { bucket: { tokens: r.tokens - cost, updatedAt: r.updatedAt }, ok: true, retryAfterMs: 0 };
  const missing = cost - r.tokens;
  return {
    bucket: r,
    ok: false,
    retryAfterMs: cfg.ratePerSecond > 0 ? Math.ceil((missing / cfg.ratePerSecond) * 1000) : Infinity,
  };
}

/** Many buckets by key (e.g. one per tenant), with a bound on how many are kept. */
export class BucketMap {
  private buckets = new Map<string, Bucket>();
  constructor(
    private cfg: (key: string) => BucketConfig,
    private maxKeys = 50_000,
  ) {}

  take(key: string, now: number, cost = 1): { ok: boolean; retryAfterMs: number } {
    const cfg = this.cfg(key);
    const current = this.buckets.get(key) ?? { tokens: cfg.capacity, updatedAt: now };
    const r = take(current, cfg, now, cost);
    if (!this.buckets.has(key) && this.buckets.size >= this.maxKeys) this.buckets.clear();
    this.buckets.set(key, r.bucket);
    return { ok: r.ok, retryAfterMs: r.retryAfterMs };
  }
}

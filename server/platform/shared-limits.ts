import { pool } from "../db";
import { takeTokens, type BucketSpec } from "./shared-limits.repository";

export { quotaUsed, setQuotaUsed, type BucketSpec } from "./shared-limits.repository";

// Rate limits and quotas that hold across every web process: the state lives in PostgreSQL
// (rate_buckets, quota_counters; function sb_take_tokens in migration 20261203700000_api_usage).
// A bucket's row lock serialises the processes on it, so what one process admits is taken from the
// same tokens the others see. Quotas (usage plans', a Signalbox key's own) are spent the same way,
// through leases of their remainder: quota-leases.ts.
//
// `LeasedBuckets`: a process takes tokens from the shared bucket in small leases and spends them
//   locally (the doors' per-tenant limit, usage plans' and keys' rates: a round trip per request
//   would cost too much). The
//   tokens a process holds were already taken from the shared bucket, so the total admitted never
//   exceeds the bucket's; a lease expires after a short while, so at most `lease × processes`
//   tokens sit unused at any moment.

type Lease = {
  /** The limit this lease was taken under: a changed limit (UpdateUsagePlan) starts a new lease. */
  rate: number;
  burst: number;
  tokens: number;
  /** Tokens the shared bucket had left when the lease was granted (for rate-limit headers). */
  left: number;
  expiresAt: number;
  /** Refusals are answered locally until then; the next token is due at `retryAt`. */
  refusedUntil: number;
  retryAt: number;
  inflight?: Promise<void>;
};

/**
 * A shared bucket spent through local leases. `take` resolves synchronously-fast (no database) while
 * this process holds tokens; otherwise it fetches a lease of `leaseSize(rate)` tokens. Refusals are
 * remembered until the bucket's next token is due (at most a second), so a refused flood costs no
 * round trips.
 */
export class LeasedBuckets {
  private readonly leases = new Map<string, Lease>();
  constructor(
    private readonly leaseMs = 250,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  /** Lease size: about 1% of a second's tokens, at least 1 (so small limits stay exact). */
  static leaseSize(rate: number): number {
    return Math.max(1, Math.floor(rate / 100));
  }

  /**
   * Spends one token locally when this process holds one (no I/O). Undefined: ask `take`. With
   * `limit`, a lease taken under another rate or burst is not spent (take starts a new one).
   * `remaining`: about how many tokens are left (the shared bucket's at the lease, plus this lease's).
   */
  tryLocal(
    key: string,
    limit?: { rate: number; burst: number },
  ): { ok: boolean; retryAfterMs: number; remaining: number } | undefined {
    const l = this.leases.get(key);
    if (!l) return undefined;
    // A lease taken under another limit is `take`'s to replace.
    if (limit && (l.rate !== limit.rate || l.burst !== limit.burst)) return undefined;
    const now = this.clock();
    if (l.tokens > 0 && now < l.expiresAt) {
      l.tokens--;
      return { ok: true, retryAfterMs: 0, remaining: Math.max(0, Math.floor(l.left + l.tokens)) };
    }
    if (now < l.refusedUntil) return { ok: false, retryAfterMs: l.retryAt - now, remaining: 0 };
    return undefined;
  }

  async take(tenantId: string, bucket: BucketSpec): Promise<{ ok: boolean; retryAfterMs: number; remaining: number }> {
    const held = this.leases.get(bucket.key);
    // Tokens and refusals obtained under another limit do not count under this one.
    if (held && (held.rate !== bucket.rate || held.burst !== bucket.burst)) this.leases.delete(bucket.key);
    for (;;) {
      const local = this.tryLocal(bucket.key);
      if (local) return local;
      let l = this.leases.get(bucket.key);
      if (!l) {
        if (this.leases.size > 50_000) this.leases.clear();
        l = { rate: bucket.rate, burst: bucket.burst, tokens: 0, left: 0, expiresAt: 0, refusedUntil: 0, retryAt: 0 };
        this.leases.set(bucket.key, l);
      }
      // One fetch at a time per bucket: concurrent requests wait for it, then spend from it.
      if (!l.inflight) {
        const lease = l;
        lease.inflight = takeTokens(pool(), tenantId, bucket, LeasedBuckets.leaseSize(bucket.rate))
          .then((r) => {
            const now = this.clock();
            // Tokens of an expired lease are dropped: they were counted when granted.
            lease.tokens = r.granted;
            lease.left = r.tokensLeft;
            lease.expiresAt = now + this.leaseMs;
            // At most a second: a limit raised meanwhile (a key's rate) is seen within one.
            lease.refusedUntil = r.granted > 0 ? 0 : now + Math.min(r.retryAfterMs, 1000);
            lease.retryAt = now + r.retryAfterMs;
          })
          .finally(() => (lease.inflight = undefined));
      }
      await l.inflight;
      const after = this.tryLocal(bucket.key);
      if (after) return after;
    }
  }
}

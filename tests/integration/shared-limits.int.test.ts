import { describe, expect, it } from "vitest";
import { pool } from "../../server/db";
import { LeasedBuckets } from "../../server/platform/shared-limits";
import { createTestTenant, uniqueName } from "../helpers/fixtures";

// The shared buckets behind every cross-process limit, against the real database. Two LeasedBuckets
// stand for two web processes: whatever the interleaving, together they never spend more tokens
// than the shared bucket granted.

describe("LeasedBuckets (the doors' leased tenant bucket)", () => {
  it("two processes together admit exactly the burst, in leases of 1% of the rate", async () => {
    const t = await createTestTenant();
    const bucket = { key: `t:${uniqueName("x")}`, rate: 1000, burst: 95 };
    // rate 1000/s → leases of 10 tokens; the refill is stopped by pinning the clock in the future.
    await pool().query(`INSERT INTO rate_buckets (key, tenant_id, tokens, updated_at) VALUES ($1, $2, $3, $4)`, [
      bucket.key,
      t.tenant.id,
      bucket.burst,
      new Date(Date.now() + 3_600_000),
    ]);
    const a = new LeasedBuckets();
    const b = new LeasedBuckets();
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => (i % 2 ? a : b).take(t.tenant.id, bucket)));
    expect(results.filter((r) => r.ok)).toHaveLength(95);
    expect(LeasedBuckets.leaseSize(1000)).toBe(10);
    expect(LeasedBuckets.leaseSize(50)).toBe(1);
    const row = await pool().query(`SELECT tokens FROM rate_buckets WHERE key = $1`, [bucket.key]);
    expect(row.rows[0].tokens).toBe(0);
  });

  it("spends a lease locally without a round trip, and remembers a refusal until the next token", async () => {
    const t = await createTestTenant();
    let now = 1_000_000;
    const leased = new LeasedBuckets(250, () => now);
    const bucket = { key: `t:${uniqueName("y")}`, rate: 0.5, burst: 1 };
    expect(leased.tryLocal(bucket.key)).toBeUndefined();
    expect(await leased.take(t.tenant.id, bucket)).toEqual({ ok: true, retryAfterMs: 0, remaining: 0 });
    const refused = await leased.take(t.tenant.id, bucket);
    expect(refused.ok).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(1000);
    // Remembered: answered locally, no round trip, for at most a second.
    now += 500;
    expect(leased.tryLocal(bucket.key)).toMatchObject({ ok: false });
    now += 600;
    expect(leased.tryLocal(bucket.key)).toBeUndefined();
  });

  it("starts a new lease when the limit changes: tokens of the old one do not count", async () => {
    const t = await createTestTenant();
    const now = 1_000_000;
    const leased = new LeasedBuckets(250, () => now);
    const key = `p:${uniqueName("z")}`;
    // rate 1000/s → a lease of 10 tokens; one is spent, 9 are held locally.
    expect(await leased.take(t.tenant.id, { key, rate: 1000, burst: 2000 })).toMatchObject({ ok: true });
    expect(leased.tryLocal(key)).toMatchObject({ ok: true, remaining: 1990 + 8 });
    // Asked with the new limit, the local fast path leaves the old lease alone (take replaces it).
    expect(leased.tryLocal(key, { rate: 0.001, burst: 1 })).toBeUndefined();
    expect(leased.tryLocal(key, { rate: 1000, burst: 2000 })).toMatchObject({ ok: true });
    // The plan's limit drops to burst 1: the held tokens are void, the shared bucket (capped at its
    // new burst) grants one more, then refuses.
    expect(await leased.take(t.tenant.id, { key, rate: 0.001, burst: 1 })).toMatchObject({ ok: true });
    expect(await leased.take(t.tenant.id, { key, rate: 0.001, burst: 1 })).toMatchObject({ ok: false });
  });
});

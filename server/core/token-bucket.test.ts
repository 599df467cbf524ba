import { describe, expect, it } from "vitest";
import { BucketMap, take, refill } from "./token-bucket";

describe("token bucket", () => {
  const cfg = { ratePerSecond: 10, capacity: 5 };

  it("allows a burst up to capacity, then refuses with the wait until one token is back", () => {
    let b = { tokens: 5, updatedAt: 0 };
    for (let i = 0; i < 5; i++) {
      const r = take(b, cfg, 0);
      expect(r.ok).toBe(true);
      b = r.bucket;
    }
    const refused = take(b, cfg, 0);
    expect(refused.ok).toBe(false);
    expect(refused.retryAfterMs).toBe(100);
  });

  it("refills at the configured rate and never above capacity", () => {
    expect(refill({ tokens: 0, updatedAt: 0 }, cfg, 250).tokens).toBeCloseTo(2.5);
    expect(refill({ tokens: 0, updatedAt: 0 }, cfg, 10_000).tokens).toBe(5);
  });

  it("ignores clocks that go backwards", () => {
    const r = refill({ tokens: 1, updatedAt: 1000 }, cfg, 500);
    expect(r.tokens).toBe(1);
    expect(r.updatedAt).toBe(1000);
  });

  it("keeps keys apart", () => {
    const m = new BucketMap(() => ({ ratePerSecond: 1, capacity: 1 }));
    expect(m.take("a", 0).ok).toBe(true);
    expect(m.take("a", 0).ok).toBe(false);
    expect(m.take("b", 0).ok).toBe(true);
    expect(m.take("a", 1000).ok).toBe(true);
  });

  it("charges batch costs", () => {
    const m = new BucketMap(() => ({ ratePerSecond: 10, capacity: 10 }));
    expect(m.take("t", 0, 10).ok).toBe(true);
    const r = m.take("t", 0, 5);
    expect(r.ok).toBe(false);
    expect(r.retryAfterMs).toBe(500);
  });
});

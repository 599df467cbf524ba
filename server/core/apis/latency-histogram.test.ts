import { describe, expect, it } from "vitest";
import { addHistogram, bucketOf, emptyHistogram, LATENCY_BUCKETS, quantile } from "./latency-histogram";

describe("latency histogram", () => {
  it("puts a latency in the bucket whose upper bound is the first ≥ it", () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(1)).toBe(0);
    expect(bucketOf(1.01)).toBe(1);
    expect(bucketOf(100)).toBe(11);
    expect(bucketOf(101)).toBe(12);
    expect(bucketOf(30000)).toBe(LATENCY_BUCKETS - 2);
    expect(bucketOf(1e9)).toBe(LATENCY_BUCKETS - 1);
  });

  it("estimates quantiles inside the right bucket and within [min, max]", () => {
    const h = emptyHistogram();
    for (let i = 1; i <= 100; i++) h[bucketOf(i)]! += 1; // 1..100 ms
    const p50 = quantile(h, 0.5, 1, 100)!;
    const p99 = quantile(h, 0.99, 1, 100)!;
    expect(p50).toBeGreaterThan(30);
    expect(p50).toBeLessThanOrEqual(75);
    expect(p99).toBeGreaterThan(75);
    expect(p99).toBeLessThanOrEqual(100);
    expect(quantile(emptyHistogram(), 0.5)).toBeNull();
    const one = emptyHistogram();
    one[bucketOf(42)] = 1;
    expect(quantile(one, 0.9, 42, 42)).toBe(42);
  });

  it("sums histograms element by element, also from a shorter (older) row", () => {
    expect(addHistogram([1, 2, 3], [1, 1, 1, 5])).toEqual([2, 3, 4, 5]);
  });
});

// A fixed-bound latency histogram: enough to estimate p50/p90/p99 from per-minute rows that are
// summed across minutes, resources and processes (percentiles themselves cannot be summed).
// Bucket i counts latencies in (BOUNDS[i-1], BOUNDS[i]] ms; the last bucket is everything above.

export const LATENCY_BOUNDS_MS = [
  1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 30000,
] as const;
export const LATENCY_BUCKETS = LATENCY_BOUNDS_MS.length + 1;

export function emptyHistogram(): number[] {
  return new Array<number>(LATENCY_BUCKETS).fill(0);
}

/** Index of the bucket that counts `ms` (binary search over the bounds). */
export function bucketOf(ms: number): number {
  let lo = 0;
  let hi: number = LATENCY_BOUNDS_MS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ms <= LATENCY_BOUNDS_MS[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Adds b into a (element by element); a may be shorter (a row from an older layout). */
export function addHistogram(a: number[], b: readonly number[]): number[] {
  for (let i = 0; i < b.length; i++) a[i] = (a[i] ?? 0) + (b[i] ?? 0);
  return a;
}

/**
 * The q-quantile (0 < q ≤ 1) estimated from a histogram: linear inside the bucket that holds it,
 * clamped to the observed [min, max] when known. null when the histogram is empty.
 */
export function quantile(h: readonly number[], q: number, min?: number | null, max?: number | null): number | null {
  const total = h.reduce((s, n) => s + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < h.length; i++) {
    const n = h[i] ?? 0;
    if (n === 0) continue;
    if (seen + n >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1]!;
      const upper = i < LATENCY_BOUNDS_MS.length ? LATENCY_BOUNDS_MS[i]! : Math.max(max ?? lower, lower);
      let v = lower + ((upper - lower) * (rank - seen)) / n;
      if (max !== null && max !== undefined) v = Math.min(v, max);
      if (min !== null && min !== undefined) v = Math.max(v, min);
      return Math.round(v * 100) / 100;
    }
    seen += n;
  }
  return max ?? null;
}

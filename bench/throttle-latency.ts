import "../tests/helpers/env";
import { closeDb } from "../server/db";
import { throttleCaller } from "../server/http/throttle";
import { createTestTenant } from "../tests/helpers/fixtures";

// What the doors' limits add to a request, measured in-process against the real database
// (DATABASE_URL): `throttleCaller` for (a) a key with no limits of its own (the tenant's shared
// bucket, spent through local leases: the fast path), (b) a key with its own rate, (c) a key with a
// quota (one exact round trip). Sequential calls, so each number is one request's added latency.
// Run: TEST_DATABASE_URL=... SIGNALBOX_TENANT_RPS=100000 node --import tsx bench/throttle-latency.ts

const N = Number(process.env.N ?? 20_000);

async function measure(label: string, auth: Parameters<typeof throttleCaller>[0], n = N) {
  for (let i = 0; i < 500; i++) await throttleCaller(auth).catch(() => {});
  const times: number[] = [];
  let refused = 0;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    try {
      await throttleCaller(auth);
    } catch {
      refused++;
    }
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(3);
  const mean = (times.reduce((a, b) => a + b, 0) / times.length).toFixed(3);
  console.log(
    `${label}: n=${n} mean ${mean} ms, p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms, refused ${refused}`,
  );
}

async function main() {
  const t = await createTestTenant();
  const base = { tenant: { id: t.tenant.id }, actor: { keyId: t.key.id } };
  await measure("tenant limit only (leased shared bucket)", { ...base, keyLimits: null });
  await measure("key rate 50000/s (leased, 500 a lease)", {
    ...base,
    keyLimits: { rateLimit: 50_000, burstLimit: 100_000, quotaLimit: null, quotaPeriod: null },
  });
  await measure(
    "key quota (exact round trip each)",
    { ...base, keyLimits: { rateLimit: null, burstLimit: null, quotaLimit: 1_000_000_000, quotaPeriod: "DAY" } },
    5_000,
  );
  await closeDb();
}
void main();

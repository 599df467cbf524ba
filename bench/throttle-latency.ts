import "../tests/helpers/env";
import { closeDb } from "../server/db";
import { throttleCaller } from "../server/http/throttle";
import { createTestTenant, uniqueName } from "../tests/helpers/fixtures";
import { admitApiRequest } from "../server/domains/apis/usage/admit";
import * as usage from "../server/domains/apis/usage/usage.service";

// What the doors' limits add to a request, measured in-process against the real database
// (DATABASE_URL): `throttleCaller` for (a) a key with no limits of its own (the tenant's shared
// bucket, spent through local leases: the fast path), (b) a key with its own rate, (c) a key with a
// quota (quota leases), (d) the gateway's admitApiRequest under a usage plan. Sequential calls, so each number is one request's added latency.
// Run: TEST_DATABASE_URL=... SIGNALBOX_TENANT_RPS=100000 node --import tsx bench/throttle-latency.ts

const N = Number(process.env.N ?? 20_000);

async function measure(label: string, auth: Parameters<typeof throttleCaller>[0], n = N) {
  await time(label, () => throttleCaller(auth), n);
}

async function time(label: string, fn: () => Promise<unknown>, n: number) {
  for (let i = 0; i < 500; i++) await fn().catch(() => {});
  const times: number[] = [];
  let refused = 0;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    try {
      const r = await fn();
      if (r && typeof r === "object" && "ok" in r && !r.ok) refused++;
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
    "key quota (quota leases)",
    { ...base, keyLimits: { rateLimit: null, burstLimit: null, quotaLimit: 1_000_000_000, quotaPeriod: "DAY" } },
    5_000,
  );
  // The gateway's admission: key lookup, plan throttle (leased bucket) and quota (quota leases).
  const caller = { tenant: t.tenant, actor: t.actor };
  const apiId = uniqueName("bench").replace(/-/g, "");
  const plan = await usage.createUsagePlan(caller, {
    name: "bench",
    apiStages: [{ apiId, stage: "prod" }],
    throttle: { rateLimit: 100_000, burstLimit: 100_000 },
    quota: { limit: 1_000_000_000, offset: 0, period: "DAY" },
  });
  const key = await usage.createApiKey(caller, { name: "bench", enabled: true });
  await usage.createUsagePlanKey(caller, plan.id, { keyId: key.id, keyType: "API_KEY" });
  const req = {
    tenantId: t.tenant.id,
    restApiId: apiId,
    stage: "prod",
    resourcePath: "/x",
    httpMethod: "GET",
    apiKeyRequired: true,
    apiKeyValue: key.value,
  };
  await time("gateway admission (usage plan with throttle + quota)", () => admitApiRequest(req), 5_000);
  await closeDb();
}
void main();

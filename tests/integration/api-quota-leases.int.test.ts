import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../../server/trpc/root";
import { createCallerFactory } from "../../server/trpc/trpc";
import { logger } from "../../server/logger";
import { pool } from "../../server/db";
import * as usage from "../../server/domains/apis/usage/usage.service";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";

// Usage-plan quotas spent through per-process leases (quota-leases.ts, sb_quota_lease), measured
// from outside through the gateway of two real web processes: together they admit exactly the
// quota, never more; GetUsage counts exactly the 2xx answers once the processes reported (every
// 200 ms, polled here); a SIGKILLed process's unspent lease comes back when the lease expires.
// (Counts, not times: waits poll the database; nothing asserts how long anything took.)

const callerFor = (userId: string) =>
  createCallerFactory(appRouter)({ userId, requestId: "test", log: logger, origin: "http://sb.test" });

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

function get(port: number, path: string, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = http.request({ host: "127.0.0.1", port, path, agent, headers: { "x-api-key": key } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode!));
    });
    r.on("error", reject);
    r.end();
  });
}

async function poll<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, tries = 100, ms = 50): Promise<T> {
  let v = await fn();
  for (let i = 0; i < tries && !ok(v); i++) {
    await new Promise((r) => setTimeout(r, ms));
    v = await fn();
  }
  if (!ok(v)) throw new Error(`gave up waiting for ${what}: ${JSON.stringify(v)}`);
  return v;
}

describe("usage-plan quotas through leases, across two web processes", () => {
  let t: TestTenant;
  let apiId: string;
  let webs: Array<TestProcess & { url: string; port: number }> = [];
  const caller = () => ({ tenant: t.tenant, actor: t.actor });

  beforeAll(async () => {
    t = await createTestTenant();
    const api = callerFor(t.user.id);
    const tenant = t.tenant.slug;
    apiId = (await api.apis.create({ tenant, name: uniqueName("quota-api") })).id;
    const root = (await api.apis.get({ tenant, apiId })).rootResourceId;
    const res = (await api.apis.addResource({ tenant, apiId, parentId: root, pathPart: "items" })) as { id: string };
    const ref = { tenant, apiId, resourceId: res.id, httpMethod: "GET" as const };
    await api.apis.saveMethod({
      ...ref,
      create: true,
      authorizationType: "NONE",
      apiKeyRequired: true,
      requestParameters: {},
    });
    await api.apis.saveIntegration({
      ...ref,
      type: "MOCK",
      requestParameters: {},
      requestTemplates: { "application/json": '{"statusCode": 200}' },
      passthroughBehavior: "WHEN_NO_MATCH",
      timeoutInMillis: 29000,
      responses: [{ statusCode: "200", responseTemplate: '{"ok": true}' }],
    });
    await api.apis.deploy({ tenant, apiId, stageName: "prod" });
    webs = await Promise.all([startWeb(), startWeb()]);
  }, 180_000);

  afterAll(async () => {
    agent.destroy();
    await Promise.all(webs.map((w) => w.stop()));
  });

  async function planKey(limit: number) {
    const p = await usage.createUsagePlan(caller(), {
      name: uniqueName("quota"),
      quota: { limit, offset: 0, period: "DAY" },
      apiStages: [{ apiId, stage: "prod" }],
    });
    const k = await usage.createApiKey(caller(), { name: uniqueName("k"), enabled: true });
    await usage.createUsagePlanKey(caller(), p.id, { keyId: k.id, keyType: "API_KEY" });
    return { planId: p.id, keyId: k.id, value: k.value, counter: usage.planQuotaKey(p.id, k.id) };
  }

  const used = async (counter: string) =>
    Number(
      (await pool().query(`SELECT coalesce(sum(used), 0) AS n FROM quota_counters WHERE key = $1`, [counter])).rows[0]
        .n,
    );
  const leases = async (counter: string) =>
    (
      await pool().query(`SELECT units, expires_at > clock_timestamp() AS live FROM quota_leases WHERE key = $1`, [
        counter,
      ])
    ).rows as Array<{ units: number; live: boolean }>;
  const getUsageToday = async (planId: string, keyId: string) => {
    const today = new Date().toISOString().slice(0, 10);
    const u = await usage.getUsage(caller(), planId, { startDate: today, endDate: today, keyId });
    return u.items[keyId]?.[0] ?? [0, 0];
  };

  it("two processes hammering one key admit exactly the quota; GetUsage equals the 2xx count", async () => {
    const quota = 300;
    const k = await planKey(quota);
    const path = `/gw/${apiId}/prod/items`;
    const counts = { ok: [0, 0], refused: 0, other: 0 };
    let leased = 0;
    // Four callers per process, each until it has seen five 429s in a row (the quota is spent).
    const lane = async (i: number) => {
      let refusedInRow = 0;
      while (refusedInRow < 5) {
        const s = await get(webs[i]!.port, path, k.value);
        if (s === 200) {
          counts.ok[i]!++;
          refusedInRow = 0;
        } else if (s === 429) {
          counts.refused++;
          refusedInRow++;
        } else counts.other++;
        // While the remainder is large, units are handed out as leases (not one round trip each).
        if (counts.ok[0]! + counts.ok[1]! < 100 && (await leases(k.counter)).some((l) => l.units > 1)) leased++;
      }
    };
    await Promise.all([0, 0, 0, 0, 1, 1, 1, 1].map(lane));
    const admitted = counts.ok[0]! + counts.ok[1]!;
    expect(counts.other).toBe(0);
    expect(admitted).toBe(quota);
    expect(counts.ok[0]).toBeGreaterThan(0);
    expect(counts.ok[1]).toBeGreaterThan(0);
    expect(counts.refused).toBeGreaterThanOrEqual(40);
    expect(leased).toBeGreaterThan(0);
    // Consumed, not leased: `used` reaches the 2xx count once both processes reported, and stays.
    await poll(
      "both processes' reports",
      () => used(k.counter),
      (n) => n >= quota,
    );
    expect(await used(k.counter)).toBe(quota);
    expect(await getUsageToday(k.planId, k.keyId)).toEqual([quota, 0]);
  }, 120_000);

  it("a SIGKILLed process's unspent lease comes back when it expires; the total stays exact", async () => {
    const quota = 40;
    const k = await planKey(quota);
    const path = `/gw/${apiId}/prod/items`;
    // A third process takes a lease (40 left, nobody else holding: a share of min(8, 40 / 2)).
    const doomed = await startWeb();
    let fromDoomed = 0;
    let held: Array<{ units: number; live: boolean }>;
    try {
      for (let i = 0; i < 3; i++) if ((await get(doomed.port, path, k.value)) === 200) fromDoomed++;
      expect(fromDoomed).toBe(3);
      // Its report of the 3 spent units lands within 200 ms; then it holds the rest of its lease.
      await poll(
        "the doomed process's report",
        () => used(k.counter),
        (n) => n === 3,
      );
      held = await leases(k.counter);
    } finally {
      await doomed.stop("SIGKILL");
    }
    expect(held).toEqual([{ units: 5, live: true }]);

    // The other process spends what is not leased, then is refused while the lease lives.
    let fromB = 0;
    for (;;) {
      const s = await get(webs[1]!.port, path, k.value);
      if (s !== 200) {
        expect(s).toBe(429);
        break;
      }
      fromB++;
    }
    const stillLeased = (await leases(k.counter)).some((l) => l.live);
    // (Only when the lease outlived the first refusal do we know the refusal was the lease's doing.)
    if (stillLeased) expect(fromDoomed + fromB).toBe(quota - 5);
    // After the expiry the stranded units are admitted again: exactly the quota in total.
    await poll(
      "the stranded units",
      async () => {
        const s = await get(webs[1]!.port, path, k.value);
        if (s === 200) fromB++;
        return fromDoomed + fromB;
      },
      (n) => n >= quota,
      200,
    );
    expect(await get(webs[1]!.port, path, k.value)).toBe(429);
    expect(fromDoomed + fromB).toBe(quota);
    await poll(
      "the report",
      () => used(k.counter),
      (n) => n >= quota,
    );
    expect(await getUsageToday(k.planId, k.keyId)).toEqual([quota, 0]);
  }, 120_000);

  it("a graceful stop reports what was spent and gives the unspent units back at once", async () => {
    const quota = 40;
    const k = await planKey(quota);
    const path = `/gw/${apiId}/prod/items`;
    const leaving = await startWeb();
    try {
      for (let i = 0; i < 2; i++) expect(await get(leaving.port, path, k.value)).toBe(200);
      // A lease of 8 (6 left once the 2 spent are reported).
      expect((await leases(k.counter)).map((l) => l.units)).toEqual([expect.any(Number)]);
      expect((await leases(k.counter))[0]!.units).toBeGreaterThanOrEqual(6);
    } finally {
      await leaving.stop("SIGTERM");
    }
    // Reported (2 used) and released (no lease row), before the process exited.
    expect(await used(k.counter)).toBe(2);
    expect(await leases(k.counter)).toEqual([]);
    let admitted = 2;
    while ((await get(webs[0]!.port, path, k.value)) === 200) admitted++;
    expect(admitted).toBe(quota);
  }, 120_000);
});

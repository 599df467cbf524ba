import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, pool } from "../../server/db";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { createRestApi, putIntegration, putMethod } from "../../server/domains/apis/rest-api.service";
import { createDeployment } from "../../server/domains/apis/deployment.service";
import { flushStageCache } from "../../server/domains/apis/response-cache.service";
import { sweepExpired } from "../../server/domains/apis/response-cache.repository";
import {
  cacheGet,
  cacheInvalidate,
  cacheKeyHash,
  cachePut,
  onCacheResult,
  stageCacheBytes,
  MAX_ENTRY_BYTES,
} from "../../server/http/gateway/cache";

// The REST API stage cache in PostgreSQL (what every web process reads): entries per stage and key
// hash, expiry, the per-stage bound from cacheClusterSize (expired rows first, then those closest to
// expiry), answers over 1 MB refused, the hit/miss hook, FlushStageCache and the sweep.

let t: TestTenant;
let apiId: string;
const stageName = "prod";

beforeAll(async () => {
  t = await createTestTenant();
  const caller = { actor: t.actor, tenant: t.tenant };
  const api = await createRestApi(caller, { name: "cache-int" });
  apiId = String(api.id);
  const root = String(api.rootResourceId);
  await putMethod(caller, apiId, root, "GET", { authorizationType: "NONE" });
  await putIntegration(caller, apiId, root, "GET", { type: "MOCK" });
  await createDeployment(caller, apiId, { stageName, cacheClusterEnabled: true, cacheClusterSize: "0.5" });
});
afterAll(async () => {
  delete process.env.SIGNALBOX_GATEWAY_CACHE_MB_PER_GB;
  await closeDb();
});

const scope = () => ({ apiId, stageName, cacheClusterSize: "0.5" });
const reply = (text: string, bytes = 0) => ({
  status: 200,
  headers: { "content-type": "text/plain", "x-multi": ["a", "b"] },
  body: Buffer.concat([Buffer.from(text), Buffer.alloc(bytes)]),
});

describe("the shared stage cache", () => {
  it("keeps an answer (status, headers, body) until its TTL and reports hits and misses", async () => {
    const seen: boolean[] = [];
    const off = onCacheResult((hit, s) => s.apiId === apiId && seen.push(hit));
    const k = cacheKeyHash("GET\n/a");
    expect(await cacheGet(scope(), k)).toBeNull();
    await cachePut(scope(), k, reply("one"), 60);
    const hit = await cacheGet(scope(), k);
    expect(hit?.status).toBe(200);
    expect(hit?.headers).toEqual({ "content-type": "text/plain", "x-multi": ["a", "b"] });
    expect(hit?.body.toString()).toBe("one");
    off();
    await cacheGet(scope(), k);
    expect(seen).toEqual([false, true]);
    await cacheInvalidate(scope(), k);
    expect(await cacheGet(scope(), k)).toBeNull();
  });

  it("does not answer from an expired entry, and the sweep removes it", async () => {
    const k = cacheKeyHash("GET\n/expired");
    await cachePut(scope(), k, reply("old"), 60);
    await pool().query(
      `UPDATE api_response_cache SET expires_at = now() - interval '1 second' WHERE rest_api_id = $1 AND key_hash = $2`,
      [apiId, k],
    );
    expect(await cacheGet(scope(), k)).toBeNull();
    expect(await sweepExpired(pool())).toBeGreaterThanOrEqual(1);
    const { rowCount } = await pool().query(`SELECT 1 FROM api_response_cache WHERE key_hash = $1`, [k]);
    expect(rowCount).toBe(0);
  });

  it("refuses answers over 1 MB", async () => {
    const k = cacheKeyHash("GET\n/big");
    await cachePut(scope(), k, reply("", MAX_ENTRY_BYTES + 1), 60);
    expect(await cacheGet(scope(), k)).toBeNull();
  });

  it("holds a stage within its cacheClusterSize: the entries closest to expiry go first", async () => {
    process.env.SIGNALBOX_GATEWAY_CACHE_MB_PER_GB = "2"; // 0.5 GB → 1 MB here
    expect(stageCacheBytes("0.5")).toBe(1024 * 1024);
    await flushStageCache({ actor: t.actor, tenant: t.tenant }, apiId, stageName);
    const [a, b, c] = ["/1", "/2", "/3"].map((p) => cacheKeyHash(`GET\n${p}`));
    await cachePut(scope(), a, reply("a", 400_000), 100);
    await cachePut(scope(), b, reply("b", 400_000), 300);
    await cachePut(scope(), c, reply("c", 400_000), 200);
    expect(await cacheGet(scope(), a)).toBeNull();
    expect((await cacheGet(scope(), b))?.body.subarray(0, 1).toString()).toBe("b");
    expect((await cacheGet(scope(), c))?.body.subarray(0, 1).toString()).toBe("c");
    delete process.env.SIGNALBOX_GATEWAY_CACHE_MB_PER_GB;
  });

  it("FlushStageCache empties the stage; a viewer may not flush", async () => {
    const k = cacheKeyHash("GET\n/flush");
    await cachePut(scope(), k, reply("x"), 60);
    const viewer = await createTestTenant({ role: "viewer" });
    await expect(flushStageCache({ actor: viewer.actor, tenant: t.tenant }, apiId, stageName)).rejects.toThrow();
    expect(await cacheGet(scope(), k)).not.toBeNull();
    const { flushed } = await flushStageCache({ actor: t.actor, tenant: t.tenant }, apiId, stageName);
    expect(flushed).toBeGreaterThanOrEqual(1);
    expect(await cacheGet(scope(), k)).toBeNull();
  });
});

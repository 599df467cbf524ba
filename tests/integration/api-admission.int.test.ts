import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../server/db";
import { setApiKeyLimits } from "../../server/domains/api-keys/api-key.service";
import { createApiKey as createSignalboxKey } from "../../server/domains/api-keys/api-key.service";
import * as usage from "../../server/domains/apis/usage/usage.service";
import type { AdmitRequest } from "../../server/domains/apis/usage/admit";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { TEST_DATABASE_URL } from "../helpers/env";
import { startWeb, type TestProcess } from "../helpers/server";

// Limits that must hold across processes, measured from outside: two processes hammer one limit
// at once on one database, and what they admitted together must match the limit — a token bucket
// admits its burst plus its rate for the time it was hammered (within 1%), a quota exactly its limit.
// (Counts, not speed: the expected number comes from the time the hammering actually took, read from
// the bucket itself. Each bucket is primed full with its refill held until a second after the
// hammering starts (so the burst is spent while every client is already running, and no token is
// lost to a full bucket while the clients start), and its row says when the last request was
// counted, both in the database's clock.)

const root = path.resolve(import.meta.dirname, "../..");
/** Never more than the bucket allowed (burst + rate × seconds), and at most 1% (or 2) fewer. */
const within = (admitted: number, expected: number) => {
  const tolerance = Math.max(2, expected * 0.01);
  if (process.env.ADMISSION_VERBOSE) console.info(`admitted ${admitted}, expected ${expected.toFixed(1)}`);
  const what = `admitted ${admitted}, expected ${expected.toFixed(2)} (-${tolerance.toFixed(1)})`;
  expect(admitted, what).toBeLessThanOrEqual(expected + 1e-6);
  expect(admitted, what).toBeGreaterThanOrEqual(expected - tolerance);
};

/** A full bucket whose refill starts at `at` (before then it only spends; time counts from `at`). */
async function primeBucket(key: string, tenantId: string, burst: number, at: Date) {
  await pool().query(
    `INSERT INTO rate_buckets (key, tenant_id, tokens, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (key) DO UPDATE SET tokens = $3, updated_at = $4`,
    [key, tenantId, burst, at],
  );
}

/** Seconds from `from` to the last request the bucket counted. */
async function bucketSeconds(key: string, from: Date): Promise<number> {
  const r = await pool().query(`SELECT updated_at AS "updatedAt" FROM rate_buckets WHERE key = $1`, [key]);
  return (r.rows[0].updatedAt.getTime() - from.getTime()) / 1000;
}

type Hammered = { admitted: number; throttled: number; quota: number };

/**
 * Two hammer processes on one limit: both open their connections first, then start together
 * (`leadMs` after both are ready). `onStart(startAt)` runs before they are told to go.
 */
async function hammerTwo(
  req: AdmitRequest,
  durationMs: number,
  onStart: (startAt: number) => Promise<void> = async () => {},
  leadMs = 500,
): Promise<[Hammered, Hammered]> {
  const children = [0, 1].map(() =>
    spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(root, "tests/helpers/admit-hammer.ts"),
        JSON.stringify({ req, durationMs, concurrency: 4 }),
      ],
      { cwd: root, env: { ...process.env, DATABASE_URL: TEST_DATABASE_URL }, stdio: ["ignore", "pipe", "pipe", "ipc"] },
    ),
  );
  const results = children.map(
    (child) =>
      new Promise<Hammered>((resolve, reject) => {
        let out = "";
        let err = "";
        child.stdout!.on("data", (d) => (out += d));
        child.stderr!.on("data", (d) => (err += d));
        child.on("exit", (code) => {
          if (code !== 0) return reject(new Error(`hammer exited ${code}: ${err}`));
          resolve(JSON.parse(out.trim().split("\n").pop()!));
        });
      }),
  );
  await Promise.all(children.map((c) => new Promise<void>((resolve) => c.once("message", () => resolve()))));
  const startAt = Date.now() + leadMs;
  await onStart(startAt);
  for (const c of children) c.send({ startAt });
  const [a, b] = await Promise.all(results);
  return [a!, b!];
}

describe("usage plan admission across two processes", () => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await createTestTenant();
  });

  async function planKey(plan: usage.CreateUsagePlanInput) {
    const apiId = uniqueName("api").replace(/-/g, "");
    const caller = { tenant: t.tenant, actor: t.actor };
    const p = await usage.createUsagePlan(caller, { ...plan, apiStages: [{ apiId, stage: "prod" }] });
    const k = await usage.createApiKey(caller, { name: uniqueName("h"), enabled: true });
    await usage.createUsagePlanKey(caller, p.id, { keyId: k.id, keyType: "API_KEY" });
    const req: AdmitRequest = {
      tenantId: t.tenant.id,
      restApiId: apiId,
      stage: "prod",
      resourcePath: "/items",
      httpMethod: "GET",
      apiKeyRequired: true,
      apiKeyValue: k.value,
    };
    return { plan: p, key: k, req };
  }

  it("a plan's rate and burst: burst + rate × seconds, within 1%", async () => {
    // A burst of two seconds' tokens: a client stalled for less than that (a busy machine) loses none.
    const { req, plan, key } = await planKey({ name: uniqueName("rate"), throttle: { rateLimit: 20, burstLimit: 40 } });
    const bucket = `p:${plan.id}:${key.id}`;
    let refillFrom = new Date();
    const [a, b] = await hammerTwo(req, 5000, async (startAt) => {
      refillFrom = new Date(startAt + 1000);
      await primeBucket(bucket, t.tenant.id, 40, refillFrom);
    });
    const admitted = a.admitted + b.admitted;
    const seconds = await bucketSeconds(bucket, refillFrom);
    expect(a.admitted).toBeGreaterThan(0);
    expect(b.admitted).toBeGreaterThan(0);
    expect(a.throttled + b.throttled).toBeGreaterThan(0);
    within(admitted, 40 + 20 * seconds);
  });

  it("a plan's quota: exactly its limit, and GetUsage counts exactly what was admitted", async () => {
    const { plan, key, req } = await planKey({
      name: uniqueName("quota"),
      quota: { limit: 100, offset: 0, period: "DAY" },
    });
    const [a, b] = await hammerTwo(req, 4000);
    expect(a.admitted + b.admitted).toBe(100);
    expect(a.quota + b.quota).toBeGreaterThan(0);
    const today = new Date().toISOString().slice(0, 10);
    const u = await usage.getUsage({ tenant: t.tenant, actor: t.actor }, plan.id, { startDate: today, endDate: today });
    expect(u.items).toEqual({ [key.id]: [[100, 0]] });
  });
});

/** `used` of a quota counter once the processes' lease reports reach `expected` (or after 3 s). */
async function reportedUsed(key: string, expected: number): Promise<number> {
  const until = Date.now() + 3000;
  for (;;) {
    const r = await pool().query(`SELECT used FROM quota_counters WHERE key = $1`, [key]);
    const used = Number(r.rows[0]?.used ?? 0);
    if (used >= expected || Date.now() > until) return used;
    await new Promise((res) => setTimeout(res, 50));
  }
}

describe("a Signalbox key's own limits and the tenant's limit on the AWS door, across two web processes", () => {
  let webs: Array<TestProcess & { url: string; port: number }> = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  beforeAll(async () => {
    const env = { SIGNALBOX_TENANT_RPS: "30" };
    webs = await Promise.all([startWeb({ env }), startWeb({ env })]);
  });
  afterAll(async () => {
    agent.destroy();
    await Promise.all(webs.map((w) => w.stop()));
  });

  /** GetCallerIdentity with a Bearer key; the HTTP status (200, or 400 ThrottlingException). */
  function call(port: number, key: { id: string; secret: string }): Promise<number> {
    const body = "Action=GetCallerIdentity&Version=2011-06-15";
    return new Promise((resolve, reject) => {
      const r = http.request(
        {
          host: "127.0.0.1",
          port,
          path: "/api/aws",
          method: "POST",
          agent,
          headers: {
            authorization: `Bearer ${key.id}.${key.secret}`,
            "content-type": "application/x-www-form-urlencoded",
            "content-length": Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = "";
          res.on("data", (d) => (text += d));
          res.on("end", () => {
            if (res.statusCode !== 200 && !text.includes("ThrottlingException"))
              return reject(new Error(`unexpected ${res.statusCode}: ${text}`));
            resolve(res.statusCode!);
          });
        },
      );
      r.on("error", reject);
      r.end(body);
    });
  }

  /** Both web processes, `perWeb` clients each, from `startAt` for `durationMs`. */
  async function hammerDoors(key: { id: string; secret: string }, startAt: number, durationMs: number, perWeb = 4) {
    let admitted = 0;
    let refused = 0;
    await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
    const end = startAt + durationMs;
    const worker = async (port: number) => {
      while (Date.now() < end) {
        const status = await call(port, key);
        if (status === 200) admitted++;
        else refused++;
      }
    };
    await Promise.all(webs.flatMap((w) => Array.from({ length: perWeb }, () => worker(w.port))));
    return { admitted, refused };
  }

  it("a key's rate and burst hold across both processes", async () => {
    const t = await createTestTenant();
    const k = await createSignalboxKey(t.actor, t.tenant.id, { name: "limited", role: "developer" });
    await setApiKeyLimits(t.actor, t.tenant.id, { id: k.id, rateLimit: 10, burstLimit: 20 });
    const startAt = Date.now() + 1000;
    const refillFrom = new Date(startAt + 1000);
    await primeBucket(`k:${k.id}`, t.tenant.id, 20, refillFrom);
    const r = await hammerDoors(k, startAt, 5000);
    expect(r.refused).toBeGreaterThan(0);
    within(r.admitted, 20 + 10 * (await bucketSeconds(`k:${k.id}`, refillFrom)));
  });

  it("a key's daily quota is exact across both processes, and says so", async () => {
    const t = await createTestTenant();
    const k = await createSignalboxKey(t.actor, t.tenant.id, { name: "quota", role: "developer" });
    await setApiKeyLimits(t.actor, t.tenant.id, { id: k.id, quotaLimit: 40, quotaPeriod: "DAY" });
    const r = await hammerDoors(k, Date.now(), 3000, 2);
    expect(r.admitted).toBe(40);
    expect(r.refused).toBeGreaterThan(0);
    // The quota is spent through leases: each process reports what it spent within 200 ms.
    expect(await reportedUsed(`k:${k.id}`, 40)).toBe(40);
    // The REST door counts against the same quota: 429 problem details with Retry-After.
    const rest = await fetch(`${webs[1]!.url}/api/v1/queues`, {
      headers: { authorization: `Bearer ${k.id}.${k.secret}` },
    });
    expect(rest.status).toBe(429);
    expect(Number(rest.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await rest.json()).toMatchObject({ status: 429 });
  });

  it("a larger quota is leased to both processes and still admits exactly its limit", async () => {
    const t = await createTestTenant();
    const k = await createSignalboxKey(t.actor, t.tenant.id, { name: "leased", role: "developer" });
    await setApiKeyLimits(t.actor, t.tenant.id, { id: k.id, quotaLimit: 150, quotaPeriod: "DAY" });
    // (Under the tenant's limit here: 60 + 30 × 5 s = 210 admissible.)
    const r = await hammerDoors(k, Date.now(), 5000);
    expect(r.admitted).toBe(150);
    expect(r.refused).toBeGreaterThan(0);
    expect(await reportedUsed(`k:${k.id}`, 150)).toBe(150);
    // No lease still holds units of it: what was leased was spent and reported.
    const leases = await pool().query(`SELECT count(*)::int AS n FROM quota_leases WHERE key = $1 AND units > 0`, [
      `k:${k.id}`,
    ]);
    expect(leases.rows[0].n).toBe(0);
  });

  it("the tenant's limit (SIGNALBOX_TENANT_RPS=30, burst 60) holds across both processes", async () => {
    const t = await createTestTenant();
    const startAt = Date.now() + 1000;
    const refillFrom = new Date(startAt + 1000);
    await primeBucket(`t:${t.tenant.id}`, t.tenant.id, 60, refillFrom);
    const r = await hammerDoors(t.key, startAt, 5000);
    expect(r.refused).toBeGreaterThan(0);
    within(r.admitted, 60 + 30 * (await bucketSeconds(`t:${t.tenant.id}`, refillFrom)));
  });
});

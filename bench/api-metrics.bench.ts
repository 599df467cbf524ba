// The gateway's metrics recorder: what one recordApiRequest call costs on the request path
// (in memory: a Map lookup, counters, a histogram bucket, one access-log object), and, when
// DATABASE_URL points at a migrated database with a tenant, what a flush of a busy second costs.
//   node --import tsx bench/api-metrics.bench.ts            (in-memory cost only)
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/signalbox_test_x node --import tsx bench/api-metrics.bench.ts
import { performance } from "node:perf_hooks";

process.env.SIGNALBOX_API_METRICS_FLUSH_MS ??= "3600000"; // no timer flush during the in-memory loop
process.env.SIGNALBOX_API_LOG_BUFFER ??= "2000000";
const { recordApiRequest, flushApiMetrics, recorderState, resetRecorder } =
  await import("../server/domains/apis/metrics/recorder");

const APIS = 5;
const RESOURCES = 10;
function record(i: number, tenantId: string, at: number) {
  recordApiRequest({
    tenantId,
    apiId: `api${i % APIS}`,
    stage: "prod",
    resource: `/r${i % RESOURCES}`,
    method: i % 3 === 0 ? "POST" : "GET",
    path: `/r${i % RESOURCES}/${i}`,
    status: i % 50 === 0 ? 500 : i % 20 === 0 ? 404 : 200,
    startedAt: at,
    latencyMs: (i % 97) + 0.5,
    integrationLatencyMs: i % 4 === 0 ? null : (i % 89) + 0.25,
    cache: i % 4 === 0 ? "hit" : "miss",
    requestId: `req-${i}`,
    sourceIp: "203.0.113.7",
    apiKeyId: null,
    userAgent: "bench/1",
    responseLength: 120,
    line: null,
  });
}

// On a shared, loaded machine absolute nanoseconds wander; a baseline loop (a Map lookup and one
// small object pushed per call: the least any in-memory recorder does) run in the same rounds
// gives the ratio, which does not.
const N = Number(process.env.BENCH_N ?? 200_000);
function baseline(n: number, at: number) {
  const m = new Map<string, { c: number }>();
  const out: object[] = [];
  for (let i = 0; i < n; i++) {
    const key = `t1\u0000api${i % APIS}\u0000${at}\u0000prod\u0000/r${i % RESOURCES}\u0000GET`;
    let e = m.get(key);
    if (!e) m.set(key, (e = { c: 0 }));
    e.c++;
    out.push({ key, i, t: new Date(at) });
  }
  return out.length;
}
for (let round = 0; round < 5; round++) {
  const base = Date.now();
  let t0 = performance.now();
  baseline(N, base);
  const baseMs = performance.now() - t0;
  resetRecorder();
  t0 = performance.now();
  for (let i = 0; i < N; i++) record(i, "t1", base + (i % 120) * 1000);
  const ms = performance.now() - t0;
  const s = recorderState();
  console.info(
    `round ${round + 1}: recordApiRequest ${((ms * 1e6) / N).toFixed(0)} ns/call, baseline ${((baseMs * 1e6) / N).toFixed(0)} ns/iteration, ratio ${(ms / baseMs).toFixed(2)} (${s.metricKeys} minute counters, ${s.logRows.toLocaleString()} log rows buffered)`,
  );
}
resetRecorder();

if (process.env.DATABASE_URL) {
  const { pool, closeDb } = await import("../server/db");
  const tenant = (await pool().query<{ id: string }>(`SELECT id FROM tenants LIMIT 1`)).rows[0]?.id;
  if (!tenant) console.info("no tenant in that database: flush not measured");
  else {
    for (const perSecond of [1_000, 10_000]) {
      const base = Date.now();
      for (let i = 0; i < perSecond; i++) record(i, tenant, base);
      const t0 = performance.now();
      await flushApiMetrics();
      console.info(
        `flush of ${perSecond.toLocaleString()} requests (${APIS * RESOURCES * 2} minute counters + ${perSecond.toLocaleString()} log rows): ${(performance.now() - t0).toFixed(0)} ms`,
      );
    }
    await pool().query(`DELETE FROM api_access_log WHERE tenant_id = $1 AND api_id LIKE 'api_'`, [tenant]);
    await pool().query(`DELETE FROM api_metrics_minute WHERE tenant_id = $1 AND api_id LIKE 'api_'`, [tenant]);
  }
  await closeDb();
}

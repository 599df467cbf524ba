import { pool } from "../../../db";
import { assertCan, type Actor } from "../../../auth/permissions";
import { AppError } from "../../../core/errors";
import { addHistogram, emptyHistogram, quantile } from "../../../core/apis/latency-histogram";
import {
  apiExists,
  metricDimensions,
  metricExtent,
  metricSeries,
  searchAccessLog,
  type AccessLogEntry,
  type MetricFilter,
  type SeriesRow,
} from "./metrics.repository";
import { PERIODS, type AccessLogInput, type MetricsInput } from "./metrics.schemas";

// Reads of API metrics and the access log, for the console (tRPC) and REST. Metric names follow
// CloudWatch's AWS/ApiGateway namespace: Count, 4XXError, 5XXError, Latency, IntegrationLatency,
// CacheHitCount, CacheMissCount; for WebSocket APIs also ConnectCount, MessageCount, ClientError,
// IntegrationError and ExecutionError (IntegrationLatency as above).

type Ctx = { actor: Actor; tenant: { id: string } };

const DEFAULT_RANGE_MS = 3 * 3600_000;
const MAX_POINTS = 120;

async function assertApi(c: Ctx, apiId: string) {
  assertCan(c.actor.role, "resource:read");
  if (!(await apiExists(pool(), c.tenant.id, apiId)))
    throw new AppError("not_found", `API ${apiId} not found`, { awsCode: "NotFoundException" });
}

/** The smallest period that keeps the range within MAX_POINTS points. */
export function periodFor(rangeMs: number): number {
  for (const p of PERIODS) if (rangeMs / (p * 1000) <= MAX_POINTS) return p;
  return PERIODS[PERIODS.length - 1]!;
}

export type MetricPoint = {
  time: string;
  count: number;
  errors4xx: number;
  errors5xx: number;
  /** Latency (ms): average, percentiles (estimated from a fixed-bucket histogram), maximum. */
  latencyAvg: number | null;
  latencyP50: number | null;
  latencyP90: number | null;
  latencyP99: number | null;
  latencyMax: number | null;
  integrationLatencyAvg: number | null;
  integrationLatencyMax: number | null;
  cacheHits: number;
  cacheMisses: number;
  /** WebSocket APIs (zero for REST and HTTP APIs). */
  connectCount: number;
  messageCount: number;
  clientErrors: number;
  integrationErrors: number;
  executionErrors: number;
};

const round = (v: number) => Math.round(v * 100) / 100;

function point(time: Date, r: Omit<SeriesRow, "t"> | null): MetricPoint {
  if (!r || r.count === 0)
    return {
      time: time.toISOString(),
      count: 0,
      errors4xx: 0,
      errors5xx: 0,
      latencyAvg: null,
      latencyP50: null,
      latencyP90: null,
      latencyP99: null,
      latencyMax: null,
      integrationLatencyAvg: null,
      integrationLatencyMax: null,
      cacheHits: 0,
      cacheMisses: 0,
      connectCount: 0,
      messageCount: 0,
      clientErrors: 0,
      integrationErrors: 0,
      executionErrors: 0,
    };
  return {
    time: time.toISOString(),
    count: r.count,
    errors4xx: r.errors4xx,
    errors5xx: r.errors5xx,
    latencyAvg: round(r.latencySum / r.count),
    latencyP50: quantile(r.buckets, 0.5, r.latencyMin, r.latencyMax),
    latencyP90: quantile(r.buckets, 0.9, r.latencyMin, r.latencyMax),
    latencyP99: quantile(r.buckets, 0.99, r.latencyMin, r.latencyMax),
    latencyMax: r.latencyMax,
    integrationLatencyAvg: r.integrationCount > 0 ? round(r.integrationLatencySum / r.integrationCount) : null,
    integrationLatencyMax: r.integrationLatencyMax,
    cacheHits: r.cacheHits,
    cacheMisses: r.cacheMisses,
    connectCount: r.connectCount,
    messageCount: r.messageCount,
    clientErrors: r.clientErrors,
    integrationErrors: r.integrationErrors,
    executionErrors: r.executionErrors,
  };
}

function sumRows(rows: SeriesRow[]): Omit<SeriesRow, "t"> {
  const t: Omit<SeriesRow, "t"> = {
    count: 0,
    errors4xx: 0,
    errors5xx: 0,
    latencySum: 0,
    latencyMin: null,
    latencyMax: null,
    integrationCount: 0,
    integrationLatencySum: 0,
    integrationLatencyMax: null,
    cacheHits: 0,
    cacheMisses: 0,
    connectCount: 0,
    messageCount: 0,
    clientErrors: 0,
    integrationErrors: 0,
    executionErrors: 0,
    buckets: emptyHistogram(),
  };
  for (const r of rows) {
    t.count += r.count;
    t.errors4xx += r.errors4xx;
    t.errors5xx += r.errors5xx;
    t.latencySum += r.latencySum;
    if (r.latencyMin !== null) t.latencyMin = Math.min(t.latencyMin ?? Infinity, r.latencyMin);
    if (r.latencyMax !== null) t.latencyMax = Math.max(t.latencyMax ?? -Infinity, r.latencyMax);
    t.integrationCount += r.integrationCount;
    t.integrationLatencySum += r.integrationLatencySum;
    if (r.integrationLatencyMax !== null)
      t.integrationLatencyMax = Math.max(t.integrationLatencyMax ?? -Infinity, r.integrationLatencyMax);
    t.cacheHits += r.cacheHits;
    t.cacheMisses += r.cacheMisses;
    t.connectCount += r.connectCount;
    t.messageCount += r.messageCount;
    t.clientErrors += r.clientErrors;
    t.integrationErrors += r.integrationErrors;
    t.executionErrors += r.executionErrors;
    addHistogram(t.buckets, r.buckets);
  }
  return t;
}

/**
 * An API's metrics over a range (default: the last 3 hours), optionally for one stage, resource
 * and method: one point per period (zero-filled), totals over the same rows, and the stages,
 * resources and methods that have data (for filters). With zoom (the default) the range narrows to
 * where the data is, so a few requests in a 15-day range still show as bars rather than a dot.
 */
export async function getApiMetrics(c: Ctx, input: MetricsInput) {
  await assertApi(c, input.apiId);
  const to = input.to ? new Date(input.to) : new Date();
  const from = input.from ? new Date(input.from) : new Date(to.getTime() - DEFAULT_RANGE_MS);
  const filter: MetricFilter = {
    tenantId: c.tenant.id,
    apiId: input.apiId,
    from,
    to,
    stage: input.stage,
    resource: input.resource,
    method: input.method,
  };
  let start = from.getTime();
  let end = to.getTime();
  if (input.zoom) {
    const extent = await metricExtent(pool(), filter);
    if (extent) {
      const dataStart = extent.first.getTime();
      const dataEnd = extent.last.getTime() + 60_000;
      const pad = Math.max(5 * 60_000, (dataEnd - dataStart) * 0.05);
      start = Math.max(start, dataStart - pad);
      end = Math.min(end, dataEnd + pad);
    }
  }
  const period = input.period ?? periodFor(end - start);
  const ms = period * 1000;
  const first = Math.floor(start / ms) * ms;
  const rows = await metricSeries(pool(), filter, period);
  const byTime = new Map(rows.map((r) => [r.t.getTime(), r]));
  const points: MetricPoint[] = [];
  for (let t = first; t < end; t += ms) points.push(point(new Date(t), byTime.get(t) ?? null));
  // Rows outside the zoomed window cannot exist (zoom only trims empty stretches), so the totals
  // are the sums of the points.
  const totals = point(new Date(first), sumRows(rows));
  const dimensions = await metricDimensions(pool(), {
    ...filter,
    stage: undefined,
    resource: undefined,
    method: undefined,
  });
  return {
    apiId: input.apiId,
    from: new Date(first).toISOString(),
    to: new Date(end).toISOString(),
    requested: { from: from.toISOString(), to: to.toISOString() },
    period,
    points,
    totals: { ...totals, time: undefined, cacheHitRate: cacheRate(totals) },
    dimensions,
  };
}

function cacheRate(p: MetricPoint): number | null {
  const n = p.cacheHits + p.cacheMisses;
  return n === 0 ? null : round(p.cacheHits / n);
}

function entryView(e: AccessLogEntry) {
  return {
    id: e.id,
    time: e.time.toISOString(),
    requestId: e.requestId,
    stage: e.stage,
    method: e.method,
    path: e.path,
    resource: e.resource,
    status: e.status,
    latencyMs: e.latencyMs,
    integrationLatencyMs: e.integrationLatencyMs,
    cache: e.cache,
    sourceIp: e.sourceIp,
    apiKeyId: e.apiKeyId,
    userAgent: e.userAgent,
    responseLength: e.responseLength,
    line: e.line,
  };
}
export type AccessLogView = ReturnType<typeof entryView>;

/** The access log, newest first; `nextCursor` pages on (older rows). */
export async function searchApiAccessLog(c: Ctx, input: AccessLogInput) {
  await assertApi(c, input.apiId);
  const to = input.to ? new Date(input.to) : new Date(Date.now() + 1000);
  const from = input.from ? new Date(input.from) : new Date(to.getTime() - 86400_000);
  let before: { time: Date; id: string } | undefined;
  if (input.cursor) {
    const [t, id] = input.cursor.split(".");
    before = { time: new Date(Number(t)), id: id! };
  }
  const rows = await searchAccessLog(pool(), {
    tenantId: c.tenant.id,
    apiId: input.apiId,
    from,
    to,
    stage: input.stage,
    status: input.status,
    statusClass: input.statusClass ? (Number(input.statusClass[0]) as 2 | 3 | 4 | 5) : undefined,
    method: input.method,
    pathContains: input.path,
    requestId: input.requestId,
    apiKeyId: input.apiKeyId,
    sourceIp: input.ip,
    before,
    limit: input.limit + 1,
  });
  const more = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    entries: page.map(entryView),
    nextCursor: more && last ? `${last.time.getTime()}.${last.id}` : null,
  };
}

import { pool } from "../../../db";
import { logger } from "../../../logger";
import { bucketOf, emptyHistogram } from "../../../core/apis/latency-histogram";
import { addMetricRows, insertAccessLog, type AccessLogRow, type MetricRow } from "./metrics.repository";

// The gateway's metrics and access log, off the hot path. Each finished request costs one call
// here: a Map lookup and a few additions into that minute's counters (per API, stage, resource,
// method), and one object pushed onto the access-log buffer. A timer flushes about once a second:
// one upsert of every touched minute (adding to what other processes wrote) and one multi-row
// insert of the buffered log rows. A failed flush keeps its rows for the next one; the log buffer
// is bounded (oldest rows dropped, counted and warned about) so a long PostgreSQL outage cannot
// grow the process's memory. A crash loses at most the last second; a graceful stop flushes
// (server/main/web.ts → flushApiMetrics).

export type ApiRequestRecord = {
  tenantId: string;
  apiId: string;
  stage: string;
  /** The matched resource path or route key; null when nothing matched. */
  resource: string | null;
  method: string;
  path: string;
  status: number;
  /** When the request arrived (epoch ms): the minute it counts in, the log row's time. */
  startedAt: number;
  latencyMs: number;
  /** Time spent in the integration; null when the request never reached one (cache hit, 4XX before it). */
  integrationLatencyMs: number | null;
  cache: "hit" | "miss" | null;
  requestId: string;
  sourceIp: string | null;
  apiKeyId: string | null;
  userAgent: string | null;
  responseLength: number | null;
  /** The stage's formatted access-log line, when the stage has accessLogSettings. */
  line: string | null;
  /**
   * WebSocket APIs: what kind of error this was, as CloudWatch counts them (ClientError: a 4XX
   * before the integration; IntegrationError: the integration answered 4XX/5XX; ExecutionError:
   * calling the integration failed).
   */
  wsError?: "client" | "integration" | "execution";
};

/** How often the buffers are written (SIGNALBOX_API_METRICS_FLUSH_MS; tests stretch it to see the stop flush). */
const FLUSH_MS = Number(process.env.SIGNALBOX_API_METRICS_FLUSH_MS ?? 1_000);
/** Log rows kept while PostgreSQL does not take them. */
export const MAX_BUFFERED_LOG_ROWS = Number(process.env.SIGNALBOX_API_LOG_BUFFER ?? 50_000);
/** Minute counters kept while PostgreSQL does not take them (each is one API × stage × resource × method × minute). */
const MAX_METRIC_KEYS = 20_000;
const MAX_FIELD = 2048;

const metrics = new Map<string, MetricRow>();
// Each row is kept as its JSON text (one string) from the moment it is recorded: a second's rows
// outlive several young-generation collections, and one flat string per row is far less for the
// collector to copy than the row's object with its strings and Date; the flush only joins them.
let logRows: string[] = [];
let dropped = 0;
let droppedSinceWarn = 0;
let timer: NodeJS.Timeout | undefined;
let flushing: Promise<void> | null = null;

const clip = (s: string | null) => (s !== null && s.length > MAX_FIELD ? s.slice(0, MAX_FIELD) : s);

type MetricKey = { tenantId: string; apiId: string; stage: string; resource: string | null; method: string };

/** The minute's counters of one API × stage × resource × method (null: too many keys buffered). */
function metricRow(r: MetricKey, at: number): MetricRow | null {
  const minuteMs = at - (at % 60_000);
  const resource = r.resource ?? "-";
  const key = `${r.tenantId}\u0000${r.apiId}\u0000${minuteMs}\u0000${r.stage}\u0000${resource}\u0000${r.method}`;
  let m = metrics.get(key);
  if (!m) {
    if (metrics.size >= MAX_METRIC_KEYS) return null;
    m = {
      tenantId: r.tenantId,
      apiId: r.apiId,
      stage: r.stage,
      resource,
      method: r.method,
      minute: new Date(minuteMs),
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
      clientErrors: 0,
      integrationErrors: 0,
      executionErrors: 0,
      messagesSent: 0,
      buckets: emptyHistogram(),
    };
    metrics.set(key, m);
  }
  ensureTimer();
  return m;
}

/**
 * Counts one frame a WebSocket API sent to a client (a route response; an @connections POST, with
 * no route key): part of CloudWatch's MessageCount ("messages sent to the WebSocket API, either from
 * or to the client"), counted by the web process that sends it. Never throws, never waits.
 */
export function recordWsMessageSent(r: Omit<MetricKey, "method">, at = Date.now()): void {
  const m = metricRow({ ...r, method: "MESSAGE" }, at);
  if (!m) return void countDropped(1);
  m.messagesSent++;
}

/** Counts one finished gateway request. Never throws, never waits. */
export function recordApiRequest(r: ApiRequestRecord): void {
  const m = metricRow(r, r.startedAt);
  if (!m) return void countDropped(1);
  const lat = r.latencyMs;
  m.count++;
  if (r.status >= 400 && r.status < 500) m.errors4xx++;
  else if (r.status >= 500) m.errors5xx++;
  m.latencySum += lat;
  if (m.latencyMin === null || lat < m.latencyMin) m.latencyMin = lat;
  if (m.latencyMax === null || lat > m.latencyMax) m.latencyMax = lat;
  m.buckets[bucketOf(lat)]!++;
  if (r.integrationLatencyMs !== null) {
    m.integrationCount++;
    m.integrationLatencySum += r.integrationLatencyMs;
    if (m.integrationLatencyMax === null || r.integrationLatencyMs > m.integrationLatencyMax)
      m.integrationLatencyMax = r.integrationLatencyMs;
  }
  if (r.cache === "hit") m.cacheHits++;
  else if (r.cache === "miss") m.cacheMisses++;
  if (r.wsError === "client") m.clientErrors++;
  else if (r.wsError === "integration") m.integrationErrors++;
  else if (r.wsError === "execution") m.executionErrors++;

  const row: AccessLogRow = {
    tenantId: r.tenantId,
    apiId: r.apiId,
    stage: r.stage,
    time: new Date(r.startedAt),
    requestId: r.requestId,
    method: r.method,
    path: clip(r.path)!,
    resource: r.resource,
    status: r.status,
    latencyMs: lat,
    integrationLatencyMs: r.integrationLatencyMs,
    cache: r.cache,
    sourceIp: r.sourceIp,
    apiKeyId: r.apiKeyId,
    userAgent: clip(r.userAgent),
    responseLength: r.responseLength,
    line: clip(r.line),
  };
  logRows.push(JSON.stringify(row));
  if (logRows.length > MAX_BUFFERED_LOG_ROWS) trimLog();
}

function ensureTimer() {
  if (!timer) {
    timer = setTimeout(() => void flushApiMetrics(), FLUSH_MS);
    timer.unref();
  }
}

function trimLog() {
  // Drop the oldest tenth at once (one splice rather than one shift per request while full).
  const n = logRows.length - MAX_BUFFERED_LOG_ROWS + Math.ceil(MAX_BUFFERED_LOG_ROWS / 10);
  logRows.splice(0, n);
  countDropped(n);
}

function countDropped(n: number) {
  dropped += n;
  if (droppedSinceWarn === 0) {
    setTimeout(() => {
      logger.warn(
        { dropped: droppedSinceWarn, total: dropped },
        "api access log / metrics dropped: PostgreSQL is behind",
      );
      droppedSinceWarn = 0;
    }, 10_000).unref();
  }
  droppedSinceWarn += n;
}

function mergeBack(rows: MetricRow[]) {
  for (const r of rows) {
    const key = `${r.tenantId}\u0000${r.apiId}\u0000${r.minute.getTime()}\u0000${r.stage}\u0000${r.resource}\u0000${r.method}`;
    const m = metrics.get(key);
    if (!m) {
      if (metrics.size >= MAX_METRIC_KEYS) countDropped(r.count);
      else metrics.set(key, r);
      continue;
    }
    m.count += r.count;
    m.errors4xx += r.errors4xx;
    m.errors5xx += r.errors5xx;
    m.latencySum += r.latencySum;
    m.latencyMin = m.latencyMin === null ? r.latencyMin : Math.min(m.latencyMin, r.latencyMin ?? Infinity);
    m.latencyMax = m.latencyMax === null ? r.latencyMax : Math.max(m.latencyMax, r.latencyMax ?? -Infinity);
    m.integrationCount += r.integrationCount;
    m.integrationLatencySum += r.integrationLatencySum;
    if (r.integrationLatencyMax !== null)
      m.integrationLatencyMax = Math.max(m.integrationLatencyMax ?? -Infinity, r.integrationLatencyMax);
    m.cacheHits += r.cacheHits;
    m.cacheMisses += r.cacheMisses;
    m.clientErrors += r.clientErrors;
    m.integrationErrors += r.integrationErrors;
    m.executionErrors += r.executionErrors;
    m.messagesSent += r.messagesSent;
    for (let i = 0; i < r.buckets.length; i++) m.buckets[i] = (m.buckets[i] ?? 0) + r.buckets[i]!;
  }
}

async function flushOnce(): Promise<void> {
  timer = undefined;
  if (metrics.size === 0 && logRows.length === 0) return;
  const rows = [...metrics.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, v]) => v);
  metrics.clear();
  const log = logRows;
  logRows = [];
  let failed = false;
  try {
    await addMetricRows(pool(), rows);
  } catch (err) {
    failed = true;
    mergeBack(rows);
    logger.warn({ err, rows: rows.length }, "api metrics flush failed; kept for the next one");
  }
  try {
    for (let i = 0; i < log.length; i += 1_000) await insertAccessLog(pool(), log.slice(i, i + 1_000));
  } catch (err) {
    failed = true;
    // The batch goes back in front of what arrived meanwhile (a partly written batch may repeat rows).
    logRows = log.concat(logRows);
    if (logRows.length > MAX_BUFFERED_LOG_ROWS) trimLog();
    logger.warn({ err, rows: log.length }, "api access log flush failed; kept for the next one");
  }
  if ((failed || metrics.size > 0 || logRows.length > 0) && !timer) {
    timer = setTimeout(() => void flushApiMetrics(), failed ? FLUSH_MS * 5 : FLUSH_MS);
    timer.unref();
  }
}

/** Writes what is buffered now (the timer calls it; so does the web process's graceful stop). */
export async function flushApiMetrics(): Promise<void> {
  while (flushing) await flushing;
  if (timer) {
    clearTimeout(timer);
    timer = undefined;
  }
  flushing = flushOnce().finally(() => {
    flushing = null;
  });
  await flushing;
}

/** For tests and the bench: what is waiting, and how many rows were dropped so far. */
export function recorderState(): { metricKeys: number; logRows: number; dropped: number } {
  return { metricKeys: metrics.size, logRows: logRows.length, dropped };
}

/** For the bench: forget everything buffered (no write). */
export function resetRecorder(): void {
  metrics.clear();
  logRows = [];
  if (timer) clearTimeout(timer);
  timer = undefined;
}

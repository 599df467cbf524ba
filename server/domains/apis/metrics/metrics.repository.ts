import type { Queryable } from "../../../db";

// SQL of API metrics (api_metrics_minute) and the access log (api_access_log): the recorder's
// batched writes, the console's and REST door's reads, and retention.

export type MetricRow = {
  tenantId: string;
  apiId: string;
  stage: string;
  resource: string;
  method: string;
  minute: Date;
  count: number;
  errors4xx: number;
  errors5xx: number;
  latencySum: number;
  latencyMin: number | null;
  latencyMax: number | null;
  integrationCount: number;
  integrationLatencySum: number;
  integrationLatencyMax: number | null;
  cacheHits: number;
  cacheMisses: number;
  clientErrors: number;
  integrationErrors: number;
  executionErrors: number;
  /** WebSocket APIs: frames sent to clients (route responses, @connections POSTs), part of MessageCount. */
  messagesSent: number;
  buckets: number[];
};

/** Adds a flush's per-minute counters (one statement; rows sorted so concurrent flushes lock in one order). */
export async function addMetricRows(db: Queryable, rows: MetricRow[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <K extends keyof MetricRow>(k: K) => rows.map((r) => r[k]);
  await db.query(
    `INSERT INTO api_metrics_minute AS m (tenant_id, api_id, stage, resource, method, minute, count, errors_4xx,
       errors_5xx, latency_sum, latency_min, latency_max, integration_count, integration_latency_sum,
       integration_latency_max, cache_hits, cache_misses, latency_buckets, client_errors, integration_errors,
       execution_errors, messages_sent)
     SELECT t, a, s, r, me, mi, c, e4, e5, ls, lmin, lmax, ic, ils, ilmax, ch, cm, b::int[], ce, ie, ee, ms
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::bigint[],
       $8::bigint[], $9::bigint[], $10::float8[], $11::float8[], $12::float8[], $13::bigint[], $14::float8[],
       $15::float8[], $16::bigint[], $17::bigint[], $18::text[], $19::bigint[], $20::bigint[], $21::bigint[],
       $22::bigint[])
       AS x(t, a, s, r, me, mi, c, e4, e5, ls, lmin, lmax, ic, ils, ilmax, ch, cm, b, ce, ie, ee, ms)
     ON CONFLICT (tenant_id, api_id, minute, stage, resource, method) DO UPDATE SET
       count = m.count + EXCLUDED.count,
       errors_4xx = m.errors_4xx + EXCLUDED.errors_4xx,
       errors_5xx = m.errors_5xx + EXCLUDED.errors_5xx,
       latency_sum = m.latency_sum + EXCLUDED.latency_sum,
       latency_min = LEAST(m.latency_min, EXCLUDED.latency_min),
       latency_max = GREATEST(m.latency_max, EXCLUDED.latency_max),
       integration_count = m.integration_count + EXCLUDED.integration_count,
       integration_latency_sum = m.integration_latency_sum + EXCLUDED.integration_latency_sum,
       integration_latency_max = GREATEST(m.integration_latency_max, EXCLUDED.integration_latency_max),
       cache_hits = m.cache_hits + EXCLUDED.cache_hits,
       cache_misses = m.cache_misses + EXCLUDED.cache_misses,
       client_errors = m.client_errors + EXCLUDED.client_errors,
       integration_errors = m.integration_errors + EXCLUDED.integration_errors,
       execution_errors = m.execution_errors + EXCLUDED.execution_errors,
       messages_sent = m.messages_sent + EXCLUDED.messages_sent,
       latency_buckets = ARRAY(
         SELECT coalesce(o, 0) + coalesce(n, 0)
         FROM unnest(m.latency_buckets, EXCLUDED.latency_buckets) WITH ORDINALITY AS u(o, n, i) ORDER BY i)`,
    [
      col("tenantId"),
      col("apiId"),
      col("stage"),
      col("resource"),
      col("method"),
      col("minute"),
      col("count"),
      col("errors4xx"),
      col("errors5xx"),
      col("latencySum"),
      col("latencyMin"),
      col("latencyMax"),
      col("integrationCount"),
      col("integrationLatencySum"),
      col("integrationLatencyMax"),
      col("cacheHits"),
      col("cacheMisses"),
      rows.map((r) => `{${r.buckets.join(",")}}`),
      col("clientErrors"),
      col("integrationErrors"),
      col("executionErrors"),
      col("messagesSent"),
    ],
  );
}

export type AccessLogRow = {
  tenantId: string;
  apiId: string;
  stage: string;
  time: Date;
  requestId: string;
  method: string;
  path: string;
  resource: string | null;
  status: number;
  latencyMs: number;
  integrationLatencyMs: number | null;
  cache: "hit" | "miss" | null;
  sourceIp: string | null;
  apiKeyId: string | null;
  userAgent: string | null;
  responseLength: number | null;
  line: string | null;
};

/**
 * Appends access-log rows (one multi-row statement). The rows travel as ONE JSON text (native
 * JSON.stringify, well under a millisecond for a second's rows), where 17 array parameters were each turned into a PostgreSQL array literal in JavaScript,
 * element by element: at 1,000 requests/s that took the event loop for several milliseconds once a
 * second, long enough to show in the gateway's p99.
 */
export async function insertAccessLog(db: Queryable, rows: AccessLogRow[] | readonly string[]): Promise<void> {
  if (rows.length === 0) return;
  // Rows may come already serialized (the recorder keeps each as its JSON text).
  const json = typeof rows[0] === "string" ? `[${(rows as readonly string[]).join(",")}]` : JSON.stringify(rows);
  await db.query(
    `INSERT INTO api_access_log (tenant_id, api_id, stage, time, request_id, method, path, resource, status,
       latency_ms, integration_latency_ms, cache, source_ip, api_key_id, user_agent, response_length, line)
     SELECT "tenantId", "apiId", stage, time, "requestId", method, path, resource, status, "latencyMs",
       "integrationLatencyMs", cache, "sourceIp", "apiKeyId", "userAgent", "responseLength", line
     FROM json_to_recordset($1::json) AS r("tenantId" text, "apiId" text, stage text, time timestamptz,
       "requestId" text, method text, path text, resource text, status int, "latencyMs" float8,
       "integrationLatencyMs" float8, cache text, "sourceIp" text, "apiKeyId" text, "userAgent" text,
       "responseLength" int, line text)`,
    [json],
  );
}

/** Whether the tenant has a REST, HTTP or WebSocket API with this id. */
export async function apiExists(db: Queryable, tenantId: string, apiId: string): Promise<boolean> {
  const r = await db.query(
    `SELECT 1 FROM rest_apis WHERE tenant_id = $1 AND id = $2
     UNION ALL SELECT 1 FROM http_apis WHERE tenant_id = $1 AND id = $2
     UNION ALL SELECT 1 FROM ws_apis WHERE tenant_id = $1 AND id = $2 LIMIT 1`,
    [tenantId, apiId],
  );
  return (r.rowCount ?? 0) > 0;
}

export type MetricFilter = {
  tenantId: string;
  apiId: string;
  from: Date;
  to: Date;
  stage?: string;
  resource?: string;
  method?: string;
};

function metricWhere(f: MetricFilter, params: unknown[]): string {
  params.push(f.tenantId, f.apiId, f.from, f.to);
  let w = `tenant_id = $1 AND api_id = $2 AND minute >= $3 AND minute < $4`;
  if (f.stage !== undefined) w += ` AND stage = $${params.push(f.stage)}`;
  if (f.resource !== undefined) w += ` AND resource = $${params.push(f.resource)}`;
  if (f.method !== undefined) w += ` AND method = $${params.push(f.method)}`;
  return w;
}

/** First and last minute with data under the filter (null when none). */
export async function metricExtent(db: Queryable, f: MetricFilter): Promise<{ first: Date; last: Date } | null> {
  const params: unknown[] = [];
  const r = await db.query<{ first: Date | null; last: Date | null }>(
    `SELECT min(minute) AS first, max(minute) AS last FROM api_metrics_minute WHERE ${metricWhere(f, params)}`,
    params,
  );
  const row = r.rows[0];
  return row?.first && row.last ? { first: row.first, last: row.last } : null;
}

export type SeriesRow = {
  t: Date;
  count: number;
  errors4xx: number;
  errors5xx: number;
  latencySum: number;
  latencyMin: number | null;
  latencyMax: number | null;
  integrationCount: number;
  integrationLatencySum: number;
  integrationLatencyMax: number | null;
  cacheHits: number;
  cacheMisses: number;
  /** WebSocket APIs: ConnectCount (CONNECT rows), MessageCount (MESSAGE rows and frames sent) and the error kinds. */
  connectCount: number;
  messageCount: number;
  clientErrors: number;
  integrationErrors: number;
  executionErrors: number;
  buckets: number[];
};

/** Sums per period (seconds, epoch-aligned), histograms summed element by element. */
export async function metricSeries(db: Queryable, f: MetricFilter, periodSeconds: number): Promise<SeriesRow[]> {
  const params: unknown[] = [];
  const where = metricWhere(f, params);
  const p = `$${params.push(periodSeconds)}`;
  const r = await db.query<SeriesRow>(
    `WITH rows AS (
       SELECT to_timestamp(floor(extract(epoch FROM minute) / ${p}::int) * ${p}::int) AS t, *
       FROM api_metrics_minute WHERE ${where}
     ), hist AS (
       SELECT t, array_agg(n ORDER BY i) AS buckets FROM (
         SELECT t, i, sum(v)::int AS n FROM rows, unnest(latency_buckets) WITH ORDINALITY AS u(v, i) GROUP BY t, i
       ) h GROUP BY t
     )
     SELECT rows.t, sum(count)::float8 AS "count", sum(errors_4xx)::float8 AS "errors4xx",
       sum(errors_5xx)::float8 AS "errors5xx", sum(latency_sum) AS "latencySum", min(latency_min) AS "latencyMin",
       max(latency_max) AS "latencyMax", sum(integration_count)::float8 AS "integrationCount",
       sum(integration_latency_sum) AS "integrationLatencySum", max(integration_latency_max) AS "integrationLatencyMax",
       sum(cache_hits)::float8 AS "cacheHits", sum(cache_misses)::float8 AS "cacheMisses",
       coalesce(sum(count) FILTER (WHERE method = 'CONNECT'), 0)::float8 AS "connectCount",
       (coalesce(sum(count) FILTER (WHERE method = 'MESSAGE'), 0) + sum(messages_sent))::float8 AS "messageCount",
       sum(client_errors)::float8 AS "clientErrors", sum(integration_errors)::float8 AS "integrationErrors",
       sum(execution_errors)::float8 AS "executionErrors",
       coalesce(min(hist.buckets), '{}') AS buckets
     FROM rows LEFT JOIN hist ON hist.t = rows.t GROUP BY rows.t ORDER BY rows.t`,
    params,
  );
  return r.rows;
}

/** The stages, resources and methods with data in the range (for the console's filters). */
export async function metricDimensions(
  db: Queryable,
  f: MetricFilter,
): Promise<Array<{ stage: string; resource: string; method: string }>> {
  const params: unknown[] = [];
  const r = await db.query<{ stage: string; resource: string; method: string }>(
    `SELECT DISTINCT stage, resource, method FROM api_metrics_minute WHERE ${metricWhere(f, params)}
     ORDER BY stage, resource, method LIMIT 500`,
    params,
  );
  return r.rows;
}

export type AccessLogFilter = {
  tenantId: string;
  apiId: string;
  from: Date;
  to: Date;
  stage?: string;
  status?: number;
  statusClass?: 2 | 3 | 4 | 5;
  method?: string;
  pathContains?: string;
  requestId?: string;
  apiKeyId?: string;
  sourceIp?: string;
  /** Keyset: rows strictly older than (time, id). */
  before?: { time: Date; id: string };
  limit: number;
};

export type AccessLogEntry = AccessLogRow & { id: string };

/** Newest first, keyset paging on (time, id). */
export async function searchAccessLog(db: Queryable, f: AccessLogFilter): Promise<AccessLogEntry[]> {
  const params: unknown[] = [f.tenantId, f.apiId, f.from, f.to];
  let w = `tenant_id = $1 AND api_id = $2 AND time >= $3 AND time < $4`;
  if (f.stage !== undefined) w += ` AND stage = $${params.push(f.stage)}`;
  if (f.status !== undefined) w += ` AND status = $${params.push(f.status)}`;
  if (f.statusClass !== undefined) {
    const lo = f.statusClass * 100;
    w += ` AND status >= $${params.push(lo)} AND status < $${params.push(lo + 100)}`;
  }
  if (f.method !== undefined) w += ` AND method = $${params.push(f.method)}`;
  if (f.pathContains !== undefined) w += ` AND strpos(lower(path), lower($${params.push(f.pathContains)})) > 0`;
  if (f.requestId !== undefined) w += ` AND request_id = $${params.push(f.requestId)}`;
  if (f.apiKeyId !== undefined) w += ` AND api_key_id = $${params.push(f.apiKeyId)}`;
  if (f.sourceIp !== undefined) w += ` AND source_ip = $${params.push(f.sourceIp)}`;
  if (f.before)
    w += ` AND (time, id) < ($${params.push(f.before.time)}::timestamptz, $${params.push(f.before.id)}::bigint)`;
  const r = await db.query<AccessLogEntry>(
    `SELECT id::text, tenant_id AS "tenantId", api_id AS "apiId", stage, time, request_id AS "requestId", method,
       path, resource, status, latency_ms AS "latencyMs", integration_latency_ms AS "integrationLatencyMs", cache,
       source_ip AS "sourceIp", api_key_id AS "apiKeyId", user_agent AS "userAgent",
       response_length AS "responseLength", line
     FROM api_access_log WHERE ${w} ORDER BY time DESC, id DESC LIMIT $${params.push(f.limit)}`,
    params,
  );
  return r.rows;
}

/** Retention: deletes up to `batch` rows older than the cutoffs; returns how many went. */
export async function deleteOldAccessLog(db: Queryable, before: Date, batch: number): Promise<number> {
  const r = await db.query(
    `DELETE FROM api_access_log WHERE id IN (SELECT id FROM api_access_log WHERE time < $1 LIMIT $2)`,
    [before, batch],
  );
  return r.rowCount ?? 0;
}

export async function deleteOldMetrics(db: Queryable, before: Date, batch: number): Promise<number> {
  const r = await db.query(
    `DELETE FROM api_metrics_minute WHERE ctid IN (SELECT ctid FROM api_metrics_minute WHERE minute < $1 LIMIT $2)`,
    [before, batch],
  );
  return r.rowCount ?? 0;
}

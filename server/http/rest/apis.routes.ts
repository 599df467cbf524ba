import { z } from "zod";
import { defineRoute } from "./route";
import { accessLogQuery, metricsQuery } from "../../domains/apis/metrics/metrics.schemas";
import { getApiMetrics, searchApiAccessLog } from "../../domains/apis/metrics/metrics.service";

// REST for API Gateway metrics and access logs (/api/v1/apis/:apiId/...): the console's queries.

const ms = z.number().nullable();
const point = z.object({
  time: z.string().optional(),
  count: z.number(),
  errors4xx: z.number(),
  errors5xx: z.number(),
  latencyAvg: ms,
  latencyP50: ms,
  latencyP90: ms,
  latencyP99: ms,
  latencyMax: ms,
  integrationLatencyAvg: ms,
  integrationLatencyMax: ms,
  cacheHits: z.number(),
  cacheMisses: z.number(),
});

const entry = z.object({
  id: z.string(),
  time: z.string(),
  requestId: z.string(),
  stage: z.string(),
  method: z.string(),
  path: z.string(),
  resource: z.string().nullable(),
  status: z.number(),
  latencyMs: z.number(),
  integrationLatencyMs: ms,
  cache: z.enum(["hit", "miss"]).nullable(),
  sourceIp: z.string().nullable(),
  apiKeyId: z.string().nullable(),
  userAgent: z.string().nullable(),
  responseLength: z.number().nullable(),
  line: z.string().nullable(),
});

export const apiRoutes = [
  defineRoute({
    method: "GET",
    path: "/api/v1/apis/:apiId/metrics",
    tag: "apis",
    summary:
      "An API's metrics (Count, 4XXError, 5XXError, Latency with p50/p90/p99, IntegrationLatency, CacheHitCount, CacheMissCount; for WebSocket APIs also ConnectCount, MessageCount, ClientError, IntegrationError, ExecutionError) per period over a range (ISO from/to, default the last 3 hours), optionally for one stage, resource and method. zoom=false keeps the range as asked; period (seconds) overrides the automatic one.",
    query: metricsQuery,
    response: z.object({
      apiId: z.string(),
      from: z.string(),
      to: z.string(),
      requested: z.object({ from: z.string(), to: z.string() }),
      period: z.number(),
      points: z.array(point),
      totals: point.extend({ cacheHitRate: z.number().nullable() }),
      dimensions: z.array(z.object({ stage: z.string(), resource: z.string(), method: z.string() })),
    }),
    handler: async (ctx, { query }) => getApiMetrics(ctx, { ...query, apiId: ctx.params.apiId! }),
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/apis/:apiId/access-log",
    tag: "apis",
    summary:
      "An API's access log, newest first: filter by time range (default the last 24 hours), stage, status or statusClass (2xx..5xx), method, path substring, requestId, apiKeyId, ip; pass nextCursor as cursor for older entries.",
    query: accessLogQuery,
    response: z.object({ entries: z.array(entry), nextCursor: z.string().nullable() }),
    handler: async (ctx, { query }) => searchApiAccessLog(ctx, { ...query, apiId: ctx.params.apiId! }),
  }),
];

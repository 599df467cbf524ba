-- API Gateway metrics and access log (issue 11). The gateway records every finished request in
-- memory (server/domains/apis/metrics/recorder.ts) and flushes about once a second: one upsert of
-- per-minute counters, one multi-row insert of access-log rows. The api_id is a REST, HTTP or
-- WebSocket API's id (no foreign key to one API table: rows outlive a deleted API until the
-- retention job drops them, as CloudWatch keeps a deleted API's metrics).

-- Per API, stage, resource (route) and method, and minute: CloudWatch's AWS/ApiGateway metrics
-- with the "ApiName, Stage, Resource, Method" dimensions. latency_buckets is a fixed-bound
-- histogram of Latency (bounds in server/core/apis/latency-histogram.ts) for p50/p90/p99.
CREATE TABLE "api_metrics_minute" (
    "tenant_id" TEXT NOT NULL,
    "api_id" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,
    "errors_4xx" BIGINT NOT NULL DEFAULT 0,
    "errors_5xx" BIGINT NOT NULL DEFAULT 0,
    "latency_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "latency_min" DOUBLE PRECISION,
    "latency_max" DOUBLE PRECISION,
    "integration_count" BIGINT NOT NULL DEFAULT 0,
    "integration_latency_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "integration_latency_max" DOUBLE PRECISION,
    "cache_hits" BIGINT NOT NULL DEFAULT 0,
    "cache_misses" BIGINT NOT NULL DEFAULT 0,
    "latency_buckets" INTEGER[] NOT NULL,
    CONSTRAINT "api_metrics_minute_pkey" PRIMARY KEY ("tenant_id", "api_id", "minute", "stage", "resource", "method")
);
CREATE INDEX "api_metrics_minute_minute_idx" ON "api_metrics_minute"("minute");
ALTER TABLE "api_metrics_minute" ADD CONSTRAINT "api_metrics_minute_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One row per finished request; searched newest first with keyset paging on (time, id).
CREATE TABLE "api_access_log" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "api_id" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "request_id" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "resource" TEXT,
    "status" INTEGER NOT NULL,
    "latency_ms" DOUBLE PRECISION NOT NULL,
    "integration_latency_ms" DOUBLE PRECISION,
    "cache" TEXT,
    "source_ip" TEXT,
    "api_key_id" TEXT,
    "user_agent" TEXT,
    "response_length" INTEGER,
    -- The stage's accessLogSettings.format filled in, when the stage has one.
    "line" TEXT,
    CONSTRAINT "api_access_log_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "api_access_log_tenant_id_api_id_time_id_idx" ON "api_access_log"("tenant_id", "api_id", "time", "id");
CREATE INDEX "api_access_log_tenant_id_request_id_idx" ON "api_access_log"("tenant_id", "request_id");
CREATE INDEX "api_access_log_time_idx" ON "api_access_log"("time");
ALTER TABLE "api_access_log" ADD CONSTRAINT "api_access_log_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Inbound event sources (issue 9, "Events from SaaS apps"): HTTPS ingest URLs on an event bus that
-- verify the sender's signature (Standard Webhooks, GitHub, Stripe or a shared token) and put each
-- request on the bus as an event. Sources cascade from their tenant and their bus; the request log
-- and the seen delivery ids cascade from their source.

CREATE TABLE "event_sources" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "bus_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    -- standard-webhooks | github | stripe | token
    "kind" TEXT NOT NULL,
    -- The signing secret (or token), sealed under the master key (platform/secrets.ts).
    "secret_enc" TEXT NOT NULL,
    -- The header that carries the shared token (kind "token" only).
    "token_header" TEXT,
    -- After a rotation with an overlap, the previous secret is still accepted until it expires.
    "previous_secret_enc" TEXT,
    "previous_expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rotated_at" TIMESTAMPTZ(3),
    CONSTRAINT "event_sources_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "event_sources_bus_id_name_key" ON "event_sources"("bus_id", "name");
CREATE INDEX "event_sources_tenant_id_idx" ON "event_sources"("tenant_id");
ALTER TABLE "event_sources" ADD CONSTRAINT "event_sources_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "event_sources" ADD CONSTRAINT "event_sources_bus_id_fkey" FOREIGN KEY ("bus_id") REFERENCES "event_buses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Recent requests per source (accepted or refused, with why); trimmed to the newest few hundred.
CREATE TABLE "event_source_requests" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "source_id" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- The HTTP status answered (202 accepted, 401, 409, 400, 413, 500).
    "status" INTEGER NOT NULL,
    "delivery_id" TEXT,
    "detail_type" TEXT,
    "event_id" TEXT,
    "reason" TEXT,
    CONSTRAINT "event_source_requests_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "event_source_requests_source_id_id_idx" ON "event_source_requests"("source_id", "id");
CREATE INDEX "event_source_requests_tenant_id_idx" ON "event_source_requests"("tenant_id");
ALTER TABLE "event_source_requests" ADD CONSTRAINT "event_source_requests_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "event_source_requests" ADD CONSTRAINT "event_source_requests_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "event_sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Delivery ids already accepted per source: a second request with the same id is a replay. Rows
-- older than the remembering window are deleted as new ones arrive.
CREATE TABLE "event_source_seen" (
    "source_id" TEXT NOT NULL,
    "delivery_id" TEXT NOT NULL,
    "seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "event_source_seen_pkey" PRIMARY KEY ("source_id", "delivery_id")
);
CREATE INDEX "event_source_seen_seen_at_idx" ON "event_source_seen"("seen_at");
ALTER TABLE "event_source_seen" ADD CONSTRAINT "event_source_seen_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "event_sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

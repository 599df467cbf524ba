-- Archives, replays and the schema registry (EventBridge archives/replays, EventBridge Schemas).
-- Resources reference "tenants" (ON DELETE CASCADE); archived events, schema versions and shape
-- samples hang off their archive, schema or discoverer, so the hot archive insert carries one key.

CREATE TABLE "event_archives" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "bus_id" TEXT NOT NULL,
    "event_source_arn" TEXT NOT NULL,
    "description" TEXT,
    -- The pattern exactly as given (DescribeArchive echoes it); NULL archives every event.
    "event_pattern" TEXT,
    -- 0 = keep forever (AWS's RetentionDays semantics).
    "retention_days" INTEGER NOT NULL DEFAULT 0,
    -- ENABLED | DISABLED | CREATING | UPDATING | CREATE_FAILED | UPDATE_FAILED
    "state" TEXT NOT NULL DEFAULT 'ENABLED',
    "state_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "event_archives_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "event_archives_arn_key" ON "event_archives"("arn");
CREATE UNIQUE INDEX "event_archives_tenant_id_name_key" ON "event_archives"("tenant_id", "name");
CREATE INDEX "event_archives_bus_id_idx" ON "event_archives"("bus_id");
ALTER TABLE "event_archives" ADD CONSTRAINT "event_archives_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "event_archives" ADD CONSTRAINT "event_archives_bus_id_fkey" FOREIGN KEY ("bus_id") REFERENCES "event_buses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "archived_events" (
    "id" BIGSERIAL NOT NULL,
    "archive_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    -- The event's own `time` (replay windows select on it) and when it was archived (retention).
    "event_time" TIMESTAMPTZ(3) NOT NULL,
    "archived_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- The envelope as stored by the bus (text keeps AWS's key order).
    "envelope" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    CONSTRAINT "archived_events_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "archived_events_archive_id_event_time_id_idx" ON "archived_events"("archive_id", "event_time", "id");
CREATE INDEX "archived_events_archive_id_archived_at_idx" ON "archived_events"("archive_id", "archived_at");
ALTER TABLE "archived_events" ADD CONSTRAINT "archived_events_archive_id_fkey" FOREIGN KEY ("archive_id") REFERENCES "event_archives"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "event_replays" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    -- The archive may be deleted while its replays stay listed (AWS keeps them).
    "archive_id" TEXT,
    "event_source_arn" TEXT NOT NULL,
    "description" TEXT,
    "destination_arn" TEXT NOT NULL,
    "filter_arns" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "event_start_time" TIMESTAMPTZ(3) NOT NULL,
    "event_end_time" TIMESTAMPTZ(3) NOT NULL,
    -- STARTING | RUNNING | CANCELLING | COMPLETED | CANCELLED | FAILED
    "state" TEXT NOT NULL DEFAULT 'STARTING',
    "state_reason" TEXT,
    -- Progress, committed with each batch: the last archived event replayed (event_time, id).
    "cursor_time" TIMESTAMPTZ(3),
    "cursor_id" BIGINT,
    "replayed_count" INTEGER NOT NULL DEFAULT 0,
    "total_count" INTEGER,
    "event_last_replayed_time" TIMESTAMPTZ(3),
    "replay_start_time" TIMESTAMPTZ(3),
    "replay_end_time" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "event_replays_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "event_replays_arn_key" ON "event_replays"("arn");
CREATE UNIQUE INDEX "event_replays_tenant_id_name_key" ON "event_replays"("tenant_id", "name");
ALTER TABLE "event_replays" ADD CONSTRAINT "event_replays_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "event_replays" ADD CONSTRAINT "event_replays_archive_id_fkey" FOREIGN KEY ("archive_id") REFERENCES "event_archives"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "schema_registries" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "description" TEXT,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "schema_registries_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "schema_registries_tenant_id_name_key" ON "schema_registries"("tenant_id", "name");
ALTER TABLE "schema_registries" ADD CONSTRAINT "schema_registries_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "schemas" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "registry_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    -- OpenApi3 | JSONSchemaDraft4
    "type" TEXT NOT NULL,
    "description" TEXT,
    "tags" JSONB NOT NULL DEFAULT '{}',
    -- Discovered schemas: the merged shape of every detail seen (schema-infer.ts), and its key.
    "discovered_shape" JSONB,
    "source" TEXT,
    "detail_type" TEXT,
    "latest_version" INTEGER NOT NULL DEFAULT 1,
    "version_count" INTEGER NOT NULL DEFAULT 1,
    "last_modified" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "schemas_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "schemas_registry_id_name_key" ON "schemas"("registry_id", "name");
CREATE INDEX "schemas_tenant_id_idx" ON "schemas"("tenant_id");
ALTER TABLE "schemas" ADD CONSTRAINT "schemas_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "schemas" ADD CONSTRAINT "schemas_registry_id_fkey" FOREIGN KEY ("registry_id") REFERENCES "schema_registries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "schema_versions" (
    "schema_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "schema_versions_pkey" PRIMARY KEY ("schema_id", "version")
);
ALTER TABLE "schema_versions" ADD CONSTRAINT "schema_versions_schema_id_fkey" FOREIGN KEY ("schema_id") REFERENCES "schemas"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "schema_discoverers" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    -- The wire DiscovererId (e.g. events-event-bus-orders).
    "discoverer_id" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "bus_id" TEXT NOT NULL,
    "source_arn" TEXT NOT NULL,
    "description" TEXT,
    -- STARTED | STOPPED
    "state" TEXT NOT NULL DEFAULT 'STARTED',
    "cross_account" BOOLEAN NOT NULL DEFAULT true,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "schema_discoverers_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "schema_discoverers_tenant_id_discoverer_id_key" ON "schema_discoverers"("tenant_id", "discoverer_id");
CREATE UNIQUE INDEX "schema_discoverers_bus_id_key" ON "schema_discoverers"("bus_id");
ALTER TABLE "schema_discoverers" ADD CONSTRAINT "schema_discoverers_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "schema_discoverers" ADD CONSTRAINT "schema_discoverers_bus_id_fkey" FOREIGN KEY ("bus_id") REFERENCES "event_buses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Each distinct detail shape a discoverer saw, recorded once from PutEvents (ON CONFLICT DO NOTHING)
-- and folded into the discovered schema by a job, so PutEvents never infers or versions schemas.
CREATE TABLE "schema_shape_samples" (
    "discoverer_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "detail_type" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "shape" JSONB NOT NULL,
    "folded_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "schema_shape_samples_pkey" PRIMARY KEY ("discoverer_id", "source", "detail_type", "fingerprint")
);
CREATE INDEX "schema_shape_samples_discoverer_id_folded_at_idx" ON "schema_shape_samples"("discoverer_id", "folded_at");
ALTER TABLE "schema_shape_samples" ADD CONSTRAINT "schema_shape_samples_discoverer_id_fkey" FOREIGN KEY ("discoverer_id") REFERENCES "schema_discoverers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Event buses (EventBridge): buses, rules, rule targets, every accepted event, per-rule minute counters.
-- Buses and rules reference "tenants" (ON DELETE CASCADE); targets, events and counters hang off
-- their bus or rule, so deleting a tenant, a bus or a rule takes everything below with it without a
-- second key per hot insert (see 20261201120000_tenant_foreign_keys).

CREATE TABLE "event_buses" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "description" TEXT,
    -- The resource policy document as stored by PutPermission / CreateEventBus / UpdateEventBus (JSON text).
    "policy" TEXT,
    "kms_key_identifier" TEXT,
    "dead_letter_config" JSONB,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "event_buses_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "event_buses_arn_key" ON "event_buses"("arn");
CREATE UNIQUE INDEX "event_buses_tenant_id_name_key" ON "event_buses"("tenant_id", "name");
ALTER TABLE "event_buses" ADD CONSTRAINT "event_buses_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "event_rules" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "bus_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    -- The pattern exactly as given (DescribeRule echoes it); compiled in memory per bus.
    "event_pattern" TEXT,
    "schedule_expression" TEXT,
    -- ENABLED | DISABLED | ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS
    "state" TEXT NOT NULL DEFAULT 'ENABLED',
    "description" TEXT,
    "role_arn" TEXT,
    "managed_by" TEXT,
    "created_by" TEXT NOT NULL,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "event_rules_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "event_rules_arn_key" ON "event_rules"("arn");
CREATE UNIQUE INDEX "event_rules_bus_id_name_key" ON "event_rules"("bus_id", "name");
CREATE INDEX "event_rules_tenant_id_idx" ON "event_rules"("tenant_id");
ALTER TABLE "event_rules" ADD CONSTRAINT "event_rules_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "event_rules" ADD CONSTRAINT "event_rules_bus_id_fkey" FOREIGN KEY ("bus_id") REFERENCES "event_buses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "event_targets" (
    "rule_id" TEXT NOT NULL,
    "target_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    -- The target exactly as PutTargets received it (ListTargetsByRule returns it as given).
    "definition" JSONB NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "event_targets_pkey" PRIMARY KEY ("rule_id", "target_id")
);
CREATE INDEX "event_targets_tenant_id_arn_idx" ON "event_targets"("tenant_id", "arn");
ALTER TABLE "event_targets" ADD CONSTRAINT "event_targets_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "event_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "events" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "bus_id" TEXT NOT NULL,
    -- The envelope as delivered, in AWS's key order (text keeps the order; jsonb would not).
    "envelope" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "detail_type" TEXT NOT NULL,
    "event_time" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "size" INTEGER NOT NULL,
    -- api | source | replay | schedule | bus
    "ingest" TEXT NOT NULL DEFAULT 'api',
    "replay_name" TEXT,
    -- How many rules matched (the explorer's list shows it without a join).
    "matched_rules" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "events_bus_id_received_at_idx" ON "events"("bus_id", "received_at");
CREATE INDEX "events_tenant_id_received_at_idx" ON "events"("tenant_id", "received_at");
CREATE INDEX "events_tenant_id_source_received_at_idx" ON "events"("tenant_id", "source", "received_at");
CREATE INDEX "events_tenant_id_detail_type_received_at_idx" ON "events"("tenant_id", "detail_type", "received_at");
CREATE INDEX "events_received_at_idx" ON "events"("received_at");
ALTER TABLE "events" ADD CONSTRAINT "events_bus_id_fkey" FOREIGN KEY ("bus_id") REFERENCES "event_buses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Per rule and minute, as AWS/Events names the metrics. Written after commit by one flusher per
-- process (rows of rules deleted meanwhile are skipped by a join, so the key never fails a flush).
-- FailedInvocations comes from the deliveries the rule created (their outcome lives there).
CREATE TABLE "event_rule_metrics" (
    "rule_id" TEXT NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "matched_events" INTEGER NOT NULL DEFAULT 0,
    "invocations" INTEGER NOT NULL DEFAULT 0,
    "triggered_rules" INTEGER NOT NULL DEFAULT 0,
    "throttled_rules" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "event_rule_metrics_pkey" PRIMARY KEY ("rule_id", "minute")
);
CREATE INDEX "event_rule_metrics_tenant_id_minute_idx" ON "event_rule_metrics"("tenant_id", "minute");
ALTER TABLE "event_rule_metrics" ADD CONSTRAINT "event_rule_metrics_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "event_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Queues (SQS). Messages live in our own table served by FOR UPDATE SKIP LOCKED (see
-- docs/sections/queues.md "Architecture"): exact SQS semantics (visibility, receipt handles,
-- FIFO groups) and one statement per batch.

CREATE TABLE "queues" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "fifo" BOOLEAN NOT NULL DEFAULT false,
    "visibility_timeout" INTEGER NOT NULL DEFAULT 30,
    "message_retention_period" INTEGER NOT NULL DEFAULT 345600,
    "maximum_message_size" INTEGER NOT NULL DEFAULT 1048576,
    "delay_seconds" INTEGER NOT NULL DEFAULT 0,
    "receive_message_wait_time_seconds" INTEGER NOT NULL DEFAULT 0,
    "redrive_policy" JSONB,
    "dead_letter_target_arn" TEXT,
    "redrive_allow_policy" JSONB,
    "content_based_deduplication" BOOLEAN NOT NULL DEFAULT false,
    "deduplication_scope" TEXT NOT NULL DEFAULT 'queue',
    "fifo_throughput_limit" TEXT NOT NULL DEFAULT 'perQueue',
    "policy" TEXT,
    "permissions" JSONB NOT NULL DEFAULT '[]',
    "extra_attributes" JSONB NOT NULL DEFAULT '{}',
    "tags" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "modified_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "purged_at" TIMESTAMPTZ(3),
    CONSTRAINT "queues_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "queues_arn_key" ON "queues"("arn");
CREATE UNIQUE INDEX "queues_tenant_id_name_key" ON "queues"("tenant_id", "name");
CREATE INDEX "queues_tenant_id_dead_letter_target_arn_idx" ON "queues"("tenant_id", "dead_letter_target_arn");

CREATE TABLE "queue_messages" (
    "id" UUID NOT NULL,
    "queue_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "body" TEXT NOT NULL,
    "attributes" JSONB,
    "system_attributes" JSONB,
    "md5_body" TEXT NOT NULL,
    "md5_attributes" TEXT,
    "md5_system_attributes" TEXT,
    "size" INTEGER NOT NULL,
    "sender_id" TEXT NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL,
    "first_receive_at" TIMESTAMPTZ(3),
    "receive_count" INTEGER NOT NULL DEFAULT 0,
    "receipt_token" TEXT,
    "visible_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "group_id" TEXT,
    "dedup_id" TEXT,
    "dead_letter_source_arn" TEXT,
    CONSTRAINT "queue_messages_pkey" PRIMARY KEY ("id")
);
-- Serves the standard receive's ORDER BY visible_at as an index range scan from the queue's
-- first visible message: cost does not grow with the backlog or with in-flight messages.
CREATE INDEX "queue_messages_queue_id_visible_at_idx" ON "queue_messages"("queue_id", "visible_at");
CREATE INDEX "queue_messages_queue_id_group_id_seq_idx" ON "queue_messages"("queue_id", "group_id", "seq");
CREATE INDEX "queue_messages_expires_at_idx" ON "queue_messages"("expires_at");
ALTER TABLE "queue_messages" ADD CONSTRAINT "queue_messages_queue_id_fkey" FOREIGN KEY ("queue_id") REFERENCES "queues"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- Every message is inserted, updated on receive and deleted within seconds: vacuum early and
-- often so dead tuples do not bloat the receive index (defaults wait for 20% of the table).
ALTER TABLE "queue_messages" SET (
    autovacuum_vacuum_scale_factor = 0.0,
    autovacuum_vacuum_threshold = 5000,
    autovacuum_vacuum_insert_scale_factor = 0.0,
    autovacuum_vacuum_insert_threshold = 10000,
    autovacuum_analyze_scale_factor = 0.02,
    autovacuum_vacuum_cost_limit = 2000,
    autovacuum_vacuum_cost_delay = 1,
    fillfactor = 80
);

CREATE TABLE "queue_fifo_groups" (
    "queue_id" TEXT NOT NULL,
    "group_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "pending" INTEGER NOT NULL DEFAULT 0,
    "available_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "queue_fifo_groups_pkey" PRIMARY KEY ("queue_id", "group_id")
);
-- FIFO receive picks the groups that have messages and are neither locked nor delayed, the one
-- waiting longest first. Empty groups stay out of the index.
CREATE INDEX "queue_fifo_groups_ready_idx" ON "queue_fifo_groups"("queue_id", "available_at") WHERE "pending" > 0;
ALTER TABLE "queue_fifo_groups" SET (autovacuum_vacuum_scale_factor = 0.0, autovacuum_vacuum_threshold = 2000, fillfactor = 70);

CREATE TABLE "queue_dedup" (
    "queue_id" TEXT NOT NULL,
    "scope_key" TEXT NOT NULL,
    "dedup_id" TEXT NOT NULL,
    "message_id" UUID NOT NULL,
    "seq" BIGINT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "queue_dedup_pkey" PRIMARY KEY ("queue_id", "scope_key", "dedup_id")
);
CREATE INDEX "queue_dedup_expires_at_idx" ON "queue_dedup"("expires_at");

CREATE TABLE "queue_receive_attempts" (
    "queue_id" TEXT NOT NULL,
    "attempt_id" TEXT NOT NULL,
    "messages" JSONB NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "queue_receive_attempts_pkey" PRIMARY KEY ("queue_id", "attempt_id")
);
CREATE INDEX "queue_receive_attempts_expires_at_idx" ON "queue_receive_attempts"("expires_at");

CREATE TABLE "queue_move_tasks" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "source_queue_id" TEXT NOT NULL,
    "source_arn" TEXT NOT NULL,
    "destination_arn" TEXT,
    "max_per_second" INTEGER,
    "status" TEXT NOT NULL,
    "moved" BIGINT NOT NULL DEFAULT 0,
    "to_move" BIGINT NOT NULL DEFAULT 0,
    "cutoff" TIMESTAMPTZ(3) NOT NULL,
    "failure_reason" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "queue_move_tasks_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "queue_move_tasks_tenant_id_source_queue_id_started_at_idx" ON "queue_move_tasks"("tenant_id", "source_queue_id", "started_at");

CREATE TABLE "queue_metrics" (
    "queue_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "sent" BIGINT NOT NULL DEFAULT 0,
    "received" BIGINT NOT NULL DEFAULT 0,
    "deleted" BIGINT NOT NULL DEFAULT 0,
    "depth" BIGINT,
    "in_flight" BIGINT,
    "delayed" BIGINT,
    CONSTRAINT "queue_metrics_pkey" PRIMARY KEY ("queue_id", "minute")
);
CREATE INDEX "queue_metrics_tenant_id_minute_idx" ON "queue_metrics"("tenant_id", "minute");

-- Topics (SNS) and the delivery engine.
CREATE TABLE "topics" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "fifo" BOOLEAN NOT NULL DEFAULT false,
    "display_name" TEXT,
    "delivery_policy" JSONB,
    "content_based_dedup" BOOLEAN NOT NULL DEFAULT false,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "topics_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "topics_arn_key" ON "topics"("arn");
CREATE UNIQUE INDEX "topics_tenant_id_name_key" ON "topics"("tenant_id", "name");
CREATE INDEX "topics_tenant_id_created_at_idx" ON "topics"("tenant_id", "created_at");

CREATE TABLE "topic_subscriptions" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "topic_id" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "protocol" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "confirmation_token_hash" TEXT,
    "confirmation_expires_at" TIMESTAMPTZ(3),
    "confirmed_at" TIMESTAMPTZ(3),
    "filter_policy" JSONB,
    "filter_policy_scope" TEXT NOT NULL DEFAULT 'MessageAttributes',
    "raw_message_delivery" BOOLEAN NOT NULL DEFAULT false,
    "redrive_policy" JSONB,
    "delivery_policy" JSONB,
    "secret_enc" TEXT,
    "previous_secret_enc" TEXT,
    "previous_secret_expires_at" TIMESTAMPTZ(3),
    "disabled_at" TIMESTAMPTZ(3),
    "disabled_reason" TEXT,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "failing_since" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "topic_subscriptions_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "topic_subscriptions_arn_key" ON "topic_subscriptions"("arn");
CREATE UNIQUE INDEX "topic_subscriptions_confirmation_token_hash_key" ON "topic_subscriptions"("confirmation_token_hash");
CREATE INDEX "topic_subscriptions_topic_id_created_at_idx" ON "topic_subscriptions"("topic_id", "created_at");
CREATE INDEX "topic_subscriptions_tenant_id_created_at_idx" ON "topic_subscriptions"("tenant_id", "created_at");
ALTER TABLE "topic_subscriptions" ADD CONSTRAINT "topic_subscriptions_topic_id_fkey" FOREIGN KEY ("topic_id") REFERENCES "topics"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "topic_messages" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "topic_id" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "subject" TEXT,
    "message_structure" TEXT,
    "message_group_id" TEXT,
    "deduplication_id" TEXT,
    "sequence_number" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "topic_messages_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "topic_messages_tenant_id_created_at_idx" ON "topic_messages"("tenant_id", "created_at");
CREATE INDEX "topic_messages_topic_id_created_at_idx" ON "topic_messages"("topic_id", "created_at");
ALTER TABLE "topic_messages" ADD CONSTRAINT "topic_messages_topic_id_fkey" FOREIGN KEY ("topic_id") REFERENCES "topics"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "topic_dedup" (
    "topic_id" TEXT NOT NULL,
    "deduplication_id" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "sequence_number" BIGINT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "topic_dedup_pkey" PRIMARY KEY ("topic_id", "deduplication_id")
);
CREATE INDEX "topic_dedup_expires_at_idx" ON "topic_dedup"("expires_at");

CREATE TABLE "deliveries" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "topic_id" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "subscription_id" TEXT NOT NULL,
    "protocol" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),
    "latency_ms" INTEGER,
    CONSTRAINT "deliveries_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "deliveries_message_id_subscription_id_key" ON "deliveries"("message_id", "subscription_id");
CREATE INDEX "deliveries_tenant_id_created_at_idx" ON "deliveries"("tenant_id", "created_at");
CREATE INDEX "deliveries_subscription_id_created_at_idx" ON "deliveries"("subscription_id", "created_at");
CREATE INDEX "deliveries_topic_id_created_at_idx" ON "deliveries"("topic_id", "created_at");
CREATE INDEX "deliveries_tenant_id_status_idx" ON "deliveries"("tenant_id", "status");
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "topic_messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "topic_subscriptions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "delivery_attempts" (
    "id" BIGSERIAL NOT NULL,
    "delivery_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "topic_id" TEXT NOT NULL,
    "subscription_id" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "attempt_number" INTEGER NOT NULL,
    "protocol" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "request_headers" JSONB,
    "request_body" TEXT,
    "response_status" INTEGER,
    "response_headers" JSONB,
    "response_body" TEXT,
    "error" TEXT,
    "next_retry_at" TIMESTAMPTZ(3),
    CONSTRAINT "delivery_attempts_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "delivery_attempts_tenant_id_started_at_idx" ON "delivery_attempts"("tenant_id", "started_at");
CREATE INDEX "delivery_attempts_subscription_id_started_at_idx" ON "delivery_attempts"("subscription_id", "started_at");
CREATE INDEX "delivery_attempts_topic_id_started_at_idx" ON "delivery_attempts"("topic_id", "started_at");
CREATE INDEX "delivery_attempts_delivery_id_idx" ON "delivery_attempts"("delivery_id");
CREATE INDEX "delivery_attempts_message_id_idx" ON "delivery_attempts"("message_id");
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "email_outbox" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "subscription_id" TEXT,
    "delivery_id" TEXT,
    "to_address" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'outbox',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    CONSTRAINT "email_outbox_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "email_outbox_tenant_id_created_at_idx" ON "email_outbox"("tenant_id", "created_at");

CREATE TABLE "delivery_metrics_minute" (
    "subscription_id" TEXT NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "topic_id" TEXT NOT NULL,
    "succeeded" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "retrying" INTEGER NOT NULL DEFAULT 0,
    "dlq" INTEGER NOT NULL DEFAULT 0,
    "latency_sum_ms" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "delivery_metrics_minute_pkey" PRIMARY KEY ("subscription_id", "minute")
);
CREATE INDEX "delivery_metrics_minute_tenant_id_minute_idx" ON "delivery_metrics_minute"("tenant_id", "minute");
CREATE INDEX "delivery_metrics_minute_topic_id_minute_idx" ON "delivery_metrics_minute"("topic_id", "minute");

CREATE TABLE "delivery_notifications" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subscription_id" TEXT,
    "message" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "read_at" TIMESTAMPTZ(3),
    CONSTRAINT "delivery_notifications_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "delivery_notifications_tenant_id_created_at_idx" ON "delivery_notifications"("tenant_id", "created_at");

CREATE TABLE "delivery_rate_counters" (
    "subscription_id" TEXT NOT NULL,
    "second" BIGINT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "delivery_rate_counters_pkey" PRIMARY KEY ("subscription_id", "second")
);

CREATE TABLE "delivery_resends" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "topic_id" TEXT,
    "subscription_id" TEXT,
    "since" TIMESTAMPTZ(3),
    "status" TEXT NOT NULL DEFAULT 'running',
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "delivery_resends_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "delivery_resends_tenant_id_created_at_idx" ON "delivery_resends"("tenant_id", "created_at");

CREATE TABLE "sns_signing_keys" (
    "id" TEXT NOT NULL,
    "private_key_enc" TEXT NOT NULL,
    "cert_pem" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "sns_signing_keys_pkey" PRIMARY KEY ("id")
);

-- FIFO topic sequence numbers (SNS returns them from Publish); not a column default so standard
-- topics do not consume it.
CREATE SEQUENCE "topic_messages_seq";

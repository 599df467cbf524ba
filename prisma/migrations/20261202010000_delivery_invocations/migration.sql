-- The delivery engine serves invocations as well as topic deliveries: an event rule, a schedule,
-- a function, a workflow or an API hands the engine a target ARN, the payload to send, the kind's
-- parameters and AWS's RetryPolicy + dead-letter ARN (server/domains/deliveries/invocations.ts).
-- An invocation row has no topic, message or subscription; the check below keeps every row either
-- a topic delivery or an invocation. The topic path is unchanged: its columns and indexes stay,
-- the new columns are NULL for it (no extra bytes beyond the null bitmap), and the new indexes are
-- partial, so a topic delivery pays no new index entry.

ALTER TABLE "deliveries" ALTER COLUMN "topic_id" DROP NOT NULL;
ALTER TABLE "deliveries" ALTER COLUMN "message_id" DROP NOT NULL;
ALTER TABLE "deliveries" ALTER COLUMN "subscription_id" DROP NOT NULL;

-- What is sent (after the source's input transformation) and, when it differs, the original event
-- (EventBridge's dead-letter message carries the event, not the transformed input).
ALTER TABLE "deliveries" ADD COLUMN "payload" TEXT;
ALTER TABLE "deliveries" ADD COLUMN "original_event" TEXT;
ALTER TABLE "deliveries" ADD COLUMN "target_arn" TEXT;
-- The rule target's / schedule target's Id.
ALTER TABLE "deliveries" ADD COLUMN "target_id" TEXT;
-- The kind's parameters (SqsParameters' MessageGroupId, HttpParameters, ...).
ALTER TABLE "deliveries" ADD COLUMN "target_params" JSONB;
ALTER TABLE "deliveries" ADD COLUMN "event_id" TEXT;
ALTER TABLE "deliveries" ADD COLUMN "event_time" TIMESTAMPTZ(3);
-- AWS's RetryPolicy: MaximumRetryAttempts (0-185) and MaximumEventAgeInSeconds (60-86400).
ALTER TABLE "deliveries" ADD COLUMN "max_retry_attempts" INTEGER;
ALTER TABLE "deliveries" ADD COLUMN "max_age_seconds" INTEGER;
ALTER TABLE "deliveries" ADD COLUMN "dead_letter_arn" TEXT;
-- Which attribute set the dead-letter message carries: 'events' (RULE_ARN, ...) or 'scheduler'.
ALTER TABLE "deliveries" ADD COLUMN "dead_letter_style" TEXT;
-- Idempotency of createInvocations: one row per (tenant, dedupe key).
ALTER TABLE "deliveries" ADD COLUMN "dedupe_key" TEXT;

ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_topic_or_invocation_check" CHECK (
  ("source_kind" = 'topic' AND "topic_id" IS NOT NULL AND "message_id" IS NOT NULL AND "subscription_id" IS NOT NULL
     AND "payload" IS NULL AND "target_arn" IS NULL)
  OR ("source_kind" <> 'topic' AND "topic_id" IS NULL AND "message_id" IS NULL AND "subscription_id" IS NULL
     AND "payload" IS NOT NULL AND "target_arn" IS NOT NULL AND "event_time" IS NOT NULL
     AND "max_retry_attempts" BETWEEN 0 AND 185 AND "max_age_seconds" BETWEEN 60 AND 86400)
);

CREATE UNIQUE INDEX "deliveries_tenant_dedupe_key_key" ON "deliveries"("tenant_id", "dedupe_key") WHERE "dedupe_key" IS NOT NULL;
-- "Attempts for this event" (the event explorer): deliveries by event, then their attempts by delivery_id.
CREATE INDEX "deliveries_tenant_event_id_idx" ON "deliveries"("tenant_id", "event_id") WHERE "event_id" IS NOT NULL;
-- Retention of finished invocations (topic deliveries go with their messages).
CREATE INDEX "deliveries_invocation_completed_idx" ON "deliveries"("completed_at") WHERE "source_kind" <> 'topic';

ALTER TABLE "delivery_attempts" ALTER COLUMN "topic_id" DROP NOT NULL;
ALTER TABLE "delivery_attempts" ALTER COLUMN "message_id" DROP NOT NULL;
ALTER TABLE "delivery_attempts" ALTER COLUMN "subscription_id" DROP NOT NULL;

-- Per-second limits of invocation targets (an API destination's InvocationRateLimitPerSecond),
-- shared by every worker; keyed by the kind's own key (the topic path keeps delivery_rate_counters,
-- keyed by subscription). Rows older than a minute are deleted by the retention job.
CREATE TABLE "invocation_rate_counters" (
    "key" TEXT NOT NULL,
    "second" BIGINT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "invocation_rate_counters_pkey" PRIMARY KEY ("key", "second")
);

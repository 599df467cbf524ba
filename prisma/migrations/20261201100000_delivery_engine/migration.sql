-- The delivery engine's source and target become first-class (additive: every existing column stays,
-- so dashboard SQL written against them keeps working). Today every delivery comes from a topic;
-- event rules, schedules, workflows and API integrations come next.

ALTER TABLE "deliveries" ADD COLUMN "source_kind" TEXT NOT NULL DEFAULT 'topic';
ALTER TABLE "deliveries" ADD COLUMN "source_arn" TEXT;
ALTER TABLE "deliveries" ADD COLUMN "target_kind" TEXT NOT NULL DEFAULT 'webhook';
UPDATE "deliveries" SET "target_kind" = CASE WHEN "protocol" = 'sqs' THEN 'queue' ELSE 'email' END
 WHERE "protocol" NOT IN ('http', 'https');
UPDATE "deliveries" d SET "source_arn" = t."arn" FROM "topics" t WHERE t."id" = d."topic_id";

ALTER TABLE "delivery_attempts" ADD COLUMN "source_kind" TEXT NOT NULL DEFAULT 'topic';
ALTER TABLE "delivery_attempts" ADD COLUMN "source_arn" TEXT;
ALTER TABLE "delivery_attempts" ADD COLUMN "target_kind" TEXT NOT NULL DEFAULT 'webhook';
UPDATE "delivery_attempts" SET "target_kind" = CASE WHEN "protocol" = 'sqs' THEN 'queue' ELSE 'email' END
 WHERE "protocol" NOT IN ('http', 'https');
UPDATE "delivery_attempts" a SET "source_arn" = t."arn" FROM "topics" t WHERE t."id" = a."topic_id";

-- The dashboard filters by source kind within a tenant and time range.
CREATE INDEX "deliveries_tenant_id_source_kind_created_at_idx" ON "deliveries"("tenant_id", "source_kind", "created_at");
CREATE INDEX "delivery_attempts_tenant_id_source_kind_started_at_idx" ON "delivery_attempts"("tenant_id", "source_kind", "started_at");

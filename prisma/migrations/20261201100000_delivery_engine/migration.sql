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
-- Attempts are kept for days only: their source_arn starts with the new rows (no rewrite of the log).

-- The dashboard filters by source kind within a tenant and time range. Topic deliveries are served by
-- the (tenant_id, created_at)/(tenant_id, started_at) indexes; these partial ones serve the other
-- sources without costing every topic delivery (the hottest insert path) two more index entries.
CREATE INDEX "deliveries_tenant_source_created_partial_idx" ON "deliveries"("tenant_id", "source_kind", "created_at") WHERE "source_kind" <> 'topic';
CREATE INDEX "delivery_attempts_tenant_source_started_partial_idx" ON "delivery_attempts"("tenant_id", "source_kind", "started_at") WHERE "source_kind" <> 'topic';

-- DescribeArchive's EventCount and SizeBytes, kept as the events are archived and expired instead
-- of counting the archive on every call. Each archive has up to 16 counter rows (shards): a
-- PutEvents transaction adds to one shard picked at random, so concurrent PutEvents on one bus do
-- not queue on a single counter row; the counts are the sums of the shards, exact because every
-- change of archived_events changes the counters in the same statement.
CREATE TABLE "archive_counters" (
    "archive_id" TEXT NOT NULL,
    "shard" INTEGER NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "event_count" BIGINT NOT NULL DEFAULT 0,
    "size_bytes" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "archive_counters_pkey" PRIMARY KEY ("archive_id", "shard")
);
CREATE INDEX "archive_counters_tenant_id_idx" ON "archive_counters"("tenant_id");
ALTER TABLE "archive_counters" ADD CONSTRAINT "archive_counters_archive_id_fkey" FOREIGN KEY ("archive_id") REFERENCES "event_archives"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "archive_counters" ADD CONSTRAINT "archive_counters_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- What is archived already (no archiving meanwhile: the count must be exact).
LOCK TABLE "archived_events" IN SHARE MODE;
INSERT INTO "archive_counters" ("archive_id", "shard", "tenant_id", "event_count", "size_bytes")
SELECT "archive_id", 0, min("tenant_id"), count(*), coalesce(sum("size"), 0) FROM "archived_events" GROUP BY "archive_id";

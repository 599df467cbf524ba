-- Names of queues deleted in the last 60 seconds: CreateQueue refuses them with
-- QueueDeletedRecently, as AWS does. One row per (tenant, name), refreshed on every delete;
-- the queues.retention job prunes rows older than the window.
CREATE TABLE "queue_deleted_names" (
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "deleted_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "queue_deleted_names_pkey" PRIMARY KEY ("tenant_id", "name")
);
CREATE INDEX "queue_deleted_names_deleted_at_idx" ON "queue_deleted_names"("deleted_at");

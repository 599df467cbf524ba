-- Indexes measured with EXPLAIN on 200k messages / 1M attempts, and plans that hold without
-- statistics (the PostgreSQL these machines run has autovacuum off, so a table can be seeded and
-- queried before anything analyzed it). server/domains/queues/sql-plans.int.test.ts checks each
-- hot statement's plan with and without statistics.

-- Standard receive: ORDER BY visible_at, seq. seq breaks ties in send order (a SendMessageBatch
-- shares one visible_at), so the index serves the whole ORDER BY and no Sort appears.
DROP INDEX "queue_messages_queue_id_visible_at_idx";
CREATE INDEX "queue_messages_queue_id_visible_at_seq_idx" ON "queue_messages"("queue_id", "visible_at", "seq");

-- Browsing a queue and move-task chunks walk a queue in send order (ORDER BY seq) instead of
-- sorting the whole queue (139 ms at 200k; the chunk query spilled its sort to disk every second).
CREATE INDEX "queue_messages_queue_id_seq_idx" ON "queue_messages"("queue_id", "seq");

-- FIFO group heads only: standard messages (group_id NULL) stay out of it (they were 151 of
-- 227 MB at 1M standard messages). Partial, so it is not in the Prisma schema.
DROP INDEX "queue_messages_queue_id_group_id_seq_idx";
CREATE INDEX "queue_messages_fifo_group_seq_idx" ON "queue_messages"("queue_id", "group_id", "seq") WHERE "group_id" IS NOT NULL;

-- queue_messages_expires_at_idx stays for the retention delete only: receive, browse and move
-- write their expiry test as `(expires_at > $now) IS TRUE`, which no index matches, so without
-- statistics the planner can no longer combine it with the receive index and sort.

-- Approximate message counts (GetQueueAttributes, console list) for queues too large to count
-- on each call: the worker's roll-up refreshes them; small queues are counted live (bounded).
CREATE TABLE "queue_counts" (
    "queue_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "visible" BIGINT NOT NULL DEFAULT 0,
    "in_flight" BIGINT NOT NULL DEFAULT 0,
    "delayed" BIGINT NOT NULL DEFAULT 0,
    "oldest_sent_at" TIMESTAMPTZ(3),
    "counted_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "queue_counts_pkey" PRIMARY KEY ("queue_id")
);
ALTER TABLE "queue_counts" ADD CONSTRAINT "queue_counts_queue_id_fkey" FOREIGN KEY ("queue_id") REFERENCES "queues"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The attempt log pages a tenant's attempts newest first (ORDER BY id DESC): it walked the
-- primary key backwards discarding other tenants' rows (50k a page).
CREATE INDEX "delivery_attempts_tenant_id_id_idx" ON "delivery_attempts"("tenant_id", "id");
-- Hourly retention deletes attempts older than N days: without this it scanned the whole table.
CREATE INDEX "delivery_attempts_started_at_idx" ON "delivery_attempts"("started_at");

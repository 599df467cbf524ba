-- Tenant deletion: deleting a row of "tenants" removes everything of that tenant, by foreign keys
-- with ON DELETE CASCADE, so no purge list can fall behind a new table.
--
-- Root tables (nothing above them but the tenant) reference "tenants" directly. Tables that
-- already cascade from a parent that belongs to one tenant (queue_messages from queues, topic
-- messages/subscriptions from topics, deliveries from both, attempts from deliveries) are reached
-- through that parent rather than given a second key: every foreign key costs a lookup and a
-- KEY SHARE lock on the parent row per inserted row, and those are the hottest inserts there are
-- (one tenants row shared by every send would become a lock hot spot). Tables without tenant_id
-- get a key to the parent they hang off. tests/integration/tenant-deletion.int.test.ts checks
-- every table with a tenant_id column, so a table added later without a way to be deleted fails it.
--
-- The per-minute counters (queue_metrics, delivery_metrics_minute) get no key: each process
-- flushes them for many tenants in one multi-row upsert, and one deleted tenant's row would make
-- the whole flush fail. Tenant deletion deletes them itself (server/domains/tenants/tenant-delete.ts).
--
-- Rows whose tenant or parent no longer exists (left behind before these keys) are removed first,
-- or the keys could not be added.

DELETE FROM "queues" t WHERE NOT EXISTS (SELECT 1 FROM "tenants" p WHERE p."id" = t."tenant_id");
DELETE FROM "queue_messages" t WHERE NOT EXISTS (SELECT 1 FROM "queues" p WHERE p."id" = t."queue_id");
DELETE FROM "queue_fifo_groups" t WHERE NOT EXISTS (SELECT 1 FROM "queues" p WHERE p."id" = t."queue_id");
DELETE FROM "queue_dedup" t WHERE NOT EXISTS (SELECT 1 FROM "queues" p WHERE p."id" = t."queue_id");
DELETE FROM "queue_receive_attempts" t WHERE NOT EXISTS (SELECT 1 FROM "queues" p WHERE p."id" = t."queue_id");
DELETE FROM "queue_move_tasks" t WHERE NOT EXISTS (SELECT 1 FROM "tenants" p WHERE p."id" = t."tenant_id");
DELETE FROM "queue_deleted_names" t WHERE NOT EXISTS (SELECT 1 FROM "tenants" p WHERE p."id" = t."tenant_id");
DELETE FROM "topics" t WHERE NOT EXISTS (SELECT 1 FROM "tenants" p WHERE p."id" = t."tenant_id");
DELETE FROM "topic_dedup" t WHERE NOT EXISTS (SELECT 1 FROM "topics" p WHERE p."id" = t."topic_id");
DELETE FROM "topic_resubscribe_tokens" t WHERE NOT EXISTS (SELECT 1 FROM "tenants" p WHERE p."id" = t."tenant_id");
DELETE FROM "delivery_rate_counters" t WHERE NOT EXISTS (SELECT 1 FROM "topic_subscriptions" p WHERE p."id" = t."subscription_id");
DELETE FROM "email_outbox" t WHERE NOT EXISTS (SELECT 1 FROM "tenants" p WHERE p."id" = t."tenant_id");
DELETE FROM "delivery_notifications" t WHERE NOT EXISTS (SELECT 1 FROM "tenants" p WHERE p."id" = t."tenant_id");
DELETE FROM "delivery_resends" t WHERE NOT EXISTS (SELECT 1 FROM "tenants" p WHERE p."id" = t."tenant_id");
DELETE FROM "audit_log" t WHERE "tenant_id" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "tenants" p WHERE p."id" = t."tenant_id");

-- Straight to the tenant.
ALTER TABLE "queues" ADD CONSTRAINT "queues_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "queue_move_tasks" ADD CONSTRAINT "queue_move_tasks_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "queue_deleted_names" ADD CONSTRAINT "queue_deleted_names_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "topics" ADD CONSTRAINT "topics_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "topic_resubscribe_tokens" ADD CONSTRAINT "topic_resubscribe_tokens_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "delivery_notifications" ADD CONSTRAINT "delivery_notifications_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "delivery_resends" ADD CONSTRAINT "delivery_resends_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- The team's audit trail goes with the team; the deletion itself is recorded without a tenant.
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Through the parent they belong to.
ALTER TABLE "queue_fifo_groups" ADD CONSTRAINT "queue_fifo_groups_queue_id_fkey" FOREIGN KEY ("queue_id") REFERENCES "queues"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "queue_dedup" ADD CONSTRAINT "queue_dedup_queue_id_fkey" FOREIGN KEY ("queue_id") REFERENCES "queues"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "queue_receive_attempts" ADD CONSTRAINT "queue_receive_attempts_queue_id_fkey" FOREIGN KEY ("queue_id") REFERENCES "queues"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "topic_dedup" ADD CONSTRAINT "topic_dedup_topic_id_fkey" FOREIGN KEY ("topic_id") REFERENCES "topics"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "delivery_rate_counters" ADD CONSTRAINT "delivery_rate_counters_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "topic_subscriptions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

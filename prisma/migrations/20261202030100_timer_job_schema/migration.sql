-- A timer belongs to the pg-boss schema (SIGNALBOX_BOSS_SCHEMA) of the process that created it, and
-- only workers of that schema fire it: Signalbox installations (or test files) that share one
-- database with separate job schemas never enqueue each other's fires into a schema nobody works.
ALTER TABLE "timers" ADD COLUMN "boss_schema" TEXT NOT NULL DEFAULT 'pgboss';
DROP INDEX "timers_due_partial_idx";
CREATE INDEX "timers_schema_due_partial_idx" ON "timers"("boss_schema", "due_at") WHERE "enabled" AND "due_at" IS NOT NULL;

-- Timers: one row per scheduled owner (an EventBridge rule with a ScheduleExpression, or an
-- EventBridge Scheduler schedule). The worker's timer loop claims rows whose due_at has passed
-- (FOR UPDATE SKIP LOCKED) and, in one transaction, enqueues the owner's fire job and advances
-- next_fire_at: each fire time is enqueued exactly once however many workers run.
CREATE TABLE "timers" (
  "id"                      TEXT PRIMARY KEY,
  "tenant_id"               TEXT NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
  "owner_kind"              TEXT NOT NULL,
  "owner_id"                TEXT NOT NULL,
  "expression"              TEXT NOT NULL,
  "timezone"                TEXT NOT NULL DEFAULT 'UTC',
  "start_date"              TIMESTAMPTZ(3),
  "end_date"                TIMESTAMPTZ(3),
  -- A rate without a start date counts its periods from here (when it was created or changed).
  "anchor_at"               TIMESTAMPTZ(3) NOT NULL,
  "flexible_window_minutes" INTEGER,
  -- A fire older than this when the loop reaches it (Signalbox was down) is dropped.
  "max_age_seconds"         INTEGER NOT NULL DEFAULT 86400,
  "fire_job"                TEXT NOT NULL,
  "enabled"                 BOOLEAN NOT NULL,
  -- The next scheduled fire time, and when it is due (later by a random offset in a flexible window).
  "next_fire_at"            TIMESTAMPTZ(3),
  "due_at"                  TIMESTAMPTZ(3),
  "last_fire_at"            TIMESTAMPTZ(3),
  "last_enqueued_at"        TIMESTAMPTZ(3),
  "fire_count"              INTEGER NOT NULL DEFAULT 0,
  "missed_count"            INTEGER NOT NULL DEFAULT 0,
  "created_at"              TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at"              TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "timers_owner_kind_owner_id_key" ON "timers"("owner_kind", "owner_id");
CREATE INDEX "timers_tenant_id_idx" ON "timers"("tenant_id");
CREATE INDEX "timers_due_partial_idx" ON "timers"("due_at") WHERE "enabled" AND "due_at" IS NOT NULL;

-- EventBridge Scheduler: schedule groups (the `default` one is created on demand) and schedules.
CREATE TABLE "schedule_groups" (
  "id"           TEXT PRIMARY KEY,
  "tenant_id"    TEXT NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
  "name"         TEXT NOT NULL,
  "arn"          TEXT NOT NULL,
  "tags"         JSONB NOT NULL DEFAULT '{}',
  "client_token" TEXT,
  "created_at"   TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at"   TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "schedule_groups_tenant_id_name_key" ON "schedule_groups"("tenant_id", "name");
CREATE UNIQUE INDEX "schedule_groups_arn_key" ON "schedule_groups"("arn");

CREATE TABLE "schedules" (
  "id"                      TEXT PRIMARY KEY,
  "tenant_id"               TEXT NOT NULL REFERENCES "tenants"("id") ON DELETE CASCADE,
  "group_id"                TEXT NOT NULL REFERENCES "schedule_groups"("id") ON DELETE CASCADE,
  "name"                    TEXT NOT NULL,
  "arn"                     TEXT NOT NULL,
  "description"             TEXT,
  "schedule_expression"     TEXT NOT NULL,
  "timezone"                TEXT NOT NULL DEFAULT 'UTC',
  "start_date"              TIMESTAMPTZ(3),
  "end_date"                TIMESTAMPTZ(3),
  -- OFF | FLEXIBLE
  "flexible_mode"           TEXT NOT NULL DEFAULT 'OFF',
  "flexible_window_minutes" INTEGER,
  -- ENABLED | DISABLED
  "state"                   TEXT NOT NULL DEFAULT 'ENABLED',
  -- NONE | DELETE
  "action_after_completion" TEXT NOT NULL DEFAULT 'NONE',
  "kms_key_arn"             TEXT,
  -- The Target as AWS shapes it (Arn, RoleArn, Input, RetryPolicy, DeadLetterConfig, SqsParameters, EventBridgeParameters).
  "target"                  JSONB NOT NULL,
  "client_token"            TEXT,
  "created_at"              TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "updated_at"              TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "schedules_group_id_name_key" ON "schedules"("group_id", "name");
CREATE UNIQUE INDEX "schedules_arn_key" ON "schedules"("arn");
CREATE INDEX "schedules_tenant_id_name_idx" ON "schedules"("tenant_id", "name");

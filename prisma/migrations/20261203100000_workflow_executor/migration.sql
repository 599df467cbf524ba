-- The durable executor's runtime (wf-exec): when an execution must run next, its threads (the
-- machine's scope, each Parallel branch, each Map iteration) and its task tokens. Every row
-- cascades from its tenant and from its execution.

-- ready_at: when a runner must advance the execution next (now, a Wait's end, a retry, a task's
-- timeout); NULL when it waits on nothing a clock decides. runner_schema: the pg-boss schema of the
-- installation whose runners take it (test files sharing a database keep apart, as timers do).
ALTER TABLE "executions"
    ADD COLUMN "ready_at" TIMESTAMPTZ(3),
    ADD COLUMN "deadline_at" TIMESTAMPTZ(3),
    ADD COLUMN "runner_schema" TEXT NOT NULL DEFAULT 'pgboss',
    -- a child started by states:startExecution(.sync/.sync:2): the parent task to complete when it ends
    ADD COLUMN "parent_task" JSONB,
    ADD COLUMN "item_index" INTEGER;
CREATE INDEX "executions_ready_idx" ON "executions"("runner_schema", "ready_at") WHERE "ready_at" IS NOT NULL;
CREATE INDEX "executions_map_run_arn_idx" ON "executions"("map_run_arn") WHERE "map_run_arn" IS NOT NULL;

-- A thread of an execution: the root scope, a Parallel branch or a Map iteration.
CREATE TABLE "execution_frames" (
    "id" TEXT NOT NULL,
    "execution_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "parent_id" TEXT,
    "child_index" INTEGER NOT NULL DEFAULT 0,
    -- where the scope is in the definition: [] for the machine, [["State", branch], ...] below
    "scope_path" JSONB NOT NULL DEFAULT '[]',
    -- enter | step | wait | retry | task | result | error | children | succeeded | failed | aborted
    "status" TEXT NOT NULL,
    "state_name" TEXT NOT NULL,
    "input" JSONB,
    "variables" JSONB NOT NULL DEFAULT '{}',
    "context" JSONB NOT NULL DEFAULT '{}',
    "entered_event_id" INTEGER NOT NULL DEFAULT 0,
    "last_event_id" INTEGER NOT NULL DEFAULT 0,
    "entered_at" TIMESTAMPTZ(3),
    "retry_attempts" JSONB NOT NULL DEFAULT '[]',
    "retry_count" INTEGER NOT NULL DEFAULT 0,
    "pending" JSONB,
    "wake_at" TIMESTAMPTZ(3),
    "output" JSONB,
    "error" TEXT,
    "cause" TEXT,
    CONSTRAINT "execution_frames_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "execution_frames_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "execution_frames_execution_id_fkey" FOREIGN KEY ("execution_id") REFERENCES "executions"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "execution_frames_execution_id_status_idx" ON "execution_frames"("execution_id", "status");
CREATE INDEX "execution_frames_parent_id_idx" ON "execution_frames"("parent_id");

-- A task token ($$.Task.Token): unguessable, bound to its tenant and its task (frame + TaskScheduled id).
CREATE TABLE "task_tokens" (
    "token" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "execution_id" TEXT NOT NULL,
    "frame_id" TEXT NOT NULL,
    "scheduled_event_id" INTEGER NOT NULL,
    "state_name" TEXT NOT NULL,
    -- waiting | completed | timed_out | aborted
    "status" TEXT NOT NULL DEFAULT 'waiting',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "task_tokens_pkey" PRIMARY KEY ("token"),
    CONSTRAINT "task_tokens_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "task_tokens_execution_id_fkey" FOREIGN KEY ("execution_id") REFERENCES "executions"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "task_tokens_execution_id_status_idx" ON "task_tokens"("execution_id", "status");

-- A Distributed Map's run: each item is a child execution (executions.map_run_arn).
CREATE TABLE "map_runs" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "execution_id" TEXT NOT NULL,
    "frame_id" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    -- RUNNING | SUCCEEDED | FAILED | ABORTED
    "status" TEXT NOT NULL DEFAULT 'RUNNING',
    "max_concurrency" INTEGER NOT NULL DEFAULT 0,
    "tolerated_failure_count" INTEGER NOT NULL DEFAULT 0,
    "tolerated_failure_percentage" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "execution_type" TEXT NOT NULL DEFAULT 'STANDARD',
    "item_count" INTEGER NOT NULL DEFAULT 0,
    "redrive_count" INTEGER NOT NULL DEFAULT 0,
    "redrive_date" TIMESTAMPTZ(3),
    "start_date" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stop_date" TIMESTAMPTZ(3),
    CONSTRAINT "map_runs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "map_runs_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "map_runs_execution_id_fkey" FOREIGN KEY ("execution_id") REFERENCES "executions"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "map_runs_arn_key" ON "map_runs"("arn");
CREATE INDEX "map_runs_execution_id_idx" ON "map_runs"("execution_id");

-- Activity tasks (Step Functions activities): a Task state whose Resource is an activity ARN queues
-- one row here in the executor's transaction (with the execution's task token and the task's
-- input); GetActivityTask hands the oldest queued one to a worker and marks it started with the
-- worker's name (from then on the token is the executor's: SendTaskSuccess/Failure/Heartbeat name
-- it; the executor may read who started it for the history's ActivityStarted). Rows go when their
-- execution is no longer running. The NOTIFY on insert wakes the long polls (channel
-- signalbox_activity_task, payload: the activity id).
CREATE TABLE "activity_tasks" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "activity_id" TEXT NOT NULL,
    "execution_id" TEXT NOT NULL,
    "task_token" TEXT NOT NULL,
    "input" TEXT NOT NULL,
    -- queued | started
    "status" TEXT NOT NULL DEFAULT 'queued',
    "worker_name" TEXT,
    "started_at" TIMESTAMPTZ(3),
    -- the idempotency key of the scheduling (a repeated start queues nothing twice)
    "idempotency_key" TEXT NOT NULL,
    -- TimeoutSeconds of the Task state: a task nobody took by then is never handed out
    "expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "activity_tasks_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "activity_tasks_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "activity_tasks_activity_id_fkey" FOREIGN KEY ("activity_id") REFERENCES "activities"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "activity_tasks_execution_id_fkey" FOREIGN KEY ("execution_id") REFERENCES "executions"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "activity_tasks_idempotency_key_key" ON "activity_tasks"("idempotency_key");
CREATE INDEX "activity_tasks_activity_id_created_at_idx" ON "activity_tasks"("activity_id", "created_at") WHERE "status" = 'queued';
CREATE UNIQUE INDEX "activity_tasks_task_token_key" ON "activity_tasks"("task_token");
CREATE INDEX "activity_tasks_execution_id_idx" ON "activity_tasks"("execution_id");

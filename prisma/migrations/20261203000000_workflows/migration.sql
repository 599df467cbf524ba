-- Workflows (Step Functions): state machines with their published versions and aliases, activities,
-- executions and their history. Every table cascades from its tenant. Runtime tables of the
-- executor (threads, timers, task tokens) come in their own migrations.
CREATE TABLE "state_machines" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    -- STANDARD | EXPRESS
    "type" TEXT NOT NULL,
    "definition" TEXT NOT NULL,
    "role_arn" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "logging_configuration" JSONB NOT NULL DEFAULT '{"level":"OFF","includeExecutionData":false}',
    "tracing_configuration" JSONB NOT NULL DEFAULT '{"enabled":false}',
    "encryption_configuration" JSONB NOT NULL DEFAULT '{"type":"AWS_OWNED_KEY"}',
    "revision_id" TEXT NOT NULL,
    -- ACTIVE | DELETING
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    -- the version number PublishStateMachineVersion gives next (1, 2, ...; never reused)
    "next_version" INTEGER NOT NULL DEFAULT 1,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "state_machines_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "state_machines_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "state_machines_arn_key" ON "state_machines"("arn");
CREATE UNIQUE INDEX "state_machines_tenant_id_name_key" ON "state_machines"("tenant_id", "name");

-- An immutable published version (PublishStateMachineVersion): its ARN is the machine's plus ":<n>".
CREATE TABLE "state_machine_versions" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "state_machine_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "arn" TEXT NOT NULL,
    "definition" TEXT NOT NULL,
    "role_arn" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "revision_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "state_machine_versions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "state_machine_versions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "state_machine_versions_state_machine_id_fkey" FOREIGN KEY ("state_machine_id") REFERENCES "state_machines"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "state_machine_versions_arn_key" ON "state_machine_versions"("arn");
CREATE UNIQUE INDEX "state_machine_versions_state_machine_id_version_key" ON "state_machine_versions"("state_machine_id", "version");

-- An alias (CreateStateMachineAlias): routes StartExecution to one or two versions by weight.
CREATE TABLE "state_machine_aliases" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "state_machine_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    -- [{ "stateMachineVersionArn": "...", "weight": 0..100 }], as AWS's RoutingConfiguration
    "routing" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "state_machine_aliases_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "state_machine_aliases_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "state_machine_aliases_state_machine_id_fkey" FOREIGN KEY ("state_machine_id") REFERENCES "state_machines"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "state_machine_aliases_arn_key" ON "state_machine_aliases"("arn");
CREATE UNIQUE INDEX "state_machine_aliases_state_machine_id_name_key" ON "state_machine_aliases"("state_machine_id", "name");

-- An activity (CreateActivity): tasks its workers take with GetActivityTask.
CREATE TABLE "activities" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "activities_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "activities_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "activities_arn_key" ON "activities"("arn");
CREATE UNIQUE INDEX "activities_tenant_id_name_key" ON "activities"("tenant_id", "name");

-- An execution. It keeps the definition it started with (UpdateStateMachine does not change a
-- running execution) and the ARNs it was started through.
CREATE TABLE "executions" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "state_machine_id" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    -- STANDARD | EXPRESS
    "type" TEXT NOT NULL,
    -- RUNNING | SUCCEEDED | FAILED | TIMED_OUT | ABORTED | PENDING_REDRIVE
    "status" TEXT NOT NULL,
    "state_machine_arn" TEXT NOT NULL,
    "version_arn" TEXT,
    "alias_arn" TEXT,
    "definition" TEXT NOT NULL,
    "role_arn" TEXT NOT NULL,
    "input" TEXT NOT NULL,
    "output" TEXT,
    "error" TEXT,
    "cause" TEXT,
    "trace_header" TEXT,
    -- a child execution (states:startExecution, a distributed Map item): who started it
    "parent_execution_id" TEXT,
    "map_run_arn" TEXT,
    "redrive_count" INTEGER NOT NULL DEFAULT 0,
    "redrive_date" TIMESTAMPTZ(3),
    "start_date" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stop_date" TIMESTAMPTZ(3),
    -- the next history event id (events are numbered 1, 2, ... per execution)
    "next_event_id" INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT "executions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "executions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "executions_state_machine_id_fkey" FOREIGN KEY ("state_machine_id") REFERENCES "state_machines"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "executions_arn_key" ON "executions"("arn");
CREATE INDEX "executions_state_machine_id_start_date_idx" ON "executions"("state_machine_id", "start_date" DESC);
CREATE INDEX "executions_tenant_id_status_idx" ON "executions"("tenant_id", "status");
CREATE INDEX "executions_parent_execution_id_idx" ON "executions"("parent_execution_id");

-- The execution's history (GetExecutionHistory): AWS's event types, details as AWS names them.
CREATE TABLE "execution_events" (
    "execution_id" TEXT NOT NULL,
    "id" INTEGER NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "previous_event_id" INTEGER NOT NULL DEFAULT 0,
    "type" TEXT NOT NULL,
    "timestamp" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- e.g. { "stateEnteredEventDetails": { "name": "...", "input": "..." } }
    "details" JSONB NOT NULL DEFAULT '{}',
    CONSTRAINT "execution_events_pkey" PRIMARY KEY ("execution_id", "id"),
    CONSTRAINT "execution_events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "execution_events_execution_id_fkey" FOREIGN KEY ("execution_id") REFERENCES "executions"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

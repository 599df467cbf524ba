-- A published version keeps the logging and tracing configuration of the revision it snapshots
-- (DescribeStateMachine of a version ARN shows them). NULL on versions published before this
-- migration: the machine's current configuration stands in.
ALTER TABLE "state_machine_versions" ADD COLUMN "logging_configuration" JSONB;
ALTER TABLE "state_machine_versions" ADD COLUMN "tracing_configuration" JSONB;

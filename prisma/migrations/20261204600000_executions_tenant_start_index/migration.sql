-- The console's and ListExecutions' tenant-wide execution list orders by (start_date DESC, id DESC)
-- within a tenant: an index in that order serves it without sorting the tenant's executions.
CREATE INDEX "executions_tenant_id_start_date_id_idx" ON "executions"("tenant_id", "start_date" DESC, "id" DESC);

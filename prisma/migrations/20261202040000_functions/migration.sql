-- Functions (what "EventBridge triggers a Lambda function" becomes here): a tenant's own HTTPS
-- service registered with a Lambda-style ARN, its concurrency slots, and EventBridge connections
-- and API destinations. Every table cascades from its tenant.
CREATE TABLE "functions" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "timeout_seconds" INTEGER NOT NULL DEFAULT 3,
    "reserved_concurrency" INTEGER,
    "maximum_retry_attempts" INTEGER NOT NULL DEFAULT 2,
    "maximum_event_age_seconds" INTEGER NOT NULL DEFAULT 21600,
    "on_failure_destination" TEXT,
    "secret_enc" TEXT NOT NULL,
    "revision_id" TEXT NOT NULL,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "functions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "functions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "functions_arn_key" ON "functions"("arn");
CREATE UNIQUE INDEX "functions_tenant_id_name_key" ON "functions"("tenant_id", "name");

-- One row per busy concurrency slot (slot < reserved_concurrency), leased until the invocation's
-- timeout so a killed worker's slot frees itself.
CREATE TABLE "function_slots" (
    "function_id" TEXT NOT NULL,
    "slot" INTEGER NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "lease_id" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "function_slots_pkey" PRIMARY KEY ("function_id", "slot"),
    CONSTRAINT "function_slots_function_id_fkey" FOREIGN KEY ("function_id") REFERENCES "functions"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "function_slots_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE "event_connections" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "description" TEXT,
    "authorization_type" TEXT NOT NULL,
    -- The non-secret parts of AuthParameters (as DescribeConnection shows them).
    "auth_public" JSONB NOT NULL DEFAULT '{}',
    -- The secret parts (API key value, password, client secret, secret parameter values), sealed.
    "auth_secret_enc" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "state_reason" TEXT,
    -- OAuth access token (sealed) cached until it expires.
    "oauth_token_enc" TEXT,
    "oauth_token_expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_modified_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_authorized_at" TIMESTAMPTZ(3),
    CONSTRAINT "event_connections_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "event_connections_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "event_connections_arn_key" ON "event_connections"("arn");
CREATE UNIQUE INDEX "event_connections_tenant_id_name_key" ON "event_connections"("tenant_id", "name");

CREATE TABLE "api_destinations" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "description" TEXT,
    "connection_id" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "http_method" TEXT NOT NULL,
    "rate_limit_per_second" INTEGER,
    "state" TEXT NOT NULL DEFAULT 'ACTIVE',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_modified_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "api_destinations_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "api_destinations_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "api_destinations_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "event_connections"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "api_destinations_arn_key" ON "api_destinations"("arn");
CREATE UNIQUE INDEX "api_destinations_tenant_id_name_key" ON "api_destinations"("tenant_id", "name");
CREATE INDEX "api_destinations_connection_id_idx" ON "api_destinations"("connection_id");

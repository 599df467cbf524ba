-- API Gateway v2 APIs (issue 11: HTTP APIs; protocol_type leaves room for WEBSOCKET). As for REST
-- APIs, an API's definition (routes, integrations, authorizers, stages, deployment records) is one
-- JSON document edited under the row's lock; a deployment's snapshot (the routes, integrations,
-- authorizers and CORS it serves) never changes, so the gateway caches it per process by id.
CREATE TABLE "http_apis" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "protocol_type" TEXT NOT NULL,
    "doc" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "http_apis_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "http_apis_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "http_apis_tenant_id_created_at_idx" ON "http_apis"("tenant_id", "created_at");

CREATE TABLE "http_api_deployments" (
    "api_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "snapshot" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "http_api_deployments_pkey" PRIMARY KEY ("api_id", "id"),
    CONSTRAINT "http_api_deployments_api_id_fkey" FOREIGN KEY ("api_id") REFERENCES "http_apis"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "http_api_deployments_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "http_api_deployments_tenant_id_idx" ON "http_api_deployments"("tenant_id");

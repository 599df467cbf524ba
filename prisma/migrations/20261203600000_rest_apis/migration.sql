-- API Gateway v1 REST APIs (issue 11). An API's definition (resources, methods, integrations,
-- models, request validators, gateway responses) is one JSON document edited under the row's lock,
-- as API Gateway edits it: one writer per API at a time. A deployment is an immutable copy of that
-- document; a stage points at one deployment. Every table cascades from its tenant.
CREATE TABLE "rest_apis" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "doc" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "rest_apis_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "rest_apis_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "rest_apis_tenant_id_created_at_idx" ON "rest_apis"("tenant_id", "created_at");

CREATE TABLE "rest_api_deployments" (
    "rest_api_id" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "description" TEXT,
    "snapshot" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "rest_api_deployments_pkey" PRIMARY KEY ("rest_api_id", "id"),
    CONSTRAINT "rest_api_deployments_rest_api_id_fkey" FOREIGN KEY ("rest_api_id") REFERENCES "rest_apis"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "rest_api_deployments_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "rest_api_deployments_tenant_id_idx" ON "rest_api_deployments"("tenant_id");

CREATE TABLE "rest_api_stages" (
    "rest_api_id" TEXT NOT NULL,
    "stage_name" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "deployment_id" TEXT NOT NULL,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "rest_api_stages_pkey" PRIMARY KEY ("rest_api_id", "stage_name"),
    CONSTRAINT "rest_api_stages_rest_api_id_fkey" FOREIGN KEY ("rest_api_id") REFERENCES "rest_apis"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "rest_api_stages_deployment_fkey" FOREIGN KEY ("rest_api_id", "deployment_id") REFERENCES "rest_api_deployments"("rest_api_id", "id") ON DELETE NO ACTION ON UPDATE CASCADE,
    CONSTRAINT "rest_api_stages_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "rest_api_stages_tenant_id_idx" ON "rest_api_stages"("tenant_id");

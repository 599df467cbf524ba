-- API Gateway WebSocket APIs (issue 11): their definitions (routes, integrations, route and
-- integration responses, stages, deployments as one JSON document per API; WebSocket-specific
-- tables because the v2 control-plane tables are api-v2's), and the registry of open connections:
-- which web process (node) holds each, so @connections calls reach it from any process.

CREATE TABLE "ws_apis" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "doc" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ws_apis_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ws_apis_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "ws_apis_tenant_id_created_at_idx" ON "ws_apis"("tenant_id", "created_at");

-- Web processes holding connections; seen_at is their heartbeat (a stale node's rows are swept).
CREATE TABLE "ws_nodes" (
    "id" TEXT NOT NULL,
    "seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ws_nodes_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "ws_connections" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "api_id" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "node_id" TEXT NOT NULL,
    "identity" JSONB NOT NULL DEFAULT '{}',
    "connected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_active_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ws_connections_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ws_connections_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "ws_connections_node_id_idx" ON "ws_connections"("node_id");

-- Frames posted to a connection held by another process: the owner is NOTIFYed and takes them.
CREATE TABLE "ws_outbox" (
    "id" BIGSERIAL NOT NULL,
    "connection_id" TEXT NOT NULL,
    "op" TEXT NOT NULL,
    "data" BYTEA,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ws_outbox_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ws_outbox_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "ws_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "ws_outbox_connection_id_idx" ON "ws_outbox"("connection_id");

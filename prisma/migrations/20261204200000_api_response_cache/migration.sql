-- REST API stage caches shared by every web process: one row per cached answer, keyed by the
-- stage and a hash of the cache key (deployment id, method, path, cacheKeyParameters), with its
-- expiry. UNLOGGED: a crash empties the caches, which is all a cache may lose. Rows go with their
-- stage (and so with the API and the tenant).
CREATE UNLOGGED TABLE "api_response_cache" (
    "rest_api_id" TEXT NOT NULL,
    "stage_name" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "headers" JSONB NOT NULL,
    "body" BYTEA NOT NULL,
    "size" INTEGER NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "api_response_cache_pkey" PRIMARY KEY ("rest_api_id", "stage_name", "key_hash"),
    CONSTRAINT "api_response_cache_rest_api_id_stage_name_fkey" FOREIGN KEY ("rest_api_id", "stage_name") REFERENCES "rest_api_stages"("rest_api_id", "stage_name") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "api_response_cache_expires_at_idx" ON "api_response_cache"("expires_at");

-- API Gateway's API keys and usage plans (issue 11), the shared rate-limit state behind every
-- limit that must hold across web processes, and the own limits of Signalbox's API keys.

-- API Gateway API keys (the x-api-key values callers of a tenant's REST APIs send).
CREATE TABLE "apigw_api_keys" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "value" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "customer_id" TEXT,
    -- ["restApiId/stageName", ...]
    "stage_keys" JSONB NOT NULL DEFAULT '[]',
    "tags" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "apigw_api_keys_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "apigw_api_keys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "apigw_api_keys_tenant_id_value_key" ON "apigw_api_keys"("tenant_id", "value");
CREATE INDEX "apigw_api_keys_tenant_id_created_at_idx" ON "apigw_api_keys"("tenant_id", "created_at");

-- Usage plans: throttle {rateLimit, burstLimit}, quota {limit, offset, period}, apiStages
-- [{apiId, stage, throttle: {"/res/GET": {...}}}] (by value: the REST API tables are api-rest's).
CREATE TABLE "apigw_usage_plans" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "throttle" JSONB,
    "quota" JSONB,
    "api_stages" JSONB NOT NULL DEFAULT '[]',
    "product_code" TEXT,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "apigw_usage_plans_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "apigw_usage_plans_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "apigw_usage_plans_tenant_id_created_at_idx" ON "apigw_usage_plans"("tenant_id", "created_at");

CREATE TABLE "apigw_usage_plan_keys" (
    "usage_plan_id" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "apigw_usage_plan_keys_pkey" PRIMARY KEY ("usage_plan_id", "key_id"),
    CONSTRAINT "apigw_usage_plan_keys_usage_plan_id_fkey" FOREIGN KEY ("usage_plan_id") REFERENCES "apigw_usage_plans"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "apigw_usage_plan_keys_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "apigw_api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "apigw_usage_plan_keys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "apigw_usage_plan_keys_key_id_idx" ON "apigw_usage_plan_keys"("key_id");

-- Requests admitted per usage plan, key and UTC day (GetUsage, the console's chart).
CREATE TABLE "apigw_usage_daily" (
    "usage_plan_id" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "used" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "apigw_usage_daily_pkey" PRIMARY KEY ("usage_plan_id", "key_id", "day"),
    CONSTRAINT "apigw_usage_daily_usage_plan_id_fkey" FOREIGN KEY ("usage_plan_id") REFERENCES "apigw_usage_plans"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "apigw_usage_daily_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- Token buckets shared by every web process: `tokens` at `updated_at`, refilled on use at the
-- caller's rate up to its burst. Keys: "t:<tenant>" (the doors' per-tenant limit), "k:<key id>"
-- (a Signalbox key's own rate), "p:<plan>:<key>[:<method>]" (a usage plan), "s:<api>:<stage>[:<method>]".
-- UNLOGGED: a crash forgets the buckets, which then start full; that is all a bucket may lose.
CREATE UNLOGGED TABLE "rate_buckets" (
    "key" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,
    CONSTRAINT "rate_buckets_pkey" PRIMARY KEY ("key"),
    CONSTRAINT "rate_buckets_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "rate_buckets_tenant_id_idx" ON "rate_buckets"("tenant_id");

-- Quota counters: requests counted in the period that starts at `period_start` (logged: a quota
-- must survive a restart). Keys: "p:<plan>:<key>" (usage plans), "k:<key id>" (Signalbox keys).
CREATE TABLE "quota_counters" (
    "key" TEXT NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "used" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "quota_counters_pkey" PRIMARY KEY ("key", "period_start"),
    CONSTRAINT "quota_counters_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "quota_counters_tenant_id_idx" ON "quota_counters"("tenant_id");

-- A Signalbox API key's own limits (absent: only the tenant's limit applies).
CREATE TABLE "api_key_limits" (
    "key_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "rate_limit" DOUBLE PRECISION,
    "burst_limit" INTEGER,
    "quota_limit" INTEGER,
    -- DAY | MONTH
    "quota_period" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "api_key_limits_pkey" PRIMARY KEY ("key_id"),
    CONSTRAINT "api_key_limits_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "api_key_limits_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "api_key_limits_tenant_id_idx" ON "api_key_limits"("tenant_id");

-- Takes up to `p_want` tokens from bucket `p_key` (created full), all or what is there: returns
-- how many were granted, the tokens left and, when none were granted, the milliseconds until one
-- is. The row lock serialises every process on that bucket, so the limit holds exactly across them.
CREATE FUNCTION sb_take_tokens(p_key TEXT, p_tenant TEXT, p_rate DOUBLE PRECISION, p_burst DOUBLE PRECISION, p_want INTEGER)
RETURNS TABLE (granted INTEGER, tokens_left DOUBLE PRECISION, retry_ms INTEGER)
LANGUAGE plpgsql AS $$
DECLARE
  t DOUBLE PRECISION;
  u TIMESTAMPTZ;
  n TIMESTAMPTZ;
  g INTEGER;
  cap DOUBLE PRECISION := greatest(p_burst, 1);
BEGIN
  LOOP
    SELECT b.tokens, b.updated_at INTO t, u FROM rate_buckets b WHERE b.key = p_key FOR UPDATE;
    EXIT WHEN FOUND;
    INSERT INTO rate_buckets (key, tenant_id, tokens, updated_at)
      VALUES (p_key, p_tenant, cap, clock_timestamp()) ON CONFLICT (key) DO NOTHING;
  END LOOP;
  -- The time is read after the lock is held, so the refills of successive holders never overlap.
  n := greatest(clock_timestamp(), u);
  t := least(cap, t + extract(epoch FROM (n - u)) * p_rate);
  g := least(p_want, floor(t))::INTEGER;
  IF g < 0 THEN g := 0; END IF;
  t := t - g;
  UPDATE rate_buckets SET tokens = t, updated_at = n WHERE key = p_key;
  granted := g;
  tokens_left := t;
  retry_ms := CASE WHEN g > 0 THEN 0 WHEN p_rate <= 0 THEN 2147483647
                   ELSE least(2147483647, ceil((1 - t) / p_rate * 1000))::INTEGER END;
  RETURN NEXT;
END $$;

-- One admission for several buckets and an optional quota, all or nothing: every bucket needs a
-- token (buckets are locked in the order given; callers sort the keys so two admissions never wait
-- on each other in a circle), then the quota counter for the period must be below its limit.
-- Returns ok, which limit refused ('throttle' | 'quota'), the milliseconds to wait, and the quota
-- left (or the tokens left of the first bucket when there is no quota).
CREATE FUNCTION sb_admit(
  p_tenant TEXT, p_keys TEXT[], p_rates DOUBLE PRECISION[], p_bursts DOUBLE PRECISION[],
  p_quota_key TEXT, p_quota_start TIMESTAMPTZ, p_quota_limit INTEGER,
  p_daily_plan TEXT, p_daily_key TEXT)
RETURNS TABLE (ok BOOLEAN, refused TEXT, retry_ms INTEGER, remaining DOUBLE PRECISION)
LANGUAGE plpgsql AS $$
DECLARE
  i INTEGER;
  n TIMESTAMPTZ;
  t DOUBLE PRECISION;
  u TIMESTAMPTZ;
  cap DOUBLE PRECISION;
  ts DOUBLE PRECISION[] := '{}';
  us TIMESTAMPTZ[] := '{}';
  wait_ms INTEGER := 0;
  used INTEGER;
BEGIN
  -- Counters need no flush to disk before the answer: a crash may forget the last moment's counts
  -- (a quota then admits those few again), which is worth not waiting for a WAL flush per request.
  PERFORM set_config('synchronous_commit', 'off', true);
  FOR i IN 1 .. coalesce(array_length(p_keys, 1), 0) LOOP
    cap := greatest(p_bursts[i], 1);
    LOOP
      SELECT b.tokens, b.updated_at INTO t, u FROM rate_buckets b WHERE b.key = p_keys[i] FOR UPDATE;
      EXIT WHEN FOUND;
      INSERT INTO rate_buckets (key, tenant_id, tokens, updated_at)
        VALUES (p_keys[i], p_tenant, cap, clock_timestamp()) ON CONFLICT (key) DO NOTHING;
    END LOOP;
    n := greatest(clock_timestamp(), u);
    t := least(cap, t + extract(epoch FROM (n - u)) * p_rates[i]);
    ts := ts || t;
    us := us || n;
    IF t < 1 THEN
      wait_ms := greatest(wait_ms, CASE WHEN p_rates[i] <= 0 THEN 2147483647
                                        ELSE least(2147483647, ceil((1 - t) / p_rates[i] * 1000))::INTEGER END);
    END IF;
  END LOOP;
  IF wait_ms > 0 THEN
    -- Refused: keep the refills (time moved on), take nothing.
    FOR i IN 1 .. coalesce(array_length(p_keys, 1), 0) LOOP
      UPDATE rate_buckets SET tokens = ts[i], updated_at = us[i] WHERE key = p_keys[i];
    END LOOP;
    RETURN QUERY SELECT false, 'throttle'::TEXT, wait_ms, coalesce(ts[1], 0::DOUBLE PRECISION);
    RETURN;
  END IF;
  IF p_quota_key IS NOT NULL THEN
    IF p_quota_limit < 1 THEN
      used := NULL;
    ELSE
      INSERT INTO quota_counters AS q (key, period_start, tenant_id, used)
        VALUES (p_quota_key, p_quota_start, p_tenant, 1)
        ON CONFLICT (key, period_start) DO UPDATE SET used = q.used + 1 WHERE q.used < p_quota_limit
        RETURNING q.used INTO used;
    END IF;
    IF used IS NULL THEN
      FOR i IN 1 .. coalesce(array_length(p_keys, 1), 0) LOOP
        UPDATE rate_buckets SET tokens = ts[i], updated_at = us[i] WHERE key = p_keys[i];
      END LOOP;
      RETURN QUERY SELECT false, 'quota'::TEXT, 0, 0::DOUBLE PRECISION;
      RETURN;
    END IF;
  END IF;
  FOR i IN 1 .. coalesce(array_length(p_keys, 1), 0) LOOP
    UPDATE rate_buckets SET tokens = ts[i] - 1, updated_at = us[i] WHERE key = p_keys[i];
  END LOOP;
  IF p_daily_plan IS NOT NULL THEN
    INSERT INTO apigw_usage_daily AS d (usage_plan_id, key_id, day, tenant_id, used)
      VALUES (p_daily_plan, p_daily_key, (clock_timestamp() AT TIME ZONE 'UTC')::DATE, p_tenant, 1)
      ON CONFLICT (usage_plan_id, key_id, day) DO UPDATE SET used = d.used + 1;
  END IF;
  RETURN QUERY SELECT true, NULL::TEXT, 0,
    CASE WHEN p_quota_key IS NOT NULL THEN (p_quota_limit - used)::DOUBLE PRECISION
         ELSE coalesce(ts[1] - 1, 0::DOUBLE PRECISION) END;
END $$;

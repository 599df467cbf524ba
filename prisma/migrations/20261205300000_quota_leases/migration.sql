-- Quota leases: a web process takes a chunk of a usage plan key's remaining quota and spends it
-- locally (server/domains/apis/usage/quota-leases.ts), so a key whose plan has a quota no longer
-- costs a round trip per request. `quota_counters.used` stays what was consumed (reported by the
-- processes every 200 ms and when they stop); the units a process holds but has not reported are
-- in its lease row. What may still be admitted is `limit - used - (units of unexpired leases)`, so
-- the processes together never admit more than the limit. A lease expires a few seconds after it
-- was granted; the process stops spending it a second before that and reports what it spent, so
-- the units of a process that died (SIGKILL) come back at the expiry, not never.
-- Logged (not UNLOGGED): a database crash that lost the leases would free units that processes
-- still hold.
CREATE TABLE "quota_leases" (
    "key" TEXT NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    -- one per process (random id per process start)
    "holder" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    -- granted and not yet reported as consumed
    "units" INTEGER NOT NULL,
    "expires_at" TIMESTAMPTZ(6) NOT NULL,
    CONSTRAINT "quota_leases_pkey" PRIMARY KEY ("key", "period_start", "holder"),
    CONSTRAINT "quota_leases_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "quota_leases_tenant_id_idx" ON "quota_leases"("tenant_id");

-- One quota operation of holder `p_holder` on counter (`p_key`, `p_start`), under the counter's row
-- lock (so every process sees the same remainder). `p_consumed` units the holder spent since its
-- last report are added to `used` first, whatever the mode:
-- - 'lease': the holder's previous lease is replaced (it dropped what it had left); grants up to
--   `p_want` units, at most remainder / (2 × holders), as a lease of `p_lease_ms`. When that share
--   is below 1 or the remainder is at most `p_direct_at`, grants 1 unit counted as used at once
--   (direct = true, no lease): small remainders are counted per request, exactly.
-- - 'direct': 1 unit counted as used at once, when the remainder has one.
-- - 'flush': only the report; the holder's lease keeps its expiry with `units - p_consumed` left
--   (held = false when the lease is gone: expired, or removed).
-- - 'release': the report, and the holder's lease is dropped (its units come back at once).
-- `remaining`: the remainder after this operation (the limit less used and every live lease).
-- What is added to `used` is added to the day's usage of (`p_daily_plan`, `p_daily_key`) too, in the
-- same statement, so GetUsage's days and its remaining quota agree (units spent just before UTC
-- midnight and reported after it count on the new day).
CREATE FUNCTION sb_quota_lease(
  p_tenant TEXT, p_key TEXT, p_start TIMESTAMPTZ, p_limit INTEGER, p_holder TEXT, p_mode TEXT,
  p_consumed INTEGER, p_want INTEGER, p_lease_ms INTEGER, p_direct_at INTEGER,
  p_daily_plan TEXT, p_daily_key TEXT)
RETURNS TABLE (granted INTEGER, direct BOOLEAN, remaining INTEGER, held BOOLEAN)
LANGUAGE plpgsql AS $$
DECLARE
  u INTEGER;
  others INTEGER;
  holders INTEGER;
  avail INTEGER;
  share INTEGER;
  n TIMESTAMPTZ;
  own INTEGER;
BEGIN
  -- As sb_admit: a crash may forget the last moment's counts, not worth a WAL flush per lease.
  PERFORM set_config('synchronous_commit', 'off', true);
  INSERT INTO quota_counters AS q (key, period_start, tenant_id, used)
    VALUES (p_key, p_start, p_tenant, greatest(p_consumed, 0))
    ON CONFLICT (key, period_start) DO UPDATE SET used = q.used + greatest(p_consumed, 0)
    RETURNING q.used INTO u;
  n := clock_timestamp();
  IF p_mode = 'flush' THEN
    UPDATE quota_leases SET units = greatest(units - greatest(p_consumed, 0), 0)
     WHERE key = p_key AND period_start = p_start AND holder = p_holder AND expires_at > n
     RETURNING units INTO own;
    held := own IS NOT NULL;
  ELSIF p_mode IN ('release', 'lease') THEN
    DELETE FROM quota_leases WHERE key = p_key AND period_start = p_start AND holder = p_holder;
    held := false;
  ELSE
    held := false;
  END IF;
  -- Expired leases give their units back (they already count for nothing below; this is tidying).
  DELETE FROM quota_leases WHERE key = p_key AND period_start = p_start AND expires_at <= n;
  SELECT coalesce(sum(l.units), 0), count(*) FILTER (WHERE l.holder <> p_holder) INTO others, holders
    FROM quota_leases l WHERE l.key = p_key AND l.period_start = p_start AND l.expires_at > n;
  avail := p_limit - u - others;
  granted := 0;
  direct := false;
  IF p_mode = 'lease' AND avail > 0 THEN
    share := least(p_want, avail / (2 * (holders + 1)));
    IF share < 1 OR avail <= p_direct_at THEN
      p_mode := 'direct';
    ELSE
      INSERT INTO quota_leases (key, period_start, holder, tenant_id, units, expires_at)
        VALUES (p_key, p_start, p_holder, p_tenant, share, n + make_interval(secs => p_lease_ms / 1000.0));
      granted := share;
      held := true;
      avail := avail - share;
    END IF;
  END IF;
  IF p_mode = 'direct' AND avail > 0 THEN
    UPDATE quota_counters SET used = used + 1 WHERE key = p_key AND period_start = p_start;
    granted := 1;
    direct := true;
    avail := avail - 1;
  END IF;
  remaining := greatest(avail, 0);
  IF p_daily_plan IS NOT NULL AND greatest(p_consumed, 0) + granted * direct::INTEGER > 0 THEN
    -- (a plan deleted meanwhile took its usage with it)
    INSERT INTO apigw_usage_daily AS d (usage_plan_id, key_id, day, tenant_id, used)
      SELECT p_daily_plan, p_daily_key, (n AT TIME ZONE 'UTC')::DATE, p_tenant,
             greatest(p_consumed, 0) + granted * direct::INTEGER
       WHERE EXISTS (SELECT 1 FROM apigw_usage_plans p WHERE p.id = p_daily_plan)
      ON CONFLICT (usage_plan_id, key_id, day) DO UPDATE SET used = d.used + excluded.used;
  END IF;
  RETURN NEXT;
END $$;

-- sb_admit (one round trip per request: a usage plan's throttle and quota, a Signalbox key's quota)
-- has no callers left: usage-plan quotas (20261205300000_quota_leases) and now a Signalbox key's own
-- quota on the AWS and REST doors are spent through quota leases (server/platform/quota-leases.ts),
-- rates through leased buckets (sb_take_tokens).
DROP FUNCTION IF EXISTS sb_admit(
  TEXT, TEXT[], DOUBLE PRECISION[], DOUBLE PRECISION[], TEXT, TIMESTAMPTZ, INTEGER, TEXT, TEXT);

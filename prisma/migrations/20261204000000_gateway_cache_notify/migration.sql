-- The gateway caches, per web process, what it reads on every request: a REST API's stage (and
-- the negative answer "no such stage"), an HTTP API's stages, and an API key with its usage plans
-- (server/http/gateway/hot-cache.ts). These triggers tell every process when such a row changes,
-- whichever code path (or cascade: a deleted API or tenant) changed it. NOTIFY is sent at commit
-- and a payload repeated in one transaction is sent once, so a bulk change costs one notice per
-- API or tenant.

-- Payload: the REST or HTTP API's id.
CREATE FUNCTION sb_notify_gateway_stage() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'rest_api_stages' THEN
    PERFORM pg_notify('signalbox_gateway_stage', CASE WHEN TG_OP = 'DELETE' THEN OLD.rest_api_id ELSE NEW.rest_api_id END);
    IF TG_OP = 'UPDATE' AND OLD.rest_api_id <> NEW.rest_api_id THEN
      PERFORM pg_notify('signalbox_gateway_stage', OLD.rest_api_id);
    END IF;
  ELSE
    PERFORM pg_notify('signalbox_gateway_stage', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
    IF TG_OP = 'UPDATE' AND OLD.id <> NEW.id THEN
      PERFORM pg_notify('signalbox_gateway_stage', OLD.id);
    END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "rest_api_stages_notify_gateway" AFTER INSERT OR UPDATE OR DELETE ON "rest_api_stages"
  FOR EACH ROW EXECUTE FUNCTION sb_notify_gateway_stage();
CREATE TRIGGER "http_apis_notify_gateway" AFTER INSERT OR UPDATE OR DELETE ON "http_apis"
  FOR EACH ROW EXECUTE FUNCTION sb_notify_gateway_stage();

-- Payload: the tenant's id (a key, a plan or a plan's key list changed: that tenant's cached keys go).
CREATE FUNCTION sb_notify_gateway_keys() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('signalbox_gateway_keys', CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END);
  IF TG_OP = 'UPDATE' AND OLD.tenant_id <> NEW.tenant_id THEN
    PERFORM pg_notify('signalbox_gateway_keys', OLD.tenant_id);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "apigw_api_keys_notify_gateway" AFTER INSERT OR UPDATE OR DELETE ON "apigw_api_keys"
  FOR EACH ROW EXECUTE FUNCTION sb_notify_gateway_keys();
CREATE TRIGGER "apigw_usage_plans_notify_gateway" AFTER INSERT OR UPDATE OR DELETE ON "apigw_usage_plans"
  FOR EACH ROW EXECUTE FUNCTION sb_notify_gateway_keys();
CREATE TRIGGER "apigw_usage_plan_keys_notify_gateway" AFTER INSERT OR UPDATE OR DELETE ON "apigw_usage_plan_keys"
  FOR EACH ROW EXECUTE FUNCTION sb_notify_gateway_keys();

-- WebSocket API metrics as CloudWatch names them: ClientError (a 4XX API Gateway answered before
-- the integration ran), IntegrationError (the integration answered 4XX/5XX) and ExecutionError (the
-- integration could not be called or failed) are counted apart; ConnectCount and MessageCount are
-- the counts of the CONNECT and MESSAGE rows.
ALTER TABLE "api_metrics_minute" ADD COLUMN "client_errors" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "api_metrics_minute" ADD COLUMN "integration_errors" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "api_metrics_minute" ADD COLUMN "execution_errors" BIGINT NOT NULL DEFAULT 0;

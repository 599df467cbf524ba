-- WebSocket connections remember their $connect authorizer's context (later messages and
-- $disconnect carry it) and whether a sweeper has claimed them after their web process died
-- ($disconnect runs once, then the row goes; @connections answers 410 meanwhile).
ALTER TABLE "ws_connections" ADD COLUMN "authorizer" JSONB;
ALTER TABLE "ws_connections" ADD COLUMN "disconnecting" BOOLEAN NOT NULL DEFAULT false;

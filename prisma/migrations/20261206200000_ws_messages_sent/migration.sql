-- WebSocket APIs' MessageCount counts the messages sent to the API "either from or to the client":
-- the frames a route response or an @connections POST sends to a client are counted here, on the
-- MESSAGE row of their route key (or "-" for a POST), apart from `count` (the client's frames, whose
-- latency and errors the other columns describe). MessageCount = count of MESSAGE rows + messages_sent.
ALTER TABLE "api_metrics_minute" ADD COLUMN "messages_sent" BIGINT NOT NULL DEFAULT 0;

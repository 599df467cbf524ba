-- A repeated webhook delivery (same delivery id within the window) is answered 200 with the event
-- id of the first one, as webhook senders expect of an idempotent receiver: the id is kept here.
ALTER TABLE "event_source_seen" ADD COLUMN "event_id" TEXT;

-- PutEvents only accepts (stores the events); a router in every web and worker process matches
-- them against the bus's rules and hands them to the delivery engine asynchronously, in batches
-- (server/domains/events/event-router.ts).
--
-- route_schema: NULL once routed (every event stored before this migration counts as routed);
-- otherwise the pg-boss schema of the process that accepted it (SIGNALBOX_BOSS_SCHEMA), so the
-- routers of an installation (or of a test file) take only their own events, as timers do.
-- route_rules: when not empty, only these rules (ARNs) are considered: a replay's rule filter, or the one rule whose
-- schedule fired (scheduled rules have no pattern: they are not in the pattern index).
ALTER TABLE events ADD COLUMN route_schema text;
ALTER TABLE events ADD COLUMN route_rules text[] NOT NULL DEFAULT '{}';
CREATE INDEX events_unrouted_idx ON events (route_schema, received_at) WHERE route_schema IS NOT NULL;

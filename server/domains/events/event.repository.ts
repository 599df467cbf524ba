import type { Queryable } from "../../db";

// SQL of accepted events (the explorer's store) and the per-rule minute counters.

export type StoredEvent = {
  id: string;
  tenantId: string;
  busId: string;
  /** The envelope JSON in AWS's key order, exactly as targets receive it. */
  envelope: string;
  source: string;
  detailType: string;
  eventTime: Date;
  receivedAt: Date;
  size: number;
  ingest: "api" | "source" | "replay" | "schedule" | "bus";
  replayName: string | null;
  /** ARNs of the rules the event matched when accepted. */
  matchedRules: string[];
};

export type NewEvent = Omit<StoredEvent, "receivedAt"> & {
  /** When not empty, the router considers only these rules (ARNs): a replay's filter, a fired scheduled rule. */
  routeRules?: string[];
};

const pgTextArray = (list: string[]) => `{${list.map((a) => `"${a.replace(/(["\\])/g, "\\$1")}"`).join(",")}}`;

/**
 * One multi-row INSERT for a PutEvents call (a second insert of the same id is a no-op: retried
 * fires). `routeSchema`: the events wait for the routers of that pg-boss schema (event-router.ts);
 * null stores them as routed (nothing to match).
 */
export async function insertEvents(
  db: Queryable,
  events: NewEvent[],
  receivedAt: Date,
  routeSchema: string | null = null,
): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  await db.query(
    `INSERT INTO events (id, tenant_id, bus_id, envelope, source, detail_type, event_time, received_at, size, ingest, replay_name, matched_rules,
                         route_schema, route_rules)
     SELECT e.id, e.tenant_id, e.bus_id, e.envelope, e.source, e.detail_type, e.event_time, $8::timestamptz, e.size, e.ingest, e.replay_name, e.matched::text[],
            $13::text, e.route_rules::text[]
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $9::int[], $10::text[], $11::text[], $12::text[],
                   $14::text[])
         AS e(id, tenant_id, bus_id, envelope, source, detail_type, event_time, size, ingest, replay_name, matched, route_rules)
     ON CONFLICT (id) DO NOTHING`,
    [
      events.map((e) => e.id),
      events.map((e) => e.tenantId),
      events.map((e) => e.busId),
      events.map((e) => e.envelope),
      events.map((e) => e.source),
      events.map((e) => e.detailType),
      events.map((e) => e.eventTime.toISOString()),
      receivedAt.toISOString(),
      events.map((e) => e.size),
      events.map((e) => e.ingest),
      events.map((e) => e.replayName),
      events.map((e) => pgTextArray(e.matchedRules)),
      routeSchema,
      events.map((e) => pgTextArray(e.routeRules ?? [])),
    ],
  );
  return events.map(({ routeRules: _r, ...e }) => ({ ...e, receivedAt }));
}

// --- routing (event-router.ts) ---------------------------------------------------------------------

/** NOTIFY channel of the routers; payload: the pg-boss schema whose routers should look. */
export const EVENTS_UNROUTED_CHANNEL = "signalbox_events_unrouted";

/** Inside the transaction that stores unrouted events: wakes the routers of `schema` on commit. */
export async function notifyEventsAccepted(tx: Queryable, schema: string): Promise<void> {
  await tx.query(`SELECT pg_notify($1, $2)`, [EVENTS_UNROUTED_CHANNEL, schema]);
}

export type UnroutedEvent = StoredEvent & { routeRules: string[] };

/**
 * Claims up to `limit` events waiting for the routers of `schema`, oldest first, locked until the
 * caller's transaction ends. `wait`: block on events another router holds (they come back routed
 * and are left out) instead of skipping them. `exclude`: event ids set aside.
 */
export async function claimUnroutedEvents(
  tx: Queryable,
  schema: string,
  limit: number,
  opts: { wait?: boolean; tenantId?: string; exclude?: string[] } = {},
): Promise<UnroutedEvent[]> {
  const r = await tx.query(
    `SELECT ${EVENT_COLS}, route_rules AS "routeRules" FROM events
      WHERE route_schema = $1 AND ($3::text IS NULL OR tenant_id = $3) AND id <> ALL($4::text[])
      ORDER BY received_at LIMIT $2 FOR UPDATE${opts.wait ? "" : " SKIP LOCKED"}`,
    [schema, limit, opts.tenantId ?? null, opts.exclude ?? []],
  );
  return r.rows;
}

/** Marks claimed events routed, with the rules each matched (the explorer's trace). */
export async function markEventsRouted(
  tx: Queryable,
  routed: Array<{ id: string; matchedRules: string[] }>,
): Promise<void> {
  if (routed.length === 0) return;
  await tx.query(
    `UPDATE events e SET route_schema = NULL, matched_rules = m.rules::text[]
       FROM unnest($1::text[], $2::text[]) AS m(id, rules) WHERE e.id = m.id`,
    [routed.map((e) => e.id), routed.map((e) => pgTextArray(e.matchedRules))],
  );
}

const EVENT_COLS = `id, tenant_id AS "tenantId", bus_id AS "busId", envelope, source, detail_type AS "detailType",
  event_time AS "eventTime", received_at AS "receivedAt", size, ingest, replay_name AS "replayName", matched_rules AS "matchedRules"`;

export type EventSearch = {
  busId?: string;
  source?: string;
  detailType?: string;
  id?: string;
  from?: Date;
  to?: Date;
  /** Keyset cursor: events received before this (receivedAt, id). */
  before?: { receivedAt: Date; id: string };
  limit: number;
};

/** Recent events, newest first. */
export async function searchEvents(db: Queryable, tenantId: string, q: EventSearch): Promise<StoredEvent[]> {
  const r = await db.query(
    `SELECT ${EVENT_COLS} FROM events
      WHERE tenant_id = $1
        AND ($2::text IS NULL OR bus_id = $2) AND ($3::text IS NULL OR source = $3)
        AND ($4::text IS NULL OR detail_type = $4) AND ($5::text IS NULL OR id = $5)
        AND ($6::timestamptz IS NULL OR received_at >= $6) AND ($7::timestamptz IS NULL OR received_at < $7)
        AND ($8::timestamptz IS NULL OR (received_at, id) < ($8, $9::text))
      ORDER BY received_at DESC, id DESC LIMIT $10`,
    [
      tenantId,
      q.busId ?? null,
      q.source ?? null,
      q.detailType ?? null,
      q.id ?? null,
      q.from ?? null,
      q.to ?? null,
      q.before?.receivedAt ?? null,
      q.before?.id ?? null,
      q.limit,
    ],
  );
  return r.rows;
}

export async function findEvent(db: Queryable, tenantId: string, id: string): Promise<StoredEvent | null> {
  const r = await db.query(`SELECT ${EVENT_COLS} FROM events WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return r.rows[0] ?? null;
}

/** Retention: deletes up to `limit` events received before `cutoff`; returns how many. */
export async function deleteEventsBefore(db: Queryable, cutoff: Date, limit: number): Promise<number> {
  const r = await db.query(
    `DELETE FROM events WHERE id IN (SELECT id FROM events WHERE received_at < $1 ORDER BY received_at LIMIT $2)`,
    [cutoff, limit],
  );
  return r.rowCount ?? 0;
}

// --- per-rule minute counters ----------------------------------------------------------------------

export type RuleMetricBump = {
  ruleId: string;
  tenantId: string;
  /** ISO minute. */
  minute: string;
  matchedEvents: number;
  invocations: number;
  triggeredRules: number;
};

/** One upsert for many rules; rows of rules deleted meanwhile are skipped by the join. */
export async function bumpRuleMetrics(db: Queryable, bumps: RuleMetricBump[]): Promise<void> {
  if (bumps.length === 0) return;
  await db.query(
    `INSERT INTO event_rule_metrics (rule_id, minute, tenant_id, matched_events, invocations, triggered_rules)
     SELECT b.rule_id, b.minute, b.tenant_id, b.m, b.i, b.t
       FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::int[], $5::int[], $6::int[]) AS b(rule_id, minute, tenant_id, m, i, t)
       JOIN event_rules r ON r.id = b.rule_id
     ON CONFLICT (rule_id, minute) DO UPDATE SET matched_events = event_rule_metrics.matched_events + EXCLUDED.matched_events,
       invocations = event_rule_metrics.invocations + EXCLUDED.invocations,
       triggered_rules = event_rule_metrics.triggered_rules + EXCLUDED.triggered_rules`,
    [
      bumps.map((b) => b.ruleId),
      bumps.map((b) => b.minute),
      bumps.map((b) => b.tenantId),
      bumps.map((b) => b.matchedEvents),
      bumps.map((b) => b.invocations),
      bumps.map((b) => b.triggeredRules),
    ],
  );
}

export type RuleMetricPoint = {
  minute: Date;
  matchedEvents: number;
  invocations: number;
  triggeredRules: number;
  throttledRules: number;
};

export async function ruleMetrics(
  db: Queryable,
  tenantId: string,
  ruleId: string,
  from: Date,
  to: Date,
): Promise<RuleMetricPoint[]> {
  const r = await db.query(
    `SELECT minute, matched_events AS "matchedEvents", invocations, triggered_rules AS "triggeredRules", throttled_rules AS "throttledRules"
       FROM event_rule_metrics WHERE tenant_id = $1 AND rule_id = $2 AND minute >= $3 AND minute < $4 ORDER BY minute`,
    [tenantId, ruleId, from, to],
  );
  return r.rows;
}

// --- the explorer's trace: what the engine did with an event ----------------------------------------

export type EventDeliveryRow = {
  id: string;
  sourceArn: string | null;
  targetKind: string;
  targetArn: string | null;
  targetId: string | null;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  completedAt: Date | null;
};

/** The deliveries (invocations) created for an event, by the engine's per-tenant event_id index. */
export async function deliveriesOfEvent(db: Queryable, tenantId: string, eventId: string): Promise<EventDeliveryRow[]> {
  const r = await db.query(
    `SELECT id, source_arn AS "sourceArn", target_kind AS "targetKind", target_arn AS "targetArn", target_id AS "targetId",
            status, attempts, last_status_code AS "lastStatusCode", last_error AS "lastError",
            created_at AS "createdAt", completed_at AS "completedAt"
       FROM deliveries WHERE tenant_id = $1 AND event_id = $2 ORDER BY created_at, id`,
    [tenantId, eventId],
  );
  return r.rows;
}

/** FailedInvocations per minute for a rule: its deliveries that ended failed or dead-lettered. */
export async function failedInvocationsPerMinute(
  db: Queryable,
  tenantId: string,
  ruleArn: string,
  from: Date,
  to: Date,
): Promise<Array<{ minute: Date; failed: number }>> {
  const r = await db.query(
    `SELECT date_trunc('minute', completed_at) AS minute, count(*)::int AS failed
       FROM deliveries
      WHERE tenant_id = $1 AND source_kind = 'rule' AND source_arn = $2 AND status IN ('failed', 'dlq')
        AND completed_at >= $3 AND completed_at < $4
      GROUP BY 1 ORDER BY 1`,
    [tenantId, ruleArn, from, to],
  );
  return r.rows;
}

export async function findEventsByIds(db: Queryable, tenantId: string, ids: string[]): Promise<StoredEvent[]> {
  const r = await db.query(
    `SELECT ${EVENT_COLS} FROM events WHERE tenant_id = $1 AND id = ANY($2::text[]) ORDER BY received_at, id`,
    [tenantId, ids],
  );
  return r.rows;
}

export async function setMatchedRules(db: Queryable, tenantId: string, id: string, ruleArns: string[]): Promise<void> {
  await db.query(`UPDATE events SET matched_rules = $3::text[] WHERE tenant_id = $1 AND id = $2`, [
    tenantId,
    id,
    ruleArns,
  ]);
}

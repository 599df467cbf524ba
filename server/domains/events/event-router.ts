import { pool, withTransaction, type Queryable } from "../../db";
import { BOSS_SCHEMA } from "../../jobs/boss";
import { logger } from "../../logger";
import { listen } from "../../platform/listen";
import { gated } from "../../platform/tx-gate";
import type { EventEnvelope } from "../../core/events/envelope";
import { findRuleByArn } from "./bus.repository";
import {
  claimUnroutedEvents,
  EVENTS_UNROUTED_CHANNEL,
  markEventsRouted,
  notifyEventsAccepted as notifyRouters,
  type UnroutedEvent,
} from "./event.repository";
import { matchRules, ruleIndexFor } from "./rule-index";
import { dispatchMatches, recordRuleMetrics, type MatchedEvent, type RuleMatch } from "./rule-dispatch";

// The event router: accepted → routed → delivered. PutEvents (and event sources, replays, rule
// schedules, events forwarded bus-to-bus) only ACCEPTS: it commits the events with a "not routed
// yet" marker (events.route_schema = this installation's pg-boss schema, partial index
// events_unrouted_idx). A router in every web and worker process then, in ONE transaction per batch:
// claims up to BATCH unrouted events (FOR UPDATE SKIP LOCKED, oldest first), matches them against
// their bus's rules (rule-index.ts, cached per process), creates every (event, rule, target)
// invocation in the delivery engine at once (queue targets are delivered right there, one
// multi-row INSERT per target queue; remote targets get deliver jobs) and marks the events routed.
// A batch commits whole or not at all: a router that dies mid-batch leaves its events unrouted for
// any other (or its own next) round, and the invocations' dedupe keys (event, rule, target) make
// nothing happen twice. Delivery is at least once end to end; a queue receives each routed event
// once.
//
// What wakes a router: the process that accepted events wakes its own router right after the
// commit (no round trip) and NOTIFYs EVENTS_UNROUTED_CHANNEL with the schema (at most every 25 ms)
// so the other processes share the load; events accepted inside a caller's transaction (event
// sources, bus-to-bus forwarding, scheduled rules) NOTIFY inside it, delivered on commit. A process
// starts its router at start (draining what is pending) or the first time it accepts events; a
// sweep every SWEEP_MS catches anything a lost notification or a failed batch left behind. While a
// round runs, wake-ups coalesce into the next round, so batches grow with the load.

export { EVENTS_UNROUTED_CHANNEL };

const BATCH = Math.max(1, Number(process.env.SIGNALBOX_ROUTER_BATCH ?? 500));
const SWEEP_MS = 5_000;

let running: Promise<void> | null = null;
let again = false;
let started = false;
let stopped = false;
let sweep: NodeJS.Timeout | undefined;

type Round = { count: number; full: boolean };

function rulesFromArns(arns: string[]): Set<string> | null {
  return arns.length ? new Set(arns) : null;
}

/** The rules an event matches; for a scheduled rule's fire, that rule (it has no pattern). */
async function rulesOf(tx: Queryable, e: UnroutedEvent, envelope: EventEnvelope): Promise<RuleMatch[]> {
  if (e.ingest === "schedule" && e.routeRules.length) {
    const out: RuleMatch[] = [];
    for (const arn of e.routeRules) {
      const r = await findRuleByArn(tx, e.tenantId, arn);
      if (r && r.state !== "DISABLED") out.push({ id: r.id, name: r.name, arn: r.arn, tenantId: r.tenantId });
    }
    return out;
  }
  const idx = await ruleIndexFor(e.busId, tx);
  const only = rulesFromArns(e.routeRules);
  return matchRules(idx, envelope)
    .filter((r) => !only || only.has(r.arn))
    .map((r) => ({ ...r, tenantId: e.tenantId }));
}

type BatchOpts = { wait?: boolean; tenantId?: string };

// A batch that fails rolls back whole. So that one event the router cannot route (a bug, a target
// definition the engine refuses) does not hold up every event behind it, a failed batch is redone
// one event at a time; an event that fails alone is set aside in this process (logged) and tried
// again after SUSPECT_RETRY_MS, while the others flow.
const SUSPECT_RETRY_MS = 60_000;
const suspects = new Map<string, number>();

function currentSuspects(): string[] {
  const now = Date.now();
  for (const [id, until] of suspects) if (until <= now) suspects.delete(id);
  return [...suspects.keys()];
}

/** One batch in one transaction. */
async function routeBatch(limit: number, opts: BatchOpts, claimed: string[] = []): Promise<Round> {
  const { count, bumps } = await gated(() =>
    withTransaction(async (tx) => {
      const events = await claimUnroutedEvents(tx, BOSS_SCHEMA, limit, { ...opts, exclude: currentSuspects() });
      claimed.push(...events.map((e) => e.id));
      if (events.length === 0) return { count: 0, bumps: [] };
      const matched: MatchedEvent[] = [];
      const routed: Array<{ id: string; matchedRules: string[] }> = [];
      for (const e of events) {
        let envelope: EventEnvelope;
        try {
          envelope = JSON.parse(e.envelope) as EventEnvelope;
        } catch (err) {
          // Stored by us, so this cannot happen; if it did, the event must not block the others.
          logger.error({ err, eventId: e.id }, "stored event is not JSON; routed to no rule");
          routed.push({ id: e.id, matchedRules: [] });
          continue;
        }
        const rules = await rulesOf(tx, e, envelope);
        routed.push({ id: e.id, matchedRules: rules.map((r) => r.arn) });
        if (rules.length)
          matched.push({
            envelope,
            envelopeText: e.envelope,
            ingestionTime: e.receivedAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
            // MaximumEventAgeInSeconds counts from when Signalbox received the event (a scheduled
            // rule's from its fire time).
            receivedAt: e.ingest === "schedule" ? e.eventTime : e.receivedAt,
            rules,
          });
      }
      const bumps = await dispatchMatches(tx, matched);
      await markEventsRouted(tx, routed);
      return { count: events.length, bumps };
    }),
  );
  await recordRuleMetrics(bumps);
  return { count, full: count === limit };
}

/** After a failed batch: one event per transaction, until a batch's worth went through. */
async function isolate(opts: BatchOpts): Promise<number> {
  let routed = 0;
  while (routed < BATCH) {
    const claimed: string[] = [];
    try {
      const r = await routeBatch(1, opts, claimed);
      if (r.count === 0) break;
      routed++;
    } catch (err) {
      const id = claimed[0];
      if (!id) throw err; // nothing was claimed: the database failed, not an event
      suspects.set(id, Date.now() + SUSPECT_RETRY_MS);
      logger.error({ err, eventId: id }, "event could not be routed; set aside, tried again in a minute");
    }
  }
  return routed;
}

// The share of its time a process's router may spend while it is behind (full batches back to
// back). A web process answers requests first: its router pauses between full batches, leaving the
// backlog to the workers' routers, which run flat out (startEventRouter's `share`).
let share = 1;

/** Routes batches until none is full (or, `wait`, until nothing is left); returns how many. */
async function drain(opts: BatchOpts): Promise<number> {
  let total = 0;
  for (;;) {
    let r: Round;
    const t0 = performance.now();
    try {
      r = await routeBatch(BATCH, opts);
    } catch (err) {
      logger.warn({ err }, "event routing batch failed; routing it one event at a time");
      total += await isolate(opts);
      continue;
    }
    total += r.count;
    if (opts.wait ? r.count === 0 : !r.full) return total;
    if (!opts.wait && share < 1) {
      const pause = ((performance.now() - t0) * (1 - share)) / share;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

async function loop(): Promise<void> {
  try {
    while (again) {
      again = false;
      await drain({});
    }
  } catch (err) {
    // The database failed: the events stay unrouted; the sweep (or the next wake) retries.
    logger.error({ err }, "event routing failed; retrying shortly");
  } finally {
    running = null;
  }
}

/** Routes what is pending soon, in this process (coalesces with a round already running). */
export function wakeRouter(): void {
  if (stopped) return;
  ensureRouter();
  again = true;
  running ??= loop();
}

/** Starts this process's router once: follows NOTIFYs, sweeps, and drains what is pending now. */
export function ensureRouter(): void {
  if (started) return;
  started = true;
  listen(EVENTS_UNROUTED_CHANNEL, {
    onNotify: (schema) => {
      if (schema === BOSS_SCHEMA) wakeRouter();
    },
    onResync: () => wakeRouter(),
  }).catch((err) => logger.warn({ err }, "event routing notifications are not followed; the sweep routes"));
  sweep = setInterval(() => wakeRouter(), SWEEP_MS);
  sweep.unref();
  wakeRouter();
}

/**
 * Web and worker processes: start routing at start (what is pending is routed at once). `share`:
 * the part of its time the router may take while behind (web processes: less than 1).
 */
export function startEventRouter(opts: { share?: number } = {}): { stop: () => Promise<void> } {
  share = Math.min(1, Math.max(0.05, opts.share ?? 1));
  ensureRouter();
  return {
    stop: async () => {
      stopped = true;
      if (sweep) clearInterval(sweep);
      sweep = undefined;
      await running;
    },
  };
}

/** Inside the transaction that accepts events: tells every router of this schema (on commit). */
export async function notifyEventsAccepted(tx: Queryable): Promise<void> {
  await notifyRouters(tx, BOSS_SCHEMA);
}

// After a commit in this process: the local router is woken at once; the other processes are told
// at most every NOTIFY_EVERY_MS (a NOTIFY per PutEvents would serialize commits on PostgreSQL's
// notification queue lock; they only share the load, the local router and the sweep guarantee it).
const NOTIFY_EVERY_MS = 25;
let lastNotify = 0;

/** After committing unrouted events through the pool: routes them here and lets others help. */
export function eventsAccepted(): void {
  wakeRouter();
  const now = Date.now();
  if (now - lastNotify < NOTIFY_EVERY_MS) return;
  lastNotify = now;
  notifyRouters(pool(), BOSS_SCHEMA).catch((err) => logger.warn({ err }, "routers not notified"));
}

/**
 * Routes every event pending now (of one tenant, or all), waiting for batches other routers hold,
 * and returns how many this call routed (events set aside as unroutable stay pending). Tests and
 * callers that need the deliveries made before they go on call it instead of waiting for the
 * background router.
 */
export async function routePendingEvents(opts: { tenantId?: string } = {}): Promise<number> {
  await running;
  return drain({ wait: true, tenantId: opts.tenantId });
}

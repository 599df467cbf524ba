import { assertCan, type Actor } from "../../auth/permissions";
import { pool } from "../../db";
import { busNamesByIds, findBusByName } from "./bus.repository";
import { requireOwnBus, type Caller } from "./bus.service";
import {
  deliveriesOfEvent,
  failedInvocationsPerMinute,
  findEvent,
  ruleMetrics,
  searchEvents,
  type EventDeliveryRow,
  type StoredEvent,
} from "./event.repository";
import { ebNotFound, ebValidation } from "./event.errors";
import { requireRule } from "./rule.service";

// The read side for the console and REST: recent events (search by bus, source, detail-type, id,
// time range; newest first, keyset paging), one event's trace (the rules it matched → the
// invocations the engine made → their outcome) and per-rule minute metrics named as AWS/Events
// names them (MatchedEvents, Invocations, FailedInvocations, TriggeredRules, ThrottledRules).

export type EventSummary = {
  id: string;
  busName: string;
  source: string;
  detailType: string;
  time: string;
  receivedAt: string;
  size: number;
  ingest: StoredEvent["ingest"];
  replayName: string | null;
  matchedRules: string[];
};

export type EventSearchInput = {
  busName?: string | null;
  source?: string | null;
  detailType?: string | null;
  id?: string | null;
  from?: Date | null;
  to?: Date | null;
  cursor?: string | null;
  limit?: number | null;
};

function encodeCursor(e: StoredEvent): string {
  return Buffer.from(JSON.stringify([e.receivedAt.toISOString(), e.id])).toString("base64url");
}

function decodeCursor(c: string): { receivedAt: Date; id: string } {
  try {
    const [t, id] = JSON.parse(Buffer.from(c, "base64url").toString("utf8")) as [string, string];
    const d = new Date(t);
    if (typeof id === "string" && !Number.isNaN(d.getTime())) return { receivedAt: d, id };
  } catch {
    /* fall through */
  }
  throw ebValidation("The cursor is invalid.", "cursor");
}

export async function searchRecentEvents(
  actor: Actor,
  caller: Caller,
  q: EventSearchInput,
): Promise<{ events: EventSummary[]; nextCursor: string | null }> {
  assertCan(actor.role, "resource:read");
  const bus = q.busName ? await requireOwnBus(pool(), caller, q.busName) : null;
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
  const rows = await searchEvents(pool(), caller.tenantId, {
    busId: bus?.id,
    source: q.source || undefined,
    detailType: q.detailType || undefined,
    id: q.id || undefined,
    from: q.from ?? undefined,
    to: q.to ?? undefined,
    before: q.cursor ? decodeCursor(q.cursor) : undefined,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const names = await busNames(caller, page);
  return {
    events: page.map((e) => summary(e, names.get(e.busId) ?? "")),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null,
  };
}

async function busNames(caller: Caller, events: StoredEvent[]): Promise<Map<string, string>> {
  return busNamesByIds(pool(), caller.tenantId, [...new Set(events.map((e) => e.busId))]);
}

function summary(e: StoredEvent, busName: string): EventSummary {
  return {
    id: e.id,
    busName,
    source: e.source,
    detailType: e.detailType,
    time: e.eventTime.toISOString(),
    receivedAt: e.receivedAt.toISOString(),
    size: e.size,
    ingest: e.ingest,
    replayName: e.replayName,
    matchedRules: e.matchedRules,
  };
}

export type EventTrace = {
  event: EventSummary;
  /** The envelope exactly as targets received it (before their input transformation). */
  envelope: unknown;
  rules: Array<{ ruleArn: string; invocations: EventDeliveryRow[] }>;
  /** Invocations whose rule did not record a match here (e.g. a replay's own). */
  otherInvocations: EventDeliveryRow[];
};

export async function getEventTrace(actor: Actor, caller: Caller, eventId: string): Promise<EventTrace> {
  assertCan(actor.role, "resource:read");
  const e = await findEvent(pool(), caller.tenantId, eventId);
  if (!e) throw ebNotFound(`Event ${eventId} does not exist.`);
  const [names, deliveries] = await Promise.all([
    busNames(caller, [e]),
    deliveriesOfEvent(pool(), caller.tenantId, e.id),
  ]);
  const rules = e.matchedRules.map((ruleArn) => ({
    ruleArn,
    invocations: deliveries.filter((d) => d.sourceArn === ruleArn),
  }));
  const known = new Set(e.matchedRules);
  return {
    event: summary(e, names.get(e.busId) ?? ""),
    envelope: JSON.parse(e.envelope),
    rules,
    otherInvocations: deliveries.filter((d) => !d.sourceArn || !known.has(d.sourceArn)),
  };
}

export type RuleMetricsPoint = {
  minute: string;
  MatchedEvents: number;
  Invocations: number;
  FailedInvocations: number;
  TriggeredRules: number;
  ThrottledRules: number;
};

/** Per-minute metrics of one rule between `from` and `to` (default: the last hour), zero-filled. */
export async function getRuleMetrics(
  actor: Actor,
  caller: Caller,
  input: { busName?: string | null; ruleName: string; from?: Date | null; to?: Date | null },
): Promise<RuleMetricsPoint[]> {
  assertCan(actor.role, "resource:read");
  const to = input.to ?? new Date();
  const from = input.from ?? new Date(to.getTime() - 3600_000);
  if (to.getTime() - from.getTime() > 7 * 24 * 3600_000)
    throw ebValidation("The time range must be at most 7 days.", "from");
  const { rule } = await requireRule(pool(), caller, input.busName, input.ruleName);
  const [counts, failed] = await Promise.all([
    ruleMetrics(pool(), caller.tenantId, rule.id, from, to),
    failedInvocationsPerMinute(pool(), caller.tenantId, rule.arn, from, to),
  ]);
  const byMinute = new Map<number, RuleMetricsPoint>();
  const start = Math.floor(from.getTime() / 60_000) * 60_000;
  for (let t = start; t < to.getTime(); t += 60_000)
    byMinute.set(t, {
      minute: new Date(t).toISOString(),
      MatchedEvents: 0,
      Invocations: 0,
      FailedInvocations: 0,
      TriggeredRules: 0,
      ThrottledRules: 0,
    });
  for (const c of counts) {
    const p = byMinute.get(new Date(c.minute).getTime());
    if (!p) continue;
    p.MatchedEvents = c.matchedEvents;
    p.Invocations = c.invocations;
    p.TriggeredRules = c.triggeredRules;
    p.ThrottledRules = c.throttledRules;
  }
  for (const f of failed) {
    const p = byMinute.get(new Date(f.minute).getTime());
    if (p) p.FailedInvocations = f.failed;
  }
  return [...byMinute.values()];
}

/** The console's bus page: a bus by name (its own tenant only). */
export async function getBusByName(actor: Actor, caller: Caller, name: string) {
  assertCan(actor.role, "resource:read");
  const bus =
    name === "default" ? await requireOwnBus(pool(), caller, name) : await findBusByName(pool(), caller.tenantId, name);
  if (!bus) throw ebNotFound(`Event bus ${name} does not exist.`);
  return bus;
}

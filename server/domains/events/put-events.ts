import { randomUUID } from "node:crypto";
import type pg from "pg";
import { withTransaction, pool, type Queryable } from "../../db";
import { isAppError } from "../../core/errors";
import { buildEnvelope, putEventsEntrySize, type EventEnvelope } from "../../core/events/envelope";
import { gated } from "../../platform/tx-gate";
import type { BusRow } from "./bus.repository";
import { region, resolveBusForPut, type Caller } from "./bus.service";
import { insertEvents, type NewEvent, type StoredEvent } from "./event.repository";
import { afterEventsAccepted } from "./events.hooks";
import { ebValidation } from "./event.errors";
import { matchRules, ruleIndexFor } from "./rule-index";
import { dispatchMatches, recordRuleMetrics, type MatchedEvent } from "./rule-dispatch";

// PutEvents (contracts.md seam 4): validate each entry as AWS does (per-entry ErrorCode/ErrorMessage,
// the request refused only for its size or entry count), build AWS's envelope, then in ONE
// transaction store the accepted events, match them against the enabled rules of their bus
// (rule-index.ts, no query), create one invocation per (event, rule, target) in the delivery engine
// and call afterEventsAccepted (archives, schema discovery). Everything accepted is committed
// before the answer; an invocation then survives any crash (the engine's rows and jobs).
//
// `db` is the pool (putEvents opens the transaction) or a client inside the caller's transaction
// (an event-bus target delivering from the engine): then everything joins that transaction.

export type PutEventsEntry = {
  Source?: string | null;
  DetailType?: string | null;
  Detail?: string | null;
  Resources?: string[] | null;
  /** A Date, epoch seconds (the JSON protocol's timestamp) or an ISO string. */
  Time?: Date | number | string | null;
  EventBusName?: string | null;
  TraceHeader?: string | null;
};

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export type PutEventsOptions = {
  replayName?: string;
  /** Replays: only these rules (by ARN) are matched. */
  ruleArns?: string[];
  ingest?: "api" | "source" | "replay" | "schedule" | "bus";
  /** Cross-account event-bus targets: the rule ARN, for aws:SourceArn conditions. */
  sourceArn?: string;
  /** Events forwarded by a rule (event-bus targets) may carry aws.* sources (scheduled events). */
  allowAwsSource?: boolean;
};

export const MAX_ENTRIES = 10;
export const MAX_REQUEST_BYTES = 256 * 1024;

type Prepared = {
  index: number;
  busRef: string;
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  resources: string[];
  time: Date | null;
  size: number;
};

function fail(code: string, message: string): PutEventsResultEntry {
  return { ErrorCode: code, ErrorMessage: message };
}

function parseTime(t: PutEventsEntry["Time"]): Date | null | "invalid" {
  if (t === undefined || t === null || t === "") return null;
  const d = t instanceof Date ? t : typeof t === "number" ? new Date(t * 1000) : new Date(t);
  return Number.isNaN(d.getTime()) ? "invalid" : d;
}

function prepare(e: PutEventsEntry, index: number, busRef: string, allowAws: boolean): Prepared | PutEventsResultEntry {
  if (!e.Source)
    return fail("InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.");
  if (!e.DetailType)
    return fail("InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument.");
  if (!e.Detail)
    return fail("InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument.");
  if (e.Source.length > 256)
    return fail("InvalidArgument", "Parameter Source is not valid. Reason: Source exceeds the maximum length of 256.");
  if (e.DetailType.length > 128)
    return fail(
      "InvalidArgument",
      "Parameter DetailType is not valid. Reason: DetailType exceeds the maximum length of 128.",
    );
  if (e.Source.startsWith("aws.") && !allowAws)
    return fail("NotAuthorizedForSourceException", "Not authorized for the source.");
  let detail: unknown;
  try {
    detail = JSON.parse(e.Detail);
  } catch {
    return fail("MalformedDetail", "Detail is malformed.");
  }
  if (!detail || typeof detail !== "object" || Array.isArray(detail))
    return fail("MalformedDetail", "Detail is malformed.");
  const resources = e.Resources ?? [];
  if (!Array.isArray(resources) || resources.some((r) => typeof r !== "string"))
    return fail("InvalidArgument", "Parameter Resources is not valid.");
  const time = parseTime(e.Time);
  if (time === "invalid") return fail("InvalidArgument", "Parameter Time is not valid.");
  return {
    index,
    busRef: e.EventBusName || busRef,
    source: e.Source,
    detailType: e.DetailType,
    detail: detail as Record<string, unknown>,
    resources,
    time,
    size: 0,
  };
}

/** Request-level checks AWS makes before looking at any entry. */
export function checkPutEventsRequest(entries: PutEventsEntry[]): void {
  if (!Array.isArray(entries) || entries.length < 1)
    throw ebValidation(
      "1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1",
      "entries",
    );
  if (entries.length > MAX_ENTRIES)
    throw ebValidation(
      "1 validation error detected: Value '[PutEventsRequestEntry]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10",
      "entries",
    );
  const total = entries.reduce((n, e) => n + putEventsEntrySize(e), 0);
  if (total > MAX_REQUEST_BYTES)
    throw ebValidation("Total size of the entries in the request is over the limit.", "entries");
}

function isPool(db: pg.Pool | Queryable): db is pg.Pool {
  return typeof (db as pg.Pool).connect === "function" && typeof (db as pg.Pool).totalCount === "number";
}

export async function putEvents(
  db: pg.Pool | Queryable,
  caller: Caller,
  busRef: string,
  entries: PutEventsEntry[],
  opts: PutEventsOptions = {},
): Promise<PutEventsResultEntry[]> {
  checkPutEventsRequest(entries);
  const results: PutEventsResultEntry[] = new Array(entries.length);
  const ok: Prepared[] = [];
  entries.forEach((e, i) => {
    const p = prepare(e, i, busRef || "default", opts.allowAwsSource ?? false);
    if ("ErrorCode" in p || "EventId" in p) results[i] = p;
    else ok.push(p);
  });

  // Resolve each distinct bus once; a refusal fails that bus's entries only.
  const reader: Queryable = db;
  const buses = new Map<string, BusRow | PutEventsResultEntry>();
  for (const p of ok) {
    if (buses.has(p.busRef)) continue;
    try {
      buses.set(p.busRef, await resolveBusForPut(reader, caller, p.busRef, opts.sourceArn));
    } catch (err) {
      if (!isAppError(err) || err.code === "internal" || err.code === "unavailable") throw err;
      buses.set(p.busRef, fail(err.awsCode ?? "InvalidArgument", err.message));
    }
  }

  const receivedAt = new Date();
  const ingestionTime = receivedAt.toISOString().replace(/\.\d{3}Z$/, "Z");
  const byBus = new Map<string, { bus: BusRow; events: NewEvent[]; matched: MatchedEvent[] }>();
  const ruleFilter = opts.ruleArns ? new Set(opts.ruleArns) : null;
  for (const p of ok) {
    const b = buses.get(p.busRef)!;
    if ("ErrorCode" in b || "EventId" in b) {
      results[p.index] = b;
      continue;
    }
    const id = randomUUID();
    const envelope: EventEnvelope = buildEnvelope({
      id,
      detailType: p.detailType,
      source: p.source,
      account: caller.accountId,
      time: p.time ?? receivedAt,
      region: region(),
      resources: p.resources,
      detail: p.detail,
      replayName: opts.replayName,
    });
    const envelopeText = JSON.stringify(envelope);
    const idx = await ruleIndexFor(b.id, reader);
    const rules = matchRules(idx, envelope)
      .filter((r) => !ruleFilter || ruleFilter.has(r.arn))
      .map((r) => ({ ...r, tenantId: b.tenantId }));
    const group = byBus.get(b.id) ?? { bus: b, events: [], matched: [] };
    group.events.push({
      id,
      tenantId: b.tenantId,
      busId: b.id,
      envelope: envelopeText,
      source: p.source,
      detailType: p.detailType,
      eventTime: new Date(envelope.time),
      size: putEventsEntrySize(entries[p.index]!),
      ingest: opts.ingest ?? "api",
      replayName: opts.replayName ?? null,
      matchedRules: rules.map((r) => r.arn),
    });
    if (rules.length) group.matched.push({ envelope, envelopeText, ingestionTime, rules });
    byBus.set(b.id, group);
    results[p.index] = { EventId: id };
  }
  if (byBus.size === 0) return results;

  const work = async (tx: Queryable) => {
    const bumps = [];
    for (const g of byBus.values()) {
      const stored: StoredEvent[] = await insertEvents(tx, g.events, receivedAt);
      bumps.push(...(await dispatchMatches(tx, g.matched)));
      await afterEventsAccepted(tx, g.bus, stored);
    }
    return bumps;
  };
  // Local targets (queues) are served inside this transaction and may need a second pooled
  // connection: gated like Publish (platform/tx-gate.ts).
  const bumps = isPool(db) ? await gated(() => withTransaction(work)) : await work(db);
  if (isPool(db)) await recordRuleMetrics(bumps);
  else void recordRuleMetrics(bumps);
  return results;
}

/** The pool, for callers that have no transaction of their own. */
export function eventsDb(): pg.Pool {
  return pool();
}

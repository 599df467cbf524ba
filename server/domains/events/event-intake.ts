import { randomUUID } from "node:crypto";
import type { Queryable } from "../../db";
import { isAppError } from "../../core/errors";
import {
  buildEnvelope,
  MAX_PUT_EVENTS_BYTES,
  putEventsEntrySize,
  type EventEnvelope,
} from "../../core/events/envelope";
import type { BusRow } from "./bus.repository";
import { region, resolveBusForPut, type Caller } from "./bus.service";
import type { NewEvent } from "./event.repository";
import { ebValidation } from "./event.errors";

// The first half of PutEvents, shared by the API (put-events.ts) and the event-bus target
// (bus.delivery.ts): validate each entry as AWS does (per-entry ErrorCode/ErrorMessage; the
// request as a whole is refused only for its entry count or size), resolve each distinct bus once
// (cross-account by policy), and build AWS's envelope. Nothing is written here; no rule is matched.

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

export type AcceptedEvent = { row: NewEvent; envelope: EventEnvelope; envelopeText: string };
export type BusGroup = { bus: BusRow; events: AcceptedEvent[] };
export type Intake = {
  results: PutEventsResultEntry[];
  groups: BusGroup[];
  receivedAt: Date;
  /** `<aws.events.event.ingestion-time>`: when Signalbox received the request. */
  ingestionTime: string;
};

type Prepared = {
  index: number;
  busRef: string;
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
  resources: string[];
  time: Date | null;
};

const fail = (code: string, message: string): PutEventsResultEntry => ({ ErrorCode: code, ErrorMessage: message });

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
  if (typeof e.Source !== "string" || e.Source.length > 256)
    return fail("InvalidArgument", "Parameter Source is not valid. Reason: Source exceeds the maximum length of 256.");
  if (typeof e.DetailType !== "string" || e.DetailType.length > 128)
    return fail(
      "InvalidArgument",
      "Parameter DetailType is not valid. Reason: DetailType exceeds the maximum length of 128.",
    );
  if (e.Source.startsWith("aws.") && !allowAws)
    return fail("NotAuthorizedForSourceException", "Not authorized for the source.");
  let detail: unknown;
  try {
    detail = JSON.parse(String(e.Detail));
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
  if (total > MAX_PUT_EVENTS_BYTES)
    throw ebValidation("Total size of the entries in the request is over the limit.", "entries");
}

export async function intakeEvents(
  db: Queryable,
  caller: Caller,
  busRef: string,
  entries: PutEventsEntry[],
  opts: PutEventsOptions,
): Promise<Intake> {
  checkPutEventsRequest(entries);
  const results: PutEventsResultEntry[] = new Array(entries.length);
  const ok: Prepared[] = [];
  entries.forEach((e, i) => {
    const p = prepare(e, i, busRef || "default", opts.allowAwsSource ?? false);
    if ("ErrorCode" in p) results[i] = p;
    else ok.push(p as Prepared);
  });

  // Each distinct bus once; a refusal (unknown bus, no permission) fails that bus's entries only.
  const buses = new Map<string, BusRow | PutEventsResultEntry>();
  for (const p of ok) {
    if (buses.has(p.busRef)) continue;
    try {
      buses.set(p.busRef, await resolveBusForPut(db, caller, p.busRef, opts.sourceArn));
    } catch (err) {
      if (!isAppError(err) || err.code === "internal" || err.code === "unavailable") throw err;
      buses.set(p.busRef, fail(err.awsCode ?? "InvalidArgument", err.message));
    }
  }

  const receivedAt = new Date();
  const groups = new Map<string, BusGroup>();
  for (const p of ok) {
    const b = buses.get(p.busRef)!;
    if ("ErrorCode" in b) {
      results[p.index] = b;
      continue;
    }
    const bus = b as BusRow;
    const id = randomUUID();
    const envelope = buildEnvelope({
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
    const g = groups.get(bus.id) ?? { bus, events: [] };
    g.events.push({
      envelope,
      envelopeText,
      row: {
        id,
        tenantId: bus.tenantId,
        busId: bus.id,
        envelope: envelopeText,
        source: p.source,
        detailType: p.detailType,
        eventTime: new Date(envelope.time),
        size: putEventsEntrySize(entries[p.index]!),
        ingest: opts.ingest ?? "api",
        replayName: opts.replayName ?? null,
        matchedRules: [],
      },
    });
    groups.set(bus.id, g);
    results[p.index] = { EventId: id };
  }
  return {
    results,
    groups: [...groups.values()],
    receivedAt,
    ingestionTime: receivedAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
}

// The EventBridge event envelope and PutEvents entry sizes.
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html
//
// Targets receive the envelope as JSON with AWS's keys in AWS's order, so buildEnvelope returns an
// object whose insertion order is that order (JSON.stringify keeps it).

export type EventEnvelope = {
  version: string;
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  /** ISO 8601 in UTC without fractional seconds, e.g. 2017-12-22T18:43:48Z. */
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
  /** Present only on events re-sent by a replay. */
  "replay-name"?: string;
};

/** AWS's `time` format: second precision, `Z`. */
export function formatEventTime(t: Date): string {
  return t.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function buildEnvelope(e: {
  id: string;
  detailType: string;
  source: string;
  account: string;
  time: Date | string;
  region: string;
  resources?: string[];
  /** The parsed Detail (PutEvents' Detail is a JSON object text). */
  detail: unknown;
  replayName?: string;
}): EventEnvelope {
  const envelope: EventEnvelope = {
    version: "0",
    id: e.id,
    "detail-type": e.detailType,
    source: e.source,
    account: e.account,
    time: typeof e.time === "string" ? e.time : formatEventTime(e.time),
    region: e.region,
    resources: e.resources ?? [],
    detail: e.detail,
  };
  if (e.replayName !== undefined) envelope["replay-name"] = e.replayName;
  return envelope;
}

export type PutEventsEntryForSize = {
  Time?: unknown;
  Source?: string | null;
  DetailType?: string | null;
  Detail?: string | null;
  Resources?: Array<string | null> | null;
};

function utf8(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

/**
 * A PutEvents entry's size as AWS counts it against the 256 KiB request limit: 14 bytes for Time if
 * present, plus the UTF-8 bytes of Source, DetailType, Detail and each Resources entry. Other fields
 * (EventBusName, TraceHeader) do not count.
 */
export function putEventsEntrySize(entry: PutEventsEntryForSize): number {
  let size = 0;
  if (entry.Time !== undefined && entry.Time !== null) size += 14;
  if (entry.Source) size += utf8(entry.Source);
  if (entry.DetailType) size += utf8(entry.DetailType);
  if (entry.Detail) size += utf8(entry.Detail);
  for (const r of entry.Resources ?? []) if (r) size += utf8(r);
  return size;
}

/** PutEvents' limit on the sum of entry sizes in one request. */
export const MAX_PUT_EVENTS_BYTES = 256 * 1024;

import type { Queryable } from "../../db";
import type { InboundKind } from "../../core/events/inbound-signatures";

// SQL of inbound event sources: the sources, their recent-request log and the delivery ids already
// accepted (replay guard). Every function takes the tenant and puts it in its WHERE, except the
// ingest lookup by source id (the signature is the credential there).

export type EventSourceRow = {
  id: string;
  tenantId: string;
  busId: string;
  busName: string;
  busArn: string;
  name: string;
  kind: InboundKind;
  secretEnc: string;
  tokenHeader: string | null;
  previousSecretEnc: string | null;
  previousExpiresAt: Date | null;
  createdAt: Date;
  rotatedAt: Date | null;
};

export type SourceRequestRow = {
  id: string;
  receivedAt: Date;
  status: number;
  deliveryId: string | null;
  detailType: string | null;
  eventId: string | null;
  reason: string | null;
};

const SOURCE_COLUMNS = `s.id, s.tenant_id AS "tenantId", s.bus_id AS "busId", b.name AS "busName", b.arn AS "busArn",
  s.name, s.kind, s.secret_enc AS "secretEnc", s.token_header AS "tokenHeader",
  s.previous_secret_enc AS "previousSecretEnc", s.previous_expires_at AS "previousExpiresAt", s.created_at AS "createdAt",
  s.rotated_at AS "rotatedAt"`;

export async function insertEventSource(
  db: Queryable,
  s: {
    id: string;
    tenantId: string;
    busId: string;
    name: string;
    kind: InboundKind;
    secretEnc: string;
    tokenHeader: string | null;
  },
): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO event_sources (id, tenant_id, bus_id, name, kind, secret_enc, token_header)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (bus_id, name) DO NOTHING`,
    [s.id, s.tenantId, s.busId, s.name, s.kind, s.secretEnc, s.tokenHeader],
  );
  return r.rowCount === 1;
}

export async function listEventSources(db: Queryable, tenantId: string, busId: string): Promise<EventSourceRow[]> {
  const r = await db.query(
    `SELECT ${SOURCE_COLUMNS} FROM event_sources s JOIN event_buses b ON b.id = s.bus_id
      WHERE s.tenant_id = $1 AND s.bus_id = $2 ORDER BY s.name`,
    [tenantId, busId],
  );
  return r.rows;
}

export async function findEventSource(db: Queryable, tenantId: string, id: string): Promise<EventSourceRow | null> {
  const r = await db.query(
    `SELECT ${SOURCE_COLUMNS} FROM event_sources s JOIN event_buses b ON b.id = s.bus_id
      WHERE s.tenant_id = $1 AND s.id = $2`,
    [tenantId, id],
  );
  return r.rows[0] ?? null;
}

/** The ingest endpoint's lookup: the source id from the URL, any tenant. */
export async function findEventSourceForIngest(db: Queryable, id: string): Promise<EventSourceRow | null> {
  const r = await db.query(
    `SELECT ${SOURCE_COLUMNS} FROM event_sources s JOIN event_buses b ON b.id = s.bus_id WHERE s.id = $1`,
    [id],
  );
  return r.rows[0] ?? null;
}

export async function deleteEventSource(db: Queryable, tenantId: string, id: string): Promise<boolean> {
  const r = await db.query(`DELETE FROM event_sources WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return r.rowCount === 1;
}

export async function updateEventSourceSecret(
  db: Queryable,
  tenantId: string,
  id: string,
  secretEnc: string,
  previous: { secretEnc: string; expiresAt: Date } | null,
): Promise<void> {
  await db.query(
    `UPDATE event_sources SET secret_enc = $3, previous_secret_enc = $4, previous_expires_at = $5, rotated_at = now()
      WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, secretEnc, previous?.secretEnc ?? null, previous?.expiresAt ?? null],
  );
}

/** Remembers a delivery id; false when it was already seen within the window (a replay). */
/**
 * Remembers a delivery id. `{ first: true }` the first time within the window (an id older than the
 * window may be reused: the row is refreshed); otherwise the event id the first delivery became.
 * A concurrent duplicate waits on the first one's row until it commits, so it sees that event id.
 */
export async function rememberDelivery(
  db: Queryable,
  sourceId: string,
  deliveryId: string,
  windowSeconds: number,
): Promise<{ first: true } | { first: false; eventId: string | null }> {
  const r = await db.query(
    `INSERT INTO event_source_seen (source_id, delivery_id) VALUES ($1, $2)
     ON CONFLICT (source_id, delivery_id) DO UPDATE SET seen_at = now(), event_id = NULL
       WHERE event_source_seen.seen_at < now() - make_interval(secs => $3)
     RETURNING 1`,
    [sourceId, deliveryId, windowSeconds],
  );
  if (r.rowCount === 1) return { first: true };
  const seen = await db.query(`SELECT event_id FROM event_source_seen WHERE source_id = $1 AND delivery_id = $2`, [
    sourceId,
    deliveryId,
  ]);
  return { first: false, eventId: (seen.rows[0]?.event_id as string | null | undefined) ?? null };
}

/** The event a remembered delivery became (answered again to a repeated delivery). */
export async function setDeliveryEvent(db: Queryable, sourceId: string, deliveryId: string, eventId: string) {
  await db.query(`UPDATE event_source_seen SET event_id = $3 WHERE source_id = $1 AND delivery_id = $2`, [
    sourceId,
    deliveryId,
    eventId,
  ]);
}

/** Forgets delivery ids older than the window (any source); cheap through the seen_at index. */
export async function forgetOldDeliveries(db: Queryable, windowSeconds: number): Promise<void> {
  await db.query(`DELETE FROM event_source_seen WHERE seen_at < now() - make_interval(secs => $1)`, [windowSeconds]);
}

export async function insertSourceRequest(
  db: Queryable,
  r: {
    tenantId: string;
    sourceId: string;
    status: number;
    deliveryId: string | null;
    detailType: string | null;
    eventId: string | null;
    reason: string | null;
  },
): Promise<string> {
  const q = await db.query(
    `INSERT INTO event_source_requests (tenant_id, source_id, status, delivery_id, detail_type, event_id, reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::text`,
    [r.tenantId, r.sourceId, r.status, r.deliveryId, r.detailType, r.eventId, r.reason],
  );
  return q.rows[0].id;
}

/** Keeps the newest `keep` requests of a source. */
export async function trimSourceRequests(db: Queryable, sourceId: string, keep: number): Promise<void> {
  await db.query(
    `DELETE FROM event_source_requests WHERE source_id = $1 AND id < (
       SELECT id FROM event_source_requests WHERE source_id = $1 ORDER BY id DESC OFFSET $2 LIMIT 1)`,
    [sourceId, keep - 1],
  );
}

export async function listSourceRequests(
  db: Queryable,
  tenantId: string,
  sourceId: string,
  limit: number,
): Promise<SourceRequestRow[]> {
  const r = await db.query(
    `SELECT id::text, received_at AS "receivedAt", status, delivery_id AS "deliveryId", detail_type AS "detailType",
            event_id AS "eventId", reason
       FROM event_source_requests r WHERE tenant_id = $1 AND source_id = $2 ORDER BY r.id DESC LIMIT $3`,
    [tenantId, sourceId, limit],
  );
  return r.rows;
}

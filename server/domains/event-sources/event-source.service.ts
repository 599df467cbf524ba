import { randomBytes } from "node:crypto";
import { AppError } from "../../core/errors";
import { assertCan, type Actor } from "../../auth/permissions";
import { pool, withTransaction, type Queryable } from "../../db";
import { openSecret, sealSecret } from "../../platform/secrets";
import { generateWebhookSecret } from "../../core/sns/standard-webhooks";
import {
  DEFAULT_TOKEN_HEADER,
  verifyInbound,
  type InboundKind,
  type RefusalReason,
} from "../../core/events/inbound-signatures";
import { recordAudit } from "../audit/audit.service";
import { putEvents } from "../events/put-events";
import { requireOwnBus } from "../events/bus.service";
import {
  deleteEventSource,
  findEventSource,
  findEventSourceForIngest,
  forgetOldDeliveries,
  insertEventSource,
  insertSourceRequest,
  listEventSources,
  listSourceRequests,
  rememberDelivery,
  setDeliveryEvent,
  trimSourceRequests,
  updateEventSourceSecret,
  type EventSourceRow,
} from "./event-source.repository";
import type { CreateEventSourceInput } from "./event-source.schemas";

// Inbound event sources: HTTPS ingest URLs on an event bus for SaaS apps (GitHub, Stripe, anything
// that signs with Standard Webhooks, or a shared token). Management use cases for the console and
// REST, and `ingest` for the public endpoint: verify (core/events/inbound-signatures.ts), refuse
// replays, put one event on the bus through the events domain's putEvents, log the request.

export type TenantRef = { id: string; accountId: string };

/** The largest body accepted: EventBridge's limit on one PutEvents entry. */
export const MAX_INGEST_BYTES = 256 * 1024;
/**
 * How long accepted delivery ids are remembered. Longer than the timestamp tolerance because
 * GitHub and tokens sign no timestamp: for them the remembered id is the only replay guard.
 */
export const SEEN_WINDOW_SECONDS = 24 * 3600;
/** Requests kept per source for the console's "recent requests". */
export const KEEP_REQUESTS = 200;

const sealContext = (id: string) => `event-source:${id}`;

function newSecret(kind: InboundKind): string {
  if (kind === "standard-webhooks" || kind === "stripe") return generateWebhookSecret();
  return randomBytes(32).toString("base64url");
}

function checkSecret(kind: InboundKind, secret: string): void {
  if (secret.length < 8 || secret.length > 512)
    throw new AppError("validation", "A secret is 8 to 512 characters.", {
      fieldErrors: { secret: ["A secret is 8 to 512 characters."] },
    });
  if (kind === "standard-webhooks" && !/^(whsec_)?[A-Za-z0-9+/]+=*$/.test(secret))
    throw new AppError("validation", "A Standard Webhooks secret is whsec_ followed by base64.", {
      fieldErrors: { secret: ["A Standard Webhooks secret is whsec_ followed by base64."] },
    });
}

export function ingestUrl(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/$/, "")}/api/v1/ingest/${id}`;
}

export function eventSourceView(s: EventSourceRow, baseUrl: string) {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind,
    bus: s.busName,
    busArn: s.busArn,
    source: `partner.${s.name}`,
    ingestUrl: ingestUrl(baseUrl, s.id),
    tokenHeader: s.kind === "token" ? (s.tokenHeader ?? DEFAULT_TOKEN_HEADER) : null,
    createdAt: s.createdAt,
    rotatedAt: s.rotatedAt,
    previousSecretExpiresAt: s.previousExpiresAt && s.previousExpiresAt > new Date() ? s.previousExpiresAt : null,
  };
}
export type EventSourceView = ReturnType<typeof eventSourceView>;

/** The tenant's own bus by name or ARN (the default bus is created on first use), as the events domain resolves it. */
const requireBus = (tenant: TenantRef, busName: string) =>
  requireOwnBus(pool(), { tenantId: tenant.id, accountId: tenant.accountId }, busName);

async function requireSource(tenant: TenantRef, busName: string, id: string): Promise<EventSourceRow> {
  const s = await findEventSource(pool(), tenant.id, id);
  if (!s || (s.busName !== busName && s.busArn !== busName))
    throw new AppError("not_found", `Event source ${id} does not exist on bus ${busName}.`);
  return s;
}

/** Creates a source; its secret is in the answer this once (sealed at rest, never shown again). */
export async function createEventSource(
  actor: Actor,
  tenant: TenantRef,
  input: CreateEventSourceInput,
  baseUrl: string,
): Promise<{ source: EventSourceView; secret: string }> {
  assertCan(actor.role, "resource:write");
  const bus = await requireBus(tenant, input.bus);
  const secret = input.secret ?? newSecret(input.kind);
  checkSecret(input.kind, secret);
  const id = "src_" + randomBytes(18).toString("base64url");
  const created = await withTransaction(async (tx) => {
    const ok = await insertEventSource(tx, {
      id,
      tenantId: tenant.id,
      busId: bus.id,
      name: input.name,
      kind: input.kind,
      secretEnc: sealSecret(secret, sealContext(id)),
      tokenHeader: input.kind === "token" ? (input.tokenHeader ?? DEFAULT_TOKEN_HEADER) : null,
    });
    if (ok)
      await recordAudit(
        actor,
        tenant.id,
        "event-source.create",
        { type: "event-source", id },
        { after: { name: input.name, kind: input.kind, bus: bus.name } },
        tx,
      );
    return ok;
  });
  if (!created)
    throw new AppError("conflict", `Event source ${input.name} already exists on bus ${bus.name}.`, {
      fieldErrors: { name: [`Event source ${input.name} already exists on bus ${bus.name}.`] },
    });
  const row = (await findEventSource(pool(), tenant.id, id))!;
  return { source: eventSourceView(row, baseUrl), secret };
}

export async function listSources(actor: Actor, tenant: TenantRef, busName: string, baseUrl: string) {
  assertCan(actor.role, "resource:read");
  const bus = await requireBus(tenant, busName);
  return (await listEventSources(pool(), tenant.id, bus.id)).map((s) => eventSourceView(s, baseUrl));
}

export async function getSource(actor: Actor, tenant: TenantRef, busName: string, id: string, baseUrl: string) {
  assertCan(actor.role, "resource:read");
  return eventSourceView(await requireSource(tenant, busName, id), baseUrl);
}

export async function deleteSource(actor: Actor, tenant: TenantRef, busName: string, id: string): Promise<void> {
  assertCan(actor.role, "resource:write");
  const s = await requireSource(tenant, busName, id);
  await withTransaction(async (tx) => {
    await deleteEventSource(tx, tenant.id, s.id);
    await recordAudit(
      actor,
      tenant.id,
      "event-source.delete",
      { type: "event-source", id: s.id },
      { before: { name: s.name } },
      tx,
    );
  });
}

/** The longest a previous secret may stay valid after a rotation. */
export const MAX_OVERLAP_HOURS = 168;

/**
 * Replaces the secret (the given one, e.g. the whsec_… Stripe shows for an endpoint, or a new
 * random one) and shows it once. The old secret stops working at once, or after `overlapHours`
 * (time to update the sender; 0 when the old one leaked).
 */
export async function rotateSourceSecret(
  actor: Actor,
  tenant: TenantRef,
  busName: string,
  id: string,
  opts: { secret?: string; overlapHours?: number } = {},
): Promise<{ secret: string; previousExpiresAt: Date | null }> {
  assertCan(actor.role, "resource:write");
  const s = await requireSource(tenant, busName, id);
  const secret = opts.secret ?? newSecret(s.kind);
  checkSecret(s.kind, secret);
  const hours = Math.min(Math.max(opts.overlapHours ?? 0, 0), MAX_OVERLAP_HOURS);
  const previous = hours > 0 ? { secretEnc: s.secretEnc, expiresAt: new Date(Date.now() + hours * 3600_000) } : null;
  await withTransaction(async (tx) => {
    await updateEventSourceSecret(tx, tenant.id, s.id, sealSecret(secret, sealContext(s.id)), previous);
    await recordAudit(
      actor,
      tenant.id,
      "event-source.rotate-secret",
      { type: "event-source", id: s.id },
      { name: s.name },
      tx,
    );
  });
  return { secret, previousExpiresAt: previous?.expiresAt ?? null };
}

export async function recentSourceRequests(actor: Actor, tenant: TenantRef, busName: string, id: string, limit = 50) {
  assertCan(actor.role, "resource:read");
  const s = await requireSource(tenant, busName, id);
  return listSourceRequests(pool(), tenant.id, s.id, Math.min(Math.max(limit, 1), KEEP_REQUESTS));
}

// --- ingest ---------------------------------------------------------------------------------------

const REFUSAL_STATUS: Record<RefusalReason, number> = {
  "missing-signature": 401,
  "bad-signature": 401,
  stale: 401,
  "bad-body": 400,
};

let ingestCount = 0;

/** The secrets a request may be signed with now: the current one, and the previous during its overlap. */
function secretsOf(s: EventSourceRow, now: Date): string[] {
  const out = [openSecret(s.secretEnc, sealContext(s.id))];
  if (s.previousSecretEnc && s.previousExpiresAt && s.previousExpiresAt > now)
    out.push(openSecret(s.previousSecretEnc, sealContext(s.id)));
  return out;
}

async function logRequest(
  s: EventSourceRow,
  r: {
    status: number;
    deliveryId?: string | null;
    detailType?: string | null;
    eventId?: string | null;
    reason?: string | null;
  },
  db: Queryable = pool(),
): Promise<void> {
  const id = await insertSourceRequest(db, {
    tenantId: s.tenantId,
    sourceId: s.id,
    status: r.status,
    deliveryId: r.deliveryId ?? null,
    detailType: r.detailType ?? null,
    eventId: r.eventId ?? null,
    reason: r.reason ?? null,
  });
  // Trimming every request would double the statements; every 20th keeps the log bounded.
  if (Number(id) % 20 === 0) await trimSourceRequests(db, s.id, KEEP_REQUESTS);
}

/**
 * Refusals before the signature is checked cost no tenant budget (see ingest), so an unsigned flood
 * must not become a flood of log rows either: each process logs at most this many refusals per
 * source per second (the rest are answered the same, only not logged).
 */
const REFUSAL_LOGS_PER_SECOND = 5;
const refusalLog = new Map<string, { second: number; count: number }>();

function mayLogRefusal(sourceId: string, now = Date.now()): boolean {
  const second = Math.floor(now / 1000);
  const r = refusalLog.get(sourceId);
  if (!r || r.second !== second) {
    if (refusalLog.size > 10_000) refusalLog.clear();
    refusalLog.set(sourceId, { second, count: 1 });
    return true;
  }
  return ++r.count <= REFUSAL_LOGS_PER_SECOND;
}

/** Refusal: logged on the source (committed on its own, sampled), then thrown for the door to render. */
async function refuse(
  s: EventSourceRow,
  err: AppError,
  extra: { deliveryId?: string | null; detailType?: string | null } = {},
) {
  if (mayLogRefusal(s.id)) await logRequest(s, { status: err.mapping.http, reason: err.message, ...extra });
  return err;
}

/** Finds the source an ingest URL names (throttling needs its tenant before the body is verified). */
export async function sourceForIngest(id: string): Promise<EventSourceRow> {
  const s = /^src_[A-Za-z0-9_-]{1,64}$/.test(id) ? await findEventSourceForIngest(pool(), id) : null;
  if (!s) throw new AppError("not_found", "No event source has this ingest URL.");
  return s;
}

/**
 * One request to a source's ingest URL: verified, checked for replay, put on the bus as one event
 * (`source` partner.<name>, detail-type from the provider, the body as detail) and logged, in one
 * transaction. Refusals change nothing but the request log.
 *
 * `admit` (the door's per-tenant throttle) runs only once the signature is verified: the tenant's
 * budget is spent on its senders' requests, not on whoever floods its public URL unsigned (those
 * cost one lookup and an HMAC each, and are refused 401 without touching the budget).
 *
 * A delivery id seen within the window is answered 200 with the first delivery's event id and
 * `duplicate: true`, and nothing is stored again: webhook senders retry until they get a 2xx, so
 * an error for a duplicate would make them retry (and alert) for a delivery that was accepted.
 */
export async function ingest(
  s: EventSourceRow,
  req: { headers: Record<string, string | string[] | undefined>; body: Buffer; now?: Date },
  opts: { admit?: () => void | Promise<void> } = {},
): Promise<{ eventId: string; duplicate?: true }> {
  if (req.body.length > MAX_INGEST_BYTES)
    throw await refuse(s, new AppError("too_large", `The body is larger than ${MAX_INGEST_BYTES} bytes.`));
  const v = verifyInbound(
    { kind: s.kind, secrets: secretsOf(s, req.now ?? new Date()), tokenHeader: s.tokenHeader },
    { headers: req.headers, body: req.body, now: req.now ?? new Date() },
  );
  if (!v.ok) {
    const code = REFUSAL_STATUS[v.reason] === 401 ? "unauthenticated" : "validation";
    throw await refuse(s, new AppError(code, v.message));
  }
  await opts.admit?.();
  if (++ingestCount % 100 === 0) await forgetOldDeliveries(pool(), SEEN_WINDOW_SECONDS);
  const accountId = s.busArn.split(":")[4]!;
  const seen = { deliveryId: v.deliveryId, detailType: v.detailType };
  const outcome = await withTransaction(async (tx) => {
    if (v.deliveryId) {
      const remembered = await rememberDelivery(tx, s.id, v.deliveryId, SEEN_WINDOW_SECONDS);
      if (!remembered.first) {
        await logRequest(
          s,
          {
            status: 200,
            ...seen,
            eventId: remembered.eventId,
            reason: `Delivery ${v.deliveryId} was already accepted; it was not put on the bus again.`,
          },
          tx,
        );
        return { duplicate: true as const, eventId: remembered.eventId ?? "" };
      }
    }
    const [result] = await putEvents(
      tx,
      { tenantId: s.tenantId, accountId },
      s.busArn,
      [{ Source: `partner.${s.name}`, DetailType: v.detailType, Detail: JSON.stringify(v.detail) }],
      { ingest: "source" },
    );
    if (!result || !("EventId" in result))
      throw new AppError("validation", result?.ErrorMessage ?? "The event was not accepted.", {
        awsCode: result?.ErrorCode,
      });
    if (v.deliveryId) await setDeliveryEvent(tx, s.id, v.deliveryId, result.EventId);
    await logRequest(s, { status: 200, ...seen, eventId: result.EventId }, tx);
    return { duplicate: false as const, eventId: result.EventId };
  }).catch(async (e) => {
    throw e instanceof AppError ? await refuse(s, e, seen) : e;
  });
  return outcome.duplicate ? { eventId: outcome.eventId, duplicate: true } : { eventId: outcome.eventId };
}

import { randomUUID } from "node:crypto";
import { assertCan, actorLabel, type Actor } from "../../auth/permissions";
import { AppError } from "../../core/errors";
import { pool, withTransaction } from "../../db";
import {
  deliveryExists,
  deliverySourceKind,
  findResend,
  insertResend,
  markNotificationRowsRead,
  notificationRows,
  outboxRows,
  reopenDelivery,
} from "./delivery-console.repository";
import { enqueue } from "../../platform/enqueue";
import { originForJob, publicUrl } from "../../platform/public-url";
import { recordAudit } from "../audit/audit.service";
import { resendJob } from "./delivery.jobs";
import { enqueueDeliverChunks } from "./delivery.enqueue";
import {
  deliverySeries,
  deliveryTotals,
  disabledEndpoints,
  getAttempt,
  listAttempts,
  listDeliveries,
  topFailingEndpoints,
  type Scope,
} from "./delivery-dashboard.repository";
import { findEndpoint, lastEndpointAttempt } from "./endpoint-dashboard.repository";
import { latestConfirmationOutcome } from "./confirmation-outcome.repository";

// Deliveries dashboard use cases (read) and resends (write), for the console's deliveryRouter.

type TenantRef = { id: string };
export type DashboardQuery = {
  topicId?: string | null;
  subscriptionId?: string | null;
  /** topic | rule | schedule | function | workflow | api */
  sourceKind?: string | null;
  sourceArn?: string | null;
  from: Date;
  to: Date;
};

const scopeOf = (tenant: TenantRef, q: Omit<DashboardQuery, "from" | "to">): Scope => ({
  tenantId: tenant.id,
  topicId: q.topicId,
  subscriptionId: q.subscriptionId,
  sourceKind: q.sourceKind,
  sourceArn: q.sourceArn,
});

function range(q: { from: Date; to: Date }) {
  if (q.to.getTime() <= q.from.getTime())
    throw new AppError("validation", "The end of the range must be after its start.", {
      fieldErrors: { to: ["Must be after from"] },
    });
  if (q.to.getTime() - q.from.getTime() > 93 * 86400_000)
    throw new AppError("validation", "Ranges are limited to 93 days.", { fieldErrors: { from: ["At most 93 days"] } });
  return { from: q.from, to: q.to };
}

export async function deliveryOverview(actor: Actor, tenant: TenantRef, q: DashboardQuery) {
  assertCan(actor.role, "resource:read");
  const r = range(q);
  const scope = scopeOf(tenant, q);
  const [series, totals] = await Promise.all([deliverySeries(pool(), scope, r), deliveryTotals(pool(), scope, r)]);
  return { ...series, totals };
}

/** One endpoint (subscription): what it is, its last response, and its numbers over the range. */
export async function endpointOverview(
  actor: Actor,
  tenant: TenantRef,
  q: { subscriptionId: string; from: Date; to: Date },
) {
  assertCan(actor.role, "resource:read");
  const r = range(q);
  const endpoint = await findEndpoint(pool(), tenant.id, q.subscriptionId);
  if (!endpoint) throw new AppError("not_found", "No such endpoint: the subscription may have been deleted.");
  const scope: Scope = { tenantId: tenant.id, subscriptionId: endpoint.id };
  const [series, totals, lastAttempt] = await Promise.all([
    deliverySeries(pool(), scope, r),
    deliveryTotals(pool(), scope, r),
    lastEndpointAttempt(pool(), tenant.id, endpoint.id),
  ]);
  return { endpoint, lastAttempt, ...series, totals };
}

export async function failingEndpoints(actor: Actor, tenant: TenantRef, q: DashboardQuery & { limit?: number }) {
  assertCan(actor.role, "resource:read");
  return topFailingEndpoints(pool(), scopeOf(tenant, q), range(q), q.limit ?? 10);
}

export async function listDisabledEndpoints(actor: Actor, tenant: TenantRef) {
  assertCan(actor.role, "resource:read");
  return disabledEndpoints(pool(), tenant.id);
}

export async function browseAttempts(
  actor: Actor,
  tenant: TenantRef,
  f: Omit<Parameters<typeof listAttempts>[1], "tenantId" | "limit"> & { limit?: number; cursor?: string | null },
) {
  assertCan(actor.role, "resource:read");
  const limit = Math.min(Math.max(f.limit ?? 50, 1), 200);
  const rows = await listAttempts(pool(), { ...f, tenantId: tenant.id, before: f.cursor ?? null, limit: limit + 1 });
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
}

export async function attemptDetail(actor: Actor, tenant: TenantRef, id: string) {
  assertCan(actor.role, "resource:read");
  if (!/^\d+$/.test(id)) throw new AppError("not_found", "No such attempt.");
  const a = await getAttempt(pool(), tenant.id, id);
  if (!a) throw new AppError("not_found", "No such attempt.");
  return a;
}

export async function browseDeliveries(
  actor: Actor,
  tenant: TenantRef,
  f: {
    topicId?: string | null;
    subscriptionId?: string | null;
    status?: string | null;
    messageId?: string | null;
    sourceKind?: string | null;
    sourceArn?: string | null;
    eventId?: string | null;
    before?: Date | null;
    limit?: number;
  },
) {
  assertCan(actor.role, "resource:read");
  return listDeliveries(pool(), { ...f, tenantId: tenant.id, limit: Math.min(Math.max(f.limit ?? 50, 1), 200) });
}

/**
 * Why a workflow Task's call is not resent: the deliveries log records it (source kind 'workflow'),
 * but the call belonged to an execution, which took its answer (or its error, through Retry/Catch)
 * when it was made; sending it again outside the execution would call the target with nobody to
 * receive the answer. Redriving or restarting the execution is the way to call it again.
 */
export const WORKFLOW_RESEND_REFUSAL =
  "Deliveries made by workflow tasks cannot be resent: the call belonged to its execution, which already handled the answer with its own Retry/Catch. Redrive or start the execution again instead.";

/** Resend one delivery (any status): same delivery id, so receivers can still deduplicate. */
export async function resendDelivery(actor: Actor, tenant: TenantRef, deliveryId: string, baseUrl = publicUrl()) {
  assertCan(actor.role, "resource:write");
  return withTransaction(async (tx) => {
    const kind = await deliverySourceKind(tx, tenant.id, deliveryId);
    if (kind === undefined) throw new AppError("not_found", "No such delivery.");
    if (kind === "workflow") throw new AppError("conflict", WORKFLOW_RESEND_REFUSAL);
    if (!(await reopenDelivery(tx, tenant.id, deliveryId))) {
      if (!(await deliveryExists(tx, tenant.id, deliveryId))) throw new AppError("not_found", "No such delivery.");
      return { id: deliveryId, queued: false };
    }
    await enqueueDeliverChunks([deliveryId], baseUrl, tx);
    await recordAudit(actor, tenant.id, "delivery.resend", { type: "delivery", id: deliveryId }, {}, tx);
    return { id: deliveryId, queued: true };
  });
}

export async function resendFailed(
  actor: Actor,
  tenant: TenantRef,
  q: {
    since: Date;
    topicId?: string | null;
    subscriptionId?: string | null;
    sourceKind?: string | null;
    sourceArn?: string | null;
  },
  baseUrl = publicUrl(),
) {
  assertCan(actor.role, "resource:write");
  if (q.sourceKind === "workflow")
    throw new AppError("validation", WORKFLOW_RESEND_REFUSAL, {
      fieldErrors: { sourceKind: [WORKFLOW_RESEND_REFUSAL] },
    });
  const id = randomUUID();
  await withTransaction(async (tx) => {
    await insertResend(tx, {
      id,
      tenantId: tenant.id,
      topicId: q.topicId ?? null,
      subscriptionId: q.subscriptionId ?? null,
      sourceKind: q.sourceKind ?? null,
      sourceArn: q.sourceArn ?? null,
      since: q.since,
      createdBy: actorLabel(actor),
    });
    await enqueue(resendJob, { resendId: id, tenantId: tenant.id, baseUrl: originForJob(baseUrl) }, { tx });
    await recordAudit(
      actor,
      tenant.id,
      "delivery.resend-failed",
      { type: "delivery_resend", id },
      {
        since: q.since.toISOString(),
        topicId: q.topicId ?? null,
        subscriptionId: q.subscriptionId ?? null,
        ...(q.sourceKind ? { sourceKind: q.sourceKind } : {}),
        ...(q.sourceArn ? { sourceArn: q.sourceArn } : {}),
      },
      tx,
    );
  });
  return { id };
}

export async function resendProgress(actor: Actor, tenant: TenantRef, id: string) {
  assertCan(actor.role, "resource:read");
  const row = await findResend(pool(), tenant.id, id);
  if (!row) throw new AppError("not_found", "No such resend.");
  return row;
}

export type OutboxEmail = {
  id: string;
  subscriptionId: string | null;
  deliveryId: string | null;
  to: string;
  subject: string;
  body: string;
  status: string;
  createdAt: Date;
  sentAt: Date | null;
};

function outboxCursor(row: OutboxEmail): string {
  return Buffer.from(`${new Date(row.createdAt).toISOString()}|${row.id}`).toString("base64url");
}

function parseOutboxCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const date = new Date(at ?? "");
  if (!id || Number.isNaN(date.getTime()))
    throw new AppError("validation", "Invalid cursor.", { fieldErrors: { cursor: ["Invalid cursor"] } });
  return { at: date, id };
}

/** One page of the email outbox, newest first; `nextCursor` (null at the end) fetches the next older page. */
export async function listOutboxPage(
  actor: Actor,
  tenant: TenantRef,
  q: { limit?: number; cursor?: string | null } = {},
): Promise<{ items: OutboxEmail[]; nextCursor: string | null }> {
  assertCan(actor.role, "resource:read");
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
  const after = q.cursor ? parseOutboxCursor(q.cursor) : null;
  const rows = (await outboxRows(pool(), tenant.id, after, limit)) as OutboxEmail[];
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? outboxCursor(items[items.length - 1]!) : null };
}

/** What became of the last SubscriptionConfirmation sent to this subscription (null: none tried yet). */
export async function confirmationOutcome(actor: Actor, tenant: TenantRef, subscriptionId: string) {
  assertCan(actor.role, "resource:read");
  return latestConfirmationOutcome(pool(), tenant.id, subscriptionId);
}

export async function listNotifications(actor: Actor, tenant: TenantRef, unreadOnly = false) {
  assertCan(actor.role, "resource:read");
  return notificationRows(pool(), tenant.id, unreadOnly);
}

export async function markNotificationsRead(actor: Actor, tenant: TenantRef, ids: string[]) {
  assertCan(actor.role, "resource:read");
  await markNotificationRowsRead(pool(), tenant.id, ids);
  return { ok: true };
}

import type { Queryable } from "../../db";
import { actorId, actorLabel, assertCan, type Actor } from "../../auth/permissions";
import { insertAudit, listAudit, distinctAuditActions } from "./audit.repository";

/**
 * Records one change. Pass `tx` to commit the audit row with the change itself.
 * `summary` holds before/after summaries: never secrets or message bodies.
 */
export async function recordAudit(
  actor: Actor,
  tenantId: string | null,
  action: string,
  target: { type: string; id: string } | null,
  summary?: Record<string, unknown>,
  tx?: Queryable,
): Promise<void> {
  await insertAudit(
    {
      tenantId,
      actorType: actor.type,
      actorId: actorId(actor),
      actorLabel: actorLabel(actor),
      action,
      targetType: target?.type ?? null,
      targetId: target?.id ?? null,
      summary,
    },
    tx,
  );
}

export async function browseAudit(
  actor: Actor,
  tenantId: string,
  q: { action?: string; actor?: string; targetType?: string; cursor?: string; since?: Date; limit?: number },
) {
  assertCan(actor.role, "audit:read");
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
  const rows = await listAudit({
    tenantId,
    action: q.action,
    actor: q.actor,
    targetType: q.targetType,
    since: q.since,
    before: q.cursor ? BigInt(q.cursor) : undefined,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit).map((r) => ({ ...r, id: r.id.toString() }));
  return {
    items: page,
    nextCursor: rows.length > limit ? page[page.length - 1].id : null,
    actions: await distinctAuditActions(tenantId),
  };
}

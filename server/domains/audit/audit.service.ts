import { pool, type Queryable } from "../../db";
import { actorId, actorLabel, assertCan, type Actor } from "../../auth/permissions";
import { insertAudit, listAudit, distinctAuditActions, findTargetLabels } from "./audit.repository";

/** A name the summary already carries (deletes record it there: the row is gone by then). */
function labelFromSummary(summary: unknown): string | null {
  if (!summary || typeof summary !== "object") return null;
  const s = summary as Record<string, unknown>;
  const pick = (o: unknown) => {
    if (!o || typeof o !== "object") return null;
    const r = o as Record<string, unknown>;
    for (const k of ["name", "endpoint", "email"]) if (typeof r[k] === "string" && r[k]) return r[k] as string;
    return null;
  };
  // A bulk resend is named by what it covers.
  const since = typeof s.since === "string" ? `failed since ${s.since.replace("T", " ").slice(0, 16)} UTC` : null;
  return pick(s) ?? pick(s.before) ?? pick(s.after) ?? since;
}

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
  // The label is taken now, in the same transaction: later the target may be renamed or gone.
  let targetLabel = labelFromSummary(summary);
  if (!targetLabel && target && tenantId)
    targetLabel = (await findTargetLabels(tx ?? pool(), tenantId, [target])).get(`${target.type}:${target.id}`) ?? null;
  await insertAudit(tx ?? pool(), {
    tenantId,
    actorType: actor.type,
    actorId: actorId(actor),
    actorLabel: actorLabel(actor),
    action,
    targetType: target?.type ?? null,
    targetId: target?.id ?? null,
    targetLabel,
    summary,
  });
}

export async function browseAudit(
  actor: Actor,
  tenantId: string,
  q: { action?: string; actor?: string; targetType?: string; cursor?: string; since?: Date; limit?: number },
) {
  assertCan(actor.role, "audit:read");
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
  const rows = await listAudit(pool(), {
    tenantId,
    action: q.action,
    actor: q.actor,
    targetType: q.targetType,
    since: q.since,
    before: q.cursor ? BigInt(q.cursor) : undefined,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit).map((r) => ({ ...r, id: r.id.toString() }));
  // Entries recorded before labels were stored: name what still exists (one query per type).
  const missing = page.filter((r) => !r.targetLabel && r.targetType && r.targetId);
  const found = missing.length
    ? await findTargetLabels(
        pool(),
        tenantId,
        missing.map((r) => ({ type: r.targetType!, id: r.targetId! })),
      )
    : new Map<string, string>();
  for (const r of missing)
    r.targetLabel = found.get(`${r.targetType}:${r.targetId}`) ?? labelFromSummary(r.summary) ?? null;
  return {
    items: page,
    nextCursor: rows.length > limit ? page[page.length - 1].id : null,
    actions: await distinctAuditActions(pool(), tenantId),
  };
}

import type { Queryable } from "../../db";

export type AuditEntry = {
  tenantId: string | null;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  targetLabel?: string | null;
  summary?: unknown;
};

export async function insertAudit(db: Queryable, e: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (tenant_id, actor_type, actor_id, actor_label, action, target_type, target_id, summary, target_label)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      e.tenantId,
      e.actorType,
      e.actorId,
      e.actorLabel,
      e.action,
      e.targetType ?? null,
      e.targetId ?? null,
      e.summary === undefined ? null : JSON.stringify(e.summary),
      e.targetLabel ?? null,
    ],
  );
}

export type AuditFilter = {
  tenantId: string;
  action?: string;
  actor?: string;
  targetType?: string;
  before?: bigint;
  since?: Date;
  limit: number;
};

export type AuditRow = {
  id: bigint;
  tenantId: string | null;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  summary: unknown;
  createdAt: Date;
};

/**
 * Newest first. The action prefix and the actor text match as LIKE patterns, unescaped, as the
 * Prisma query this replaced did (its startsWith / insensitive contains).
 */
export async function listAudit(db: Queryable, f: AuditFilter): Promise<AuditRow[]> {
  const r = await db.query(
    `SELECT id::text AS id, tenant_id AS "tenantId", actor_type AS "actorType", actor_id AS "actorId", actor_label AS "actorLabel",
            action, target_type AS "targetType", target_id AS "targetId", target_label AS "targetLabel", summary, created_at AS "createdAt"
       FROM audit_log
      WHERE tenant_id = $1
        AND ($2::text IS NULL OR action LIKE $2 || '%')
        AND ($3::text IS NULL OR actor_label ILIKE '%' || $3 || '%')
        AND ($4::text IS NULL OR target_type = $4)
        AND ($5::bigint IS NULL OR id < $5)
        AND ($6::timestamptz IS NULL OR created_at >= $6)
      ORDER BY id DESC LIMIT $7`,
    [
      f.tenantId,
      f.action || null,
      f.actor || null,
      f.targetType || null,
      f.before ? f.before.toString() : null,
      f.since ?? null,
      f.limit,
    ],
  );
  return r.rows.map((row: Omit<AuditRow, "id"> & { id: string }) => ({ ...row, id: BigInt(row.id) }));
}

export async function distinctAuditActions(db: Queryable, tenantId: string): Promise<string[]> {
  const rows = await db.query(`SELECT DISTINCT action FROM audit_log WHERE tenant_id = $1 ORDER BY action`, [tenantId]);
  return rows.rows.map((r) => r.action as string);
}

// How each kind of target is named for people: its table, the column that names it, and whether
// the table is tenant-scoped (users are not: a member's label is their email).
const LABELS: Record<string, { table: string; column: string; tenantScoped: boolean }> = {
  queue: { table: "queues", column: "name", tenantScoped: true },
  topic: { table: "topics", column: "name", tenantScoped: true },
  api_key: { table: "api_keys", column: "name", tenantScoped: true },
  subscription: { table: "topic_subscriptions", column: "endpoint", tenantScoped: true },
  invite: { table: "invites", column: "email", tenantScoped: true },
  delivery: { table: "deliveries", column: "endpoint", tenantScoped: true },
  tenant: { table: "tenants", column: "name", tenantScoped: false },
  user: { table: "users", column: "email", tenantScoped: false },
};

/**
 * Names of targets that still exist, by type and id: one statement per type present. Tenant-owned
 * targets are looked up inside the tenant only; a tenant or user is named only by id.
 */
export async function findTargetLabels(
  db: Queryable,
  tenantId: string,
  refs: { type: string; id: string }[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const byType = new Map<string, Set<string>>();
  for (const r of refs) if (LABELS[r.type]) byType.set(r.type, (byType.get(r.type) ?? new Set()).add(r.id));
  for (const [type, ids] of byType) {
    const l = LABELS[type]!;
    const q = await db.query(
      `SELECT id::text AS id, ${l.column} AS label FROM ${l.table} WHERE id = ANY($1::text[])${l.tenantScoped ? " AND tenant_id = $2" : ""}`,
      l.tenantScoped ? [[...ids], tenantId] : [[...ids]],
    );
    for (const row of q.rows as { id: string; label: string | null }[])
      if (row.label) out.set(`${type}:${row.id}`, row.label);
  }
  return out;
}

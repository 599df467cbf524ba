import { pool, prisma, type Queryable } from "../../db";

export type AuditEntry = {
  tenantId: string | null;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  summary?: unknown;
};

export async function insertAudit(e: AuditEntry, tx?: Queryable): Promise<void> {
  await (tx ?? pool()).query(
    `INSERT INTO audit_log (tenant_id, actor_type, actor_id, actor_label, action, target_type, target_id, summary)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      e.tenantId,
      e.actorType,
      e.actorId,
      e.actorLabel,
      e.action,
      e.targetType ?? null,
      e.targetId ?? null,
      e.summary === undefined ? null : JSON.stringify(e.summary),
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

export async function listAudit(f: AuditFilter) {
  return prisma().auditLog.findMany({
    where: {
      tenantId: f.tenantId,
      ...(f.action ? { action: { startsWith: f.action } } : {}),
      ...(f.actor ? { actorLabel: { contains: f.actor, mode: "insensitive" as const } } : {}),
      ...(f.targetType ? { targetType: f.targetType } : {}),
      ...(f.before ? { id: { lt: f.before } } : {}),
      ...(f.since ? { createdAt: { gte: f.since } } : {}),
    },
    orderBy: { id: "desc" },
    take: f.limit,
  });
}

export async function distinctAuditActions(tenantId: string): Promise<string[]> {
  const rows = await pool().query(`SELECT DISTINCT action FROM audit_log WHERE tenant_id = $1 ORDER BY action`, [
    tenantId,
  ]);
  return rows.rows.map((r) => r.action as string);
}

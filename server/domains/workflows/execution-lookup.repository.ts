import type { Queryable } from "../../db";

// REST addresses an execution by its ARN or by its id (the executions row's UUID): the one lookup
// REST needs that the execution service (wf-exec) does not offer. Tenant-scoped.

export async function executionArnById(q: Queryable, tenantId: string, id: string): Promise<string | null> {
  const r = await q.query<{ arn: string }>(`SELECT arn FROM executions WHERE tenant_id = $1 AND id = $2`, [
    tenantId,
    id,
  ]);
  return r.rows[0]?.arn ?? null;
}

export async function executionIdByArn(q: Queryable, tenantId: string, arn: string): Promise<string | null> {
  const r = await q.query<{ id: string }>(`SELECT id FROM executions WHERE tenant_id = $1 AND arn = $2`, [
    tenantId,
    arn,
  ]);
  return r.rows[0]?.id ?? null;
}

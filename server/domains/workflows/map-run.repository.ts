import type { Queryable } from "../../db";

// SQL of Distributed Map runs (map_runs) and the child executions they count.

export type MapRunRow = {
  id: string;
  tenant_id: string;
  arn: string;
  execution_id: string;
  frame_id: string;
  status: string;
  max_concurrency: number;
  tolerated_failure_count: number;
  tolerated_failure_percentage: number;
  execution_type: string;
  item_count: number;
  redrive_count: number;
  redrive_date: Date | null;
  start_date: Date;
  stop_date: Date | null;
};

export async function insertMapRun(
  q: Queryable,
  m: Pick<
    MapRunRow,
    | "id"
    | "tenant_id"
    | "arn"
    | "execution_id"
    | "frame_id"
    | "max_concurrency"
    | "tolerated_failure_count"
    | "tolerated_failure_percentage"
    | "execution_type"
    | "item_count"
  >,
): Promise<void> {
  await q.query(
    `INSERT INTO map_runs (id, tenant_id, arn, execution_id, frame_id, max_concurrency, tolerated_failure_count,
        tolerated_failure_percentage, execution_type, item_count)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      m.id,
      m.tenant_id,
      m.arn,
      m.execution_id,
      m.frame_id,
      m.max_concurrency,
      m.tolerated_failure_count,
      m.tolerated_failure_percentage,
      m.execution_type,
      m.item_count,
    ],
  );
}

export async function findMapRun(q: Queryable, tenantId: string, arn: string) {
  const r = await q.query<MapRunRow & { execution_arn: string; state_machine_arn: string }>(
    `SELECT m.*, e.arn AS execution_arn, e.state_machine_arn FROM map_runs m JOIN executions e ON e.id = m.execution_id
      WHERE m.tenant_id = $1 AND m.arn = $2`,
    [tenantId, arn],
  );
  return r.rows[0] ?? null;
}

export async function findMapRunByArn(q: Queryable, arn: string) {
  const r = await q.query<MapRunRow>(`SELECT * FROM map_runs WHERE arn = $1`, [arn]);
  return r.rows[0] ?? null;
}

export async function mapRunsOf(q: Queryable, executionId: string) {
  const r = await q.query<MapRunRow>(`SELECT * FROM map_runs WHERE execution_id = $1 ORDER BY start_date`, [
    executionId,
  ]);
  return r.rows;
}

export async function childStatusCounts(q: Queryable, mapRunArn: string) {
  const r = await q.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM executions WHERE map_run_arn = $1 GROUP BY status`,
    [mapRunArn],
  );
  return r.rows;
}

export async function childOutputs(q: Queryable, mapRunArn: string) {
  const r = await q.query<{ item_index: number; output: string | null; status: string }>(
    `SELECT item_index, output, status FROM executions WHERE map_run_arn = $1`,
    [mapRunArn],
  );
  return r.rows;
}

export async function updateMapRunLimits(
  q: Queryable,
  id: string,
  l: { maxConcurrency?: number; toleratedFailurePercentage?: number; toleratedFailureCount?: number },
): Promise<void> {
  await q.query(
    `UPDATE map_runs SET max_concurrency = COALESCE($2, max_concurrency),
        tolerated_failure_percentage = COALESCE($3, tolerated_failure_percentage),
        tolerated_failure_count = COALESCE($4, tolerated_failure_count) WHERE id = $1`,
    [id, l.maxConcurrency ?? null, l.toleratedFailurePercentage ?? null, l.toleratedFailureCount ?? null],
  );
}

export async function closeMapRun(q: Queryable, id: string, status: string): Promise<void> {
  await q.query(`UPDATE map_runs SET status = $2, stop_date = now() WHERE id = $1 AND status = 'RUNNING'`, [
    id,
    status,
  ]);
}

import type { Queryable } from "../../db";

// SQL of executions, their history and the executor's runtime rows (migration
// 20261203000000_workflows + 20261203100000_workflow_executor). LOW module: the start path uses it.

export const WORKFLOWS_CHANNEL = "signalbox_workflows";

export type ExecutionRow = {
  id: string;
  tenant_id: string;
  state_machine_id: string;
  arn: string;
  name: string;
  type: "STANDARD" | "EXPRESS";
  status: string;
  state_machine_arn: string;
  version_arn: string | null;
  alias_arn: string | null;
  definition: string;
  role_arn: string;
  input: string;
  output: string | null;
  error: string | null;
  cause: string | null;
  trace_header: string | null;
  parent_execution_id: string | null;
  map_run_arn: string | null;
  redrive_count: number;
  redrive_date: Date | null;
  start_date: Date;
  stop_date: Date | null;
  next_event_id: number;
  ready_at: Date | null;
  deadline_at: Date | null;
  runner_schema: string;
  parent_task: ParentTask | null;
  item_index: number | null;
};

/** The parent task a child execution completes (states:startExecution.sync / a Distributed Map item). */
export type ParentTask = {
  executionId: string;
  frameId: string;
  scheduledEventId: number;
  pattern: "requestResponse" | "sync" | "sync2" | "waitForTaskToken" | "mapItem";
};

export type EventInsert = {
  id: number;
  previousEventId: number;
  type: string;
  timestamp: Date;
  details: Record<string, unknown>;
};

export async function findExecutionByArn(q: Queryable, tenantId: string, arn: string): Promise<ExecutionRow | null> {
  const r = await q.query<ExecutionRow>(`SELECT * FROM executions WHERE tenant_id = $1 AND arn = $2`, [tenantId, arn]);
  return r.rows[0] ?? null;
}

export async function insertExecution(
  q: Queryable,
  e: Omit<
    ExecutionRow,
    "output" | "error" | "cause" | "redrive_count" | "redrive_date" | "stop_date" | "status" | "next_event_id"
  > & { next_event_id: number },
): Promise<ExecutionRow> {
  const r = await q.query<ExecutionRow>(
    `INSERT INTO executions (id, tenant_id, state_machine_id, arn, name, type, status, state_machine_arn,
        version_arn, alias_arn, definition, role_arn, input, trace_header, parent_execution_id, map_run_arn,
        start_date, next_event_id, ready_at, deadline_at, runner_schema, parent_task, item_index)
     VALUES ($1,$2,$3,$4,$5,$6,'RUNNING',$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22)
     ON CONFLICT (arn) DO NOTHING
     RETURNING *`,
    [
      e.id,
      e.tenant_id,
      e.state_machine_id,
      e.arn,
      e.name,
      e.type,
      e.state_machine_arn,
      e.version_arn,
      e.alias_arn,
      e.definition,
      e.role_arn,
      e.input,
      e.trace_header,
      e.parent_execution_id,
      e.map_run_arn,
      e.start_date,
      e.next_event_id,
      e.ready_at,
      e.deadline_at,
      e.runner_schema,
      e.parent_task ? JSON.stringify(e.parent_task) : null,
      e.item_index,
    ],
  );
  return r.rows[0]!;
}

export type FrameInsert = {
  id: string;
  execution_id: string;
  tenant_id: string;
  parent_id: string | null;
  child_index: number;
  scope_path: Array<[string, number]>;
  status: string;
  state_name: string;
  input: unknown;
  variables: unknown;
  context: unknown;
  last_event_id: number;
};

export async function insertFrames(q: Queryable, frames: FrameInsert[]): Promise<void> {
  if (!frames.length) return;
  await q.query(
    `INSERT INTO execution_frames (id, execution_id, tenant_id, parent_id, child_index, scope_path, status,
        state_name, input, variables, context, last_event_id)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, execution_id text, tenant_id text, parent_id text,
        child_index int, scope_path jsonb, status text, state_name text, input jsonb, variables jsonb,
        context jsonb, last_event_id int)`,
    [JSON.stringify(frames.map((f) => ({ ...f, input: f.input === undefined ? null : f.input })))],
  );
}

export async function insertEvents(q: Queryable, executionId: string, tenantId: string, events: EventInsert[]) {
  if (!events.length) return;
  await q.query(
    `INSERT INTO execution_events (execution_id, id, tenant_id, previous_event_id, type, timestamp, details)
     SELECT $1, x.id, $2, x.prev, x.type, x.ts, x.details
       FROM jsonb_to_recordset($3::jsonb) AS x(id int, prev int, type text, ts timestamptz, details jsonb)`,
    [
      executionId,
      tenantId,
      JSON.stringify(
        events.map((e) => ({
          id: e.id,
          prev: e.previousEventId,
          type: e.type,
          ts: e.timestamp.toISOString(),
          details: e.details,
        })),
      ),
    ],
  );
}

const EVENTS_FROM_JSON = `SELECT x.execution_id, x.id, x.tenant_id, x.prev, x.type, x.ts, x.details
   FROM jsonb_to_recordset($1::jsonb) AS x(execution_id text, id int, tenant_id text, prev int, type text,
        ts timestamptz, details jsonb)`;

export const eventsJson = (executionId: string, tenantId: string, events: EventInsert[]) =>
  JSON.stringify(
    events.map((e) => ({
      execution_id: executionId,
      tenant_id: tenantId,
      id: e.id,
      prev: e.previousEventId,
      type: e.type,
      ts: e.timestamp.toISOString(),
      details: e.details,
    })),
  );

/** StartExecution's rows after the execution: its ExecutionStarted event, its first thread, and a NOTIFY. */
export async function insertStartRows(
  q: Queryable,
  e: { executionId: string; tenantId: string; events: EventInsert[] },
  frame: FrameInsert,
  schema: string,
): Promise<void> {
  await q.query(
    `WITH ev AS (
       INSERT INTO execution_events (execution_id, id, tenant_id, previous_event_id, type, timestamp, details)
       ${EVENTS_FROM_JSON}
     ), fr AS (
       INSERT INTO execution_frames (id, execution_id, tenant_id, parent_id, child_index, scope_path, status,
          state_name, input, variables, context, last_event_id)
       VALUES ($2, $3, $4, NULL, 0, '[]', $5, $6, $7::jsonb, '{}', '{}', $8)
     )
     SELECT pg_notify($9, $10)`,
    [
      eventsJson(e.executionId, e.tenantId, e.events),
      frame.id,
      frame.execution_id,
      frame.tenant_id,
      frame.status,
      frame.state_name,
      JSON.stringify(frame.input ?? null),
      frame.last_event_id,
      WORKFLOWS_CHANNEL,
      `${schema}:${e.executionId}`,
    ],
  );
}

/**
 * Wakes the runners of `schema` (delivered when the caller's transaction commits); with an
 * execution id, a runner takes that execution at once without looking for due ones first.
 */
export async function notifyRunners(q: Queryable, schema: string, executionId?: string): Promise<void> {
  await q.query(`SELECT pg_notify($1, $2)`, [WORKFLOWS_CHANNEL, executionId ? `${schema}:${executionId}` : schema]);
}

// ---- catalog reads for StartExecution and the execution actions --------------------------------

export type StateMachineRow = {
  id: string;
  arn: string;
  name: string;
  type: string;
  definition: string;
  role_arn: string;
  updated_at: Date;
  logging_configuration: unknown;
  tracing_configuration: unknown;
  encryption_configuration: unknown;
  revision_id: string;
  status: string;
};

export async function findStateMachineByName(q: Queryable, tenantId: string, name: string) {
  const r = await q.query<StateMachineRow>(`SELECT * FROM state_machines WHERE tenant_id = $1 AND name = $2`, [
    tenantId,
    name,
  ]);
  return r.rows[0] ?? null;
}

export async function findStateMachineById(q: Queryable, id: string) {
  const r = await q.query<StateMachineRow>(`SELECT * FROM state_machines WHERE id = $1`, [id]);
  return r.rows[0] ?? null;
}

export async function findAlias(q: Queryable, stateMachineId: string, name: string) {
  const r = await q.query<{ arn: string; routing: Array<{ stateMachineVersionArn: string; weight: number }> }>(
    `SELECT arn, routing FROM state_machine_aliases WHERE state_machine_id = $1 AND name = $2`,
    [stateMachineId, name],
  );
  return r.rows[0] ?? null;
}

/** The state machine's status (ACTIVE | DELETING), or null when it is gone. */
export async function machineStatus(q: Queryable, stateMachineId: string): Promise<string | null> {
  const r = await q.query<{ status: string }>(`SELECT status FROM state_machines WHERE id = $1`, [stateMachineId]);
  return r.rows[0]?.status ?? null;
}

export async function findVersion(q: Queryable, stateMachineId: string, version: number) {
  const r = await q.query<{ arn: string; definition: string; role_arn: string }>(
    `SELECT arn, definition, role_arn FROM state_machine_versions WHERE state_machine_id = $1 AND version = $2`,
    [stateMachineId, version],
  );
  return r.rows[0] ?? null;
}

export async function lockExecutionByArn(q: Queryable, tenantId: string, arn: string) {
  const r = await q.query<ExecutionRow>(`SELECT * FROM executions WHERE tenant_id = $1 AND arn = $2 FOR UPDATE`, [
    tenantId,
    arn,
  ]);
  return r.rows[0] ?? null;
}

export async function findExecutionById(q: Queryable, id: string) {
  const r = await q.query<ExecutionRow>(`SELECT * FROM executions WHERE id = $1`, [id]);
  return r.rows[0] ?? null;
}

export async function mapRunExists(q: Queryable, tenantId: string, arn: string): Promise<boolean> {
  const r = await q.query(`SELECT 1 FROM map_runs WHERE tenant_id = $1 AND arn = $2`, [tenantId, arn]);
  return r.rows.length > 0;
}

export async function listExecutionRows(
  q: Queryable,
  f: {
    tenantId: string;
    stateMachineId?: string;
    versionArn?: string;
    aliasArn?: string;
    mapRunArn?: string;
    status?: string;
    redriven?: boolean;
    limit: number;
    offset: number;
  },
): Promise<ExecutionRow[]> {
  const where: string[] = ["tenant_id = $1"];
  const params: unknown[] = [f.tenantId];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace("?", `$${params.length}`));
  };
  if (f.stateMachineId) {
    add("state_machine_id = ?", f.stateMachineId);
    where.push("map_run_arn IS NULL");
  }
  if (f.versionArn) add("version_arn = ?", f.versionArn);
  if (f.aliasArn) add("alias_arn = ?", f.aliasArn);
  if (f.mapRunArn) add("map_run_arn = ?", f.mapRunArn);
  if (f.status) add("status = ?", f.status);
  if (f.redriven === true) where.push("redrive_count > 0");
  if (f.redriven === false) where.push("redrive_count = 0");
  params.push(f.limit, f.offset);
  const r = await q.query<ExecutionRow>(
    `SELECT * FROM executions WHERE ${where.join(" AND ")}
      ORDER BY start_date DESC, id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return r.rows;
}

export type EventRow = {
  id: number;
  previous_event_id: number;
  type: string;
  timestamp: Date;
  details: Record<string, unknown>;
};

export async function listEvents(q: Queryable, executionId: string, reverse: boolean, limit: number, offset: number) {
  const r = await q.query<EventRow>(
    `SELECT id, previous_event_id, type, timestamp, details FROM execution_events
      WHERE execution_id = $1 ORDER BY id ${reverse ? "DESC" : "ASC"} LIMIT $2 OFFSET $3`,
    [executionId, limit, offset],
  );
  return r.rows;
}

export async function rootFrameLastEvent(q: Queryable, executionId: string): Promise<number> {
  const r = await q.query<{ last: number }>(
    `SELECT COALESCE(max(last_event_id), 0) AS last FROM execution_frames WHERE execution_id = $1 AND parent_id IS NULL`,
    [executionId],
  );
  return r.rows[0]?.last ?? 0;
}

export async function setRootFrameLastEvent(q: Queryable, executionId: string, id: number): Promise<void> {
  await q.query(`UPDATE execution_frames SET last_event_id = $2 WHERE execution_id = $1 AND parent_id IS NULL`, [
    executionId,
    id,
  ]);
}

export async function markAborted(
  q: Queryable,
  id: string,
  stopDate: Date,
  error: string | null,
  cause: string | null,
): Promise<ExecutionRow> {
  const r = await q.query<ExecutionRow>(
    `UPDATE executions SET status = 'ABORTED', stop_date = $2, error = $3, cause = $4, ready_at = NULL,
        next_event_id = next_event_id + 1 WHERE id = $1 RETURNING *`,
    [id, stopDate, error, cause],
  );
  return r.rows[0]!;
}

export async function markRedriven(
  q: Queryable,
  id: string,
  count: number,
  now: Date,
  deadline: Date | null,
  schema: string,
): Promise<void> {
  await q.query(
    `UPDATE executions SET status = 'RUNNING', redrive_count = $2, redrive_date = $3, stop_date = NULL, error = NULL,
        cause = NULL, output = NULL, ready_at = $3, next_event_id = next_event_id + 1, deadline_at = $4,
        runner_schema = $5 WHERE id = $1`,
    [id, count, now, deadline, schema],
  );
}

export async function setFrameRevived(q: Queryable, id: string, status: string, pending: unknown): Promise<void> {
  await q.query(`UPDATE execution_frames SET status = $2, pending = $3, wake_at = NULL WHERE id = $1`, [
    id,
    status,
    pending === null ? null : JSON.stringify(pending),
  ]);
}

export type TokenRow = {
  token: string;
  tenant_id: string;
  execution_id: string;
  frame_id: string;
  scheduled_event_id: number;
  state_name: string;
  status: string;
  created_at: Date;
};

export async function findToken(q: Queryable, tenantId: string, token: string): Promise<TokenRow | null> {
  const r = await q.query<TokenRow>(`SELECT * FROM task_tokens WHERE token = $1 AND tenant_id = $2`, [token, tenantId]);
  return r.rows[0] ?? null;
}

export async function waitingTokens(q: Queryable, executionId: string): Promise<TokenRow[]> {
  const r = await q.query<TokenRow>(
    `SELECT * FROM task_tokens WHERE execution_id = $1 AND status = 'waiting' ORDER BY created_at`,
    [executionId],
  );
  return r.rows;
}

export async function runningChildren(q: Queryable, parentId: string, mapRunArn?: string): Promise<string[]> {
  const r = await q.query<{ id: string }>(
    `SELECT id FROM executions WHERE parent_execution_id = $1 AND status = 'RUNNING'
        AND ($2::text IS NULL OR map_run_arn = $2)`,
    [parentId, mapRunArn ?? null],
  );
  return r.rows.map((x) => x.id);
}

/** Deletes up to `limit` ended executions of `type` stopped before `cutoff` (their rows cascade). */
export async function deleteEndedExecutions(q: Queryable, type: string, cutoff: Date, limit: number): Promise<number> {
  const r = await q.query(
    `DELETE FROM executions WHERE id IN (
       SELECT id FROM executions
        WHERE type = $1 AND status <> 'RUNNING' AND stop_date < $2 AND map_run_arn IS NULL
        LIMIT $3)`,
    [type, cutoff, limit],
  );
  return r.rowCount ?? 0;
}

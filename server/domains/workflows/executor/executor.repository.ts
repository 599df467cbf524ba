import type { Queryable } from "../../../db";
import type { ExecutionRow } from "../execution.repository";

// SQL of the executor's runtime: the execution's row lock, its threads (execution_frames), task
// tokens and wake-ups (executions.ready_at).

export type FrameRecord = {
  id: string;
  parent_id: string | null;
  child_index: number;
  scope_path: Array<[string, number]>;
  status: string;
  state_name: string;
  input: unknown;
  variables: Record<string, unknown>;
  context: Record<string, unknown>;
  entered_event_id: number;
  last_event_id: number;
  entered_at: Date | null;
  retry_attempts: number[];
  retry_count: number;
  pending: Record<string, unknown> | null;
  wake_at: Date | null;
  output: unknown;
  error: string | null;
  cause: string | null;
};

/** The execution's row, locked, if it is due and no other runner holds it. */
/** The due execution, locked, with its state machine's status (DELETING machines end their executions). */
export async function lockDueExecution(
  tx: Queryable,
  id: string,
  now: Date,
): Promise<(ExecutionRow & { machine_status: string | null }) | null> {
  const r = await tx.query<ExecutionRow & { machine_status: string | null }>(
    `SELECT e.*, (SELECT sm.status FROM state_machines sm WHERE sm.id = e.state_machine_id) AS machine_status
       FROM executions e WHERE e.id = $1 AND e.ready_at IS NOT NULL AND e.ready_at <= $2 FOR UPDATE OF e SKIP LOCKED`,
    [id, now],
  );
  return r.rows[0] ?? null;
}

export async function lockExecution(tx: Queryable, id: string): Promise<ExecutionRow | null> {
  const r = await tx.query<ExecutionRow>(`SELECT * FROM executions WHERE id = $1 FOR UPDATE`, [id]);
  return r.rows[0] ?? null;
}

export async function getExecutionById(q: Queryable, id: string): Promise<ExecutionRow | null> {
  const r = await q.query<ExecutionRow>(`SELECT * FROM executions WHERE id = $1`, [id]);
  return r.rows[0] ?? null;
}

export async function clearReady(tx: Queryable, id: string): Promise<void> {
  await tx.query(`UPDATE executions SET ready_at = NULL WHERE id = $1`, [id]);
}

export async function activeFrames(tx: Queryable, executionId: string): Promise<FrameRecord[]> {
  const r = await tx.query<FrameRecord>(
    `SELECT * FROM execution_frames WHERE execution_id = $1 AND status NOT IN ('succeeded', 'failed', 'aborted')`,
    [executionId],
  );
  return r.rows;
}

export async function getFrame(tx: Queryable, id: string, lock = false): Promise<FrameRecord | null> {
  const r = await tx.query<FrameRecord>(`SELECT * FROM execution_frames WHERE id = $1${lock ? " FOR UPDATE" : ""}`, [
    id,
  ]);
  return r.rows[0] ?? null;
}

export async function allFrames(tx: Queryable, executionId: string): Promise<FrameRecord[]> {
  const r = await tx.query<FrameRecord>(`SELECT * FROM execution_frames WHERE execution_id = $1`, [executionId]);
  return r.rows;
}

/** A retried Parallel/Map starts over: its earlier threads are moved aside. */
export async function supersedeChildren(tx: Queryable, parentId: string): Promise<void> {
  await tx.query(`UPDATE execution_frames SET parent_id = parent_id || ':old' WHERE parent_id = $1`, [parentId]);
}

export async function childOutputs(
  tx: Queryable,
  parentIds: string[],
): Promise<Array<{ parent_id: string; child_index: number; output: unknown; status: string }>> {
  const r = await tx.query<{ parent_id: string; child_index: number; output: unknown; status: string }>(
    `SELECT parent_id, child_index, output, status FROM execution_frames WHERE parent_id = ANY($1)`,
    [parentIds],
  );
  return r.rows;
}

export async function savepoint(tx: Queryable, op: "SAVEPOINT" | "RELEASE SAVEPOINT" | "ROLLBACK TO SAVEPOINT") {
  await tx.query(`${op} task_start`);
}

export async function updateFrames(tx: Queryable, frames: FrameRecord[]): Promise<void> {
  if (!frames.length) return;
  await tx.query(
    `UPDATE execution_frames f SET status = x.status, state_name = x.state_name, input = x.input,
        variables = x.variables, entered_event_id = x.entered_event_id, last_event_id = x.last_event_id,
        entered_at = x.entered_at, retry_attempts = x.retry_attempts, retry_count = x.retry_count,
        pending = x.pending, wake_at = x.wake_at, output = x.output, error = x.error, cause = x.cause
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, status text, state_name text, input jsonb,
        variables jsonb, entered_event_id int, last_event_id int, entered_at timestamptz,
        retry_attempts jsonb, retry_count int, pending jsonb, wake_at timestamptz, output jsonb,
        error text, cause text)
      WHERE f.id = x.id`,
    [
      JSON.stringify(
        frames.map((f) => ({
          id: f.id,
          status: f.status,
          state_name: f.state_name,
          input: f.input ?? null,
          variables: f.variables,
          entered_event_id: f.entered_event_id,
          last_event_id: f.last_event_id,
          entered_at: f.entered_at,
          retry_attempts: f.retry_attempts,
          retry_count: f.retry_count,
          pending: f.pending,
          wake_at: f.wake_at,
          output: f.output ?? null,
          error: f.error,
          cause: f.cause,
        })),
      ),
    ],
  );
}

export async function setFrameState(
  tx: Queryable,
  id: string,
  s: { status: string; pending: unknown; lastEventId?: number; wakeAt?: Date | null },
): Promise<void> {
  await tx.query(
    `UPDATE execution_frames SET status = $2, pending = $3, last_event_id = COALESCE($4, last_event_id), wake_at = $5
      WHERE id = $1`,
    [id, s.status, s.pending === null ? null : JSON.stringify(s.pending), s.lastEventId ?? null, s.wakeAt ?? null],
  );
}

export async function setFrameHeartbeat(tx: Queryable, id: string, heartbeatAt: Date, wakeAt: Date): Promise<void> {
  await tx.query(
    `UPDATE execution_frames SET pending = pending || jsonb_build_object('heartbeatAt', $2::text), wake_at = $3
      WHERE id = $1`,
    [id, heartbeatAt.toISOString(), wakeAt],
  );
}

export async function abortActiveFrames(tx: Queryable, executionId: string): Promise<void> {
  await tx.query(
    `UPDATE execution_frames SET status = 'aborted', wake_at = NULL
      WHERE execution_id = $1 AND status NOT IN ('succeeded', 'failed', 'aborted')`,
    [executionId],
  );
  await tx.query(`UPDATE task_tokens SET status = 'aborted' WHERE execution_id = $1 AND status = 'waiting'`, [
    executionId,
  ]);
}

export async function insertTokens(
  tx: Queryable,
  tenantId: string,
  executionId: string,
  tokens: Array<{ token: string; frame_id: string; sid: number; state_name: string }>,
): Promise<void> {
  if (!tokens.length) return;
  await tx.query(
    `INSERT INTO task_tokens (token, tenant_id, execution_id, frame_id, scheduled_event_id, state_name)
     SELECT x.token, $1, $2, x.frame_id, x.sid, x.state_name
       FROM jsonb_to_recordset($3::jsonb) AS x(token text, frame_id text, sid int, state_name text)`,
    [tenantId, executionId, JSON.stringify(tokens)],
  );
}

/** Tokens of threads that stopped waiting: aborted (execution ended) or timed out. */
export async function closeTokens(tx: Queryable, frameIds: string[], status: "aborted" | "timed_out") {
  if (!frameIds.length) return;
  await tx.query(`UPDATE task_tokens SET status = $2 WHERE frame_id = ANY($1) AND status = 'waiting'`, [
    frameIds,
    status,
  ]);
}

export async function completeToken(tx: Queryable, frameId: string, scheduledEventId: number): Promise<void> {
  await tx.query(
    `UPDATE task_tokens SET status = 'completed' WHERE frame_id = $1 AND scheduled_event_id = $2 AND status = 'waiting'`,
    [frameId, scheduledEventId],
  );
}

export async function saveExecution(
  tx: Queryable,
  ex: Pick<ExecutionRow, "id" | "status" | "output" | "error" | "cause" | "stop_date">,
  nextEventId: number,
  readyAt: Date | null,
): Promise<void> {
  await tx.query(
    `UPDATE executions SET status = $2, output = $3, error = $4, cause = $5, stop_date = $6, next_event_id = $7,
        ready_at = $8 WHERE id = $1`,
    [ex.id, ex.status, ex.output, ex.error, ex.cause, ex.stop_date, nextEventId, readyAt],
  );
}

export async function setNextEventAndReady(tx: Queryable, id: string, nextEventId: number, readyAt: Date) {
  await tx.query(`UPDATE executions SET next_event_id = $2, ready_at = $3 WHERE id = $1`, [id, nextEventId, readyAt]);
}

/** A task token's row by its value alone (GetActivityTask: the activity already belongs to the caller). */
export async function tokenByValue(
  q: Queryable,
  token: string,
): Promise<{ execution_id: string; frame_id: string; scheduled_event_id: number; status: string } | null> {
  const r = await q.query<{ execution_id: string; frame_id: string; scheduled_event_id: number; status: string }>(
    `SELECT execution_id, frame_id, scheduled_event_id, status FROM task_tokens WHERE token = $1`,
    [token],
  );
  return r.rows[0] ?? null;
}

/** Event ids move on; the execution's wake-up comes no later than `wakeAt` (when given). */
export async function bumpNextEvent(tx: Queryable, id: string, nextEventId: number, wakeAt: Date | null) {
  await tx.query(
    `UPDATE executions SET next_event_id = $2, ready_at = LEAST(ready_at, $3::timestamptz) WHERE id = $1`,
    [id, nextEventId, wakeAt],
  );
}

export async function dueExecutionIds(q: Queryable, schema: string, now: Date, limit: number): Promise<string[]> {
  const r = await q.query<{ id: string }>(
    `SELECT id FROM executions WHERE runner_schema = $1 AND ready_at <= $2 ORDER BY ready_at LIMIT $3`,
    [schema, now, limit],
  );
  return r.rows.map((x) => x.id);
}

export async function earliestReady(q: Queryable, schema: string): Promise<Date | null> {
  const r = await q.query<{ due: Date | null }>(
    `SELECT min(ready_at) AS due FROM executions WHERE runner_schema = $1 AND ready_at IS NOT NULL`,
    [schema],
  );
  return r.rows[0]?.due ?? null;
}

const FRAME_COLUMNS = `id text, execution_id text, tenant_id text, parent_id text, child_index int, scope_path jsonb,
  status text, state_name text, input jsonb, variables jsonb, context jsonb, entered_event_id int, last_event_id int,
  entered_at timestamptz, retry_attempts jsonb, retry_count int, pending jsonb, wake_at timestamptz, output jsonb,
  error text, cause text`;

const frameJson = (executionId: string, tenantId: string, f: FrameRecord) => ({
  ...f,
  execution_id: executionId,
  tenant_id: tenantId,
  input: f.input ?? null,
  output: f.output ?? null,
});

/**
 * The end of a runner's transaction, in ONE statement: the new history events, the new threads, the
 * changed threads and the execution row (status, result, next event id, next wake-up).
 */
export async function saveRun(
  tx: Queryable,
  r: {
    ex: Pick<ExecutionRow, "id" | "tenant_id" | "status" | "output" | "error" | "cause" | "stop_date">;
    eventsJson: string;
    fresh: FrameRecord[];
    dirty: FrameRecord[];
    nextEventId: number;
    readyAt: Date | null;
  },
): Promise<void> {
  const { ex } = r;
  await tx.query(
    `WITH ev AS (
       INSERT INTO execution_events (execution_id, id, tenant_id, previous_event_id, type, timestamp, details)
       SELECT x.execution_id, x.id, x.tenant_id, x.prev, x.type, x.ts, x.details
         FROM jsonb_to_recordset($1::jsonb) AS x(execution_id text, id int, tenant_id text, prev int, type text,
              ts timestamptz, details jsonb)
     ), nf AS (
       INSERT INTO execution_frames (id, execution_id, tenant_id, parent_id, child_index, scope_path, status,
          state_name, input, variables, context, entered_event_id, last_event_id, entered_at, retry_attempts,
          retry_count, pending, wake_at, output, error, cause)
       SELECT id, execution_id, tenant_id, parent_id, child_index, scope_path, status, state_name, input, variables,
          context, entered_event_id, last_event_id, entered_at, retry_attempts, retry_count, pending, wake_at,
          output, error, cause
         FROM jsonb_to_recordset($2::jsonb) AS x(${FRAME_COLUMNS})
     ), uf AS (
       UPDATE execution_frames f SET status = x.status, state_name = x.state_name, input = x.input,
          variables = x.variables, entered_event_id = x.entered_event_id, last_event_id = x.last_event_id,
          entered_at = x.entered_at, retry_attempts = x.retry_attempts, retry_count = x.retry_count,
          pending = x.pending, wake_at = x.wake_at, output = x.output, error = x.error, cause = x.cause
         FROM jsonb_to_recordset($3::jsonb) AS x(${FRAME_COLUMNS})
        WHERE f.id = x.id
     )
     UPDATE executions SET status = $5, output = $6, error = $7, cause = $8, stop_date = $9, next_event_id = $10,
        ready_at = $11 WHERE id = $4`,
    [
      r.eventsJson,
      JSON.stringify(r.fresh.map((f) => frameJson(ex.id, ex.tenant_id, f))),
      JSON.stringify(r.dirty.map((f) => frameJson(ex.id, ex.tenant_id, f))),
      ex.id,
      ex.status,
      ex.output,
      ex.error,
      ex.cause,
      ex.stop_date,
      r.nextEventId,
      r.readyAt,
    ],
  );
}

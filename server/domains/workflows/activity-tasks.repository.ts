import type { Queryable } from "../../db";

// SQL of activity tasks (migration 20261203200000_activity_tasks): a Task state on an activity
// queues a row in the executor's transaction; GetActivityTask takes the oldest live one.
// Started rows stay until their execution stops running (then the next poll of the activity drops
// them; deleting the execution cascades).

export const ACTIVITY_TASK_CHANNEL = "signalbox_activity_task";

export type ActivityRef = { id: string; tenantId: string; name: string; arn: string };

export async function findActivityByArn(db: Queryable, tenantId: string, arn: string): Promise<ActivityRef | null> {
  const r = await db.query(
    `SELECT id, tenant_id AS "tenantId", name, arn FROM activities WHERE tenant_id = $1 AND arn = $2`,
    [tenantId, arn],
  );
  return (r.rows[0] as ActivityRef | undefined) ?? null;
}

/** Queues a task (nothing when this scheduling already queued one) and wakes the activity's long polls on commit. */
export async function insertActivityTask(
  tx: Queryable,
  row: {
    id: string;
    tenantId: string;
    activityId: string;
    executionId: string;
    taskToken: string;
    input: string;
    idempotencyKey: string;
    expiresAt: Date | null;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO activity_tasks (id, tenant_id, activity_id, execution_id, task_token, input, idempotency_key, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (idempotency_key) DO NOTHING`,
    [
      row.id,
      row.tenantId,
      row.activityId,
      row.executionId,
      row.taskToken,
      row.input,
      row.idempotencyKey,
      row.expiresAt,
    ],
  );
  await tx.query(`SELECT pg_notify('${ACTIVITY_TASK_CHANNEL}', $1)`, [row.activityId]);
}

/**
 * Takes the oldest queued task of the activity whose execution still runs and whose TimeoutSeconds
 * has not passed, marking it started by `workerName` (from now on its token is the executor's),
 * and drops the dead ones of the activity (execution no longer running, or never taken in time).
 */
export async function takeActivityTask(
  db: Queryable,
  activityId: string,
  workerName: string | null,
): Promise<{ taskToken: string; input: string; startedAt: Date } | null> {
  await db.query(
    `DELETE FROM activity_tasks t USING executions e
      WHERE t.activity_id = $1 AND e.id = t.execution_id
        AND (e.status <> 'RUNNING' OR (t.status = 'queued' AND t.expires_at IS NOT NULL AND t.expires_at <= now()))`,
    [activityId],
  );
  const r = await db.query(
    `UPDATE activity_tasks SET status = 'started', worker_name = $2, started_at = now()
      WHERE id = (
        SELECT t.id FROM activity_tasks t JOIN executions e ON e.id = t.execution_id
         WHERE t.activity_id = $1 AND t.status = 'queued' AND e.status = 'RUNNING'
           AND (t.expires_at IS NULL OR t.expires_at > now())
         ORDER BY t.created_at, t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED)
     RETURNING task_token AS "taskToken", input, started_at AS "startedAt"`,
    [activityId, workerName],
  );
  return (r.rows[0] as { taskToken: string; input: string; startedAt: Date } | undefined) ?? null;
}

/** Drops a taken task whose thread no longer waits on it (it is not handed out). */
export async function dropActivityTask(tx: Queryable, taskToken: string): Promise<void> {
  await tx.query(`DELETE FROM activity_tasks WHERE task_token = $1`, [taskToken]);
}

/**
 * Whether a worker took the activity task of this token, and who (the executor's history:
 * ActivityStarted { workerName }; null while it is still queued or for another kind of task).
 */
export async function startedActivityTask(
  db: Queryable,
  taskToken: string,
): Promise<{ workerName: string | null; startedAt: Date } | null> {
  const r = await db.query(
    `SELECT worker_name AS "workerName", started_at AS "startedAt" FROM activity_tasks WHERE task_token = $1 AND status = 'started'`,
    [taskToken],
  );
  return (r.rows[0] as { workerName: string | null; startedAt: Date } | undefined) ?? null;
}

/** Queued (not yet taken) tasks of an activity (tests, console). */
export async function countQueuedActivityTasks(db: Queryable, activityId: string): Promise<number> {
  const r = await db.query(
    `SELECT count(*)::int AS n FROM activity_tasks WHERE activity_id = $1 AND status = 'queued'`,
    [activityId],
  );
  return (r.rows[0] as { n: number }).n;
}

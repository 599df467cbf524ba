import { randomUUID } from "node:crypto";
import type { Queryable } from "../../server/db";
import { env } from "../../server/env";
import type { TaskPattern, TaskRequest } from "../../server/domains/workflows/tasks/resource";

// Test support for the Task resources: a state machine and a RUNNING execution of a tenant written
// straight into the workflow tables (the executor's start path is another branch's), and a
// TaskRequest as the executor builds it.

export async function insertRunningExecution(
  db: Queryable,
  tenant: { id: string; accountId: string },
): Promise<{ executionId: string; executionArn: string; stateMachineArn: string }> {
  const region = env().SIGNALBOX_REGION;
  const name = `sm-${randomUUID().slice(0, 8)}`;
  const smId = randomUUID();
  const stateMachineArn = `arn:aws:states:${region}:${tenant.accountId}:stateMachine:${name}`;
  await db.query(
    `INSERT INTO state_machines (id, tenant_id, name, arn, type, definition, role_arn, revision_id)
     VALUES ($1, $2, $3, $4, 'STANDARD', '{}', $5, $6)`,
    [smId, tenant.id, name, stateMachineArn, `arn:aws:iam::${tenant.accountId}:role/test`, randomUUID()],
  );
  const executionId = randomUUID();
  const exName = randomUUID();
  const executionArn = `arn:aws:states:${region}:${tenant.accountId}:execution:${name}:${exName}`;
  await db.query(
    `INSERT INTO executions (id, tenant_id, state_machine_id, arn, name, type, status, state_machine_arn, definition, role_arn, input)
     VALUES ($1, $2, $3, $4, $5, 'STANDARD', 'RUNNING', $6, '{}', $7, '{}')`,
    [executionId, tenant.id, smId, executionArn, exName, stateMachineArn, `arn:aws:iam::${tenant.accountId}:role/test`],
  );
  return { executionId, executionArn, stateMachineArn };
}

export function taskRequest(
  tenant: { id: string; accountId: string },
  exec: { executionId: string; executionArn: string; stateMachineArn: string },
  resource: string,
  input: unknown,
  extra: { pattern?: TaskPattern; taskToken?: string | null; timeoutSeconds?: number } = {},
): TaskRequest {
  return {
    tenant,
    executionId: exec.executionId,
    executionArn: exec.executionArn,
    stateMachineArn: exec.stateMachineArn,
    stateName: "Task",
    resource,
    pattern: extra.pattern ?? (resource.endsWith(".waitForTaskToken") ? "waitForTaskToken" : "requestResponse"),
    input,
    taskToken: extra.taskToken ?? null,
    idempotencyKey: `${exec.executionId}:${randomUUID()}`,
    timeoutSeconds: extra.timeoutSeconds,
  };
}

/** An activity of the tenant (CreateActivity is another branch's), written straight into its table. */
export async function insertActivity(
  db: Queryable,
  tenant: { id: string; accountId: string },
  name = `act-${randomUUID().slice(0, 8)}`,
): Promise<{ id: string; name: string; arn: string }> {
  const id = randomUUID();
  const arn = `arn:aws:states:${env().SIGNALBOX_REGION}:${tenant.accountId}:activity:${name}`;
  await db.query(`INSERT INTO activities (id, tenant_id, name, arn) VALUES ($1, $2, $3, $4)`, [
    id,
    tenant.id,
    name,
    arn,
  ]);
  return { id, name, arn };
}

import { randomUUID } from "node:crypto";
import { pool } from "../../server/db";
import { env } from "../../server/env";
import { describeExecution } from "../../server/domains/workflows/execution.service";

// State machines inserted by SQL (wf-door's catalog service replaces this once merged), and a
// wait for an execution to end.

export type Tenantish = { id: string; accountId: string };

export async function insertStateMachine(
  tenant: Tenantish,
  definition: object | string,
  opts: { name?: string; type?: "STANDARD" | "EXPRESS" } = {},
): Promise<string> {
  const name = opts.name ?? `sm-${randomUUID().slice(0, 8)}`;
  const arn = `arn:aws:states:${env().SIGNALBOX_REGION}:${tenant.accountId}:stateMachine:${name}`;
  await pool().query(
    `INSERT INTO state_machines (id, tenant_id, name, arn, type, definition, role_arn, revision_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      randomUUID(),
      tenant.id,
      name,
      arn,
      opts.type ?? "STANDARD",
      typeof definition === "string" ? definition : JSON.stringify(definition),
      `arn:aws:iam::${tenant.accountId}:role/test`,
      randomUUID(),
    ],
  );
  return arn;
}

/** Polls DescribeExecution until the execution is no longer RUNNING (the runner must be running). */
export async function waitForExecution(tenant: Tenantish, executionArn: string, timeoutMs = 30_000) {
  const caller = { tenant };
  const until = Date.now() + timeoutMs;
  for (;;) {
    const d = await describeExecution(caller, { executionArn });
    if (d.status !== "RUNNING" || Date.now() > until) return d;
    await new Promise((r) => setTimeout(r, 25));
  }
}

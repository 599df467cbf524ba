import { createHash, randomUUID } from "node:crypto";
import { withTransaction, type Queryable } from "../../db";
import { BOSS_SCHEMA } from "../../jobs/boss";
import { AppError } from "../../core/errors";
import { resolveStartTarget } from "./state-machine.resolve";
import { assertCallerCan, executionArnOf, type Caller } from "./execution.arns";
import * as repo from "./execution.repository";
import { stateMachineDeleting } from "./state-machine.errors";
import { emitExecutionStatusChange } from "./status-events";
import { statusRecord } from "./execution.status";

// StartExecution, the LOW half of the executor: it commits the execution, its ExecutionStarted
// event and its first thread (ready now) in the caller's transaction and NOTIFYs the runners
// (executor/runner.ts in every worker), which take it within milliseconds of the commit. It imports
// no executor module and no task registry, so the delivery engine's "workflow" target kind can
// start executions inside its own transaction without an import cycle.

export type StartInput = {
  stateMachineArn: string;
  name?: string;
  input?: string;
  traceHeader?: string;
  /** A child execution: the parent task it completes (states:startExecution.sync, Distributed Map items). */
  parent?: repo.ParentTask & {
    mapRunArn?: string;
    itemIndex?: number;
    type?: "STANDARD" | "EXPRESS";
    /** A Distributed Map item runs the ItemProcessor, named under `SM/LABEL` in its ARN. */
    definition?: string;
    arnPrefix?: string;
  };
};

export type StartOutput = { executionArn: string; startDate: Date; created: boolean };

const NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/]{1,80}$/u;
// eslint-disable-next-line no-control-regex -- AWS refuses control characters in names
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

export function checkExecutionName(name: string): void {
  if (!NAME.test(name) || CONTROL.test(name))
    throw new AppError("validation", `Invalid Name: '${name}'`, { awsCode: "InvalidName" });
}

export function parseExecutionInput(input: string | undefined): unknown {
  const text = input ?? "{}";
  if (Buffer.byteLength(text, "utf8") > 262144)
    throw new AppError("validation", "Input exceeds the maximum size of 262144 bytes.", {
      awsCode: "InvalidExecutionInput",
    });
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError("validation", `Invalid State Machine Execution Input: '${(e as Error).message}'`, {
      awsCode: "InvalidExecutionInput",
    });
  }
}

/** A deterministic execution name for an idempotency key (a child started twice gets one name). */
export function nameForKey(key: string): string {
  const h = createHash("sha256").update(key).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export async function startExecutionInTx(tx: Queryable, caller: Caller, req: StartInput): Promise<StartOutput> {
  assertCallerCan(caller, "resource:write");
  const resolved = await resolveStartTarget(tx, caller.tenant, req.stateMachineArn);
  if (resolved.machineStatus === "DELETING" && req.parent?.pattern !== "mapItem")
    throw stateMachineDeleting(resolved.stateMachineArn);
  const target = req.parent?.definition ? { ...resolved, definition: req.parent.definition } : resolved;
  const name = req.name ?? randomUUID();
  checkExecutionName(name);
  const parsed = parseExecutionInput(req.input);
  const inputText = req.input ?? "{}";
  let definition: { StartAt: string; TimeoutSeconds?: number };
  try {
    definition = JSON.parse(target.definition) as typeof definition;
  } catch {
    throw new AppError("validation", "The state machine definition cannot be read", { awsCode: "InvalidDefinition" });
  }
  const type = req.parent?.type ?? target.type;
  const express = type === "EXPRESS";
  const arn = executionArnOf(
    caller.tenant,
    req.parent?.arnPrefix ?? target.name,
    name,
    express ? { uuid: randomUUID() } : undefined,
  );
  const id = randomUUID();
  const now = new Date();
  const row = await repo.insertExecution(tx, {
    id,
    tenant_id: caller.tenant.id,
    state_machine_id: target.stateMachineId,
    arn,
    name,
    type,
    state_machine_arn: target.stateMachineArn,
    version_arn: target.versionArn,
    alias_arn: target.aliasArn,
    definition: target.definition,
    role_arn: target.roleArn,
    input: inputText,
    trace_header: req.traceHeader ?? null,
    parent_execution_id: req.parent?.executionId ?? null,
    map_run_arn: req.parent?.mapRunArn ?? null,
    start_date: now,
    next_event_id: 2,
    ready_at: now,
    deadline_at:
      typeof definition.TimeoutSeconds === "number" ? new Date(now.getTime() + definition.TimeoutSeconds * 1000) : null,
    runner_schema: BOSS_SCHEMA,
    parent_task: req.parent
      ? {
          executionId: req.parent.executionId,
          frameId: req.parent.frameId,
          scheduledEventId: req.parent.scheduledEventId,
          pattern: req.parent.pattern,
        }
      : null,
    item_index: req.parent?.itemIndex ?? null,
  });
  if (!row) {
    // Started concurrently under the same name: answer as if it had been there first.
    const existing = await repo.findExecutionByArn(tx, caller.tenant.id, arn);
    if (!existing)
      throw new AppError("conflict", `Execution Already Exists: '${arn}'`, { awsCode: "ExecutionAlreadyExists" });
    return sameOrConflict(existing, inputText, arn);
  }
  const events: repo.EventInsert[] = express
    ? []
    : [
        {
          id: 1,
          previousEventId: 0,
          type: "ExecutionStarted",
          timestamp: now,
          details: {
            executionStartedEventDetails: {
              input: inputText,
              inputDetails: { truncated: false },
              roleArn: target.roleArn,
              ...(target.aliasArn ? { stateMachineAliasArn: target.aliasArn } : {}),
              ...(target.versionArn ? { stateMachineVersionArn: target.versionArn } : {}),
            },
          },
        },
      ];
  // The ExecutionStarted event, the first thread and the runners' wake-up in one statement.
  await repo.insertStartRows(
    tx,
    { executionId: id, tenantId: caller.tenant.id, events },
    {
      id: randomUUID(),
      execution_id: id,
      tenant_id: caller.tenant.id,
      parent_id: null,
      child_index: 0,
      scope_path: [],
      status: "enter",
      state_name: definition.StartAt,
      input: parsed,
      variables: {},
      context: {},
      last_event_id: express ? 0 : 1,
    },
    BOSS_SCHEMA,
  );
  if (!express) await emitExecutionStatusChange(tx, statusRecord(row));
  return { executionArn: arn, startDate: now, created: true };
}

function sameOrConflict(existing: repo.ExecutionRow, input: string, arn: string): StartOutput {
  if (existing.status === "RUNNING" && existing.input === input)
    return { executionArn: existing.arn, startDate: existing.start_date, created: false };
  throw new AppError("conflict", `Execution Already Exists: '${arn}'`, { awsCode: "ExecutionAlreadyExists" });
}

/** StartExecution: `{ executionArn, startDate }` (AWS's response members). */
export async function startExecution(
  caller: Caller,
  req: Omit<StartInput, "parent">,
): Promise<{ executionArn: string; startDate: Date }> {
  assertCallerCan(caller, "resource:write");
  const out = await withTransaction((tx) => startExecutionInTx(tx, caller, req));
  return { executionArn: out.executionArn, startDate: out.startDate };
}

import { pool, withTransaction, type Queryable } from "../../db";
import { AppError } from "../../core/errors";
import {
  assertCallerCan,
  checkExecutionArn,
  executionDoesNotExist,
  invalidArn,
  parseStatesArn,
  stateMachineDoesNotExist,
  type Caller,
} from "./execution.arns";
import * as repo from "./execution.repository";
import { completeTask, heartbeatTask } from "./executor/complete";
import { abortExecution } from "./executor/abort";
import { isWellFormedToken } from "./executor/tokens";
import { finishStateMachineDeletion } from "./state-machine.service";
import type { StartInput } from "./start";

// The execution use cases (Step Functions' execution actions), inputs and outputs in AWS's members
// (camelCase, Date for timestamps), so the AWS door (executions.actions.ts), REST and the console
// are thin mappings. Start lives in start.ts (low: the delivery engine imports it).

export { startExecution, startExecutionInTx } from "./start";
export { describeMapRun, listMapRuns, updateMapRun } from "./map-run.service";
export { redriveExecution, startSyncExecution, runToEnd } from "./execution.redrive";

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED" | "PENDING_REDRIVE";

const REDRIVABLE = new Set(["FAILED", "TIMED_OUT", "ABORTED"]);

export function redriveStatusOf(ex: repo.ExecutionRow): { redriveStatus: string; redriveStatusReason?: string } {
  if (ex.type === "EXPRESS")
    return { redriveStatus: "NOT_REDRIVABLE", redriveStatusReason: "Execution is an EXPRESS execution" };
  if (ex.status === "RUNNING")
    return { redriveStatus: "NOT_REDRIVABLE", redriveStatusReason: "Execution is RUNNING and cannot be redriven" };
  if (ex.status === "SUCCEEDED")
    return { redriveStatus: "NOT_REDRIVABLE", redriveStatusReason: "Execution is SUCCEEDED and cannot be redriven" };
  if (ex.stop_date && Date.now() - ex.stop_date.getTime() > 14 * 86400_000)
    return { redriveStatus: "NOT_REDRIVABLE", redriveStatusReason: "Execution redrive period has expired" };
  if (ex.parent_task?.pattern === "mapItem")
    return { redriveStatus: "REDRIVABLE_BY_MAP_RUN", redriveStatusReason: "Execution is part of a Map Run" };
  return REDRIVABLE.has(ex.status) ? { redriveStatus: "REDRIVABLE" } : { redriveStatus: "NOT_REDRIVABLE" };
}

const expressNotSupported = () =>
  new AppError("validation", "Invalid Arn: 'Resource type not valid in this context: express'", {
    awsCode: "InvalidArn",
  });

/**
 * The caller's execution by ARN. EXPRESS executions are kept only for StartSyncExecution, map runs
 * and the console: AWS's execution actions refuse their ARNs (`allowExpress` for a map run's items).
 */
export async function loadExecution(
  q: Queryable,
  caller: Caller,
  executionArn: string,
  opts: { allowExpress?: "mapRun" | "all" } = {},
): Promise<repo.ExecutionRow> {
  assertCallerCan(caller, "resource:read");
  const p = checkExecutionArn(caller, executionArn);
  if (p.kind === "express" && !opts.allowExpress) throw expressNotSupported();
  if (p.account !== caller.tenant.accountId) throw executionDoesNotExist(executionArn);
  const ex = await repo.findExecutionByArn(q, caller.tenant.id, executionArn);
  if (!ex) throw executionDoesNotExist(executionArn);
  if (p.kind === "express" && opts.allowExpress === "mapRun" && !ex.map_run_arn) throw expressNotSupported();
  return ex;
}

export type DescribeExecutionOutput = {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input?: string;
  inputDetails: { included: boolean };
  output?: string;
  outputDetails?: { included: boolean };
  traceHeader?: string;
  mapRunArn?: string;
  error?: string;
  cause?: string;
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
  redriveCount: number;
  redriveDate?: Date;
  redriveStatus: string;
  redriveStatusReason?: string;
};

export function describeRow(ex: repo.ExecutionRow): DescribeExecutionOutput {
  return {
    executionArn: ex.arn,
    stateMachineArn: ex.state_machine_arn,
    name: ex.name,
    status: ex.status as ExecutionStatus,
    startDate: ex.start_date,
    ...(ex.stop_date ? { stopDate: ex.stop_date } : {}),
    input: ex.input,
    inputDetails: { included: true },
    ...(ex.output !== null ? { output: ex.output, outputDetails: { included: true } } : {}),
    ...(ex.trace_header ? { traceHeader: ex.trace_header } : {}),
    ...(ex.map_run_arn ? { mapRunArn: ex.map_run_arn } : {}),
    ...(ex.error !== null ? { error: ex.error } : {}),
    ...(ex.cause !== null ? { cause: ex.cause } : {}),
    ...(ex.version_arn ? { stateMachineVersionArn: ex.version_arn } : {}),
    ...(ex.alias_arn ? { stateMachineAliasArn: ex.alias_arn } : {}),
    redriveCount: ex.redrive_count,
    ...(ex.redrive_date ? { redriveDate: ex.redrive_date } : {}),
    ...redriveStatusOf(ex),
  };
}

/** DescribeExecution. */
export async function describeExecution(
  caller: Caller,
  req: { executionArn: string; includedData?: "ALL_DATA" | "METADATA_ONLY" },
): Promise<DescribeExecutionOutput> {
  const ex = await loadExecution(pool(), caller, req.executionArn, { allowExpress: "mapRun" });
  const out = describeRow(ex);
  if (req.includedData === "METADATA_ONLY") {
    delete out.input;
    delete out.output;
    out.inputDetails = { included: false };
    if (out.outputDetails) out.outputDetails = { included: false };
  }
  return out;
}

/** DescribeStateMachineForExecution: the definition the execution runs. */
export async function describeStateMachineForExecution(caller: Caller, req: { executionArn: string }) {
  const ex = await loadExecution(pool(), caller, req.executionArn);
  const sm = await repo.findStateMachineById(pool(), ex.state_machine_id);
  if (!sm) throw stateMachineDoesNotExist(ex.state_machine_arn);
  return {
    stateMachineArn: ex.state_machine_arn,
    name: sm.name,
    definition: ex.definition,
    roleArn: ex.role_arn,
    updateDate: sm.updated_at,
    loggingConfiguration: sm.logging_configuration,
    tracingConfiguration: sm.tracing_configuration,
    encryptionConfiguration: sm.encryption_configuration,
    ...(ex.map_run_arn ? { mapRunArn: ex.map_run_arn, label: ex.map_run_arn.split(":")[6]?.split("/")[1] } : {}),
    ...(ex.version_arn ? {} : { revisionId: sm.revision_id }),
  };
}

// ---- paging ---------------------------------------------------------------------------------

function readToken(token: string | undefined): number {
  if (token === undefined) return 0;
  try {
    const o = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { o?: unknown };
    if (typeof o.o === "number" && Number.isInteger(o.o) && o.o >= 0) return o.o;
  } catch {
    /* below */
  }
  throw new AppError("validation", `Invalid Token: '${token}'`, { awsCode: "InvalidToken" });
}
const writeToken = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString("base64url");

function pageSize(maxResults: number | undefined, max = 1000): number {
  if (maxResults === undefined || maxResults === 0) return 100;
  if (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > max)
    throw new AppError(
      "validation",
      `1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
      { awsCode: "ValidationException" },
    );
  return maxResults;
}

export type ExecutionListItem = {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  mapRunArn?: string;
  itemCount?: number;
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
  redriveCount: number;
  redriveDate?: Date;
};

/** ListExecutions: by state machine (or version / alias) ARN, or by map run ARN; newest first. */
export async function listExecutions(
  caller: Caller,
  req: {
    stateMachineArn?: string;
    mapRunArn?: string;
    statusFilter?: ExecutionStatus;
    maxResults?: number;
    nextToken?: string;
    redriveFilter?: "REDRIVEN" | "NOT_REDRIVEN";
  },
): Promise<{ executions: ExecutionListItem[]; nextToken?: string }> {
  assertCallerCan(caller, "resource:read");
  if (!req.stateMachineArn === !req.mapRunArn)
    throw new AppError("validation", "Must provide a StateMachine ARN or a MapRun ARN", {
      awsCode: "ValidationException",
    });
  const limit = pageSize(req.maxResults);
  const offset = readToken(req.nextToken);
  const filter: Parameters<typeof repo.listExecutionRows>[1] = {
    tenantId: caller.tenant.id,
    limit: limit + 1,
    offset,
    ...(req.statusFilter ? { status: req.statusFilter } : {}),
    ...(req.redriveFilter ? { redriven: req.redriveFilter === "REDRIVEN" } : {}),
  };
  if (req.stateMachineArn) {
    const p = parseStatesArn(req.stateMachineArn);
    if (!p || p.kind !== "stateMachine") throw invalidArn(req.stateMachineArn);
    const [name, qualifier] = p.rest.split(":");
    const sm = await repo.findStateMachineByName(pool(), caller.tenant.id, name ?? "");
    if (!sm || p.account !== caller.tenant.accountId) throw stateMachineDoesNotExist(req.stateMachineArn);
    if (sm.type === "EXPRESS")
      throw new AppError("validation", "This operation is not supported by this type of state machine", {
        awsCode: "StateMachineTypeNotSupported",
      });
    filter.stateMachineId = sm.id;
    if (qualifier !== undefined) {
      if (/^\d+$/.test(qualifier)) filter.versionArn = req.stateMachineArn;
      else filter.aliasArn = req.stateMachineArn;
    }
  } else {
    const p = parseStatesArn(req.mapRunArn!);
    if (!p || p.kind !== "mapRun") throw invalidArn(req.mapRunArn!);
    if (!(await repo.mapRunExists(pool(), caller.tenant.id, req.mapRunArn!)))
      throw new AppError("not_found", `Resource not found: '${req.mapRunArn}'`, { awsCode: "ResourceNotFound" });
    filter.mapRunArn = req.mapRunArn!;
  }
  const rows = await repo.listExecutionRows(pool(), filter);
  const more = rows.length > limit;
  return {
    executions: rows.slice(0, limit).map((ex) => ({
      executionArn: ex.arn,
      stateMachineArn: ex.state_machine_arn,
      name: ex.name,
      status: ex.status as ExecutionStatus,
      startDate: ex.start_date,
      ...(ex.stop_date ? { stopDate: ex.stop_date } : {}),
      ...(ex.map_run_arn ? { mapRunArn: ex.map_run_arn } : {}),
      ...(ex.version_arn ? { stateMachineVersionArn: ex.version_arn } : {}),
      ...(ex.alias_arn ? { stateMachineAliasArn: ex.alias_arn } : {}),
      redriveCount: ex.redrive_count,
      ...(ex.redrive_date ? { redriveDate: ex.redrive_date } : {}),
    })),
    ...(more ? { nextToken: writeToken(offset + limit) } : {}),
  };
}

export type HistoryEvent = {
  timestamp: Date;
  type: string;
  id: number;
  previousEventId: number;
} & Record<string, unknown>;

const DATA_FIELDS = new Set(["input", "inputDetails", "output", "outputDetails", "parameters"]);

/** GetExecutionHistory: AWS's event types and detail members, oldest first unless reverseOrder. */
export async function getExecutionHistory(
  caller: Caller,
  req: {
    executionArn: string;
    maxResults?: number;
    reverseOrder?: boolean;
    nextToken?: string;
    includeExecutionData?: boolean;
  },
): Promise<{ events: HistoryEvent[]; nextToken?: string }> {
  const ex = await loadExecution(pool(), caller, req.executionArn);
  if (ex.type === "EXPRESS")
    throw new AppError("validation", "This operation is not supported by this type of state machine", {
      awsCode: "StateMachineTypeNotSupported",
    });
  const limit = pageSize(req.maxResults);
  const offset = readToken(req.nextToken);
  const rows = await repo.listEvents(pool(), ex.id, req.reverseOrder === true, limit + 1, offset);
  const includeData = req.includeExecutionData !== false;
  const events = rows.slice(0, limit).map((r) => {
    const details: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r.details ?? {}) as Array<[string, Record<string, unknown> | null]>) {
      if (includeData || typeof v !== "object" || v === null) details[k] = v;
      else details[k] = Object.fromEntries(Object.entries(v).filter(([f]) => !DATA_FIELDS.has(f)));
    }
    return { timestamp: r.timestamp, type: r.type, id: r.id, previousEventId: r.previous_event_id, ...details };
  });
  return { events, ...(rows.length > limit ? { nextToken: writeToken(offset + limit) } : {}) };
}

/** StopExecution: ABORTED with ExecutionAborted (error, cause), its waiting tasks dropped. */
export async function stopExecution(
  caller: Caller,
  req: { executionArn: string; error?: string; cause?: string },
): Promise<{ stopDate: Date }> {
  assertCallerCan(caller, "resource:write");
  let deleting = false;
  const out = await withTransaction(async (tx) => {
    const found = await loadExecution(tx, caller, req.executionArn);
    const ex = (await repo.lockExecutionByArn(tx, caller.tenant.id, found.arn))!;
    // An execution that already ended stays as it is (the call answers with its stop date).
    if (ex.status !== "RUNNING") return { stopDate: ex.stop_date ?? new Date() };
    const stopDate = await abortExecution(tx, ex, req.error ?? null, req.cause ?? null);
    deleting = (await repo.machineStatus(tx, ex.state_machine_id)) === "DELETING";
    return { stopDate };
  });
  // After the commit (the cascade would take the execution's own row inside the transaction).
  if (deleting) await finishStateMachineDeletion(pool(), caller.tenant.id);
  return out;
}

// ---- task tokens ----------------------------------------------------------------------------

type TokenRow = repo.TokenRow;

async function tokenTask(tx: Queryable, caller: Caller, token: string): Promise<TokenRow> {
  assertCallerCan(caller, "resource:write");
  if (!token || token.length > 2048)
    throw new AppError("validation", "Invalid Token: 'Invalid token'", { awsCode: "InvalidToken" });
  const row = isWellFormedToken(token) ? await repo.findToken(tx, caller.tenant.id, token) : null;
  if (!row && !isWellFormedToken(token))
    throw new AppError("validation", "Invalid Token: 'Invalid token'", { awsCode: "InvalidToken" });
  if (!row || row.status === "completed" || row.status === "aborted")
    throw new AppError("not_found", "Task Does Not Exist", { awsCode: "TaskDoesNotExist" });
  if (row.status === "timed_out") throw new AppError("validation", "Task Timed Out", { awsCode: "TaskTimedOut" });
  return row;
}

const refOf = (t: TokenRow) => ({
  executionId: t.execution_id,
  frameId: t.frame_id,
  scheduledEventId: t.scheduled_event_id,
});

/** SendTaskSuccess: output must be JSON (InvalidOutput otherwise). */
export async function sendTaskSuccess(caller: Caller, req: { taskToken: string; output: string }): Promise<void> {
  let output: unknown;
  try {
    output = JSON.parse(req.output);
  } catch {
    throw new AppError("validation", `Invalid Output: '${req.output}'`, { awsCode: "InvalidOutput" });
  }
  await withTransaction(async (tx) => {
    const t = await tokenTask(tx, caller, req.taskToken);
    if (!(await completeTask(tx, refOf(t), { kind: "succeeded", output })))
      throw new AppError("not_found", "Task Does Not Exist", { awsCode: "TaskDoesNotExist" });
  });
}

/** SendTaskFailure. */
export async function sendTaskFailure(
  caller: Caller,
  req: { taskToken: string; error?: string; cause?: string },
): Promise<void> {
  await withTransaction(async (tx) => {
    const t = await tokenTask(tx, caller, req.taskToken);
    if (!(await completeTask(tx, refOf(t), { kind: "failed", error: req.error ?? "", cause: req.cause ?? "" })))
      throw new AppError("not_found", "Task Does Not Exist", { awsCode: "TaskDoesNotExist" });
  });
}

/** SendTaskHeartbeat. */
export async function sendTaskHeartbeat(caller: Caller, req: { taskToken: string }): Promise<void> {
  await withTransaction(async (tx) => {
    const t = await tokenTask(tx, caller, req.taskToken);
    if (!(await heartbeatTask(tx, refOf(t))))
      throw new AppError("not_found", "Task Does Not Exist", { awsCode: "TaskDoesNotExist" });
  });
}

/** The tokens an execution waits on (the console's approve / reject buttons). */
export async function listWaitingTaskTokens(
  caller: Caller,
  executionArn: string,
): Promise<Array<{ taskToken: string; stateName: string; scheduledEventId: number; createdAt: Date }>> {
  const ex = await loadExecution(pool(), caller, executionArn);
  const rows = await repo.waitingTokens(pool(), ex.id);
  return rows.map((r) => ({
    taskToken: r.token,
    stateName: r.state_name,
    scheduledEventId: r.scheduled_event_id,
    createdAt: r.created_at,
  }));
}

export type { StartInput };

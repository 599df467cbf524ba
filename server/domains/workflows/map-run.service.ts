import { pool, withTransaction } from "../../db";
import { AppError } from "../../core/errors";
import { assertCallerCan, parseStatesArn, type Caller } from "./execution.arns";
import * as repo from "./map-run.repository";
import { findExecutionByArn } from "./execution.repository";
import { notifyRunners } from "./execution.repository";
import { BOSS_SCHEMA } from "../../jobs/boss";
import { updateRunningMapRun } from "./executor/map-run";

// Map runs of Distributed Map states: DescribeMapRun, ListMapRuns, UpdateMapRun.

const notFound = (arn: string) =>
  new AppError("not_found", `Resource not found: '${arn}'`, { awsCode: "ResourceNotFound" });

async function load(caller: Caller, arn: string) {
  assertCallerCan(caller, "resource:read");
  const p = parseStatesArn(arn);
  if (!p || p.kind !== "mapRun") throw new AppError("validation", `Invalid Arn: '${arn}'`, { awsCode: "InvalidArn" });
  const row = await repo.findMapRun(pool(), caller.tenant.id, arn);
  if (!row) throw notFound(arn);
  return row;
}

/** DescribeMapRun. */
export async function describeMapRun(caller: Caller, req: { mapRunArn: string }) {
  const m = await load(caller, req.mapRunArn);
  const rows = await repo.childStatusCounts(pool(), m.arn);
  const by = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
  const running = by("RUNNING");
  const succeeded = by("SUCCEEDED");
  const failed = by("FAILED");
  const timedOut = by("TIMED_OUT");
  const aborted = by("ABORTED");
  const started = running + succeeded + failed + timedOut + aborted;
  const counts = {
    pending: Math.max(0, m.item_count - started),
    running,
    succeeded,
    failed,
    timedOut,
    aborted,
    total: m.item_count,
    resultsWritten: succeeded + failed + timedOut + aborted,
    failuresNotRedrivable: 0,
    pendingRedrive: 0,
  };
  return {
    mapRunArn: m.arn,
    executionArn: m.execution_arn,
    status: m.status,
    startDate: m.start_date,
    ...(m.stop_date ? { stopDate: m.stop_date } : {}),
    maxConcurrency: m.max_concurrency,
    toleratedFailurePercentage: m.tolerated_failure_percentage,
    toleratedFailureCount: m.tolerated_failure_count,
    itemCounts: counts,
    executionCounts: counts,
    redriveCount: m.redrive_count,
    ...(m.redrive_date ? { redriveDate: m.redrive_date } : {}),
  };
}

/** ListMapRuns of an execution. */
export async function listMapRuns(
  caller: Caller,
  req: { executionArn: string; maxResults?: number; nextToken?: string },
) {
  const ex = await findExecutionByArn(pool(), caller.tenant.id, req.executionArn);
  if (!ex)
    throw new AppError("not_found", `Execution Does Not Exist: '${req.executionArn}'`, {
      awsCode: "ExecutionDoesNotExist",
    });
  const rows = await repo.mapRunsOf(pool(), ex.id);
  return {
    mapRuns: rows.map((m) => ({
      executionArn: req.executionArn,
      mapRunArn: m.arn,
      stateMachineArn: ex.state_machine_arn,
      startDate: m.start_date,
      ...(m.stop_date ? { stopDate: m.stop_date } : {}),
    })),
  };
}

/** UpdateMapRun: MaxConcurrency and tolerated failures of a map run, applied in the same transaction. */
export async function updateMapRun(
  caller: Caller,
  req: {
    mapRunArn: string;
    maxConcurrency?: number;
    toleratedFailurePercentage?: number;
    toleratedFailureCount?: number;
  },
): Promise<void> {
  assertCallerCan(caller, "resource:write");
  const m = await load(caller, req.mapRunArn);
  if (
    req.maxConcurrency === undefined &&
    req.toleratedFailureCount === undefined &&
    req.toleratedFailurePercentage === undefined
  )
    throw new AppError("validation", "At least one of the parameters must be provided", {
      awsCode: "ValidationException",
    });
  await withTransaction(async (tx) => {
    await updateRunningMapRun(tx, m, req);
    await notifyRunners(tx, BOSS_SCHEMA);
  });
}

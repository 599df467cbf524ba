import { pool, withTransaction } from "../../db";
import { AppError } from "../../core/errors";
import { BOSS_SCHEMA } from "../../jobs/boss";
import { assertCallerCan, checkExecutionArn, executionDoesNotExist, type Caller } from "./execution.arns";
import * as repo from "./execution.repository";
import { advanceExecution } from "./executor/engine";
import { allFrames } from "./executor/executor.repository";
import { startExecutionInTx, type StartInput } from "./start";
import { resolveStartTarget } from "./state-machine.resolve";
import { emitExecutionStatusChange } from "./status-events";
import { statusRecord } from "./execution.status";

// RedriveExecution (resume a FAILED / TIMED_OUT / ABORTED standard execution from the states that
// did not finish) and StartSyncExecution (an EXPRESS execution run to its end while the caller waits).

type FrameRow = {
  id: string;
  parent_id: string | null;
  status: string;
  pending: Record<string, unknown> | null;
};

const notRedrivable = (message: string) => new AppError("validation", message, { awsCode: "ExecutionNotRedrivable" });

/** RedriveExecution: `{ redriveDate }`. */
export async function redriveExecution(
  caller: Caller,
  req: { executionArn: string; clientToken?: string },
): Promise<{ redriveDate: Date }> {
  assertCallerCan(caller, "resource:write");
  return withTransaction(async (tx) => {
    const p = checkExecutionArn(caller, req.executionArn);
    if (p.kind === "express") throw notRedrivable(`Execution is an EXPRESS execution: '${req.executionArn}'`);
    const ex = await repo.lockExecutionByArn(tx, caller.tenant.id, req.executionArn);
    if (!ex || p.account !== caller.tenant.accountId) throw executionDoesNotExist(req.executionArn);
    if (ex.status === "RUNNING" || ex.status === "SUCCEEDED")
      throw notRedrivable(`Execution is ${ex.status} and cannot be redriven`);
    if (ex.parent_task?.pattern === "mapItem")
      throw notRedrivable(`Execution is part of a Map Run and can only be redriven by redriving its parent`);
    if (ex.stop_date && Date.now() - ex.stop_date.getTime() > 14 * 86400_000)
      throw notRedrivable("Execution redrive period has expired");
    const frames = (await allFrames(tx, ex.id)) as FrameRow[];
    const children = (id: string) => frames.filter((f) => f.parent_id === id);
    const updates: Array<{ id: string; status: string; pending: unknown }> = [];
    const revive = (f: FrameRow) => {
      const p = f.pending as { kind?: string; total?: number; failure?: unknown } | null;
      if (p?.kind === "parallel" || p?.kind === "map") {
        const kids = children(f.id);
        let done = 0;
        let revived = 0;
        for (const c of kids) {
          if (c.status === "succeeded") done++;
          else {
            revive(c);
            revived++;
          }
        }
        const next: Record<string, unknown> = { ...p, done, failed: 0 };
        delete next.failure;
        if (p.kind === "map") next.running = revived;
        updates.push({ id: f.id, status: done === p.total ? "step" : "children", pending: next });
        return;
      }
      updates.push({ id: f.id, status: "enter", pending: null });
    };
    const root = frames.find((f) => f.parent_id === null);
    if (!root || root.status === "succeeded") throw notRedrivable("Execution has no failed state to redrive");
    revive(root);
    for (const u of updates) await repo.setFrameRevived(tx, u.id, u.status, u.pending);
    const now = new Date();
    const count = ex.redrive_count + 1;
    const def = JSON.parse(ex.definition) as { TimeoutSeconds?: number };
    const rootLast = await repo.rootFrameLastEvent(tx, ex.id);
    await repo.insertEvents(tx, ex.id, ex.tenant_id, [
      {
        id: ex.next_event_id,
        previousEventId: Math.max(rootLast, ex.next_event_id - 1),
        type: "ExecutionRedriven",
        timestamp: now,
        details: { executionRedrivenEventDetails: { redriveCount: count } },
      },
    ]);
    await repo.setRootFrameLastEvent(tx, ex.id, ex.next_event_id);
    await repo.markRedriven(
      tx,
      ex.id,
      count,
      now,
      def.TimeoutSeconds ? new Date(now.getTime() + def.TimeoutSeconds * 1000) : null,
      BOSS_SCHEMA,
    );
    await emitExecutionStatusChange(tx, {
      ...statusRecord(ex),
      status: "RUNNING",
      stopDate: null,
      output: null,
      error: null,
      cause: null,
      redriveCount: count,
      redriveDate: now,
    });
    await repo.notifyRunners(tx, BOSS_SCHEMA, ex.id);
    return { redriveDate: now };
  });
}

/** Advances an execution in this process until it ends (StartSyncExecution; tests). */
export async function runToEnd(executionId: string, timeoutMs = 300_000): Promise<repo.ExecutionRow> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    await advanceExecution(executionId);
    const ex = (await repo.findExecutionById(pool(), executionId))!;
    if (ex.status !== "RUNNING" || Date.now() > until) return ex;
    const wait = ex.ready_at ? Math.max(1, Math.min(50, ex.ready_at.getTime() - Date.now())) : 20;
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** StartSyncExecution: an EXPRESS state machine's execution, answered when it ends. */
export async function startSyncExecution(caller: Caller, req: Omit<StartInput, "parent">) {
  assertCallerCan(caller, "resource:write");
  const target = await resolveStartTarget(pool(), caller.tenant, req.stateMachineArn);
  if (target.type !== "EXPRESS")
    throw new AppError("validation", `This operation is not supported by this type of state machine`, {
      awsCode: "StateMachineTypeNotSupported",
    });
  const started = await withTransaction((tx) => startExecutionInTx(tx, caller, req));
  const id = (await repo.findExecutionByArn(pool(), caller.tenant.id, started.executionArn))!.id;
  const ex = await runToEnd(id);
  const stopDate = ex.stop_date ?? new Date();
  const ms = stopDate.getTime() - ex.start_date.getTime();
  return {
    executionArn: ex.arn,
    stateMachineArn: ex.state_machine_arn,
    name: ex.name,
    startDate: ex.start_date,
    stopDate,
    status: ex.status === "RUNNING" ? "TIMED_OUT" : ex.status,
    ...(ex.error !== null ? { error: ex.error } : {}),
    ...(ex.cause !== null ? { cause: ex.cause } : {}),
    input: ex.input,
    inputDetails: { included: true },
    ...(ex.output !== null ? { output: ex.output, outputDetails: { included: true } } : {}),
    ...(ex.trace_header ? { traceHeader: ex.trace_header } : {}),
    billingDetails: {
      billedMemoryUsedInMB: 64,
      billedDurationInMilliseconds: Math.max(100, Math.ceil(ms / 100) * 100),
    },
  };
}

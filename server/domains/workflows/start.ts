import type { Actor } from "../../auth/permissions";
import { AppError } from "../../core/errors";
import type { Queryable } from "../../db";

// STUB (wf-rest) of wf-exec's start path, with the signature of contracts.md, so the workflow
// target kind and REST compile before wf-exec's CHECKPOINT is merged. wf-exec's file replaces it
// entirely (take theirs on merge).

export type StartCaller = { tenant: { id: string; accountId: string }; actor?: Actor };

export type StartExecutionInput = {
  stateMachineArn: string;
  name?: string;
  input?: string;
  traceHeader?: string;
  parent?: unknown;
};

export type StartedExecution = { executionArn: string; startDate: Date; created: boolean };

export async function startExecutionInTx(
  _tx: Queryable,
  _caller: StartCaller,
  _input: StartExecutionInput,
): Promise<StartedExecution> {
  throw new AppError("unavailable", "Workflows are not merged into this build yet.");
}

export async function startExecution(caller: StartCaller, input: StartExecutionInput): Promise<StartedExecution> {
  return startExecutionInTx(null as unknown as Queryable, caller, input);
}

import type { Queryable } from "../../db";

// wf-rest owns this file (EventBridge "Step Functions Execution Status Change" events). Until it is
// merged this is a no-op with the signature the executor calls on every STANDARD status change.
export type ExecutionStatusChange = {
  tenantId: string;
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  startDate: Date;
  stopDate: Date | null;
  input: string;
  output: string | null;
  error: string | null;
  cause: string | null;
};

export async function emitExecutionStatusChange(_tx: Queryable, _execution: ExecutionStatusChange): Promise<void> {}

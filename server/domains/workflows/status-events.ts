import type { Queryable } from "../../db";

// wf-rest owns this file (EventBridge "Step Functions Execution Status Change" events). Until it is
// merged this is a no-op with the signature the executor calls on every STANDARD status change.
export type ExecutionStatusRecord = {
  tenantId: string;
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  type?: string;
  startDate: Date;
  stopDate?: Date | null;
  input?: string | null;
  output?: string | null;
  error?: string | null;
  cause?: string | null;
  versionArn?: string | null;
  aliasArn?: string | null;
  redriveCount?: number | null;
  redriveDate?: Date | null;
};

export async function emitExecutionStatusChange(_tx: Queryable, _execution: ExecutionStatusRecord): Promise<null> {
  return null;
}

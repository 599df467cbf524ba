import type { ExecutionRow } from "./execution.repository";
import type { ExecutionStatusRecord } from "./status-events";

/** What a status change event needs of an execution row (status-events.ts, wf-rest). */
export function statusRecord(ex: ExecutionRow): ExecutionStatusRecord {
  return {
    tenantId: ex.tenant_id,
    executionArn: ex.arn,
    stateMachineArn: ex.state_machine_arn,
    name: ex.name,
    status: ex.status,
    type: ex.type,
    startDate: ex.start_date,
    stopDate: ex.stop_date,
    input: ex.input,
    output: ex.output,
    error: ex.error,
    cause: ex.cause,
    versionArn: ex.version_arn,
    aliasArn: ex.alias_arn,
    redriveCount: ex.redrive_count,
    redriveDate: ex.redrive_date,
  };
}

import {
  describeExecution,
  describeMapRun,
  describeStateMachineForExecution,
  getExecutionHistory,
  listExecutions,
  listMapRuns,
  redriveExecution,
  sendTaskFailure,
  sendTaskHeartbeat,
  sendTaskSuccess,
  startExecution,
  startSyncExecution,
  stopExecution,
  updateMapRun,
} from "../../../domains/workflows/execution.service";
import type { AwsAction } from "../types";
import { action, m, sfnActions } from "./wire";

// Executions on the AWS door: a table over wf-exec's execution services (start, sync start,
// describe, list, stop, history, redrive, task tokens, map runs). The door checks the key's role;
// the services do the rest.

const read = { role: "resource:read" } as const;
const write = { role: "resource:write" } as const;
const writeEmpty = { role: "resource:write", empty: true } as const;

const STATUSES = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"] as const;
const start = { stateMachineArn: m.required, name: m.str, input: m.str, traceHeader: m.str };

export const executionActions: [string, AwsAction][] = sfnActions({
  StartExecution: action(startExecution, start, write),
  // SDKs send it to the "sync-" host prefix; the door serves it on any host (see docs/readme/wf-door.md).
  StartSyncExecution: action(startSyncExecution, start, write),
  DescribeExecution: action(
    describeExecution,
    { executionArn: m.required, includedData: m.oneOf(["ALL_DATA", "METADATA_ONLY"]) },
    read,
  ),
  DescribeStateMachineForExecution: action(describeStateMachineForExecution, { executionArn: m.required }, read),
  ListExecutions: action(
    listExecutions,
    {
      stateMachineArn: m.str,
      mapRunArn: m.str,
      statusFilter: m.oneOf(STATUSES),
      maxResults: m.int,
      nextToken: m.str,
      redriveFilter: m.oneOf(["REDRIVEN", "NOT_REDRIVEN"]),
    },
    read,
  ),
  StopExecution: action(stopExecution, { executionArn: m.required, error: m.str, cause: m.str }, write),
  GetExecutionHistory: action(
    getExecutionHistory,
    {
      executionArn: m.required,
      maxResults: m.int,
      reverseOrder: m.bool,
      nextToken: m.str,
      includeExecutionData: m.bool,
    },
    read,
  ),
  RedriveExecution: action(redriveExecution, { executionArn: m.required, clientToken: m.str }, write),
  SendTaskSuccess: action(sendTaskSuccess, { taskToken: m.required, output: m.required }, writeEmpty),
  SendTaskFailure: action(sendTaskFailure, { taskToken: m.required, error: m.str, cause: m.str }, writeEmpty),
  SendTaskHeartbeat: action(sendTaskHeartbeat, { taskToken: m.required }, writeEmpty),
  DescribeMapRun: action(describeMapRun, { mapRunArn: m.required }, read),
  ListMapRuns: action(listMapRuns, { executionArn: m.required, maxResults: m.int, nextToken: m.str }, read),
  UpdateMapRun: action(
    updateMapRun,
    {
      mapRunArn: m.required,
      maxConcurrency: m.int,
      toleratedFailurePercentage: m.number,
      toleratedFailureCount: m.int,
    },
    writeEmpty,
  ),
});

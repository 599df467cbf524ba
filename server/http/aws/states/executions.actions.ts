import { assertCan } from "../../../auth/permissions";
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
  type ExecutionStatus,
} from "../../../domains/workflows/execution.service";
import { ModelCheck } from "../../../domains/workflows/state-machine.errors";
import type { AwsAction, AwsContext } from "../types";
import { bool, int, sfnActions, str, wfCaller, type Handler } from "./wire";

// Executions on the AWS door: a thin mapping of wf-exec's execution services (start, sync start,
// describe, list, stop, history, redrive, task tokens, map runs). The door checks the key's role;
// the services do the rest.

const reader = (ctx: AwsContext) => {
  assertCan(ctx.actor.role, "resource:read");
  return wfCaller(ctx);
};
const writer = (ctx: AwsContext) => {
  assertCan(ctx.actor.role, "resource:write");
  return wfCaller(ctx);
};

const STATUSES = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"] as const;

/** The enum members the services take as typed values: AWS's model check first. */
function enums(i: Record<string, unknown>, members: Record<string, readonly string[]>): void {
  const m = new ModelCheck();
  for (const [member, values] of Object.entries(members)) m.oneOf(str(i, member), member, values);
  m.done();
}

const HANDLERS: Array<[string, Handler]> = [
  [
    "StartExecution",
    async (ctx, i) =>
      startExecution(writer(ctx), {
        stateMachineArn: str(i, "stateMachineArn", true),
        name: str(i, "name"),
        input: str(i, "input"),
        traceHeader: str(i, "traceHeader"),
      }),
  ],
  [
    // SDKs send it to the "sync-" host prefix; the door serves it on any host (see docs/readme/wf-door.md).
    "StartSyncExecution",
    async (ctx, i) =>
      startSyncExecution(writer(ctx), {
        stateMachineArn: str(i, "stateMachineArn", true),
        name: str(i, "name"),
        input: str(i, "input"),
        traceHeader: str(i, "traceHeader"),
      }),
  ],
  [
    "DescribeExecution",
    async (ctx, i) => {
      enums(i, { includedData: ["ALL_DATA", "METADATA_ONLY"] });
      return describeExecution(reader(ctx), {
        executionArn: str(i, "executionArn", true),
        includedData: str(i, "includedData") as "ALL_DATA" | "METADATA_ONLY" | undefined,
      });
    },
  ],
  [
    "DescribeStateMachineForExecution",
    async (ctx, i) =>
      describeStateMachineForExecution(reader(ctx), { executionArn: str(i, "executionArn", true) }) as Promise<
        Record<string, unknown>
      >,
  ],
  [
    "ListExecutions",
    async (ctx, i) => {
      enums(i, { statusFilter: STATUSES, redriveFilter: ["REDRIVEN", "NOT_REDRIVEN"] });
      return listExecutions(reader(ctx), {
        stateMachineArn: str(i, "stateMachineArn"),
        mapRunArn: str(i, "mapRunArn"),
        statusFilter: str(i, "statusFilter") as ExecutionStatus | undefined,
        maxResults: int(i, "maxResults"),
        nextToken: str(i, "nextToken"),
        redriveFilter: str(i, "redriveFilter") as "REDRIVEN" | "NOT_REDRIVEN" | undefined,
      });
    },
  ],
  [
    "StopExecution",
    async (ctx, i) =>
      stopExecution(writer(ctx), {
        executionArn: str(i, "executionArn", true),
        error: str(i, "error"),
        cause: str(i, "cause"),
      }),
  ],
  [
    "GetExecutionHistory",
    async (ctx, i) =>
      getExecutionHistory(reader(ctx), {
        executionArn: str(i, "executionArn", true),
        maxResults: int(i, "maxResults"),
        reverseOrder: bool(i, "reverseOrder"),
        nextToken: str(i, "nextToken"),
        includeExecutionData: bool(i, "includeExecutionData"),
      }),
  ],
  [
    "RedriveExecution",
    async (ctx, i) =>
      redriveExecution(writer(ctx), {
        executionArn: str(i, "executionArn", true),
        clientToken: str(i, "clientToken"),
      }),
  ],
  [
    "SendTaskSuccess",
    async (ctx, i) => {
      await sendTaskSuccess(writer(ctx), { taskToken: str(i, "taskToken", true), output: str(i, "output", true) });
      return {};
    },
  ],
  [
    "SendTaskFailure",
    async (ctx, i) => {
      await sendTaskFailure(writer(ctx), {
        taskToken: str(i, "taskToken", true),
        error: str(i, "error"),
        cause: str(i, "cause"),
      });
      return {};
    },
  ],
  [
    "SendTaskHeartbeat",
    async (ctx, i) => {
      await sendTaskHeartbeat(writer(ctx), { taskToken: str(i, "taskToken", true) });
      return {};
    },
  ],
  [
    "DescribeMapRun",
    async (ctx, i) =>
      describeMapRun(reader(ctx), { mapRunArn: str(i, "mapRunArn", true) }) as Promise<Record<string, unknown>>,
  ],
  [
    "ListMapRuns",
    async (ctx, i) =>
      listMapRuns(reader(ctx), {
        executionArn: str(i, "executionArn", true),
        maxResults: int(i, "maxResults"),
        nextToken: str(i, "nextToken"),
      }) as Promise<Record<string, unknown>>,
  ],
  [
    "UpdateMapRun",
    async (ctx, i) => {
      await updateMapRun(writer(ctx), {
        mapRunArn: str(i, "mapRunArn", true),
        maxConcurrency: int(i, "maxConcurrency"),
        toleratedFailurePercentage:
          typeof i.toleratedFailurePercentage === "number" ? i.toleratedFailurePercentage : undefined,
        toleratedFailureCount: int(i, "toleratedFailureCount"),
      });
      return {};
    },
  ],
];

export const executionActions: [string, AwsAction][] = sfnActions(HANDLERS);

import { getActivityTask } from "../../../domains/workflows/activity-tasks";
import { sfnActions, str, wfCaller, type Handler } from "./wire";

// Step Functions' activity worker actions on /api/aws (JSON 1.0). GetActivityTask long-polls (the
// service lists it as `waiting`: it holds no fair-gate slot) and stops when the client hangs up.
// SendTaskSuccess/Failure/Heartbeat are token-generic (executions.actions.ts).

const HANDLERS: Array<[string, Handler]> = [
  [
    "GetActivityTask",
    (ctx, i) =>
      getActivityTask(
        wfCaller(ctx),
        { activityArn: str(i, "activityArn", true), workerName: str(i, "workerName") },
        { signal: ctx.signal },
      ),
  ],
];

export const activityActions = sfnActions(HANDLERS);

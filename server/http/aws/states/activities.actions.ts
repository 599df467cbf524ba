import { getActivityTask } from "../../../domains/workflows/activity-tasks";
import { action, m, sfnActions } from "./wire";

// Step Functions' activity worker actions on /api/aws (JSON 1.0). GetActivityTask long-polls (the
// service lists it as `waiting`: it holds no fair-gate slot) and stops when the client hangs up.
// SendTaskSuccess/Failure/Heartbeat are token-generic (executions.actions.ts).

export const activityActions = sfnActions({
  GetActivityTask: action(
    (caller, input: { activityArn: string; workerName?: string }, ctx) =>
      getActivityTask(caller, input, { signal: ctx.signal }),
    { activityArn: m.required, workerName: m.str },
  ),
});

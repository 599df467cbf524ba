import { getActivityTask } from "../../../domains/workflows/activity-tasks";
import { str, type In } from "../events/wire";
import type { AwsAction, AwsCall } from "../types";

// Step Functions' activity worker actions on /api/aws (JSON 1.0). GetActivityTask long-polls (the
// service lists it as `waiting`: it holds no fair-gate slot) and stops when the client hangs up.
// SendTaskSuccess/Failure/Heartbeat are token-generic (executions.actions.ts).

const reply = (body: unknown) => ({
  headers: { "content-type": "application/x-amz-json-1.0" },
  body: JSON.stringify(body),
});

const getActivityTaskAction: AwsAction = async (call: AwsCall) => {
  const input = (call.json ?? {}) as In;
  const out = await getActivityTask(
    { tenant: call.ctx.tenant, actor: call.ctx.actor },
    { activityArn: str(input, "activityArn", true), workerName: str(input, "workerName") },
    { signal: call.ctx.signal },
  );
  return reply(out);
};

export const activityActions: [string, AwsAction][] = [["GetActivityTask", getActivityTaskAction]];

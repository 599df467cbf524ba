import { isAppError } from "../../../core/errors";
import type { LocalTaskResource, TaskOutcome } from "./resource";
import { nameForKey, startExecutionInTx } from "../start";

// arn:aws:states:::states:startExecution — a state machine starting another (nested workflows).
// Local: the child execution is committed in the parent's transition, exactly once. Request-response
// answers { ExecutionArn, StartDate }; `.sync` and `.sync:2` wait until the child ends (the executor
// completes the parent's task with the child's DescribeExecution shape: Output as a JSON string, or
// as JSON for `.sync:2`; a failed child is States.TaskFailed with that shape as the cause);
// `.waitForTaskToken` waits for SendTaskSuccess/Failure with the token passed in the Input.

const BASE = "arn:aws:states:::states:startExecution";

export const startExecutionResource: LocalTaskResource = {
  mode: "local",
  resourceType: "states",
  patterns: ["requestResponse", "sync", "sync2", "waitForTaskToken"],
  matches: (r) => r === BASE || r === `${BASE}.sync` || r === `${BASE}.sync:2` || r === `${BASE}.waitForTaskToken`,
  async start(tx, req): Promise<TaskOutcome> {
    const p = (req.input ?? {}) as { StateMachineArn?: unknown; Input?: unknown; Name?: unknown };
    if (typeof p.StateMachineArn !== "string")
      return { kind: "failed", error: "States.Runtime", cause: "The field 'StateMachineArn' is required." };
    const [executionId, frameId, sid] = req.idempotencyKey.split(":");
    try {
      const out = await startExecutionInTx(
        tx,
        { tenant: req.tenant },
        {
          stateMachineArn: p.StateMachineArn,
          name: typeof p.Name === "string" ? p.Name : nameForKey(req.idempotencyKey),
          input: p.Input === undefined ? "{}" : typeof p.Input === "string" ? p.Input : JSON.stringify(p.Input),
          parent: {
            executionId: executionId!,
            frameId: frameId!,
            scheduledEventId: Number(sid),
            pattern: req.pattern,
          },
        },
      );
      if (req.pattern === "requestResponse")
        return { kind: "succeeded", output: { ExecutionArn: out.executionArn, StartDate: out.startDate.getTime() } };
      return { kind: "pending", submitted: { ExecutionArn: out.executionArn, StartDate: out.startDate.getTime() } };
    } catch (e) {
      if (isAppError(e))
        return { kind: "failed", error: `StepFunctions.${e.awsCode ?? "SFN"}Exception`, cause: e.message };
      throw e;
    }
  },
};

import type { Queryable } from "../../../db";
import type { Json, JsonObject } from "../../../core/states";
import { logger } from "../../../logger";
import type * as repo from "../execution.repository";
import type { TaskOutcome } from "../tasks/resource";
import { completeTask } from "./complete";
import { distributedChildEnded } from "./map-run";

// A child execution ended: its parent's `.sync` task completes, or its map run counts it.

/** The describe shape a `.sync` parent receives (Input/Output as strings, or JSON for `.sync:2`). */
export function childDescription(ex: repo.ExecutionRow, json: boolean): JsonObject {
  const parse = (s: string | null) => {
    if (s === null) return null;
    try {
      return JSON.parse(s) as Json;
    } catch {
      return s;
    }
  };
  return {
    ExecutionArn: ex.arn,
    Input: json ? parse(ex.input) : ex.input,
    InputDetails: { Included: true },
    Name: ex.name,
    ...(ex.output !== null ? { Output: json ? parse(ex.output) : ex.output, OutputDetails: { Included: true } } : {}),
    RedriveCount: ex.redrive_count,
    RedriveStatus: "NOT_REDRIVABLE",
    StartDate: ex.start_date.getTime(),
    StateMachineArn: ex.state_machine_arn,
    Status: ex.status,
    StopDate: (ex.stop_date ?? new Date()).getTime(),
    ...(ex.error !== null ? { Error: ex.error } : {}),
    ...(ex.cause !== null ? { Cause: ex.cause } : {}),
  };
}

/** A child execution ended: complete the parent's `.sync` task or count the map run's item. */
export async function notifyParent(tx: Queryable, ex: repo.ExecutionRow): Promise<void> {
  const parent = ex.parent_task;
  if (!parent) return;
  if (parent.pattern === "mapItem") return distributedChildEnded(tx, ex);
  if (parent.pattern !== "sync" && parent.pattern !== "sync2") return;
  const desc = childDescription(ex, parent.pattern === "sync2");
  const outcome: TaskOutcome =
    ex.status === "SUCCEEDED"
      ? { kind: "succeeded", output: desc }
      : {
          kind: "failed",
          error: ex.status === "TIMED_OUT" ? "States.Timeout" : "States.TaskFailed",
          cause: JSON.stringify(desc),
        };
  const ok = await completeTask(tx, parent, outcome);
  if (!ok) logger.debug({ child: ex.arn }, "parent task no longer waits for this child");
}

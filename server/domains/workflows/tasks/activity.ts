import { randomUUID } from "node:crypto";
import type { Queryable } from "../../../db";
import { findActivityByArn, insertActivityTask } from "../activity-tasks.repository";
import type { LocalTaskResource, TaskOutcome, TaskRequest } from "./resource";

// An activity ARN as a Task's Resource (arn:aws:states:R:A:activity:NAME): the task is queued for
// the tenant's own workers inside the executor's transaction (with the task token the executor
// made and the effective input as JSON text) and stays pending; GetActivityTask hands it out
// (activity-tasks.ts) and the worker completes it with SendTaskSuccess/Failure by that token. A
// TimeoutSeconds bounds how long it may wait to be taken; heartbeats and timeouts are the executor's.

export const ACTIVITY_RESOURCE = /^arn:aws[\w-]*:states:[\w-]+:\d{12}:activity:[^:]+$/;

async function start(tx: Queryable, req: TaskRequest): Promise<TaskOutcome> {
  if (!req.taskToken) return { kind: "failed", error: "States.Runtime", cause: "An activity task needs a task token." };
  const activity = await findActivityByArn(tx, req.tenant.id, req.resource);
  if (!activity)
    return { kind: "failed", error: "States.Runtime", cause: `Activity Does Not Exist: '${req.resource}'` };
  await insertActivityTask(tx, {
    id: randomUUID(),
    tenantId: req.tenant.id,
    activityId: activity.id,
    executionId: req.executionId,
    taskToken: req.taskToken,
    input: JSON.stringify(req.input ?? {}),
    idempotencyKey: req.idempotencyKey,
    expiresAt: req.timeoutSeconds ? new Date(Date.now() + req.timeoutSeconds * 1000) : null,
  });
  return { kind: "pending" };
}

export const activityTask: LocalTaskResource = {
  mode: "local",
  resourceType: "activity",
  patterns: ["requestResponse"],
  matches: (resource) => ACTIVITY_RESOURCE.test(resource),
  start,
};

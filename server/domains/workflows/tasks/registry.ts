import type { TaskResource } from "./resource";
import { sqsSendMessage } from "./sqs";
import { snsPublish } from "./sns";
import { eventsPutEvents } from "./events";
import { lambdaInvoke } from "./lambda";
import { httpInvoke } from "./http";
import { activityTask } from "./activity";
import { startExecutionResource } from "./states";

// Every Task resource Workflows runs (contracts.md: wf-exec adds its states:startExecution line).
// `taskResourceFor` answers the resource that serves a Resource string with any suffix; the
// executor checks the pattern against `patterns` (States.Runtime at run time, validation at create).

const RESOURCES: readonly TaskResource[] = [
  sqsSendMessage,
  snsPublish,
  eventsPutEvents,
  lambdaInvoke,
  httpInvoke,
  activityTask,
  startExecutionResource,
];

export function taskResourceFor(resource: string): TaskResource | null {
  return RESOURCES.find((r) => r.matches(resource)) ?? null;
}

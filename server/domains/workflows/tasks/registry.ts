import type { TaskResource } from "./resource";
import { sqsSendMessage } from "./sqs";
import { snsPublish } from "./sns";
import { eventsPutEvents } from "./events";
import { lambdaInvoke } from "./lambda";
import { httpInvoke } from "./http";
import { activityTask } from "./activity";
import { startExecutionResource } from "./states";

// Every Task resource Workflows runs, one line each (contracts.md: wf-exec owns states.ts).
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

/** The resource that serves `resource` (with its suffix), or null when none does. */
export function taskResourceFor(resource: string): TaskResource | null {
  return RESOURCES.find((r) => r.matches(resource)) ?? null;
}

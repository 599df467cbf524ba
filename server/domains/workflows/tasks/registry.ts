import type { TaskResource } from "./resource";
import { startExecutionResource } from "./states";

// Task resources by Resource string (wf-tasks owns this file; this is the minimal version the
// executor codes against until it is merged). One line per resource.
const RESOURCES: TaskResource[] = [startExecutionResource];

/** The resource that serves `resource` (with its suffix), or null when none does. */
export function taskResourceFor(resource: string): TaskResource | null {
  return RESOURCES.find((r) => r.matches(resource)) ?? null;
}

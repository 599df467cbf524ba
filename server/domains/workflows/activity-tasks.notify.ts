import { wakeWaiters, type WakeSubscription } from "../../platform/wake-waiters";
import { ACTIVITY_TASK_CHANNEL } from "./activity-tasks.repository";

// GetActivityTask's wake-ups across processes, as queues' long polls (queues/queue.notify.ts): the
// process's LISTEN connection listens on `signalbox_activity_task`; queuing a task NOTIFYs the
// activity id when the executor's transaction commits, and the workers polling that activity in
// any web process look again at once. While the LISTEN connection is down, waits are cut to 1 s.

const activities = wakeWaiters(ACTIVITY_TASK_CHANNEL);

export type ActivitySubscription = WakeSubscription;

/** Subscribe BEFORE looking for a task: a notice that arrives in between is kept (`fired`). */
export function subscribeActivity(activityId: string): Promise<ActivitySubscription> {
  return activities.subscribe(activityId);
}

/** Long polls waiting in this process (tests check that none leak). */
export function waitingActivityWorkers(): number {
  return activities.waiting();
}

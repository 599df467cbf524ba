import { isListening, listen } from "../../platform/listen";
import { ACTIVITY_TASK_CHANNEL } from "./activity-tasks.repository";

// GetActivityTask's wake-ups across processes, as queues' long polls (queues/queue.notify.ts): the
// process's LISTEN connection listens on `signalbox_activity_task`; queuing a task NOTIFYs the
// activity id when the executor's transaction commits, and the workers polling that activity in
// any web process look again at once. While the LISTEN connection is down, waits are cut to 1 s.

type Waiter = { fired: boolean; wake: () => void };
const waiters = new Map<string, Set<Waiter>>();
let subscribed: Promise<() => void> | undefined;

function wakeActivity(activityId: string): void {
  for (const w of waiters.get(activityId) ?? []) {
    w.fired = true;
    w.wake();
  }
}

function wakeAll(): void {
  for (const id of waiters.keys()) wakeActivity(id);
}

export type ActivitySubscription = { wait: (ms: number, signal?: AbortSignal) => Promise<void>; close: () => void };

/** Subscribe BEFORE looking for a task: a notice that arrives in between is kept (`fired`). */
export async function subscribeActivity(activityId: string): Promise<ActivitySubscription> {
  subscribed ??= listen(ACTIVITY_TASK_CHANNEL, { onNotify: wakeActivity, onResync: wakeAll });
  await subscribed;
  let resolveWait: (() => void) | undefined;
  const w: Waiter = { fired: false, wake: () => resolveWait?.() };
  let set = waiters.get(activityId);
  if (!set) waiters.set(activityId, (set = new Set()));
  set.add(w);
  return {
    wait: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        if (w.fired) {
          w.fired = false;
          return resolve();
        }
        const limit = isListening(ACTIVITY_TASK_CHANNEL) ? ms : Math.min(ms, 1_000);
        const t = setTimeout(done, Math.max(0, limit));
        signal?.addEventListener("abort", done, { once: true });
        function done() {
          clearTimeout(t);
          signal?.removeEventListener("abort", done);
          resolveWait = undefined;
          w.fired = false;
          resolve();
        }
        resolveWait = done;
      }),
    close: () => {
      set!.delete(w);
      if (set!.size === 0 && waiters.get(activityId) === set) waiters.delete(activityId);
    },
  };
}

/** Long polls waiting in this process (tests check that none leak). */
export function waitingActivityWorkers(): number {
  let n = 0;
  for (const set of waiters.values()) n += set.size;
  return n;
}

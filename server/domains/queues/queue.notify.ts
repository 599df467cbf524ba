import { stopListening } from "../../platform/listen";
import { wakeWaiters, type WakeSubscription } from "../../platform/wake-waiters";
import { NOTIFY_CHANNEL } from "./queue.repository";

// Long-poll wake-ups across processes. The process's shared LISTEN connection
// (server/platform/listen.ts) listens on `signalbox_queue`; a send's statement NOTIFYs with the
// queue id when it commits (also when a message moves into a queue). Waiting receivers subscribe
// per queue and are woken at once, in whichever web process they wait (server/platform/wake-waiters.ts).
// Delayed messages and visibility expiry are covered by a timer the receiver sets for the queue's
// next visible_at (never a busy poll). While the LISTEN connection is down, waiters fall back to a
// 1-second re-check until it is back.

const queues = wakeWaiters(NOTIFY_CHANNEL);

export type Subscription = WakeSubscription;

/**
 * Subscribe BEFORE looking for messages, then wait: a notification that arrives in between is
 * kept (`fired`), so a message sent at that moment is not missed. A wait ends early when `signal`
 * aborts (the client went away); the caller then closes the subscription without receiving.
 */
export function subscribeQueue(queueId: string): Promise<Subscription> {
  return queues.subscribe(queueId);
}

/** Long polls waiting in this process (for one queue, or all): tests check that none leak. */
export function waitingReceivers(queueId?: string): number {
  return queues.waiting(queueId);
}

/** Shutdown: stops waking queues and closes the process's LISTEN connection. */
export async function stopQueueListener(): Promise<void> {
  await queues.stop();
  await stopListening();
}

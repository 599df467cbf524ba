import { isListening, listen, stopListening } from "../../platform/listen";
import { NOTIFY_CHANNEL } from "./queue.repository";

// Long-poll wake-ups across processes. The process's shared LISTEN connection
// (server/platform/listen.ts) listens on `signalbox_queue`; a send's statement NOTIFYs with the
// queue id when it commits (also when a message moves into a queue). Waiting receivers subscribe
// per queue and are woken at once, in whichever web process they wait. Delayed messages and
// visibility expiry are covered by a timer the receiver sets for the queue's next visible_at
// (never a busy poll). While the LISTEN connection is down, waiters fall back to a 1-second
// re-check until it is back.

type Waiter = { fired: boolean; wake: () => void };
const waiters = new Map<string, Set<Waiter>>();
let subscribed: Promise<() => void> | undefined;

function wakeQueue(queueId: string): void {
  const set = waiters.get(queueId);
  if (!set) return;
  for (const w of set) {
    w.fired = true;
    w.wake();
  }
}

// Called when notices may have been missed (connection lost, and again once it is back): anyone
// waiting re-checks now.
function wakeAll(): void {
  for (const id of waiters.keys()) wakeQueue(id);
}

function ensureListening(): Promise<unknown> {
  subscribed ??= listen(NOTIFY_CHANNEL, { onNotify: wakeQueue, onResync: wakeAll });
  return subscribed;
}

export type Subscription = { wait: (ms: number, signal?: AbortSignal) => Promise<void>; close: () => void };

/**
 * Subscribe BEFORE looking for messages, then wait: a notification that arrives in between is
 * kept (`fired`), so a message sent at that moment is not missed. A wait ends early when `signal`
 * aborts (the client went away); the caller then closes the subscription without receiving.
 */
export async function subscribeQueue(queueId: string): Promise<Subscription> {
  await ensureListening();
  let resolveWait: (() => void) | undefined;
  const w: Waiter = {
    fired: false,
    wake: () => resolveWait?.(),
  };
  let set = waiters.get(queueId);
  if (!set) waiters.set(queueId, (set = new Set()));
  set.add(w);
  let closed = false;
  return {
    wait: (ms: number, signal?: AbortSignal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        if (w.fired) {
          w.fired = false;
          return resolve();
        }
        const limit = isListening(NOTIFY_CHANNEL) ? ms : Math.min(ms, 1_000);
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
      if (closed) return;
      closed = true;
      set!.delete(w);
      if (set!.size === 0 && waiters.get(queueId) === set) waiters.delete(queueId);
    },
  };
}

/** Long polls waiting in this process (for one queue, or all): tests check that none leak. */
export function waitingReceivers(queueId?: string): number {
  if (queueId) return waiters.get(queueId)?.size ?? 0;
  let n = 0;
  for (const set of waiters.values()) n += set.size;
  return n;
}

/** Shutdown: stops waking queues and closes the process's LISTEN connection. */
export async function stopQueueListener(): Promise<void> {
  const s = subscribed;
  subscribed = undefined;
  (await s)?.();
  await stopListening();
}

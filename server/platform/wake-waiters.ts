import { isListening, listen } from "./listen";

// Long-poll wake-ups across processes, per key (a queue id, an activity id): the process's shared
// LISTEN connection (listen.ts) listens on `channel`; a NOTIFY with the key as payload wakes the
// waiters on that key in whichever process they wait. While the LISTEN connection is down, waits
// are cut to 1 second (re-checks) until it is back; when notices may have been missed, everyone
// waiting re-checks at once.

export type WakeSubscription = { wait: (ms: number, signal?: AbortSignal) => Promise<void>; close: () => void };

type Waiter = { fired: boolean; wake: () => void };

export function wakeWaiters(channel: string) {
  const waiters = new Map<string, Set<Waiter>>();
  let subscribed: Promise<() => void> | undefined;

  function wakeKey(key: string): void {
    for (const w of waiters.get(key) ?? []) {
      w.fired = true;
      w.wake();
    }
  }
  function wakeAll(): void {
    for (const key of waiters.keys()) wakeKey(key);
  }

  return {
    /**
     * Subscribe BEFORE looking for work, then wait: a notice that arrives in between is kept
     * (`fired`), so work added at that moment is not missed. A wait ends early when `signal`
     * aborts (the client went away); the caller then closes the subscription.
     */
    async subscribe(key: string): Promise<WakeSubscription> {
      subscribed ??= listen(channel, { onNotify: wakeKey, onResync: wakeAll });
      await subscribed;
      let resolveWait: (() => void) | undefined;
      const w: Waiter = { fired: false, wake: () => resolveWait?.() };
      let set = waiters.get(key);
      if (!set) waiters.set(key, (set = new Set()));
      set.add(w);
      let closed = false;
      return {
        wait: (ms, signal) =>
          new Promise<void>((resolve) => {
            if (signal?.aborted) return resolve();
            if (w.fired) {
              w.fired = false;
              return resolve();
            }
            const limit = isListening(channel) ? ms : Math.min(ms, 1_000);
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
          if (set!.size === 0 && waiters.get(key) === set) waiters.delete(key);
        },
      };
    },
    /** Waiters in this process (on one key, or all): tests check that none leak. */
    waiting(key?: string): number {
      if (key) return waiters.get(key)?.size ?? 0;
      let n = 0;
      for (const set of waiters.values()) n += set.size;
      return n;
    },
    /** Stops following the channel (the LISTEN connection itself is the caller's to stop). */
    async stop(): Promise<void> {
      const s = subscribed;
      subscribed = undefined;
      (await s)?.();
    },
  };
}

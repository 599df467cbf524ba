import pg from "pg";
import { env } from "../../env";
import { logger } from "../../logger";
import { NOTIFY_CHANNEL } from "./queue.repository";

// Long-poll wake-ups across processes. One dedicated connection per process LISTENs on
// `signalbox_queue`; a send's statement NOTIFYs with the queue id when it commits (also when a
// message moves into a queue). Waiting receivers subscribe per queue and are woken at once, in
// whichever web process they wait. Delayed messages and visibility expiry are covered by a
// timer the receiver sets for the queue's next visible_at (never a busy poll). If the LISTEN
// connection is down, waiters fall back to a 1-second re-check until it reconnects.

type Waiter = { fired: boolean; wake: () => void };
const waiters = new Map<string, Set<Waiter>>();
let client: pg.Client | undefined;
let connecting: Promise<void> | undefined;
let healthy = false;
let retryTimer: NodeJS.Timeout | undefined;

function wakeQueue(queueId: string): void {
  const set = waiters.get(queueId);
  if (!set) return;
  for (const w of set) {
    w.fired = true;
    w.wake();
  }
}

function wakeAll(): void {
  for (const id of waiters.keys()) wakeQueue(id);
}

function ensureListening(): Promise<void> {
  if (healthy || connecting) return connecting ?? Promise.resolve();
  connecting = (async () => {
    const c = new pg.Client({ connectionString: env().DATABASE_URL, application_name: "signalbox-queue-listen" });
    const down = () => {
      if (client !== c) return;
      healthy = false;
      client = undefined;
      c.end().catch(() => {});
      // Anyone waiting re-checks now (a notification may have been missed), then on the fallback tick.
      wakeAll();
      if (!retryTimer) {
        retryTimer = setTimeout(() => {
          retryTimer = undefined;
          if (waiters.size) void ensureListening().catch(() => {});
        }, 1_000);
        retryTimer.unref();
      }
    };
    c.on("notification", (msg) => {
      if (msg.channel === NOTIFY_CHANNEL && msg.payload) wakeQueue(msg.payload);
    });
    c.on("error", down);
    c.on("end", down);
    await c.connect();
    await c.query(`LISTEN ${NOTIFY_CHANNEL}`);
    client = c;
    healthy = true;
  })()
    .catch((err) => {
      logger.warn({ err }, "queue LISTEN connection unavailable; long polls re-check every second");
      healthy = false;
    })
    .finally(() => {
      connecting = undefined;
    });
  return connecting;
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
        const limit = healthy ? ms : Math.min(ms, 1_000);
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

export async function stopQueueListener(): Promise<void> {
  const c = client;
  client = undefined;
  healthy = false;
  await c?.end().catch(() => {});
}

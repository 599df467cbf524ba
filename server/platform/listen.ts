import pg from "pg";
import { env } from "../env";
import { logger } from "../logger";

// LISTEN/NOTIFY for every channel of a process, on one dedicated connection that comes back by
// itself. A notification sent while the connection is down is lost for good, so each channel says
// what to do when its notices may have been missed (`onResync`: drop a cache, wake waiters). It is
// called as soon as the connection is lost and again once LISTEN is back, because anything a
// process cached in between may already be stale.
//
// `isListening(channel)` tells a cache whether it may trust itself: while it is false, nothing
// would tell the process that an entry went stale.

export type ChannelHandler = {
  onNotify: (payload: string) => void;
  /** Notices may have been missed: forget what they would have invalidated. */
  onResync?: () => void;
};

const handlers = new Map<string, Set<ChannelHandler>>();
let client: pg.Client | undefined;
let healthy = false;
let connecting: Promise<void> | undefined;
let retryTimer: NodeJS.Timeout | undefined;
let stopped = false;
let failures = 0;
// Channels actually LISTENed on the live connection (a channel added while connected is LISTENed at once).
const live = new Set<string>();

// A connection can also die silently (a firewall drops it, a failover without a reset): a ping
// that does not come back in time counts as a loss.
const PING_EVERY_MS = 15_000;
const PING_TIMEOUT_MS = 5_000;
let pingTimer: NodeJS.Timeout | undefined;

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;
const quote = (channel: string) => `"${channel.replace(/"/g, '""')}"`;

function resyncAll(): void {
  for (const set of handlers.values())
    for (const h of set) {
      try {
        h.onResync?.();
      } catch (err) {
        logger.error({ err }, "LISTEN resync handler failed");
      }
    }
}

function scheduleRetry(): void {
  if (retryTimer || stopped || handlers.size === 0) return;
  const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(failures, 6));
  failures++;
  retryTimer = setTimeout(() => {
    retryTimer = undefined;
    void connect();
  }, delay);
  retryTimer.unref();
}

function connect(): Promise<void> {
  if (healthy || connecting || stopped) return connecting ?? Promise.resolve();
  connecting = (async () => {
    const c = new pg.Client({
      connectionString: env().DATABASE_URL,
      application_name: "signalbox-listen",
      keepAlive: true,
    });
    const down = () => {
      if (client !== c) return;
      if (pingTimer) clearInterval(pingTimer);
      pingTimer = undefined;
      client = undefined;
      healthy = false;
      live.clear();
      c.end().catch(() => {});
      logger.warn("LISTEN connection lost; reconnecting");
      resyncAll();
      scheduleRetry();
    };
    c.on("notification", (msg) => {
      if (!msg.payload) return;
      for (const h of handlers.get(msg.channel) ?? []) h.onNotify(msg.payload);
    });
    c.on("error", down);
    c.on("end", down);
    try {
      await c.connect();
      const channels = [...handlers.keys()];
      if (channels.length) await c.query(channels.map((ch) => `LISTEN ${quote(ch)}`).join("; "));
      if (stopped) {
        await c.end().catch(() => {});
        return;
      }
      for (const ch of channels) live.add(ch);
      client = c;
      healthy = true;
      failures = 0;
      pingTimer = setInterval(() => {
        const t = setTimeout(() => c.emit("error", new Error("LISTEN connection ping timed out")), PING_TIMEOUT_MS);
        // The ping repeats the LISTENs (a no-op for channels already listened on): it keeps
        // pg_stat_activity showing what this connection is for, and heals a channel missed on the way.
        const all = [...handlers.keys()];
        c.query(all.length ? all.map((ch) => `LISTEN ${quote(ch)}`).join("; ") : "SELECT 1").then(
          () => {
            clearTimeout(t);
            if (client === c) for (const ch of all) live.add(ch);
          },
          () => clearTimeout(t),
        );
      }, PING_EVERY_MS);
      pingTimer.unref();
      // Whatever was cached while nobody listened may be stale.
      resyncAll();
    } catch (err) {
      c.removeAllListeners("end");
      c.end().catch(() => {});
      logger.warn({ err }, "LISTEN connection unavailable; retrying");
      scheduleRetry();
    }
  })().finally(() => {
    connecting = undefined;
  });
  return connecting;
}

/**
 * Subscribes to a channel. Resolves once the process is listening (or the first attempt failed:
 * retries continue in the background, and `isListening` says which). Returns the unsubscribe.
 */
export async function listen(channel: string, handler: ChannelHandler): Promise<() => void> {
  stopped = false;
  let set = handlers.get(channel);
  if (!set) handlers.set(channel, (set = new Set()));
  set.add(handler);
  const unsubscribe = () => {
    set!.delete(handler);
    if (set!.size === 0 && handlers.get(channel) === set) handlers.delete(channel);
  };
  await connect();
  // Connected before this channel was added (or while it was being added): LISTEN on it now.
  const c = client;
  if (healthy && c && !live.has(channel)) {
    try {
      await c.query(`LISTEN ${quote(channel)}`);
      if (client === c) live.add(channel);
    } catch {
      /* the connection is going down: the reconnect LISTENs on every channel */
    }
  }
  return unsubscribe;
}

/** Whether notices on `channel` reach this process right now. */
export function isListening(channel: string): boolean {
  return healthy && live.has(channel);
}

/** Closes the connection (shutdown): the process stops listening until `listen` is called again. */
export async function stopListening(): Promise<void> {
  stopped = true;
  if (pingTimer) clearInterval(pingTimer);
  pingTimer = undefined;
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = undefined;
  const c = client;
  client = undefined;
  healthy = false;
  live.clear();
  await c?.end().catch(() => {});
}

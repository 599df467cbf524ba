import { randomUUID } from "node:crypto";
import type pg from "pg";
import { dedicatedClient, pool } from "../../../db";
import { logger } from "../../../logger";
import { listen } from "../../../platform/listen";
import * as repo from "./ws.repository";

// The registry of open WebSocket connections. A connection is held by one web process (a node);
// its row says which. @connections calls may land on any process: a frame for a connection held
// here is sent at once; for one held elsewhere it goes to ws_outbox and the owner is NOTIFYed on
// its own channel, takes its outbox rows (in order) and sends them.
//
// A node holds a session-level advisory lock (keyed by its id) on a connection of its own for as
// long as it lives, and heartbeats in ws_nodes. When its process dies without a clean shutdown,
// PostgreSQL ends its session at once and the lock is free: the next sweep of any live node (every
// heartbeat, and at once when an @connections call meets such a connection) sees that with
// pg_try_advisory_xact_lock. A node that still holds its session but stopped heartbeating for 45 s
// (cut off from the database) counts as dead too. The sweeper claims each dead connection's row
// (one statement, so concurrent sweepers get disjoint sets; a claimed row is never claimed again),
// runs its $disconnect (the handler the data plane registers with `onDeadConnection`) and removes
// it; meanwhile and after, @connections answers 410 Gone for them. A live node that finds its own
// rows taken (it lost its lock connection or its heartbeats for a while) closes those sockets
// without a second $disconnect.

export type LocalSocket = {
  send: (data: Buffer, binary?: boolean) => void;
  close: (code?: number, reason?: string) => void;
};
export type ConnectionRow = {
  id: string;
  tenantId: string;
  apiId: string;
  stage: string;
  nodeId: string;
  identity: { sourceIp?: string; userAgent?: string };
  connectedAt: Date;
  lastActiveAt: Date;
  /** The $connect authorizer's context (requestContext.authorizer), if the route had one. */
  authorizer: Record<string, unknown> | null;
};

/** How often a node heartbeats (and sweeps dead nodes). */
const heartbeatMs = () => Number(process.env.SIGNALBOX_WS_HEARTBEAT_SECONDS ?? 10) * 1000;
/** A node silent for this long is considered gone. */
const STALE_SECONDS = 45;
/** $disconnect calls a sweep runs at once. */
const SWEEP_CONCURRENCY = 8;

type DeadHandler = (conn: ConnectionRow) => Promise<void>;
let deadHandler: DeadHandler | undefined;
const sweeping = new Set<Promise<void>>();

/** The data plane's $disconnect for a connection whose process died (run once per claimed row). */
export function onDeadConnection(h: DeadHandler): void {
  deadHandler = h;
}

const toConnection = (c: repo.ConnectionDbRow): ConnectionRow => ({
  id: c.id,
  tenantId: c.tenant_id,
  apiId: c.api_id,
  stage: c.stage,
  nodeId: c.node_id,
  identity: c.identity,
  connectedAt: c.connected_at,
  lastActiveAt: c.last_active_at,
  authorizer: c.authorizer,
});

const nodeId = randomUUID().replace(/-/g, "");
const channel = `signalbox_ws_${nodeId}`;
const local = new Map<string, LocalSocket>();
/** Connections whose row is known to be in the registry (a just-registered one may not be yet). */
const registered = new Set<string>();
let started: Promise<void> | undefined;
let heartbeat: NodeJS.Timeout | undefined;
let unlisten: (() => void) | undefined;
let draining: Promise<void> = Promise.resolve();
/** The connection holding this node's session lock (null while it is being re-established). */
let lockClient: pg.Client | null = null;
let relock: NodeJS.Timeout | undefined;

export const thisNode = () => nodeId;

/** Takes this node's outbox rows and acts on them (serialized: frames keep their order). */
function drainOutbox(): void {
  draining = draining
    .then(async () => {
      const rows = await repo.takeFrames(pool(), nodeId);
      for (const row of rows) {
        const s = local.get(row.connection_id);
        if (!s) continue;
        if (row.op === "close") s.close();
        else s.send(row.data ?? Buffer.alloc(0), row.op === "binary");
      }
    })
    .catch((err) => logger.warn({ err }, "websocket outbox drain failed"));
}

/**
 * Takes this node's session lock on a connection of its own. The lock lives as long as that
 * session: when the process dies, PostgreSQL drops it at once and other nodes see the lock free.
 */
async function holdNodeLock(): Promise<void> {
  const c = dedicatedClient("signalbox-ws-node");
  const lost = () => {
    if (lockClient !== c) return;
    lockClient = null;
    c.end().catch(() => {});
    if (!started) return;
    // Other nodes may now take this one for dead and claim its connections: take the lock back,
    // then close the sockets whose rows were claimed meanwhile.
    logger.warn("websocket node lock connection lost; re-taking it");
    scheduleRelock();
  };
  c.on("error", lost);
  c.on("end", lost);
  try {
    await c.connect();
    if (!(await repo.lockNode(c, nodeId))) throw new Error("websocket node lock is held by another session");
  } catch (err) {
    c.removeAllListeners("end");
    await c.end().catch(() => {});
    throw err;
  }
  lockClient = c;
}

function scheduleRelock(): void {
  if (relock || !started) return;
  relock = setTimeout(() => {
    relock = undefined;
    if (!started || lockClient) return;
    holdNodeLock()
      .then(() => beat())
      .catch((err) => {
        logger.warn({ err }, "websocket node lock unavailable; retrying");
        scheduleRelock();
      });
  }, 1_000);
  relock.unref();
}

/**
 * Closes the sockets whose rows another node claimed (it took this node for dead and ran their
 * $disconnect): they are unreachable by @connections, so keeping them open would only mislead.
 */
async function closeOrphans(): Promise<void> {
  const mine = await repo.selectNodeConnectionIds(pool(), nodeId);
  for (const id of registered)
    if (!mine.has(id)) {
      const s = local.get(id);
      registered.delete(id);
      local.delete(id);
      s?.close(1001, "Going away");
    }
}

async function beat(): Promise<void> {
  // Without the lock other nodes may claim this node's rows: wait until it is back.
  if (!lockClient) return;
  const recreated = await repo.heartbeatNode(pool(), nodeId);
  if (recreated) await closeOrphans();
  await sweepDeadNodes();
}

/**
 * Claims the connections of dead nodes, runs each one's $disconnect and removes it. Only a started
 * node sweeps (its claims must stay attached to a live node).
 */
export async function sweepDeadNodes(): Promise<number> {
  if (!started || !lockClient) return 0;
  const rows = await repo.claimDeadConnections(pool(), STALE_SECONDS, nodeId);
  // Rows an earlier sweeper claimed but never finished (it died too): their $disconnect may have
  // run, so they are only removed (at most once beats twice).
  const orphaned = await repo.dropOrphanedClaims(pool());
  if (orphaned) logger.warn({ count: orphaned }, "websocket connections claimed by a dead sweeper removed");
  if (!rows.length) return 0;
  // A few $disconnect calls at a time: a dead process may have held thousands of connections.
  const queue = rows.map(toConnection);
  const runner = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      try {
        await deadHandler?.(c);
      } catch (err) {
        logger.warn({ err }, "websocket $disconnect of a dead connection failed");
      }
      await repo
        .deleteConnection(pool(), c.id)
        .catch((err) => logger.warn({ err }, "websocket dead connection removal failed"));
    }
  };
  const p = Promise.all(Array.from({ length: Math.min(SWEEP_CONCURRENCY, queue.length) }, runner)).then(() => {});
  sweeping.add(p);
  void p.finally(() => sweeping.delete(p));
  return rows.length;
}

/** Registers this process as a node (its lock, heartbeat and NOTIFY channel); once per process. */
export function startNode(): Promise<void> {
  started ??= (async () => {
    // The lock first: a node row without its lock would look dead to a sweeper.
    await holdNodeLock();
    await repo.heartbeatNode(pool(), nodeId);
    unlisten = await listen(channel, { onNotify: drainOutbox, onResync: drainOutbox });
    heartbeat = setInterval(
      () => void beat().catch((err) => logger.warn({ err }, "websocket heartbeat failed")),
      heartbeatMs(),
    );
    heartbeat.unref();
    await sweepDeadNodes();
  })();
  started.catch(() => {
    started = undefined;
    const c = lockClient;
    lockClient = null;
    void c?.end().catch(() => {});
  });
  return started;
}

/** Stops the node: its connections' rows and its node row go (the sockets are closed by the caller). */
export async function stopNode(): Promise<void> {
  if (!started) return;
  started = undefined;
  unlisten?.();
  unlisten = undefined;
  if (heartbeat) clearInterval(heartbeat);
  heartbeat = undefined;
  if (relock) clearTimeout(relock);
  relock = undefined;
  await Promise.allSettled([...sweeping]);
  local.clear();
  registered.clear();
  await repo.deleteNode(pool(), nodeId).catch(() => {});
  // The lock goes last: until the rows are gone, a sweeper must not take this node for dead.
  const c = lockClient;
  lockClient = null;
  await c?.end().catch(() => {});
}

export async function registerConnection(
  row: Omit<ConnectionRow, "nodeId" | "lastActiveAt">,
  socket: LocalSocket,
): Promise<void> {
  local.set(row.id, socket);
  await repo.insertConnection(pool(), { ...row, nodeId });
  registered.add(row.id);
}

/**
 * Removes a closed connection's row. True when this node still held it, i.e. its $disconnect is
 * this node's to run; false when a sweeper claimed it (and runs or ran $disconnect itself).
 */
export async function unregisterConnection(id: string): Promise<boolean> {
  local.delete(id);
  registered.delete(id);
  return repo.deleteConnection(pool(), id, nodeId);
}

export async function touchConnection(id: string): Promise<void> {
  await repo.touchConnectionRow(pool(), id);
}

/** A live connection of an API's stage (null: unknown, closed, or held by a dead process). */
export async function findConnection(apiId: string, stage: string, id: string): Promise<ConnectionRow | null> {
  const c = await repo.selectConnection(pool(), apiId, stage, id, STALE_SECONDS);
  if (!c) return null;
  const heldHere = c.node_id === nodeId;
  if (heldHere && !c.disconnecting && !local.has(c.id)) {
    await repo.deleteConnection(pool(), c.id, nodeId);
    return null;
  }
  if (!heldHere && !c.alive) {
    // Its process (or the sweeper that claimed it) died: sweep now rather than at the next
    // heartbeat (its $disconnect runs at most once, by whichever node claims it).
    await startNode();
    await sweepDeadNodes();
    return null;
  }
  return c.disconnecting ? null : toConnection(c);
}

/** Sends a frame to a connection (`close`: disconnects it), wherever it is held. */
export async function deliver(conn: ConnectionRow, op: "send" | "binary" | "close", data?: Buffer): Promise<void> {
  if (conn.nodeId === nodeId) {
    const s = local.get(conn.id);
    if (!s) return;
    if (op === "close") s.close();
    else s.send(data ?? Buffer.alloc(0), op === "binary");
    return;
  }
  await repo.enqueueFrame(pool(), conn.id, op, data ?? null, `signalbox_ws_${conn.nodeId}`);
}

/** The live connections of a tenant's API (every stage; at most 500, newest first), for the console. */
export async function listConnections(tenantId: string, apiId: string): Promise<ConnectionRow[]> {
  const rows = await repo.selectApiConnections(pool(), tenantId, apiId, STALE_SECONDS);
  return rows.filter((c) => c.alive && !c.disconnecting).map(toConnection);
}

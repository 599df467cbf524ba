import { randomUUID } from "node:crypto";
import { pool } from "../../../db";
import { logger } from "../../../logger";
import { listen } from "../../../platform/listen";
import * as repo from "./ws.repository";

// The registry of open WebSocket connections. A connection is held by one web process (a node);
// its row says which. @connections calls may land on any process: a frame for a connection held
// here is sent at once; for one held elsewhere it goes to ws_outbox and the owner is NOTIFYed on
// its own channel, takes its outbox rows (in order) and sends them. Each node heartbeats in
// ws_nodes; the connections of a node that stopped heartbeating (a process killed without a
// clean shutdown) are claimed by one live node's sweep, which runs their $disconnect (the handler
// the data plane registers with `onDeadConnection`) and then removes them; meanwhile and after,
// @connections answers 410 Gone for them.

export type LocalSocket = { send: (data: Buffer, binary?: boolean) => void; close: () => void };
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
let started: Promise<void> | undefined;
let heartbeat: NodeJS.Timeout | undefined;
let unlisten: (() => void) | undefined;
let draining: Promise<void> = Promise.resolve();

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

async function beat(): Promise<void> {
  await repo.heartbeatNode(pool(), nodeId);
  await sweepDeadNodes();
}

/**
 * Claims the connections of nodes that stopped heartbeating, runs each one's $disconnect and removes
 * it. Only a started node sweeps (its claims must stay attached to a live, heartbeating node).
 */
export async function sweepDeadNodes(): Promise<number> {
  if (!started) return 0;
  const rows = await repo.claimDeadConnections(pool(), STALE_SECONDS, nodeId);
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
        .deleteConnection(pool(), c.id, nodeId)
        .catch((err) => logger.warn({ err }, "websocket dead connection removal failed"));
    }
  };
  const p = Promise.all(Array.from({ length: Math.min(SWEEP_CONCURRENCY, queue.length) }, runner)).then(() => {});
  sweeping.add(p);
  void p.finally(() => sweeping.delete(p));
  return rows.length;
}

/** Registers this process as a node (heartbeat, its NOTIFY channel); once per process. */
export function startNode(): Promise<void> {
  started ??= (async () => {
    await repo.heartbeatNode(pool(), nodeId);
    unlisten = await listen(channel, { onNotify: drainOutbox, onResync: drainOutbox });
    heartbeat = setInterval(
      () => void beat().catch((err) => logger.warn({ err }, "websocket heartbeat failed")),
      heartbeatMs(),
    );
    heartbeat.unref();
    await sweepDeadNodes();
  })();
  started.catch(() => (started = undefined));
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
  await Promise.allSettled([...sweeping]);
  local.clear();
  await repo.deleteNode(pool(), nodeId).catch(() => {});
}

export async function registerConnection(
  row: Omit<ConnectionRow, "nodeId" | "lastActiveAt">,
  socket: LocalSocket,
): Promise<void> {
  local.set(row.id, socket);
  await repo.insertConnection(pool(), { ...row, nodeId });
}

export async function unregisterConnection(id: string): Promise<void> {
  local.delete(id);
  await repo.deleteConnection(pool(), id, nodeId);
}

export async function touchConnection(id: string): Promise<void> {
  await repo.touchConnectionRow(pool(), id);
}

/** A live connection of an API's stage (null: unknown, closed, or held by a dead process). */
export async function findConnection(apiId: string, stage: string, id: string): Promise<ConnectionRow | null> {
  const c = await repo.selectConnection(pool(), apiId, stage, id, STALE_SECONDS);
  if (!c || c.disconnecting) return null;
  const heldHere = c.node_id === nodeId;
  if (heldHere && !local.has(c.id)) {
    await repo.deleteConnection(pool(), c.id, nodeId);
    return null;
  }
  if (!heldHere && !c.alive) {
    // Its process died: sweep now (its $disconnect runs once, by whichever node claims it).
    await startNode();
    await sweepDeadNodes();
    return null;
  }
  return toConnection(c);
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

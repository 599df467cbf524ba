import type { Queryable } from "../../../db";

// SQL of WebSocket APIs (one JSON document per API) and of the connection registry (ws_nodes,
// ws_connections, ws_outbox). API queries carry the tenant, except the data plane's read by id.

export type WsApiDbRow = { id: string; tenant_id: string; name: string; doc: unknown; created_at: Date };
export type WsApiWithTenant = WsApiDbRow & { t_slug: string; t_name: string; t_account: string };

export async function wsApiExists(db: Queryable, tenantId: string, apiId: string): Promise<boolean> {
  const r = await db.query(`SELECT 1 FROM ws_apis WHERE id = $1 AND tenant_id = $2`, [apiId, tenantId]);
  return (r.rowCount ?? 0) > 0;
}

export async function selectWsApi(
  db: Queryable,
  tenantId: string,
  apiId: string,
  lock = false,
): Promise<WsApiDbRow | undefined> {
  const r = await db.query<WsApiDbRow>(
    `SELECT * FROM ws_apis WHERE id = $1 AND tenant_id = $2${lock ? " FOR UPDATE" : ""}`,
    [apiId, tenantId],
  );
  return r.rows[0];
}

export async function selectWsApiWithTenant(db: Queryable, apiId: string): Promise<WsApiWithTenant | undefined> {
  const r = await db.query<WsApiWithTenant>(
    `SELECT a.*, t.slug AS t_slug, t.name AS t_name, t.account_id AS t_account
       FROM ws_apis a JOIN tenants t ON t.id = a.tenant_id WHERE a.id = $1`,
    [apiId],
  );
  return r.rows[0];
}

export async function selectWsApis(db: Queryable, tenantId: string): Promise<WsApiDbRow[]> {
  const r = await db.query<WsApiDbRow>(`SELECT * FROM ws_apis WHERE tenant_id = $1 ORDER BY created_at, id`, [
    tenantId,
  ]);
  return r.rows;
}

export async function insertWsApi(
  db: Queryable,
  row: { id: string; tenantId: string; name: string; doc: unknown },
): Promise<WsApiDbRow> {
  const r = await db.query<WsApiDbRow>(
    `INSERT INTO ws_apis (id, tenant_id, name, doc) VALUES ($1, $2, $3, $4) RETURNING *`,
    [row.id, row.tenantId, row.name, JSON.stringify(row.doc)],
  );
  return r.rows[0]!;
}

export async function updateWsApi(db: Queryable, apiId: string, name: string, doc: unknown): Promise<void> {
  await db.query(`UPDATE ws_apis SET doc = $2, name = $3, updated_at = now() WHERE id = $1`, [
    apiId,
    JSON.stringify(doc),
    name,
  ]);
}

export async function deleteWsApiRow(db: Queryable, apiId: string): Promise<void> {
  await db.query(`DELETE FROM ws_apis WHERE id = $1`, [apiId]);
  // Its connections' rows go too (the sockets notice nothing: their stage is gone from the snapshot).
  await db.query(`DELETE FROM ws_connections WHERE api_id = $1`, [apiId]);
}

// ---- connection registry ----

export type ConnectionDbRow = {
  id: string;
  tenant_id: string;
  api_id: string;
  stage: string;
  node_id: string;
  identity: { sourceIp?: string; userAgent?: string };
  connected_at: Date;
  last_active_at: Date;
  authorizer: Record<string, unknown> | null;
  disconnecting: boolean;
  alive: boolean;
};

/** The advisory lock key of a node (its session holds it while the process lives). */
const NODE_KEY = (col: string) => `hashtextextended('signalbox_ws_node:' || ${col}, 0)`;

/**
 * Whether a node's process still holds its session lock. Run on another session: when the lock is
 * free (its process died and PostgreSQL dropped the session), this takes it for the statement only.
 */
const HOLDS_LOCK = (col: string) => `NOT pg_try_advisory_xact_lock(${NODE_KEY(col)})`;

/** Whether a joined node `n` is alive: it heartbeated lately and its process still holds its lock. */
const ALIVE = (staleParam: string) =>
  `CASE WHEN n.id IS NULL OR n.seen_at < now() - make_interval(secs => ${staleParam}) THEN false
        ELSE ${HOLDS_LOCK("n.id")} END`;

/** Takes a node's session lock on `db` (a dedicated connection that lives as long as the node). */
export async function lockNode(db: Queryable, nodeId: string): Promise<boolean> {
  const r = await db.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${NODE_KEY("$1::text")}) AS ok`, [nodeId]);
  return r.rows[0]?.ok === true;
}

/** Heartbeats a node; true when its row was (re)created, i.e. a sweeper had taken it for dead. */
export async function heartbeatNode(db: Queryable, nodeId: string): Promise<boolean> {
  const r = await db.query<{ inserted: boolean }>(
    `INSERT INTO ws_nodes (id, seen_at) VALUES ($1, now()) ON CONFLICT (id) DO UPDATE SET seen_at = now()
     RETURNING (xmax = 0) AS inserted`,
    [nodeId],
  );
  return r.rows[0]?.inserted === true;
}

/** The ids of the connections a node holds (and that nobody claimed). */
export async function selectNodeConnectionIds(db: Queryable, nodeId: string): Promise<Set<string>> {
  const r = await db.query<{ id: string }>(`SELECT id FROM ws_connections WHERE node_id = $1 AND NOT disconnecting`, [
    nodeId,
  ]);
  return new Set(r.rows.map((x) => x.id));
}

/**
 * Claims the connections of dead nodes for node `claimer` and deletes those nodes, in one statement
 * (concurrent sweepers each get a disjoint set). A node is dead when its session lock is free (its
 * process is gone: PostgreSQL dropped its session) or, as a fallback (a node cut off from the
 * database but still holding a session), when it has not heartbeated for `staleSeconds`.
 *
 * A claimed row is marked `disconnecting` and its $disconnect runs once, by the claimer; a row
 * already marked is never claimed again. Should the claimer die before running it, that
 * $disconnect is lost rather than run twice (such rows are only deleted, see `dropOrphanedClaims`).
 */
export async function claimDeadConnections(
  db: Queryable,
  staleSeconds: number,
  claimer: string,
): Promise<ConnectionDbRow[]> {
  const r = await db.query<ConnectionDbRow>(
    `WITH dead AS (
       DELETE FROM ws_nodes
        WHERE id <> $2 AND (seen_at < now() - make_interval(secs => $1) OR NOT (${HOLDS_LOCK("id")}))
       RETURNING id)
     UPDATE ws_connections SET node_id = $2, disconnecting = true
      WHERE NOT disconnecting
        AND (node_id IN (SELECT id FROM dead)
          OR (node_id <> $2 AND NOT EXISTS (SELECT 1 FROM ws_nodes n WHERE n.id = ws_connections.node_id)))
     RETURNING *, false AS alive`,
    [staleSeconds, claimer],
  );
  return r.rows;
}

/** Deletes claimed rows whose claimer is gone (their $disconnect may have run: it does not run again). */
export async function dropOrphanedClaims(db: Queryable): Promise<number> {
  const r = await db.query(
    `DELETE FROM ws_connections c
      WHERE c.disconnecting AND NOT EXISTS (SELECT 1 FROM ws_nodes n WHERE n.id = c.node_id)`,
  );
  return r.rowCount ?? 0;
}

export async function deleteNode(db: Queryable, nodeId: string): Promise<void> {
  await db.query(`DELETE FROM ws_connections WHERE node_id = $1`, [nodeId]);
  await db.query(`DELETE FROM ws_nodes WHERE id = $1`, [nodeId]);
}

export async function insertConnection(
  db: Queryable,
  row: {
    id: string;
    tenantId: string;
    apiId: string;
    stage: string;
    nodeId: string;
    identity: unknown;
    connectedAt: Date;
    authorizer?: unknown;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO ws_connections (id, tenant_id, api_id, stage, node_id, identity, connected_at, last_active_at, authorizer)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)`,
    [
      row.id,
      row.tenantId,
      row.apiId,
      row.stage,
      row.nodeId,
      JSON.stringify(row.identity),
      row.connectedAt,
      row.authorizer === undefined ? null : JSON.stringify(row.authorizer),
    ],
  );
}

/** Deletes a connection's row; with `nodeId`, only while that node holds it unclaimed (true: deleted). */
export async function deleteConnection(db: Queryable, id: string, nodeId?: string): Promise<boolean> {
  const r = nodeId
    ? await db.query(`DELETE FROM ws_connections WHERE id = $1 AND node_id = $2 AND NOT disconnecting`, [id, nodeId])
    : await db.query(`DELETE FROM ws_connections WHERE id = $1`, [id]);
  return (r.rowCount ?? 0) > 0;
}

export async function touchConnectionRow(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE ws_connections SET last_active_at = now() WHERE id = $1`, [id]);
}

export async function selectConnection(
  db: Queryable,
  apiId: string,
  stage: string,
  id: string,
  staleSeconds: number,
): Promise<ConnectionDbRow | undefined> {
  const r = await db.query<ConnectionDbRow>(
    `SELECT c.*, ${ALIVE("$4")} AS alive
       FROM ws_connections c LEFT JOIN ws_nodes n ON n.id = c.node_id
      WHERE c.id = $1 AND c.api_id = $2 AND c.stage = $3`,
    [id, apiId, stage, staleSeconds],
  );
  return r.rows[0];
}

/** Queues a frame (or a close) for a connection held by another node and NOTIFYs that node. */
export async function enqueueFrame(
  db: Queryable,
  connectionId: string,
  op: string,
  data: Buffer | null,
  channel: string,
): Promise<void> {
  await db.query(
    `WITH o AS (INSERT INTO ws_outbox (connection_id, op, data) VALUES ($1, $2, $3) RETURNING id)
     SELECT pg_notify($4, id::text) FROM o`,
    [connectionId, op, data, channel],
  );
}

/** Takes (deletes and returns, in order) the queued frames of the connections a node holds. */
export async function takeFrames(
  db: Queryable,
  nodeId: string,
): Promise<{ id: string; connection_id: string; op: string; data: Buffer | null }[]> {
  const r = await db.query<{ id: string; connection_id: string; op: string; data: Buffer | null }>(
    `DELETE FROM ws_outbox o USING ws_connections c
      WHERE c.id = o.connection_id AND c.node_id = $1
      RETURNING o.id, o.connection_id, o.op, o.data`,
    [nodeId],
  );
  return r.rows.sort((x, y) => Number(x.id) - Number(y.id));
}

/** The connections of a tenant's API (every stage), newest first, with whether their node is alive. */
export async function selectApiConnections(
  db: Queryable,
  tenantId: string,
  apiId: string,
  staleSeconds: number,
): Promise<ConnectionDbRow[]> {
  const r = await db.query<ConnectionDbRow>(
    `SELECT c.*, ${ALIVE("$3")} AS alive
       FROM ws_connections c LEFT JOIN ws_nodes n ON n.id = c.node_id
      WHERE c.tenant_id = $1 AND c.api_id = $2
      ORDER BY c.connected_at DESC
      LIMIT 500`,
    [tenantId, apiId, staleSeconds],
  );
  return r.rows;
}

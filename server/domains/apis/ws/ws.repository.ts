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

export async function heartbeatNode(db: Queryable, nodeId: string): Promise<void> {
  await db.query(
    `INSERT INTO ws_nodes (id, seen_at) VALUES ($1, now()) ON CONFLICT (id) DO UPDATE SET seen_at = now()`,
    [nodeId],
  );
}

/**
 * Claims the connections of nodes silent for `staleSeconds` for node `claimer` (marked
 * `disconnecting`) and deletes those nodes, in one statement: concurrent sweepers each get a
 * disjoint set. Claimed rows stay until their $disconnect ran; should the claimer die too, its own
 * node goes stale and another sweeper claims them again.
 */
export async function claimDeadConnections(
  db: Queryable,
  staleSeconds: number,
  claimer: string,
): Promise<ConnectionDbRow[]> {
  const r = await db.query<ConnectionDbRow>(
    `WITH dead AS (DELETE FROM ws_nodes WHERE seen_at < now() - make_interval(secs => $1) AND id <> $2 RETURNING id)
     UPDATE ws_connections SET node_id = $2, disconnecting = true
      WHERE node_id IN (SELECT id FROM dead)
        OR (node_id <> $2 AND NOT EXISTS (SELECT 1 FROM ws_nodes n WHERE n.id = ws_connections.node_id))
     RETURNING *, false AS alive`,
    [staleSeconds, claimer],
  );
  return r.rows;
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

export async function deleteConnection(db: Queryable, id: string, nodeId?: string): Promise<void> {
  if (nodeId) await db.query(`DELETE FROM ws_connections WHERE id = $1 AND node_id = $2`, [id, nodeId]);
  else await db.query(`DELETE FROM ws_connections WHERE id = $1`, [id]);
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
    `SELECT c.*, COALESCE(n.seen_at >= now() - make_interval(secs => $4), false) AS alive
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
    `SELECT c.*, COALESCE(n.seen_at >= now() - make_interval(secs => $3), false) AS alive
       FROM ws_connections c LEFT JOIN ws_nodes n ON n.id = c.node_id
      WHERE c.tenant_id = $1 AND c.api_id = $2
      ORDER BY c.connected_at DESC
      LIMIT 500`,
    [tenantId, apiId, staleSeconds],
  );
  return r.rows;
}

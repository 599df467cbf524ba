import type { Queryable } from "../../db";

// SQL of EventBridge connections and API destinations. Every query carries the tenant, except the
// ARN lookups a delivery makes (the caller checks the owner).

export type ConnectionRow = {
  id: string;
  tenantId: string;
  name: string;
  arn: string;
  description: string | null;
  authorizationType: "API_KEY" | "BASIC" | "OAUTH_CLIENT_CREDENTIALS";
  authPublic: Record<string, unknown>;
  authSecretEnc: string;
  state: string;
  stateReason: string | null;
  oauthTokenEnc: string | null;
  oauthTokenExpiresAt: Date | null;
  createdAt: Date;
  lastModifiedAt: Date;
  lastAuthorizedAt: Date | null;
};

export type ApiDestinationRow = {
  id: string;
  tenantId: string;
  name: string;
  arn: string;
  description: string | null;
  connectionId: string;
  connectionArn: string;
  endpoint: string;
  httpMethod: string;
  ratePerSecond: number | null;
  state: "ACTIVE" | "INACTIVE";
  createdAt: Date;
  lastModifiedAt: Date;
};

const CONN = `id, tenant_id AS "tenantId", name, arn, description, authorization_type AS "authorizationType",
  auth_public AS "authPublic", auth_secret_enc AS "authSecretEnc", state, state_reason AS "stateReason",
  oauth_token_enc AS "oauthTokenEnc", oauth_token_expires_at AS "oauthTokenExpiresAt", created_at AS "createdAt",
  last_modified_at AS "lastModifiedAt", last_authorized_at AS "lastAuthorizedAt"`;

const DEST = `d.id, d.tenant_id AS "tenantId", d.name, d.arn, d.description, d.connection_id AS "connectionId",
  c.arn AS "connectionArn", d.endpoint, d.http_method AS "httpMethod", d.rate_limit_per_second AS "ratePerSecond",
  d.state, d.created_at AS "createdAt", d.last_modified_at AS "lastModifiedAt"`;

// --- connections -----------------------------------------------------------------------------------

export async function insertConnection(
  db: Queryable,
  c: Omit<ConnectionRow, "createdAt" | "lastModifiedAt" | "oauthTokenEnc" | "oauthTokenExpiresAt">,
): Promise<ConnectionRow | null> {
  const r = await db.query(
    `INSERT INTO event_connections (id, tenant_id, name, arn, description, authorization_type, auth_public,
       auth_secret_enc, state, state_reason, last_authorized_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON CONFLICT (tenant_id, name) DO NOTHING RETURNING ${CONN}`,
    [
      c.id,
      c.tenantId,
      c.name,
      c.arn,
      c.description,
      c.authorizationType,
      JSON.stringify(c.authPublic),
      c.authSecretEnc,
      c.state,
      c.stateReason,
      c.lastAuthorizedAt,
    ],
  );
  return r.rows[0] ?? null;
}

export async function findConnectionByName(
  db: Queryable,
  tenantId: string,
  name: string,
): Promise<ConnectionRow | null> {
  const r = await db.query(`SELECT ${CONN} FROM event_connections WHERE tenant_id = $1 AND name = $2`, [
    tenantId,
    name,
  ]);
  return r.rows[0] ?? null;
}

export async function findConnectionById(db: Queryable, tenantId: string, id: string): Promise<ConnectionRow | null> {
  const r = await db.query(`SELECT ${CONN} FROM event_connections WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return r.rows[0] ?? null;
}

export async function findConnectionByArn(db: Queryable, tenantId: string, arn: string): Promise<ConnectionRow | null> {
  const r = await db.query(`SELECT ${CONN} FROM event_connections WHERE tenant_id = $1 AND arn = $2`, [tenantId, arn]);
  return r.rows[0] ?? null;
}

export async function listConnectionsPage(
  db: Queryable,
  tenantId: string,
  opts: { prefix: string | null; state: string | null; after: string | null; limit: number },
): Promise<ConnectionRow[]> {
  const r = await db.query(
    `SELECT ${CONN} FROM event_connections
      WHERE tenant_id = $1 AND ($2::text IS NULL OR starts_with(name, $2)) AND ($3::text IS NULL OR state = $3)
        AND ($4::text IS NULL OR name > $4)
      ORDER BY name LIMIT $5`,
    [tenantId, opts.prefix, opts.state, opts.after, opts.limit],
  );
  return r.rows;
}

export type ConnectionPatch = Partial<
  Pick<
    ConnectionRow,
    | "description"
    | "authorizationType"
    | "authPublic"
    | "authSecretEnc"
    | "state"
    | "stateReason"
    | "oauthTokenEnc"
    | "oauthTokenExpiresAt"
    | "lastAuthorizedAt"
  >
>;

const CONN_COLUMN: Record<keyof ConnectionPatch, string> = {
  description: "description",
  authorizationType: "authorization_type",
  authPublic: "auth_public",
  authSecretEnc: "auth_secret_enc",
  state: "state",
  stateReason: "state_reason",
  oauthTokenEnc: "oauth_token_enc",
  oauthTokenExpiresAt: "oauth_token_expires_at",
  lastAuthorizedAt: "last_authorized_at",
};

export async function updateConnectionRow(
  db: Queryable,
  tenantId: string,
  id: string,
  patch: ConnectionPatch,
  opts: { touch?: boolean } = {},
): Promise<ConnectionRow | null> {
  const sets: string[] = [];
  const values: unknown[] = [tenantId, id];
  for (const [k, v] of Object.entries(patch) as Array<[keyof ConnectionPatch, unknown]>) {
    if (v === undefined) continue;
    values.push(k === "authPublic" ? JSON.stringify(v) : v);
    sets.push(`${CONN_COLUMN[k]} = $${values.length}`);
  }
  if (opts.touch !== false) sets.push("last_modified_at = now()");
  if (!sets.length) return findConnectionById(db, tenantId, id);
  const r = await db.query(
    `UPDATE event_connections SET ${sets.join(", ")} WHERE tenant_id = $1 AND id = $2 RETURNING ${CONN}`,
    values,
  );
  return r.rows[0] ?? null;
}

export async function deleteConnectionRow(db: Queryable, tenantId: string, id: string): Promise<boolean> {
  const r = await db.query(`DELETE FROM event_connections WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return (r.rowCount ?? 0) > 0;
}

export async function countDestinationsOf(db: Queryable, connectionId: string): Promise<number> {
  const r = await db.query(`SELECT count(*)::int AS n FROM api_destinations WHERE connection_id = $1`, [connectionId]);
  return r.rows[0].n;
}

// --- API destinations ------------------------------------------------------------------------------

export async function insertApiDestination(
  db: Queryable,
  d: Omit<ApiDestinationRow, "createdAt" | "lastModifiedAt" | "connectionArn">,
): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO api_destinations (id, tenant_id, name, arn, description, connection_id, endpoint, http_method,
       rate_limit_per_second, state)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (tenant_id, name) DO NOTHING`,
    [
      d.id,
      d.tenantId,
      d.name,
      d.arn,
      d.description,
      d.connectionId,
      d.endpoint,
      d.httpMethod,
      d.ratePerSecond,
      d.state,
    ],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function findApiDestinationByName(
  db: Queryable,
  tenantId: string,
  name: string,
): Promise<ApiDestinationRow | null> {
  const r = await db.query(
    `SELECT ${DEST} FROM api_destinations d JOIN event_connections c ON c.id = d.connection_id
      WHERE d.tenant_id = $1 AND d.name = $2`,
    [tenantId, name],
  );
  return r.rows[0] ?? null;
}

/** By ARN across tenants: a delivery names its target by ARN. */
export async function findApiDestinationByArn(db: Queryable, arn: string): Promise<ApiDestinationRow | null> {
  const r = await db.query(
    `SELECT ${DEST} FROM api_destinations d JOIN event_connections c ON c.id = d.connection_id WHERE d.arn = $1`,
    [arn],
  );
  return r.rows[0] ?? null;
}

export async function listApiDestinationsPage(
  db: Queryable,
  tenantId: string,
  opts: { prefix: string | null; connectionArn: string | null; after: string | null; limit: number },
): Promise<ApiDestinationRow[]> {
  const r = await db.query(
    `SELECT ${DEST} FROM api_destinations d JOIN event_connections c ON c.id = d.connection_id
      WHERE d.tenant_id = $1 AND ($2::text IS NULL OR starts_with(d.name, $2)) AND ($3::text IS NULL OR c.arn = $3)
        AND ($4::text IS NULL OR d.name > $4)
      ORDER BY d.name LIMIT $5`,
    [tenantId, opts.prefix, opts.connectionArn, opts.after, opts.limit],
  );
  return r.rows;
}

export type ApiDestinationPatch = Partial<
  Pick<ApiDestinationRow, "description" | "connectionId" | "endpoint" | "httpMethod" | "ratePerSecond">
>;

const DEST_COLUMN: Record<keyof ApiDestinationPatch, string> = {
  description: "description",
  connectionId: "connection_id",
  endpoint: "endpoint",
  httpMethod: "http_method",
  ratePerSecond: "rate_limit_per_second",
};

export async function updateApiDestinationRow(
  db: Queryable,
  tenantId: string,
  id: string,
  patch: ApiDestinationPatch,
): Promise<void> {
  const sets: string[] = ["last_modified_at = now()"];
  const values: unknown[] = [tenantId, id];
  for (const [k, v] of Object.entries(patch) as Array<[keyof ApiDestinationPatch, unknown]>) {
    if (v === undefined) continue;
    values.push(v);
    sets.push(`${DEST_COLUMN[k]} = $${values.length}`);
  }
  await db.query(`UPDATE api_destinations SET ${sets.join(", ")} WHERE tenant_id = $1 AND id = $2`, values);
}

export async function deleteApiDestinationRow(db: Queryable, tenantId: string, id: string): Promise<boolean> {
  const r = await db.query(`DELETE FROM api_destinations WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return (r.rowCount ?? 0) > 0;
}

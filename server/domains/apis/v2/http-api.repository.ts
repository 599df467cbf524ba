import type { Queryable } from "../../../db";
import { forgetStagesOnCommit } from "../gateway-cache";
import type { HttpApiDoc, HttpSnapshot, Stage } from "../../../core/apis/v2/model";

// SQL of API Gateway v2 HTTP APIs and their deployments. Every query carries the tenant (the
// gateway's lookups by API id return the tenant with the row).

export type HttpApiRow = {
  id: string;
  tenantId: string;
  name: string;
  protocolType: string;
  doc: HttpApiDoc;
  createdAt: Date;
  updatedAt: Date;
};

const COLS = `id, tenant_id AS "tenantId", name, protocol_type AS "protocolType", doc, created_at AS "createdAt", updated_at AS "updatedAt"`;

export async function findHttpApi(
  db: Queryable,
  tenantId: string,
  id: string,
  lock = false,
): Promise<HttpApiRow | null> {
  const r = await db.query(
    `SELECT ${COLS} FROM http_apis WHERE tenant_id = $1 AND id = $2 AND protocol_type = 'HTTP'${lock ? " FOR UPDATE" : ""}`,
    [tenantId, id],
  );
  return r.rows[0] ?? null;
}

export async function listHttpApis(db: Queryable, tenantId: string): Promise<HttpApiRow[]> {
  const r = await db.query(
    `SELECT ${COLS} FROM http_apis WHERE tenant_id = $1 AND protocol_type = 'HTTP' ORDER BY created_at, id`,
    [tenantId],
  );
  return r.rows;
}

export async function insertHttpApi(
  db: Queryable,
  row: { id: string; tenantId: string; name: string; doc: HttpApiDoc },
): Promise<HttpApiRow> {
  const r = await db.query(
    `INSERT INTO http_apis (id, tenant_id, name, protocol_type, doc) VALUES ($1, $2, $3, 'HTTP', $4) RETURNING ${COLS}`,
    [row.id, row.tenantId, row.name, JSON.stringify(row.doc)],
  );
  forgetStagesOnCommit(db, row.id);
  return r.rows[0];
}

export async function saveHttpApi(db: Queryable, api: HttpApiRow): Promise<void> {
  await db.query(`UPDATE http_apis SET name = $3, doc = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [
    api.tenantId,
    api.id,
    api.name,
    JSON.stringify(api.doc),
  ]);
  forgetStagesOnCommit(db, api.id);
}

export async function deleteHttpApiRow(db: Queryable, tenantId: string, id: string): Promise<void> {
  await db.query(`DELETE FROM http_apis WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  forgetStagesOnCommit(db, id);
}

export async function insertHttpDeployment(
  db: Queryable,
  tenantId: string,
  apiId: string,
  id: string,
  snapshot: HttpSnapshot,
): Promise<void> {
  await db.query(`INSERT INTO http_api_deployments (api_id, id, tenant_id, snapshot) VALUES ($1, $2, $3, $4)`, [
    apiId,
    id,
    tenantId,
    JSON.stringify(snapshot),
  ]);
}

export async function deleteHttpDeployment(db: Queryable, tenantId: string, apiId: string, id: string): Promise<void> {
  await db.query(`DELETE FROM http_api_deployments WHERE tenant_id = $1 AND api_id = $2 AND id = $3`, [
    tenantId,
    apiId,
    id,
  ]);
}

export type GatewayHttpApi = {
  tenantId: string;
  accountId: string;
  slug: string;
  tenantName: string;
  stages: Record<string, Stage>;
};

/** The gateway's lookup: an HTTP API's tenant and stages (not its whole document). */
export async function findHttpApiForGateway(db: Queryable, apiId: string): Promise<GatewayHttpApi | null> {
  const r = await db.query(
    `SELECT a.tenant_id AS "tenantId", t.account_id AS "accountId", t.slug, t.name AS "tenantName",
            a.doc->'stages' AS stages
       FROM http_apis a JOIN tenants t ON t.id = a.tenant_id
      WHERE a.id = $1 AND a.protocol_type = 'HTTP'`,
    [apiId],
  );
  return r.rows[0] ?? null;
}

export async function findHttpSnapshot(db: Queryable, apiId: string, id: string): Promise<HttpSnapshot | null> {
  const r = await db.query(`SELECT snapshot FROM http_api_deployments WHERE api_id = $1 AND id = $2`, [apiId, id]);
  return r.rows[0]?.snapshot ?? null;
}

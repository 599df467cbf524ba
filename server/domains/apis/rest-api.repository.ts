import type { Queryable } from "../../db";
import { forgetStagesOnCommit } from "./gateway-cache";
import type { ApiDoc, ApiSettings, Snapshot } from "../../core/apis/model";

// SQL of REST APIs, their deployments and stages. Every query carries the tenant.

export type RestApiRow = {
  id: string;
  tenantId: string;
  name: string;
  settings: ApiSettings;
  doc: ApiDoc;
  createdAt: Date;
  updatedAt: Date;
};

export type DeploymentRow = {
  restApiId: string;
  id: string;
  tenantId: string;
  description: string | null;
  snapshot: Snapshot;
  createdAt: Date;
};

export type StageSettings = {
  description?: string;
  variables?: Record<string, string>;
  methodSettings?: Record<string, Record<string, unknown>>;
  cacheClusterEnabled?: boolean;
  cacheClusterSize?: string;
  tracingEnabled?: boolean;
  tags?: Record<string, string>;
  documentationVersion?: string;
  clientCertificateId?: string;
  accessLogSettings?: { format?: string; destinationArn?: string };
};

export type StageRow = {
  restApiId: string;
  stageName: string;
  tenantId: string;
  deploymentId: string;
  settings: StageSettings;
  createdAt: Date;
  updatedAt: Date;
};

const API_COLS = `id, tenant_id AS "tenantId", name, settings, doc, created_at AS "createdAt", updated_at AS "updatedAt"`;
const DEP_COLS = `rest_api_id AS "restApiId", id, tenant_id AS "tenantId", description, snapshot, created_at AS "createdAt"`;
const STAGE_COLS = `rest_api_id AS "restApiId", stage_name AS "stageName", tenant_id AS "tenantId",
  deployment_id AS "deploymentId", settings, created_at AS "createdAt", updated_at AS "updatedAt"`;

export async function insertApi(db: Queryable, row: Omit<RestApiRow, "createdAt" | "updatedAt">): Promise<RestApiRow> {
  const r = await db.query(
    `INSERT INTO rest_apis (id, tenant_id, name, settings, doc) VALUES ($1, $2, $3, $4, $5) RETURNING ${API_COLS}`,
    [row.id, row.tenantId, row.name, JSON.stringify(row.settings), JSON.stringify(row.doc)],
  );
  return r.rows[0];
}

export async function findApi(db: Queryable, tenantId: string, id: string, lock = false): Promise<RestApiRow | null> {
  const r = await db.query(
    `SELECT ${API_COLS} FROM rest_apis WHERE tenant_id = $1 AND id = $2${lock ? " FOR UPDATE" : ""}`,
    [tenantId, id],
  );
  return r.rows[0] ?? null;
}

export async function listApis(db: Queryable, tenantId: string): Promise<RestApiRow[]> {
  const r = await db.query(`SELECT ${API_COLS} FROM rest_apis WHERE tenant_id = $1 ORDER BY created_at, id`, [
    tenantId,
  ]);
  return r.rows;
}

export async function saveApi(
  db: Queryable,
  tenantId: string,
  id: string,
  patch: { name: string; settings: ApiSettings; doc: ApiDoc },
): Promise<void> {
  await db.query(
    `UPDATE rest_apis SET name = $3, settings = $4, doc = $5, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, patch.name, JSON.stringify(patch.settings), JSON.stringify(patch.doc)],
  );
}

export async function deleteApiRow(db: Queryable, tenantId: string, id: string): Promise<boolean> {
  // Stages first: their deployment reference is RESTRICT.
  await db.query(`DELETE FROM rest_api_stages WHERE tenant_id = $1 AND rest_api_id = $2`, [tenantId, id]);
  const r = await db.query(`DELETE FROM rest_apis WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  forgetStagesOnCommit(db, id);
  return (r.rowCount ?? 0) > 0;
}

export async function insertDeployment(db: Queryable, row: Omit<DeploymentRow, "createdAt">): Promise<DeploymentRow> {
  const r = await db.query(
    `INSERT INTO rest_api_deployments (rest_api_id, id, tenant_id, description, snapshot)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${DEP_COLS}`,
    [row.restApiId, row.id, row.tenantId, row.description, JSON.stringify(row.snapshot)],
  );
  return r.rows[0];
}

export async function findDeployment(
  db: Queryable,
  tenantId: string,
  apiId: string,
  id: string,
): Promise<DeploymentRow | null> {
  const r = await db.query(
    `SELECT ${DEP_COLS} FROM rest_api_deployments WHERE tenant_id = $1 AND rest_api_id = $2 AND id = $3`,
    [tenantId, apiId, id],
  );
  return r.rows[0] ?? null;
}

export async function listDeployments(db: Queryable, tenantId: string, apiId: string): Promise<DeploymentRow[]> {
  const r = await db.query(
    `SELECT ${DEP_COLS} FROM rest_api_deployments WHERE tenant_id = $1 AND rest_api_id = $2 ORDER BY created_at, id`,
    [tenantId, apiId],
  );
  return r.rows;
}

export async function updateDeploymentDescription(
  db: Queryable,
  tenantId: string,
  apiId: string,
  id: string,
  description: string | null,
): Promise<void> {
  await db.query(
    `UPDATE rest_api_deployments SET description = $4 WHERE tenant_id = $1 AND rest_api_id = $2 AND id = $3`,
    [tenantId, apiId, id, description],
  );
}

export async function deleteDeploymentRow(db: Queryable, tenantId: string, apiId: string, id: string): Promise<void> {
  await db.query(`DELETE FROM rest_api_deployments WHERE tenant_id = $1 AND rest_api_id = $2 AND id = $3`, [
    tenantId,
    apiId,
    id,
  ]);
}

export async function insertStage(
  db: Queryable,
  row: Omit<StageRow, "createdAt" | "updatedAt">,
): Promise<StageRow | null> {
  const r = await db.query(
    `INSERT INTO rest_api_stages (rest_api_id, stage_name, tenant_id, deployment_id, settings)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING ${STAGE_COLS}`,
    [row.restApiId, row.stageName, row.tenantId, row.deploymentId, JSON.stringify(row.settings)],
  );
  forgetStagesOnCommit(db, row.restApiId);
  return r.rows[0] ?? null;
}

export async function findStage(
  db: Queryable,
  tenantId: string,
  apiId: string,
  name: string,
  lock = false,
): Promise<StageRow | null> {
  const r = await db.query(
    `SELECT ${STAGE_COLS} FROM rest_api_stages WHERE tenant_id = $1 AND rest_api_id = $2 AND stage_name = $3${lock ? " FOR UPDATE" : ""}`,
    [tenantId, apiId, name],
  );
  return r.rows[0] ?? null;
}

export async function listStages(
  db: Queryable,
  tenantId: string,
  apiId: string,
  deploymentId?: string,
): Promise<StageRow[]> {
  const r = await db.query(
    `SELECT ${STAGE_COLS} FROM rest_api_stages WHERE tenant_id = $1 AND rest_api_id = $2
       AND ($3::text IS NULL OR deployment_id = $3) ORDER BY created_at, stage_name`,
    [tenantId, apiId, deploymentId ?? null],
  );
  return r.rows;
}

export async function saveStage(
  db: Queryable,
  tenantId: string,
  apiId: string,
  name: string,
  deploymentId: string,
  settings: StageSettings,
): Promise<StageRow> {
  const r = await db.query(
    `UPDATE rest_api_stages SET deployment_id = $4, settings = $5, updated_at = now()
     WHERE tenant_id = $1 AND rest_api_id = $2 AND stage_name = $3 RETURNING ${STAGE_COLS}`,
    [tenantId, apiId, name, deploymentId, JSON.stringify(settings)],
  );
  forgetStagesOnCommit(db, apiId);
  return r.rows[0];
}

export async function deleteStageRow(db: Queryable, tenantId: string, apiId: string, name: string): Promise<boolean> {
  const r = await db.query(
    `DELETE FROM rest_api_stages WHERE tenant_id = $1 AND rest_api_id = $2 AND stage_name = $3`,
    [tenantId, apiId, name],
  );
  forgetStagesOnCommit(db, apiId);
  return (r.rowCount ?? 0) > 0;
}

/** The gateway's lookup: an API's stage (by API id alone: the id is global) with its tenant. */
export async function findStageForGateway(
  db: Queryable,
  apiId: string,
  stageName: string,
): Promise<(StageRow & { accountId: string; slug: string; tenantName: string }) | null> {
  const r = await db.query(
    `SELECT s.rest_api_id AS "restApiId", s.stage_name AS "stageName", s.tenant_id AS "tenantId",
       s.deployment_id AS "deploymentId", s.settings, s.created_at AS "createdAt", s.updated_at AS "updatedAt",
       t.account_id AS "accountId", t.slug, t.name AS "tenantName"
     FROM rest_api_stages s JOIN tenants t ON t.id = s.tenant_id
     WHERE s.rest_api_id = $1 AND s.stage_name = $2`,
    [apiId, stageName],
  );
  return r.rows[0] ?? null;
}

export async function findSnapshot(db: Queryable, apiId: string, deploymentId: string): Promise<Snapshot | null> {
  const r = await db.query(`SELECT snapshot FROM rest_api_deployments WHERE rest_api_id = $1 AND id = $2`, [
    apiId,
    deploymentId,
  ]);
  return r.rows[0]?.snapshot ?? null;
}

import { assertCan, type Actor } from "../../../auth/permissions";
import { pool, withTransaction, type Queryable } from "../../../db";
import { AppError } from "../../../core/errors";
import { newId } from "../../../core/apis/model";
import { recordAudit } from "../../audit/audit.service";
import { executeApiBase } from "../../../platform/execute-api";
import * as repo from "./ws.repository";

// WebSocket APIs (API Gateway v2, protocolType WEBSOCKET): one JSON document per API holding its
// routes, integrations, route and integration responses, stages and deployments, each kept in
// apigatewayv2's wire shape (camelCase members) so the door renders them as they are. A deployment
// freezes the routing part (WsSnapshot); a stage serves its deployment's snapshot, or the live
// document when autoDeploy is on.

export type Wire = Record<string, unknown>;
export type WsSnapshot = {
  routeSelectionExpression: string;
  routes: Record<string, Wire>;
  integrations: Record<string, Wire>;
  routeResponses: Record<string, Record<string, Wire>>;
  integrationResponses: Record<string, Record<string, Wire>>;
  /** REQUEST (Lambda) authorizers by id (absent in documents made before authorizers existed). */
  authorizers?: Record<string, Wire>;
};
export type WsDoc = WsSnapshot & {
  api: Wire;
  stages: Record<string, Wire>;
  deployments: Record<string, { wire: Wire; snapshot: WsSnapshot }>;
};
export type WsApiRow = { id: string; tenantId: string; name: string; doc: WsDoc; createdAt: Date };
export type Caller = { actor: Actor; tenant: { id: string; accountId: string } };

export const badRequest = (message: string) =>
  new AppError("validation", message, { awsCode: "BadRequestException", awsStatus: 400 });
export const notFound = (message: string) =>
  new AppError("not_found", message, { awsCode: "NotFoundException", awsStatus: 404 });
export const conflict = (message: string) =>
  new AppError("conflict", message, { awsCode: "ConflictException", awsStatus: 409 });

const iso = (d: Date = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
const region = () => process.env.SIGNALBOX_REGION ?? "us-east-1";

const toRow = (r: repo.WsApiDbRow): WsApiRow => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  doc: r.doc as WsDoc,
  createdAt: r.created_at,
});

/** Whether a WebSocket API of that id belongs to the tenant (the v2 dispatch asks before delegating). */
export async function isWebSocketApi(tenantId: string, apiId: string, db: Queryable = pool()): Promise<boolean> {
  return repo.wsApiExists(db, tenantId, apiId);
}

/** The data plane's read: an API by id alone (the id is the first segment of its endpoint). */
export async function loadWsApiById(apiId: string): Promise<WsApiRow | null> {
  const r = await repo.selectWsApiWithTenant(pool(), apiId);
  return r ? toRow(r) : null;
}

async function load(caller: Caller, apiId: string, db: Queryable, lock = false): Promise<WsApiRow> {
  const r = await repo.selectWsApi(db, caller.tenant.id, apiId, lock);
  if (!r) throw notFound(`Invalid API identifier specified ${caller.tenant.accountId}:${apiId}`);
  return toRow(r);
}

/**
 * The endpoint clients connect to: ws(s)://<host>/gw/<api id>, or ws(s)://<api id>.execute-api.<domain>
 * when SIGNALBOX_EXECUTE_API_DOMAIN is set (the stage name follows).
 */
export const apiEndpoint = (baseUrl: string, apiId: string) => executeApiBase(baseUrl, apiId).replace(/^http/, "ws");

export function apiWire(row: WsApiRow, baseUrl: string): Wire {
  return {
    apiEndpoint: apiEndpoint(baseUrl, row.id),
    apiId: row.id,
    ...row.doc.api,
    createdDate: iso(row.createdAt),
    name: row.name,
    protocolType: "WEBSOCKET",
  };
}

function snapshotOf(doc: WsDoc): WsSnapshot {
  return structuredClone({
    routeSelectionExpression: doc.routeSelectionExpression,
    routes: doc.routes,
    integrations: doc.integrations,
    routeResponses: doc.routeResponses,
    integrationResponses: doc.integrationResponses,
    authorizers: doc.authorizers ?? {},
  });
}

const SELECTION_RE = /^\$request\.body\.[A-Za-z0-9_.$-]+$|^\$\{request\.body\.[A-Za-z0-9_.$-]+\}$/;

function checkSelection(expr: unknown): string {
  if (typeof expr !== "string" || !SELECTION_RE.test(expr))
    throw badRequest(
      "The selection expression specified is invalid. Please use a valid selection expression, for example $request.body.action.",
    );
  return expr;
}

export async function createWsApi(caller: Caller, input: Wire): Promise<WsApiRow> {
  assertCan(caller.actor.role, "resource:write");
  const name = input.name;
  if (typeof name !== "string" || !name.length || name.length > 128)
    throw badRequest("Invalid request input: name must be 1 to 128 characters");
  const rse = checkSelection(input.routeSelectionExpression);
  const api: Wire = {
    apiKeySelectionExpression: (input.apiKeySelectionExpression as string) ?? "$request.header.x-api-key",
    ...(input.description !== undefined ? { description: input.description } : {}),
    disableExecuteApiEndpoint: input.disableExecuteApiEndpoint === true,
    routeSelectionExpression: rse,
    ...(input.tags ? { tags: input.tags } : {}),
    ...(input.version !== undefined ? { version: input.version } : {}),
  };
  const doc: WsDoc = {
    api,
    routeSelectionExpression: rse,
    routes: {},
    integrations: {},
    routeResponses: {},
    integrationResponses: {},
    authorizers: {},
    stages: {},
    deployments: {},
  };
  const id = newId(10);
  return withTransaction(async (tx) => {
    const r = await repo.insertWsApi(tx, { id, tenantId: caller.tenant.id, name, doc });
    await recordAudit(caller.actor, caller.tenant.id, "ws_api.create", { type: "ws_api", id }, { name }, tx);
    return toRow(r);
  });
}

export async function getWsApi(caller: Caller, apiId: string): Promise<WsApiRow> {
  assertCan(caller.actor.role, "resource:read");
  return load(caller, apiId, pool());
}

export async function listWsApis(caller: Caller): Promise<WsApiRow[]> {
  assertCan(caller.actor.role, "resource:read");
  return (await repo.selectWsApis(pool(), caller.tenant.id)).map(toRow);
}

export async function deleteWsApi(caller: Caller, apiId: string): Promise<void> {
  assertCan(caller.actor.role, "resource:write");
  await withTransaction(async (tx) => {
    await load(caller, apiId, tx, true);
    await repo.deleteWsApiRow(tx, apiId);
    await recordAudit(caller.actor, caller.tenant.id, "ws_api.delete", { type: "ws_api", id: apiId }, {}, tx);
  });
}

/** Changes an API's document in one transaction (row locked); `fn` returns what the action answers. */
export async function mutateWsApi<T>(
  caller: Caller,
  apiId: string,
  action: string,
  fn: (doc: WsDoc, row: WsApiRow) => T,
): Promise<T> {
  assertCan(caller.actor.role, "resource:write");
  return withTransaction(async (tx) => {
    const row = await load(caller, apiId, tx, true);
    const out = fn(row.doc, row);
    // A stage with autoDeploy gets a new deployment with every change, as API Gateway does.
    for (const s of Object.values(row.doc.stages))
      if (s.autoDeploy === true && action !== "CreateDeployment" && !action.endsWith("Stage")) {
        const id = newId(6);
        row.doc.deployments[id] = {
          wire: {
            autoDeployed: true,
            createdDate: iso(),
            deploymentId: id,
            deploymentStatus: "DEPLOYED",
          },
          snapshot: snapshotOf(row.doc),
        };
        s.deploymentId = id;
        s.lastDeploymentStatusMessage = `Successfully deployed stage with deployment ID '${id}'`;
      }
    const name = (row.doc.api.name as string | undefined) ?? row.name;
    delete row.doc.api.name;
    await repo.updateWsApi(tx, apiId, name, row.doc);
    await recordAudit(caller.actor, caller.tenant.id, `ws_api.${action}`, { type: "ws_api", id: apiId }, {}, tx);
    return out;
  });
}

export const newResourceId = () => newId(7);
export { iso, snapshotOf, checkSelection, region };

/** What a stage serves: its deployment's snapshot (null: the stage does not exist or is undeployed). */
export type DeployedWsStage = {
  api: WsApiRow;
  stageName: string;
  stage: Wire;
  snapshot: WsSnapshot;
  tenant: { id: string; accountId: string; slug: string; name: string };
};

export async function loadDeployedWsStage(apiId: string, stageName: string): Promise<DeployedWsStage | null> {
  const db = await repo.selectWsApiWithTenant(pool(), apiId);
  if (!db) return null;
  const api = toRow(db);
  const stage = api.doc.stages[stageName];
  if (!stage) return null;
  const dep = typeof stage.deploymentId === "string" ? api.doc.deployments[stage.deploymentId] : undefined;
  if (!dep) return null;
  return {
    api,
    stageName,
    stage,
    snapshot: dep.snapshot,
    tenant: { id: api.tenantId, accountId: db.t_account, slug: db.t_slug, name: db.t_name },
  };
}

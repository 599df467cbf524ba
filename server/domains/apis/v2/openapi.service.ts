import { assertCan } from "../../../auth/permissions";
import { pool, withTransaction } from "../../../db";
import { badRequest, newId, notFound } from "../../../core/apis/model";
import { parseDefinition } from "../../../core/apis/openapi";
import { emptyHttpDoc, type Authorizer, type HttpApiDoc, type Route } from "../../../core/apis/v2/model";
import { exportHttpDefinition, importHttpDefinition, type ImportedHttpApi } from "../../../core/apis/v2/openapi";
import { toYaml } from "../../../core/apis/yaml";
import { audit, type Caller } from "../rest-api.service";
import { isWebSocketApi } from "../ws/ws-api.service";
import { findHttpSnapshot, insertHttpApi } from "./http-api.repository";
import {
  apiWire,
  checkAuthorizer,
  checkCors,
  checkName,
  checkRoute,
  integrationFromInput,
  mutate,
  read,
  type Wire,
} from "./http-api.service";

// ImportApi, ReimportApi and ExportApi for HTTP APIs: an OpenAPI 3 definition (JSON or YAML, the
// `body` member) becomes the API's routes, integrations, authorizers and CORS configuration, checked
// by the same rules as the one-by-one actions before anything is written; ReimportApi replaces them
// (stages stay, auto-deploying stages redeploy). ExportApi writes the API (or a stage's deployment)
// back as OpenAPI 3.0.1, JSON or YAML.

export type ImportOptions = { basepath?: string | null; failOnWarnings?: boolean };

function imported(body: unknown, opts: ImportOptions): ImportedHttpApi {
  if (typeof body !== "string" || !body.trim()) throw badRequest("Body is required: the OpenAPI definition.");
  const def = importHttpDefinition(parseDefinition(body), { basepath: opts.basepath });
  if (opts.failOnWarnings && def.warnings.length)
    throw badRequest(`Warnings found during import:\n\t${def.warnings.join("\n\t")}`);
  checkName(def.name);
  checkCors(def.cors);
  return def;
}

/** Puts the definition's routes, integrations and authorizers into `doc` (replacing its own). */
function fill(doc: HttpApiDoc, def: ImportedHttpApi): void {
  doc.routes = {};
  doc.integrations = {};
  doc.authorizers = {};
  const integrationIds = new Map<string, string>();
  for (const { key, input } of def.integrations) {
    const i = integrationFromInput(input, newId(7));
    doc.integrations[i.integrationId] = i;
    integrationIds.set(key, i.integrationId);
  }
  const authorizerIds = new Map<string, string>();
  for (const input of def.authorizers) {
    const a = { ...input, authorizerId: newId(6) } as Authorizer;
    checkAuthorizer(a);
    doc.authorizers[a.authorizerId] = a;
    authorizerIds.set(a.name, a.authorizerId);
  }
  for (const r of def.routes) {
    const route: Route = {
      routeId: newId(7),
      routeKey: r.routeKey,
      apiKeyRequired: false,
      authorizationType: r.authorizationType,
      ...(r.operationName ? { operationName: r.operationName } : {}),
      ...(r.authorizer ? { authorizerId: authorizerIds.get(r.authorizer) } : {}),
      ...(r.authorizationScopes ? { authorizationScopes: r.authorizationScopes } : {}),
      ...(r.integration ? { target: `integrations/${integrationIds.get(r.integration)}` } : {}),
    };
    checkRoute(doc, route);
    doc.routes[route.routeId] = route;
  }
  const s = doc.api;
  if (def.description !== undefined) s.description = def.description;
  else delete s.description;
  if (def.version !== undefined) s.version = def.version;
  else delete s.version;
  if (def.cors) s.corsConfiguration = def.cors;
  else delete s.corsConfiguration;
}

/** OpenAPI import and export are for HTTP APIs only (as on AWS): a WebSocket API's id is refused. */
async function httpOnly(caller: Caller, apiId: string, what: string): Promise<void> {
  if (await isWebSocketApi(caller.tenant.id, apiId)) throw badRequest(`${what} is only supported for HTTP APIs`);
}

const withWarnings = (wire: Wire, warnings: string[]): Wire => (warnings.length ? { ...wire, warnings } : wire);

export async function importHttpApi(
  caller: Caller,
  body: unknown,
  opts: ImportOptions,
  baseUrl: string,
): Promise<Wire> {
  assertCan(caller.actor.role, "resource:write");
  const def = imported(body, opts);
  const doc = emptyHttpDoc({ routeSelectionExpression: "${request.method} ${request.path}", tags: {} });
  fill(doc, def);
  const id = newId(10);
  return withTransaction(async (tx) => {
    const api = await insertHttpApi(tx, { id, tenantId: caller.tenant.id, name: def.name, doc });
    await audit(caller, "api.create", id, { name: def.name, protocolType: "HTTP", operation: "ImportApi" }, tx);
    return withWarnings(apiWire(api, baseUrl), def.warnings);
  });
}

export async function reimportHttpApi(
  caller: Caller,
  apiId: string,
  body: unknown,
  opts: ImportOptions,
  baseUrl: string,
): Promise<Wire> {
  assertCan(caller.actor.role, "resource:write");
  const def = imported(body, opts);
  await httpOnly(caller, apiId, "ReimportApi");
  return mutate(caller, apiId, "ReimportApi", true, (doc, api) => {
    fill(doc, def);
    api.name = def.name;
    return withWarnings(apiWire(api, baseUrl), def.warnings);
  });
}

export type ExportOptions = {
  outputType: string | null;
  stageName: string | null;
  includeExtensions: string | null;
  exportVersion: string | null;
};

export async function exportHttpApi(
  caller: Caller,
  apiId: string,
  specification: string,
  opts: ExportOptions,
  baseUrl: string,
): Promise<{ contentType: string; body: string }> {
  if (specification !== "OAS30")
    throw badRequest(`Invalid specification specified: ${specification}. Valid values are OAS30`);
  if (opts.outputType !== "JSON" && opts.outputType !== "YAML")
    throw badRequest(`Invalid outputType specified: ${String(opts.outputType)}. Valid values are JSON, YAML`);
  if (opts.exportVersion !== null && opts.exportVersion !== "1.0")
    throw badRequest(`Invalid exportVersion specified: ${opts.exportVersion}. Valid values are 1.0`);
  await httpOnly(caller, apiId, "ExportApi");
  const api = await read(caller, apiId);
  let served: Parameters<typeof exportHttpDefinition>[1] = api.doc;
  let cors = api.doc.api.corsConfiguration;
  if (opts.stageName !== null) {
    const stage = api.doc.stages[opts.stageName];
    if (!stage) throw notFound(`Invalid stage identifier specified ${opts.stageName}`);
    if (!stage.deploymentId) throw badRequest(`Stage ${opts.stageName} has no deployment to export`);
    const snapshot = await findHttpSnapshot(pool(), apiId, stage.deploymentId);
    if (!snapshot) throw notFound(`Invalid Deployment identifier specified ${stage.deploymentId}`);
    served = snapshot;
    cors = snapshot.cors;
  }
  const s = api.doc.api;
  const def = exportHttpDefinition(
    {
      name: api.name,
      description: s.description,
      version: s.version,
      cors,
      updatedAt: new Date(api.updatedAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
    },
    served,
    {
      endpoint: `${baseUrl.replace(/\/$/, "")}/gw/${apiId}`,
      stageName: opts.stageName ?? undefined,
      includeExtensions: opts.includeExtensions !== "false",
    },
  );
  return opts.outputType === "YAML"
    ? { contentType: "application/yaml", body: toYaml(def) }
    : { contentType: "application/json", body: JSON.stringify(def, null, 2) };
}

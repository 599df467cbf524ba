import { assertCan } from "../../auth/permissions";
import { pool, withTransaction } from "../../db";
import {
  badRequest,
  conflict,
  epochSeconds,
  newId,
  notFound,
  page,
  resourcePath,
  type Snapshot,
} from "../../core/apis/model";
import { applyPatch, unescapePointer, type PatchOperation } from "../../core/apis/patch";
import { accessLogSettingsError } from "../../core/apis/access-log-settings";
import {
  deleteDeploymentRow,
  deleteStageRow,
  findDeployment,
  findStage,
  insertDeployment,
  insertStage,
  listDeployments,
  listStages,
  saveStage,
  updateDeploymentDescription,
  type DeploymentRow,
  type StageRow,
  type StageSettings,
} from "./rest-api.repository";
import { audit, loadApi, type Caller, type Wire } from "./rest-api.service";

// Deployments (immutable snapshots of an API's document) and stages (a name that points at one
// deployment, with variables and method settings). The gateway serves a stage's deployment.

const deploymentNotFound = () => notFound("Invalid Deployment identifier specified");
const stageNotFound = () => notFound("Invalid Stage identifier specified");

export function deploymentWire(d: DeploymentRow, embedSummary = false): Wire {
  const out: Wire = { id: d.id };
  if (d.description !== null) out.description = d.description;
  out.createdDate = epochSeconds(new Date(d.createdAt));
  if (embedSummary) {
    const summary: Record<string, Record<string, unknown>> = {};
    for (const r of Object.values(d.snapshot.doc.resources)) {
      const methods = Object.values(r.methods);
      if (!methods.length) continue;
      summary[resourcePath(d.snapshot.doc, r.id)] = Object.fromEntries(
        methods.map((m) => [
          m.httpMethod,
          { authorizationType: m.authorizationType, apiKeyRequired: m.apiKeyRequired },
        ]),
      );
    }
    out.apiSummary = summary;
  }
  return out;
}

export function stageWire(s: StageRow): Wire {
  const st = s.settings;
  const out: Wire = { deploymentId: s.deploymentId };
  if (st.clientCertificateId) out.clientCertificateId = st.clientCertificateId;
  out.stageName = s.stageName;
  if (st.description !== undefined) out.description = st.description;
  out.cacheClusterEnabled = st.cacheClusterEnabled ?? false;
  if (st.cacheClusterSize) out.cacheClusterSize = st.cacheClusterSize;
  out.cacheClusterStatus = st.cacheClusterEnabled ? "AVAILABLE" : "NOT_AVAILABLE";
  out.methodSettings = st.methodSettings ?? {};
  if (st.variables && Object.keys(st.variables).length) out.variables = st.variables;
  if (st.documentationVersion) out.documentationVersion = st.documentationVersion;
  if (st.accessLogSettings) out.accessLogSettings = st.accessLogSettings;
  out.tracingEnabled = st.tracingEnabled ?? false;
  if (st.tags && Object.keys(st.tags).length) out.tags = st.tags;
  out.createdDate = epochSeconds(new Date(s.createdAt));
  out.lastUpdatedDate = epochSeconds(new Date(s.updatedAt));
  return out;
}

const STAGE_NAME = /^[a-zA-Z0-9_-]+$/;

function checkVariables(vars: Record<string, string> | undefined): void {
  for (const [k, v] of Object.entries(vars ?? {})) {
    if (!/^[a-zA-Z0-9_]{1,64}$/.test(k))
      throw badRequest("Stage variable names must match the pattern: [a-zA-Z0-9_]{1,64}");
    if (!/^[a-zA-Z0-9\-._~:/?#&=,]{0,512}$/.test(v))
      throw badRequest("Stage variable value must match the pattern: [A-Za-z0-9-._~:/?#&=,]+");
  }
}

export type CreateDeploymentInput = {
  stageName?: string;
  stageDescription?: string;
  description?: string;
  cacheClusterEnabled?: boolean;
  cacheClusterSize?: string;
  variables?: Record<string, string>;
  tracingEnabled?: boolean;
};

export async function createDeployment(caller: Caller, apiId: string, input: CreateDeploymentInput): Promise<Wire> {
  assertCan(caller.actor.role, "resource:write");
  return withTransaction(async (tx) => {
    const api = await loadApi(caller, apiId, tx, true);
    const methods = Object.values(api.doc.resources).flatMap((r) => Object.values(r.methods));
    if (!methods.length) throw badRequest("The REST API doesn't contain any methods");
    if (methods.some((m) => !m.methodIntegration)) throw badRequest("No integration defined for method");
    if (input.stageName !== undefined && !STAGE_NAME.test(input.stageName))
      throw badRequest("Stage name only allows a-zA-Z0-9_");
    checkVariables(input.variables);
    const snapshot: Snapshot = { doc: api.doc, settings: api.settings, name: api.name };
    const d = await insertDeployment(tx, {
      restApiId: apiId,
      id: newId(6),
      tenantId: caller.tenant.id,
      description: input.description ?? null,
      snapshot,
    });
    if (input.stageName) {
      const existing = await findStage(tx, caller.tenant.id, apiId, input.stageName, true);
      if (existing) {
        const settings = { ...existing.settings };
        if (input.variables) settings.variables = { ...(settings.variables ?? {}), ...input.variables };
        await saveStage(tx, caller.tenant.id, apiId, input.stageName, d.id, settings);
      } else {
        const settings: StageSettings = {};
        if (input.stageDescription !== undefined) settings.description = input.stageDescription;
        if (input.variables) settings.variables = input.variables;
        if (input.cacheClusterEnabled) settings.cacheClusterEnabled = true;
        if (input.cacheClusterSize) settings.cacheClusterSize = input.cacheClusterSize;
        if (input.tracingEnabled) settings.tracingEnabled = true;
        await insertStage(tx, {
          restApiId: apiId,
          stageName: input.stageName,
          tenantId: caller.tenant.id,
          deploymentId: d.id,
          settings,
        });
      }
    }
    await audit(caller, "api.deploy", apiId, { name: api.name, deploymentId: d.id, stageName: input.stageName }, tx);
    return deploymentWire(d);
  });
}

export async function getDeployment(caller: Caller, apiId: string, id: string, embed: string[]): Promise<Wire> {
  assertCan(caller.actor.role, "resource:read");
  await loadApi(caller, apiId);
  const d = await findDeployment(pool(), caller.tenant.id, apiId, id);
  if (!d) throw deploymentNotFound();
  return deploymentWire(d, embed.includes("apisummary"));
}

export async function getDeployments(caller: Caller, apiId: string, position: string | null, limit: string | null) {
  assertCan(caller.actor.role, "resource:read");
  await loadApi(caller, apiId);
  const p = page(await listDeployments(pool(), caller.tenant.id, apiId), position, limit);
  return { ...(p.position ? { position: p.position } : {}), item: p.items.map((d) => deploymentWire(d)) };
}

export async function updateDeployment(caller: Caller, apiId: string, id: string, ops: PatchOperation[] | undefined) {
  assertCan(caller.actor.role, "resource:write");
  await loadApi(caller, apiId);
  const d = await findDeployment(pool(), caller.tenant.id, apiId, id);
  if (!d) throw deploymentNotFound();
  const target: Record<string, unknown> = d.description === null ? {} : { description: d.description };
  applyPatch(target, ops, { description: "string" });
  const description = (target.description as string | undefined) ?? null;
  await updateDeploymentDescription(pool(), caller.tenant.id, apiId, id, description);
  return deploymentWire({ ...d, description });
}

export async function deleteDeployment(caller: Caller, apiId: string, id: string): Promise<void> {
  assertCan(caller.actor.role, "resource:write");
  await withTransaction(async (tx) => {
    await loadApi(caller, apiId, tx, true);
    const d = await findDeployment(tx, caller.tenant.id, apiId, id);
    if (!d) throw deploymentNotFound();
    if ((await listStages(tx, caller.tenant.id, apiId, id)).length)
      throw badRequest("Active stages pointing to this deployment must be moved or deleted");
    await deleteDeploymentRow(tx, caller.tenant.id, apiId, id);
    await audit(caller, "api.deployment.delete", apiId, { deploymentId: id }, tx);
  });
}

// ---------------------------------------------------------------------------------------------
// Stages

export type CreateStageInput = {
  stageName?: string;
  deploymentId?: string;
  description?: string;
  cacheClusterEnabled?: boolean;
  cacheClusterSize?: string;
  variables?: Record<string, string>;
  documentationVersion?: string;
  tracingEnabled?: boolean;
  tags?: Record<string, string>;
};

export async function createStage(caller: Caller, apiId: string, input: CreateStageInput): Promise<Wire> {
  assertCan(caller.actor.role, "resource:write");
  return withTransaction(async (tx) => {
    await loadApi(caller, apiId, tx, true);
    if (!input.stageName || !STAGE_NAME.test(input.stageName)) throw badRequest("Stage name only allows a-zA-Z0-9_");
    if (!input.deploymentId || !(await findDeployment(tx, caller.tenant.id, apiId, input.deploymentId)))
      throw badRequest("Invalid deployment identifier specified");
    checkVariables(input.variables);
    const settings: StageSettings = {};
    if (input.description !== undefined) settings.description = input.description;
    if (input.variables) settings.variables = input.variables;
    if (input.cacheClusterEnabled) settings.cacheClusterEnabled = true;
    if (input.cacheClusterSize) settings.cacheClusterSize = input.cacheClusterSize;
    if (input.tracingEnabled) settings.tracingEnabled = true;
    if (input.documentationVersion) settings.documentationVersion = input.documentationVersion;
    if (input.tags) settings.tags = input.tags;
    const s = await insertStage(tx, {
      restApiId: apiId,
      stageName: input.stageName,
      tenantId: caller.tenant.id,
      deploymentId: input.deploymentId,
      settings,
    });
    if (!s) throw conflict("Stage already exists");
    await audit(caller, "api.stage.create", apiId, { stageName: s.stageName, deploymentId: s.deploymentId }, tx);
    return stageWire(s);
  });
}

export async function getStage(caller: Caller, apiId: string, name: string): Promise<Wire> {
  assertCan(caller.actor.role, "resource:read");
  await loadApi(caller, apiId);
  const s = await findStage(pool(), caller.tenant.id, apiId, name);
  if (!s) throw stageNotFound();
  return stageWire(s);
}

export async function getStages(caller: Caller, apiId: string, deploymentId: string | null): Promise<Wire> {
  assertCan(caller.actor.role, "resource:read");
  await loadApi(caller, apiId);
  return { item: (await listStages(pool(), caller.tenant.id, apiId, deploymentId ?? undefined)).map(stageWire) };
}

/** A method setting as API Gateway fills it in the first time one of its fields is set. */
const DEFAULT_METHOD_SETTING = {
  metricsEnabled: false,
  loggingLevel: "OFF",
  dataTraceEnabled: false,
  throttlingBurstLimit: 5000,
  throttlingRateLimit: 10000,
  cachingEnabled: false,
  cacheTtlInSeconds: 300,
  cacheDataEncrypted: false,
  requireAuthorizationForCacheControl: true,
  unauthorizedCacheControlHeaderStrategy: "SUCCEED_WITH_RESPONSE_HEADER",
};

// Patch paths of a method setting (`/{resource path}/{method}/throttling/rateLimit`) → member and kind.
const METHOD_SETTING_PATHS: Record<string, [string, "boolean" | "int" | "double" | "string"]> = {
  "metrics/enabled": ["metricsEnabled", "boolean"],
  "logging/loglevel": ["loggingLevel", "string"],
  "logging/dataTrace": ["dataTraceEnabled", "boolean"],
  "throttling/burstLimit": ["throttlingBurstLimit", "int"],
  "throttling/rateLimit": ["throttlingRateLimit", "double"],
  "caching/enabled": ["cachingEnabled", "boolean"],
  "caching/ttlInSeconds": ["cacheTtlInSeconds", "int"],
  "caching/dataEncrypted": ["cacheDataEncrypted", "boolean"],
  "caching/requireAuthorizationForCacheControl": ["requireAuthorizationForCacheControl", "boolean"],
  "caching/unauthorizedCacheControlHeaderStrategy": ["unauthorizedCacheControlHeaderStrategy", "string"],
};

function methodSettingValue(kind: string, value: string | undefined, path: string): unknown {
  const v = value ?? "";
  if (kind === "boolean") {
    if (v !== "true" && v !== "false") throw badRequest(`Invalid boolean value in ${path}: ${v}`);
    return v === "true";
  }
  if (kind === "int" || kind === "double") {
    const n = Number(v);
    if (v === "" || !Number.isFinite(n) || (kind === "int" && !Number.isInteger(n)))
      throw badRequest(`Invalid ${kind === "int" ? "integer" : "double"} value in ${path}: ${v}`);
    return n;
  }
  if (path.endsWith("/logging/loglevel") && !["OFF", "ERROR", "INFO"].includes(v))
    throw badRequest("Invalid logging level specified. Valid options are OFF, ERROR, INFO");
  return v;
}

export async function updateStage(caller: Caller, apiId: string, name: string, ops: PatchOperation[] | undefined) {
  assertCan(caller.actor.role, "resource:write");
  return withTransaction(async (tx) => {
    await loadApi(caller, apiId, tx, true);
    const s = await findStage(tx, caller.tenant.id, apiId, name, true);
    if (!s) throw stageNotFound();
    const target: Record<string, unknown> = { ...s.settings, deploymentId: s.deploymentId };
    applyPatch(
      target,
      ops,
      {
        deploymentId: "string",
        description: "string",
        cacheClusterEnabled: "boolean",
        cacheClusterSize: "string",
        tracingEnabled: "boolean",
        documentationVersion: "string",
        clientCertificateId: "string",
        variables: "stringMap",
      },
      (op, seg) => {
        // Method settings: /{resource path, ~1 for /}/{method}/{group}/{field}, or /*/*/... for all
        // (the resource path's slashes may also come unescaped). Keys are "pets/{id}/GET" or "*/*".
        if (seg[0] === "accessLogSettings") {
          const a = { ...((target.accessLogSettings as Record<string, string>) ?? {}) };
          if (op.op === "remove" && seg.length === 1) delete target.accessLogSettings;
          else if (seg.length === 2 && (seg[1] === "format" || seg[1] === "destinationArn")) {
            a[seg[1]] = op.value ?? "";
            target.accessLogSettings = a;
          } else throw badRequest(`Invalid patch path ${op.path}`);
          return true;
        }
        if (seg.length < 4) return false;
        const parts = (op.path ?? "").slice(1).split("/").map(unescapePointer).join("/").split("/");
        const field = METHOD_SETTING_PATHS[parts.slice(-2).join("/")];
        if (!field)
          throw badRequest(
            `Invalid method setting path: ${op.path}. Must be one of: [${Object.keys(METHOD_SETTING_PATHS)
              .map((p) => `/{method_setting_key}/${p}`)
              .join(", ")}]`,
          );
        const method = parts[parts.length - 3];
        const resource = parts.slice(0, -3).join("/").replace(/^\/+/, "");
        if (
          !(method === "*" && resource === "*") &&
          !["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "ANY", "*"].includes(method)
        )
          throw badRequest(`Invalid method setting path: ${op.path}`);
        const key = `${resource}/${method}`;
        const all = { ...((target.methodSettings as Record<string, Record<string, unknown>>) ?? {}) };
        if (op.op === "remove") {
          delete all[key];
        } else {
          all[key] = {
            ...DEFAULT_METHOD_SETTING,
            ...(all[key] ?? {}),
            [field[0]]: methodSettingValue(field[1], op.value, op.path ?? ""),
          };
        }
        target.methodSettings = all;
        return true;
      },
    );
    const deploymentId = String(target.deploymentId);
    delete target.deploymentId;
    if (deploymentId !== s.deploymentId && !(await findDeployment(tx, caller.tenant.id, apiId, deploymentId)))
      throw badRequest("Invalid deployment identifier specified");
    checkVariables(target.variables as Record<string, string> | undefined);
    const logError = accessLogSettingsError(target.accessLogSettings as StageSettings["accessLogSettings"], "REST");
    if (logError) throw badRequest(logError);
    const saved = await saveStage(tx, caller.tenant.id, apiId, name, deploymentId, target as StageSettings);
    await audit(caller, "api.stage.update", apiId, { stageName: name, deploymentId }, tx);
    return stageWire(saved);
  });
}

export async function deleteStage(caller: Caller, apiId: string, name: string): Promise<void> {
  assertCan(caller.actor.role, "resource:write");
  await loadApi(caller, apiId);
  if (!(await deleteStageRow(pool(), caller.tenant.id, apiId, name))) throw stageNotFound();
  await audit(caller, "api.stage.delete", apiId, { stageName: name });
}

import { executeApiBase } from "../../platform/execute-api";
import { assertCan } from "../../auth/permissions";
import { pool } from "../../db";
import { badRequest, notFound } from "../../core/apis/model";
import { exportDefinition, importDefinition, mergeDocs, parseDefinition } from "../../core/apis/openapi";
import { toYaml } from "../../core/apis/yaml";
import { findDeployment, findStage } from "./rest-api.repository";
import { createRestApi, loadApi, replaceDoc, type Caller, type Wire } from "./rest-api.service";

// ImportRestApi / PutRestApi from OpenAPI 3 (or Swagger 2) JSON with API Gateway's extensions, and
// GetExport of a stage's deployment to OpenAPI 3 (oas30) or Swagger 2 (swagger, written as OpenAPI 3
// here), JSON or YAML (Accept: application/yaml). Definitions are read as JSON or YAML.

export async function importApi(caller: Caller, body: Buffer, opts: { failOnWarnings: boolean }): Promise<Wire> {
  assertCan(caller.actor.role, "resource:write");
  const imported = importDefinition(parseDefinition(body));
  if (opts.failOnWarnings && imported.warnings.length)
    throw badRequest(`Errors found during import:\n\t${imported.warnings.join("\n\t")}`);
  if (!imported.name) throw badRequest("Invalid OpenAPI input: info.title (the API's name) is required.");
  const api = await createRestApi(
    caller,
    {
      name: imported.name,
      description: imported.description,
      version: imported.version,
      binaryMediaTypes: imported.settings.binaryMediaTypes,
      apiKeySource: imported.settings.apiKeySource,
      policy: imported.settings.policy,
    },
    imported.doc,
  );
  return imported.warnings.length ? { ...api, warnings: imported.warnings } : api;
}

export async function putApi(
  caller: Caller,
  id: string,
  body: Buffer,
  opts: { mode: string; failOnWarnings: boolean },
): Promise<Wire> {
  if (opts.mode !== "merge" && opts.mode !== "overwrite")
    throw badRequest(`Invalid mode: ${opts.mode}. Valid values are merge, overwrite`);
  assertCan(caller.actor.role, "resource:write");
  await loadApi(caller, id);
  const imported = importDefinition(parseDefinition(body));
  if (opts.failOnWarnings && imported.warnings.length)
    throw badRequest(`Errors found during import:\n\t${imported.warnings.join("\n\t")}`);
  const out = await replaceDoc(caller, id, (api) => {
    if (opts.mode === "merge") return { doc: mergeDocs(api.doc, imported.doc) };
    // Overwrite: the definition replaces everything, keeping the root resource's id.
    const doc = imported.doc;
    const root = doc.resources[doc.rootResourceId];
    delete doc.resources[doc.rootResourceId];
    root.id = api.doc.rootResourceId;
    for (const r of Object.values(doc.resources)) if (r.parentId === doc.rootResourceId) r.parentId = root.id;
    doc.resources[root.id] = root;
    doc.rootResourceId = root.id;
    return {
      doc,
      name: imported.name,
      settings: {
        ...(imported.description !== undefined ? { description: imported.description } : {}),
        ...imported.settings,
      },
    };
  });
  return imported.warnings.length ? { ...out, warnings: imported.warnings } : out;
}

const EXTENSIONS = ["integrations", "apigateway", "authorizers"];

export async function exportApi(
  caller: Caller,
  id: string,
  stageName: string,
  type: string,
  opts: { accept: string; extensions: string; serverUrl: string },
): Promise<{ contentType: string; fileName: string; body: string }> {
  assertCan(caller.actor.role, "resource:read");
  if (type !== "oas30" && type !== "swagger") throw badRequest(`Invalid export type specified: ${type}`);
  const yaml = /\b(application|text)\/(x-)?yaml\b/i.test(opts.accept);
  const ext = opts.extensions
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const e of ext)
    if (!EXTENSIONS.includes(e))
      throw badRequest(
        e === "postman"
          ? "Postman extensions are not supported by this export: use extensions=integrations, apigateway or authorizers"
          : `Invalid extensions specified: ${e}. Valid values are integrations, apigateway, authorizers, postman`,
      );
  await loadApi(caller, id);
  const stage = await findStage(pool(), caller.tenant.id, id, stageName);
  if (!stage) throw notFound("Invalid Stage identifier specified");
  const d = await findDeployment(pool(), caller.tenant.id, id, stage.deploymentId);
  if (!d) throw notFound("Invalid Deployment identifier specified");
  const def = exportDefinition(d.snapshot, {
    serverUrl: executeApiBase(opts.serverUrl, id),
    stage: stageName,
    version: new Date(d.createdAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
    withExtensions: ext.includes("integrations") || ext.includes("apigateway"),
    withAuthorizers: ext.includes("authorizers"),
  });
  return yaml
    ? { contentType: "application/yaml", fileName: `${id}-${stageName}-${type}.yaml`, body: toYaml(def) }
    : {
        contentType: "application/json",
        fileName: `${id}-${stageName}-${type}.json`,
        body: JSON.stringify(def, null, 2),
      };
}

import type { Actor } from "../../auth/permissions";
import {
  inferSchema,
  jsonSchemaDraft4ToOpenApi,
  mergeSchemas,
  toJsonSchemaDraft4,
  toOpenApiDocument,
  type InferredSchema,
} from "../../core/events/schema-infer";
import { schemaToTypeScript } from "../../core/events/schema-typescript";
import type { SchemaVersionRow } from "./schema.repository";
import { schemasBadRequest } from "./schema.errors";
import { describeSchema, SCHEMA_TYPES, type SchemaType, type SchemaView, type TenantRef } from "./schema.service";

// Schema documents out of the registry: ExportSchema (JSON Schema draft-04), the console's
// downloads (JSON Schema or OpenAPI) and TypeScript types, and GetDiscoveredSchema (what discovery
// would infer from some events, without storing anything).

/** A version's document converted to `as` (ExportSchema: JSONSchemaDraft4; the console: both). */
export function convertContent(v: Pick<SchemaVersionRow, "type" | "content">, as: SchemaType): string {
  if (v.type === as) return v.content;
  const doc = JSON.parse(v.content) as Record<string, unknown>;
  return JSON.stringify(as === "JSONSchemaDraft4" ? toJsonSchemaDraft4(doc) : jsonSchemaDraft4ToOpenApi(doc));
}

export async function exportSchema(
  actor: Actor,
  tenant: TenantRef,
  input: { registryName: string; schemaName: string; version?: string; type: string },
): Promise<SchemaView & { exported: string; exportType: SchemaType }> {
  if (input.type !== "JSONSchemaDraft4" && input.type !== "OpenApi3")
    throw schemasBadRequest("Type must be JSONSchemaDraft4.", "Type");
  const view = await describeSchema(actor, tenant, input);
  return { ...view, exported: convertContent(view.version, input.type), exportType: input.type };
}

/** The TypeScript declarations of a schema version (the console's "TypeScript" tab). */
export async function schemaTypeScript(
  actor: Actor,
  tenant: TenantRef,
  input: { registryName: string; schemaName: string; version?: string },
): Promise<string> {
  const view = await describeSchema(actor, tenant, input);
  return schemaToTypeScript(JSON.parse(view.version.content), view.name);
}

/** GetDiscoveredSchema: the schema discovery would infer from these events (no state changes). */
export function discoverSchemaFromEvents(events: string[], type: string): string {
  if (type !== "OpenApi3" && type !== "JSONSchemaDraft4")
    throw schemasBadRequest(`Type must be one of: ${SCHEMA_TYPES.join(", ")}.`, "Type");
  if (!events.length || events.length > 10) throw schemasBadRequest("Events must hold 1 to 10 events.", "Events");
  let detail: InferredSchema | undefined;
  let meta: { source: string; detailType: string } | undefined;
  for (const text of events) {
    let e: unknown;
    try {
      e = JSON.parse(text);
    } catch {
      throw schemasBadRequest("Each event must be a JSON object.", "Events");
    }
    if (!e || typeof e !== "object" || Array.isArray(e))
      throw schemasBadRequest("Each event must be a JSON object.", "Events");
    const ev = e as Record<string, unknown>;
    const source = typeof ev.source === "string" ? ev.source : "";
    const detailType = typeof ev["detail-type"] === "string" ? ev["detail-type"] : "";
    if (!source || !detailType) throw schemasBadRequest("Each event needs 'source' and 'detail-type'.", "Events");
    if (meta && (meta.source !== source || meta.detailType !== detailType))
      throw schemasBadRequest("All events must have the same source and detail-type.", "Events");
    meta = { source, detailType };
    const s = inferSchema(ev.detail ?? {});
    detail = detail ? mergeSchemas(detail, s) : s;
  }
  const doc = toOpenApiDocument(detail!, meta!);
  return JSON.stringify(type === "OpenApi3" ? doc : toJsonSchemaDraft4(doc));
}

/** A schema version as a file for the console's download buttons (JSON Schema draft-04 or OpenAPI 3). */
export async function downloadSchema(
  actor: Actor,
  tenant: TenantRef,
  input: { registryName: string; schemaName: string; version?: string; format: "json-schema" | "openapi" },
): Promise<{ filename: string; contentType: string; body: string }> {
  const type: SchemaType = input.format === "openapi" ? "OpenApi3" : "JSONSchemaDraft4";
  const s = await exportSchema(actor, tenant, { ...input, type });
  const base = `${s.name.replace(/[^A-Za-z0-9._@-]+/g, "_")}-v${s.version.version}`;
  return {
    filename: `${base}.${input.format === "openapi" ? "openapi" : "schema"}.json`,
    contentType: "application/json",
    body: JSON.stringify(JSON.parse(s.exported), null, 2),
  };
}

import { randomUUID } from "node:crypto";
import { assertCan, type Actor } from "../../auth/permissions";
import { pool, withTransaction } from "../../db";
import { env } from "../../env";
import { recordAudit } from "../audit/audit.service";
import { forgetKnownShapes } from "./discovery-cache";
import {
  addSchemaVersion,
  deleteRegistryRow,
  deleteSchemaRow,
  deleteSchemaVersionRow,
  findRegistry,
  findSchema,
  findSchemaVersion,
  forgetShapes,
  insertRegistry,
  insertSchema,
  latestSchemaVersion,
  listRegistryRows,
  listSchemaRows,
  listVersionRows,
  updateRegistryDescription,
  updateSchemaDescription,
  type Queryable,
  type RegistryRow,
  type SchemaRow,
  type SchemaVersionRow,
} from "./schema.repository";
import { registryNotFound, schemaNotFound, schemasBadRequest, schemasConflict, schemasNotFound } from "./schema.errors";

// Schema registry use cases (EventBridge Schemas: registries, schemas and versions, export, code
// types), shared by the AWS door and the console. Discoverers live in discoverer.service.ts and the
// discovery pipeline in discovery.ts.

export type TenantRef = { id: string; accountId: string };
export type SchemaType = "OpenApi3" | "JSONSchemaDraft4";
export const SCHEMA_TYPES: readonly SchemaType[] = ["OpenApi3", "JSONSchemaDraft4"];

/** The registry discovery writes into, created on first use (as AWS creates it per account). */
export const DISCOVERED_REGISTRY = "discovered-schemas";
const MAX_CONTENT = 100_000;
const REGISTRY_NAME = /^[.\-_A-Za-z0-9@]{1,64}$/;
const SCHEMA_NAME = /^[.\-_A-Za-z0-9@]{1,385}$/;

export const registryArn = (t: TenantRef, name: string) =>
  `arn:aws:schemas:${env().SIGNALBOX_REGION}:${t.accountId}:registry/${name}`;
export const schemaArn = (t: TenantRef, registry: string, name: string) =>
  `arn:aws:schemas:${env().SIGNALBOX_REGION}:${t.accountId}:schema/${registry}/${name}`;

// ---------- paging: opaque tokens over the sort key

export function encodeToken(key: string | number): string {
  return Buffer.from(JSON.stringify({ k: key })).toString("base64url");
}
export function decodeToken<T extends string | number>(
  token: string | undefined,
  kind: "string" | "number",
): T | undefined {
  if (!token) return undefined;
  try {
    const k = (JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { k: unknown }).k;
    if (typeof k === kind) return k as T;
  } catch {
    /* fall through */
  }
  throw schemasBadRequest("The NextToken is not valid.", "NextToken");
}
function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw schemasBadRequest("Limit must be between 1 and 100.", "Limit");
  return limit;
}

function checkDescription(d: string | undefined) {
  if (d !== undefined && d.length > 256)
    throw schemasBadRequest("Description must be at most 256 characters.", "Description");
}
function checkTags(tags: Record<string, string> | undefined) {
  if (!tags) return;
  if (Object.keys(tags).length > 50) throw schemasBadRequest("A resource can have at most 50 tags.", "Tags");
  for (const [k, v] of Object.entries(tags))
    if (!k || k.length > 128 || typeof v !== "string" || v.length > 256)
      throw schemasBadRequest("Tag keys must be 1-128 characters and values at most 256.", "Tags");
}

/** Parses and checks a schema document of the given type; returns the parsed document. */
export function parseSchemaContent(type: string, content: string): Record<string, unknown> {
  if (!SCHEMA_TYPES.includes(type as SchemaType))
    throw schemasBadRequest(`Type must be one of: ${SCHEMA_TYPES.join(", ")}.`, "Type");
  if (!content || content.length > MAX_CONTENT)
    throw schemasBadRequest(`Content must be 1 to ${MAX_CONTENT} characters.`, "Content");
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    throw schemasBadRequest("Content is not valid JSON.", "Content");
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc))
    throw schemasBadRequest("Content must be a JSON object.", "Content");
  const d = doc as Record<string, unknown>;
  if (type === "OpenApi3") {
    if (typeof d.openapi !== "string" || !d.openapi.startsWith("3."))
      throw schemasBadRequest("Invalid OpenApi3 content: the 'openapi' field must name version 3.x.", "Content");
    const comps = d.components as Record<string, unknown> | undefined;
    if (comps !== undefined && (typeof comps !== "object" || comps === null || Array.isArray(comps)))
      throw schemasBadRequest("Invalid OpenApi3 content: 'components' must be an object.", "Content");
  } else if (d.type !== undefined && typeof d.type !== "string" && !Array.isArray(d.type)) {
    throw schemasBadRequest("Invalid JSONSchemaDraft4 content: 'type' must be a string or an array.", "Content");
  }
  return d;
}

// ---------- registries

export async function ensureRegistry(db: Queryable, tenant: TenantRef, name: string): Promise<RegistryRow> {
  const existing = await findRegistry(db, tenant.id, name);
  if (existing) return existing;
  await insertRegistry(db, {
    id: randomUUID(),
    tenantId: tenant.id,
    name,
    arn: registryArn(tenant, name),
    description: name === DISCOVERED_REGISTRY ? "Schemas discovered from events on your event buses" : null,
    tags: {},
  });
  return (await findRegistry(db, tenant.id, name))!;
}

async function requireRegistry(db: Queryable, tenant: TenantRef, name: string): Promise<RegistryRow> {
  const r = await findRegistry(db, tenant.id, name);
  if (!r) throw registryNotFound(name);
  return r;
}

export async function createRegistry(
  actor: Actor,
  tenant: TenantRef,
  input: { name: string; description?: string; tags?: Record<string, string> },
): Promise<RegistryRow> {
  assertCan(actor.role, "resource:write");
  if (!REGISTRY_NAME.test(input.name))
    throw schemasBadRequest(
      "RegistryName must be 1-64 characters: letters, digits, '.', '-', '_' and '@'.",
      "RegistryName",
    );
  checkDescription(input.description);
  checkTags(input.tags);
  return withTransaction(async (tx) => {
    const row: RegistryRow = {
      id: randomUUID(),
      tenantId: tenant.id,
      name: input.name,
      arn: registryArn(tenant, input.name),
      description: input.description ?? null,
      tags: input.tags ?? {},
    };
    if (!(await insertRegistry(tx, row))) throw schemasConflict(`Registry with name '${input.name}' already exists.`);
    await recordAudit(
      actor,
      tenant.id,
      "schema-registry.create",
      { type: "schema-registry", id: row.id },
      { after: { name: row.name } },
      tx,
    );
    return row;
  });
}

export async function describeRegistry(actor: Actor, tenant: TenantRef, name: string): Promise<RegistryRow> {
  assertCan(actor.role, "resource:read");
  return requireRegistry(pool(), tenant, name);
}

export async function updateRegistry(
  actor: Actor,
  tenant: TenantRef,
  input: { name: string; description?: string },
): Promise<RegistryRow> {
  assertCan(actor.role, "resource:write");
  checkDescription(input.description);
  const row = await updateRegistryDescription(pool(), tenant.id, input.name, input.description ?? null);
  if (!row) throw registryNotFound(input.name);
  return row;
}

export async function deleteRegistry(actor: Actor, tenant: TenantRef, name: string): Promise<void> {
  assertCan(actor.role, "resource:write");
  await withTransaction(async (tx) => {
    const r = await requireRegistry(tx, tenant, name);
    await deleteRegistryRow(tx, tenant.id, name);
    await recordAudit(
      actor,
      tenant.id,
      "schema-registry.delete",
      { type: "schema-registry", id: r.id },
      { before: { name } },
      tx,
    );
  });
}

export async function listRegistries(
  actor: Actor,
  tenant: TenantRef,
  input: { prefix?: string; limit?: number; nextToken?: string; scope?: string },
): Promise<{ registries: RegistryRow[]; nextToken?: string }> {
  assertCan(actor.role, "resource:read");
  if (input.scope !== undefined && input.scope !== "LOCAL" && input.scope !== "AWS")
    throw schemasBadRequest("Scope must be LOCAL or AWS.", "Scope");
  const limit = pageLimit(input.limit);
  // The AWS-owned registries (aws.events, …) are not served here: only the tenant's own.
  if (input.scope === "AWS") return { registries: [] };
  const after = decodeToken<string>(input.nextToken, "string");
  const rows = await listRegistryRows(pool(), tenant.id, { prefix: input.prefix, after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  return { registries: page, nextToken: rows.length > limit ? encodeToken(page[page.length - 1]!.name) : undefined };
}

// ---------- schemas

export type SchemaView = SchemaRow & { registryName: string; version: SchemaVersionRow };

async function requireSchema(
  db: Queryable,
  tenant: TenantRef,
  registryName: string,
  schemaName: string,
  forUpdate = false,
) {
  const registry = await requireRegistry(db, tenant, registryName);
  const schema = await findSchema(db, tenant.id, registry.id, schemaName, { forUpdate });
  if (!schema) throw schemaNotFound(schemaName);
  return { registry, schema };
}

function parseVersion(v: string | undefined): number | undefined {
  if (v === undefined || v === "") return undefined;
  if (!/^[1-9][0-9]{0,8}$/.test(v))
    throw schemasBadRequest("SchemaVersion must be a positive integer.", "SchemaVersion");
  return Number(v);
}

async function versionOf(db: Queryable, schema: SchemaRow, version: string | undefined): Promise<SchemaVersionRow> {
  const n = parseVersion(version);
  const row = n === undefined ? await latestSchemaVersion(db, schema.id) : await findSchemaVersion(db, schema.id, n);
  if (!row)
    throw schemasNotFound(
      `Schema version '${version ?? schema.latestVersion}' of schema '${schema.name}' does not exist.`,
    );
  return row;
}

export async function createSchema(
  actor: Actor,
  tenant: TenantRef,
  input: {
    registryName: string;
    schemaName: string;
    type: string;
    content: string;
    description?: string;
    tags?: Record<string, string>;
  },
): Promise<SchemaView> {
  assertCan(actor.role, "resource:write");
  if (!SCHEMA_NAME.test(input.schemaName))
    throw schemasBadRequest(
      "SchemaName must be 1-385 characters: letters, digits, '.', '-', '_' and '@'.",
      "SchemaName",
    );
  checkDescription(input.description);
  checkTags(input.tags);
  parseSchemaContent(input.type, input.content);
  return withTransaction(async (tx) => {
    const registry = await requireRegistry(tx, tenant, input.registryName);
    const row = await insertSchema(
      tx,
      {
        id: randomUUID(),
        tenantId: tenant.id,
        registryId: registry.id,
        name: input.schemaName,
        arn: schemaArn(tenant, registry.name, input.schemaName),
        type: input.type,
        description: input.description ?? null,
        tags: input.tags ?? {},
        discoveredShape: null,
        source: null,
        detailType: null,
      },
      input.content,
    );
    if (!row) throw schemasConflict(`Schema with name '${input.schemaName}' already exists.`);
    await recordAudit(
      actor,
      tenant.id,
      "schema.create",
      { type: "schema", id: row.id },
      { after: { name: row.name, registry: registry.name } },
      tx,
    );
    return { ...row, registryName: registry.name, version: (await latestSchemaVersion(tx, row.id))! };
  });
}

export async function describeSchema(
  actor: Actor,
  tenant: TenantRef,
  input: { registryName: string; schemaName: string; version?: string },
): Promise<SchemaView> {
  assertCan(actor.role, "resource:read");
  const db = pool();
  const { registry, schema } = await requireSchema(db, tenant, input.registryName, input.schemaName);
  return { ...schema, registryName: registry.name, version: await versionOf(db, schema, input.version) };
}

export async function updateSchema(
  actor: Actor,
  tenant: TenantRef,
  input: { registryName: string; schemaName: string; type?: string; content?: string; description?: string },
): Promise<SchemaView> {
  assertCan(actor.role, "resource:write");
  checkDescription(input.description);
  return withTransaction(async (tx) => {
    const { registry, schema } = await requireSchema(tx, tenant, input.registryName, input.schemaName, true);
    const current = (await latestSchemaVersion(tx, schema.id))!;
    let row = schema;
    if (input.content !== undefined || input.type !== undefined) {
      const type = input.type ?? current.type;
      const content = input.content ?? current.content;
      parseSchemaContent(type, content);
      // The same document again is no new version (AWS answers with the current one).
      if (content !== current.content || type !== current.type)
        row = await addSchemaVersion(tx, schema.id, { type, content, description: input.description });
      else if (input.description !== undefined) row = await updateSchemaDescription(tx, schema.id, input.description);
    } else if (input.description !== undefined) {
      row = await updateSchemaDescription(tx, schema.id, input.description);
    } else {
      throw schemasBadRequest("Nothing to update: give Content, Type or Description.", "Content");
    }
    await recordAudit(
      actor,
      tenant.id,
      "schema.update",
      { type: "schema", id: row.id },
      { after: { name: row.name, version: row.latestVersion } },
      tx,
    );
    return { ...row, registryName: registry.name, version: (await latestSchemaVersion(tx, row.id))! };
  });
}

export async function deleteSchema(
  actor: Actor,
  tenant: TenantRef,
  input: { registryName: string; schemaName: string },
) {
  assertCan(actor.role, "resource:write");
  await withTransaction(async (tx) => {
    const { schema } = await requireSchema(tx, tenant, input.registryName, input.schemaName, true);
    await deleteSchemaRow(tx, tenant.id, schema.id);
    // A deleted discovered schema is discovered again from the next matching events (as on AWS).
    if (schema.source !== null && schema.detailType !== null) {
      await forgetShapes(tx, tenant.id, schema.source, schema.detailType);
      forgetKnownShapes();
    }
    await recordAudit(
      actor,
      tenant.id,
      "schema.delete",
      { type: "schema", id: schema.id },
      { before: { name: schema.name } },
      tx,
    );
  });
}

export async function deleteSchemaVersion(
  actor: Actor,
  tenant: TenantRef,
  input: { registryName: string; schemaName: string; version: string },
) {
  assertCan(actor.role, "resource:write");
  const n = parseVersion(input.version);
  if (n === undefined) throw schemasBadRequest("SchemaVersion is required.", "SchemaVersion");
  await withTransaction(async (tx) => {
    const { schema } = await requireSchema(tx, tenant, input.registryName, input.schemaName, true);
    if (n === schema.latestVersion)
      throw schemasBadRequest(
        "The latest version of a schema cannot be deleted; delete the schema instead.",
        "SchemaVersion",
      );
    if (!(await deleteSchemaVersionRow(tx, schema.id, n)))
      throw schemasNotFound(`Schema version '${n}' of schema '${schema.name}' does not exist.`);
  });
}

export async function listSchemas(
  actor: Actor,
  tenant: TenantRef,
  input: { registryName: string; prefix?: string; limit?: number; nextToken?: string },
): Promise<{ schemas: SchemaRow[]; nextToken?: string }> {
  assertCan(actor.role, "resource:read");
  const limit = pageLimit(input.limit);
  const db = pool();
  const registry = await requireRegistry(db, tenant, input.registryName);
  const after = decodeToken<string>(input.nextToken, "string");
  const rows = await listSchemaRows(db, tenant.id, registry.id, { prefix: input.prefix, after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  return { schemas: page, nextToken: rows.length > limit ? encodeToken(page[page.length - 1]!.name) : undefined };
}

/** A schema's versions, newest first. */
export async function listSchemaVersions(
  actor: Actor,
  tenant: TenantRef,
  input: { registryName: string; schemaName: string; limit?: number; nextToken?: string },
): Promise<{ schema: SchemaRow; versions: SchemaVersionRow[]; nextToken?: string }> {
  assertCan(actor.role, "resource:read");
  const limit = pageLimit(input.limit);
  const db = pool();
  const { schema } = await requireSchema(db, tenant, input.registryName, input.schemaName);
  const after = decodeToken<number>(input.nextToken, "number");
  const rows = await listVersionRows(db, schema.id, { after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  return {
    schema,
    versions: page,
    nextToken: rows.length > limit ? encodeToken(page[page.length - 1]!.version) : undefined,
  };
}

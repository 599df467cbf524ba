import { isAppError } from "../../core/errors";
import type { Actor } from "../../auth/permissions";
import { createDiscoverer, discovererIdFor, listDiscoverers, setDiscovererState } from "../schemas/discoverer.service";
import { DISCOVERED_REGISTRY, describeSchema, listSchemaVersions, listSchemas } from "../schemas/schema.service";
import { downloadSchema, schemaTypeScript } from "../schemas/schema-export.service";
import type { SchemaRow } from "../schemas/schema.repository";
import { describeBus } from "./bus.service";

// The bus page's Schemas tab: the schema helper's use cases (DescribeDiscoverer, ListSchemas,
// ExportSchema …) for the bus's discoverer and the discovered-schemas registry.

type Tenant = { id: string; accountId: string };

/** The bus's discoverer (null when discovery was never started) and the discovered schemas of its events. */
export async function consoleSchemas(actor: Actor, tenant: Tenant, busName: string) {
  const bus = await describeBus(actor, { tenantId: tenant.id, accountId: tenant.accountId }, busName);
  const { discoverers } = await listDiscoverers(actor, tenant, { sourceArnPrefix: bus.arn, limit: 100 });
  const discoverer = discoverers.find((d) => d.sourceArn === bus.arn) ?? null;
  const schemas: SchemaRow[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await listSchemas(actor, tenant, { registryName: DISCOVERED_REGISTRY, nextToken, limit: 100 });
      schemas.push(...page.schemas);
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (err) {
    // The registry appears with the first discovered schema.
    if (!(isAppError(err) && err.code === "not_found")) throw err;
  }
  return {
    discoverer: discoverer && { id: discoverer.discovererId, arn: discoverer.arn, state: discoverer.state },
    schemas: schemas.map((s) => ({
      name: s.name,
      arn: s.arn,
      source: s.source,
      detailType: s.detailType,
      latestVersion: s.latestVersion,
      versionCount: s.versionCount,
      lastModified: s.lastModified,
    })),
  };
}

export async function consoleSetDiscovery(actor: Actor, tenant: Tenant, busName: string, started: boolean) {
  const bus = await describeBus(actor, { tenantId: tenant.id, accountId: tenant.accountId }, busName);
  const { discoverers } = await listDiscoverers(actor, tenant, { sourceArnPrefix: bus.arn, limit: 100 });
  const d = discoverers.find((x) => x.sourceArn === bus.arn);
  if (!d) {
    if (!started) return { state: "STOPPED" as const };
    const made = await createDiscoverer(actor, tenant, { sourceArn: bus.arn });
    return { state: made.state };
  }
  const next = await setDiscovererState(
    actor,
    tenant,
    d.discovererId ?? discovererIdFor(bus.name),
    started ? "STARTED" : "STOPPED",
  );
  return { state: next.state };
}

/** One discovered schema: its versions, the chosen version's TypeScript type, JSON Schema and OpenAPI documents. */
export async function consoleSchema(actor: Actor, tenant: Tenant, input: { name: string; version?: string }) {
  const ref = { registryName: DISCOVERED_REGISTRY, schemaName: input.name, version: input.version };
  const [view, versions, typescript, jsonSchema, openApi] = await Promise.all([
    describeSchema(actor, tenant, ref),
    listSchemaVersions(actor, tenant, { registryName: DISCOVERED_REGISTRY, schemaName: input.name, limit: 100 }),
    schemaTypeScript(actor, tenant, ref),
    downloadSchema(actor, tenant, { ...ref, format: "json-schema" }),
    downloadSchema(actor, tenant, { ...ref, format: "openapi" }),
  ]);
  return {
    name: view.name,
    version: view.version.version,
    createdAt: view.version.createdAt,
    versions: versions.versions.map((v) => ({ version: v.version, createdAt: v.createdAt })),
    typescript,
    jsonSchema,
    openApi,
  };
}

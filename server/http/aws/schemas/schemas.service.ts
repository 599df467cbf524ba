import { z } from "zod";
import { AppError, type AppErrorCode } from "../../../core/errors";
import { restJsonErrorReply } from "../rest-json";
import type { AwsAction, AwsCall, AwsReply, AwsService, RestJsonRoute } from "../types";
import {
  createRegistry,
  createSchema,
  deleteRegistry,
  deleteSchema,
  deleteSchemaVersion,
  describeRegistry,
  describeSchema,
  listRegistries,
  listSchemaVersions,
  listSchemas,
  updateRegistry,
  updateSchema,
  type SchemaView,
} from "../../../domains/schemas/schema.service";
import { discoverSchemaFromEvents, exportSchema } from "../../../domains/schemas/schema-export.service";
import {
  createDiscoverer,
  deleteDiscoverer,
  describeDiscoverer,
  listDiscoverers,
  setDiscovererState,
  updateDiscoverer,
} from "../../../domains/schemas/discoverer.service";
import { listSchemaTags, tagSchemaResource, untagSchemaResource } from "../../../domains/schemas/schema-tags.service";
import type { DiscovererRow, RegistryRow, SchemaRow } from "../../../domains/schemas/schema.repository";

// EventBridge Schemas on the AWS door (REST JSON, SigV4 service `schemas`, API 2019-12-02). This
// file maps paths and bodies to the schema registry's use cases and renders Schemas' shapes:
// PascalCase members except `tags`, ISO 8601 timestamps, errors as { Code, Message } with the code
// in x-amzn-ErrorType and the status of that error.

const R = (method: string, path: string, action: string): RestJsonRoute => ({ method, path, action });
const SCHEMA = "/v1/registries/name/{registryName}/schemas/name/{schemaName}";
export const SCHEMAS_ROUTES: RestJsonRoute[] = [
  R("POST", "/v1/discover", "GetDiscoveredSchema"),
  R("POST", "/v1/discoverers", "CreateDiscoverer"),
  R("GET", "/v1/discoverers", "ListDiscoverers"),
  R("GET", "/v1/discoverers/id/{discovererId}", "DescribeDiscoverer"),
  R("PUT", "/v1/discoverers/id/{discovererId}", "UpdateDiscoverer"),
  R("DELETE", "/v1/discoverers/id/{discovererId}", "DeleteDiscoverer"),
  R("POST", "/v1/discoverers/id/{discovererId}/start", "StartDiscoverer"),
  R("POST", "/v1/discoverers/id/{discovererId}/stop", "StopDiscoverer"),
  R("GET", "/v1/registries", "ListRegistries"),
  R("POST", "/v1/registries/name/{registryName}", "CreateRegistry"),
  R("GET", "/v1/registries/name/{registryName}", "DescribeRegistry"),
  R("PUT", "/v1/registries/name/{registryName}", "UpdateRegistry"),
  R("DELETE", "/v1/registries/name/{registryName}", "DeleteRegistry"),
  R("GET", "/v1/registries/name/{registryName}/schemas", "ListSchemas"),
  R("POST", SCHEMA, "CreateSchema"),
  R("GET", SCHEMA, "DescribeSchema"),
  R("PUT", SCHEMA, "UpdateSchema"),
  R("DELETE", SCHEMA, "DeleteSchema"),
  R("GET", `${SCHEMA}/versions`, "ListSchemaVersions"),
  R("GET", `${SCHEMA}/export`, "ExportSchema"),
  R("DELETE", `${SCHEMA}/version/{schemaVersion}`, "DeleteSchemaVersion"),
  R("POST", "/tags/{ResourceArn}", "TagResource"),
  R("DELETE", "/tags/{ResourceArn}", "UntagResource"),
  R("GET", "/tags/{ResourceArn}", "ListTagsForResource"),
];

const badRequest = (message: string) =>
  new AppError("validation", message, { awsCode: "BadRequestException", awsStatus: 400 });

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join(".") || "body";
  throw badRequest(`Invalid request: ${field}: ${issue.message}`);
}

const tags = z.record(z.string(), z.string()).optional();

function json(body: unknown, status = 200): AwsReply {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
const noContent = (): AwsReply => ({ status: 204, headers: {}, body: "" });

function path(call: AwsCall, name: string): string {
  const v = call.pathParams?.[name];
  if (!v) throw badRequest(`Invalid request: ${name} is required.`);
  return v;
}
function query(call: AwsCall, name: string): string | undefined {
  const v = call.query?.get(name);
  return v === null || v === undefined || v === "" ? undefined : v;
}
function queryInt(call: AwsCall, name: string): number | undefined {
  const v = query(call, name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`Invalid request: ${name} must be an integer.`);
  return Number(v);
}

const registryOut = (r: RegistryRow) => ({
  Description: r.description ?? undefined,
  RegistryArn: r.arn,
  RegistryName: r.name,
  tags: r.tags,
});
const discovererOut = (d: DiscovererRow) => ({
  Description: d.description ?? undefined,
  DiscovererArn: d.arn,
  DiscovererId: d.discovererId,
  SourceArn: d.sourceArn,
  State: d.state,
  CrossAccount: d.crossAccount,
  tags: d.tags,
});
const schemaOut = (s: SchemaView, withContent: boolean) => ({
  ...(withContent ? { Content: s.version.content } : {}),
  Description: s.description ?? undefined,
  LastModified: s.lastModified.toISOString(),
  SchemaArn: s.arn,
  SchemaName: s.name,
  SchemaVersion: String(s.version.version),
  tags: s.tags,
  Type: s.version.type,
  VersionCreatedDate: s.version.createdAt.toISOString(),
});
const schemaSummary = (s: SchemaRow) => ({
  LastModified: s.lastModified.toISOString(),
  SchemaArn: s.arn,
  SchemaName: s.name,
  tags: s.tags,
  VersionCount: s.versionCount,
});

const createDiscovererBody = z.object({
  Description: z.string().optional(),
  SourceArn: z.string(),
  CrossAccount: z.boolean().optional(),
  tags,
});
const updateDiscovererBody = z.object({ Description: z.string().optional(), CrossAccount: z.boolean().optional() });
const registryBody = z.object({ Description: z.string().optional(), tags });
const createSchemaBody = z.object({ Content: z.string(), Description: z.string().optional(), Type: z.string(), tags });
const updateSchemaBody = z.object({
  ClientTokenId: z.string().max(36).optional(),
  Content: z.string().optional(),
  Description: z.string().optional(),
  Type: z.string().optional(),
});
const discoverBody = z.object({ Events: z.array(z.string()), Type: z.string() });

const tagBody = z.object({ tags: z.record(z.string(), z.string()) });

const actions: Array<[string, AwsAction]> = [
  [
    "TagResource",
    async (call) => {
      const b = parse(tagBody, call.json);
      await tagSchemaResource(call.ctx.actor, call.ctx.tenant, path(call, "ResourceArn"), b.tags);
      return noContent();
    },
  ],
  [
    "UntagResource",
    async (call) => {
      const keys = call.query?.getAll("tagKeys") ?? [];
      if (!keys.length) throw badRequest("Invalid request: tagKeys is required.");
      await untagSchemaResource(call.ctx.actor, call.ctx.tenant, path(call, "ResourceArn"), keys);
      return noContent();
    },
  ],
  [
    "ListTagsForResource",
    async (call) => json({ tags: await listSchemaTags(call.ctx.actor, call.ctx.tenant, path(call, "ResourceArn")) }),
  ],
  [
    "GetDiscoveredSchema",
    async (call) => {
      const b = parse(discoverBody, call.json);
      return json({ Content: discoverSchemaFromEvents(b.Events, b.Type) });
    },
  ],
  [
    "CreateDiscoverer",
    async (call) => {
      const b = parse(createDiscovererBody, call.json);
      const d = await createDiscoverer(call.ctx.actor, call.ctx.tenant, {
        sourceArn: b.SourceArn,
        description: b.Description,
        crossAccount: b.CrossAccount,
        tags: b.tags,
      });
      return json(discovererOut(d), 201);
    },
  ],
  [
    "ListDiscoverers",
    async (call) => {
      const r = await listDiscoverers(call.ctx.actor, call.ctx.tenant, {
        idPrefix: query(call, "discovererIdPrefix"),
        sourceArnPrefix: query(call, "sourceArnPrefix"),
        limit: queryInt(call, "limit"),
        nextToken: query(call, "nextToken"),
      });
      return json({
        Discoverers: r.discoverers.map((d) => {
          const { Description: _d, ...summary } = discovererOut(d);
          void _d;
          return summary;
        }),
        NextToken: r.nextToken,
      });
    },
  ],
  [
    "DescribeDiscoverer",
    async (call) =>
      json(discovererOut(await describeDiscoverer(call.ctx.actor, call.ctx.tenant, path(call, "discovererId")))),
  ],
  [
    "UpdateDiscoverer",
    async (call) => {
      const b = parse(updateDiscovererBody, call.json);
      const d = await updateDiscoverer(call.ctx.actor, call.ctx.tenant, {
        discovererId: path(call, "discovererId"),
        description: b.Description,
        crossAccount: b.CrossAccount,
      });
      return json(discovererOut(d));
    },
  ],
  [
    "DeleteDiscoverer",
    async (call) => {
      await deleteDiscoverer(call.ctx.actor, call.ctx.tenant, path(call, "discovererId"));
      return noContent();
    },
  ],
  [
    "StartDiscoverer",
    async (call) => {
      const d = await setDiscovererState(call.ctx.actor, call.ctx.tenant, path(call, "discovererId"), "STARTED");
      return json({ DiscovererId: d.discovererId, State: d.state });
    },
  ],
  [
    "StopDiscoverer",
    async (call) => {
      const d = await setDiscovererState(call.ctx.actor, call.ctx.tenant, path(call, "discovererId"), "STOPPED");
      return json({ DiscovererId: d.discovererId, State: d.state });
    },
  ],
  [
    "ListRegistries",
    async (call) => {
      const r = await listRegistries(call.ctx.actor, call.ctx.tenant, {
        prefix: query(call, "registryNamePrefix"),
        limit: queryInt(call, "limit"),
        nextToken: query(call, "nextToken"),
        scope: query(call, "scope"),
      });
      return json({
        NextToken: r.nextToken,
        Registries: r.registries.map((x) => ({ RegistryArn: x.arn, RegistryName: x.name, tags: x.tags })),
      });
    },
  ],
  [
    "CreateRegistry",
    async (call) => {
      const b = parse(registryBody, call.json);
      const r = await createRegistry(call.ctx.actor, call.ctx.tenant, {
        name: path(call, "registryName"),
        description: b.Description,
        tags: b.tags,
      });
      return json(registryOut(r), 201);
    },
  ],
  [
    "DescribeRegistry",
    async (call) =>
      json(registryOut(await describeRegistry(call.ctx.actor, call.ctx.tenant, path(call, "registryName")))),
  ],
  [
    "UpdateRegistry",
    async (call) => {
      const b = parse(registryBody, call.json);
      const r = await updateRegistry(call.ctx.actor, call.ctx.tenant, {
        name: path(call, "registryName"),
        description: b.Description,
      });
      return json(registryOut(r));
    },
  ],
  [
    "DeleteRegistry",
    async (call) => {
      await deleteRegistry(call.ctx.actor, call.ctx.tenant, path(call, "registryName"));
      return noContent();
    },
  ],
  [
    "ListSchemas",
    async (call) => {
      const r = await listSchemas(call.ctx.actor, call.ctx.tenant, {
        registryName: path(call, "registryName"),
        prefix: query(call, "schemaNamePrefix"),
        limit: queryInt(call, "limit"),
        nextToken: query(call, "nextToken"),
      });
      return json({ NextToken: r.nextToken, Schemas: r.schemas.map(schemaSummary) });
    },
  ],
  [
    "CreateSchema",
    async (call) => {
      const b = parse(createSchemaBody, call.json);
      const s = await createSchema(call.ctx.actor, call.ctx.tenant, {
        registryName: path(call, "registryName"),
        schemaName: path(call, "schemaName"),
        type: b.Type,
        content: b.Content,
        description: b.Description,
        tags: b.tags,
      });
      return json(schemaOut(s, false), 201);
    },
  ],
  [
    "DescribeSchema",
    async (call) => {
      const s = await describeSchema(call.ctx.actor, call.ctx.tenant, {
        registryName: path(call, "registryName"),
        schemaName: path(call, "schemaName"),
        version: query(call, "schemaVersion"),
      });
      return json(schemaOut(s, true));
    },
  ],
  [
    "UpdateSchema",
    async (call) => {
      const b = parse(updateSchemaBody, call.json);
      const s = await updateSchema(call.ctx.actor, call.ctx.tenant, {
        registryName: path(call, "registryName"),
        schemaName: path(call, "schemaName"),
        type: b.Type,
        content: b.Content,
        description: b.Description,
      });
      return json(schemaOut(s, false));
    },
  ],
  [
    "DeleteSchema",
    async (call) => {
      await deleteSchema(call.ctx.actor, call.ctx.tenant, {
        registryName: path(call, "registryName"),
        schemaName: path(call, "schemaName"),
      });
      return noContent();
    },
  ],
  [
    "DeleteSchemaVersion",
    async (call) => {
      await deleteSchemaVersion(call.ctx.actor, call.ctx.tenant, {
        registryName: path(call, "registryName"),
        schemaName: path(call, "schemaName"),
        version: path(call, "schemaVersion"),
      });
      return noContent();
    },
  ],
  [
    "ListSchemaVersions",
    async (call) => {
      const r = await listSchemaVersions(call.ctx.actor, call.ctx.tenant, {
        registryName: path(call, "registryName"),
        schemaName: path(call, "schemaName"),
        limit: queryInt(call, "limit"),
        nextToken: query(call, "nextToken"),
      });
      return json({
        NextToken: r.nextToken,
        SchemaVersions: r.versions.map((v) => ({
          SchemaArn: r.schema.arn,
          SchemaName: r.schema.name,
          SchemaVersion: String(v.version),
          Type: v.type,
        })),
      });
    },
  ],
  [
    "ExportSchema",
    async (call) => {
      const type = query(call, "type");
      if (type !== "JSONSchemaDraft4") throw badRequest("Invalid request: type must be JSONSchemaDraft4.");
      const s = await exportSchema(call.ctx.actor, call.ctx.tenant, {
        registryName: path(call, "registryName"),
        schemaName: path(call, "schemaName"),
        version: query(call, "schemaVersion"),
        type,
      });
      return json({
        Content: s.exported,
        SchemaArn: s.arn,
        SchemaName: s.name,
        SchemaVersion: String(s.version.version),
        Type: s.exportType,
      });
    },
  ],
];

/** Schemas' error codes and statuses for errors that did not name one of them. */
const CODES: Record<AppErrorCode, [string, number]> = {
  validation: ["BadRequestException", 400],
  unauthenticated: ["UnauthorizedException", 401],
  forbidden: ["ForbiddenException", 403],
  not_found: ["NotFoundException", 404],
  conflict: ["ConflictException", 409],
  rate_limited: ["TooManyRequestsException", 429],
  too_large: ["BadRequestException", 400],
  unsupported: ["BadRequestException", 400],
  unavailable: ["ServiceUnavailableException", 503],
  internal: ["InternalServerErrorException", 500],
};
const SCHEMAS_CODES = new Set(
  Object.values(CODES)
    .map(([c]) => c)
    .concat(["GoneException", "PreconditionFailedException"]),
);

export const schemasService: AwsService = {
  name: "schemas",
  actions: new Map(actions),
  routes: SCHEMAS_ROUTES,
  encodingErrorCode: "BadRequestException",
  renderError(err, c) {
    const [fallbackCode, fallbackStatus] = CODES[err.code];
    const own = err.awsCode !== undefined && SCHEMAS_CODES.has(err.awsCode);
    const code = own ? err.awsCode! : fallbackCode;
    const reply = restJsonErrorReply(err, c.requestId, code, { Code: code });
    return { ...reply, status: own ? (err.awsStatus ?? fallbackStatus) : fallbackStatus };
  },
};

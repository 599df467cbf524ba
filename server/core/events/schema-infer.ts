// Schema inference for the schema registry's discovery: pure code, no I/O.
//
// Discovery sees events one by one. Each event's `detail` is turned into a JSON Schema (draft-04
// vocabulary, the one EventBridge Schemas exports) describing exactly that value's shape; shapes
// of the same source + detail-type are merged (properties union, `required` intersection, type
// union with integer ⊂ number). A merged shape that differs from the stored one is a new schema
// version, so a version only ever grows to accept more events.
//
// The stored document is rendered like AWS's discovered schemas: OpenAPI 3 with an `AWSEvent`
// component for the envelope (x-amazon-events-source / -detail-type), the detail as its own
// component named after the detail-type, and nested objects hoisted into named components.
// `toJsonSchemaDraft4` converts such a document for ExportSchema and downloads.
import { createHash } from "node:crypto";

export type JsonType = "string" | "number" | "integer" | "boolean" | "object" | "array" | "null";

/** The JSON Schema subset discovery infers (draft-04 keywords). */
export type InferredSchema = {
  type?: JsonType | JsonType[];
  format?: string;
  properties?: Record<string, InferredSchema>;
  required?: string[];
  items?: InferredSchema;
};

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_DEPTH = 32;

/** The shape of one JSON value. */
export function inferSchema(value: unknown, depth = 0): InferredSchema {
  if (value === null) return { type: "null" };
  if (typeof value === "string")
    return ISO_DATE_TIME.test(value) ? { type: "string", format: "date-time" } : { type: "string" };
  if (typeof value === "number") return { type: Number.isInteger(value) ? "integer" : "number" };
  if (typeof value === "boolean") return { type: "boolean" };
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return { type: "array" };
    let items: InferredSchema | undefined;
    for (const v of value) {
      const s = inferSchema(v, depth + 1);
      items = items ? mergeSchemas(items, s) : s;
    }
    return items ? { type: "array", items } : { type: "array" };
  }
  if (typeof value === "object") {
    if (depth >= MAX_DEPTH) return { type: "object" };
    const properties: Record<string, InferredSchema> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) properties[k] = inferSchema(v, depth + 1);
    const keys = Object.keys(properties).sort();
    return keys.length ? { type: "object", properties: sortKeys(properties), required: keys } : { type: "object" };
  }
  return {};
}

function typesOf(s: InferredSchema): JsonType[] {
  if (s.type === undefined) return [];
  return Array.isArray(s.type) ? s.type : [s.type];
}

const TYPE_ORDER: JsonType[] = ["object", "array", "string", "number", "integer", "boolean", "null"];

/** The least schema accepting everything `a` or `b` accepts (within the inferred vocabulary). */
export function mergeSchemas(a: InferredSchema, b: InferredSchema): InferredSchema {
  const types = new Set([...typesOf(a), ...typesOf(b)]);
  if (types.has("number")) types.delete("integer");
  const ordered = TYPE_ORDER.filter((t) => types.has(t));
  const out: InferredSchema = {};
  if (ordered.length === 1) out.type = ordered[0];
  else if (ordered.length > 1) out.type = ordered;

  if (types.has("string")) {
    const aStr = typesOf(a).includes("string");
    const bStr = typesOf(b).includes("string");
    const fmt = aStr && bStr ? (a.format === b.format ? a.format : undefined) : aStr ? a.format : b.format;
    if (fmt) out.format = fmt;
  }
  if (types.has("object")) {
    const aObj = typesOf(a).includes("object");
    const bObj = typesOf(b).includes("object");
    const props: Record<string, InferredSchema> = {};
    const ap = a.properties ?? {};
    const bp = b.properties ?? {};
    for (const k of new Set([...Object.keys(ap), ...Object.keys(bp)])) {
      props[k] = ap[k] && bp[k] ? mergeSchemas(ap[k], bp[k]) : (ap[k] ?? bp[k])!;
    }
    if (Object.keys(props).length) out.properties = sortKeys(props);
    // A key is required only if every object seen so far had it.
    const req =
      aObj && bObj
        ? (a.required ?? []).filter((k) => (b.required ?? []).includes(k))
        : aObj
          ? (a.required ?? [])
          : (b.required ?? []);
    if (req.length) out.required = [...req].sort();
  }
  if (types.has("array")) {
    const items = a.items && b.items ? mergeSchemas(a.items, b.items) : (a.items ?? b.items);
    if (items) out.items = items;
  }
  return out;
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k]!;
  return out;
}

/** A stable text of a JSON value (object keys sorted): equal schemas give equal texts. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/** A short digest of a shape: discovery records each distinct shape once. */
export function shapeFingerprint(s: InferredSchema): string {
  return createHash("sha256").update(canonicalJson(s)).digest("hex").slice(0, 32);
}

/** Whether folding `incoming` into `current` changes it, and the merged schema. */
export function foldShape(
  current: InferredSchema | null,
  incoming: InferredSchema,
): { merged: InferredSchema; changed: boolean } {
  if (!current) return { merged: incoming, changed: true };
  const merged = mergeSchemas(current, incoming);
  return { merged, changed: canonicalJson(merged) !== canonicalJson(current) };
}

/** "EC2 Instance State-change Notification" → "EC2InstanceStateChangeNotification" (AWS's naming). */
export function pascalCase(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const s = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
  if (!s) return "Event";
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

/** The discovered schema's name: `<source>@<DetailTypeInPascalCase>`, as EventBridge names them. */
export function discoveredSchemaName(source: string, detailType: string): string {
  return `${source}@${pascalCase(detailType)}`.slice(0, 385);
}

type OpenApiSchema = Record<string, unknown>;

/** Envelope fields of every event and their schemas, in AWS's discovered-schema order. */
const ENVELOPE_PROPERTIES: Array<[string, OpenApiSchema]> = [
  ["account", { type: "string" }],
  ["detail-type", { type: "string" }],
  ["id", { type: "string" }],
  ["region", { type: "string" }],
  ["resources", { type: "array", items: { type: "string" } }],
  ["source", { type: "string" }],
  ["time", { type: "string", format: "date-time" }],
  ["version", { type: "string" }],
];
const ENVELOPE_REQUIRED = [
  "detail-type",
  "resources",
  "detail",
  "id",
  "source",
  "time",
  "region",
  "version",
  "account",
];

/**
 * The OpenAPI 3 document of a discovered schema: `AWSEvent` (the envelope) refers to the detail's
 * component; nested objects become components named after their property (suffixed on clashes).
 */
export function toOpenApiDocument(detail: InferredSchema, meta: { source: string; detailType: string }): OpenApiSchema {
  const components: Record<string, OpenApiSchema> = {};
  const detailName = uniqueName(pascalCase(meta.detailType), components, new Set(["AWSEvent"]));
  const taken = new Set(["AWSEvent", detailName]);
  const render = (s: InferredSchema, name: string, asComponent: boolean): OpenApiSchema => {
    const types = typesOf(s);
    const nonNull = types.filter((t) => t !== "null");
    const nullable = types.includes("null");
    const out: OpenApiSchema = {};
    if (nonNull.length === 1) out.type = nonNull[0];
    else if (nonNull.length > 1) {
      // OpenAPI 3 has no type arrays: each alternative is its own schema.
      out.anyOf = nonNull.map((t) => render(narrow(s, t), name, false));
      if (nullable) out.nullable = true;
      return out;
    }
    if (nullable) out.nullable = true;
    if (s.format && out.type === "string") out.format = s.format;
    if (out.type === "object" && s.properties && Object.keys(s.properties).length) {
      if (!asComponent) {
        const compName = uniqueName(pascalCase(name), components, taken);
        taken.add(compName);
        components[compName] = {};
        components[compName] = render(s, compName, true);
        return { $ref: `#/components/schemas/${compName}`, ...(nullable ? { nullable: true } : {}) };
      }
      if (s.required?.length) out.required = [...s.required];
      const props: Record<string, OpenApiSchema> = {};
      for (const [k, v] of Object.entries(s.properties)) props[k] = render(v, k, false);
      out.properties = props;
    }
    if (out.type === "array" && s.items) out.items = render(s.items, singular(name), false);
    return out;
  };
  const detailTypes = typesOf(detail);
  const detailIsObject = detailTypes.length === 1 && detailTypes[0] === "object";
  components[detailName] = {};
  components[detailName] = detailIsObject ? render(detail, detailName, true) : render(detail, detailName, false);
  const envelopeProps: Record<string, OpenApiSchema> = {
    detail: { $ref: `#/components/schemas/${detailName}` },
  };
  for (const [k, v] of ENVELOPE_PROPERTIES) envelopeProps[k] = v;
  return {
    openapi: "3.0.0",
    info: { version: "1.0.0", title: detailName },
    paths: {},
    components: {
      schemas: {
        AWSEvent: {
          type: "object",
          required: ENVELOPE_REQUIRED,
          "x-amazon-events-detail-type": meta.detailType,
          "x-amazon-events-source": meta.source,
          properties: envelopeProps,
        },
        ...components,
      },
    },
  };
}

function narrow(s: InferredSchema, t: JsonType): InferredSchema {
  const out: InferredSchema = { type: t };
  if (t === "string" && s.format) out.format = s.format;
  if (t === "object") {
    if (s.properties) out.properties = s.properties;
    if (s.required) out.required = s.required;
  }
  if (t === "array" && s.items) out.items = s.items;
  return out;
}

function singular(name: string): string {
  return name.length > 3 && name.endsWith("s") ? name.slice(0, -1) : `${name}Item`;
}

function uniqueName(base: string, existing: Record<string, unknown>, taken: Set<string>): string {
  let name = base;
  for (let i = 1; existing[name] !== undefined || taken.has(name); i++) name = `${base}_${i}`;
  return name;
}

/**
 * An OpenAPI 3 schema document as a JSON Schema draft-04 document (what ExportSchema returns):
 * the `AWSEvent` component (or the first component) is the root, the others become `definitions`,
 * `nullable` becomes a `"null"` type alternative and `$ref`s point into `#/definitions/`.
 */
export function toJsonSchemaDraft4(openApi: OpenApiSchema): OpenApiSchema {
  const schemas = ((openApi.components as OpenApiSchema | undefined)?.schemas ?? {}) as Record<string, OpenApiSchema>;
  const names = Object.keys(schemas);
  const rootName = schemas.AWSEvent ? "AWSEvent" : names[0];
  const title = ((openApi.info as OpenApiSchema | undefined)?.title as string | undefined) ?? rootName ?? "Schema";
  const definitions: Record<string, unknown> = {};
  for (const n of names) if (n !== rootName) definitions[n] = convertNode(schemas[n]);
  const root = rootName ? (convertNode(schemas[rootName]) as OpenApiSchema) : { type: "object" };
  return {
    $schema: "http://json-schema.org/draft-04/schema#",
    title,
    ...(Object.keys(definitions).length ? { definitions } : {}),
    ...root,
  };
}

function convertNode(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convertNode);
  if (!node || typeof node !== "object") return node;
  const src = node as OpenApiSchema;
  const out: OpenApiSchema = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === "nullable") continue;
    if (k === "$ref" && typeof v === "string") out.$ref = v.replace("#/components/schemas/", "#/definitions/");
    else if (k === "properties" && v && typeof v === "object") {
      const props: OpenApiSchema = {};
      for (const [pk, pv] of Object.entries(v as OpenApiSchema)) props[pk] = convertNode(pv);
      out.properties = props;
    } else out[k] = convertNode(v);
  }
  if (src.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    else if (out.$ref || out.anyOf)
      return { anyOf: [...((out.anyOf as unknown[]) ?? [{ $ref: out.$ref }]), { type: "null" }] };
  }
  return out;
}

/**
 * A JSON Schema draft-04 document as an OpenAPI 3 document: the root becomes the component named
 * after its title (AWSEvent when it has the EventBridge extensions), `definitions` the other
 * components, type arrays with "null" become `nullable`.
 */
export function jsonSchemaDraft4ToOpenApi(doc: OpenApiSchema): OpenApiSchema {
  const {
    definitions,
    $schema: _schema,
    title,
    ...root
  } = doc as OpenApiSchema & { definitions?: Record<string, unknown> };
  void _schema;
  const rootName =
    root["x-amazon-events-source"] !== undefined
      ? "AWSEvent"
      : pascalCase(typeof title === "string" ? title : "Schema");
  const schemas: Record<string, unknown> = { [rootName]: toOpenApiNode(root) };
  for (const [k, v] of Object.entries(definitions ?? {})) if (k !== rootName) schemas[k] = toOpenApiNode(v);
  return {
    openapi: "3.0.0",
    info: { version: "1.0.0", title: typeof title === "string" ? title : rootName },
    paths: {},
    components: { schemas },
  };
}

function toOpenApiNode(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toOpenApiNode);
  if (!node || typeof node !== "object") return node;
  const out: OpenApiSchema = {};
  for (const [k, v] of Object.entries(node as OpenApiSchema)) {
    if (k === "$ref" && typeof v === "string") out.$ref = v.replace("#/definitions/", "#/components/schemas/");
    else if (k === "properties" && v && typeof v === "object") {
      const props: OpenApiSchema = {};
      for (const [pk, pv] of Object.entries(v as OpenApiSchema)) props[pk] = toOpenApiNode(pv);
      out.properties = props;
    } else out[k] = toOpenApiNode(v);
  }
  if (Array.isArray(out.type)) {
    const types = (out.type as unknown[]).filter((t) => t !== "null");
    const nullable = types.length !== (out.type as unknown[]).length;
    if (types.length === 1) out.type = types[0];
    else if (types.length === 0) delete out.type;
    else {
      const rest = { ...out };
      delete rest.type;
      return { anyOf: types.map((t) => ({ ...rest, type: t })), ...(nullable ? { nullable: true } : {}) };
    }
    if (nullable) out.nullable = true;
  }
  return out;
}

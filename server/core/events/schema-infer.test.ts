import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  canonicalJson,
  discoveredSchemaName,
  foldShape,
  inferSchema,
  jsonSchemaDraft4ToOpenApi,
  mergeSchemas,
  pascalCase,
  shapeFingerprint,
  toJsonSchemaDraft4,
  toOpenApiDocument,
  type InferredSchema,
} from "./schema-infer";

// A small validator for the inferred vocabulary: the property tests check that a merged schema
// accepts every value it was merged from.
function accepts(s: InferredSchema, v: unknown): boolean {
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  if (!types.length) return true;
  const kind =
    v === null
      ? "null"
      : Array.isArray(v)
        ? "array"
        : typeof v === "number"
          ? Number.isInteger(v)
            ? "integer"
            : "number"
          : (typeof v as string);
  const ok = types.includes(kind as never) || (kind === "integer" && types.includes("number"));
  if (!ok) return false;
  if (kind === "object") {
    const o = v as Record<string, unknown>;
    if ((s.required ?? []).some((k) => !(k in o))) return false;
    return Object.entries(o).every(([k, x]) => !s.properties?.[k] || accepts(s.properties[k], x));
  }
  if (kind === "array") return (v as unknown[]).every((x) => !s.items || accepts(s.items, x));
  return true;
}

describe("inferSchema", () => {
  it.each([
    [null, { type: "null" }],
    ["x", { type: "string" }],
    ["2026-12-02T01:00:00Z", { type: "string", format: "date-time" }],
    [3, { type: "integer" }],
    [3.5, { type: "number" }],
    [true, { type: "boolean" }],
    [[], { type: "array" }],
    [[1, 2.5], { type: "array", items: { type: "number" } }],
    [{}, { type: "object" }],
    [
      { b: 1, a: "x" },
      { type: "object", properties: { a: { type: "string" }, b: { type: "integer" } }, required: ["a", "b"] },
    ],
  ])("%j", (value, expected) => {
    expect(inferSchema(value)).toEqual(expected);
  });

  it("merges array items of different objects: keys in all stay required", () => {
    expect(inferSchema([{ a: 1, b: 1 }, { a: 2 }])).toEqual({
      type: "array",
      items: { type: "object", properties: { a: { type: "integer" }, b: { type: "integer" } }, required: ["a"] },
    });
  });
});

describe("mergeSchemas / foldShape", () => {
  it("type unions, integer inside number, formats kept only when both agree", () => {
    expect(mergeSchemas({ type: "integer" }, { type: "number" })).toEqual({ type: "number" });
    expect(mergeSchemas({ type: "string" }, { type: "null" })).toEqual({ type: ["string", "null"] });
    expect(mergeSchemas({ type: "string", format: "date-time" }, { type: "string" })).toEqual({ type: "string" });
    expect(mergeSchemas({ type: "string", format: "date-time" }, { type: "integer" })).toEqual({
      type: ["string", "integer"],
      format: "date-time",
    });
  });

  it("a new optional property is a change; the same shape again is not", () => {
    const v1 = inferSchema({ orderId: "a", total: 3 });
    expect(foldShape(null, v1).changed).toBe(true);
    expect(foldShape(v1, inferSchema({ orderId: "b", total: 9 })).changed).toBe(false);
    const next = foldShape(v1, inferSchema({ orderId: "c", total: 1, coupon: "X" }));
    expect(next.changed).toBe(true);
    expect(next.merged.required).toEqual(["orderId", "total"]);
    expect(Object.keys(next.merged.properties ?? {})).toEqual(["coupon", "orderId", "total"]);
    // Seeing the already-merged shape again is stable.
    expect(foldShape(next.merged, inferSchema({ orderId: "d", total: 2 })).changed).toBe(false);
  });

  const json = fc.jsonValue({ maxDepth: 3 });
  it("a merged schema accepts both values (property)", () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        const m = mergeSchemas(inferSchema(a), inferSchema(b));
        return accepts(m, a) && accepts(m, b);
      }),
    );
  });
  it("merge is commutative, idempotent and the fingerprint follows it (property)", () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        const sa = inferSchema(a);
        const sb = inferSchema(b);
        expect(canonicalJson(mergeSchemas(sa, sb))).toBe(canonicalJson(mergeSchemas(sb, sa)));
        expect(canonicalJson(mergeSchemas(sa, sa))).toBe(canonicalJson(sa));
        expect(shapeFingerprint(inferSchema(a))).toBe(shapeFingerprint(sa));
      }),
    );
  });
});

describe("names and documents", () => {
  it.each([
    ["EC2 Instance State-change Notification", "EC2InstanceStateChangeNotification"],
    ["order.created", "OrderCreated"],
    ["1st thing", "_1stThing"],
    ["", "Event"],
  ])("pascalCase(%j)", (text, expected) => {
    expect(pascalCase(text)).toBe(expected);
  });

  it("discovered schema names are source@DetailType", () => {
    expect(discoveredSchemaName("com.shop", "Order Created")).toBe("com.shop@OrderCreated");
  });

  it("renders AWS's discovered OpenAPI layout with hoisted components, and exports draft-04", () => {
    const detail = inferSchema({ orderId: "o-1", customer: { id: "c", tags: ["a"] }, note: null });
    const doc = toOpenApiDocument(detail, { source: "com.shop", detailType: "Order Created" });
    expect(doc).toMatchObject({
      openapi: "3.0.0",
      info: { version: "1.0.0", title: "OrderCreated" },
      paths: {},
      components: {
        schemas: {
          AWSEvent: {
            type: "object",
            "x-amazon-events-source": "com.shop",
            "x-amazon-events-detail-type": "Order Created",
            properties: {
              detail: { $ref: "#/components/schemas/OrderCreated" },
              time: { type: "string", format: "date-time" },
            },
          },
          OrderCreated: {
            type: "object",
            required: ["customer", "note", "orderId"],
            properties: {
              customer: { $ref: "#/components/schemas/Customer" },
              note: { nullable: true },
              orderId: { type: "string" },
            },
          },
          Customer: { type: "object", properties: { tags: { type: "array", items: { type: "string" } } } },
        },
      },
    });
    const d4 = toJsonSchemaDraft4(doc);
    expect(d4).toMatchObject({
      $schema: "http://json-schema.org/draft-04/schema#",
      title: "OrderCreated",
      type: "object",
      "x-amazon-events-source": "com.shop",
      properties: { detail: { $ref: "#/definitions/OrderCreated" } },
      definitions: { OrderCreated: { properties: { customer: { $ref: "#/definitions/Customer" } } }, Customer: {} },
    });
    expect(JSON.stringify(d4)).not.toContain("#/components/");
  });

  it("a property that is sometimes an object and sometimes a string renders as anyOf", () => {
    const detail = mergeSchemas(inferSchema({ v: { a: 1 } }), inferSchema({ v: "x" }));
    const doc = toOpenApiDocument(detail, { source: "s", detailType: "T" }) as {
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(doc.components.schemas.T!.properties!.v).toEqual({
      anyOf: [{ $ref: "#/components/schemas/V" }, { type: "string" }],
    });
  });
});

describe("jsonSchemaDraft4ToOpenApi", () => {
  it("round-trips a discovered document through draft-04 and back", () => {
    const detail = inferSchema({ id: "x", customer: { name: "n" }, note: null });
    const doc = toOpenApiDocument(mergeSchemas(detail, inferSchema({ id: "y", customer: { name: "m" }, note: "s" })), {
      source: "a.b",
      detailType: "Thing Happened",
    });
    const back = jsonSchemaDraft4ToOpenApi(toJsonSchemaDraft4(doc));
    expect(back).toEqual(doc);
  });
});

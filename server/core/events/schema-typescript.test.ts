import { describe, expect, it } from "vitest";
import { inferSchema, toJsonSchemaDraft4, toOpenApiDocument } from "./schema-infer";
import { schemaToTypeScript, typeName } from "./schema-typescript";

describe("schemaToTypeScript", () => {
  const detail = inferSchema({ orderId: "o-1", "line-items": [{ sku: "a", qty: 1 }], note: null });
  const doc = toOpenApiDocument(detail, { source: "com.shop", detailType: "Order Created" });

  it("renders every OpenAPI component, AWSEvent first, with quoted keys and refs", () => {
    const ts = schemaToTypeScript(doc);
    expect(ts).toBe(
      [
        "/** source: com.shop; detail-type: Order Created */",
        "export interface AWSEvent {",
        "  detail: OrderCreated;",
        "  account: string;",
        '  "detail-type": string;',
        "  id: string;",
        "  region: string;",
        "  resources: string[];",
        "  source: string;",
        "  time: string;",
        "  version: string;",
        "}",
        "",
        "export interface OrderCreated {",
        '  "line-items": LineItem[];',
        "  note: unknown;",
        "  orderId: string;",
        "}",
        "",
        "export interface LineItem {",
        "  qty: number;",
        "  sku: string;",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("renders a draft-04 document with its root under the title", () => {
    const ts = schemaToTypeScript(toJsonSchemaDraft4(doc));
    expect(ts).toContain("export interface OrderCreatedRoot {");
    expect(ts).toContain("export interface OrderCreated {");
    expect(ts).toContain("  detail: OrderCreated;");
  });

  it.each([
    [{ type: ["string", "null"] }, "export type X = string | null;\n"],
    [{ type: "string", nullable: true }, "export type X = string | null;\n"],
    [{ enum: ["a", 1] }, 'export type X = "a" | 1;\n'],
    [{ type: "array", items: { type: ["string", "integer"] } }, "export type X = Array<string | number>;\n"],
    [{ type: "object" }, "export interface X {\n  [key: string]: unknown;\n}\n"],
    [
      { type: "object", properties: { a: { type: "integer" } }, additionalProperties: { type: "string" } },
      "export interface X {\n  a?: number;\n  [key: string]: string;\n}\n",
    ],
    [{ allOf: [{ $ref: "#/definitions/A" }, { $ref: "#/definitions/B" }] }, "export type X = A & B;\n"],
    [{}, "export type X = unknown;\n"],
  ])("%j", (schema, expected) => {
    expect(schemaToTypeScript({ title: "X", ...schema })).toBe(expected);
  });

  it("makes valid type names", () => {
    expect(typeName("aws.ec2@EC2InstanceStateChange")).toBe("AwsEc2EC2InstanceStateChange");
    expect(typeName("9lives")).toBe("_9lives");
  });
});

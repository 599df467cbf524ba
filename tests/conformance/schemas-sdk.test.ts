import {
  CreateRegistryCommand,
  CreateSchemaCommand,
  DeleteRegistryCommand,
  DeleteSchemaCommand,
  DescribeRegistryCommand,
  DescribeSchemaCommand,
  ExportSchemaCommand,
  GetDiscoveredSchemaCommand,
  ListRegistriesCommand,
  ListSchemasCommand,
  ListSchemaVersionsCommand,
  ListTagsForResourceCommand,
  SchemasClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSchemaCommand,
} from "@aws-sdk/client-schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";

// EventBridge Schemas (REST JSON) through the real AWS SDK v3 client and boto3 against a real web
// process: registries, schemas with versions, export as JSON Schema draft-04, GetDiscoveredSchema,
// and Schemas' error shapes. Discovery from bus traffic: tests/integration/schema-discovery.int.test.ts.

let web: TestProcess & { url: string };
let t: TestTenant;
let schemas: SchemasClient;

beforeAll(async () => {
  await ensureQueues(CONTRACTS);
  t = await createTestTenant();
  web = await startWeb();
  schemas = new SchemasClient({
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  await web?.stop();
});

async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error("expected an error");
}

const openApi = (props: Record<string, unknown>) =>
  JSON.stringify({
    openapi: "3.0.0",
    info: { version: "1.0.0", title: "OrderCreated" },
    paths: {},
    components: { schemas: { OrderCreated: { type: "object", properties: props } } },
  });

describe("Schemas registries", () => {
  it("creates, describes, lists and deletes a registry, with tags", async () => {
    const c = await schemas.send(
      new CreateRegistryCommand({ RegistryName: "shop", Description: "Shop events", Tags: { team: "a" } }),
    );
    expect(c).toMatchObject({
      RegistryName: "shop",
      RegistryArn: `arn:aws:schemas:us-east-1:${t.tenant.accountId}:registry/shop`,
      Description: "Shop events",
      Tags: { team: "a" },
    });
    expect(c.$metadata.httpStatusCode).toBe(201);
    const d = await schemas.send(new DescribeRegistryCommand({ RegistryName: "shop" }));
    expect(d.RegistryArn).toBe(c.RegistryArn);
    const dup = await failure(schemas.send(new CreateRegistryCommand({ RegistryName: "shop" })));
    expect(dup).toMatchObject({ name: "ConflictException", status: 409 });

    await schemas.send(new CreateRegistryCommand({ RegistryName: "shop-2" }));
    const page1 = await schemas.send(new ListRegistriesCommand({ Limit: 1, RegistryNamePrefix: "shop" }));
    expect(page1.Registries?.map((r) => r.RegistryName)).toEqual(["shop"]);
    const page2 = await schemas.send(
      new ListRegistriesCommand({ Limit: 1, RegistryNamePrefix: "shop", NextToken: page1.NextToken }),
    );
    expect(page2.Registries?.map((r) => r.RegistryName)).toEqual(["shop-2"]);
    expect(page2.NextToken).toBeUndefined();

    await schemas.send(new DeleteRegistryCommand({ RegistryName: "shop-2" }));
    const gone = await failure(schemas.send(new DescribeRegistryCommand({ RegistryName: "shop-2" })));
    expect(gone).toEqual({
      name: "NotFoundException",
      message: "Registry with name 'shop-2' does not exist.",
      status: 404,
    });
  });
});

describe("Schemas tags", () => {
  it("tags, lists and untags a registry", async () => {
    const r = await schemas.send(new CreateRegistryCommand({ RegistryName: "tagged", Tags: { a: "1" } }));
    await schemas.send(new TagResourceCommand({ ResourceArn: r.RegistryArn, Tags: { b: "2" } }));
    expect((await schemas.send(new ListTagsForResourceCommand({ ResourceArn: r.RegistryArn }))).Tags).toEqual({
      a: "1",
      b: "2",
    });
    await schemas.send(new UntagResourceCommand({ ResourceArn: r.RegistryArn, TagKeys: ["a"] }));
    expect((await schemas.send(new ListTagsForResourceCommand({ ResourceArn: r.RegistryArn }))).Tags).toEqual({
      b: "2",
    });
    const missing = await failure(
      schemas.send(new ListTagsForResourceCommand({ ResourceArn: `${r.RegistryArn}-missing` })),
    );
    expect(missing).toMatchObject({ name: "NotFoundException", status: 404 });
  });
});

describe("Schemas schemas", () => {
  it("creates a schema, versions it on content changes, lists versions and exports draft-04", async () => {
    await schemas.send(new CreateRegistryCommand({ RegistryName: "orders" }));
    const v1 = await schemas.send(
      new CreateSchemaCommand({
        RegistryName: "orders",
        SchemaName: "OrderCreated",
        Type: "OpenApi3",
        Content: openApi({ id: { type: "string" } }),
        Description: "first",
      }),
    );
    expect(v1).toMatchObject({
      SchemaName: "OrderCreated",
      SchemaArn: `arn:aws:schemas:us-east-1:${t.tenant.accountId}:schema/orders/OrderCreated`,
      SchemaVersion: "1",
      Type: "OpenApi3",
      Description: "first",
    });
    expect(v1.LastModified).toBeInstanceOf(Date);

    const same = await schemas.send(
      new UpdateSchemaCommand({
        RegistryName: "orders",
        SchemaName: "OrderCreated",
        Content: openApi({ id: { type: "string" } }),
      }),
    );
    expect(same.SchemaVersion).toBe("1");
    const v2 = await schemas.send(
      new UpdateSchemaCommand({
        RegistryName: "orders",
        SchemaName: "OrderCreated",
        Content: openApi({ id: { type: "string" }, total: { type: "number" } }),
      }),
    );
    expect(v2.SchemaVersion).toBe("2");

    const latest = await schemas.send(
      new DescribeSchemaCommand({ RegistryName: "orders", SchemaName: "OrderCreated" }),
    );
    expect(latest.SchemaVersion).toBe("2");
    expect(JSON.parse(latest.Content!).components.schemas.OrderCreated.properties.total).toEqual({ type: "number" });
    const first = await schemas.send(
      new DescribeSchemaCommand({ RegistryName: "orders", SchemaName: "OrderCreated", SchemaVersion: "1" }),
    );
    expect(JSON.parse(first.Content!).components.schemas.OrderCreated.properties.total).toBeUndefined();

    const versions = await schemas.send(
      new ListSchemaVersionsCommand({ RegistryName: "orders", SchemaName: "OrderCreated" }),
    );
    expect(versions.SchemaVersions?.map((v) => [v.SchemaVersion, v.Type])).toEqual([
      ["2", "OpenApi3"],
      ["1", "OpenApi3"],
    ]);

    const list = await schemas.send(new ListSchemasCommand({ RegistryName: "orders" }));
    expect(list.Schemas).toEqual([
      expect.objectContaining({ SchemaName: "OrderCreated", VersionCount: 2, SchemaArn: v1.SchemaArn }),
    ]);

    const exported = await schemas.send(
      new ExportSchemaCommand({ RegistryName: "orders", SchemaName: "OrderCreated", Type: "JSONSchemaDraft4" }),
    );
    expect(exported).toMatchObject({ SchemaName: "OrderCreated", SchemaVersion: "2", Type: "JSONSchemaDraft4" });
    expect(JSON.parse(exported.Content!)).toMatchObject({
      $schema: "http://json-schema.org/draft-04/schema#",
      type: "object",
      properties: { id: { type: "string" }, total: { type: "number" } },
    });

    await schemas.send(new DeleteSchemaCommand({ RegistryName: "orders", SchemaName: "OrderCreated" }));
    const gone = await failure(
      schemas.send(new DescribeSchemaCommand({ RegistryName: "orders", SchemaName: "OrderCreated" })),
    );
    expect(gone).toMatchObject({ name: "NotFoundException", status: 404 });
  });

  it("refuses bad input with BadRequestException and changes nothing", async () => {
    await schemas.send(new CreateRegistryCommand({ RegistryName: "strict" }));
    const notJson = await failure(
      schemas.send(
        new CreateSchemaCommand({ RegistryName: "strict", SchemaName: "X", Type: "OpenApi3", Content: "{" }),
      ),
    );
    expect(notJson).toMatchObject({ name: "BadRequestException", status: 400 });
    const badType = await failure(
      schemas.send(
        new CreateSchemaCommand({ RegistryName: "strict", SchemaName: "X", Type: "Avro" as never, Content: "{}" }),
      ),
    );
    expect(badType).toMatchObject({ name: "BadRequestException", status: 400 });
    const noRegistry = await failure(
      schemas.send(
        new CreateSchemaCommand({ RegistryName: "nope", SchemaName: "X", Type: "OpenApi3", Content: openApi({}) }),
      ),
    );
    expect(noRegistry).toMatchObject({ name: "NotFoundException", status: 404 });
    const list = await schemas.send(new ListSchemasCommand({ RegistryName: "strict" }));
    expect(list.Schemas).toEqual([]);
  });

  it("GetDiscoveredSchema infers AWS's discovered layout from event JSON", async () => {
    const event = (detail: unknown) =>
      JSON.stringify({
        version: "0",
        id: "1",
        "detail-type": "Order Created",
        source: "com.shop",
        account: t.tenant.accountId,
        time: "2026-12-02T00:00:00Z",
        region: "us-east-1",
        resources: [],
        detail,
      });
    const r = await schemas.send(
      new GetDiscoveredSchemaCommand({
        Type: "OpenApi3",
        Events: [event({ id: "a" }), event({ id: "b", coupon: "x" })],
      }),
    );
    const doc = JSON.parse(r.Content!);
    expect(doc.components.schemas.AWSEvent["x-amazon-events-source"]).toBe("com.shop");
    expect(doc.components.schemas.OrderCreated).toEqual({
      type: "object",
      required: ["id"],
      properties: { coupon: { type: "string" }, id: { type: "string" } },
    });
  });

  it("boto3 lists and describes the same schemas", async () => {
    await schemas.send(new CreateRegistryCommand({ RegistryName: "py" }));
    await schemas.send(
      new CreateSchemaCommand({
        RegistryName: "py",
        SchemaName: "Thing",
        Type: "OpenApi3",
        Content: openApi({ a: { type: "string" } }),
      }),
    );
    const script = `
import boto3, json, sys
c = boto3.client("schemas", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
l = c.list_schemas(RegistryName="py")
d = c.describe_schema(RegistryName="py", SchemaName="Thing")
try:
    c.describe_schema(RegistryName="py", SchemaName="Missing")
    err = None
except c.exceptions.NotFoundException as e:
    err = e.response["Error"]["Code"]
print(json.dumps({"names": [s["SchemaName"] for s in l["Schemas"]], "version": d["SchemaVersion"], "err": err}))
`;
    const { execFileSync } = await import("node:child_process");
    const out = execFileSync("python3", ["-c", script, `${web.url}/api/aws`, t.key.id, t.key.secret], {
      encoding: "utf8",
    });
    expect(JSON.parse(out)).toEqual({ names: ["Thing"], version: "1", err: "NotFoundException" });
  });
});

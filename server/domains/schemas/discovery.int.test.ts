import { describe, expect, it } from "vitest";
import { pool } from "../../db";
import { createTestTenant, uniqueName, type TestTenant } from "../../../tests/helpers/fixtures";
import { busArnFor, createBus, putPermission, type Caller } from "../events/bus.service";
import { putEvents } from "../events/put-events";
import {
  createDiscoverer,
  deleteDiscoverer,
  describeDiscoverer,
  listDiscoverers,
  setDiscovererState,
} from "./discoverer.service";
import { pendingShapeCount, runFoldShapes } from "./discovery";
import { DISCOVERED_REGISTRY, deleteSchema, describeSchema, listSchemaVersions, listSchemas } from "./schema.service";
import { downloadSchema, exportSchema, schemaTypeScript } from "./schema-export.service";

// Schema discovery against real PostgreSQL: PutEvents records each distinct detail shape once (in
// its transaction), the fold job turns them into `discovered-schemas` schemas named
// source@DetailType, and a new version appears only when the shape changes.

const callerOf = (t: TestTenant): Caller => ({ tenantId: t.tenant.id, accountId: t.tenant.accountId });
const entry = (source: string, detail: unknown) => ({
  Source: source,
  DetailType: "Order Placed",
  Detail: JSON.stringify(detail),
});

async function failure(p: Promise<unknown>): Promise<{ awsCode?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { awsCode: (e as { awsCode?: string }).awsCode, message: (e as Error).message };
  }
  throw new Error("expected an error");
}

describe("schema discovery", () => {
  it("creates a schema from traffic and a new version when the shape changes", async () => {
    const t = await createTestTenant();
    const c = callerOf(t);
    const bus = await createBus(t.actor, c, { name: uniqueName("bus") });
    const d = await createDiscoverer(t.actor, t.tenant, { sourceArn: bus.arn, description: "shop" });
    expect(d).toMatchObject({
      discovererId: `events-event-bus-${bus.name}`,
      state: "STARTED",
      crossAccount: true,
      arn: `arn:aws:schemas:us-east-1:${t.tenant.accountId}:discoverer/events-event-bus-${bus.name}`,
    });
    const fold = () => runFoldShapes({ tenantId: t.tenant.id, discovererId: d.id, accountId: t.tenant.accountId });
    const src = `shop.${uniqueName("s")}`;
    const name = `${src}@OrderPlaced`;

    await putEvents(pool(), c, bus.name, [entry(src, { id: "a", total: 3 }), entry(src, { id: "b", total: 4 })]);
    expect(await pendingShapeCount(t.tenant.id)).toBe(1); // one distinct shape
    await fold();
    expect(await pendingShapeCount(t.tenant.id)).toBe(0);
    const v1 = await describeSchema(t.actor, t.tenant, { registryName: DISCOVERED_REGISTRY, schemaName: name });
    expect(v1).toMatchObject({ type: "OpenApi3", latestVersion: 1, versionCount: 1 });
    const doc = JSON.parse(v1.version.content);
    expect(doc.components.schemas.AWSEvent).toMatchObject({
      "x-amazon-events-source": src,
      "x-amazon-events-detail-type": "Order Placed",
    });
    expect(doc.components.schemas.OrderPlaced).toEqual({
      type: "object",
      required: ["id", "total"],
      properties: { id: { type: "string" }, total: { type: "integer" } },
    });

    // The same shape again: nothing recorded, no version.
    await putEvents(pool(), c, bus.name, [entry(src, { id: "c", total: 9 })]);
    expect(await pendingShapeCount(t.tenant.id)).toBe(0);

    // A new optional field: version 2 accepts both shapes.
    await putEvents(pool(), c, bus.name, [entry(src, { id: "d", total: 1.5, coupon: "X" })]);
    await fold();
    const versions = await listSchemaVersions(t.actor, t.tenant, {
      registryName: DISCOVERED_REGISTRY,
      schemaName: name,
    });
    expect(versions.versions.map((v) => v.version)).toEqual([2, 1]);
    const v2 = JSON.parse(versions.versions[0]!.content).components.schemas.OrderPlaced;
    expect(v2).toEqual({
      type: "object",
      required: ["id", "total"],
      properties: { coupon: { type: "string" }, id: { type: "string" }, total: { type: "number" } },
    });
    const list = await listSchemas(t.actor, t.tenant, { registryName: DISCOVERED_REGISTRY });
    expect(list.schemas.map((s) => [s.name, s.versionCount])).toEqual([[name, 2]]);

    // Downloads and the TypeScript type.
    const exported = await exportSchema(t.actor, t.tenant, {
      registryName: DISCOVERED_REGISTRY,
      schemaName: name,
      type: "JSONSchemaDraft4",
    });
    expect(JSON.parse(exported.exported)).toMatchObject({
      $schema: "http://json-schema.org/draft-04/schema#",
      properties: { detail: { $ref: "#/definitions/OrderPlaced" } },
    });
    const ts = await schemaTypeScript(t.actor, t.tenant, { registryName: DISCOVERED_REGISTRY, schemaName: name });
    expect(ts).toContain("export interface OrderPlaced {\n  coupon?: string;\n  id: string;\n  total: number;\n}");

    // Stopped: traffic is not recorded.
    await setDiscovererState(t.actor, t.tenant, d.discovererId, "STOPPED");
    await putEvents(pool(), c, bus.name, [entry(src, { brand: "new" })]);
    expect(await pendingShapeCount(t.tenant.id)).toBe(0);
    expect((await describeDiscoverer(t.actor, t.tenant, d.discovererId)).state).toBe("STOPPED");
  });

  it("one discoverer per bus; unknown buses and discoverers are refused", async () => {
    const t = await createTestTenant();
    const c = callerOf(t);
    const d = await createDiscoverer(t.actor, t.tenant, { sourceArn: busArnFor(c, "default") });
    expect(d.discovererId).toBe("events-event-bus-default");
    expect(await failure(createDiscoverer(t.actor, t.tenant, { sourceArn: busArnFor(c, "default") }))).toMatchObject({
      awsCode: "ConflictException",
    });
    expect(await failure(createDiscoverer(t.actor, t.tenant, { sourceArn: busArnFor(c, "nope") }))).toMatchObject({
      awsCode: "BadRequestException",
    });
    expect((await listDiscoverers(t.actor, t.tenant, {})).discoverers.map((x) => x.discovererId)).toEqual([
      "events-event-bus-default",
    ]);
    await deleteDiscoverer(t.actor, t.tenant, d.discovererId);
    expect(await failure(describeDiscoverer(t.actor, t.tenant, d.discovererId))).toEqual({
      awsCode: "NotFoundException",
      message: "Discoverer with id 'events-event-bus-default' does not exist.",
    });
  });
});

describe("discovery edges", () => {
  it("CrossAccount false ignores other accounts' events; a deleted schema is discovered again", async () => {
    const [t, other] = await Promise.all([createTestTenant(), createTestTenant()]);
    const c = callerOf(t);
    const bus = await createBus(t.actor, c, { name: uniqueName("bus") });
    await putPermission(t.actor, c, {
      eventBusName: bus.name,
      action: "events:PutEvents",
      principal: other.tenant.accountId,
      statementId: "other",
    });
    const d = await createDiscoverer(t.actor, t.tenant, { sourceArn: bus.arn, crossAccount: false });
    const src = `shop.${uniqueName("s")}`;
    const theirs = await putEvents(pool(), callerOf(other), bus.arn, [entry(src, { fromOther: true })]);
    expect(theirs.every((r) => "EventId" in r)).toBe(true);
    expect(await pendingShapeCount(t.tenant.id)).toBe(0);
    await putEvents(pool(), c, bus.name, [entry(src, { mine: true })]);
    expect(await pendingShapeCount(t.tenant.id)).toBe(1);

    const fold = () => runFoldShapes({ tenantId: t.tenant.id, discovererId: d.id, accountId: t.tenant.accountId });
    await fold();
    const input = { registryName: DISCOVERED_REGISTRY, schemaName: `${src}@OrderPlaced` };
    await deleteSchema(t.actor, t.tenant, input);
    await putEvents(pool(), c, bus.name, [entry(src, { mine: false })]);
    await fold();
    expect((await describeSchema(t.actor, t.tenant, input)).latestVersion).toBe(1);
  });
});

describe("console downloads", () => {
  it("offers a version as JSON Schema and as OpenAPI", async () => {
    const t = await createTestTenant();
    const c = callerOf(t);
    const bus = await createBus(t.actor, c, { name: uniqueName("bus") });
    const d = await createDiscoverer(t.actor, t.tenant, { sourceArn: bus.arn });
    const src = `shop.${uniqueName("s")}`;
    await putEvents(pool(), c, bus.name, [entry(src, { id: "a" })]);
    await runFoldShapes({ tenantId: t.tenant.id, discovererId: d.id, accountId: t.tenant.accountId });
    const input = { registryName: DISCOVERED_REGISTRY, schemaName: `${src}@OrderPlaced` };
    const js = await downloadSchema(t.actor, t.tenant, { ...input, format: "json-schema" });
    expect(js.filename).toBe(`${src}@OrderPlaced-v1.schema.json`);
    expect(JSON.parse(js.body).$schema).toBe("http://json-schema.org/draft-04/schema#");
    const oa = await downloadSchema(t.actor, t.tenant, { ...input, format: "openapi" });
    expect(JSON.parse(oa.body).openapi).toBe("3.0.0");
  });
});

import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetUsageCommand,
  GetUsagePlanCommand,
  GetUsagePlanKeyCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
  ImportApiKeysCommand,
  UpdateApiKeyCommand,
  UpdateUsageCommand,
  UpdateUsagePlanCommand,
} from "@aws-sdk/client-api-gateway";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../server/db";
import { admitApiRequest } from "../../server/domains/apis/usage/admit";
import { isoDay } from "../../server/core/apis/usage/quota-period";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";
import { AWS_CLI, runAwsCli } from "../helpers/aws-cli";

// API Gateway v1 API keys, usage plans, plan keys and usage through @aws-sdk/client-api-gateway,
// boto3 and the AWS CLI against a real web process: AWS's paths, shapes and error codes.

let web: TestProcess & { url: string };
let t: TestTenant;
let gw: APIGatewayClient;

beforeAll(async () => {
  t = await createTestTenant();
  web = await startWeb();
  gw = new APIGatewayClient({
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
  throw new Error("expected a failure");
}

describe("API keys", () => {
  it("creates a key with a generated value and reads it back (value only when asked)", async () => {
    const name = uniqueName("k");
    const created = await gw.send(
      new CreateApiKeyCommand({
        name,
        description: "first",
        enabled: true,
        customerId: "cust-1",
        stageKeys: [{ restApiId: "abc123", stageName: "prod" }],
        tags: { team: "a" },
      }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.id).toMatch(/^[a-z0-9]{10}$/);
    expect(created.value).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(created).toMatchObject({
      name,
      description: "first",
      enabled: true,
      customerId: "cust-1",
      stageKeys: ["abc123/prod"],
      tags: { team: "a" },
    });
    expect(created.createdDate).toBeInstanceOf(Date);
    const got = await gw.send(new GetApiKeyCommand({ apiKey: created.id }));
    expect(got.value).toBeUndefined();
    expect(got.name).toBe(name);
    const withValue = await gw.send(new GetApiKeyCommand({ apiKey: created.id, includeValue: true }));
    expect(withValue.value).toBe(created.value);
  });

  it("imports a given value, refuses a short one and a duplicate", async () => {
    const value = `imported-${uniqueName("v")}-0123456789`;
    const k = await gw.send(new CreateApiKeyCommand({ name: uniqueName("imp"), value }));
    expect(k.value).toBe(value);
    expect(k.enabled).toBe(false);
    expect(await failure(gw.send(new CreateApiKeyCommand({ name: "x", value: "short" })))).toEqual({
      name: "BadRequestException",
      message: "API Key value should be at least 20 characters",
      status: 400,
    });
    expect(await failure(gw.send(new CreateApiKeyCommand({ name: "y", value })))).toEqual({
      name: "ConflictException",
      message: "API Key already exists",
      status: 409,
    });
  });

  it("lists with nameQuery, includeValues and position/limit paging", async () => {
    const prefix = uniqueName("page");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await gw.send(new CreateApiKeyCommand({ name: `${prefix}-${i}` }))).id!);
    const seen: string[] = [];
    let position: string | undefined;
    let pages = 0;
    do {
      const r = await gw.send(new GetApiKeysCommand({ nameQuery: prefix, limit: 2, position }));
      expect(r.items!.length).toBeLessThanOrEqual(2);
      for (const k of r.items!) expect(k.value).toBeUndefined();
      seen.push(...r.items!.map((k) => k.id!));
      position = r.position;
      pages++;
    } while (position);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    const withValues = await gw.send(new GetApiKeysCommand({ nameQuery: prefix, includeValues: true }));
    expect(withValues.items!.every((k) => typeof k.value === "string" && k.value.length === 40)).toBe(true);
  });

  it("updates with patch operations and deletes", async () => {
    const k = await gw.send(new CreateApiKeyCommand({ name: uniqueName("upd") }));
    const u = await gw.send(
      new UpdateApiKeyCommand({
        apiKey: k.id,
        patchOperations: [
          { op: "replace", path: "/name", value: "renamed" },
          { op: "replace", path: "/enabled", value: "true" },
          { op: "replace", path: "/description", value: "d2" },
          { op: "add", path: "/stages", value: "api1/dev" },
        ],
      }),
    );
    expect(u).toMatchObject({ name: "renamed", enabled: true, description: "d2", stageKeys: ["api1/dev"] });
    expect(
      await failure(
        gw.send(
          new UpdateApiKeyCommand({ apiKey: k.id, patchOperations: [{ op: "replace", path: "/nope", value: "1" }] }),
        ),
      ),
    ).toEqual({ name: "BadRequestException", message: "Invalid patch path /nope", status: 400 });
    const del = await gw.send(new DeleteApiKeyCommand({ apiKey: k.id }));
    expect(del.$metadata.httpStatusCode).toBe(202);
    expect(await failure(gw.send(new GetApiKeyCommand({ apiKey: k.id })))).toEqual({
      name: "NotFoundException",
      message: "Invalid API Key identifier specified",
      status: 404,
    });
  });

  it("imports keys from AWS's CSV key file, into usage plans, overwriting by value, with warnings or failing on them", async () => {
    const plan = await gw.send(new CreateUsagePlanCommand({ name: uniqueName("imp-plan") }));
    const plan2 = await gw.send(new CreateUsagePlanCommand({ name: uniqueName("imp-plan2") }));
    const v1 = `csv-${uniqueName("a")}-0123456789`;
    const v2 = `csv-${uniqueName("b")}-0123456789`;
    const csv =
      `Name,key,description,Enabled,usageplanIds,Ignored\n` +
      `first,${v1},one,TRUE,"${plan.id},${plan2.id}",x\n` +
      `bad,short,x,true,,\n` +
      `second,${v2},two,,,\n`;
    const r = await gw.send(new ImportApiKeysCommand({ body: new TextEncoder().encode(csv), format: "csv" }));
    expect(r.ids).toHaveLength(2);
    expect(r.warnings).toEqual(["Line 3: API Key value should be between 20 and 128 characters"]);
    const first = await gw.send(new GetApiKeyCommand({ apiKey: r.ids![0], includeValue: true }));
    expect(first).toMatchObject({ name: "first", value: v1, enabled: true, description: "one" });
    // Enabled defaults to true.
    expect((await gw.send(new GetApiKeyCommand({ apiKey: r.ids![1] }))).enabled).toBe(true);
    for (const p of [plan, plan2]) {
      const keys = await gw.send(new GetUsagePlanKeysCommand({ usagePlanId: p.id }));
      expect(keys.items!.map((k) => k.id)).toEqual([r.ids![0]]);
    }
    // The same value again overwrites that key.
    const again = await gw.send(
      new ImportApiKeysCommand({
        body: new TextEncoder().encode(`key,name,enabled\n${v1},renamed,false\n`),
        format: "csv",
      }),
    );
    expect(again.ids).toEqual([r.ids![0]]);
    expect(await gw.send(new GetApiKeyCommand({ apiKey: r.ids![0] }))).toMatchObject({
      name: "renamed",
      enabled: false,
    });
    const strict = await failure(
      gw.send(
        new ImportApiKeysCommand({
          body: new TextEncoder().encode(`key,name\nshort,x\n`),
          format: "csv",
          failOnWarnings: true,
        }),
      ),
    );
    expect(strict).toMatchObject({ name: "BadRequestException", status: 400 });
    expect(
      await failure(
        gw.send(new ImportApiKeysCommand({ body: new TextEncoder().encode(`key\n${v2}\n`), format: "csv" })),
      ),
    ).toMatchObject({ name: "BadRequestException", status: 400 });
  });
});

describe("usage plans, plan keys and usage", () => {
  it("creates, reads, lists by key, updates and deletes a plan", async () => {
    const created = await gw.send(
      new CreateUsagePlanCommand({
        name: uniqueName("plan"),
        description: "gold",
        throttle: { rateLimit: 10, burstLimit: 20 },
        quota: { limit: 1000, offset: 1, period: "WEEK" },
        apiStages: [{ apiId: "api1", stage: "prod", throttle: { "/pets/GET": { rateLimit: 5, burstLimit: 5 } } }],
        tags: { tier: "gold" },
      }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created).toMatchObject({
      description: "gold",
      throttle: { rateLimit: 10, burstLimit: 20 },
      quota: { limit: 1000, offset: 1, period: "WEEK" },
      apiStages: [{ apiId: "api1", stage: "prod", throttle: { "/pets/GET": { rateLimit: 5, burstLimit: 5 } } }],
      tags: { tier: "gold" },
    });
    expect(await gw.send(new GetUsagePlanCommand({ usagePlanId: created.id }))).toMatchObject({ id: created.id });

    const key = await gw.send(new CreateApiKeyCommand({ name: uniqueName("pk"), enabled: true }));
    const pk = await gw.send(
      new CreateUsagePlanKeyCommand({ usagePlanId: created.id, keyId: key.id, keyType: "API_KEY" }),
    );
    expect(pk).toMatchObject({ id: key.id, type: "API_KEY", value: key.value, name: key.name });
    const byKey = await gw.send(new GetUsagePlansCommand({ keyId: key.id }));
    expect(byKey.items!.map((p) => p.id)).toEqual([created.id]);
    expect((await gw.send(new GetUsagePlanKeyCommand({ usagePlanId: created.id, keyId: key.id }))).id).toBe(key.id);

    const updated = await gw.send(
      new UpdateUsagePlanCommand({
        usagePlanId: created.id,
        patchOperations: [
          { op: "replace", path: "/throttle/rateLimit", value: "50" },
          { op: "replace", path: "/quota/period", value: "MONTH" },
          { op: "replace", path: "/apiStages/api1:prod/throttle/~1pets/GET/rateLimit", value: "7" },
          { op: "add", path: "/apiStages", value: "api2:dev" },
        ],
      }),
    );
    expect(updated).toMatchObject({
      throttle: { rateLimit: 50, burstLimit: 20 },
      quota: { limit: 1000, offset: 1, period: "MONTH" },
      apiStages: [
        { apiId: "api1", stage: "prod", throttle: { "/pets/GET": { rateLimit: 7, burstLimit: 5 } } },
        { apiId: "api2", stage: "dev" },
      ],
    });
    expect(
      await failure(
        gw.send(
          new UpdateUsagePlanCommand({
            usagePlanId: created.id,
            patchOperations: [{ op: "replace", path: "/quota/period", value: "YEAR" }],
          }),
        ),
      ),
    ).toMatchObject({ name: "BadRequestException", status: 400 });

    expect(
      (await gw.send(new DeleteUsagePlanKeyCommand({ usagePlanId: created.id, keyId: key.id }))).$metadata
        .httpStatusCode,
    ).toBe(202);
    expect(
      await failure(gw.send(new GetUsagePlanKeyCommand({ usagePlanId: created.id, keyId: key.id }))),
    ).toMatchObject({
      name: "NotFoundException",
      status: 404,
    });
    await gw.send(new DeleteUsagePlanCommand({ usagePlanId: created.id }));
    expect(await failure(gw.send(new GetUsagePlanCommand({ usagePlanId: created.id })))).toEqual({
      name: "NotFoundException",
      message: "Invalid Usage Plan ID specified",
      status: 404,
    });
  });

  it("refuses bad throttles, quotas, key types and a key in two plans on one stage", async () => {
    expect(
      await failure(gw.send(new CreateUsagePlanCommand({ name: "q", quota: { limit: 10, offset: 3, period: "DAY" } }))),
    ).toMatchObject({ name: "BadRequestException", status: 400 });
    expect(
      await failure(gw.send(new CreateUsagePlanCommand({ name: "t", throttle: { rateLimit: -1, burstLimit: 1 } }))),
    ).toMatchObject({ name: "BadRequestException", status: 400 });
    const a = await gw.send(
      new CreateUsagePlanCommand({ name: uniqueName("a"), apiStages: [{ apiId: "x1", stage: "s" }] }),
    );
    const b = await gw.send(
      new CreateUsagePlanCommand({ name: uniqueName("b"), apiStages: [{ apiId: "x1", stage: "s" }] }),
    );
    const key = await gw.send(new CreateApiKeyCommand({ name: uniqueName("two") }));
    expect(
      await failure(gw.send(new CreateUsagePlanKeyCommand({ usagePlanId: a.id, keyId: key.id, keyType: "OTHER" }))),
    ).toMatchObject({ name: "BadRequestException", status: 400 });
    await gw.send(new CreateUsagePlanKeyCommand({ usagePlanId: a.id, keyId: key.id, keyType: "API_KEY" }));
    const twice = await failure(
      gw.send(new CreateUsagePlanKeyCommand({ usagePlanId: b.id, keyId: key.id, keyType: "API_KEY" })),
    );
    expect(twice).toMatchObject({ name: "ConflictException", status: 409 });
    expect(twice.message).toContain("cannot reference multiple Usage Plans with the same API Stage: x1:s");
    // Nor by adding the stage to another plan of the key afterwards.
    const c = await gw.send(new CreateUsagePlanCommand({ name: uniqueName("c") }));
    await gw.send(new CreateUsagePlanKeyCommand({ usagePlanId: c.id, keyId: key.id, keyType: "API_KEY" }));
    expect(
      await failure(
        gw.send(
          new UpdateUsagePlanCommand({
            usagePlanId: c.id,
            patchOperations: [{ op: "add", path: "/apiStages", value: "x1:s" }],
          }),
        ),
      ),
    ).toMatchObject({ name: "ConflictException", status: 409 });
    expect(
      await failure(
        gw.send(new CreateUsagePlanKeyCommand({ usagePlanId: a.id, keyId: "nokey12345", keyType: "API_KEY" })),
      ),
    ).toEqual({ name: "NotFoundException", message: "Invalid API Key identifier specified", status: 404 });
  });

  it("GetUsage reports admitted requests per key per day; UpdateUsage extends and resets the quota", async () => {
    const apiId = uniqueName("api").replace(/-/g, "");
    const plan = await gw.send(
      new CreateUsagePlanCommand({
        name: uniqueName("usage"),
        apiStages: [{ apiId, stage: "prod" }],
        quota: { limit: 3, offset: 0, period: "DAY" },
      }),
    );
    const key = await gw.send(new CreateApiKeyCommand({ name: uniqueName("u"), enabled: true }));
    await gw.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: "API_KEY" }));
    const req = {
      tenantId: t.tenant.id,
      restApiId: apiId,
      stage: "prod",
      resourcePath: "/x",
      httpMethod: "GET",
      apiKeyRequired: true,
      apiKeyValue: key.value!,
    };
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await admitApiRequest(req));
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
    expect(results[3]).toMatchObject({ status: 429, message: "Limit Exceeded" });
    const today = isoDay(new Date());
    const usage = await gw.send(new GetUsageCommand({ usagePlanId: plan.id, startDate: today, endDate: today }));
    expect(usage).toMatchObject({ usagePlanId: plan.id, startDate: today, endDate: today });
    expect(usage.items).toEqual({ [key.id!]: [[3, 0]] });

    const extended = await gw.send(
      new UpdateUsageCommand({
        usagePlanId: plan.id,
        keyId: key.id,
        patchOperations: [{ op: "replace", path: "/remaining", value: "2" }],
      }),
    );
    expect(extended.items).toEqual({ [key.id!]: [[1, 2]] });
    expect((await admitApiRequest(req)).ok).toBe(true);
    expect((await admitApiRequest(req)).ok).toBe(true);
    expect((await admitApiRequest(req)).ok).toBe(false);
    const after = await gw.send(
      new GetUsageCommand({ usagePlanId: plan.id, startDate: today, endDate: today, keyId: key.id }),
    );
    expect(after.items).toEqual({ [key.id!]: [[5, 0]] });
    expect(
      await failure(gw.send(new GetUsageCommand({ usagePlanId: plan.id, startDate: "2026/01/01", endDate: today }))),
    ).toMatchObject({ name: "BadRequestException", status: 400 });
  });
});

describe("admission", () => {
  async function planWithKey(opts: Partial<ConstructorParameters<typeof CreateUsagePlanCommand>[0]>) {
    const apiId = uniqueName("api").replace(/-/g, "");
    const plan = await gw.send(
      new CreateUsagePlanCommand({ name: uniqueName("adm"), apiStages: [{ apiId, stage: "prod" }], ...opts }),
    );
    const key = await gw.send(new CreateApiKeyCommand({ name: uniqueName("adm"), enabled: true }));
    await gw.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: "API_KEY" }));
    const base = {
      tenantId: t.tenant.id,
      restApiId: apiId,
      stage: "prod",
      resourcePath: "/pets",
      httpMethod: "GET",
      apiKeyRequired: true,
      apiKeyValue: key.value!,
    };
    return { plan, key, apiId, base };
  }

  it("403 Forbidden for a missing, unknown or disabled key, or a key in no plan for the stage", async () => {
    const { key, base } = await planWithKey({});
    expect(await admitApiRequest({ ...base, apiKeyValue: null })).toMatchObject({
      ok: false,
      status: 403,
      message: "Forbidden",
    });
    expect(await admitApiRequest({ ...base, apiKeyValue: "no-such-key-value-000000" })).toMatchObject({ status: 403 });
    expect(await admitApiRequest({ ...base, stage: "dev" })).toMatchObject({ status: 403 });
    expect(await admitApiRequest(base)).toMatchObject({ ok: true, apiKeyId: key.id });
    await gw.send(
      new UpdateApiKeyCommand({
        apiKey: key.id,
        patchOperations: [{ op: "replace", path: "/enabled", value: "false" }],
      }),
    );
    expect(await admitApiRequest(base)).toMatchObject({ ok: false, status: 403 });
    // No key required: admitted without one, and no plan applies.
    expect(await admitApiRequest({ ...base, apiKeyRequired: false, apiKeyValue: null })).toMatchObject({
      ok: true,
      apiKeyId: null,
    });
  });

  it("throttles at the burst with 429 Too Many Requests and rate-limit headers; a method throttle replaces the plan's", async () => {
    const { base, apiId } = await planWithKey({ throttle: { rateLimit: 0.001, burstLimit: 3 } });
    const r = [];
    for (let i = 0; i < 4; i++) r.push(await admitApiRequest(base));
    expect(r.map((x) => x.ok)).toEqual([true, true, true, false]);
    expect(r[3]).toMatchObject({ status: 429, message: "Too Many Requests" });
    expect(r[3]!.headers).toMatchObject({ "x-ratelimit-limit": "0.001", "x-ratelimit-remaining": "0" });
    expect(Number(r[3]!.headers["retry-after"])).toBeGreaterThan(1);
    const plans = await gw.send(new GetUsagePlansCommand({}));
    const plan = plans.items!.find((p) => p.apiStages?.[0]?.apiId === apiId)!;
    await gw.send(
      new UpdateUsagePlanCommand({
        usagePlanId: plan.id,
        patchOperations: [
          { op: "replace", path: `/apiStages/${apiId}:prod/throttle/~1pets/POST/rateLimit`, value: "0.001" },
          { op: "replace", path: `/apiStages/${apiId}:prod/throttle/~1pets/POST/burstLimit`, value: "1" },
        ],
      }),
    );
    const post = { ...base, httpMethod: "POST" };
    expect((await admitApiRequest(post)).ok).toBe(true);
    expect(await admitApiRequest(post)).toMatchObject({ ok: false, status: 429 });
  });

  it("applies the stage's throttle to every caller, key or not", async () => {
    const apiId = uniqueName("st").replace(/-/g, "");
    const req = {
      tenantId: t.tenant.id,
      restApiId: apiId,
      stage: "prod",
      resourcePath: "/",
      httpMethod: "GET",
      apiKeyRequired: false,
      apiKeyValue: null,
      stageThrottle: { rateLimit: 0.001, burstLimit: 2 },
    };
    const r = [];
    for (let i = 0; i < 3; i++) r.push((await admitApiRequest(req)).ok);
    expect(r).toEqual([true, true, false]);
    const rows = await pool().query(`SELECT count(*)::int AS n FROM rate_buckets WHERE key = $1`, [`s:${apiId}:prod`]);
    expect(rows.rows[0].n).toBe(1);
  });
});

describe("other clients", () => {
  it("boto3 creates a key and a plan, links them and reads usage", () => {
    const script = `
import boto3, json, sys
c = boto3.client("apigateway", endpoint_url=sys.argv[1], region_name="us-east-1",
  aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
k = c.create_api_key(name="boto-key", enabled=True)
p = c.create_usage_plan(name="boto-plan", throttle={"rateLimit": 5.0, "burstLimit": 10}, quota={"limit": 100, "period": "MONTH", "offset": 0})
c.create_usage_plan_key(usagePlanId=p["id"], keyId=k["id"], keyType="API_KEY")
keys = c.get_usage_plan_keys(usagePlanId=p["id"])
u = c.get_usage(usagePlanId=p["id"], startDate="2026-01-01", endDate="2026-01-02")
try:
    c.get_api_key(apiKey="missing000")
    err = None
except c.exceptions.NotFoundException as e:
    err = e.response["Error"]["Code"]
print(json.dumps({"keys": [x["id"] for x in keys["items"]], "k": k["id"], "quota": p["quota"], "usage": u["items"], "err": err}))
`;
    const out = JSON.parse(
      execFileSync("python3", ["-c", script, `${web.url}/api/aws`, t.key.id, t.key.secret], { encoding: "utf8" }),
    );
    expect(out.keys).toEqual([out.k]);
    expect(out.quota).toEqual({ limit: 100, offset: 0, period: "MONTH" });
    expect(out.usage).toEqual({
      [out.k]: [
        [0, 100],
        [0, 100],
      ],
    });
    expect(out.err).toBe("NotFoundException");
  });

  it.skipIf(!existsSync(AWS_CLI))("aws apigateway create-api-key / create-usage-plan / get-api-keys", async () => {
    const endpoint = `${web.url}/api/aws`;
    const name = uniqueName("cli");
    const created = await runAwsCli(endpoint, t.key, ["apigateway", "create-api-key", "--name", name, "--enabled"]);
    expect(created.code, created.stderr).toBe(0);
    const key = JSON.parse(created.stdout);
    expect(key).toMatchObject({ name, enabled: true });
    const plan = await runAwsCli(endpoint, t.key, [
      "apigateway",
      "create-usage-plan",
      "--name",
      `${name}-plan`,
      "--throttle",
      "burstLimit=10,rateLimit=5",
      "--quota",
      "limit=500,offset=0,period=MONTH",
    ]);
    expect(plan.code, plan.stderr).toBe(0);
    const planId = JSON.parse(plan.stdout).id;
    const link = await runAwsCli(endpoint, t.key, [
      "apigateway",
      "create-usage-plan-key",
      "--usage-plan-id",
      planId,
      "--key-id",
      key.id,
      "--key-type",
      "API_KEY",
    ]);
    expect(link.code, link.stderr).toBe(0);
    const list = await runAwsCli(endpoint, t.key, [
      "apigateway",
      "get-api-keys",
      "--name-query",
      name,
      "--include-values",
    ]);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).items).toEqual([expect.objectContaining({ id: key.id, value: key.value })]);
    const missing = await runAwsCli(endpoint, t.key, ["apigateway", "get-usage-plan", "--usage-plan-id", "nothere123"]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("NotFoundException");
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  APIGatewayClient,
  BadRequestException,
  CreateDeploymentCommand,
  GetExportCommand,
  GetMethodCommand,
  GetModelsCommand,
  GetAuthorizersCommand,
  GetResourcesCommand,
  GetRequestValidatorsCommand,
  ImportRestApiCommand,
  PutRestApiCommand,
} from "@aws-sdk/client-api-gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";
import { runAwsCli } from "../helpers/aws-cli";

// ImportRestApi / PutRestApi (merge, overwrite) from OpenAPI 3 with x-amazon-apigateway-integration,
// and GetExport (oas30, JSON) of a stage, with @aws-sdk/client-api-gateway and the AWS CLI.

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

const mock = (body: string) => ({
  type: "mock",
  requestTemplates: { "application/json": '{"statusCode": 200}' },
  responses: { default: { statusCode: "200", responseTemplates: { "application/json": body } } },
  passthroughBehavior: "when_no_match",
});

const petStore = {
  openapi: "3.0.1",
  info: { title: "PetStore", description: "Imported pets", version: "1.0" },
  paths: {
    "/pets": {
      get: {
        parameters: [{ name: "type", in: "query", required: false, schema: { type: "string" } }],
        responses: {
          "200": {
            description: "ok",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Pets" } } },
          },
        },
        "x-amazon-apigateway-integration": mock('{"pets": ["$input.params(\'type\')"]}'),
      },
      post: {
        requestBody: {
          content: { "application/json": { schema: { $ref: "#/components/schemas/Pet" } } },
          required: true,
        },
        responses: { "200": { description: "ok" } },
        "x-amazon-apigateway-request-validator": "body",
        "x-amazon-apigateway-integration": mock('{"created": true}'),
      },
    },
    "/pets/{petId}": {
      get: {
        parameters: [{ name: "petId", in: "path", required: true, schema: { type: "string" } }],
        security: [{ api_key: [] }],
        responses: { "200": { description: "ok" } },
        "x-amazon-apigateway-integration": mock('{"id": "$input.params(\'petId\')"}'),
      },
    },
  },
  components: {
    schemas: {
      Pet: { type: "object", required: ["name"], properties: { name: { type: "string" } } },
      Pets: { type: "array", items: { $ref: "#/components/schemas/Pet" } },
    },
    securitySchemes: { api_key: { type: "apiKey", name: "x-api-key", in: "header" } },
  },
  "x-amazon-apigateway-request-validators": { body: { validateRequestBody: true, validateRequestParameters: false } },
};

describe("OpenAPI import and export", () => {
  it("imports an OpenAPI 3 definition, serves it, and exports it back", async () => {
    const api = await gw.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(petStore)) }));
    expect(api.name).toBe("PetStore");
    expect(api.description).toBe("Imported pets");
    const res = await gw.send(new GetResourcesCommand({ restApiId: api.id, embed: ["methods"] }));
    expect(res.items?.map((r) => r.path)).toEqual(["/", "/pets", "/pets/{petId}"]);
    const pet = res.items!.find((r) => r.path === "/pets/{petId}")!;
    expect(pet.resourceMethods?.GET?.apiKeyRequired).toBe(true);
    expect(pet.resourceMethods?.GET?.requestParameters).toEqual({ "method.request.path.petId": true });
    expect(pet.resourceMethods?.GET?.methodIntegration?.type).toBe("MOCK");
    const post = await gw.send(
      new GetMethodCommand({ restApiId: api.id, resourceId: res.items![1].id, httpMethod: "POST" }),
    );
    expect(post.requestModels).toEqual({ "application/json": "Pet" });
    expect(post.requestValidatorId).toBeTruthy();
    expect((await gw.send(new GetModelsCommand({ restApiId: api.id }))).items?.map((m) => m.name).sort()).toEqual([
      "Pet",
      "Pets",
    ]);
    expect((await gw.send(new GetRequestValidatorsCommand({ restApiId: api.id }))).items?.[0]).toMatchObject({
      name: "body",
      validateRequestBody: true,
    });

    await gw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: "v1" }));
    const r = await fetch(`${web.url}/gw/${api.id}/v1/pets?type=cat`);
    expect(await r.json()).toEqual({ pets: ["cat"] });
    const invalid = await fetch(`${web.url}/gw/${api.id}/v1/pets`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(invalid.status).toBe(400);

    const exp = await gw.send(
      new GetExportCommand({
        restApiId: api.id,
        stageName: "v1",
        exportType: "oas30",
        accepts: "application/json",
        parameters: { extensions: "integrations" },
      }),
    );
    const doc = JSON.parse(Buffer.from(exp.body!).toString("utf8"));
    expect(doc.openapi).toBe("3.0.1");
    expect(doc.info).toMatchObject({ title: "PetStore", version: "1.0" });
    expect(doc.servers[0].variables.basePath.default).toBe("v1");
    expect(Object.keys(doc.paths)).toEqual(["/pets", "/pets/{petId}"]);
    expect(doc.paths["/pets/{petId}"].get.security).toEqual([{ api_key: [] }]);
    expect(doc.paths["/pets"].post["x-amazon-apigateway-integration"].type).toBe("mock");
    expect(doc.paths["/pets"].post["x-amazon-apigateway-request-validator"]).toBe("body");
    expect(doc.components.schemas.Pet.required).toEqual(["name"]);
    const plain = await gw.send(
      new GetExportCommand({ restApiId: api.id, stageName: "v1", exportType: "oas30", accepts: "application/json" }),
    );
    expect(
      JSON.parse(Buffer.from(plain.body!).toString("utf8")).paths["/pets"].get["x-amazon-apigateway-integration"],
    ).toBeUndefined();

    // The export imports again into an equivalent API.
    const again = await gw.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(doc)) }));
    const res2 = await gw.send(new GetResourcesCommand({ restApiId: again.id, embed: ["methods"] }));
    expect(res2.items?.map((x) => x.path)).toEqual(["/", "/pets", "/pets/{petId}"]);
    expect(
      res2.items?.find((x) => x.path === "/pets")?.resourceMethods?.POST?.methodIntegration?.integrationResponses?.[
        "200"
      ]?.responseTemplates,
    ).toEqual({
      "application/json": '{"created": true}',
    });
  });

  it("imports and exports Lambda authorizers and AWS_IAM methods", async () => {
    const uri =
      "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations";
    const def = {
      openapi: "3.0.1",
      info: { title: "Guarded", version: "1" },
      paths: {
        "/private": {
          get: {
            security: [{ MyAuth: [] }],
            responses: { "200": { description: "ok" } },
            "x-amazon-apigateway-integration": mock("{}"),
          },
        },
        "/iam": {
          get: {
            security: [{ sigv4: [] }],
            responses: { "200": { description: "ok" } },
            "x-amazon-apigateway-integration": mock("{}"),
          },
        },
      },
      components: {
        securitySchemes: {
          MyAuth: {
            type: "apiKey",
            name: "Authorization",
            in: "header",
            "x-amazon-apigateway-authtype": "custom",
            "x-amazon-apigateway-authorizer": { type: "token", authorizerUri: uri, authorizerResultTtlInSeconds: 60 },
          },
          sigv4: { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "awsSigv4" },
        },
      },
    };
    const api = await gw.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(def)) }));
    const auths = await gw.send(new GetAuthorizersCommand({ restApiId: api.id }));
    expect(auths.items).toEqual([
      expect.objectContaining({
        name: "MyAuth",
        type: "TOKEN",
        authorizerUri: uri,
        identitySource: "method.request.header.Authorization",
        authorizerResultTtlInSeconds: 60,
      }),
    ]);
    const res = await gw.send(new GetResourcesCommand({ restApiId: api.id, embed: ["methods"] }));
    expect(res.items?.find((r) => r.path === "/private")?.resourceMethods?.GET).toMatchObject({
      authorizationType: "CUSTOM",
      authorizerId: auths.items![0].id,
    });
    expect(res.items?.find((r) => r.path === "/iam")?.resourceMethods?.GET?.authorizationType).toBe("AWS_IAM");
    await gw.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: "v1" }));
    const exp = await gw.send(
      new GetExportCommand({
        restApiId: api.id,
        stageName: "v1",
        exportType: "oas30",
        accepts: "application/json",
        parameters: { extensions: "apigateway" },
      }),
    );
    const out = JSON.parse(Buffer.from(exp.body!).toString("utf8"));
    expect(out.components.securitySchemes.MyAuth["x-amazon-apigateway-authorizer"]).toMatchObject({
      type: "token",
      authorizerUri: uri,
    });
    expect(out.paths["/private"].get.security).toEqual([{ MyAuth: [] }]);
    expect(out.paths["/iam"].get.security).toEqual([{ sigv4: [] }]);
  });

  it("PutRestApi merges or overwrites an API's definition", async () => {
    const api = await gw.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(petStore)) }));
    const extra = {
      openapi: "3.0.1",
      info: { title: "Extra", version: "2" },
      paths: {
        "/toys": {
          get: { responses: { "200": { description: "ok" } }, "x-amazon-apigateway-integration": mock("{}") },
        },
      },
    };
    await gw.send(
      new PutRestApiCommand({ restApiId: api.id, mode: "merge", body: Buffer.from(JSON.stringify(extra)) }),
    );
    const merged = await gw.send(new GetResourcesCommand({ restApiId: api.id }));
    expect(merged.items?.map((r) => r.path)).toEqual(["/", "/pets", "/pets/{petId}", "/toys"]);
    const over = await gw.send(
      new PutRestApiCommand({ restApiId: api.id, mode: "overwrite", body: Buffer.from(JSON.stringify(extra)) }),
    );
    expect(over.name).toBe("Extra");
    expect(over.rootResourceId).toBe(api.rootResourceId);
    const replaced = await gw.send(new GetResourcesCommand({ restApiId: api.id }));
    expect(replaced.items?.map((r) => r.path)).toEqual(["/", "/toys"]);
    const bad = await gw.send(new ImportRestApiCommand({ body: Buffer.from('{"info": {}}') })).catch((e) => e);
    expect(bad).toBeInstanceOf(BadRequestException);
  });

  it("aws apigateway import-rest-api and get-export", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "apigw-"));
    const file = path.join(dir, "api.json");
    writeFileSync(file, JSON.stringify(petStore));
    const cli = (args: string[]) => runAwsCli(`${web.url}/api/aws`, t.key, args);
    const imp = await cli(["apigateway", "import-rest-api", "--body", `fileb://${file}`]);
    expect(imp.stderr).toBe("");
    const api = JSON.parse(imp.stdout);
    expect(api.name).toBe("PetStore");
    await cli(["apigateway", "create-deployment", "--rest-api-id", api.id, "--stage-name", "prod"]);
    const out = path.join(dir, "out.json");
    const exp = await cli([
      "apigateway",
      "get-export",
      "--rest-api-id",
      api.id,
      "--stage-name",
      "prod",
      "--export-type",
      "oas30",
      out,
    ]);
    expect(exp.stderr).toBe("");
    expect(JSON.parse(readFileSync(out, "utf8")).info.title).toBe("PetStore");
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { parse as parseYaml } from "yaml";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";
import { AWS_CLI, runAwsCli } from "../helpers/aws-cli";

// Debian's AWS CLI 2.9, unchanged, on API Gateway: `aws apigateway` from a YAML definition
// (import, the resource families, deploy, export as YAML, overwrite, delete), `aws apigatewayv2`
// (import-api, export-api, reimport-api and the HTTP API families), `aws apigatewaymanagementapi`
// on a live WebSocket connection, and AWS's errors as the CLI prints them. Every action is driven
// by boto3 in apigw-boto3-v1/-v2.test.ts; here independent calls run side by side, because each
// CLI process costs a second of CPU.

let web: TestProcess & { url: string; port: number };
let t: TestTenant;
let dir: string;

beforeAll(async () => {
  t = await createTestTenant();
  web = await startWeb();
  dir = mkdtempSync(path.join(tmpdir(), "apigw-cli-"));
});
afterAll(async () => {
  await web?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const cli = (args: string[]) => runAwsCli(`${web.url}/api/aws`, t.key, args, 120_000);
async function ok(args: string[]): Promise<Json> {
  const r = await cli(args);
  if (r.code !== 0) throw new Error(`aws ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout.trim() ? (JSON.parse(r.stdout) as Json) : {};
}
/** The CLI's error line for a call that must fail (exit 254). */
async function fails(args: string[]): Promise<string> {
  const r = await cli(args);
  expect(r.code, r.stdout).toBe(254);
  // With AWS_MAX_ATTEMPTS=1 the CLI's standard retry mode notes "(reached max retries: 0)" on every error.
  return r.stderr.trim().replace(" (reached max retries: 0)", "");
}
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

const REST_YAML = `openapi: 3.0.1
info:
  title: cli-pets
  version: "1"
paths:
  /pets:
    get:
      operationId: listPets
      x-amazon-apigateway-request-validator: params
      parameters:
        - name: limit
          in: query
          required: true
          schema:
            type: string
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Pets"
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates:
          application/json: '{"statusCode": 200}'
        responses:
          default:
            statusCode: "200"
            responseTemplates:
              application/json: '[{"name": "rex"}]'
components:
  schemas:
    Pets:
      type: array
      items:
        type: object
x-amazon-apigateway-request-validators:
  params:
    validateRequestBody: false
    validateRequestParameters: true
`;

describe.skipIf(!existsSync(AWS_CLI))("AWS CLI 2.9 on API Gateway", () => {
  it(
    "aws apigateway: a REST API from YAML through every resource family, deployed, exported as YAML, deleted",
    { timeout: 300_000 },
    async () => {
      const api = await ok([
        "apigateway",
        "import-rest-api",
        "--fail-on-warnings",
        "--body",
        `fileb://${file("api.yaml", REST_YAML)}`,
      ]);
      expect(api).toMatchObject({ name: "cli-pets", version: "1", apiKeySource: "HEADER" });
      const A = api.id as string;
      const [got, resources, models, validators, authorizer, gatewayResponse, key] = await Promise.all([
        ok(["apigateway", "get-rest-api", "--rest-api-id", A]),
        ok(["apigateway", "get-resources", "--rest-api-id", A, "--embed", "methods"]),
        ok(["apigateway", "get-models", "--rest-api-id", A]),
        ok(["apigateway", "get-request-validators", "--rest-api-id", A]),
        ok([
          "apigateway",
          "create-authorizer",
          "--rest-api-id",
          A,
          "--name",
          "tok",
          "--type",
          "TOKEN",
          "--authorizer-uri",
          "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:auth/invocations",
          "--identity-source",
          "method.request.header.Authorization",
        ]),
        ok([
          "apigateway",
          "put-gateway-response",
          "--rest-api-id",
          A,
          "--response-type",
          "DEFAULT_4XX",
          "--response-templates",
          '{"application/json": "{\\"error\\": $context.error.messageString}"}',
        ]),
        ok(["apigateway", "create-api-key", "--name", `cli-${A}`, "--enabled"]),
      ]);
      expect(got.id).toBe(A);
      const pets = (resources.items as Json[]).find((r) => r.path === "/pets")!;
      expect(pets.resourceMethods.GET).toMatchObject({ httpMethod: "GET", operationName: "listPets" });
      expect((models.items as Json[]).map((m) => m.name)).toEqual(["Pets"]);
      expect(validators.items).toEqual([
        expect.objectContaining({ name: "params", validateRequestBody: false, validateRequestParameters: true }),
      ]);
      expect(authorizer).toMatchObject({ name: "tok", type: "TOKEN", authorizerResultTtlInSeconds: 300 });
      expect(gatewayResponse).toMatchObject({ responseType: "DEFAULT_4XX", defaultResponse: false });
      expect(key).toMatchObject({ enabled: true, name: `cli-${A}` });

      const R = pets.id as string;
      const [method, integration, integrationResponse, invoked, refused, updated, child] = await Promise.all([
        ok(["apigateway", "get-method", "--rest-api-id", A, "--resource-id", R, "--http-method", "GET"]),
        ok(["apigateway", "get-integration", "--rest-api-id", A, "--resource-id", R, "--http-method", "GET"]),
        ok([
          "apigateway",
          "get-integration-response",
          "--rest-api-id",
          A,
          "--resource-id",
          R,
          "--http-method",
          "GET",
          "--status-code",
          "200",
        ]),
        ok([
          "apigateway",
          "test-invoke-method",
          "--rest-api-id",
          A,
          "--resource-id",
          R,
          "--http-method",
          "GET",
          "--path-with-query-string",
          "/pets?limit=1",
        ]),
        ok([
          "apigateway",
          "test-invoke-method",
          "--rest-api-id",
          A,
          "--resource-id",
          R,
          "--http-method",
          "GET",
          "--path-with-query-string",
          "/pets",
        ]),
        ok([
          "apigateway",
          "update-method",
          "--rest-api-id",
          A,
          "--resource-id",
          R,
          "--http-method",
          "GET",
          "--patch-operations",
          "op=replace,path=/apiKeyRequired,value=true",
        ]),
        ok(["apigateway", "create-resource", "--rest-api-id", A, "--parent-id", R, "--path-part", "{id}"]),
      ]);
      expect(method).toMatchObject({ requestParameters: { "method.request.querystring.limit": true } });
      expect(method.methodResponses["200"]).toMatchObject({
        statusCode: "200",
        responseModels: { "application/json": "Pets" },
      });
      expect(integration).toMatchObject({ type: "MOCK", passthroughBehavior: "WHEN_NO_MATCH", timeoutInMillis: 29000 });
      expect(integrationResponse.responseTemplates).toEqual({ "application/json": '[{"name": "rex"}]' });
      expect(invoked).toMatchObject({ status: 200, body: '[{"name": "rex"}]' });
      expect(refused.status).toBe(400);
      // The API's DEFAULT_4XX gateway response (put above) shapes the validator's refusal.
      expect(JSON.parse(refused.body)).toEqual({ error: "Missing required request parameters: [limit]" });
      expect(updated.apiKeyRequired).toBe(true);
      expect(child).toMatchObject({ path: "/pets/{id}", pathPart: "{id}", parentId: R });

      const deployment = await ok(["apigateway", "create-deployment", "--rest-api-id", A, "--stage-name", "prod"]);
      const out = path.join(dir, "export.yaml");
      const stageArn = `arn:aws:apigateway:us-east-1::/restapis/${A}/stages/prod`;
      const [stage, exported, deployments, , plan] = await Promise.all([
        ok(["apigateway", "get-stage", "--rest-api-id", A, "--stage-name", "prod"]),
        ok([
          "apigateway",
          "get-export",
          "--rest-api-id",
          A,
          "--stage-name",
          "prod",
          "--export-type",
          "oas30",
          "--accepts",
          "application/yaml",
          "--parameters",
          "extensions=integrations",
          out,
        ]),
        ok(["apigateway", "get-deployments", "--rest-api-id", A]),
        ok(["apigateway", "tag-resource", "--resource-arn", stageArn, "--tags", "team=cli"]),
        ok(["apigateway", "create-usage-plan", "--name", `plan-${A}`, "--api-stages", `apiId=${A},stage=prod`]),
      ]);
      expect(stage).toMatchObject({ stageName: "prod", deploymentId: deployment.id, cacheClusterEnabled: false });
      expect(exported).toMatchObject({ contentType: "application/yaml" });
      const doc = parseYaml(readFileSync(out, "utf8")) as Json;
      expect(doc.openapi).toBe("3.0.1");
      expect(doc.paths["/pets"].get["x-amazon-apigateway-integration"]).toMatchObject({ type: "mock" });
      expect(doc.paths["/pets"].get.security).toEqual([{ api_key: [] }]);
      expect((deployments.items as Json[]).map((d) => d.id)).toEqual([deployment.id]);
      expect(plan.apiStages).toEqual([{ apiId: A, stage: "prod" }]);

      const errors = await Promise.all([
        fails(["apigateway", "get-rest-api", "--rest-api-id", "nope"]),
        fails(["apigateway", "create-resource", "--rest-api-id", A, "--parent-id", R, "--path-part", "{id}"]),
        fails(["apigateway", "import-rest-api", "--body", `fileb://${file("bad.yaml", "openapi: [")}`]),
        fails([
          "apigateway",
          "get-export",
          "--rest-api-id",
          A,
          "--stage-name",
          "prod",
          "--export-type",
          "oas30",
          "--parameters",
          "extensions=postman",
          path.join(dir, "x"),
        ]),
        fails(["apigateway", "delete-stage", "--rest-api-id", A, "--stage-name", "nope"]),
      ]);
      expect(errors).toEqual([
        `An error occurred (NotFoundException) when calling the GetRestApi operation: Invalid API identifier specified ${t.tenant.accountId}:nope`,
        "An error occurred (ConflictException) when calling the CreateResource operation: Another resource with the same parent already has this name: {id}",
        expect.stringMatching(
          /^An error occurred \(BadRequestException\) when calling the ImportRestApi operation: Invalid OpenAPI input: /,
        ),
        expect.stringMatching(
          /^An error occurred \(BadRequestException\) when calling the GetExport operation: Postman extensions/,
        ),
        "An error occurred (NotFoundException) when calling the DeleteStage operation: Invalid Stage identifier specified",
      ]);

      const overwritten = await ok([
        "apigateway",
        "put-rest-api",
        "--rest-api-id",
        A,
        "--mode",
        "overwrite",
        "--body",
        `fileb://${file("api2.yaml", REST_YAML.replace("/pets:", "/cats:").replace("title: cli-pets", "title: cli-cats"))}`,
      ]);
      expect(overwritten).toMatchObject({ id: A, name: "cli-cats" });
      const paths = await ok(["apigateway", "get-resources", "--rest-api-id", A]);
      expect((paths.items as Json[]).map((r) => r.path).sort()).toEqual(["/", "/cats"]);
      await Promise.all([
        ok(["apigateway", "delete-usage-plan", "--usage-plan-id", plan.id]),
        ok(["apigateway", "delete-api-key", "--api-key", key.id]),
      ]);
      await ok(["apigateway", "delete-rest-api", "--rest-api-id", A]);
      expect(await fails(["apigateway", "get-rest-api", "--rest-api-id", A])).toContain("(NotFoundException)");
    },
  );

  it(
    "aws apigatewayv2: import-api from YAML, export-api as YAML and JSON, reimport-api, errors",
    { timeout: 300_000 },
    async () => {
      const spec = `openapi: 3.0.1
info:
  title: cli-orders
  version: "1"
x-amazon-apigateway-cors:
  allowOrigins: ["https://shop.example"]
  allowMethods: [GET, POST]
paths:
  /orders:
    post:
      security:
        - jwt: [orders/write]
      x-amazon-apigateway-integration:
        type: aws_proxy
        uri: arn:aws:lambda:us-east-1:123456789012:function:orders
        payloadFormatVersion: "2.0"
  /orders/{id}:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: https://backend.example/orders/{id}
        payloadFormatVersion: "1.0"
components:
  securitySchemes:
    jwt:
      type: oauth2
      x-amazon-apigateway-authorizer:
        type: jwt
        identitySource: $request.header.Authorization
        jwtConfiguration:
          issuer: https://issuer.example
          audience: [orders]
`;
      const api = await ok(["apigatewayv2", "import-api", "--body", `file://${file("http.yaml", spec)}`]);
      expect(api).toMatchObject({
        Name: "cli-orders",
        ProtocolType: "HTTP",
        Version: "1",
        CorsConfiguration: { AllowOrigins: ["https://shop.example"], AllowMethods: ["GET", "POST"] },
      });
      const A = api.ApiId as string;
      const yamlOut = path.join(dir, "http-export.yaml");
      const jsonOut = path.join(dir, "http-export.json");
      const [routes, integrations, authorizers] = await Promise.all([
        ok(["apigatewayv2", "get-routes", "--api-id", A]),
        ok(["apigatewayv2", "get-integrations", "--api-id", A]),
        ok(["apigatewayv2", "get-authorizers", "--api-id", A]),
        ok(["apigatewayv2", "export-api", "--api-id", A, "--specification", "OAS30", "--output-type", "YAML", yamlOut]),
        ok([
          "apigatewayv2",
          "export-api",
          "--api-id",
          A,
          "--specification",
          "OAS30",
          "--output-type",
          "JSON",
          "--no-include-extensions",
          jsonOut,
        ]),
      ]);
      const byKey = Object.fromEntries((routes.Items as Json[]).map((r) => [r.RouteKey, r]));
      expect(Object.keys(byKey).sort()).toEqual(["GET /orders/{id}", "POST /orders"]);
      expect(byKey["POST /orders"]).toMatchObject({
        AuthorizationType: "JWT",
        AuthorizationScopes: ["orders/write"],
        AuthorizerId: (authorizers.Items as Json[])[0].AuthorizerId,
      });
      expect((integrations.Items as Json[]).map((i) => i.IntegrationType).sort()).toEqual(["AWS_PROXY", "HTTP_PROXY"]);
      const exported = parseYaml(readFileSync(yamlOut, "utf8")) as Json;
      expect(exported["x-amazon-apigateway-importexport-version"]).toBe("1.0");
      expect(exported.paths["/orders"].post["x-amazon-apigateway-integration"]).toMatchObject({
        type: "aws_proxy",
        payloadFormatVersion: "2.0",
        uri: "arn:aws:lambda:us-east-1:123456789012:function:orders",
      });
      expect(exported.components.securitySchemes.jwt["x-amazon-apigateway-authorizer"]).toMatchObject({
        type: "jwt",
        jwtConfiguration: { issuer: "https://issuer.example", audience: ["orders"] },
      });
      const plain = JSON.parse(readFileSync(jsonOut, "utf8")) as Json;
      expect(JSON.stringify(plain)).not.toContain("x-amazon-apigateway");

      // What was exported imports again as the same routes.
      const again = await ok(["apigatewayv2", "import-api", "--body", `file://${yamlOut}`]);
      const againRoutes = await ok(["apigatewayv2", "get-routes", "--api-id", again.ApiId]);
      expect((againRoutes.Items as Json[]).map((r) => r.RouteKey).sort()).toEqual(["GET /orders/{id}", "POST /orders"]);

      const re = await ok([
        "apigatewayv2",
        "reimport-api",
        "--api-id",
        A,
        "--body",
        `file://${file("http2.json", JSON.stringify({ openapi: "3.0.1", info: { title: "cli-orders-2", version: "2" }, paths: { "/health": { get: {} } } }))}`,
      ]);
      expect(re).toMatchObject({ ApiId: A, Name: "cli-orders-2", Version: "2" });
      expect(re.CorsConfiguration).toBeUndefined();
      const errors = await Promise.all([
        fails(["apigatewayv2", "get-api", "--api-id", "nope"]),
        fails(["apigatewayv2", "import-api", "--body", "openapi: ["]),
        fails([
          "apigatewayv2",
          "import-api",
          "--fail-on-warnings",
          "--body",
          JSON.stringify({ openapi: "3.0.1", info: { title: "w" }, paths: {}, "x-amazon-apigateway-policy": {} }),
        ]),
        fails([
          "apigatewayv2",
          "export-api",
          "--api-id",
          A,
          "--specification",
          "OAS30",
          "--output-type",
          "XML",
          path.join(dir, "x"),
        ]),
        ok(["apigatewayv2", "delete-api", "--api-id", again.ApiId]).then(() => ""),
      ]);
      expect(errors).toEqual([
        `An error occurred (NotFoundException) when calling the GetApi operation: Invalid API identifier specified ${t.tenant.accountId}:nope`,
        expect.stringMatching(
          /^An error occurred \(BadRequestException\) when calling the ImportApi operation: Invalid OpenAPI input: /,
        ),
        expect.stringMatching(
          /^An error occurred \(BadRequestException\) when calling the ImportApi operation: Warnings found during import:/,
        ),
        "An error occurred (BadRequestException) when calling the ExportApi operation: Invalid outputType specified: XML. Valid values are JSON, YAML",
        "",
      ]);
      await ok(["apigatewayv2", "delete-api", "--api-id", A]);
    },
  );

  it(
    "aws apigatewaymanagementapi: post-to-connection, get-connection and delete-connection on a live connection",
    { timeout: 300_000 },
    async () => {
      const api = await ok([
        "apigatewayv2",
        "create-api",
        "--name",
        "cli-chat",
        "--protocol-type",
        "WEBSOCKET",
        "--route-selection-expression",
        "$request.body.action",
      ]);
      const W = api.ApiId as string;
      const mock = await ok([
        "apigatewayv2",
        "create-integration",
        "--api-id",
        W,
        "--integration-type",
        "MOCK",
        "--request-templates",
        '{"$default": "{\\"statusCode\\": 200}"}',
        "--template-selection-expression",
        "\\$default",
      ]);
      const [, route] = await Promise.all([
        ok([
          "apigatewayv2",
          "create-integration-response",
          "--api-id",
          W,
          "--integration-id",
          mock.IntegrationId,
          "--integration-response-key",
          "$default",
          "--response-templates",
          '{"$default": "{\\"connection\\": \\"$context.connectionId\\"}"}',
        ]),
        ok([
          "apigatewayv2",
          "create-route",
          "--api-id",
          W,
          "--route-key",
          "whoami",
          "--target",
          `integrations/${mock.IntegrationId}`,
          "--route-response-selection-expression",
          "$default",
        ]),
      ]);
      await ok([
        "apigatewayv2",
        "create-route-response",
        "--api-id",
        W,
        "--route-id",
        route.RouteId,
        "--route-response-key",
        "$default",
      ]);
      await ok(["apigatewayv2", "create-stage", "--api-id", W, "--stage-name", "prod", "--auto-deploy"]);

      const client = new WebSocket(`ws://127.0.0.1:${web.port}/gw/${W}/prod`, {
        headers: { "user-agent": "cli-test" },
      });
      const frames: string[] = [];
      const waiters: ((s: string) => void)[] = [];
      client.on("message", (d) => (waiters.length ? waiters.shift()!(String(d)) : frames.push(String(d))));
      const next = () =>
        new Promise<string>((resolve) => (frames.length ? resolve(frames.shift()!) : waiters.push(resolve)));
      const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
      await new Promise<void>((resolve, reject) => {
        client.once("open", () => resolve());
        client.once("error", reject);
      });
      client.send(JSON.stringify({ action: "whoami" }));
      const connection = (JSON.parse(await next()) as { connection: string }).connection;

      const mgmt = (args: string[]) =>
        runAwsCli(`${web.url}/gw/${W}/prod`, t.key, ["apigatewaymanagementapi", ...args], 120_000);
      const received = next();
      const posted = await mgmt([
        "post-to-connection",
        "--connection-id",
        connection,
        "--cli-binary-format",
        "raw-in-base64-out",
        "--data",
        '{"from": "cli"}',
      ]);
      expect(posted.code, posted.stderr).toBe(0);
      expect(await received).toBe('{"from": "cli"}');
      const [info, gone] = await Promise.all([
        mgmt(["get-connection", "--connection-id", connection]),
        mgmt(["post-to-connection", "--connection-id", "AAAAAAAAAAAAAAA=", "--data", "eA=="]),
      ]);
      expect(JSON.parse(info.stdout)).toMatchObject({ Identity: { SourceIp: "127.0.0.1", UserAgent: "cli-test" } });
      expect(gone.code).toBe(254);
      expect(gone.stderr).toContain("An error occurred (GoneException) when calling the PostToConnection operation");
      const deleted = await mgmt(["delete-connection", "--connection-id", connection]);
      expect(deleted.code, deleted.stderr).toBe(0);
      await closed;
      await ok(["apigatewayv2", "delete-api", "--api-id", W]);
    },
  );
});

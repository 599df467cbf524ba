import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";
import { runWithAwsKey } from "../helpers/aws-cli";

// API Gateway v2 through boto3 (1.43), unchanged: every HTTP API action (with ImportApi, ReimportApi
// and ExportApi), the actions only WebSocket APIs have, and the @connections management API
// (apigatewaymanagementapi) on a live connection. apigw-boto3/check.py watches every answer against
// botocore's model (status, members, error bodies). Ids print as <name>.

const SCRIPTS = path.join(import.meta.dirname, "apigw-boto3");
let web: TestProcess & { url: string; port: number };
let t: TestTenant;

beforeAll(async () => {
  t = await createTestTenant();
  web = await startWeb();
});
afterAll(async () => {
  await web?.stop();
});

async function runPython(script: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await runWithAwsKey(
    "python3",
    [path.join(SCRIPTS, script), web.url, t.key.id, t.key.secret, t.tenant.accountId, ...args],
    t.key,
    { timeoutMs: 180_000 },
  );
  if (r.code !== 0) throw new Error(`${script} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

describe("boto3 apigatewayv2 and apigatewaymanagementapi clients", () => {
  let wsApi = "";

  it(
    "drive every HTTP API action, OpenAPI import/export and the WebSocket-only actions",
    { timeout: 200_000 },
    async () => {
      const { stdout, stderr } = await runPython("v2.py", []);
      wsApi = /ws=(\S+)/.exec(stderr)?.[1] ?? "";
      expect(stdout.trimEnd().split("\n")).toEqual([
        "CreateApi ApiEndpoint,ApiId,ApiKeySelectionExpression,CorsConfiguration,CreatedDate,DisableExecuteApiEndpoint,IpAddressType,Name,ProtocolType,RouteSelectionExpression,Tags orders HTTP ${request.method} ${request.path}",
        "GetApis Items ['orders']",
        "GetApi ApiEndpoint,ApiId,ApiKeySelectionExpression,CorsConfiguration,CreatedDate,DisableExecuteApiEndpoint,IpAddressType,Name,ProtocolType,RouteSelectionExpression,Tags {'AllowOrigins': ['https://a.example']}",
        "UpdateApi ApiEndpoint,ApiId,ApiKeySelectionExpression,CorsConfiguration,CreatedDate,Description,DisableExecuteApiEndpoint,IpAddressType,Name,ProtocolType,RouteSelectionExpression,Tags d",
        "DeleteCorsConfiguration ",
        "CreateIntegration ConnectionType,IntegrationId,IntegrationType,IntegrationUri,PayloadFormatVersion,TimeoutInMillis AWS_PROXY 2.0 30000",
        "GetIntegrations Items 1",
        "GetIntegration ConnectionType,IntegrationId,IntegrationType,IntegrationUri,PayloadFormatVersion,TimeoutInMillis arn:aws:lambda:us-east-1:123456789012:function:orders",
        "UpdateIntegration ConnectionType,IntegrationId,IntegrationType,IntegrationUri,PayloadFormatVersion,TimeoutInMillis 5000",
        "CreateAuthorizer AuthorizerId,AuthorizerType,IdentitySource,JwtConfiguration,Name JWT",
        "GetAuthorizers Items ['jwt']",
        "GetAuthorizer AuthorizerId,AuthorizerType,IdentitySource,JwtConfiguration,Name {'Audience': ['a'], 'Issuer': 'https://issuer.example'}",
        "UpdateAuthorizer AuthorizerId,AuthorizerType,IdentitySource,JwtConfiguration,Name jwt2",
        "CreateRoute ApiKeyRequired,AuthorizationScopes,AuthorizationType,AuthorizerId,RequestParameters,RouteId,RouteKey,Target GET /orders/{id} JWT False",
        "GetRoutes Items ['GET /orders/{id}']",
        "GetRoute ApiKeyRequired,AuthorizationScopes,AuthorizationType,AuthorizerId,RequestParameters,RouteId,RouteKey,Target integrations/<integration>",
        "UpdateRoute ApiKeyRequired,AuthorizationScopes,AuthorizationType,AuthorizerId,OperationName,RequestParameters,RouteId,RouteKey,Target getOrder",
        "DeleteRouteRequestParameter ",
        "CreateStage AutoDeploy,CreatedDate,DefaultRouteSettings,DeploymentId,LastDeploymentStatusMessage,LastUpdatedDate,RouteSettings,StageName,StageVariables,Tags prod True",
        "GetStages Items ['prod']",
        "GetStage AutoDeploy,CreatedDate,DefaultRouteSettings,DeploymentId,LastDeploymentStatusMessage,LastUpdatedDate,RouteSettings,StageName,StageVariables,Tags {'v': '1'}",
        "UpdateStage AutoDeploy,CreatedDate,DefaultRouteSettings,DeploymentId,Description,LastDeploymentStatusMessage,LastUpdatedDate,RouteSettings,StageName,StageVariables,Tags p",
        "DeleteRouteSettings ",
        "ResetAuthorizersCache ",
        "CreateDeployment AutoDeployed,CreatedDate,DeploymentId,DeploymentStatus,Description DEPLOYED False",
        "GetDeployments Items True",
        "GetDeployment AutoDeployed,CreatedDate,DeploymentId,DeploymentStatus,Description manual",
        "UpdateDeployment AutoDeployed,CreatedDate,DeploymentId,DeploymentStatus,Description m2",
        "TagResource ",
        "GetTags Tags {'k': 'v', 't': '1'}",
        "UntagResource ",
        "ExportApi ['/orders/{id}'] [{'jwt2': ['read']}] jwt 1.0",
        "ExportApi YAML openapi: 3.0.1",
        "ImportApi ApiEndpoint,ApiId,ApiKeySelectionExpression,CreatedDate,Description,DisableExecuteApiEndpoint,IpAddressType,Name,ProtocolType,RouteSelectionExpression,Tags,Version orders None",
        "ImportApi routes [('GET /orders/{id}', 'JWT', ['read'], 'getOrder')]",
        "ImportApi integrations [('AWS_PROXY', 'arn:aws:lambda:us-east-1:123456789012:function:orders', '2.0', 5000)]",
        "ImportApi authorizers [('jwt2', 'https://issuer.example')]",
        "ReimportApi ApiEndpoint,ApiId,ApiKeySelectionExpression,CorsConfiguration,CreatedDate,DisableExecuteApiEndpoint,IpAddressType,Name,ProtocolType,RouteSelectionExpression,Tags,Version orders-v2 2 {'AllowMethods': ['GET'], 'AllowOrigins': ['*']}",
        "ReimportApi routes ['GET /health']",
        "E NotFound GetApi NotFoundException 404 Invalid API identifier specified <account>:nope",
        "E NotFound GetRoute NotFoundException 404 Invalid Route identifier specified nope",
        "E Conflict CreateRoute ConflictException 409 Route with key GET /orders/{id} already exists for this API",
        "E BadRequest CreateRoute BadRequestException 400 Invalid route key: FETCH /x",
        "E BadRequest CreateApi BadRequestException 400 Invalid protocol type specified. Must be one of [HTTP, WEBSOCKET]",
        "E Conflict DeleteIntegration ConflictException 409 Cannot delete integration <integration>: it is the target of route <route> (GET /orders/{id})",
        "E BadRequest ImportApi BadRequestException 400 Invalid OpenAPI input: Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 11",
        "E BadRequest ImportApi warnings BadRequestException 400 Warnings found during import:",
        "\tx-amazon-apigateway-policy is not supported for HTTP APIs and was ignored",
        "E BadRequest ExportApi BadRequestException 400 Invalid specification specified: SWAGGER. Valid values are OAS30",
        "E NotFound ExportApi stage NotFoundException 404 Invalid stage identifier specified nope",
        "E NotFound ReimportApi NotFoundException 404 Invalid API identifier specified <account>:nope",
        "CreateApi ws ApiEndpoint,ApiId,ApiKeySelectionExpression,CreatedDate,DisableExecuteApiEndpoint,Name,ProtocolType,RouteSelectionExpression WEBSOCKET $request.body.action",
        "CreateIntegration ws ConnectionType,IntegrationId,IntegrationResponseSelectionExpression,IntegrationType,PassthroughBehavior,RequestTemplates,TemplateSelectionExpression,TimeoutInMillis MOCK ${integration.response.statuscode}",
        "CreateIntegrationResponse IntegrationResponseId,IntegrationResponseKey,ResponseTemplates $default",
        "GetIntegrationResponses Items ['$default']",
        "CreateRoute ws ApiKeyRequired,AuthorizationType,RouteId,RouteKey,RouteResponseSelectionExpression,Target whoami",
        "CreateRouteResponse RouteResponseId,RouteResponseKey $default",
        "GetRouteResponses Items ['$default']",
        "CreateStage ws AutoDeploy,CreatedDate,DefaultRouteSettings,DeploymentId,LastUpdatedDate,RouteSettings,StageName,StageVariables,Tags prod",
        "DeleteStage 204",
        "DeleteDeployment 204",
        "DeleteRoute 204",
        "DeleteAuthorizer 204",
        "DeleteIntegration 204",
        "DeleteApi 204",
        "DeleteApi 204",
        "E BadRequest ExportApi ws BadRequestException 400 ExportApi is only supported for HTTP APIs",
        "E BadRequest ReimportApi ws BadRequestException 400 ReimportApi is only supported for HTTP APIs",
        "PROBLEMS []",
      ]);
    },
  );

  it(
    "post to, read and close a live WebSocket connection; a gone one is GoneException",
    { timeout: 120_000 },
    async () => {
      expect(wsApi).not.toBe("");
      const client = new WebSocket(`ws://127.0.0.1:${web.port}/gw/${wsApi}/prod`, {
        headers: { "user-agent": "conformance-test" },
      });
      const frames: string[] = [];
      let waiting: ((s: string) => void) | null = null;
      client.on("message", (d) => (waiting ? (waiting(String(d)), (waiting = null)) : frames.push(String(d))));
      const next = () =>
        new Promise<string>((resolve) => (frames.length ? resolve(frames.shift()!) : (waiting = resolve)));
      const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
      await new Promise<void>((resolve, reject) => {
        client.once("open", () => resolve());
        client.once("error", reject);
      });
      client.send(JSON.stringify({ action: "whoami" }));
      const connection = (JSON.parse(await next()) as { connection: string }).connection;
      expect(connection).toMatch(/^[A-Za-z0-9+/=]+$/);
      const received = next();
      const { stdout } = await runPython("mgmt.py", [wsApi, connection]);
      expect(await received).toBe('{"hello": "boto3"}');
      await closed;
      expect(stdout.trim().split("\n")).toEqual([
        "PostToConnection 200",
        "GetConnection ConnectedAt,Identity,LastActiveAt datetime ['SourceIp', 'UserAgent']",
        "GoneException 410",
        "DeleteConnection 204",
        "PROBLEMS []",
      ]);
    },
  );
});

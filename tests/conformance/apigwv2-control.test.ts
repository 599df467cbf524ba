import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateAuthorizerCommand,
  CreateDeploymentCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
  DeleteApiCommand,
  DeleteAuthorizerCommand,
  DeleteCorsConfigurationCommand,
  DeleteDeploymentCommand,
  DeleteIntegrationCommand,
  DeleteRouteCommand,
  DeleteRouteRequestParameterCommand,
  DeleteRouteSettingsCommand,
  DeleteStageCommand,
  GetApiCommand,
  GetApisCommand,
  GetAuthorizerCommand,
  GetAuthorizersCommand,
  GetDeploymentCommand,
  GetDeploymentsCommand,
  GetIntegrationCommand,
  GetIntegrationsCommand,
  GetRouteCommand,
  GetRoutesCommand,
  GetStageCommand,
  GetStagesCommand,
  GetTagsCommand,
  ResetAuthorizersCacheCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateApiCommand,
  UpdateAuthorizerCommand,
  UpdateDeploymentCommand,
  UpdateIntegrationCommand,
  UpdateRouteCommand,
  UpdateStageCommand,
} from "@aws-sdk/client-apigatewayv2";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";
import { AWS_CLI, runAwsCli } from "../helpers/aws-cli";

// API Gateway v2 HTTP APIs' control plane through @aws-sdk/client-apigatewayv2 (every action),
// boto3 and the AWS CLI against a real web process: AWS's paths, members and error codes.

let web: TestProcess & { url: string };
let t: TestTenant;
let gw: ApiGatewayV2Client;
const FN = "arn:aws:lambda:us-east-1:123456789012:function:orders";

beforeAll(async () => {
  t = await createTestTenant();
  web = await startWeb();
  gw = new ApiGatewayV2Client({
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

describe("APIs", () => {
  it("creates, reads, lists, updates and deletes an HTTP API", async () => {
    const Name = uniqueName("api");
    const created = await gw.send(
      new CreateApiCommand({
        Name,
        ProtocolType: "HTTP",
        Description: "d1",
        CorsConfiguration: { AllowOrigins: ["https://a.example"], AllowMethods: ["GET"], MaxAge: 60 },
        Tags: { team: "a" },
      }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.ApiId).toMatch(/^[a-z0-9]{10}$/);
    expect(created).toMatchObject({
      Name,
      ProtocolType: "HTTP",
      Description: "d1",
      RouteSelectionExpression: "${request.method} ${request.path}",
      ApiKeySelectionExpression: "$request.header.x-api-key",
      CorsConfiguration: { AllowOrigins: ["https://a.example"], AllowMethods: ["GET"], MaxAge: 60 },
      Tags: { team: "a" },
      DisableExecuteApiEndpoint: false,
    });
    expect(created.ApiEndpoint).toBe(`${web.url}/gw/${created.ApiId}`);
    expect(created.CreatedDate).toBeInstanceOf(Date);

    const got = await gw.send(new GetApiCommand({ ApiId: created.ApiId }));
    expect(got.Name).toBe(Name);
    const all = await gw.send(new GetApisCommand({}));
    expect(all.Items!.map((a) => a.ApiId)).toContain(created.ApiId);

    const updated = await gw.send(new UpdateApiCommand({ ApiId: created.ApiId, Name: `${Name}-2`, Description: "d2" }));
    expect(updated).toMatchObject({ Name: `${Name}-2`, Description: "d2" });
    await gw.send(new DeleteCorsConfigurationCommand({ ApiId: created.ApiId }));
    expect((await gw.send(new GetApiCommand({ ApiId: created.ApiId }))).CorsConfiguration).toBeUndefined();

    const del = await gw.send(new DeleteApiCommand({ ApiId: created.ApiId }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    expect(await failure(gw.send(new GetApiCommand({ ApiId: created.ApiId! })))).toEqual({
      name: "NotFoundException",
      message: `Invalid API identifier specified ${t.tenant.accountId}:${created.ApiId}`,
      status: 404,
    });
  });

  it("pages GetApis with MaxResults and NextToken", async () => {
    const other = await createTestTenant();
    const c = new ApiGatewayV2Client({
      endpoint: `${web.url}/api/aws`,
      region: "us-east-1",
      credentials: { accessKeyId: other.key.id, secretAccessKey: other.key.secret },
      maxAttempts: 1,
    });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await c.send(new CreateApiCommand({ Name: `p${i}`, ProtocolType: "HTTP" }))).ApiId!);
    const seen: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const r = await c.send(new GetApisCommand({ MaxResults: "2", NextToken }));
      expect(r.Items!.length).toBeLessThanOrEqual(2);
      seen.push(...r.Items!.map((a) => a.ApiId!));
      NextToken = r.NextToken;
      pages++;
    } while (NextToken);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
  });

  it("quick create makes an integration, a route and an auto-deployed $default stage", async () => {
    const api = await gw.send(new CreateApiCommand({ Name: uniqueName("quick"), ProtocolType: "HTTP", Target: FN }));
    const routes = await gw.send(new GetRoutesCommand({ ApiId: api.ApiId }));
    expect(routes.Items).toHaveLength(1);
    expect(routes.Items![0]).toMatchObject({
      RouteKey: "$default",
      ApiGatewayManaged: true,
      AuthorizationType: "NONE",
    });
    const integ = await gw.send(new GetIntegrationsCommand({ ApiId: api.ApiId }));
    expect(integ.Items![0]).toMatchObject({
      IntegrationType: "AWS_PROXY",
      IntegrationUri: FN,
      PayloadFormatVersion: "2.0",
      TimeoutInMillis: 30000,
    });
    expect(routes.Items![0].Target).toBe(`integrations/${integ.Items![0].IntegrationId}`);
    const stage = await gw.send(new GetStageCommand({ ApiId: api.ApiId, StageName: "$default" }));
    expect(stage).toMatchObject({ StageName: "$default", AutoDeploy: true, ApiGatewayManaged: true });
    expect(stage.DeploymentId).toBeTruthy();
    const deps = await gw.send(new GetDeploymentsCommand({ ApiId: api.ApiId }));
    expect(deps.Items![0]).toMatchObject({ AutoDeployed: true, DeploymentStatus: "DEPLOYED" });
    // UpdateApi's quick-create members change the managed route and integration in place.
    await gw.send(new UpdateApiCommand({ ApiId: api.ApiId, Target: "https://backend.example", RouteKey: "GET /x" }));
    const after = await gw.send(new GetRoutesCommand({ ApiId: api.ApiId }));
    expect(after.Items!.map((r) => [r.RouteId, r.RouteKey])).toEqual([[routes.Items![0].RouteId, "GET /x"]]);
    const i2 = await gw.send(new GetIntegrationsCommand({ ApiId: api.ApiId }));
    expect(i2.Items).toHaveLength(1);
    expect(i2.Items![0]).toMatchObject({ IntegrationType: "HTTP_PROXY", IntegrationUri: "https://backend.example" });
    expect((await gw.send(new GetDeploymentsCommand({ ApiId: api.ApiId }))).Items!.length).toBe(2);
  });

  it("refuses bad input with AWS's errors and changes nothing", async () => {
    expect((await failure(gw.send(new CreateApiCommand({ Name: "x", ProtocolType: "SOAP" as "HTTP" })))).name).toBe(
      "BadRequestException",
    );
    expect(
      await failure(
        gw.send(
          new CreateApiCommand({
            Name: "x",
            ProtocolType: "HTTP",
            CorsConfiguration: { AllowOrigins: ["*"], AllowCredentials: true },
          }),
        ),
      ),
    ).toMatchObject({ name: "BadRequestException", status: 400 });
  });
});

describe("routes, integrations, authorizers", () => {
  it("manages each with AWS's members and errors", async () => {
    const api = await gw.send(new CreateApiCommand({ Name: uniqueName("parts"), ProtocolType: "HTTP" }));
    const ApiId = api.ApiId!;
    const http = await gw.send(
      new CreateIntegrationCommand({
        ApiId,
        IntegrationType: "HTTP_PROXY",
        IntegrationUri: "https://backend.example/orders",
        IntegrationMethod: "GET",
        PayloadFormatVersion: "1.0",
        RequestParameters: { "overwrite:header.x-from": "$request.header.x-in" },
        ResponseParameters: { "200": { "append:header.x-out": "yes" } },
      }),
    );
    expect(http.$metadata.httpStatusCode).toBe(201);
    expect(http).toMatchObject({ IntegrationType: "HTTP_PROXY", ConnectionType: "INTERNET", TimeoutInMillis: 30000 });
    const sqs = await gw.send(
      new CreateIntegrationCommand({
        ApiId,
        IntegrationType: "AWS_PROXY",
        IntegrationSubtype: "SQS-SendMessage",
        PayloadFormatVersion: "1.0",
        RequestParameters: { QueueUrl: "https://q.example/1/q", MessageBody: "$request.body" },
      }),
    );
    expect(sqs.IntegrationSubtype).toBe("SQS-SendMessage");
    expect(
      await failure(gw.send(new CreateIntegrationCommand({ ApiId, IntegrationType: "AWS_PROXY", IntegrationUri: FN }))),
    ).toMatchObject({ name: "BadRequestException", status: 400 });
    const lambda = await gw.send(
      new CreateIntegrationCommand({
        ApiId,
        IntegrationType: "AWS_PROXY",
        IntegrationUri: FN,
        PayloadFormatVersion: "2.0",
        TimeoutInMillis: 5000,
      }),
    );
    expect(
      (await gw.send(new GetIntegrationCommand({ ApiId, IntegrationId: lambda.IntegrationId }))).TimeoutInMillis,
    ).toBe(5000);
    const upd = await gw.send(
      new UpdateIntegrationCommand({ ApiId, IntegrationId: lambda.IntegrationId, PayloadFormatVersion: "1.0" }),
    );
    expect(upd.PayloadFormatVersion).toBe("1.0");

    const jwt = await gw.send(
      new CreateAuthorizerCommand({
        ApiId,
        AuthorizerType: "JWT",
        Name: "jwt",
        IdentitySource: ["$request.header.Authorization"],
        JwtConfiguration: { Issuer: "https://issuer.example", Audience: ["aud1"] },
      }),
    );
    expect(jwt).toMatchObject({
      AuthorizerType: "JWT",
      JwtConfiguration: { Issuer: "https://issuer.example", Audience: ["aud1"] },
    });
    const lam = await gw.send(
      new CreateAuthorizerCommand({
        ApiId,
        AuthorizerType: "REQUEST",
        Name: "lam",
        AuthorizerUri: FN,
        AuthorizerPayloadFormatVersion: "2.0",
        EnableSimpleResponses: true,
        AuthorizerResultTtlInSeconds: 300,
        IdentitySource: ["$request.header.x-token"],
      }),
    );
    expect(lam).toMatchObject({ EnableSimpleResponses: true, AuthorizerResultTtlInSeconds: 300 });
    expect((await gw.send(new GetAuthorizersCommand({ ApiId }))).Items).toHaveLength(2);
    expect((await gw.send(new GetAuthorizerCommand({ ApiId, AuthorizerId: jwt.AuthorizerId }))).Name).toBe("jwt");
    expect(
      (
        await gw.send(
          new UpdateAuthorizerCommand({ ApiId, AuthorizerId: lam.AuthorizerId, AuthorizerResultTtlInSeconds: 0 }),
        )
      ).AuthorizerResultTtlInSeconds,
    ).toBe(0);

    const route = await gw.send(
      new CreateRouteCommand({
        ApiId,
        RouteKey: "GET /orders/{id}",
        Target: `integrations/${http.IntegrationId}`,
        AuthorizationType: "JWT",
        AuthorizerId: jwt.AuthorizerId,
        AuthorizationScopes: ["orders:read"],
        RequestParameters: { "route.request.header.x-in": { Required: false } },
      }),
    );
    expect(route.$metadata.httpStatusCode).toBe(201);
    expect(route).toMatchObject({
      RouteKey: "GET /orders/{id}",
      AuthorizationType: "JWT",
      AuthorizerId: jwt.AuthorizerId,
      AuthorizationScopes: ["orders:read"],
      ApiKeyRequired: false,
    });
    expect(await failure(gw.send(new CreateRouteCommand({ ApiId, RouteKey: "GET /orders/{id}" })))).toEqual({
      name: "ConflictException",
      message: "Route with key GET /orders/{id} already exists for this API",
      status: 409,
    });
    expect((await failure(gw.send(new CreateRouteCommand({ ApiId, RouteKey: "FETCH /x" })))).name).toBe(
      "BadRequestException",
    );
    expect((await failure(gw.send(new CreateRouteCommand({ ApiId, RouteKey: "GET /{a+}/b" })))).name).toBe(
      "BadRequestException",
    );
    expect(
      (
        await failure(
          gw.send(
            new CreateRouteCommand({
              ApiId,
              RouteKey: "GET /y",
              AuthorizationType: "CUSTOM",
              AuthorizerId: jwt.AuthorizerId,
            }),
          ),
        )
      ).name,
    ).toBe("BadRequestException");
    await gw.send(new CreateRouteCommand({ ApiId, RouteKey: "ANY /{proxy+}" }));
    await gw.send(new CreateRouteCommand({ ApiId, RouteKey: "$default" }));
    expect((await gw.send(new GetRoutesCommand({ ApiId }))).Items).toHaveLength(3);
    const moved = await gw.send(
      new UpdateRouteCommand({
        ApiId,
        RouteId: route.RouteId,
        AuthorizationType: "CUSTOM",
        AuthorizerId: lam.AuthorizerId,
      }),
    );
    expect(moved).toMatchObject({ AuthorizationType: "CUSTOM", AuthorizerId: lam.AuthorizerId });
    expect((await gw.send(new GetRouteCommand({ ApiId, RouteId: route.RouteId }))).AuthorizerId).toBe(lam.AuthorizerId);
    await gw.send(
      new DeleteRouteRequestParameterCommand({
        ApiId,
        RouteId: route.RouteId,
        RequestParameterKey: "route.request.header.x-in",
      }),
    );
    expect((await gw.send(new GetRouteCommand({ ApiId, RouteId: route.RouteId }))).RequestParameters).toEqual({});

    expect(
      (await failure(gw.send(new DeleteIntegrationCommand({ ApiId, IntegrationId: http.IntegrationId })))).name,
    ).toBe("ConflictException");
    expect((await failure(gw.send(new DeleteAuthorizerCommand({ ApiId, AuthorizerId: lam.AuthorizerId })))).name).toBe(
      "ConflictException",
    );
    await gw.send(new DeleteRouteCommand({ ApiId, RouteId: route.RouteId }));
    await gw.send(new DeleteIntegrationCommand({ ApiId, IntegrationId: http.IntegrationId }));
    await gw.send(new DeleteAuthorizerCommand({ ApiId, AuthorizerId: lam.AuthorizerId }));
    expect(await failure(gw.send(new GetRouteCommand({ ApiId, RouteId: route.RouteId })))).toMatchObject({
      name: "NotFoundException",
      status: 404,
    });
    expect((await failure(gw.send(new GetIntegrationCommand({ ApiId, IntegrationId: "nope" })))).name).toBe(
      "NotFoundException",
    );
  });
});

describe("stages, deployments, tags", () => {
  it("deploys by hand and automatically, with route settings, variables and tags", async () => {
    const api = await gw.send(new CreateApiCommand({ Name: uniqueName("stages"), ProtocolType: "HTTP" }));
    const ApiId = api.ApiId!;
    await gw.send(new CreateRouteCommand({ ApiId, RouteKey: "GET /a" }));
    const dep = await gw.send(new CreateDeploymentCommand({ ApiId, Description: "first" }));
    expect(dep.$metadata.httpStatusCode).toBe(201);
    expect(dep).toMatchObject({ Description: "first", AutoDeployed: false, DeploymentStatus: "DEPLOYED" });
    const stage = await gw.send(
      new CreateStageCommand({
        ApiId,
        StageName: "prod",
        DeploymentId: dep.DeploymentId,
        StageVariables: { backend: "b1" },
        DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 5 },
        RouteSettings: { "GET /a": { ThrottlingRateLimit: 1, ThrottlingBurstLimit: 1 } },
      }),
    );
    expect(stage).toMatchObject({
      StageName: "prod",
      DeploymentId: dep.DeploymentId,
      AutoDeploy: false,
      StageVariables: { backend: "b1" },
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 5 },
      RouteSettings: { "GET /a": { ThrottlingRateLimit: 1, ThrottlingBurstLimit: 1 } },
    });
    expect((await failure(gw.send(new CreateStageCommand({ ApiId, StageName: "prod" })))).name).toBe(
      "ConflictException",
    );
    await gw.send(new DeleteRouteSettingsCommand({ ApiId, StageName: "prod", RouteKey: "GET /a" }));
    expect((await gw.send(new GetStageCommand({ ApiId, StageName: "prod" }))).RouteSettings).toEqual({});

    const auto = await gw.send(new CreateStageCommand({ ApiId, StageName: "$default", AutoDeploy: true }));
    expect(auto.DeploymentId).toBeTruthy();
    await gw.send(new CreateRouteCommand({ ApiId, RouteKey: "GET /b" }));
    const after = await gw.send(new GetStageCommand({ ApiId, StageName: "$default" }));
    expect(after.DeploymentId).not.toBe(auto.DeploymentId);
    expect((await gw.send(new GetDeploymentCommand({ ApiId, DeploymentId: after.DeploymentId }))).AutoDeployed).toBe(
      true,
    );
    // The manual stage stays where it was.
    expect((await gw.send(new GetStageCommand({ ApiId, StageName: "prod" }))).DeploymentId).toBe(dep.DeploymentId);
    expect((await gw.send(new GetStagesCommand({ ApiId }))).Items!.map((s) => s.StageName).sort()).toEqual([
      "$default",
      "prod",
    ]);
    const us = await gw.send(
      new UpdateStageCommand({ ApiId, StageName: "prod", Description: "p", StageVariables: { backend: "b2" } }),
    );
    expect(us).toMatchObject({ Description: "p", StageVariables: { backend: "b2" } });
    await gw.send(new ResetAuthorizersCacheCommand({ ApiId, StageName: "prod" }));
    expect(
      (await gw.send(new UpdateDeploymentCommand({ ApiId, DeploymentId: dep.DeploymentId, Description: "renamed" })))
        .Description,
    ).toBe("renamed");
    expect((await failure(gw.send(new DeleteDeploymentCommand({ ApiId, DeploymentId: dep.DeploymentId })))).name).toBe(
      "BadRequestException",
    );

    const arn = `arn:aws:apigateway:us-east-1::/apis/${ApiId}`;
    await gw.send(new TagResourceCommand({ ResourceArn: arn, Tags: { a: "1", b: "2" } }));
    await gw.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ["a"] }));
    expect((await gw.send(new GetTagsCommand({ ResourceArn: arn }))).Tags).toEqual({ b: "2" });
    await gw.send(new TagResourceCommand({ ResourceArn: `${arn}/stages/prod`, Tags: { s: "1" } }));
    expect((await gw.send(new GetStageCommand({ ApiId, StageName: "prod" }))).Tags).toEqual({ s: "1" });

    await gw.send(new DeleteStageCommand({ ApiId, StageName: "prod" }));
    await gw.send(new DeleteDeploymentCommand({ ApiId, DeploymentId: dep.DeploymentId }));
    expect((await failure(gw.send(new GetStageCommand({ ApiId, StageName: "prod" })))).name).toBe("NotFoundException");
  });
});

describe("other clients", () => {
  it("boto3 creates an API with a route and an integration and reads AWS's errors", () => {
    const script = `
import boto3, json, sys
c = boto3.client("apigatewayv2", endpoint_url=sys.argv[1], region_name="us-east-1",
  aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
a = c.create_api(Name="boto-api", ProtocolType="HTTP")
i = c.create_integration(ApiId=a["ApiId"], IntegrationType="HTTP_PROXY", IntegrationUri="https://x.example", IntegrationMethod="ANY", PayloadFormatVersion="1.0")
r = c.create_route(ApiId=a["ApiId"], RouteKey="ANY /{proxy+}", Target="integrations/" + i["IntegrationId"])
s = c.create_stage(ApiId=a["ApiId"], StageName="$default", AutoDeploy=True)
try:
    c.get_api(ApiId="missing000")
    err = None
except c.exceptions.NotFoundException as e:
    err = e.response["Error"]["Code"]
print(json.dumps({"route": r["RouteKey"], "target": r["Target"], "auto": s["AutoDeploy"], "err": err,
  "n": len(c.get_routes(ApiId=a["ApiId"])["Items"]), "iid": i["IntegrationId"]}))
`;
    const out = JSON.parse(
      execFileSync("python3", ["-c", script, `${web.url}/api/aws`, t.key.id, t.key.secret], { encoding: "utf8" }),
    ) as Record<string, unknown>;
    expect(out).toMatchObject({ route: "ANY /{proxy+}", auto: true, err: "NotFoundException", n: 1 });
    expect(out.target).toBe(`integrations/${String(out.iid)}`);
  });

  it.skipIf(!existsSync(AWS_CLI))("the AWS CLI creates, gets and deletes an API", async () => {
    const cli = (args: string[]) => runAwsCli(`${web.url}/api/aws`, t.key, ["apigatewayv2", ...args]);
    const made = await cli([
      "create-api",
      "--name",
      "cli-api",
      "--protocol-type",
      "HTTP",
      "--target",
      "https://x.example",
    ]);
    expect(made.code, made.stderr).toBe(0);
    const api = JSON.parse(made.stdout) as { ApiId: string; ProtocolType: string };
    expect(api.ProtocolType).toBe("HTTP");
    const routes = await cli(["get-routes", "--api-id", api.ApiId]);
    expect((JSON.parse(routes.stdout) as { Items: { RouteKey: string }[] }).Items[0].RouteKey).toBe("$default");
    expect((await cli(["delete-api", "--api-id", api.ApiId])).code).toBe(0);
    const gone = await cli(["get-api", "--api-id", api.ApiId]);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain("NotFoundException");
  });
});

import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  GetStageCommand as GetRestStageCommand,
  PutIntegrationCommand,
  PutMethodCommand,
  UpdateStageCommand as UpdateRestStageCommand,
} from "@aws-sdk/client-api-gateway";
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateRouteCommand,
  CreateStageCommand,
  DeleteAccessLogSettingsCommand,
  GetStageCommand,
  UpdateStageCommand,
} from "@aws-sdk/client-apigatewayv2";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";
import { AWS_CLI, runAwsCli } from "../helpers/aws-cli";

// Stage access logging on the AWS door: UpdateStage's accessLogSettings (v1 patch operations, v2
// AccessLogSettings on HTTP and WebSocket APIs) are checked as API Gateway checks them, with its
// BadRequestException messages, and DeleteAccessLogSettings through the SDK, boto3 and the AWS CLI.

let web: TestProcess & { url: string };
let t: TestTenant;
let v1: APIGatewayClient;
let v2: ApiGatewayV2Client;
let logGroup: string;
const FORMAT = '{"requestId":"$context.requestId","status":"$context.status"}';

beforeAll(async () => {
  t = await createTestTenant();
  web = await startWeb();
  const config = {
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    maxAttempts: 1,
  };
  v1 = new APIGatewayClient(config);
  v2 = new ApiGatewayV2Client(config);
  logGroup = `arn:aws:logs:us-east-1:${t.tenant.accountId}:log-group:/aws/apigateway/access`;
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

async function httpStage(): Promise<string> {
  const api = await v2.send(new CreateApiCommand({ Name: uniqueName("logs"), ProtocolType: "HTTP" }));
  await v2.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: "GET /a" }));
  await v2.send(new CreateStageCommand({ ApiId: api.ApiId, StageName: "prod" }));
  return api.ApiId!;
}

describe("REST API stages (UpdateStage patch operations)", () => {
  it("refuses an invalid destination ARN and a format without $context.requestId, and keeps a valid pair", async () => {
    const api = await v1.send(new CreateRestApiCommand({ name: uniqueName("logs-v1") }));
    const restApiId = api.id!;
    const root = (await v1.send(new GetResourcesCommand({ restApiId }))).items![0].id!;
    await v1.send(new PutMethodCommand({ restApiId, resourceId: root, httpMethod: "GET", authorizationType: "NONE" }));
    await v1.send(new PutIntegrationCommand({ restApiId, resourceId: root, httpMethod: "GET", type: "MOCK" }));
    await v1.send(new CreateDeploymentCommand({ restApiId, stageName: "prod" }));
    const patch = (path: string, value: string) =>
      v1.send(
        new UpdateRestStageCommand({ restApiId, stageName: "prod", patchOperations: [{ op: "replace", path, value }] }),
      );

    expect(await failure(patch("/accessLogSettings/destinationArn", "my-log-group"))).toEqual({
      name: "BadRequestException",
      status: 400,
      message: "Invalid ARN specified in the request. ARNs must start with 'arn:': my-log-group",
    });
    expect(
      (await failure(patch("/accessLogSettings/destinationArn", "arn:aws:sqs:us-east-1:123456789012:q"))).message,
    ).toBe(
      "Invalid ARN specified in the request. The ARN must be a valid CloudWatch Logs log group or Kinesis Data Firehose delivery stream ARN.",
    );
    expect(await failure(patch("/accessLogSettings/format", "$context.status"))).toEqual({
      name: "BadRequestException",
      status: 400,
      message:
        "Access Log format must include either $context.requestId or $context.extendedRequestId : '$context.status'",
    });
    expect((await failure(patch("/accessLogSettings/format", "$context.requestId\n$context.status"))).message).toBe(
      "Access Log format must be single line, new line character is allowed only at end of the format: '$context.requestId\n$context.status'",
    );
    // Nothing was saved by the refused operations.
    expect(
      (await v1.send(new GetRestStageCommand({ restApiId, stageName: "prod" }))).accessLogSettings,
    ).toBeUndefined();

    // A REST API may log to an amazon-apigateway-* Firehose stream, and $context.extendedRequestId will do.
    const firehose = `arn:aws:firehose:us-east-1:${t.tenant.accountId}:deliverystream/amazon-apigateway-access`;
    await v1.send(
      new UpdateRestStageCommand({
        restApiId,
        stageName: "prod",
        patchOperations: [
          { op: "replace", path: "/accessLogSettings/destinationArn", value: firehose },
          { op: "replace", path: "/accessLogSettings/format", value: "$context.extendedRequestId $context.status\n" },
        ],
      }),
    );
    expect((await v1.send(new GetRestStageCommand({ restApiId, stageName: "prod" }))).accessLogSettings).toEqual({
      destinationArn: firehose,
      format: "$context.extendedRequestId $context.status\n",
    });
  });
});

describe("HTTP and WebSocket API stages (AccessLogSettings)", () => {
  it("refuses what API Gateway refuses on UpdateStage and CreateStage", async () => {
    const ApiId = await httpStage();
    expect(
      await failure(
        v2.send(
          new UpdateStageCommand({
            ApiId,
            StageName: "prod",
            AccessLogSettings: { DestinationArn: "log-group", Format: FORMAT },
          }),
        ),
      ),
    ).toEqual({
      name: "BadRequestException",
      status: 400,
      message: "Invalid ARN specified in the request. ARNs must start with 'arn:': log-group",
    });
    // HTTP APIs log to CloudWatch Logs only.
    const firehose = `arn:aws:firehose:us-east-1:${t.tenant.accountId}:deliverystream/amazon-apigateway-x`;
    expect(
      (
        await failure(
          v2.send(
            new UpdateStageCommand({
              ApiId,
              StageName: "prod",
              AccessLogSettings: { DestinationArn: firehose, Format: FORMAT },
            }),
          ),
        )
      ).name,
    ).toBe("BadRequestException");
    expect(
      (
        await failure(
          v2.send(
            new CreateStageCommand({
              ApiId,
              StageName: "beta",
              AccessLogSettings: { DestinationArn: logGroup, Format: "$context.status" },
            }),
          ),
        )
      ).message,
    ).toBe(
      "The following errors are found in Access Log Format: Access Log format must include either $context.requestId or $context.extendedRequestId : '$context.status'",
    );
    expect((await v2.send(new GetStageCommand({ ApiId, StageName: "prod" }))).AccessLogSettings).toBeUndefined();

    const ok = await v2.send(
      new UpdateStageCommand({
        ApiId,
        StageName: "prod",
        AccessLogSettings: { DestinationArn: logGroup, Format: FORMAT },
      }),
    );
    expect(ok.AccessLogSettings).toEqual({ DestinationArn: logGroup, Format: FORMAT });
  });

  it("checks a WebSocket API's stage the same way", async () => {
    const api = await v2.send(
      new CreateApiCommand({
        Name: uniqueName("ws-logs"),
        ProtocolType: "WEBSOCKET",
        RouteSelectionExpression: "$request.body.action",
      }),
    );
    const ApiId = api.ApiId!;
    await v2.send(new CreateStageCommand({ ApiId, StageName: "prod" }));
    const refused = await failure(
      v2.send(
        new UpdateStageCommand({
          ApiId,
          StageName: "prod",
          AccessLogSettings: { DestinationArn: logGroup, Format: "$context.connectionId\n$context.requestId" },
        }),
      ),
    );
    expect(refused).toEqual({
      name: "BadRequestException",
      status: 400,
      message:
        "The following errors are found in Access Log Format: Access Log format must be single line: '$context.connectionId\n$context.requestId'",
    });
    const ok = await v2.send(
      new UpdateStageCommand({
        ApiId,
        StageName: "prod",
        AccessLogSettings: { DestinationArn: logGroup, Format: FORMAT },
      }),
    );
    expect(ok.AccessLogSettings).toEqual({ DestinationArn: logGroup, Format: FORMAT });
  });
});

describe("DeleteAccessLogSettings", () => {
  it("@aws-sdk/client-apigatewayv2 turns access logging off (204), and answers NotFound for a missing stage", async () => {
    const ApiId = await httpStage();
    await v2.send(
      new UpdateStageCommand({
        ApiId,
        StageName: "prod",
        AccessLogSettings: { DestinationArn: logGroup, Format: FORMAT },
      }),
    );
    const out = await v2.send(new DeleteAccessLogSettingsCommand({ ApiId, StageName: "prod" }));
    expect(out.$metadata.httpStatusCode).toBe(204);
    expect((await v2.send(new GetStageCommand({ ApiId, StageName: "prod" }))).AccessLogSettings).toBeUndefined();
    const missing = await failure(v2.send(new DeleteAccessLogSettingsCommand({ ApiId, StageName: "nope" })));
    expect(missing).toMatchObject({ name: "NotFoundException", status: 404 });
  });

  it("boto3's delete_access_log_settings", async () => {
    const ApiId = await httpStage();
    await v2.send(
      new UpdateStageCommand({
        ApiId,
        StageName: "prod",
        AccessLogSettings: { DestinationArn: logGroup, Format: FORMAT },
      }),
    );
    const script = `
import boto3, json, sys
c = boto3.client("apigatewayv2", endpoint_url=sys.argv[1], region_name="us-east-1",
  aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
before = c.get_stage(ApiId=sys.argv[4], StageName="prod").get("AccessLogSettings")
r = c.delete_access_log_settings(ApiId=sys.argv[4], StageName="prod")
after = c.get_stage(ApiId=sys.argv[4], StageName="prod").get("AccessLogSettings")
try:
    c.delete_access_log_settings(ApiId=sys.argv[4], StageName="nope")
    err = None
except c.exceptions.NotFoundException as e:
    err = e.response["Error"]["Code"]
print(json.dumps({"before": before, "status": r["ResponseMetadata"]["HTTPStatusCode"], "after": after, "err": err}))
`;
    const out = JSON.parse(
      execFileSync("python3", ["-c", script, `${web.url}/api/aws`, t.key.id, t.key.secret, ApiId], {
        encoding: "utf8",
      }),
    ) as Record<string, unknown>;
    expect(out).toEqual({
      before: { DestinationArn: logGroup, Format: FORMAT },
      status: 204,
      after: null,
      err: "NotFoundException",
    });
  });

  it.skipIf(!existsSync(AWS_CLI))("the AWS CLI's apigatewayv2 delete-access-log-settings", async () => {
    const ApiId = await httpStage();
    const cli = (args: string[]) => runAwsCli(`${web.url}/api/aws`, t.key, ["apigatewayv2", ...args]);
    const set = await cli([
      "update-stage",
      "--api-id",
      ApiId,
      "--stage-name",
      "prod",
      "--access-log-settings",
      JSON.stringify({ DestinationArn: logGroup, Format: FORMAT }),
    ]);
    expect(set.code, set.stderr).toBe(0);
    expect((JSON.parse(set.stdout) as { AccessLogSettings: unknown }).AccessLogSettings).toEqual({
      DestinationArn: logGroup,
      Format: FORMAT,
    });
    const del = await cli(["delete-access-log-settings", "--api-id", ApiId, "--stage-name", "prod"]);
    expect(del.code, del.stderr).toBe(0);
    expect(del.stdout.trim()).toBe("");
    const got = await cli(["get-stage", "--api-id", ApiId, "--stage-name", "prod"]);
    expect((JSON.parse(got.stdout) as { AccessLogSettings?: unknown }).AccessLogSettings).toBeUndefined();
    const missing = await cli(["delete-access-log-settings", "--api-id", ApiId, "--stage-name", "nope"]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("NotFoundException");
    // The CLI shows API Gateway's message for a refused format too.
    const bad = await cli([
      "update-stage",
      "--api-id",
      ApiId,
      "--stage-name",
      "prod",
      "--access-log-settings",
      JSON.stringify({ DestinationArn: logGroup, Format: "$context.status" }),
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("BadRequestException");
    expect(bad.stderr).toContain("Access Log format must include either $context.requestId");
  });
});

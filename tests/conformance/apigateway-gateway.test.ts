import http from "node:http";
import {
  APIGatewayClient,
  BadRequestException,
  CreateAuthorizerCommand,
  CreateDeploymentCommand,
  DeleteAuthorizerCommand,
  GetAuthorizerCommand,
  GetAuthorizersCommand,
  UpdateAuthorizerCommand,
  CreateModelCommand,
  CreateRequestValidatorCommand,
  CreateResourceCommand,
  FlushStageCacheCommand,
  CreateRestApiCommand,
  PutGatewayResponseCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  TestInvokeMethodCommand,
  UpdateRestApiCommand,
  UpdateStageCommand,
  type PutIntegrationCommandInput,
  type PutMethodCommandInput,
} from "@aws-sdk/client-api-gateway";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignatureV4 } from "@smithy/signature-v4";
import { NodeSha256 as Sha256 } from "../../server/core/sigv4/test-support";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startFunctionReceiver } from "../helpers/function-receiver";
import { startWeb, type TestProcess } from "../helpers/server";
import { createFunction } from "../../server/domains/functions/function.service";

// The REST API gateway (/gw/<api>/<stage>/<path>): APIs built with @aws-sdk/client-api-gateway,
// deployed, and called over HTTP: route matching, MOCK / HTTP / HTTP_PROXY / AWS_PROXY / AWS (function,
// SQS) integrations, mapping templates from AWS's documentation, selection patterns, validation,
// API keys, timeouts and gateway responses.

let web: TestProcess & { url: string; port: number };
let t: TestTenant;
let gw: APIGatewayClient;
let echo: {
  url: string;
  hits: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[];
  close: () => Promise<void>;
};
let fnSvc: Awaited<ReturnType<typeof startFunctionReceiver>>;
const region = "us-east-1";

async function startEcho() {
  const hits: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      hits.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const status = /\/status\/(\d{3})/.exec(req.url!)?.[1];
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(status ? Number(status) : 200, { "content-type": "application/json", "x-backend": "echo" });
        res.end(JSON.stringify({ method: req.method, url: req.url, body, header: req.headers["x-custom"] ?? null }));
      };
      if (req.url!.startsWith("/slow")) setTimeout(send, 1500);
      else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

beforeAll(async () => {
  t = await createTestTenant();
  echo = await startEcho();
  fnSvc = await startFunctionReceiver(async (event, hit) => {
    if (hit.path === "/proxy") {
      const e = event as Record<string, unknown>;
      return {
        body: JSON.stringify({
          statusCode: 201,
          headers: { "x-fn": "yes" },
          multiValueHeaders: { "x-multi": ["a", "b"] },
          body: JSON.stringify({ got: e }),
        }),
      };
    }
    if (hit.path === "/broken") return { body: JSON.stringify("not a proxy response") };
    if (hit.path === "/auth") {
      const e = event as {
        type: string;
        authorizationToken?: string;
        methodArn: string;
        headers?: Record<string, string>;
      };
      const token = e.type === "TOKEN" ? e.authorizationToken : e.headers?.["x-token"];
      if (token === "fail")
        return {
          headers: { "x-amz-function-error": "Unhandled" },
          body: JSON.stringify({ errorMessage: "Unauthorized" }),
        };
      const [arnHead] = e.methodArn.split("/");
      return {
        body: JSON.stringify({
          principalId: `user-${token}`,
          policyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Action: "execute-api:Invoke",
                Effect: token === "deny" ? "Deny" : "Allow",
                Resource: `${arnHead}/*/GET/*`,
              },
            ],
          },
          context: { kind: e.type },
        }),
      };
    }
    if (hit.path === "/binary") {
      const e = event as { body: string; isBase64Encoded: boolean };
      return {
        body: JSON.stringify({
          statusCode: 200,
          headers: { "content-type": "image/png", "x-was-base64": String(e.isBase64Encoded) },
          body: e.body,
          isBase64Encoded: e.isBase64Encoded,
        }),
      };
    }
    if (hit.path === "/lookup") {
      const e = event as { id?: string };
      if (e.id === "missing")
        return {
          headers: { "x-amz-function-error": "Unhandled" },
          body: JSON.stringify({ errorType: "Error", errorMessage: "Not found: missing" }),
        };
      return { body: JSON.stringify({ id: e.id, name: "Rex" }) };
    }
    return { body: "{}" };
  });
  for (const name of ["proxy", "broken", "lookup", "binary", "auth"]) {
    const { secret } = await createFunction(t.actor, t.tenant, { name: `gw-${name}`, url: `${fnSvc.url}/${name}` });
    fnSvc.secrets.set(`/${name}`, secret);
  }
  web = await startWeb();
  gw = new APIGatewayClient({
    endpoint: `${web.url}/api/aws`,
    region,
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  await web?.stop();
  await echo?.close();
  await fnSvc?.close();
});

const fnArn = (name: string) => `arn:aws:lambda:${region}:${t.tenant.accountId}:function:${name}`;
const lambdaUri = (name: string) =>
  `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${fnArn(name)}/invocations`;

/** Builds an API: `routes` maps a path ("/pets/{id}") to methods with their integration. */
async function buildApi(
  routes: Record<
    string,
    Record<
      string,
      {
        method?: Partial<Omit<PutMethodCommandInput, "restApiId" | "resourceId" | "httpMethod">>;
        integration: Omit<PutIntegrationCommandInput, "restApiId" | "resourceId" | "httpMethod">;
        responses?: {
          statusCode: string;
          selectionPattern?: string;
          responseTemplates?: Record<string, string>;
          responseParameters?: Record<string, string>;
        }[];
      }
    >
  >,
  setup?: (apiId: string) => Promise<void>,
) {
  const api = await gw.send(new CreateRestApiCommand({ name: "gw-test" }));
  const ids = new Map<string, string>([["/", api.rootResourceId!]]);
  const ensure = async (path: string): Promise<string> => {
    if (ids.has(path)) return ids.get(path)!;
    const parent = path.slice(0, path.lastIndexOf("/")) || "/";
    const parentId = await ensure(parent);
    const r = await gw.send(
      new CreateResourceCommand({ restApiId: api.id, parentId, pathPart: path.slice(path.lastIndexOf("/") + 1) }),
    );
    ids.set(path, r.id!);
    return r.id!;
  };
  if (setup) await setup(api.id!);
  for (const [path, methods] of Object.entries(routes)) {
    const resourceId = await ensure(path);
    for (const [httpMethod, spec] of Object.entries(methods)) {
      await gw.send(
        new PutMethodCommand({
          restApiId: api.id,
          resourceId,
          httpMethod,
          authorizationType: "NONE",
          ...(spec.method ?? {}),
        }),
      );
      await gw.send(new PutIntegrationCommand({ restApiId: api.id, resourceId, httpMethod, ...spec.integration }));
      for (const r of spec.responses ?? []) {
        await gw.send(
          new PutMethodResponseCommand({
            restApiId: api.id,
            resourceId,
            httpMethod,
            statusCode: r.statusCode,
            responseParameters: Object.fromEntries(Object.keys(r.responseParameters ?? {}).map((k) => [k, false])),
          }),
        );
        await gw.send(new PutIntegrationResponseCommand({ restApiId: api.id, resourceId, httpMethod, ...r }));
      }
    }
  }
  return { apiId: api.id!, ids };
}

async function deploy(apiId: string, variables?: Record<string, string>) {
  await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "test", variables }));
  return `${web.url}/gw/${apiId}/test`;
}

const ok200 = [{ statusCode: "200" }];

describe("the REST API gateway", () => {
  it("answers MOCK integrations with templates from AWS's documentation and picks responses by status", async () => {
    const { apiId } = await buildApi({
      "/": {
        GET: {
          integration: {
            type: "MOCK",
            // From "Set up mock integrations" (API Gateway developer guide).
            requestTemplates: {
              "application/json": `{
  #if( $input.params('scope') == "internal" )
    "statusCode": 200
  #else
    "statusCode": 500
  #end
}`,
            },
          },
          responses: [
            {
              statusCode: "200",
              responseTemplates: {
                "application/json": `{"stage": "$context.stage", "who": "$stageVariables.who", "method": "$context.httpMethod", "path": "$context.resourcePath", "scope": "$input.params('scope')"}`,
              },
              responseParameters: { "method.response.header.x-mock": "'yes'" },
            },
            {
              statusCode: "500",
              selectionPattern: "5\\d{2}",
              responseTemplates: {
                "application/json":
                  '{"statusCode": 500, "message": "The invoked method is not supported on the API resource."}',
              },
            },
          ],
        },
      },
    });
    const base = await deploy(apiId, { who: "tester" });
    const ok = await fetch(`${base}/?scope=internal`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-mock")).toBe("yes");
    expect(ok.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok.headers.get("x-amz-apigw-id")).toBeTruthy();
    expect(await ok.json()).toEqual({ stage: "test", who: "tester", method: "GET", path: "/", scope: "internal" });
    const no = await fetch(`${base}/?scope=public`);
    expect(no.status).toBe(500);
    expect(await no.json()).toEqual({
      statusCode: 500,
      message: "The invoked method is not supported on the API resource.",
    });
  });

  it("routes to the most specific resource, {proxy+} greedily, and ANY; unknown routes are 403 Missing Authentication Token", async () => {
    const mock = (name: string) => ({
      integration: { type: "MOCK" as const, requestTemplates: { "application/json": '{"statusCode": 200}' } },
      responses: [
        {
          statusCode: "200",
          responseTemplates: {
            "application/json": `{"route": "${name}", "params": "$input.params().path", "id": "$input.params('id')", "proxy": "$input.params('proxy')"}`,
          },
        },
      ],
    });
    const { apiId } = await buildApi({
      "/pets": { GET: mock("pets") },
      "/pets/mine": { GET: mock("mine") },
      "/pets/{id}": { GET: mock("pet"), ANY: mock("pet-any") },
      "/{proxy+}": { ANY: mock("proxy") },
    });
    const base = await deploy(apiId);
    const get = async (p: string, method = "GET") => {
      const r = await fetch(`${base}${p}`, { method });
      return { status: r.status, body: (await r.json()) as Record<string, string>, headers: r.headers };
    };
    expect((await get("/pets")).body.route).toBe("pets");
    expect((await get("/pets/mine")).body.route).toBe("mine");
    expect((await get("/pets/7")).body).toMatchObject({ route: "pet", id: "7" });
    expect((await get("/pets/7", "DELETE")).body.route).toBe("pet-any");
    expect((await get("/a/b/c")).body).toMatchObject({ route: "proxy", proxy: "a/b/c" });
    expect((await get("/pets/7/toys")).body).toMatchObject({ route: "proxy", proxy: "pets/7/toys" });
    const none = await get("/");
    expect(none.status).toBe(403);
    expect(none.body).toEqual({ message: "Missing Authentication Token" });
    expect(none.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");
    const noStage = await fetch(`${web.url}/gw/${apiId}/nostage/pets`);
    expect(noStage.status).toBe(403);
    expect(await noStage.json()).toEqual({ message: "Forbidden" });
    expect(noStage.headers.get("x-amzn-errortype")).toBe("ForbiddenException");
  });

  it("HTTP_PROXY forwards method, path, query, headers and body and returns the backend's answer", async () => {
    const { apiId } = await buildApi({
      "/{proxy+}": {
        ANY: {
          method: { requestParameters: { "method.request.path.proxy": true } },
          integration: {
            type: "HTTP_PROXY",
            integrationHttpMethod: "ANY",
            uri: `${echo.url}/backend/{proxy}`,
            requestParameters: { "integration.request.path.proxy": "method.request.path.proxy" },
          },
        },
      },
    });
    const base = await deploy(apiId);
    const r = await fetch(`${base}/orders/42?x=1&x=2`, {
      method: "POST",
      headers: { "x-custom": "hello", "content-type": "text/plain" },
      body: "payload",
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("x-backend")).toBe("echo");
    expect(await r.json()).toEqual({
      method: "POST",
      url: "/backend/orders/42?x=1&x=2",
      body: "payload",
      header: "hello",
    });
    const nf = await fetch(`${base}/status/404`);
    expect(nf.status).toBe(404);
  });

  it("HTTP maps the request with a template and parameters, and the response by selection pattern", async () => {
    const { apiId } = await buildApi({
      "/items/{id}": {
        POST: {
          method: { requestParameters: { "method.request.path.id": true, "method.request.header.x-trace": false } },
          integration: {
            type: "HTTP",
            integrationHttpMethod: "POST",
            uri: `${echo.url}/items/{itemId}`,
            requestParameters: {
              "integration.request.path.itemId": "method.request.path.id",
              "integration.request.header.x-custom": "method.request.header.x-trace",
              "integration.request.querystring.source": "'gateway'",
            },
            requestTemplates: {
              // $input.json / $input.path / $util.escapeJavaScript as AWS's mapping template examples use them.
              "application/json": `#set($inputRoot = $input.path('$'))
{
  "name": "$util.escapeJavaScript($inputRoot.name)",
  "tags": $input.json('$.tags'),
  "count": $inputRoot.tags.size(),
  "id": "$input.params('id')",
  "encoded": "$util.urlEncode('a b&c')",
  "b64": "$util.base64Encode('hi')"
}`,
            },
          },
          responses: [
            {
              statusCode: "200",
              responseParameters: { "method.response.header.x-backend": "integration.response.header.x-backend" },
              responseTemplates: {
                "application/json": `#set($b = $util.parseJson($input.path('$.body')))
{"forwarded": $input.path('$.body'), "url": "$input.path('$.url')", "name": "$util.escapeJavaScript($b.name)"}`,
              },
            },
            {
              statusCode: "400",
              selectionPattern: "4\\d{2}",
              responseTemplates: { "application/json": '{"error": "bad"}' },
            },
          ],
        },
      },
      "/fail": {
        GET: {
          integration: { type: "HTTP", integrationHttpMethod: "GET", uri: `${echo.url}/status/418` },
          responses: [
            ...ok200,
            {
              statusCode: "400",
              selectionPattern: "4\\d{2}",
              responseTemplates: { "application/json": '{"error": "teapot"}' },
            },
          ],
        },
      },
    });
    const base = await deploy(apiId);
    const r = await fetch(`${base}/items/9`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-trace": "t-1" },
      body: JSON.stringify({ name: 'Fido "the dog"', tags: ["a", "b"] }),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("x-backend")).toBe("echo");
    const out = (await r.json()) as { forwarded: Record<string, unknown>; url: string; name: string };
    expect(out.url).toBe("/items/9?source=gateway");
    expect(out.name).toBe('Fido "the dog"');
    expect(out.forwarded).toEqual({
      name: 'Fido "the dog"',
      tags: ["a", "b"],
      count: 2,
      id: "9",
      encoded: "a+b%26c",
      b64: "aGk=",
    });
    expect(echo.hits.at(-1)?.headers["x-custom"]).toBe("t-1");
    const bad = await fetch(`${base}/fail`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "teapot" });
  });

  it("answers 504 when the backend does not answer within timeoutInMillis", async () => {
    const { apiId } = await buildApi({
      "/slow": {
        GET: {
          integration: {
            type: "HTTP_PROXY",
            integrationHttpMethod: "GET",
            uri: `${echo.url}/slow`,
            timeoutInMillis: 200,
          },
        },
      },
    });
    const base = await deploy(apiId);
    const r = await fetch(`${base}/slow`);
    expect(r.status).toBe(504);
    expect(await r.json()).toEqual({ message: "Endpoint request timed out" });
  });

  it("AWS_PROXY sends API Gateway's proxy event (1.0) to a function and maps its answer back", async () => {
    const { apiId } = await buildApi({
      "/users/{id}": {
        PUT: { integration: { type: "AWS_PROXY", integrationHttpMethod: "POST", uri: lambdaUri("gw-proxy") } },
      },
      "/broken": {
        GET: { integration: { type: "AWS_PROXY", integrationHttpMethod: "POST", uri: lambdaUri("gw-broken") } },
      },
    });
    const base = await deploy(apiId, { env: "t" });
    const r = await fetch(`${base}/users/5?q=1&q=2`, { method: "PUT", headers: { "x-one": "1" }, body: '{"a":1}' });
    expect(r.status).toBe(201);
    expect(r.headers.get("x-fn")).toBe("yes");
    expect(r.headers.get("x-multi")).toBe("a, b");
    const { got } = (await r.json()) as { got: Record<string, unknown> };
    expect(got).toMatchObject({
      resource: "/users/{id}",
      path: "/users/5",
      httpMethod: "PUT",
      queryStringParameters: { q: "2" },
      multiValueQueryStringParameters: { q: ["1", "2"] },
      pathParameters: { id: "5" },
      stageVariables: { env: "t" },
      body: '{"a":1}',
      isBase64Encoded: false,
    });
    expect((got.headers as Record<string, string>)["x-one"]).toBe("1");
    expect(got.requestContext).toMatchObject({
      stage: "test",
      resourcePath: "/users/{id}",
      httpMethod: "PUT",
      apiId,
      accountId: t.tenant.accountId,
    });
    const broken = await fetch(`${base}/broken`);
    expect(broken.status).toBe(502);
    expect(await broken.json()).toEqual({ message: "Internal server error" });
  });

  it("AWS (Lambda, non-proxy) maps the payload and selects responses by the function's errorMessage", async () => {
    const { apiId } = await buildApi({
      "/pets/{id}": {
        GET: {
          integration: {
            type: "AWS",
            integrationHttpMethod: "POST",
            uri: lambdaUri("gw-lookup"),
            requestTemplates: { "application/json": `{"id": "$input.params('id')"}` },
          },
          responses: [
            { statusCode: "200", responseTemplates: { "application/json": `{"pet": $input.json('$.name')}` } },
            {
              statusCode: "404",
              selectionPattern: "Not found.*",
              responseTemplates: { "application/json": `{"error": "$input.path('$.errorMessage')"}` },
            },
          ],
        },
      },
    });
    const base = await deploy(apiId);
    const ok = await fetch(`${base}/pets/1`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ pet: "Rex" });
    const nf = await fetch(`${base}/pets/missing`);
    expect(nf.status).toBe(404);
    expect(await nf.json()).toEqual({ error: "Not found: missing" });
  });

  it("AWS (SQS SendMessage) sends the request body to a queue of the tenant", async () => {
    const sqs = new SQSClient({
      endpoint: `${web.url}/api/aws`,
      region,
      credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
      maxAttempts: 1,
    });
    const q = await sqs.send(new CreateQueueCommand({ QueueName: "gw-orders" }));
    const { apiId } = await buildApi({
      "/orders": {
        POST: {
          integration: {
            type: "AWS",
            integrationHttpMethod: "POST",
            uri: `arn:aws:apigateway:${region}:sqs:path/${t.tenant.accountId}/gw-orders`,
            credentials: `arn:aws:iam::${t.tenant.accountId}:role/apigw-sqs`,
            requestParameters: { "integration.request.header.Content-Type": "'application/x-www-form-urlencoded'" },
            // From "Tutorial: Create a REST API as an Amazon SQS proxy".
            requestTemplates: { "application/json": "Action=SendMessage&MessageBody=$util.urlEncode($input.body)" },
          },
          responses: ok200,
        },
      },
      "/orders2": {
        POST: {
          integration: {
            type: "AWS",
            integrationHttpMethod: "POST",
            uri: `arn:aws:apigateway:${region}:sqs:action/SendMessage`,
            requestParameters: {
              "integration.request.querystring.QueueUrl": `'${q.QueueUrl}'`,
              "integration.request.querystring.MessageBody": "method.request.body",
            },
          },
          responses: ok200,
        },
      },
    });
    const base = await deploy(apiId);
    const r = await fetch(`${base}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"order": 1}',
    });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain("MessageId");
    const r2 = await fetch(`${base}/orders2`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"order": 2}',
    });
    expect(r2.status).toBe(200);
    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect(got.Messages?.map((m) => m.Body).sort()).toEqual(['{"order": 1}', '{"order": 2}']);
  });

  it("AWS (SNS Publish, EventBridge PutEvents) with the action URI forms", async () => {
    const creds = { accessKeyId: t.key.id, secretAccessKey: t.key.secret };
    const endpoint = `${web.url}/api/aws`;
    const sns = new SNSClient({ endpoint, region, credentials: creds, maxAttempts: 1 });
    const sqs = new SQSClient({ endpoint, region, credentials: creds, maxAttempts: 1 });
    const topic = await sns.send(new CreateTopicCommand({ Name: "gw-topic" }));
    const q = await sqs.send(new CreateQueueCommand({ QueueName: "gw-topic-sink" }));
    const qa = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl, AttributeNames: ["QueueArn"] }));
    await sns.send(
      new SubscribeCommand({
        TopicArn: topic.TopicArn,
        Protocol: "sqs",
        Endpoint: qa.Attributes!.QueueArn,
        Attributes: { RawMessageDelivery: "true" },
      }),
    );
    const { apiId } = await buildApi({
      "/notify": {
        POST: {
          integration: {
            type: "AWS",
            integrationHttpMethod: "POST",
            uri: `arn:aws:apigateway:${region}:sns:action/Publish`,
            requestParameters: {
              "integration.request.querystring.TopicArn": `'${topic.TopicArn}'`,
              "integration.request.querystring.Message": "method.request.body",
            },
          },
          responses: ok200,
        },
      },
      "/events": {
        POST: {
          integration: {
            type: "AWS",
            integrationHttpMethod: "POST",
            uri: `arn:aws:apigateway:${region}:events:action/PutEvents`,
            requestParameters: {
              "integration.request.header.X-Amz-Target": "'AWSEvents.PutEvents'",
              "integration.request.header.Content-Type": "'application/x-amz-json-1.1'",
            },
            requestTemplates: {
              "application/json": `{"Entries": [{"Source": "gw.test", "DetailType": "order", "Detail": "$util.escapeJavaScript($input.body)", "EventBusName": "default"}]}`,
            },
          },
          responses: [
            {
              statusCode: "200",
              responseTemplates: {
                "application/json":
                  "{\"failed\": $input.json('$.FailedEntryCount'), \"id\": $input.json('$.Entries[0].EventId')}",
              },
            },
          ],
        },
      },
    });
    const base = await deploy(apiId);
    const r = await fetch(`${base}/notify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"n": 1}',
    });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain("MessageId");
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.QueueUrl, WaitTimeSeconds: 2 }));
    expect(got.Messages?.[0]?.Body).toBe('{"n": 1}');
    const e = await fetch(`${base}/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"order": "o-1"}',
    });
    expect(e.status).toBe(200);
    const out = (await e.json()) as { failed: number; id: string };
    expect(out.failed).toBe(0);
    expect(out.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("caches GET answers per stage (cache key parameters, TTL) until FlushStageCache", async () => {
    const { apiId } = await buildApi({
      "/cached": {
        GET: {
          method: { requestParameters: { "method.request.querystring.type": false } },
          integration: {
            type: "HTTP_PROXY",
            integrationHttpMethod: "GET",
            uri: `${echo.url}/cached`,
            cacheKeyParameters: ["method.request.querystring.type"],
          },
        },
      },
    });
    await gw.send(
      new CreateDeploymentCommand({
        restApiId: apiId,
        stageName: "test",
        cacheClusterEnabled: true,
        cacheClusterSize: "0.5",
      }),
    );
    const base = `${web.url}/gw/${apiId}/test`;
    const hits = () => echo.hits.filter((h) => h.url.startsWith("/cached")).length;
    const before = hits();
    const a = await fetch(`${base}/cached?type=a`);
    expect(a.status).toBe(200);
    await fetch(`${base}/cached?type=a`);
    expect(hits()).toBe(before + 1);
    await fetch(`${base}/cached?type=b`);
    expect(hits()).toBe(before + 2);
    await gw.send(new FlushStageCacheCommand({ restApiId: apiId, stageName: "test" }));
    await fetch(`${base}/cached?type=a`);
    expect(hits()).toBe(before + 3);
    await gw.send(
      new UpdateStageCommand({
        restApiId: apiId,
        stageName: "test",
        patchOperations: [{ op: "replace", path: "/*/*/caching/enabled", value: "false" }],
      }),
    );
    await fetch(`${base}/cached?type=a`);
    expect(hits()).toBe(before + 4);
  });

  it("answers CORS preflights from an OPTIONS MOCK method, as the console's Enable CORS sets it up", async () => {
    const { apiId } = await buildApi({
      "/cors": {
        OPTIONS: {
          integration: { type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } },
          responses: [
            {
              statusCode: "200",
              responseParameters: {
                "method.response.header.Access-Control-Allow-Headers":
                  "'Content-Type,X-Amz-Date,Authorization,X-Api-Key'",
                "method.response.header.Access-Control-Allow-Methods": "'GET,OPTIONS'",
                "method.response.header.Access-Control-Allow-Origin": "'*'",
              },
              responseTemplates: { "application/json": "" },
            },
          ],
        },
      },
    });
    const base = await deploy(apiId);
    const r = await fetch(`${base}/cors`, {
      method: "OPTIONS",
      headers: { origin: "https://example.com", "access-control-request-method": "GET" },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
    expect(r.headers.get("access-control-allow-methods")).toBe("GET,OPTIONS");
    expect(r.headers.get("access-control-allow-headers")).toContain("X-Api-Key");
  });

  it("AWS_IAM methods need a SigV4 signature from a key of the API's tenant", async () => {
    const { apiId } = await buildApi({
      "/iam": {
        GET: {
          method: { authorizationType: "AWS_IAM" },
          integration: { type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } },
          responses: [
            {
              statusCode: "200",
              responseTemplates: { "application/json": '{"caller": "$context.identity.accessKey"}' },
            },
          ],
        },
      },
    });
    const base = await deploy(apiId);
    const anon = await fetch(`${base}/iam`);
    expect(anon.status).toBe(403);
    expect(await anon.json()).toEqual({ message: "Missing Authentication Token" });
    const sign = async (key: { id: string; secret: string }) => {
      const signer = new SignatureV4({
        service: "execute-api",
        region,
        credentials: { accessKeyId: key.id, secretAccessKey: key.secret },
        sha256: Sha256,
      });
      const s = await signer.sign({
        method: "GET",
        protocol: "http:",
        hostname: "127.0.0.1",
        port: web.port,
        path: `/gw/${apiId}/test/iam`,
        headers: { host: `127.0.0.1:${web.port}` },
      });
      return fetch(`${base}/iam`, { headers: s.headers as Record<string, string> });
    };
    const signed = await sign(t.key);
    expect(signed.status).toBe(200);
    expect(await signed.json()).toEqual({ caller: t.key.id });
    const stranger = await createTestTenant();
    const other = await sign(stranger.key);
    expect(other.status).toBe(403);
    expect(((await other.json()) as { message: string }).message).toContain(
      "is not authorized to perform: execute-api:Invoke",
    );
    const forged = await sign({ id: t.key.id, secret: "wrong" });
    expect(forged.status).toBe(403);
  });

  it("passes binary media types base64-encoded to functions and converts bodies with contentHandling", async () => {
    const { apiId } = await buildApi(
      {
        "/img": {
          POST: { integration: { type: "AWS_PROXY", integrationHttpMethod: "POST", uri: lambdaUri("gw-binary") } },
        },
        "/text": {
          POST: {
            integration: {
              type: "HTTP",
              integrationHttpMethod: "POST",
              uri: `${echo.url}/as-text`,
              contentHandling: "CONVERT_TO_TEXT",
            },
            responses: ok200,
          },
        },
      },
      async (id) => {
        await gw.send(
          new UpdateRestApiCommand({
            restApiId: id,
            patchOperations: [{ op: "add", path: "/binaryMediaTypes/image~1png" }],
          }),
        );
      },
    );
    const base = await deploy(apiId);
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe, 0x01]);
    const r = await fetch(`${base}/img`, {
      method: "POST",
      headers: { "content-type": "image/png" },
      body: new Uint8Array(bytes),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("x-was-base64")).toBe("true");
    expect(Buffer.from(await r.arrayBuffer())).toEqual(bytes);
    const t2 = await fetch(`${base}/text`, {
      method: "POST",
      headers: { "content-type": "image/png" },
      body: new Uint8Array(bytes),
    });
    expect(t2.status).toBe(200);
    expect(echo.hits.at(-1)?.body).toBe(bytes.toString("base64"));
  });

  it("Lambda authorizers (TOKEN, REQUEST): allow, explicit deny, Unauthorized, and $context.authorizer", async () => {
    const api = await gw.send(new CreateRestApiCommand({ name: "authz" }));
    const badMethod = await gw
      .send(
        new PutMethodCommand({
          restApiId: api.id,
          resourceId: api.rootResourceId,
          httpMethod: "GET",
          authorizationType: "CUSTOM",
          authorizerId: "nope00",
        }),
      )
      .catch((e) => e);
    expect(badMethod).toBeInstanceOf(BadRequestException);
    const token = await gw.send(
      new CreateAuthorizerCommand({
        restApiId: api.id,
        name: "tok",
        type: "TOKEN",
        authorizerUri: lambdaUri("gw-auth"),
        identitySource: "method.request.header.Authorization",
        authorizerResultTtlInSeconds: 0,
      }),
    );
    expect(token).toMatchObject({ name: "tok", type: "TOKEN", authorizerResultTtlInSeconds: 0 });
    const request = await gw.send(
      new CreateAuthorizerCommand({
        restApiId: api.id,
        name: "req",
        type: "REQUEST",
        authorizerUri: lambdaUri("gw-auth"),
        identitySource: "method.request.header.x-token",
      }),
    );
    expect((await gw.send(new GetAuthorizersCommand({ restApiId: api.id }))).items?.map((a) => a.name).sort()).toEqual([
      "req",
      "tok",
    ]);
    const upd = await gw.send(
      new UpdateAuthorizerCommand({
        restApiId: api.id,
        authorizerId: request.id,
        patchOperations: [{ op: "replace", path: "/authorizerResultTtlInSeconds", value: "60" }],
      }),
    );
    expect(upd.authorizerResultTtlInSeconds).toBe(60);
    const tmp = await gw.send(
      new CreateAuthorizerCommand({
        restApiId: api.id,
        name: "tmp",
        type: "TOKEN",
        authorizerUri: lambdaUri("gw-auth"),
      }),
    );
    await gw.send(new DeleteAuthorizerCommand({ restApiId: api.id, authorizerId: tmp.id }));
    // A Cognito authorizer switched to TOKEN needs a function and drops its user pools (providerARNs
    // are not defined for TOKEN and REQUEST authorizers).
    const pools = await gw.send(
      new CreateAuthorizerCommand({
        restApiId: api.id,
        name: "pools",
        type: "COGNITO_USER_POOLS",
        providerARNs: [`arn:aws:cognito-idp:${region}:${t.tenant.accountId}:userpool/${region}_abc`],
        identitySource: "method.request.header.Authorization",
      }),
    );
    const noUri = await gw
      .send(
        new UpdateAuthorizerCommand({
          restApiId: api.id,
          authorizerId: pools.id,
          patchOperations: [{ op: "replace", path: "/type", value: "TOKEN" }],
        }),
      )
      .catch((e) => e);
    expect(noUri).toBeInstanceOf(BadRequestException);
    expect(noUri.message).toBe("Invalid Authorizer URI specified");
    const switched = await gw.send(
      new UpdateAuthorizerCommand({
        restApiId: api.id,
        authorizerId: pools.id,
        patchOperations: [
          { op: "replace", path: "/type", value: "TOKEN" },
          { op: "replace", path: "/authorizerUri", value: lambdaUri("gw-auth") },
        ],
      }),
    );
    expect(switched).toMatchObject({ type: "TOKEN", identitySource: "method.request.header.Authorization" });
    expect(switched.providerARNs).toBeUndefined();
    const reread = await gw.send(new GetAuthorizerCommand({ restApiId: api.id, authorizerId: pools.id }));
    expect(reread.providerARNs).toBeUndefined();
    await gw.send(new DeleteAuthorizerCommand({ restApiId: api.id, authorizerId: pools.id }));
    const gone = await gw.send(new GetAuthorizerCommand({ restApiId: api.id, authorizerId: tmp.id })).catch((e) => e);
    expect(gone.message).toBe("Invalid Authorizer identifier specified");

    const mockWith = (resourceId: string, httpMethod: string, authorizerId: string) => [
      new PutMethodCommand({ restApiId: api.id, resourceId, httpMethod, authorizationType: "CUSTOM", authorizerId }),
      new PutIntegrationCommand({
        restApiId: api.id,
        resourceId,
        httpMethod,
        type: "MOCK",
        requestTemplates: { "application/json": '{"statusCode": 200}' },
      }),
      new PutMethodResponseCommand({ restApiId: api.id, resourceId, httpMethod, statusCode: "200" }),
      new PutIntegrationResponseCommand({
        restApiId: api.id,
        resourceId,
        httpMethod,
        statusCode: "200",
        responseTemplates: {
          "application/json": '{"principal": "$context.authorizer.principalId", "kind": "$context.authorizer.kind"}',
        },
      }),
    ];
    const t1 = await gw.send(
      new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: "t" }),
    );
    const r1 = await gw.send(
      new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: "r" }),
    );
    for (const cmd of [
      ...mockWith(t1.id!, "GET", token.id!),
      ...mockWith(t1.id!, "POST", token.id!),
      ...mockWith(r1.id!, "GET", request.id!),
    ])
      await gw.send(cmd as never);
    const base = await deploy(api.id!);
    const call = async (p: string, headers: Record<string, string>, method = "GET") => {
      const r = await fetch(`${base}${p}`, { method, headers });
      return { status: r.status, body: await r.json() };
    };
    expect(await call("/t", {})).toEqual({ status: 401, body: { message: "Unauthorized" } });
    expect(await call("/t", { authorization: "alice" })).toEqual({
      status: 200,
      body: { principal: "user-alice", kind: "TOKEN" },
    });
    expect(await call("/t", { authorization: "deny" })).toEqual({
      status: 403,
      body: { message: "User is not authorized to access this resource with an explicit deny" },
    });
    expect(await call("/t", { authorization: "alice" }, "POST")).toEqual({
      status: 403,
      body: { message: "User is not authorized to access this resource" },
    });
    expect(await call("/t", { authorization: "fail" })).toEqual({ status: 401, body: { message: "Unauthorized" } });
    expect(await call("/r", { "x-token": "bob" })).toEqual({
      status: 200,
      body: { principal: "user-bob", kind: "REQUEST" },
    });
    expect((await call("/r", {})).status).toBe(401);
  });

  it("method settings' throttling: a limit patched alone keeps the other's default; a burst of 0 admits nothing", async () => {
    const mock = {
      integration: { type: "MOCK" as const, requestTemplates: { "application/json": '{"statusCode": 200}' } },
      responses: ok200,
    };
    const { apiId } = await buildApi({ "/slow": { GET: mock }, "/shut": { GET: mock } });
    const base = await deploy(apiId);
    await gw.send(
      new UpdateStageCommand({
        restApiId: apiId,
        stageName: "test",
        patchOperations: [
          // Every method: a rate alone (a token every 1,000 s), its burst the default 5,000 ...
          { op: "replace", path: "/*/*/throttling/rateLimit", value: "0.001" },
          // ... but /slow GET: a burst of 2 alone, and /shut GET: a burst of 0 alone.
          { op: "replace", path: "/~1slow/GET/throttling/burstLimit", value: "2" },
          { op: "replace", path: "/~1shut/GET/throttling/burstLimit", value: "0" },
        ],
      }),
    );
    // A method setting starts from API Gateway's defaults (rate 10,000, burst 5,000), not from */*.
    const slow: number[] = [];
    for (let i = 0; i < 4; i++) slow.push((await fetch(`${base}/slow`)).status);
    expect(slow).toEqual([200, 200, 200, 200]);
    const shut = await fetch(`${base}/shut`);
    expect(shut.status).toBe(429);
    expect(await shut.json()).toEqual({ message: "Too Many Requests" });
  });

  it("writes the stage's access log lines with its format", async () => {
    const { apiId } = await buildApi({
      "/logged": {
        GET: {
          integration: { type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } },
          responses: ok200,
        },
      },
    });
    await deploy(apiId);
    await gw.send(
      new UpdateStageCommand({
        restApiId: apiId,
        stageName: "test",
        patchOperations: [
          {
            op: "replace",
            path: "/accessLogSettings/destinationArn",
            value: `arn:aws:logs:${region}:${t.tenant.accountId}:log-group:api`,
          },
          {
            op: "replace",
            path: "/accessLogSettings/format",
            value: "$context.requestId $context.httpMethod $context.resourcePath $context.status $context.nothing",
          },
        ],
      }),
    );
    const logged = await startWeb({ env: { LOG_LEVEL: "info" } });
    try {
      const r = await fetch(`${logged.url}/gw/${apiId}/test/logged`);
      const rid = r.headers.get("x-amzn-requestid");
      expect(r.status).toBe(200);
      await fetch(`${logged.url}/gw/${apiId}/test/missing`);
      // The child's log arrives through its pipe: wait for it (bounded).
      for (let i = 0; i < 50 && !/ GET - 403 -/.test(logged.output()); i++)
        await new Promise((res) => setTimeout(res, 100));
      expect(logged.output()).toContain(`${rid} GET /logged 200 -`);
      expect(logged.output()).toMatch(/[0-9a-f-]{36} GET - 403 -/);
    } finally {
      await logged.stop();
    }
  });

  it("TestInvokeMethod runs a method of the current, undeployed definition", async () => {
    const { apiId, ids } = await buildApi({
      "/pets/{id}": {
        GET: {
          method: { apiKeyRequired: true },
          integration: { type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } },
          responses: [
            {
              statusCode: "200",
              responseParameters: { "method.response.header.x-id": "method.request.path.id" },
              responseTemplates: {
                "application/json": `{"id": "$input.params('id')", "q": "$input.params('q')", "v": "$stageVariables.v"}`,
              },
            },
          ],
        },
      },
    });
    const r = await gw.send(
      new TestInvokeMethodCommand({
        restApiId: apiId,
        resourceId: ids.get("/pets/{id}"),
        httpMethod: "GET",
        pathWithQueryString: "/pets/12?q=x",
        stageVariables: { v: "sv" },
      }),
    );
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body!)).toEqual({ id: "12", q: "x", v: "sv" });
    expect(r.headers?.["x-id"]).toBe("12");
    expect(r.log).toContain("Method completed with status: 200");
    expect(typeof r.latency).toBe("number");
    const nf = await gw
      .send(new TestInvokeMethodCommand({ restApiId: apiId, resourceId: ids.get("/pets/{id}"), httpMethod: "POST" }))
      .catch((e) => e);
    expect(nf.message).toBe("Invalid Method identifier specified");
  });

  it("validates parameters and bodies with request validators and models", async () => {
    let validatorId = "";
    const { apiId } = await buildApi(
      {
        "/pets": {
          POST: {
            method: {
              requestParameters: { "method.request.querystring.owner": true },
              requestModels: { "application/json": "NewPet" },
            },
            integration: { type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } },
            responses: [{ statusCode: "200", responseTemplates: { "application/json": '{"created": true}' } }],
          },
        },
      },
      async (id) => {
        await gw.send(
          new CreateModelCommand({
            restApiId: id,
            name: "NewPet",
            contentType: "application/json",
            schema: JSON.stringify({
              $schema: "http://json-schema.org/draft-04/schema#",
              type: "object",
              required: ["name"],
              properties: { name: { type: "string", minLength: 1 }, price: { type: "number", minimum: 0 } },
            }),
          }),
        );
        validatorId = (
          await gw.send(
            new CreateRequestValidatorCommand({
              restApiId: id,
              name: "all",
              validateRequestBody: true,
              validateRequestParameters: true,
            }),
          )
        ).id!;
      },
    );
    // Attach the validator (PutMethod happened in buildApi without it).
    const { UpdateMethodCommand, GetResourcesCommand } = await import("@aws-sdk/client-api-gateway");
    const res = await gw.send(new GetResourcesCommand({ restApiId: apiId }));
    const petsId = res.items!.find((i) => i.path === "/pets")!.id!;
    await gw.send(
      new UpdateMethodCommand({
        restApiId: apiId,
        resourceId: petsId,
        httpMethod: "POST",
        patchOperations: [{ op: "replace", path: "/requestValidatorId", value: validatorId }],
      }),
    );
    const base = await deploy(apiId);
    const post = (q: string, body: string) =>
      fetch(`${base}/pets${q}`, { method: "POST", headers: { "content-type": "application/json" }, body });
    const noParam = await post("", '{"name": "x"}');
    expect(noParam.status).toBe(400);
    expect(await noParam.json()).toEqual({ message: "Missing required request parameters: [owner]" });
    const badBody = await post("?owner=me", '{"price": -1}');
    expect(badBody.status).toBe(400);
    expect(badBody.headers.get("x-amzn-errortype")).toBe("BadRequestException");
    expect(await badBody.json()).toEqual({ message: "Invalid request body" });
    const good = await post("?owner=me", '{"name": "Rex", "price": 3}');
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({ created: true });
  });

  it("refuses a method that requires an API key without one, and uses customized gateway responses", async () => {
    const { apiId } = await buildApi(
      {
        "/secret": {
          GET: {
            method: { apiKeyRequired: true },
            integration: { type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } },
            responses: ok200,
          },
        },
      },
      async (id) => {
        await gw.send(
          new PutGatewayResponseCommand({
            restApiId: id,
            responseType: "MISSING_AUTHENTICATION_TOKEN",
            statusCode: "404",
            responseParameters: { "gatewayresponse.header.x-why": "'no route'" },
            responseTemplates: {
              "application/json": '{"error": $context.error.messageString, "type": "$context.error.responseType"}',
            },
          }),
        );
      },
    );
    const base = await deploy(apiId);
    const r = await fetch(`${base}/secret`);
    expect(r.status).toBe(403);
    expect(await r.json()).toEqual({ message: "Forbidden" });
    const nf = await fetch(`${base}/nothing`);
    expect(nf.status).toBe(404);
    expect(nf.headers.get("x-why")).toBe("no route");
    expect(await nf.json()).toEqual({ error: "Missing Authentication Token", type: "MISSING_AUTHENTICATION_TOKEN" });
  });

  it("serves the deployed snapshot: changes show only after a new deployment; stage variables apply at once", async () => {
    const { apiId, ids } = await buildApi({
      "/v": {
        GET: {
          integration: { type: "MOCK", requestTemplates: { "application/json": '{"statusCode": 200}' } },
          responses: [
            {
              statusCode: "200",
              responseTemplates: { "application/json": '{"v": 1, "color": "$stageVariables.color"}' },
            },
          ],
        },
      },
    });
    const base = await deploy(apiId, { color: "red" });
    expect(await (await fetch(`${base}/v`)).json()).toEqual({ v: 1, color: "red" });
    await gw.send(
      new PutIntegrationResponseCommand({
        restApiId: apiId,
        resourceId: ids.get("/v"),
        httpMethod: "GET",
        statusCode: "200",
        responseTemplates: { "application/json": '{"v": 2, "color": "$stageVariables.color"}' },
      }),
    );
    await gw.send(
      new UpdateStageCommand({
        restApiId: apiId,
        stageName: "test",
        patchOperations: [{ op: "replace", path: "/variables/color", value: "blue" }],
      }),
    );
    expect(await (await fetch(`${base}/v`)).json()).toEqual({ v: 1, color: "blue" });
    await deploy(apiId);
    expect(await (await fetch(`${base}/v`)).json()).toEqual({ v: 2, color: "blue" });
  });
});

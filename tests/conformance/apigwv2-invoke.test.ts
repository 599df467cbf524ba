import http from "node:http";
import {
  ApiGatewayV2Client,
  CreateApiCommand,
  CreateAuthorizerCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
  UpdateStageCommand,
  type CreateIntegrationCommandInput,
  type CreateRouteCommandInput,
} from "@aws-sdk/client-apigatewayv2";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DescribeExecutionCommand, SFNClient } from "@aws-sdk/client-sfn";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeSha256 as Sha256 } from "../../server/core/sigv4/test-support";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startFunctionReceiver } from "../helpers/function-receiver";
import { startWeb, type TestProcess } from "../helpers/server";
import { insertStateMachine } from "../helpers/workflows";
import { createFunction } from "../../server/domains/functions/function.service";

// HTTP APIs called over HTTP at /gw/<api>/<stage>/<path>: route selection, HTTP_PROXY with
// parameter mapping, functions with payload 2.0 and 1.0, SQS / EventBridge / Step Functions
// subtypes, JWT authorizers (a JWKS served by a local server, tokens signed with jose), Lambda
// REQUEST authorizers (simple responses, cached decisions), CORS, throttling and $default
// auto-deploy.

let web: TestProcess & { url: string; port: number };
let t: TestTenant;
let gw: ApiGatewayV2Client;
let fnSvc: Awaited<ReturnType<typeof startFunctionReceiver>>;
let echo: {
  url: string;
  hits: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  close: () => void;
};
let idp: { url: string; close: () => void };
let privateKey: CryptoKey;
const region = "us-east-1";
let authCalls = 0;

function listen(handler: http.RequestListener) {
  const server = http.createServer(handler);
  return new Promise<{ url: string; close: () => void }>((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
        close: () => {
          server.closeAllConnections();
          server.close();
        },
      }),
    ),
  );
}

beforeAll(async () => {
  t = await createTestTenant();
  const hits: { method: string; url: string; headers: http.IncomingHttpHeaders }[] = [];
  const e = await listen((req, res) => {
    hits.push({ method: req.method!, url: req.url!, headers: req.headers });
    req.resume();
    req.on("end", () => {
      if (req.url!.startsWith("/slow")) return void setTimeout(() => res.end("late"), 2000);
      res.writeHead(200, { "content-type": "application/json", "x-backend": "echo" });
      res.end(JSON.stringify({ method: req.method, url: req.url, from: req.headers["x-from"] ?? null }));
    });
  });
  echo = { ...e, hits };
  const keys = await generateKeyPair("RS256", { extractable: true });
  privateKey = keys.privateKey as CryptoKey;
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  let base = "";
  idp = await listen((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    if (req.url === "/.well-known/openid-configuration")
      res.end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks` }));
    else res.end(JSON.stringify({ keys: [jwk] }));
  });
  base = idp.url;

  fnSvc = await startFunctionReceiver(async (event, hit) => {
    const ev = event as Record<string, unknown>;
    if (hit.path === "/v2") {
      return {
        body: JSON.stringify({
          statusCode: 201,
          headers: { "x-fn": "yes" },
          cookies: ["a=1", "b=2"],
          body: JSON.stringify({ got: ev }),
        }),
      };
    }
    if (hit.path === "/bare") return { body: JSON.stringify({ hello: "world" }) };
    if (hit.path === "/v1") return { body: JSON.stringify({ statusCode: 202, body: JSON.stringify({ got: ev }) }) };
    if (hit.path === "/fail")
      return { headers: { "x-amz-function-error": "Unhandled" }, body: JSON.stringify({ errorMessage: "boom" }) };
    if (hit.path === "/policy") {
      const e = ev as { methodArn: string; identitySource: string };
      return {
        body: JSON.stringify({
          principalId: "p1",
          policyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Action: "execute-api:Invoke",
                Effect: e.identitySource === "good" ? "Allow" : "Deny",
                Resource: e.methodArn,
              },
            ],
          },
          context: { tier: "gold" },
        }),
      };
    }
    if (hit.path === "/auth") {
      authCalls++;
      const headers = ev.headers as Record<string, string>;
      return {
        body: JSON.stringify({ isAuthorized: headers["x-token"] === "let-me-in", context: { user: "u1" } }),
      };
    }
    return { body: "{}" };
  });
  for (const name of ["v2", "bare", "v1", "fail", "auth", "policy"]) {
    const { secret } = await createFunction(t.actor, t.tenant, { name: `h-${name}`, url: `${fnSvc.url}/${name}` });
    fnSvc.secrets.set(`/${name}`, secret);
  }
  web = await startWeb();
  gw = new ApiGatewayV2Client({
    endpoint: `${web.url}/api/aws`,
    region,
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  await web?.stop();
  echo?.close();
  idp?.close();
  await fnSvc?.close();
});

const fnArn = (name: string) => `arn:aws:lambda:${region}:${t.tenant.accountId}:function:${name}`;

/** An HTTP API with an auto-deployed $default stage and the given routes. */
async function buildApi(
  routes: {
    key: string;
    integration: Omit<CreateIntegrationCommandInput, "ApiId">;
    route?: Partial<CreateRouteCommandInput>;
  }[],
  extra: { cors?: CreateApiCommandInputCors; stageName?: string; throttle?: { rate: number; burst: number } } = {},
) {
  const api = await gw.send(
    new CreateApiCommand({ Name: uniqueName("inv"), ProtocolType: "HTTP", CorsConfiguration: extra.cors }),
  );
  const ApiId = api.ApiId!;
  for (const r of routes) {
    const i = await gw.send(new CreateIntegrationCommand({ ApiId, ...r.integration }));
    await gw.send(
      new CreateRouteCommand({ ApiId, RouteKey: r.key, Target: `integrations/${i.IntegrationId}`, ...(r.route ?? {}) }),
    );
  }
  await gw.send(
    new CreateStageCommand({
      ApiId,
      StageName: extra.stageName ?? "$default",
      AutoDeploy: true,
      ...(extra.throttle
        ? {
            DefaultRouteSettings: {
              ThrottlingRateLimit: extra.throttle.rate,
              ThrottlingBurstLimit: extra.throttle.burst,
            },
          }
        : {}),
    }),
  );
  return ApiId;
}
type CreateApiCommandInputCors = NonNullable<ConstructorParameters<typeof CreateApiCommand>[0]["CorsConfiguration"]>;

const httpTo = (path: string, extra: Partial<CreateIntegrationCommandInput> = {}) => ({
  IntegrationType: "HTTP_PROXY" as const,
  IntegrationUri: `${echo.url}${path}`,
  IntegrationMethod: "ANY",
  PayloadFormatVersion: "1.0",
  ...extra,
});
const fnTo = (name: string, version = "2.0") => ({
  IntegrationType: "AWS_PROXY" as const,
  IntegrationUri: fnArn(`h-${name}`),
  PayloadFormatVersion: version,
});

describe("routing and integrations", () => {
  it("selects the most specific route, then ANY, then $default; 404 without a match", async () => {
    const api = await buildApi([
      { key: "GET /orders/{id}", integration: httpTo("/specific/{id}") },
      { key: "GET /orders/special", integration: httpTo("/literal") },
      { key: "ANY /orders/{proxy+}", integration: httpTo("/greedy/{proxy}") },
      { key: "$default", integration: httpTo("/fallback") },
    ]);
    const get = async (path: string, method = "GET") => {
      const r = await fetch(`${web.url}/gw/${api}${path}`, { method });
      return { status: r.status, body: (await r.json()) as { url: string } };
    };
    expect((await get("/orders/7")).body.url).toBe("/specific/7");
    expect((await get("/orders/special")).body.url).toBe("/literal");
    expect((await get("/orders/7/items/3")).body.url).toBe("/greedy/7/items/3");
    expect((await get("/orders/7", "POST")).body.url).toBe("/greedy/7");
    expect((await get("/elsewhere")).body.url).toBe("/fallback");
    // The stage name in the path works too.
    expect((await get("/$default/orders/9")).body.url).toBe("/specific/9");

    const bare = await buildApi([{ key: "GET /only", integration: httpTo("/x") }]);
    const miss = await fetch(`${web.url}/gw/${bare}/nope`);
    expect(miss.status).toBe(404);
    expect(await miss.json()).toEqual({ message: "Not Found" });
    expect(miss.headers.get("apigw-requestid")).toBeTruthy();
  });

  it("maps request and response parameters on HTTP_PROXY", async () => {
    const api = await buildApi([
      {
        key: "GET /m/{id}",
        integration: httpTo("/mapped", {
          RequestParameters: {
            "overwrite:header.x-from": "$request.header.x-in",
            "append:querystring.id": "$request.path.id",
            "overwrite:path": "/rewritten/$request.path.id",
          },
          ResponseParameters: {
            "200": {
              "overwrite:header.x-backend": "mapped",
              "append:header.x-extra": "$response.header.x-backend",
              "overwrite:statuscode": "202",
            },
          },
        }),
      },
    ]);
    const r = await fetch(`${web.url}/gw/${api}/m/42?q=1`, { headers: { "x-in": "hello" } });
    expect(r.status).toBe(202);
    expect(r.headers.get("x-backend")).toBe("mapped");
    expect(r.headers.get("x-extra")).toBe("echo");
    const body = (await r.json()) as { url: string; from: string };
    expect(body.from).toBe("hello");
    expect(body.url).toBe("/rewritten/42?q=1&id=42");
  });

  it("answers 503 when the backend times out or cannot be reached", async () => {
    const api = await buildApi([{ key: "GET /slow", integration: httpTo("/slow", { TimeoutInMillis: 300 }) }]);
    const r = await fetch(`${web.url}/gw/${api}/slow`);
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ message: "Service Unavailable" });
    const down = await buildApi([
      { key: "GET /down", integration: { ...httpTo("/x"), IntegrationUri: "http://127.0.0.1:1/x" } },
    ]);
    const d = await fetch(`${web.url}/gw/${down}/down`);
    expect(d.status).toBe(503);
    expect(await d.json()).toEqual({ message: "Service Unavailable" });
  });

  it("calls functions with payload 2.0 and 1.0 and maps their answers", async () => {
    const api = await buildApi([
      { key: "POST /v2/{id}", integration: fnTo("v2") },
      { key: "GET /bare", integration: fnTo("bare") },
      { key: "GET /v1", integration: fnTo("v1", "1.0") },
      { key: "GET /fail", integration: fnTo("fail") },
    ]);
    const r = await fetch(`${web.url}/gw/${api}/v2/5?a=1&a=2`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: "c1=x; c2=y" },
      body: JSON.stringify({ n: 1 }),
    });
    expect(r.status).toBe(201);
    expect(r.headers.get("x-fn")).toBe("yes");
    expect(r.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    const { got } = (await r.json()) as { got: Record<string, unknown> };
    expect(got).toMatchObject({
      version: "2.0",
      routeKey: "POST /v2/{id}",
      rawPath: "/v2/5",
      rawQueryString: "a=1&a=2",
      cookies: ["c1=x", "c2=y"],
      queryStringParameters: { a: "1,2" },
      pathParameters: { id: "5" },
      body: '{"n":1}',
      isBase64Encoded: false,
      requestContext: {
        apiId: api,
        stage: "$default",
        routeKey: "POST /v2/{id}",
        http: { method: "POST", path: "/v2/5" },
      },
    });
    expect((got.headers as Record<string, string>)["content-type"]).toBe("application/json");

    const bare = await fetch(`${web.url}/gw/${api}/bare`);
    expect(bare.status).toBe(200);
    expect(bare.headers.get("content-type")).toBe("application/json");
    expect(await bare.json()).toEqual({ hello: "world" });

    const v1 = await fetch(`${web.url}/gw/${api}/v1?x=1`);
    expect(v1.status).toBe(202);
    const e1 = ((await v1.json()) as { got: Record<string, unknown> }).got;
    expect(e1).toMatchObject({ version: "1.0", httpMethod: "GET", path: "/v1", queryStringParameters: { x: "1" } });
    // API Gateway's 1.0 example event for HTTP APIs: its keys in its order, and its requestContext
    // (not 2.0's http/routeKey/timeEpoch): REST-style names, the identity with nulls, resourceId null.
    expect(Object.keys(e1)).toEqual([
      "version",
      "resource",
      "path",
      "httpMethod",
      "headers",
      "multiValueHeaders",
      "queryStringParameters",
      "multiValueQueryStringParameters",
      "requestContext",
      "pathParameters",
      "stageVariables",
      "body",
      "isBase64Encoded",
    ]);
    const rc = e1.requestContext as Record<string, unknown>;
    expect(rc).toEqual({
      accountId: t.tenant.accountId,
      apiId: api,
      authorizer: { claims: null, scopes: null },
      domainName: expect.any(String),
      domainPrefix: api,
      extendedRequestId: rc.requestId,
      httpMethod: "GET",
      identity: {
        accessKey: null,
        accountId: null,
        caller: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: expect.stringMatching(/\d/),
        user: null,
        userAgent: expect.any(String),
        userArn: null,
      },
      path: "/v1",
      protocol: "HTTP/1.1",
      requestId: expect.any(String),
      requestTime: expect.stringMatching(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/),
      requestTimeEpoch: expect.any(Number),
      resourceId: null,
      resourcePath: "/v1",
      stage: "$default",
    });
    expect(Object.keys(rc)[0]).toBe("accountId");
    expect(Object.keys(rc).at(-1)).toBe("stage");
    expect(v1.headers.get("apigw-requestid")).toBe(rc.requestId);

    const fail = await fetch(`${web.url}/gw/${api}/fail`);
    expect(fail.status).toBe(500);
    expect(await fail.json()).toEqual({ message: "Internal Server Error" });
  });

  it("sends to SQS, EventBridge and Step Functions with mapped parameters", async () => {
    const sqs = new SQSClient({
      endpoint: `${web.url}/api/aws`,
      region,
      credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("v2q") }));
    const sm = await insertStateMachine(t.tenant, { StartAt: "P", States: { P: { Type: "Pass", End: true } } });
    const api = await buildApi([
      {
        key: "POST /queue",
        integration: {
          IntegrationType: "AWS_PROXY",
          IntegrationSubtype: "SQS-SendMessage",
          PayloadFormatVersion: "1.0",
          RequestParameters: { QueueUrl: QueueUrl!, MessageBody: "$request.body.message" },
        },
      },
      {
        key: "POST /events",
        integration: {
          IntegrationType: "AWS_PROXY",
          IntegrationSubtype: "EventBridge-PutEvents",
          PayloadFormatVersion: "1.0",
          RequestParameters: { Source: "orders", DetailType: "created", Detail: "$request.body" },
        },
      },
      {
        key: "POST /start",
        integration: {
          IntegrationType: "AWS_PROXY",
          IntegrationSubtype: "StepFunctions-StartExecution",
          PayloadFormatVersion: "1.0",
          RequestParameters: { StateMachineArn: sm, Input: "$request.body" },
        },
      },
    ]);
    const post = (p: string, body: unknown) =>
      fetch(`${web.url}/gw/${api}${p}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const q = await post("/queue", { message: "hello queue" });
    expect(q.status).toBe(200);
    expect(((await q.json()) as { MessageId: string }).MessageId).toBeTruthy();
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    expect(got.Messages?.[0]?.Body).toBe("hello queue");

    const ev = await post("/events", { id: 1 });
    expect(ev.status).toBe(200);
    expect(await ev.json()).toMatchObject({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });

    const st = await post("/start", { order: 9 });
    expect(st.status).toBe(200);
    const { executionArn } = (await st.json()) as { executionArn: string };
    const sfn = new SFNClient({
      endpoint: `${web.url}/api/aws`,
      region,
      credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    });
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(d.input).toBe('{"order":9}');
  });
});

describe("authorizers", () => {
  it("JWT: verifies signature, issuer, audience and scopes against the issuer's JWKS", async () => {
    const api = await gw.send(new CreateApiCommand({ Name: uniqueName("jwt"), ProtocolType: "HTTP" }));
    const ApiId = api.ApiId!;
    const a = await gw.send(
      new CreateAuthorizerCommand({
        ApiId,
        AuthorizerType: "JWT",
        Name: "idp",
        IdentitySource: ["$request.header.Authorization"],
        JwtConfiguration: { Issuer: idp.url, Audience: ["my-api"] },
      }),
    );
    const i = await gw.send(new CreateIntegrationCommand({ ApiId, ...fnTo("v2") }));
    await gw.send(
      new CreateRouteCommand({
        ApiId,
        RouteKey: "POST /secure",
        Target: `integrations/${i.IntegrationId}`,
        AuthorizationType: "JWT",
        AuthorizerId: a.AuthorizerId,
        AuthorizationScopes: ["orders:write"],
      }),
    );
    // The same authorizer before a payload 1.0 function: the claims sit in requestContext.authorizer.
    const i1 = await gw.send(new CreateIntegrationCommand({ ApiId, ...fnTo("v1", "1.0") }));
    await gw.send(
      new CreateRouteCommand({
        ApiId,
        RouteKey: "POST /secure1",
        Target: `integrations/${i1.IntegrationId}`,
        AuthorizationType: "JWT",
        AuthorizerId: a.AuthorizerId,
      }),
    );
    await gw.send(new CreateStageCommand({ ApiId, StageName: "$default", AutoDeploy: true }));
    const token = (claims: Record<string, unknown>, aud = "my-api", iss = idp.url) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "RS256", kid: "k1" })
        .setIssuer(iss)
        .setAudience(aud)
        .setSubject("user-1")
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(privateKey);
    const call = (auth?: string) =>
      fetch(`${web.url}/gw/${ApiId}/secure`, { method: "POST", headers: auth ? { authorization: auth } : {} });

    const ok = await call(`Bearer ${await token({ scope: "orders:read orders:write" })}`);
    expect(ok.status).toBe(201);
    const got = ((await ok.json()) as { got: { requestContext: { authorizer: unknown } } }).got;
    expect(got.requestContext.authorizer).toMatchObject({
      jwt: { claims: { sub: "user-1", iss: idp.url }, scopes: ["orders:read", "orders:write"] },
    });
    const ok1 = await fetch(`${web.url}/gw/${ApiId}/secure1`, {
      method: "POST",
      headers: { authorization: `Bearer ${await token({ scope: "orders:read" })}` },
    });
    expect(ok1.status).toBe(202);
    const got1 = ((await ok1.json()) as { got: { requestContext: { authorizer: Record<string, unknown> } } }).got;
    expect(got1.requestContext.authorizer).toMatchObject({
      claims: { sub: "user-1", iss: idp.url },
      scopes: ["orders:read"],
    });
    expect(got1.requestContext.authorizer.jwt).toBeUndefined();
    expect((await call()).status).toBe(401);
    const wrongAud = await call(`Bearer ${await token({ scope: "orders:write" }, "other")}`);
    expect(wrongAud.status).toBe(401);
    expect(await wrongAud.json()).toEqual({ message: "Unauthorized" });
    expect(
      (await call(`Bearer ${await token({ scope: "orders:write" }, "my-api", "https://evil.example")}`)).status,
    ).toBe(401);
    const noScope = await call(`Bearer ${await token({ scope: "orders:read" })}`);
    expect(noScope.status).toBe(403);
    expect(await noScope.json()).toEqual({ message: "Forbidden" });
    expect((await call("Bearer not.a.jwt")).status).toBe(401);
    const expired = await new SignJWT({ scope: "orders:write" })
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setIssuer(idp.url)
      .setAudience("my-api")
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(privateKey);
    expect((await call(`Bearer ${expired}`)).status).toBe(401);
    const stranger = await generateKeyPair("RS256");
    const forged = await new SignJWT({ scope: "orders:write" })
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setIssuer(idp.url)
      .setAudience("my-api")
      .setExpirationTime("5m")
      .sign(stranger.privateKey);
    expect((await call(`Bearer ${forged}`)).status).toBe(401);
  });

  it("Lambda REQUEST authorizer: simple responses, cached by identity source", async () => {
    const api = await gw.send(new CreateApiCommand({ Name: uniqueName("lam"), ProtocolType: "HTTP" }));
    const ApiId = api.ApiId!;
    const a = await gw.send(
      new CreateAuthorizerCommand({
        ApiId,
        AuthorizerType: "REQUEST",
        Name: "lam",
        AuthorizerUri: fnArn("h-auth"),
        AuthorizerPayloadFormatVersion: "2.0",
        EnableSimpleResponses: true,
        AuthorizerResultTtlInSeconds: 300,
        IdentitySource: ["$request.header.x-token"],
      }),
    );
    const i = await gw.send(new CreateIntegrationCommand({ ApiId, ...fnTo("v2") }));
    await gw.send(
      new CreateRouteCommand({
        ApiId,
        RouteKey: "GET /guarded",
        Target: `integrations/${i.IntegrationId}`,
        AuthorizationType: "CUSTOM",
        AuthorizerId: a.AuthorizerId,
      }),
    );
    await gw.send(new CreateStageCommand({ ApiId, StageName: "$default", AutoDeploy: true }));
    const call = (token?: string) =>
      fetch(`${web.url}/gw/${ApiId}/guarded`, { headers: token ? { "x-token": token } : {} });
    const before = authCalls;
    const ok = await call("let-me-in");
    expect(ok.status).toBe(201);
    const got = ((await ok.json()) as { got: { requestContext: { authorizer: unknown } } }).got;
    expect(got.requestContext.authorizer).toEqual({ lambda: { user: "u1" } });
    expect((await call("let-me-in")).status).toBe(201);
    expect(authCalls - before).toBe(1);
    const denied = await call("nope");
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ message: "Forbidden" });
    const missing = await call();
    expect(missing.status).toBe(401);
    expect(authCalls - before).toBe(2);
  });

  it("Lambda REQUEST authorizer with payload 1.0 answers with an IAM policy", async () => {
    const api = await gw.send(new CreateApiCommand({ Name: uniqueName("pol"), ProtocolType: "HTTP" }));
    const ApiId = api.ApiId!;
    const a = await gw.send(
      new CreateAuthorizerCommand({
        ApiId,
        AuthorizerType: "REQUEST",
        Name: "pol",
        AuthorizerUri: fnArn("h-policy"),
        AuthorizerPayloadFormatVersion: "1.0",
        IdentitySource: ["$request.querystring.key"],
      }),
    );
    const i = await gw.send(new CreateIntegrationCommand({ ApiId, ...fnTo("v2") }));
    await gw.send(
      new CreateRouteCommand({
        ApiId,
        RouteKey: "GET /p",
        Target: `integrations/${i.IntegrationId}`,
        AuthorizationType: "CUSTOM",
        AuthorizerId: a.AuthorizerId,
      }),
    );
    await gw.send(new CreateStageCommand({ ApiId, StageName: "$default", AutoDeploy: true }));
    const ok = await fetch(`${web.url}/gw/${ApiId}/p?key=good`);
    expect(ok.status).toBe(201);
    const got = ((await ok.json()) as { got: { requestContext: { authorizer: unknown } } }).got;
    expect(got.requestContext.authorizer).toEqual({ tier: "gold", principalId: "p1" });
    expect((await fetch(`${web.url}/gw/${ApiId}/p?key=bad`)).status).toBe(403);
  });

  it("AWS_IAM: a SigV4 signature of the API's tenant passes with payload 2.0's authorizer.iam (1.0's identity), another tenant's and none get 403 Forbidden", async () => {
    const api = await buildApi([
      { key: "GET /iam", integration: fnTo("v2"), route: { AuthorizationType: "AWS_IAM" } },
      { key: "GET /v1", integration: fnTo("v1", "1.0"), route: { AuthorizationType: "AWS_IAM" } },
    ]);
    const sign = async (key: { id: string; secret: string }, path = "/iam") => {
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
        path: `/gw/${api}${path}`,
        headers: { host: `127.0.0.1:${web.port}`, "user-agent": "iam-test" },
      });
      return fetch(`${web.url}/gw/${api}${path}`, { headers: s.headers as Record<string, string> });
    };
    const ok = await sign(t.key);
    expect(ok.status).toBe(201);
    const got = ((await ok.json()) as { got: { requestContext: { authorizer: unknown } } }).got;
    const userArn = `arn:aws:iam::${t.tenant.accountId}:user/${t.key.id}`;
    // Payload 2.0's fields (AWS: accessKey, accountId, callerId, cognitoIdentity, principalOrgId, userArn, userId).
    expect(got.requestContext.authorizer).toEqual({
      iam: {
        accessKey: t.key.id,
        accountId: t.tenant.accountId,
        callerId: t.key.id,
        cognitoIdentity: null,
        principalOrgId: null,
        userArn,
        userId: t.key.id,
      },
    });
    const ok1 = await sign(t.key, "/v1");
    expect(ok1.status).toBe(202);
    const got1 = ((await ok1.json()) as { got: { requestContext: { identity: Record<string, unknown> } } }).got;
    expect(got1.requestContext.identity).toMatchObject({
      accessKey: t.key.id,
      accountId: t.tenant.accountId,
      caller: t.key.id,
      user: t.key.id,
      userArn,
      userAgent: "iam-test",
    });
    // Another team is another account: HTTP APIs have no resource policy to grant it, so 403, in the
    // shape of every HTTP API IAM refusal (no key id or ARN in the message).
    const stranger = await createTestTenant();
    for (const path of ["/iam", "/v1"]) {
      const refused = await sign(stranger.key, path);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({ message: "Forbidden" });
    }
    const none = await fetch(`${web.url}/gw/${api}/iam`);
    expect(none.status).toBe(403);
    expect(await none.json()).toEqual({ message: "Forbidden" });
  });
});

describe("CORS, throttling, auto-deploy", () => {
  it("answers preflights from corsConfiguration and adds CORS headers to answers", async () => {
    const api = await buildApi([{ key: "GET /c", integration: httpTo("/c") }], {
      cors: {
        AllowOrigins: ["https://app.example"],
        AllowMethods: ["GET", "POST"],
        AllowHeaders: ["content-type", "x-custom"],
        ExposeHeaders: ["x-backend"],
        MaxAge: 300,
      },
    });
    const hitsBefore = echo.hits.length;
    const pre = await fetch(`${web.url}/gw/${api}/c`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "x-custom",
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(pre.headers.get("access-control-allow-methods")).toBe("GET,POST");
    expect(pre.headers.get("access-control-allow-headers")).toBe("x-custom");
    expect(pre.headers.get("access-control-max-age")).toBe("300");
    expect(echo.hits.length).toBe(hitsBefore);
    const other = await fetch(`${web.url}/gw/${api}/c`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "GET" },
    });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const r = await fetch(`${web.url}/gw/${api}/c`, { headers: { origin: "https://app.example" } });
    expect(r.status).toBe(200);
    expect(r.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(r.headers.get("access-control-expose-headers")).toBe("x-backend");
  });

  it("throttles with the stage's default route settings (429 Too Many Requests)", async () => {
    const api = await buildApi([{ key: "GET /t", integration: fnTo("bare") }], { throttle: { rate: 0.001, burst: 2 } });
    // A token every 1,000 seconds: two pass on the burst, the rest wait.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${web.url}/gw/${api}/t`)).status);
    expect(statuses).toEqual([200, 200, 429]);
    const r = await fetch(`${web.url}/gw/${api}/t`);
    expect(r.status).toBe(429);
    expect(await r.json()).toEqual({ message: "Too Many Requests" });
  });

  it("throttles one route by its routeSettings, the others not", async () => {
    const api = await buildApi([
      { key: "GET /free", integration: fnTo("bare") },
      { key: "GET /tight", integration: fnTo("bare") },
    ]);
    await gw.send(
      new UpdateStageCommand({
        ApiId: api,
        StageName: "$default",
        RouteSettings: { "GET /tight": { ThrottlingRateLimit: 0.001, ThrottlingBurstLimit: 1 } },
      }),
    );
    expect((await fetch(`${web.url}/gw/${api}/tight`)).status).toBe(200);
    expect((await fetch(`${web.url}/gw/${api}/tight`)).status).toBe(429);
    for (let i = 0; i < 3; i++) expect((await fetch(`${web.url}/gw/${api}/free`)).status).toBe(200);
  });

  it("applies a rate or a burst set alone, the other limit coming from the level above", async () => {
    const api = await buildApi([
      { key: "GET /free", integration: fnTo("bare") },
      { key: "GET /tight", integration: fnTo("bare") },
    ]);
    // The stage sets a rate alone (its burst is the account's 5,000); the route a burst alone (its
    // rate is the stage's): a token every 1,000 seconds and a bucket of 2 for GET /tight.
    await gw.send(
      new UpdateStageCommand({
        ApiId: api,
        StageName: "$default",
        DefaultRouteSettings: { ThrottlingRateLimit: 0.001 },
        RouteSettings: { "GET /tight": { ThrottlingBurstLimit: 2 } },
      }),
    );
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${web.url}/gw/${api}/tight`)).status);
    expect(statuses).toEqual([200, 200, 429]);
    for (let i = 0; i < 3; i++) expect((await fetch(`${web.url}/gw/${api}/free`)).status).toBe(200);

    // A burst of 0 set alone on the stage admits nothing, whatever the (account's) rate.
    const closed = await buildApi([{ key: "GET /t", integration: fnTo("bare") }]);
    await gw.send(
      new UpdateStageCommand({
        ApiId: closed,
        StageName: "$default",
        DefaultRouteSettings: { ThrottlingBurstLimit: 0 },
      }),
    );
    const r = await fetch(`${web.url}/gw/${closed}/t`);
    expect(r.status).toBe(429);
    expect(await r.json()).toEqual({ message: "Too Many Requests" });
  });

  it("an auto-deploy $default stage serves a new route at once; a manual stage waits for a deployment", async () => {
    const api = await buildApi([{ key: "GET /one", integration: httpTo("/one") }]);
    expect((await fetch(`${web.url}/gw/${api}/two`)).status).toBe(404);
    const i = await gw.send(new CreateIntegrationCommand({ ApiId: api, ...httpTo("/two") }));
    await gw.send(
      new CreateRouteCommand({ ApiId: api, RouteKey: "GET /two", Target: `integrations/${i.IntegrationId}` }),
    );
    const r = await fetch(`${web.url}/gw/${api}/two`);
    expect(r.status).toBe(200);
    expect(((await r.json()) as { url: string }).url).toBe("/two");
    // No such API: the REST gateway's answer.
    expect((await fetch(`${web.url}/gw/zzzzzzzzzz/x`)).status).toBe(403);
  });
});

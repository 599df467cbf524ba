import {
  ApiGatewayV2Client,
  ConflictException,
  CreateApiCommand,
  CreateDeploymentCommand,
  CreateIntegrationCommand,
  CreateIntegrationResponseCommand,
  CreateRouteCommand,
  CreateRouteResponseCommand,
  CreateStageCommand,
  DeleteApiCommand,
  GetApiCommand,
  GetApisCommand,
  GetRoutesCommand,
  GetStageCommand,
  UpdateApiCommand,
  UpdateRouteCommand,
  UpdateStageCommand,
  UpdateIntegrationCommand,
  DeleteRouteCommand,
  DeleteIntegrationCommand,
  DeleteStageCommand,
  GetIntegrationsCommand,
  GetDeploymentsCommand,
  NotFoundException,
  BadRequestException,
  DeleteAccessLogSettingsCommand,
  DeleteIntegrationResponseCommand,
  DeleteRouteResponseCommand,
  DeleteRouteSettingsCommand,
  GetIntegrationResponsesCommand,
  GetRouteResponsesCommand,
} from "@aws-sdk/client-apigatewayv2";
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PostToConnectionCommand,
  ForbiddenException,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { execFile } from "node:child_process";
import http from "node:http";
import WebSocket from "ws";
import { SignatureV4 } from "@smithy/signature-v4";
import { NodeSha256 as Sha256 } from "../../server/core/sigv4/test-support";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startFunctionReceiver } from "../helpers/function-receiver";
import { startWeb, type TestProcess } from "../helpers/server";
import { createFunction } from "../../server/domains/functions/function.service";
import { pool } from "../../server/db";
import { createApiKey } from "../../server/domains/api-keys/api-key.service";

// WebSocket APIs end to end: built with @aws-sdk/client-apigatewayv2, connected to with the `ws`
// client on web process A, and managed with @aws-sdk/client-apigatewaymanagementapi through web
// process B (the connection registry + LISTEN/NOTIFY carry the frame to A).

type Web = TestProcess & { url: string; port: number };
let a: Web;
let b: Web;
let t: TestTenant;
let other: TestTenant;
let v2: ApiGatewayV2Client;
let fnSvc: Awaited<ReturnType<typeof startFunctionReceiver>>;
let apiId = "";
/** $connect events the "iam" function received. */
const iamConnects: Event[] = [];
const region = "us-east-1";

type Event = { requestContext: Record<string, unknown>; body?: string; queryStringParameters?: Record<string, string> };

beforeAll(async () => {
  t = await createTestTenant();
  other = await createTestTenant();
  fnSvc = await startFunctionReceiver(async (event, hit) => {
    const e = event as Event;
    if (hit.path === "/connect")
      return {
        body: JSON.stringify({ statusCode: e.queryStringParameters?.token === "bad" ? 401 : 200 }),
      };
    if (hit.path === "/iam") iamConnects.push(e);
    if (hit.path === "/echo")
      return {
        body: JSON.stringify({
          statusCode: 200,
          body: JSON.stringify({ echo: JSON.parse(e.body ?? "null"), routeKey: e.requestContext.routeKey }),
        }),
      };
    return { body: JSON.stringify({ statusCode: 200 }) };
  });
  for (const name of ["connect", "echo", "default", "disconnect", "iam"]) {
    const { secret } = await createFunction(t.actor, t.tenant, { name: `ws-${name}`, url: `${fnSvc.url}/${name}` });
    fnSvc.secrets.set(`/${name}`, secret);
  }
  [a, b] = await Promise.all([startWeb(), startWeb()]);
  v2 = new ApiGatewayV2Client({
    endpoint: `${a.url}/api/aws`,
    region,
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await fnSvc?.close();
});

const lambdaUri = (name: string) =>
  `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${region}:${t.tenant.accountId}:function:${name}/invocations`;

const mgmt = (web: Web, tenant: TestTenant = t) =>
  new ApiGatewayManagementApiClient({
    endpoint: `${web.url}/gw/${apiId}/prod`,
    region,
    credentials: { accessKeyId: tenant.key.id, secretAccessKey: tenant.key.secret },
    maxAttempts: 1,
  });

/** A connected client with a queue of received messages. */
async function connect(query = "") {
  const client = new WebSocket(`ws://127.0.0.1:${a.port}/gw/${apiId}/prod${query}`);
  const inbox: string[] = [];
  const waiters: (() => void)[] = [];
  client.on("message", (d) => {
    inbox.push(d.toString());
    waiters.splice(0).forEach((w) => w());
  });
  await new Promise<void>((resolve, reject) => {
    client.once("open", () => resolve());
    client.once("error", reject);
  });
  const next = async (): Promise<string> => {
    while (!inbox.length) await new Promise<void>((r) => waiters.push(r));
    return inbox.shift()!;
  };
  return { client, next };
}

async function connectionIdOf(next: () => Promise<string>, client: WebSocket): Promise<string> {
  client.send(JSON.stringify({ action: "whoami" }));
  const m = JSON.parse(await next()) as { echo: unknown; routeKey: string };
  expect(m.routeKey).toBe("whoami");
  const hit = [...fnSvc.hits].reverse().find((h) => h.path === "/echo" && h.body.includes("whoami"))!;
  return (JSON.parse(hit.body) as Event).requestContext.connectionId as string;
}

describe("WebSocket API control plane (client-apigatewayv2)", () => {
  it("builds an API with routes, integrations, responses, a stage and a deployment", async () => {
    const api = await v2.send(
      new CreateApiCommand({
        Name: "chat",
        ProtocolType: "WEBSOCKET",
        RouteSelectionExpression: "$request.body.action",
      }),
    );
    apiId = api.ApiId!;
    expect(api).toMatchObject({
      Name: "chat",
      ProtocolType: "WEBSOCKET",
      RouteSelectionExpression: "$request.body.action",
      ApiKeySelectionExpression: "$request.header.x-api-key",
    });
    expect(api.ApiEndpoint).toBe(`ws://127.0.0.1:${a.port}/gw/${apiId}`);
    expect(api.CreatedDate).toBeInstanceOf(Date);

    const integ = async (name: string) =>
      (
        await v2.send(
          new CreateIntegrationCommand({
            ApiId: apiId,
            IntegrationType: "AWS_PROXY",
            IntegrationUri: lambdaUri(`ws-${name}`),
          }),
        )
      ).IntegrationId!;
    const [connectI, echoI, defaultI, disconnectI] = [
      await integ("connect"),
      await integ("echo"),
      await integ("default"),
      await integ("disconnect"),
    ];
    const mock = await v2.send(
      new CreateIntegrationCommand({
        ApiId: apiId,
        IntegrationType: "MOCK",
        RequestTemplates: { $default: '{"statusCode": 200}' },
        TemplateSelectionExpression: "\\$default",
      }),
    );
    expect(mock.IntegrationResponseSelectionExpression).toBe("${integration.response.statuscode}");
    await v2.send(
      new CreateIntegrationResponseCommand({
        ApiId: apiId,
        IntegrationId: mock.IntegrationId!,
        IntegrationResponseKey: "$default",
        ResponseTemplates: { $default: '{"mocked": true, "connection": "$context.connectionId"}' },
      }),
    );
    const route = (RouteKey: string, integrationId: string, twoWay = false) =>
      v2.send(
        new CreateRouteCommand({
          ApiId: apiId,
          RouteKey,
          Target: `integrations/${integrationId}`,
          ...(twoWay ? { RouteResponseSelectionExpression: "$default" } : {}),
        }),
      );
    await route("$connect", connectI);
    await route("$disconnect", disconnectI);
    await route("$default", defaultI);
    const echo = await route("echo", echoI, true);
    expect(echo).toMatchObject({ RouteKey: "echo", AuthorizationType: "NONE", ApiKeyRequired: false });
    await route("whoami", echoI, true);
    await route("mock", mock.IntegrationId!, true);
    await v2.send(
      new CreateRouteResponseCommand({ ApiId: apiId, RouteId: echo.RouteId!, RouteResponseKey: "$default" }),
    );

    await expect(v2.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: "echo" }))).rejects.toBeInstanceOf(
      ConflictException,
    );
    await expect(
      v2.send(new CreateRouteCommand({ ApiId: apiId, RouteKey: "x", Target: "integrations/nope" })),
    ).rejects.toBeInstanceOf(BadRequestException);

    await v2.send(new CreateStageCommand({ ApiId: apiId, StageName: "prod" }));
    const dep = await v2.send(new CreateDeploymentCommand({ ApiId: apiId, StageName: "prod" }));
    expect(dep.DeploymentStatus).toBe("DEPLOYED");
    const stage = await v2.send(new GetStageCommand({ ApiId: apiId, StageName: "prod" }));
    expect(stage.DeploymentId).toBe(dep.DeploymentId);

    const routes = await v2.send(new GetRoutesCommand({ ApiId: apiId }));
    expect(routes.Items!.map((r) => r.RouteKey).sort()).toEqual(
      ["$connect", "$default", "$disconnect", "echo", "mock", "whoami"].sort(),
    );
    const got = await v2.send(new GetApiCommand({ ApiId: apiId }));
    expect(got.Name).toBe("chat");
    const list = await v2.send(new GetApisCommand({}));
    expect(list.Items!.map((i) => i.ApiId)).toContain(apiId);
  });

  it("answers NotFoundException for another tenant's API and BadRequestException for bad input", async () => {
    const theirs = new ApiGatewayV2Client({
      endpoint: `${a.url}/api/aws`,
      region,
      credentials: { accessKeyId: other.key.id, secretAccessKey: other.key.secret },
      maxAttempts: 1,
    });
    await expect(theirs.send(new GetApiCommand({ ApiId: apiId }))).rejects.toBeInstanceOf(NotFoundException);
    await expect(
      v2.send(new CreateApiCommand({ Name: "x", ProtocolType: "WEBSOCKET", RouteSelectionExpression: "action" })),
    ).rejects.toBeInstanceOf(BadRequestException);
    const tmp = await v2.send(
      new CreateApiCommand({ Name: "tmp", ProtocolType: "WEBSOCKET", RouteSelectionExpression: "$request.body.a" }),
    );
    await v2.send(new DeleteApiCommand({ ApiId: tmp.ApiId! }));
    await expect(v2.send(new GetApiCommand({ ApiId: tmp.ApiId! }))).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe("WebSocket API updates and deletes", () => {
  it("updates and deletes APIs, routes, integrations and stages as apigatewayv2 does", async () => {
    const { ApiId } = await v2.send(
      new CreateApiCommand({ Name: "edit", ProtocolType: "WEBSOCKET", RouteSelectionExpression: "$request.body.a" }),
    );
    const up = await v2.send(
      new UpdateApiCommand({ ApiId, Name: "edited", RouteSelectionExpression: "$request.body.b", Description: "d" }),
    );
    expect(up).toMatchObject({ Name: "edited", RouteSelectionExpression: "$request.body.b", Description: "d" });
    const i = await v2.send(
      new CreateIntegrationCommand({ ApiId, IntegrationType: "HTTP_PROXY", IntegrationUri: "http://127.0.0.1:9/x" }),
    );
    expect(i).toMatchObject({ IntegrationMethod: "POST", TimeoutInMillis: 29000, ConnectionType: "INTERNET" });
    const ui = await v2.send(
      new UpdateIntegrationCommand({ ApiId, IntegrationId: i.IntegrationId!, TimeoutInMillis: 5000 }),
    );
    expect(ui.TimeoutInMillis).toBe(5000);
    await expect(
      v2.send(new UpdateIntegrationCommand({ ApiId, IntegrationId: i.IntegrationId!, TimeoutInMillis: 40_000 })),
    ).rejects.toBeInstanceOf(BadRequestException);
    const r = await v2.send(
      new CreateRouteCommand({ ApiId, RouteKey: "go", Target: `integrations/${i.IntegrationId}` }),
    );
    const ur = await v2.send(new UpdateRouteCommand({ ApiId, RouteId: r.RouteId!, RouteKey: "went" }));
    expect(ur.RouteKey).toBe("went");
    await expect(
      v2.send(new DeleteIntegrationCommand({ ApiId, IntegrationId: i.IntegrationId! })),
    ).rejects.toBeInstanceOf(ConflictException);
    await v2.send(new DeleteRouteCommand({ ApiId, RouteId: r.RouteId! }));
    await v2.send(new DeleteIntegrationCommand({ ApiId, IntegrationId: i.IntegrationId! }));
    expect((await v2.send(new GetIntegrationsCommand({ ApiId }))).Items).toEqual([]);
    await expect(v2.send(new CreateDeploymentCommand({ ApiId }))).rejects.toBeInstanceOf(BadRequestException);
    await v2.send(new CreateStageCommand({ ApiId, StageName: "s1", StageVariables: { a: "1" } }));
    await expect(v2.send(new CreateStageCommand({ ApiId, StageName: "s1" }))).rejects.toBeInstanceOf(ConflictException);
    const us = await v2.send(new UpdateStageCommand({ ApiId, StageName: "s1", Description: "stage one" }));
    expect(us).toMatchObject({ StageName: "s1", Description: "stage one", StageVariables: { a: "1" } });
    expect((await v2.send(new GetDeploymentsCommand({ ApiId }))).Items).toEqual([]);
    await v2.send(new DeleteStageCommand({ ApiId, StageName: "s1" }));
    await expect(v2.send(new GetStageCommand({ ApiId, StageName: "s1" }))).rejects.toBeInstanceOf(NotFoundException);
  });

  it("keeps a stage's RouteSettings and AccessLogSettings, and deletes them and route/integration responses", async () => {
    const { ApiId } = await v2.send(
      new CreateApiCommand({
        Name: "settings",
        ProtocolType: "WEBSOCKET",
        RouteSelectionExpression: "$request.body.a",
      }),
    );
    const i = await v2.send(new CreateIntegrationCommand({ ApiId, IntegrationType: "MOCK" }));
    const r = await v2.send(
      new CreateRouteCommand({
        ApiId,
        RouteKey: "echo",
        Target: `integrations/${i.IntegrationId}`,
        RouteResponseSelectionExpression: "$default",
      }),
    );
    await v2.send(new CreateStageCommand({ ApiId, StageName: "s1" }));
    const log = { DestinationArn: "arn:aws:logs:us-east-1:123456789012:log-group:ws", Format: "$context.requestId" };
    const us = await v2.send(
      new UpdateStageCommand({
        ApiId,
        StageName: "s1",
        RouteSettings: { echo: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 2 } },
        AccessLogSettings: log,
      }),
    );
    expect(us).toMatchObject({
      RouteSettings: { echo: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 2 } },
      AccessLogSettings: log,
    });
    await expect(
      v2.send(new UpdateStageCommand({ ApiId, StageName: "s1", RouteSettings: { nope: { ThrottlingRateLimit: 1 } } })),
    ).rejects.toBeInstanceOf(BadRequestException);
    await expect(
      v2.send(new UpdateStageCommand({ ApiId, StageName: "s1", DefaultRouteSettings: { ThrottlingBurstLimit: -1 } })),
    ).rejects.toBeInstanceOf(BadRequestException);
    await v2.send(new DeleteRouteSettingsCommand({ ApiId, StageName: "s1", RouteKey: "echo" }));
    await expect(
      v2.send(new DeleteRouteSettingsCommand({ ApiId, StageName: "s1", RouteKey: "echo" })),
    ).rejects.toBeInstanceOf(NotFoundException);
    await v2.send(new DeleteAccessLogSettingsCommand({ ApiId, StageName: "s1" }));
    const s1 = await v2.send(new GetStageCommand({ ApiId, StageName: "s1" }));
    expect([s1.RouteSettings, s1.AccessLogSettings]).toEqual([{}, undefined]);

    const rr = await v2.send(
      new CreateRouteResponseCommand({ ApiId, RouteId: r.RouteId!, RouteResponseKey: "$default" }),
    );
    const ir = await v2.send(
      new CreateIntegrationResponseCommand({
        ApiId,
        IntegrationId: i.IntegrationId!,
        IntegrationResponseKey: "$default",
        ResponseTemplates: { $default: "{}" },
      }),
    );
    await v2.send(new DeleteRouteResponseCommand({ ApiId, RouteId: r.RouteId!, RouteResponseId: rr.RouteResponseId! }));
    await v2.send(
      new DeleteIntegrationResponseCommand({
        ApiId,
        IntegrationId: i.IntegrationId!,
        IntegrationResponseId: ir.IntegrationResponseId!,
      }),
    );
    expect((await v2.send(new GetRouteResponsesCommand({ ApiId, RouteId: r.RouteId! }))).Items).toEqual([]);
    expect(
      (await v2.send(new GetIntegrationResponsesCommand({ ApiId, IntegrationId: i.IntegrationId! }))).Items,
    ).toEqual([]);
    await expect(
      v2.send(new DeleteRouteResponseCommand({ ApiId, RouteId: r.RouteId!, RouteResponseId: rr.RouteResponseId! })),
    ).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe("WebSocket data plane", () => {
  it("runs $connect with the CONNECT event and routes messages to two-way routes", async () => {
    const { client, next } = await connect("?token=ok");
    const connectHit = fnSvc.hits.filter((h) => h.path === "/connect").at(-1)!;
    expect(connectHit.signatureValid).toBe(true);
    const ce = JSON.parse(connectHit.body) as Event;
    expect(ce.requestContext).toMatchObject({
      routeKey: "$connect",
      eventType: "CONNECT",
      stage: "prod",
      apiId,
      messageDirection: "IN",
    });
    expect(ce.queryStringParameters).toEqual({ token: "ok" });

    client.send(JSON.stringify({ action: "echo", n: 1 }));
    expect(JSON.parse(await next())).toEqual({ echo: { action: "echo", n: 1 }, routeKey: "echo" });
    const me = JSON.parse(fnSvc.hits.filter((h) => h.path === "/echo").at(-1)!.body) as Event;
    expect(me.requestContext).toMatchObject({ eventType: "MESSAGE", routeKey: "echo", apiId, stage: "prod" });
    expect(me.requestContext.connectionId).toBe(ce.requestContext.connectionId);
    expect(me.body).toBe('{"action":"echo","n":1}');

    client.send(JSON.stringify({ action: "mock" }));
    expect(JSON.parse(await next())).toEqual({ mocked: true, connection: ce.requestContext.connectionId });

    // No route of that key (and text that is not JSON): the $default route, one-way.
    const before = fnSvc.hits.filter((h) => h.path === "/default").length;
    client.send(JSON.stringify({ action: "unknown" }));
    client.send("plain text");
    await vi.waitFor(() => expect(fnSvc.hits.filter((h) => h.path === "/default").length).toBe(before + 2));
    const bodies = fnSvc.hits
      .filter((h) => h.path === "/default")
      .slice(-2)
      .map((h) => JSON.parse(h.body) as Event);
    // Messages run their integrations concurrently, as API Gateway's do: no order between them.
    expect(bodies.map((e) => [e.requestContext.routeKey, e.body]).sort()).toEqual([
      ["$default", "plain text"],
      ["$default", '{"action":"unknown"}'],
    ]);
    client.close();
  });

  it("refuses the handshake with the $connect integration's status", async () => {
    const client = new WebSocket(`ws://127.0.0.1:${a.port}/gw/${apiId}/prod?token=bad`);
    const status = await new Promise<number>((resolve, reject) => {
      client.once("unexpected-response", (_req, res) => resolve(res.statusCode!));
      client.once("open", () => reject(new Error("connected")));
    });
    expect(status).toBe(401);
    const unknownStage = new WebSocket(`ws://127.0.0.1:${a.port}/gw/${apiId}/nope`);
    const s2 = await new Promise<number>((resolve) =>
      unknownStage.once("unexpected-response", (_req, res) => resolve(res.statusCode!)),
    );
    expect(s2).toBe(403);
  });

  it("delivers @connections posts made on another web process, answers GetConnection, and disconnects", async () => {
    const { client, next } = await connect();
    const id = await connectionIdOf(next, client);
    const row = await pool().query(`SELECT node_id FROM ws_connections WHERE id = $1`, [id]);
    expect(row.rowCount).toBe(1);

    const onB = mgmt(b);
    await onB.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('{"hello":"from B"}') }));
    expect(await next()).toBe('{"hello":"from B"}');
    await mgmt(a).send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from("from A") }));
    expect(await next()).toBe("from A");

    const info = await onB.send(new GetConnectionCommand({ ConnectionId: id }));
    expect(info.ConnectedAt).toBeInstanceOf(Date);
    expect(info.LastActiveAt).toBeInstanceOf(Date);
    expect(info.Identity?.SourceIp).toBe("127.0.0.1");

    await expect(
      onB.send(new PostToConnectionCommand({ ConnectionId: "AAAAAAAAAAAAAAA=", Data: Buffer.from("x") })),
    ).rejects.toBeInstanceOf(GoneException);
    // Another team's caller: API Gateway's ManageConnections refusal, naming its user and the connection.
    const connectionArn = (method: string) =>
      `arn:aws:execute-api:${region}:${t.tenant.accountId}:${apiId}/prod/${method}/@connections/${id}`;
    const stranger = await mgmt(b, other)
      .send(new GetConnectionCommand({ ConnectionId: id }))
      .catch((e: unknown) => e);
    expect(stranger).toBeInstanceOf(ForbiddenException);
    expect((stranger as Error).message).toBe(
      `User: arn:aws:iam::${other.tenant.accountId}:user/${other.key.id} is not authorized to perform: execute-api:ManageConnections on resource: ${connectionArn("GET")}`,
    );
    const viewerKey = await createApiKey(t.actor, t.tenant.id, { name: "viewer", role: "viewer" });
    const viewer = { ...t, key: { id: viewerKey.id, secret: viewerKey.secret } } as TestTenant;
    expect((await mgmt(b, viewer).send(new GetConnectionCommand({ ConnectionId: id }))).ConnectedAt).toBeInstanceOf(
      Date,
    );
    const denied = await mgmt(b, viewer)
      .send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from("x") }))
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(ForbiddenException);
    expect((denied as Error).message).toBe(
      `User: arn:aws:iam::${t.tenant.accountId}:user/${viewerKey.id} is not authorized to perform: execute-api:ManageConnections on resource: ${connectionArn("POST")}`,
    );
    const unsigned = await fetch(`${b.url}/gw/${apiId}/prod/@connections/${encodeURIComponent(id)}`, {
      method: "POST",
      body: "x",
    });
    expect(unsigned.status).toBe(403);

    const closed = new Promise<number>((r) => client.once("close", (code) => r(code)));
    const disconnectsBefore = fnSvc.hits.filter((h) => h.path === "/disconnect").length;
    await onB.send(new DeleteConnectionCommand({ ConnectionId: id }));
    expect(await closed).toBe(1000);
    await vi.waitFor(() =>
      expect(fnSvc.hits.filter((h) => h.path === "/disconnect").length).toBe(disconnectsBefore + 1),
    );
    const de = JSON.parse(fnSvc.hits.filter((h) => h.path === "/disconnect").at(-1)!.body) as Event;
    expect(de.requestContext).toMatchObject({ eventType: "DISCONNECT", routeKey: "$disconnect", connectionId: id });
    await vi.waitFor(async () =>
      expect((await pool().query(`SELECT 1 FROM ws_connections WHERE id = $1`, [id])).rowCount).toBe(0),
    );
    await expect(onB.send(new GetConnectionCommand({ ConnectionId: id }))).rejects.toBeInstanceOf(GoneException);
  });

  it("forgets the connections of a web process that stopped heartbeating", async () => {
    await pool().query(`INSERT INTO ws_nodes (id, seen_at) VALUES ('deadnode', now() - interval '10 minutes')`);
    await pool().query(
      `INSERT INTO ws_connections (id, tenant_id, api_id, stage, node_id) VALUES ('deadconn0000000=', $1, $2, 'prod', 'deadnode')`,
      [t.tenant.id, apiId],
    );
    await expect(
      mgmt(b).send(new PostToConnectionCommand({ ConnectionId: "deadconn0000000=", Data: Buffer.from("x") })),
    ).rejects.toBeInstanceOf(GoneException);
    // A live process claimed it: its $disconnect runs, then the row goes.
    await vi.waitFor(
      async () =>
        expect((await pool().query(`SELECT 1 FROM ws_connections WHERE id = 'deadconn0000000='`)).rowCount).toBe(0),
      { timeout: 10_000 },
    );
    await pool().query(`DELETE FROM ws_nodes WHERE id = 'deadnode'`);
  });

  it("never runs $disconnect twice: a row claimed by a sweeper that died is removed, not claimed again", async () => {
    // Claimed (disconnecting) by a node that no longer exists: its $disconnect may have run.
    await pool().query(
      `INSERT INTO ws_connections (id, tenant_id, api_id, stage, node_id, disconnecting)
       VALUES ('claimedconn0000=', $1, $2, 'prod', 'deadsweeper', true)`,
      [t.tenant.id, apiId],
    );
    const calls = () =>
      fnSvc.hits.filter((h) => h.path === "/disconnect" && h.body.includes("claimedconn0000=")).length;
    await expect(mgmt(b).send(new GetConnectionCommand({ ConnectionId: "claimedconn0000=" }))).rejects.toBeInstanceOf(
      GoneException,
    );
    await vi.waitFor(
      async () =>
        expect((await pool().query(`SELECT 1 FROM ws_connections WHERE id = 'claimedconn0000='`)).rowCount).toBe(0),
      { timeout: 10_000 },
    );
    expect(calls()).toBe(0);
  });

  it("answers Forbidden for a message no route takes, and serves an autoDeploy stage's latest routes", async () => {
    const api = await v2.send(
      new CreateApiCommand({ Name: "bare", ProtocolType: "WEBSOCKET", RouteSelectionExpression: "${request.body.op}" }),
    );
    await v2.send(new CreateStageCommand({ ApiId: api.ApiId!, StageName: "live", AutoDeploy: true }));
    const mock = await v2.send(
      new CreateIntegrationCommand({
        ApiId: api.ApiId!,
        IntegrationType: "MOCK",
        RequestTemplates: { $default: '{"statusCode": 200}' },
      }),
    );
    await v2.send(
      new CreateIntegrationResponseCommand({
        ApiId: api.ApiId!,
        IntegrationId: mock.IntegrationId!,
        IntegrationResponseKey: "$default",
        ResponseTemplates: { $default: '{"pong": "$context.routeKey"}' },
      }),
    );
    await v2.send(
      new CreateRouteCommand({
        ApiId: api.ApiId!,
        RouteKey: "ping",
        Target: `integrations/${mock.IntegrationId}`,
        RouteResponseSelectionExpression: "$default",
      }),
    );
    const client = new WebSocket(`ws://127.0.0.1:${b.port}/gw/${api.ApiId}/live`);
    const inbox: string[] = [];
    const got = () => new Promise<string>((r) => client.once("message", (d) => r(d.toString())));
    client.on("message", (d) => inbox.push(d.toString()));
    await new Promise((r) => client.once("open", r));
    let reply = got();
    client.send(JSON.stringify({ op: "ping", n: 7 }));
    expect(JSON.parse(await reply)).toEqual({ pong: "ping" });
    reply = got();
    client.send(JSON.stringify({ op: "other" }));
    const forbidden = JSON.parse(await reply) as Record<string, unknown>;
    expect(forbidden).toMatchObject({ message: "Forbidden" });
    expect(Object.keys(forbidden)).toEqual(["message", "connectionId", "requestId"]);
    client.close();
  });

  it("closes its sockets (going away) and runs $disconnect when a web process stops; idle sockets are closed", async () => {
    const c = await startWeb({ env: { SIGNALBOX_WS_IDLE_SECONDS: "1" } });
    try {
      const idle = new WebSocket(`ws://127.0.0.1:${c.port}/gw/${apiId}/prod`);
      const idleClosed = new Promise<[number, string]>((r) =>
        idle.once("close", (code, reason) => r([code, reason.toString()])),
      );
      expect(await idleClosed).toEqual([1001, "Going away"]);
      const client = new WebSocket(`ws://127.0.0.1:${c.port}/gw/${apiId}/prod`);
      await new Promise((r) => client.once("open", r));
      // This client's connection id, from its $connect call (other connections' $disconnect calls,
      // such as the idle socket's or a sweep of an earlier test's dead process, may land meanwhile).
      const connectEvent = JSON.parse(fnSvc.hits.filter((h) => h.path === "/connect").at(-1)!.body) as {
        requestContext: { connectionId: string };
      };
      const mine = () =>
        fnSvc.hits.filter((h) => h.path === "/disconnect" && h.body.includes(connectEvent.requestContext.connectionId))
          .length;
      expect(mine()).toBe(0);
      const closed = new Promise<number>((r) => client.once("close", (code) => r(code)));
      await c.stop();
      expect(await closed).toBe(1001);
      // The process waits for its $disconnect calls before it exits.
      expect(mine()).toBe(1);
      const rows = await pool().query(
        `SELECT 1 FROM ws_connections WHERE api_id = $1 AND node_id NOT IN (SELECT id FROM ws_nodes)`,
        [apiId],
      );
      expect(rows.rowCount).toBe(0);
    } finally {
      await c.stop();
    }
  });

  it("works with boto3's apigatewayv2 and apigatewaymanagementapi clients", async () => {
    const { client, next } = await connect();
    const id = await connectionIdOf(next, client);
    const script = `
import boto3, json, sys
base, api, conn, key, secret = sys.argv[1:6]
kw = dict(region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
v2 = boto3.client("apigatewayv2", endpoint_url=base + "/api/aws", **kw)
m = boto3.client("apigatewaymanagementapi", endpoint_url=base + "/gw/" + api + "/prod", **kw)
a = v2.get_api(ApiId=api)
m.post_to_connection(ConnectionId=conn, Data=b"from boto3")
info = m.get_connection(ConnectionId=conn)
try:
    m.post_to_connection(ConnectionId="AAAAAAAAAAAAAAA=", Data=b"x")
    gone = None
except m.exceptions.GoneException as e:
    gone = e.response["ResponseMetadata"]["HTTPStatusCode"]
print(json.dumps({"protocol": a["ProtocolType"], "ip": info["Identity"]["SourceIp"], "gone": gone}))
`;
    const out = await new Promise<string>((resolve, reject) =>
      execFile("python3", ["-c", script, b.url, apiId, id, t.key.id, t.key.secret], { timeout: 60_000 }, (e, so, se) =>
        e ? reject(new Error(se || e.message)) : resolve(so),
      ),
    );
    expect(await next()).toBe("from boto3");
    expect(JSON.parse(out)).toEqual({ protocol: "WEBSOCKET", ip: "127.0.0.1", gone: 410 });
    client.close();
  });

  it("sends messages to HTTP backends (HTTP_PROXY as is, HTTP through the request template)", async () => {
    const seen: { method: string; body: string }[] = [];
    const backend = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        seen.push({ method: req.method!, body });
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ backendGot: body }));
      });
    });
    await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(backend.address() as { port: number }).port}/hook`;
    try {
      const api = await v2.send(
        new CreateApiCommand({
          Name: "http",
          ProtocolType: "WEBSOCKET",
          RouteSelectionExpression: "$request.body.kind",
        }),
      );
      const ApiId = api.ApiId!;
      const proxy = await v2.send(
        new CreateIntegrationCommand({
          ApiId,
          IntegrationType: "HTTP_PROXY",
          IntegrationUri: url,
          IntegrationMethod: "POST",
        }),
      );
      const mapped = await v2.send(
        new CreateIntegrationCommand({
          ApiId,
          IntegrationType: "HTTP",
          IntegrationUri: url,
          IntegrationMethod: "POST",
          RequestTemplates: { $default: '{"wrapped": $input.body, "route": "$context.routeKey"}' },
        }),
      );
      for (const [RouteKey, id] of [
        ["$default", proxy.IntegrationId!],
        ["tmpl", mapped.IntegrationId!],
      ] as const)
        await v2.send(
          new CreateRouteCommand({
            ApiId,
            RouteKey,
            Target: `integrations/${id}`,
            RouteResponseSelectionExpression: "$default",
          }),
        );
      await v2.send(new CreateStageCommand({ ApiId, StageName: "prod", AutoDeploy: true }));
      const client = new WebSocket(`ws://127.0.0.1:${a.port}/gw/${ApiId}/prod`);
      await new Promise((r) => client.once("open", r));
      const got = () => new Promise<string>((r) => client.once("message", (d) => r(d.toString())));
      let reply = got();
      client.send("raw text");
      expect(JSON.parse(await reply)).toEqual({ backendGot: "raw text" });
      reply = got();
      client.send('{"kind":"tmpl","n":2}');
      expect(JSON.parse(await reply)).toEqual({ backendGot: '{"wrapped": {"kind":"tmpl","n":2}, "route": "tmpl"}' });
      expect(seen.map((h) => h.method)).toEqual(["POST", "POST"]);
      client.close();
    } finally {
      backend.closeAllConnections();
      await new Promise((r) => backend.close(r));
    }
  });

  it("authorizes $connect with AWS_IAM: a URL presigned by the team's key connects, others are refused", async () => {
    const api = await v2.send(
      new CreateApiCommand({
        Name: "iam",
        ProtocolType: "WEBSOCKET",
        RouteSelectionExpression: "$request.body.action",
      }),
    );
    const ApiId = api.ApiId!;
    const fn = await v2.send(
      new CreateIntegrationCommand({ ApiId, IntegrationType: "AWS_PROXY", IntegrationUri: lambdaUri("ws-iam") }),
    );
    await v2.send(
      new CreateRouteCommand({
        ApiId,
        RouteKey: "$connect",
        AuthorizationType: "AWS_IAM",
        Target: `integrations/${fn.IntegrationId}`,
      }),
    );
    await v2.send(new CreateStageCommand({ ApiId, StageName: "prod", AutoDeploy: true }));
    const presigned = async (key: { id: string; secret: string }) => {
      const signer = new SignatureV4({
        service: "execute-api",
        region,
        credentials: { accessKeyId: key.id, secretAccessKey: key.secret },
        sha256: Sha256,
      });
      const r = await signer.presign(
        {
          method: "GET",
          protocol: "http:",
          hostname: "127.0.0.1",
          port: a.port,
          path: `/gw/${ApiId}/prod`,
          headers: { host: `127.0.0.1:${a.port}` },
        },
        { expiresIn: 300 },
      );
      return `ws://127.0.0.1:${a.port}/gw/${ApiId}/prod?${new URLSearchParams(r.query as Record<string, string>)}`;
    };
    const outcome = (u: string) =>
      new Promise<number | "open">((resolve) => {
        const c = new WebSocket(u);
        c.once("open", () => {
          c.close();
          resolve("open");
        });
        c.once("unexpected-response", (_req, res) => resolve(res.statusCode!));
      });
    expect(await outcome(await presigned(t.key))).toBe("open");
    // The $connect event names the caller as REST's $context.identity does.
    expect(iamConnects).toHaveLength(1);
    expect(iamConnects[0]!.requestContext.identity).toMatchObject({
      accessKey: t.key.id,
      accountId: t.tenant.accountId,
      caller: t.key.id,
      user: t.key.id,
      userArn: `arn:aws:iam::${t.tenant.accountId}:user/${t.key.id}`,
    });
    expect(await outcome(`ws://127.0.0.1:${a.port}/gw/${ApiId}/prod`)).toBe(403);
    // Another team is another account, and WebSocket APIs have no resource policy to grant it:
    // refused before the integration runs, with REST's message naming the caller's ARN.
    const refused = await new Promise<{ status: number; body: string }>((resolve) => {
      void presigned(other.key).then((u) => {
        const c = new WebSocket(u);
        c.once("unexpected-response", (_req, res) => {
          let body = "";
          res.on("data", (d: Buffer) => (body += d.toString()));
          res.on("end", () => resolve({ status: res.statusCode!, body }));
        });
      });
    });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual({
      message: `User: arn:aws:iam::${other.tenant.accountId}:user/${other.key.id} is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:${region}:${t.tenant.accountId}:${ApiId}/prod/$connect`,
    });
    expect(await outcome(await presigned(other.key))).toBe(403);
    expect(iamConnects).toHaveLength(1);
    expect(await outcome(await presigned({ id: t.key.id, secret: "wrong" }))).toBe(403);
  });
});

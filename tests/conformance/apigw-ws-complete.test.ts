import {
  ApiGatewayV2Client,
  BadRequestException,
  ConflictException,
  CreateApiCommand,
  CreateAuthorizerCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateRouteResponseCommand,
  CreateStageCommand,
  DeleteAuthorizerCommand,
  GetApiCommand,
  GetAuthorizersCommand,
} from "@aws-sdk/client-apigatewayv2";
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateDeploymentCommand as CreateRestDeploymentCommand,
  CreateRestApiCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
} from "@aws-sdk/client-api-gateway";
import {
  ApiGatewayManagementApiClient,
  GetConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import http from "node:http";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startFunctionReceiver } from "../helpers/function-receiver";
import { startWeb, type TestProcess } from "../helpers/server";
import { createFunction } from "../../server/domains/functions/function.service";
import { pool } from "../../server/db";

// WebSocket APIs beyond the basics, end to end with the SDKs and the `ws` client: REQUEST
// authorizers on $connect (context on later messages), API keys + usage plan quota on messages,
// stage throttling, binary frames, $disconnect of the connections of a SIGKILLed web process, and
// execute-api Host routing for REST, HTTP and WebSocket APIs.

type Web = TestProcess & { url: string; port: number };
let a: Web;
let b: Web;
let t: TestTenant;
let v2: ApiGatewayV2Client;
let v1: APIGatewayClient;
let fnSvc: Awaited<ReturnType<typeof startFunctionReceiver>>;
const region = "us-east-1";
const DOMAIN = "exec.test";
const env = { SIGNALBOX_WS_HEARTBEAT_SECONDS: "1", SIGNALBOX_EXECUTE_API_DOMAIN: DOMAIN };

type Event = {
  requestContext: Record<string, unknown>;
  body?: string;
  isBase64Encoded?: boolean;
  headers?: Record<string, string>;
};

beforeAll(async () => {
  t = await createTestTenant();
  fnSvc = await startFunctionReceiver(async (event, hit) => {
    const e = event as Event & { type?: string; methodArn?: string };
    if (hit.path === "/auth") {
      const token = e.headers?.Auth ?? e.headers?.auth;
      if (token === "throw") return { status: 200, body: JSON.stringify({ errorMessage: "Unauthorized" }) };
      return {
        body: JSON.stringify({
          principalId: "user-1",
          policyDocument: {
            Version: "2012-10-17",
            Statement: [
              { Action: "execute-api:Invoke", Effect: token === "allow" ? "Allow" : "Deny", Resource: e.methodArn },
            ],
          },
          context: { tier: "gold" },
        }),
      };
    }
    if (hit.path === "/echo") {
      if (e.isBase64Encoded) return { body: JSON.stringify({ statusCode: 200, body: e.body, isBase64Encoded: true }) };
      return {
        body: JSON.stringify({
          statusCode: 200,
          body: JSON.stringify({
            body: e.body ?? null,
            routeKey: e.requestContext.routeKey,
            connectionId: e.requestContext.connectionId,
            authorizer: e.requestContext.authorizer ?? null,
          }),
        }),
      };
    }
    return { body: JSON.stringify({ statusCode: 200 }) };
  });
  for (const name of ["auth", "echo", "disconnect"]) {
    const { secret } = await createFunction(t.actor, t.tenant, { name: `wsc-${name}`, url: `${fnSvc.url}/${name}` });
    fnSvc.secrets.set(`/${name}`, secret);
  }
  [a, b] = await Promise.all([startWeb({ env }), startWeb({ env })]);
  const credentials = { accessKeyId: t.key.id, secretAccessKey: t.key.secret };
  v2 = new ApiGatewayV2Client({ endpoint: `${a.url}/api/aws`, region, credentials, maxAttempts: 1 });
  v1 = new APIGatewayClient({ endpoint: `${a.url}/api/aws`, region, credentials, maxAttempts: 1 });
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await fnSvc?.close();
});

const lambdaUri = (name: string) =>
  `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${region}:${t.tenant.accountId}:function:wsc-${name}/invocations`;

/** A WebSocket API: $connect (optional authorization / key), $default → echo (two-way), $disconnect. */
async function buildApi(opts: {
  connect?: { authorizerId?: string; apiKeyRequired?: boolean };
  defaultKeyRequired?: boolean;
  stage?: Record<string, unknown>;
}) {
  const api = await v2.send(
    new CreateApiCommand({
      Name: "complete",
      ProtocolType: "WEBSOCKET",
      RouteSelectionExpression: "$request.body.action",
    }),
  );
  const ApiId = api.ApiId!;
  const integ = async (name: string) =>
    (
      await v2.send(
        new CreateIntegrationCommand({ ApiId, IntegrationType: "AWS_PROXY", IntegrationUri: lambdaUri(name) }),
      )
    ).IntegrationId!;
  const echo = await integ("echo");
  const mock = await v2.send(
    new CreateIntegrationCommand({
      ApiId,
      IntegrationType: "MOCK",
      RequestTemplates: { $default: '{"statusCode": 200}' },
    }),
  );
  let authorizerId = opts.connect?.authorizerId;
  if (authorizerId === "new")
    authorizerId = (
      await v2.send(
        new CreateAuthorizerCommand({
          ApiId,
          Name: "lambda",
          AuthorizerType: "REQUEST",
          AuthorizerUri: lambdaUri("auth"),
          IdentitySource: ["route.request.header.Auth"],
        }),
      )
    ).AuthorizerId!;
  await v2.send(
    new CreateRouteCommand({
      ApiId,
      RouteKey: "$connect",
      Target: `integrations/${mock.IntegrationId}`,
      ApiKeyRequired: opts.connect?.apiKeyRequired ?? false,
      ...(authorizerId ? { AuthorizationType: "CUSTOM", AuthorizerId: authorizerId } : {}),
    }),
  );
  const def = await v2.send(
    new CreateRouteCommand({
      ApiId,
      RouteKey: "$default",
      Target: `integrations/${echo}`,
      RouteResponseSelectionExpression: "$default",
      ApiKeyRequired: opts.defaultKeyRequired ?? false,
    }),
  );
  await v2.send(new CreateRouteResponseCommand({ ApiId, RouteId: def.RouteId!, RouteResponseKey: "$default" }));
  await v2.send(
    new CreateRouteCommand({ ApiId, RouteKey: "$disconnect", Target: `integrations/${await integ("disconnect")}` }),
  );
  await v2.send(new CreateStageCommand({ ApiId, StageName: "prod", AutoDeploy: true, ...(opts.stage ?? {}) }));
  return { ApiId, authorizerId };
}

type Client = {
  client: WebSocket;
  next: () => Promise<{ data: Buffer; binary: boolean }>;
  text: () => Promise<string>;
};

/** Connects (or answers the refusing status); `headers` go with the upgrade. */
async function open(url: string, headers: Record<string, string> = {}): Promise<Client | number> {
  const client = new WebSocket(url, { headers });
  const inbox: { data: Buffer; binary: boolean }[] = [];
  const waiters: (() => void)[] = [];
  client.on("message", (d, binary) => {
    inbox.push({ data: Buffer.from(d as Buffer), binary });
    waiters.splice(0).forEach((w) => w());
  });
  const outcome = await new Promise<"open" | number>((resolve, reject) => {
    client.once("open", () => resolve("open"));
    client.once("unexpected-response", (_req, res) => resolve(res.statusCode!));
    client.once("error", reject);
  });
  if (outcome !== "open") return outcome;
  const next = async () => {
    while (!inbox.length) await new Promise<void>((r) => waiters.push(r));
    return inbox.shift()!;
  };
  return { client, next, text: async () => (await next()).data.toString("utf8") };
}

async function must(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const c = await open(url, headers);
  if (typeof c === "number") throw new Error(`refused with ${c}`);
  return c;
}

const mgmt = (web: Web, apiId: string) =>
  new ApiGatewayManagementApiClient({
    endpoint: `${web.url}/gw/${apiId}/prod`,
    region,
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    maxAttempts: 1,
  });

describe("REQUEST authorizers on $connect", () => {
  it("refuses a missing identity (401) and a Deny (403), passes the context to every later message", async () => {
    const { ApiId, authorizerId } = await buildApi({ connect: { authorizerId: "new" } });
    const listed = await v2.send(new GetAuthorizersCommand({ ApiId }));
    expect(listed.Items).toEqual([
      expect.objectContaining({
        AuthorizerId: authorizerId,
        AuthorizerType: "REQUEST",
        IdentitySource: ["route.request.header.Auth"],
        Name: "lambda",
      }),
    ]);
    await expect(v2.send(new DeleteAuthorizerCommand({ ApiId, AuthorizerId: authorizerId! }))).rejects.toBeInstanceOf(
      ConflictException,
    );
    await expect(
      v2.send(
        new CreateAuthorizerCommand({
          ApiId,
          Name: "jwt",
          AuthorizerType: "JWT",
          IdentitySource: ["$request.header.A"],
        }),
      ),
    ).rejects.toBeInstanceOf(BadRequestException);

    const url = `ws://127.0.0.1:${a.port}/gw/${ApiId}/prod`;
    const authCalls = () => fnSvc.hits.filter((h) => h.path === "/auth").length;
    const before = authCalls();
    expect(await open(url)).toBe(401);
    expect(authCalls()).toBe(before); // no identity: the function is not called
    expect(await open(url, { Auth: "deny" })).toBe(403);
    expect(authCalls()).toBe(before + 1);
    const authEvent = JSON.parse(fnSvc.hits.filter((h) => h.path === "/auth").at(-1)!.body) as {
      type: string;
      methodArn: string;
    };
    expect(authEvent.type).toBe("REQUEST");
    expect(authEvent.methodArn).toBe(`arn:aws:execute-api:${region}:${t.tenant.accountId}:${ApiId}/prod/$connect`);

    const c = await must(url, { Auth: "allow" });
    c.client.send(JSON.stringify({ action: "anything" }));
    const m = JSON.parse(await c.text()) as { authorizer: Record<string, unknown> };
    expect(m.authorizer).toEqual({ principalId: "user-1", tier: "gold" });
    c.client.send("second");
    expect((JSON.parse(await c.text()) as { authorizer: unknown }).authorizer).toEqual({
      principalId: "user-1",
      tier: "gold",
    });
    c.client.close();
    // $disconnect carries it too.
    await vi.waitFor(() => {
      const d = fnSvc.hits.filter((h) => h.path === "/disconnect").map((h) => JSON.parse(h.body) as Event);
      expect(
        d.some(
          (e) =>
            e.requestContext.apiId === ApiId &&
            (e.requestContext.authorizer as Record<string, unknown>)?.tier === "gold",
        ),
      ).toBe(true);
    });
  });
});

describe("API keys and usage plans", () => {
  it("refuses $connect without a valid key (403) and answers Limit Exceeded frames past the plan's quota", async () => {
    const { ApiId } = await buildApi({ connect: { apiKeyRequired: true }, defaultKeyRequired: true });
    const key = await v1.send(new CreateApiKeyCommand({ name: `ws-key-${ApiId}`, enabled: true }));
    const plan = await v1.send(
      new CreateUsagePlanCommand({
        name: `ws-plan-${ApiId}`,
        apiStages: [{ apiId: ApiId, stage: "prod" }],
        quota: { limit: 3, period: "DAY" },
      }),
    );
    await v1.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id!, keyId: key.id!, keyType: "API_KEY" }));
    const url = `ws://127.0.0.1:${a.port}/gw/${ApiId}/prod`;
    expect(await open(url)).toBe(403);
    expect(await open(url, { "x-api-key": "not-a-key" })).toBe(403);

    // Quota 3: the $connect and two messages; the third message is refused (on another process too).
    const c = await must(url, { "x-api-key": key.value! });
    c.client.send("one");
    expect(JSON.parse(await c.text())).toMatchObject({ body: "one" });
    c.client.send("two");
    expect(JSON.parse(await c.text())).toMatchObject({ body: "two" });
    c.client.send("three");
    const refused = JSON.parse(await c.text()) as Record<string, unknown>;
    expect(refused).toEqual({
      message: "Limit Exceeded",
      connectionId: expect.any(String),
      requestId: expect.any(String),
    });
    expect(await open(`ws://127.0.0.1:${b.port}/gw/${ApiId}/prod`, { "x-api-key": key.value! })).toBe(429);
    c.client.close();
  });

  it("answers a Forbidden frame to a message for a key-required route from a connection without a key", async () => {
    const { ApiId } = await buildApi({ defaultKeyRequired: true });
    const c = await must(`ws://127.0.0.1:${a.port}/gw/${ApiId}/prod`);
    const before = fnSvc.hits.filter((h) => h.path === "/echo").length;
    c.client.send("no key");
    expect(JSON.parse(await c.text())).toEqual({
      message: "Forbidden",
      connectionId: expect.any(String),
      requestId: expect.any(String),
    });
    expect(fnSvc.hits.filter((h) => h.path === "/echo").length).toBe(before);
    c.client.close();
  });
});

describe("throttling", () => {
  it("answers Too many requests frames and a 429 upgrade once the stage's bucket is empty", async () => {
    const { ApiId } = await buildApi({
      stage: { DefaultRouteSettings: { ThrottlingBurstLimit: 3, ThrottlingRateLimit: 0.001 } },
    });
    const url = `ws://127.0.0.1:${a.port}/gw/${ApiId}/prod`;
    const c = await must(url); // token 1
    c.client.send("x"); // token 2
    expect(JSON.parse(await c.text())).toMatchObject({ body: "x" });
    c.client.send("y"); // token 3
    expect(JSON.parse(await c.text())).toMatchObject({ body: "y" });
    c.client.send("z");
    expect(JSON.parse(await c.text())).toEqual({
      message: "Too many requests",
      connectionId: expect.any(String),
      requestId: expect.any(String),
    });
    // The bucket is shared: the other web process refuses the handshake.
    expect(await open(`ws://127.0.0.1:${b.port}/gw/${ApiId}/prod`)).toBe(429);
    c.client.close();
  });

  it("applies a burst or a rate set alone (the other limit is the account's or the stage's)", async () => {
    // A burst of 0 alone: nothing is admitted, whatever the rate.
    const closed = await buildApi({ stage: { DefaultRouteSettings: { ThrottlingBurstLimit: 0 } } });
    expect(await open(`ws://127.0.0.1:${a.port}/gw/${closed.ApiId}/prod`)).toBe(429);
    // The stage's rate alone (burst 5,000) and $default's burst alone (2, at the stage's rate).
    const { ApiId } = await buildApi({
      stage: {
        DefaultRouteSettings: { ThrottlingRateLimit: 0.001 },
        RouteSettings: { $default: { ThrottlingBurstLimit: 2 } },
      },
    });
    const c = await must(`ws://127.0.0.1:${a.port}/gw/${ApiId}/prod`);
    c.client.send("x");
    expect(JSON.parse(await c.text())).toMatchObject({ body: "x" });
    c.client.send("y");
    expect(JSON.parse(await c.text())).toMatchObject({ body: "y" });
    c.client.send("z");
    expect(JSON.parse(await c.text())).toMatchObject({ message: "Too many requests" });
    c.client.close();
  });
});

describe("MessageCount", () => {
  it("counts the client's frames, route responses and @connections POSTs, in the process that sends them", async () => {
    const { ApiId } = await buildApi({});
    const c = await must(`ws://127.0.0.1:${a.port}/gw/${ApiId}/prod`);
    c.client.send("who"); // a client frame, answered by a route response
    const { connectionId } = JSON.parse(await c.text()) as { connectionId: string };
    // Posted through the other process: the process holding the socket sends (and counts) it.
    await mgmt(b, ApiId).send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from("hi") }));
    expect(await c.text()).toBe("hi");
    c.client.close();
    const metrics = async () => {
      const r = await fetch(`${b.url}/api/v1/apis/${ApiId}/metrics`, {
        headers: { authorization: `Bearer ${t.key.id}.${t.key.secret}` },
      });
      return ((await r.json()) as { totals: { messageCount: number; connectCount: number } }).totals;
    };
    let totals = await metrics();
    for (let i = 0; i < 50 && totals.messageCount < 3; i++) {
      await new Promise((r) => setTimeout(r, 200));
      totals = await metrics();
    }
    expect(totals).toMatchObject({ connectCount: 1, messageCount: 3 });
  });
});

describe("binary frames", () => {
  it("closes a client that sends a binary frame with 1003 (its $disconnect runs once); @connections posts keep their type", async () => {
    const { ApiId } = await buildApi({});
    const c = await must(`ws://127.0.0.1:${a.port}/gw/${ApiId}/prod`);
    const bytes = Buffer.from([0, 255, 1, 254, 0x80]);
    c.client.send("who");
    const { connectionId } = JSON.parse(await c.text()) as { connectionId: string };
    // Posted through the other process: non-UTF-8 bytes arrive as a binary frame, text as text.
    await mgmt(b, ApiId).send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: bytes }));
    const posted = await c.next();
    expect(posted.binary).toBe(true);
    expect(posted.data.equals(bytes)).toBe(true);
    await mgmt(b, ApiId).send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from("héllo") }));
    const text = await c.next();
    expect(text.binary).toBe(false);
    expect(text.data.toString("utf8")).toBe("héllo");

    const echoes = () => fnSvc.hits.filter((h) => h.path === "/echo" && h.body.includes(connectionId)).length;
    const before = echoes();
    const closed = new Promise<number>((r) => c.client.once("close", (code) => r(code)));
    c.client.send(bytes, { binary: true });
    expect(await closed).toBe(1003);
    // The frame reached no integration; $disconnect ran once, with the close code.
    expect(echoes()).toBe(before);
    const disconnects = () =>
      fnSvc.hits
        .filter((h) => h.path === "/disconnect")
        .map((h) => JSON.parse(h.body) as Event)
        .filter((e) => e.requestContext.connectionId === connectionId);
    await vi.waitFor(() => expect(disconnects()).toHaveLength(1), { timeout: 5_000, interval: 10 });
    expect(disconnects()[0]!.requestContext).toMatchObject({ disconnectStatusCode: 1003 });
    await expect(mgmt(b, ApiId).send(new GetConnectionCommand({ ConnectionId: connectionId }))).rejects.toBeInstanceOf(
      GoneException,
    );
  });
});

describe("binary with HTTP backends", () => {
  it("decodes a base64 text frame for the backend with CONVERT_TO_BINARY and sends its non-UTF-8 answer back binary", async () => {
    const seen: Buffer[] = [];
    const answer = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
    const backend = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (d: Buffer) => chunks.push(d));
      req.on("end", () => {
        seen.push(Buffer.concat(chunks));
        res.writeHead(200, { "content-type": "application/octet-stream" });
        res.end(answer);
      });
    });
    await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
    try {
      const api = await v2.send(
        new CreateApiCommand({
          Name: "bin-http",
          ProtocolType: "WEBSOCKET",
          RouteSelectionExpression: "$request.body.a",
        }),
      );
      const ApiId = api.ApiId!;
      const integ = await v2.send(
        new CreateIntegrationCommand({
          ApiId,
          IntegrationType: "HTTP_PROXY",
          IntegrationMethod: "POST",
          IntegrationUri: `http://127.0.0.1:${(backend.address() as { port: number }).port}/bin`,
          ContentHandlingStrategy: "CONVERT_TO_BINARY",
        }),
      );
      const route = await v2.send(
        new CreateRouteCommand({
          ApiId,
          RouteKey: "$default",
          Target: `integrations/${integ.IntegrationId}`,
          RouteResponseSelectionExpression: "$default",
        }),
      );
      await v2.send(new CreateRouteResponseCommand({ ApiId, RouteId: route.RouteId!, RouteResponseKey: "$default" }));
      await v2.send(new CreateStageCommand({ ApiId, StageName: "prod", AutoDeploy: true }));
      const c = await must(`ws://127.0.0.1:${a.port}/gw/${ApiId}/prod`);
      const bytes = Buffer.from([1, 2, 0x80, 0xff]);
      c.client.send(bytes.toString("base64"));
      const back = await c.next();
      expect(seen.at(-1)!.equals(bytes)).toBe(true);
      expect(back.binary).toBe(true);
      expect(back.data.equals(answer)).toBe(true);
      c.client.close();
    } finally {
      backend.close();
    }
  });
});

describe("a web process killed with SIGKILL", () => {
  it("leaves connections whose $disconnect runs exactly once (by a live process) and that answer 410", async () => {
    const { ApiId } = await buildApi({ connect: { authorizerId: "new" } });
    const doomed = await startWeb({ env });
    try {
      const c = await must(`ws://127.0.0.1:${doomed.port}/gw/${ApiId}/prod`, { Auth: "allow" });
      c.client.on("error", () => {});
      c.client.send("who");
      const { connectionId } = JSON.parse(await c.text()) as { connectionId: string };
      const { rows } = await pool().query<{ node_id: string }>(`SELECT node_id FROM ws_connections WHERE id = $1`, [
        connectionId,
      ]);
      expect(rows).toHaveLength(1);
      // Alive: reachable from the other process.
      await mgmt(b, ApiId).send(new GetConnectionCommand({ ConnectionId: connectionId }));

      await doomed.stop("SIGKILL");
      const disconnects = () =>
        fnSvc.hits
          .filter((h) => h.path === "/disconnect")
          .map((h) => JSON.parse(h.body) as Event)
          .filter((e) => e.requestContext.connectionId === connectionId);
      expect(disconnects()).toHaveLength(0);
      // Its session (and the node lock it held) ended with the process: without waiting for its
      // heartbeat to go stale, the next @connections call finds the connection gone.
      await expect(
        mgmt(b, ApiId).send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from("x") })),
      ).rejects.toBeInstanceOf(GoneException);
      await vi.waitFor(
        async () =>
          expect((await pool().query(`SELECT 1 FROM ws_connections WHERE id = $1`, [connectionId])).rowCount).toBe(0),
        { timeout: 15_000, interval: 200 },
      );
      expect(disconnects()).toHaveLength(1);
      expect(
        (await pool().query(`SELECT 1 FROM ws_nodes WHERE id = $1`, [rows[0]!.node_id])).rowCount,
        "the dead node's row is gone",
      ).toBe(0);
      const e = disconnects()[0]!;
      expect(e.requestContext).toMatchObject({
        eventType: "DISCONNECT",
        routeKey: "$disconnect",
        disconnectStatusCode: 1006,
        authorizer: { principalId: "user-1", tier: "gold" },
      });
      await expect(
        mgmt(a, ApiId).send(new GetConnectionCommand({ ConnectionId: connectionId })),
      ).rejects.toBeInstanceOf(GoneException);
      // Both live processes sweep every second: a few more sweeps run no second $disconnect.
      const sweeps = await pool().query<{ seen_at: Date }>(`SELECT max(seen_at) AS seen_at FROM ws_nodes`);
      await vi.waitFor(
        async () => {
          const now = await pool().query<{ seen_at: Date }>(`SELECT min(seen_at) AS seen_at FROM ws_nodes`);
          expect(now.rows[0]!.seen_at.getTime()).toBeGreaterThan(sweeps.rows[0]!.seen_at.getTime() + 1000);
        },
        { timeout: 15_000, interval: 200 },
      );
      expect(disconnects()).toHaveLength(1);
    } finally {
      await doomed.stop();
    }
  });
});

describe("execute-api Host routing", () => {
  const get = (port: number, host: string, path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, path, method: "GET", headers: { host } }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      });
      req.on("error", reject);
      req.end();
    });

  it("serves <api id>.execute-api.<domain> as /gw/<api id> for REST, HTTP and WebSocket APIs", async () => {
    // REST: a MOCK GET on the root.
    const rest = await v1.send(new CreateRestApiCommand({ name: "hosted-rest" }));
    const root = (await v1.send(new GetResourcesCommand({ restApiId: rest.id! }))).items!.find((r) => r.path === "/")!;
    const m = { restApiId: rest.id!, resourceId: root.id!, httpMethod: "GET" };
    await v1.send(new PutMethodCommand({ ...m, authorizationType: "NONE" }));
    await v1.send(
      new PutIntegrationCommand({
        ...m,
        type: "MOCK",
        requestTemplates: { "application/json": '{"statusCode": 200}' },
      }),
    );
    await v1.send(new PutMethodResponseCommand({ ...m, statusCode: "200" }));
    await v1.send(
      new PutIntegrationResponseCommand({
        ...m,
        statusCode: "200",
        responseTemplates: { "application/json": '{"hello":"rest"}' },
      }),
    );
    await v1.send(new CreateRestDeploymentCommand({ restApiId: rest.id!, stageName: "prod" }));
    const restHit = await get(b.port, `${rest.id}.execute-api.${DOMAIN}:${b.port}`, "/prod");
    expect(restHit).toEqual({ status: 200, body: '{"hello":"rest"}' });
    // Another host is not routed.
    expect((await get(b.port, `${rest.id}.execute-api.elsewhere.test`, "/prod")).status).not.toBe(200);

    // HTTP API: quick create to a backend, its $default stage.
    const backend = http.createServer((req, res) => res.end(`backend saw ${req.url}`));
    await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
    try {
      const httpApi = await v2.send(
        new CreateApiCommand({
          Name: "hosted-http",
          ProtocolType: "HTTP",
          Target: `http://127.0.0.1:${(backend.address() as { port: number }).port}`,
        }),
      );
      const got = await v2.send(new GetApiCommand({ ApiId: httpApi.ApiId! }));
      expect(got.ApiEndpoint).toBe(`http://${httpApi.ApiId}.execute-api.${DOMAIN}:${a.port}`);
      const httpHit = await get(a.port, `${httpApi.ApiId!.toUpperCase()}.execute-api.${DOMAIN}`, "/items/7");
      expect(httpHit).toEqual({ status: 200, body: "backend saw /items/7" });
    } finally {
      backend.close();
    }

    // WebSocket API: the upgrade on the API's host, and its apiEndpoint in that form.
    const { ApiId } = await buildApi({});
    expect((await v2.send(new GetApiCommand({ ApiId }))).ApiEndpoint).toBe(
      `ws://${ApiId}.execute-api.${DOMAIN}:${a.port}`,
    );
    const c = await must(`ws://127.0.0.1:${b.port}/prod`, { Host: `${ApiId}.execute-api.${DOMAIN}:${b.port}` });
    c.client.send("hosted");
    expect(JSON.parse(await c.text())).toMatchObject({ body: "hosted", routeKey: "$default" });
    c.client.close();
  });
});

import http from "node:http";
import {
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  DeauthorizeConnectionCommand,
  DeleteApiDestinationCommand,
  DeleteConnectionCommand,
  DescribeApiDestinationCommand,
  DescribeConnectionCommand,
  EventBridgeClient,
  ListApiDestinationsCommand,
  ListConnectionsCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  UpdateApiDestinationCommand,
  UpdateConnectionCommand,
} from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startFunctionReceiver } from "../helpers/function-receiver";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";
import { createFunction } from "../../server/domains/functions/function.service";

// EventBridge connections and API destinations with @aws-sdk/client-eventbridge against a real web
// process, and the whole path with a worker: PutEvents → rule → API destination (the connection's
// key applied) and → function (signed), both received by local services.

let web: TestProcess & { url: string };
let worker: TestProcess;
let t: TestTenant;
let eb: EventBridgeClient;
let api: http.Server;
let apiUrl = "";
const apiHits: Array<{ url: string; method: string; headers: http.IncomingHttpHeaders; body: string }> = [];
let fnSvc: Awaited<ReturnType<typeof startFunctionReceiver>>;

beforeAll(async () => {
  t = await createTestTenant();
  api = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      apiHits.push({
        url: req.url!,
        method: req.method!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
  apiUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
  fnSvc = await startFunctionReceiver(() => ({ body: '{"ok":true}' }));
  [web, worker] = await Promise.all([startWeb(), startWorker()]);
  eb = new EventBridgeClient({
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  await Promise.all([web?.stop(), worker?.stop()]);
  api?.closeAllConnections();
  await new Promise((r) => api?.close(r));
  await fnSvc?.close();
});

async function until<T>(f: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never: ${what}`);
}

describe("connections and API destinations with @aws-sdk/client-eventbridge", () => {
  it("manages a connection: create, describe without secrets, list, update, deauthorize, delete", async () => {
    const c = await eb.send(
      new CreateConnectionCommand({
        Name: "sdk-conn",
        AuthorizationType: "API_KEY",
        AuthParameters: {
          ApiKeyAuthParameters: { ApiKeyName: "x-api-key", ApiKeyValue: "sdk-secret-value" },
          InvocationHttpParameters: {
            HeaderParameters: [{ Key: "x-secret-header", Value: "shh", IsValueSecret: true }],
          },
        },
      }),
    );
    expect(c.ConnectionArn).toMatch(new RegExp(`^arn:aws:events:us-east-1:${t.tenant.accountId}:connection/sdk-conn/`));
    expect(c.ConnectionState).toBe("AUTHORIZED");
    expect(c.CreationTime).toBeInstanceOf(Date);
    const again = await eb
      .send(
        new CreateConnectionCommand({
          Name: "sdk-conn",
          AuthorizationType: "BASIC",
          AuthParameters: { BasicAuthParameters: { Username: "a", Password: "b" } },
        }),
      )
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ResourceAlreadyExistsException);

    const d = await eb.send(new DescribeConnectionCommand({ Name: "sdk-conn" }));
    expect(d.AuthParameters?.ApiKeyAuthParameters).toEqual({ ApiKeyName: "x-api-key" });
    expect(JSON.stringify(d)).not.toContain("sdk-secret-value");
    expect(JSON.stringify(d)).not.toContain("shh");
    const list = await eb.send(new ListConnectionsCommand({ NamePrefix: "sdk-" }));
    expect(list.Connections!.map((x) => x.Name)).toEqual(["sdk-conn"]);
    const u = await eb.send(new UpdateConnectionCommand({ Name: "sdk-conn", Description: "updated" }));
    expect(u.ConnectionState).toBe("AUTHORIZED");
    const de = await eb.send(new DeauthorizeConnectionCommand({ Name: "sdk-conn" }));
    expect(de.ConnectionState).toBe("DEAUTHORIZING");
    expect((await eb.send(new DescribeConnectionCommand({ Name: "sdk-conn" }))).ConnectionState).toBe("DEAUTHORIZED");
    expect((await eb.send(new DeleteConnectionCommand({ Name: "sdk-conn" }))).ConnectionState).toBe("DELETING");
    const gone = await eb.send(new DescribeConnectionCommand({ Name: "sdk-conn" })).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
    expect((gone as Error).message).toBe("Failed to describe the connection(s). Connection 'sdk-conn' does not exist.");
  });

  it("manages an API destination", async () => {
    const c = await eb.send(
      new CreateConnectionCommand({
        Name: "sdk-conn-2",
        AuthorizationType: "BASIC",
        AuthParameters: { BasicAuthParameters: { Username: "u", Password: "p" } },
      }),
    );
    const d = await eb.send(
      new CreateApiDestinationCommand({
        Name: "sdk-dest",
        ConnectionArn: c.ConnectionArn,
        InvocationEndpoint: `${apiUrl}/x/*`,
        HttpMethod: "POST",
        InvocationRateLimitPerSecond: 20,
      }),
    );
    expect(d.ApiDestinationState).toBe("ACTIVE");
    const desc = await eb.send(new DescribeApiDestinationCommand({ Name: "sdk-dest" }));
    expect(desc).toMatchObject({
      Name: "sdk-dest",
      ConnectionArn: c.ConnectionArn,
      HttpMethod: "POST",
      InvocationRateLimitPerSecond: 20,
    });
    await eb.send(new UpdateApiDestinationCommand({ Name: "sdk-dest", HttpMethod: "PUT" }));
    const list = await eb.send(new ListApiDestinationsCommand({ ConnectionArn: c.ConnectionArn }));
    expect(list.ApiDestinations!.map((x) => [x.Name, x.HttpMethod])).toEqual([["sdk-dest", "PUT"]]);
    await eb.send(new DeleteApiDestinationCommand({ Name: "sdk-dest" }));
    const gone = await eb.send(new DescribeApiDestinationCommand({ Name: "sdk-dest" })).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
  });

  it("PutEvents → rule → API destination (connection key, HttpParameters) and → function (signed)", async () => {
    const c = await eb.send(
      new CreateConnectionCommand({
        Name: "e2e-conn",
        AuthorizationType: "API_KEY",
        AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "x-api-key", ApiKeyValue: "e2e-key" } },
      }),
    );
    const d = await eb.send(
      new CreateApiDestinationCommand({
        Name: "e2e-dest",
        ConnectionArn: c.ConnectionArn,
        InvocationEndpoint: `${apiUrl}/orders/*`,
        HttpMethod: "POST",
      }),
    );
    const { fn, secret } = await createFunction(t.actor, t.tenant, { name: "e2e-fn", url: `${fnSvc.url}/fn` });
    fnSvc.secrets.set("/fn", secret);
    await eb.send(new PutRuleCommand({ Name: "e2e-rule", EventPattern: JSON.stringify({ source: ["shop"] }) }));
    const targets = await eb.send(
      new PutTargetsCommand({
        Rule: "e2e-rule",
        Targets: [
          {
            Id: "api",
            Arn: d.ApiDestinationArn,
            HttpParameters: { PathParameterValues: ["o-1"], HeaderParameters: { "x-from": "rule" } },
          },
          { Id: "fn", Arn: fn.arn },
        ],
      }),
    );
    expect(targets.FailedEntryCount).toBe(0);
    const put = await eb.send(
      new PutEventsCommand({ Entries: [{ Source: "shop", DetailType: "OrderPlaced", Detail: '{"id":"o-1"}' }] }),
    );
    expect(put.FailedEntryCount).toBe(0);
    const hit = await until(() => apiHits.find((h) => h.url === "/orders/o-1"), "API destination call");
    expect(hit.headers["x-api-key"]).toBe("e2e-key");
    expect(hit.headers["x-from"]).toBe("rule");
    expect(JSON.parse(hit.body)).toMatchObject({ source: "shop", "detail-type": "OrderPlaced", detail: { id: "o-1" } });
    const fnHit = await until(() => fnSvc.hits.find((h) => h.path === "/fn"), "function call");
    expect(fnHit.signatureValid).toBe(true);
    expect(JSON.parse(fnHit.body)).toMatchObject({ source: "shop", id: put.Entries![0]!.EventId });
  });
});

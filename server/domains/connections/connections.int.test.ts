import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../core/errors";
import { pool } from "../../db";
import { createTestTenant, type TestTenant } from "../../../tests/helpers/fixtures";
import {
  createConnection,
  deauthorizeConnection,
  deleteConnection,
  describeConnection,
  listConnections,
  updateConnection,
} from "./connection.service";
import {
  createApiDestination,
  deleteApiDestination,
  describeApiDestination,
  listApiDestinations,
  updateApiDestination,
} from "./api-destination.service";
import { invokeApiDestination } from "./api-destination.call";

// Connections and API destinations against the real database, a local API (records requests,
// answers per path) and a fake OAuth token endpoint that counts the tokens it hands out.

type Hit = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string };
let t: TestTenant;
let api: http.Server;
let base = "";
const hits: Hit[] = [];
let tokensIssued = 0;
let validToken = "";
const tokenRequests: Hit[] = [];

beforeAll(async () => {
  t = await createTestTenant();
  api = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const hit = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
      if (req.url!.startsWith("/refuse-token")) {
        res.writeHead(400, { "content-type": "application/json" });
        res.end('{"error":"invalid_client"}');
        return;
      }
      if (req.url!.startsWith("/token")) {
        tokenRequests.push(hit);
        tokensIssued++;
        validToken = `tok-${tokensIssued}`;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ access_token: validToken, token_type: "Bearer", expires_in: 3600 }));
        return;
      }
      hits.push(hit);
      const path = req.url!.split("?")[0]!;
      if (path.startsWith("/oauth")) {
        res.writeHead(req.headers.authorization === `Bearer ${validToken}` ? 200 : 401);
        return res.end("{}");
      }
      const status = Number(/^\/status\/(\d+)/.exec(path)?.[1] ?? 200);
      res.writeHead(status, { "content-type": "application/json" });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
});
afterAll(async () => {
  api.closeAllConnections();
  await new Promise((r) => api.close(r));
});

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

const apiKeyAuth = {
  ApiKeyAuthParameters: { ApiKeyName: "X-Api-Key", ApiKeyValue: "key-secret-1" },
  InvocationHttpParameters: {
    HeaderParameters: [
      { Key: "X-Team", Value: "blue", IsValueSecret: false },
      { Key: "X-Hidden", Value: "hidden-value", IsValueSecret: true },
    ],
    QueryStringParameters: [{ Key: "src", Value: "eb", IsValueSecret: false }],
    BodyParameters: [{ Key: "extra", Value: "x", IsValueSecret: false }],
  },
};

describe("connections", () => {
  it("creates an API key connection: AUTHORIZED, secrets sealed and never described", async () => {
    const c = await createConnection(t.actor, t.tenant, {
      name: "ck-1",
      authorizationType: "API_KEY",
      authParameters: apiKeyAuth,
    });
    expect(c.arn).toMatch(new RegExp(`^arn:aws:events:us-east-1:${t.tenant.accountId}:connection/ck-1/[0-9a-f-]{36}$`));
    expect(c.state).toBe("AUTHORIZED");
    const d = await describeConnection(t.actor, t.tenant, "ck-1");
    const shown = JSON.stringify(d.authPublic);
    expect(shown).toContain("X-Api-Key");
    expect(shown).not.toContain("key-secret-1");
    expect(shown).not.toContain("hidden-value");
    const raw = await pool().query(`SELECT auth_secret_enc FROM event_connections WHERE id = $1`, [c.id]);
    expect(raw.rows[0].auth_secret_enc).not.toContain("key-secret-1");
    expect(
      (
        await refusal(
          createConnection(t.actor, t.tenant, {
            name: "ck-1",
            authorizationType: "API_KEY",
            authParameters: apiKeyAuth,
          }),
        )
      ).awsCode,
    ).toBe("ResourceAlreadyExistsException");
  });

  it("refuses parameters that do not fit the authorization type", async () => {
    const wrong = await refusal(
      createConnection(t.actor, t.tenant, {
        name: "ck-bad",
        authorizationType: "BASIC",
        authParameters: apiKeyAuth,
      }),
    );
    expect(wrong.awsCode).toBe("ValidationException");
    expect(
      (
        await refusal(
          createConnection(t.actor, t.tenant, { name: "ck-bad", authorizationType: "NONE", authParameters: {} }),
        )
      ).awsCode,
    ).toBe("ValidationException");
    expect((await refusal(describeConnection(t.actor, t.tenant, "ck-bad"))).message).toBe(
      "Failed to describe the connection(s). Connection 'ck-bad' does not exist.",
    );
  });

  it("updates (credentials left out stay), deauthorizes, lists and deletes", async () => {
    await createConnection(t.actor, t.tenant, {
      name: "cb-1",
      authorizationType: "BASIC",
      authParameters: { BasicAuthParameters: { Username: "u", Password: "p" } },
    });
    const u = await updateConnection(t.actor, t.tenant, {
      name: "cb-1",
      description: "basic",
      authParameters: { BasicAuthParameters: { Username: "u2" } },
    });
    expect(u.description).toBe("basic");
    expect(u.authPublic).toEqual({ BasicAuthParameters: { Username: "u2" } });
    const de = await deauthorizeConnection(t.actor, t.tenant, "cb-1");
    expect(de.state).toBe("DEAUTHORIZED");
    const list = await listConnections(t.actor, t.tenant, { namePrefix: "cb-", connectionState: "DEAUTHORIZED" });
    expect(list.connections.map((c) => c.name)).toEqual(["cb-1"]);
    await deleteConnection(t.actor, t.tenant, "cb-1");
    expect((await refusal(describeConnection(t.actor, t.tenant, "cb-1"))).awsCode).toBe("ResourceNotFoundException");
  });
});

describe("API destinations", () => {
  it("CRUD with AWS's checks; a connection in use cannot be deleted", async () => {
    const c = await createConnection(t.actor, t.tenant, {
      name: "cd-1",
      authorizationType: "API_KEY",
      authParameters: apiKeyAuth,
    });
    const d = await createApiDestination(t.actor, t.tenant, {
      name: "dest-1",
      connectionArn: c.arn,
      invocationEndpoint: `${base}/orders/*`,
      httpMethod: "POST",
    });
    expect(d.arn).toMatch(/:api-destination\/dest-1\/[0-9a-f-]{36}$/);
    expect(d).toMatchObject({ state: "ACTIVE", ratePerSecond: 300, connectionArn: c.arn });
    expect(
      (
        await refusal(
          createApiDestination(t.actor, t.tenant, {
            name: "dest-2",
            connectionArn: c.arn,
            invocationEndpoint: "http://example.com/",
            httpMethod: "POST",
          }),
        )
      ).awsCode,
    ).toBe("ValidationException");
    expect(
      (
        await refusal(
          createApiDestination(t.actor, t.tenant, {
            name: "dest-2",
            connectionArn: c.arn,
            invocationEndpoint: `${base}/`,
            httpMethod: "TRACE",
          }),
        )
      ).awsCode,
    ).toBe("ValidationException");
    expect(
      (
        await refusal(
          createApiDestination(t.actor, t.tenant, {
            name: "dest-2",
            connectionArn: c.arn,
            invocationEndpoint: `${base}/`,
            httpMethod: "POST",
            invocationRateLimitPerSecond: 301,
          }),
        )
      ).awsCode,
    ).toBe("ValidationException");
    const u = await updateApiDestination(t.actor, t.tenant, { name: "dest-1", invocationRateLimitPerSecond: 5 });
    expect(u.ratePerSecond).toBe(5);
    expect(
      (await listApiDestinations(t.actor, t.tenant, { connectionArn: c.arn })).destinations.map((x) => x.name),
    ).toEqual(["dest-1"]);
    expect((await refusal(deleteConnection(t.actor, t.tenant, "cd-1"))).code).toBe("conflict");
    await deleteApiDestination(t.actor, t.tenant, "dest-1");
    expect((await refusal(describeApiDestination(t.actor, t.tenant, "dest-1"))).awsCode).toBe(
      "ResourceNotFoundException",
    );
    await deleteConnection(t.actor, t.tenant, "cd-1");
  });

  it("sends with the connection's key and parameters, the target's path/header/query values, and classifies as AWS", async () => {
    const c = await createConnection(t.actor, t.tenant, {
      name: "cs-1",
      authorizationType: "API_KEY",
      authParameters: apiKeyAuth,
    });
    const d = await createApiDestination(t.actor, t.tenant, {
      name: "send-1",
      connectionArn: c.arn,
      invocationEndpoint: `${base}/status/*/items/*`,
      httpMethod: "PUT",
    });
    const ok = await invokeApiDestination({
      tenantId: t.tenant.id,
      apiDestinationArn: d.arn,
      payload: '{"detail":{"n":1}}',
      httpParameters: {
        PathParameterValues: ["200", "a b"],
        HeaderParameters: { "X-From-Target": "yes", "X-Team": "target-loses" },
        QueryStringParameters: { q: "1" },
      },
    });
    expect(ok).toMatchObject({ result: "success", statusCode: 200 });
    const hit = hits.at(-1)!;
    expect(hit.method).toBe("PUT");
    expect(hit.url).toBe("/status/200/items/a%20b?q=1&src=eb");
    expect(hit.headers["x-api-key"]).toBe("key-secret-1");
    expect(hit.headers["x-team"]).toBe("blue");
    expect(hit.headers["x-hidden"]).toBe("hidden-value");
    expect(hit.headers["x-from-target"]).toBe("yes");
    expect(hit.headers["user-agent"]).toBe("Amazon/EventBridge/ApiDestinations");
    expect(JSON.parse(hit.body)).toEqual({ detail: { n: 1 }, extra: "x" });
    expect(ok.request!.headers["x-api-key"]).toBe("(redacted)");

    const send = (status: string) =>
      invokeApiDestination({
        tenantId: t.tenant.id,
        apiDestinationArn: d.arn,
        payload: "{}",
        httpParameters: { PathParameterValues: [status, "x"] },
      });
    expect((await send("429")).result).toBe("retryable");
    expect((await send("503")).result).toBe("retryable");
    expect((await send("409")).result).toBe("retryable");
    expect((await send("400")).result).toBe("permanent");
    expect((await send("404")).result).toBe("permanent");
    const missingParam = await invokeApiDestination({ tenantId: t.tenant.id, apiDestinationArn: d.arn, payload: "{}" });
    expect(missingParam.result).toBe("permanent");
    const other = await createTestTenant();
    expect(
      (await invokeApiDestination({ tenantId: other.tenant.id, apiDestinationArn: d.arn, payload: "{}" })).result,
    ).toBe("permanent");
    await deauthorizeConnection(t.actor, t.tenant, "cs-1");
    expect((await send("200")).error).toBe("The connection is deauthorized");
  });

  it("OAuth client credentials: one token fetched and cached, a new one after a 401", async () => {
    const issuedBefore = tokensIssued;
    const c = await createConnection(t.actor, t.tenant, {
      name: "co-1",
      authorizationType: "OAUTH_CLIENT_CREDENTIALS",
      authParameters: {
        OAuthParameters: {
          ClientParameters: { ClientID: "client-1", ClientSecret: "client-secret-1" },
          AuthorizationEndpoint: `${base}/token`,
          HttpMethod: "POST",
          OAuthHttpParameters: { BodyParameters: [{ Key: "scope", Value: "events:write", IsValueSecret: false }] },
        },
      },
    });
    expect(c.state).toBe("AUTHORIZED");
    expect(tokensIssued).toBe(issuedBefore + 1);
    const tokenReq = tokenRequests.at(-1)!;
    expect(tokenReq.headers.authorization).toBe(`Basic ${Buffer.from("client-1:client-secret-1").toString("base64")}`);
    expect(new URLSearchParams(tokenReq.body).get("grant_type")).toBe("client_credentials");
    expect(new URLSearchParams(tokenReq.body).get("scope")).toBe("events:write");
    expect(JSON.stringify((await describeConnection(t.actor, t.tenant, "co-1")).authPublic)).not.toContain(
      "client-secret-1",
    );

    const d = await createApiDestination(t.actor, t.tenant, {
      name: "oauth-1",
      connectionArn: c.arn,
      invocationEndpoint: `${base}/oauth`,
      httpMethod: "POST",
    });
    const send = () => invokeApiDestination({ tenantId: t.tenant.id, apiDestinationArn: d.arn, payload: "{}" });
    expect((await send()).result).toBe("success");
    expect((await send()).result).toBe("success");
    expect(tokensIssued).toBe(issuedBefore + 1); // cached
    validToken = "rotated-by-the-provider"; // the cached token is now refused with 401
    const after = await send();
    expect(after.result).toBe("success");
    expect(tokensIssued).toBe(issuedBefore + 2); // refreshed once, then accepted
    expect(hits.filter((h) => h.url === "/oauth").at(-1)!.headers.authorization).toBe(`Bearer tok-${tokensIssued}`);
  });

  it("OAuth: a refused token request leaves the connection DEAUTHORIZED with the reason, and sends nothing", async () => {
    const c = await createConnection(t.actor, t.tenant, {
      name: "co-refused",
      authorizationType: "OAUTH_CLIENT_CREDENTIALS",
      authParameters: {
        OAuthParameters: {
          ClientParameters: { ClientID: "c", ClientSecret: "wrong" },
          AuthorizationEndpoint: `${base}/refuse-token`,
          HttpMethod: "POST",
        },
      },
    });
    expect(c.state).toBe("DEAUTHORIZED");
    expect(c.stateReason).toBe("The authorization endpoint answered HTTP 400");
    const d = await createApiDestination(t.actor, t.tenant, {
      name: "oauth-refused",
      connectionArn: c.arn,
      invocationEndpoint: `${base}/oauth-refused`,
      httpMethod: "POST",
    });
    const before = hits.length;
    const r = await invokeApiDestination({ tenantId: t.tenant.id, apiDestinationArn: d.arn, payload: "{}" });
    expect(r).toMatchObject({ result: "retryable", statusCode: null });
    expect(hits.length).toBe(before);
  });
});

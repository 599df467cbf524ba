import http from "node:http";
import {
  APIGatewayClient,
  BadRequestException,
  CreateAuthorizerCommand,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  FlushStageAuthorizersCacheCommand,
  FlushStageCacheCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  UpdateRestApiCommand,
  UpdateStageCommand,
  type PutIntegrationCommandInput,
  type PutMethodCommandInput,
} from "@aws-sdk/client-api-gateway";
import { SignatureV4 } from "@smithy/signature-v4";
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { NodeSha256 as Sha256 } from "../../server/core/sigv4/test-support";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";
import { startFunctionReceiver } from "../helpers/function-receiver";
import { createFunction } from "../../server/domains/functions/function.service";

// The REST API gateway's stage cache shared by two web processes (a hit on B after a miss on A,
// FlushStageCache through the SDK clears both, Cache-Control: max-age=0 with and without a
// signature under each unauthorizedCacheControlHeaderStrategy), COGNITO_USER_POOLS authorizers
// against a local JWKS server with jose-signed tokens, and resource policies (by path and by IP).

const region = "us-east-1";
const POOL = "us-east-1_TestPool1";
let a: TestProcess & { url: string; port: number };
let b: TestProcess & { url: string; port: number };
let t: TestTenant;
let gw: APIGatewayClient;
let backend: { url: string; hits: number; close: () => Promise<void> };
let idp: { url: string; close: () => Promise<void> };
let signingKey: CryptoKey;
let fnSvc: Awaited<ReturnType<typeof startFunctionReceiver>>;
let authorizerCalls = 0;

function listen(handler: http.RequestListener) {
  const server = http.createServer(handler);
  return new Promise<{ url: string; close: () => Promise<void> }>((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      }),
    ),
  );
}

beforeAll(async () => {
  t = await createTestTenant();
  const counter = { hits: 0 };
  const srv = await listen((req, res) => {
    counter.hits++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ n: counter.hits, url: req.url }));
  });
  backend = {
    url: srv.url,
    get hits() {
      return counter.hits;
    },
    close: srv.close,
  };
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  signingKey = privateKey as CryptoKey;
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  idp = await listen((req, res) => {
    if (req.url === `/${POOL}/.well-known/jwks.json`) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  fnSvc = await startFunctionReceiver(async (event) => {
    authorizerCalls++;
    const e = event as { methodArn: string };
    return {
      body: JSON.stringify({
        principalId: "p",
        policyDocument: {
          Version: "2012-10-17",
          Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: `${e.methodArn.split("/")[0]}/*` }],
        },
      }),
    };
  });
  const { secret } = await createFunction(t.actor, t.tenant, {
    name: "cache-auth-authorizer",
    url: `${fnSvc.url}/auth`,
  });
  fnSvc.secrets.set("/auth", secret);
  const env = { SIGNALBOX_COGNITO_IDP_URL: idp.url };
  [a, b] = await Promise.all([startWeb({ env }), startWeb({ env })]);
  gw = new APIGatewayClient({
    endpoint: `${a.url}/api/aws`,
    region,
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await backend?.close();
  await idp?.close();
  await fnSvc?.close();
});

type MethodSpec = {
  method?: Partial<Omit<PutMethodCommandInput, "restApiId" | "resourceId" | "httpMethod">>;
  integration: Omit<PutIntegrationCommandInput, "restApiId" | "resourceId" | "httpMethod">;
  template?: string;
};

/** An API with one GET per path (created below the root, one level deep). */
async function buildApi(
  routes: Record<string, MethodSpec>,
  opts: { policy?: string; authorizer?: (id: string) => Promise<string> } = {},
) {
  const api = await gw.send(new CreateRestApiCommand({ name: "cache-auth", policy: opts.policy }));
  const apiId = api.id!;
  // Methods with authorizerId "" get the authorizer made here.
  const authorizerId = (await opts.authorizer?.(apiId)) ?? "";
  for (const [path, spec] of Object.entries(routes)) {
    const r = await gw.send(
      new CreateResourceCommand({ restApiId: apiId, parentId: api.rootResourceId, pathPart: path.slice(1) }),
    );
    const base = { restApiId: apiId, resourceId: r.id, httpMethod: "GET" };
    const m = { authorizationType: "NONE", ...(spec.method ?? {}) };
    if (m.authorizerId === "") m.authorizerId = authorizerId;
    await gw.send(new PutMethodCommand({ ...base, ...m }));
    await gw.send(new PutIntegrationCommand({ ...base, ...spec.integration }));
    if (spec.integration.type === "MOCK") {
      await gw.send(new PutMethodResponseCommand({ ...base, statusCode: "200" }));
      await gw.send(
        new PutIntegrationResponseCommand({
          ...base,
          statusCode: "200",
          responseTemplates: { "application/json": spec.template ?? '{"ok": true}' },
        }),
      );
    }
  }
  return apiId;
}

const mock: MethodSpec["integration"] = {
  type: "MOCK",
  requestTemplates: { "application/json": '{"statusCode": 200}' },
};

async function signedFetch(
  url: string,
  headers: Record<string, string> = {},
  key: { id: string; secret: string } = t.key,
) {
  const u = new URL(url);
  const signer = new SignatureV4({
    service: "execute-api",
    region,
    credentials: { accessKeyId: key.id, secretAccessKey: key.secret },
    sha256: Sha256,
  });
  const s = await signer.sign({
    method: "GET",
    protocol: "http:",
    hostname: u.hostname,
    port: Number(u.port),
    path: u.pathname,
    headers: { host: u.host, ...headers },
  });
  return fetch(url, { headers: s.headers as Record<string, string> });
}

describe("the stage cache, shared by two web processes", () => {
  let apiId: string;
  const path = (p: TestProcess & { url: string }) => `${p.url}/gw/${apiId}/test/item`;
  const n = async (r: Response) => ((await r.json()) as { n: number }).n;

  beforeAll(async () => {
    apiId = await buildApi({
      "/item": { integration: { type: "HTTP_PROXY", integrationHttpMethod: "GET", uri: `${backend.url}/item` } },
    });
    await gw.send(
      new CreateDeploymentCommand({
        restApiId: apiId,
        stageName: "test",
        cacheClusterEnabled: true,
        cacheClusterSize: "0.5",
      }),
    );
  });

  const setStrategy = (require: boolean, strategy: string) =>
    gw.send(
      new UpdateStageCommand({
        restApiId: apiId,
        stageName: "test",
        patchOperations: [
          { op: "replace", path: "/*/*/caching/enabled", value: "true" },
          { op: "replace", path: "/*/*/caching/requireAuthorizationForCacheControl", value: String(require) },
          { op: "replace", path: "/*/*/caching/unauthorizedCacheControlHeaderStrategy", value: strategy },
        ],
      }),
    );

  it("answers on process B from what process A cached; FlushStageCache clears it for both", async () => {
    const first = await n(await fetch(path(a)));
    const hits = backend.hits;
    expect(await n(await fetch(path(b)))).toBe(first);
    expect(await n(await fetch(path(a)))).toBe(first);
    expect(backend.hits).toBe(hits);

    await gw.send(new FlushStageCacheCommand({ restApiId: apiId, stageName: "test" }));
    const fresh = await n(await fetch(path(b)));
    expect(fresh).toBeGreaterThan(first);
    expect(backend.hits).toBe(hits + 1);
    expect(await n(await fetch(path(a)))).toBe(fresh);
    expect(backend.hits).toBe(hits + 1);
  });

  it("a redeployment misses", async () => {
    const before = await n(await fetch(path(a)));
    await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "test" }));
    expect(await n(await fetch(path(b)))).toBeGreaterThan(before);
  });

  it("Cache-Control: max-age=0 unsigned under FAIL_WITH_403 is refused and leaves the entry", async () => {
    await setStrategy(true, "FAIL_WITH_403");
    const cached = await n(await fetch(path(a)));
    const r = await fetch(path(b), { headers: { "cache-control": "max-age=0" } });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { message: string }).message).toBe(
      `User: anonymous is not authorized to perform: execute-api:InvalidateCache on resource: arn:aws:execute-api:${region}:${t.tenant.accountId}:${apiId}/test/GET/item`,
    );
    expect(await n(await fetch(path(a)))).toBe(cached);
  });

  it("Cache-Control: max-age=0 unsigned under SUCCEED_WITH_RESPONSE_HEADER answers from the cache with a Warning", async () => {
    await setStrategy(true, "SUCCEED_WITH_RESPONSE_HEADER");
    const cached = await n(await fetch(path(a)));
    const r = await fetch(path(b), { headers: { "cache-control": "max-age=0" } });
    expect(r.status).toBe(200);
    expect(r.headers.get("warning")).toMatch(/^199 - ".*not authorized to invalidate the cache/);
    expect(await n(r)).toBe(cached);
  });

  it("Cache-Control: max-age=0 unsigned under SUCCEED_WITHOUT_RESPONSE_HEADER answers from the cache silently", async () => {
    await setStrategy(true, "SUCCEED_WITHOUT_RESPONSE_HEADER");
    const cached = await n(await fetch(path(a)));
    const r = await fetch(path(b), { headers: { "cache-control": "max-age=0" } });
    expect(r.status).toBe(200);
    expect(r.headers.get("warning")).toBeNull();
    expect(await n(r)).toBe(cached);
  });

  it("Cache-Control: max-age=0 signed by the tenant's key refetches, and the other process sees the new entry", async () => {
    for (const strategy of ["FAIL_WITH_403", "SUCCEED_WITH_RESPONSE_HEADER", "SUCCEED_WITHOUT_RESPONSE_HEADER"]) {
      await setStrategy(true, strategy);
      const cached = await n(await fetch(path(a)));
      const r = await signedFetch(path(b), { "cache-control": "max-age=0" });
      expect(r.status).toBe(200);
      expect(r.headers.get("warning")).toBeNull();
      const fresh = await n(r);
      expect(fresh).toBeGreaterThan(cached);
      expect(await n(await fetch(path(a)))).toBe(fresh);
    }
  });

  it("a signature of another tenant does not authorize invalidation", async () => {
    await setStrategy(true, "FAIL_WITH_403");
    const stranger = await createTestTenant();
    const u = new URL(path(b));
    const s = await new SignatureV4({
      service: "execute-api",
      region,
      credentials: { accessKeyId: stranger.key.id, secretAccessKey: stranger.key.secret },
      sha256: Sha256,
    }).sign({
      method: "GET",
      protocol: "http:",
      hostname: u.hostname,
      port: Number(u.port),
      path: u.pathname,
      headers: { host: u.host, "cache-control": "max-age=0" },
    });
    expect((await fetch(path(b), { headers: s.headers as Record<string, string> })).status).toBe(403);
  });

  it("without requireAuthorizationForCacheControl anybody invalidates", async () => {
    await setStrategy(false, "FAIL_WITH_403");
    const cached = await n(await fetch(path(a)));
    // The stage change reaches process b by NOTIFY: until it has, b still applies the old setting.
    let r = await fetch(path(b), { headers: { "cache-control": "max-age=0" } });
    for (let i = 0; i < 100 && r.status !== 200; i++) {
      await new Promise((ok) => setTimeout(ok, 10));
      r = await fetch(path(b), { headers: { "cache-control": "max-age=0" } });
    }
    expect(r.status).toBe(200);
    expect(await n(r)).toBeGreaterThan(cached);
  });
});

describe("FlushStageAuthorizersCache", () => {
  it("drops a stage's cached Lambda authorizer decisions in both processes", async () => {
    const apiId = await buildApi(
      { "/guarded": { method: { authorizationType: "CUSTOM", authorizerId: "" }, integration: mock } },
      {
        authorizer: async (id) =>
          (
            await gw.send(
              new CreateAuthorizerCommand({
                restApiId: id,
                name: "fn",
                type: "TOKEN",
                authorizerUri: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${region}:${t.tenant.accountId}:function:cache-auth-authorizer/invocations`,
                identitySource: "method.request.header.Authorization",
                authorizerResultTtlInSeconds: 300,
              }),
            )
          ).id!,
      },
    );
    await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "test" }));
    const call = async (p: TestProcess & { url: string }) => {
      const r = await fetch(`${p.url}/gw/${apiId}/test/guarded`, { headers: { authorization: "tok" } });
      expect(r.status).toBe(200);
    };
    const start = authorizerCalls;
    await call(a);
    await call(a);
    await call(b);
    await call(b);
    expect(authorizerCalls).toBe(start + 2); // one per process, then cached
    await gw.send(new FlushStageAuthorizersCacheCommand({ restApiId: apiId, stageName: "test" }));
    await call(a); // the flushing process dropped its own at once
    expect(authorizerCalls).toBe(start + 3);
    // B hears of it through NOTIFY: its next calls reach the authorizer once more.
    await vi.waitFor(async () => {
      await call(b);
      expect(authorizerCalls).toBe(start + 4);
    });
    await expect(
      gw.send(new FlushStageAuthorizersCacheCommand({ restApiId: apiId, stageName: "nope" })),
    ).rejects.toThrow();
  });
});

describe("COGNITO_USER_POOLS authorizers", () => {
  let base: string;
  const issuer = () => `${idp.url}/${POOL}`;
  const token = (claims: Record<string, unknown>, opts: { iss?: string; exp?: number | string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setIssuer(opts.iss ?? issuer())
      .setSubject("user-1")
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? "10m")
      .sign(signingKey);

  beforeAll(async () => {
    const apiId = await buildApi(
      {
        "/me": {
          method: { authorizationType: "COGNITO_USER_POOLS", authorizerId: "" },
          integration: mock,
          template: '{"sub": "$context.authorizer.claims.sub", "email": "$context.authorizer.claims.email"}',
        },
        "/orders": {
          method: { authorizationType: "COGNITO_USER_POOLS", authorizerId: "", authorizationScopes: ["orders/read"] },
          integration: mock,
          template: '{"scope": "$context.authorizer.claims.scope"}',
        },
      },
      {
        authorizer: async (id) => {
          const az = await gw.send(
            new CreateAuthorizerCommand({
              restApiId: id,
              name: "pool",
              type: "COGNITO_USER_POOLS",
              providerARNs: [`arn:aws:cognito-idp:${region}:${t.tenant.accountId}:userpool/${POOL}`],
              identitySource: "method.request.header.Authorization",
            }),
          );
          return az.id!;
        },
      },
    );
    base = `${a.url}/gw/${apiId}/test`;
    await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "test" }));
  });

  it("admits a valid ID token and hands its claims to templates", async () => {
    const r = await fetch(`${base}/me`, {
      headers: { authorization: await token({ token_use: "id", email: "a@example.com" }) },
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ sub: "user-1", email: "a@example.com" });
  });

  it.each([
    ["no token", async () => undefined],
    ["an expired token", async () => token({ token_use: "id" }, { exp: Math.floor(Date.now() / 1000) - 60 })],
    ["a token of another issuer", async () => token({ token_use: "id" }, { iss: `${idp.url}/us-east-1_Other` })],
    ["a token without token_use", async () => token({})],
    // No authorizationScopes on the method: API Gateway takes the ID token only.
    ["an access token on a method without scopes", async () => token({ token_use: "access", scope: "openid" })],
    [
      "a token signed by another key",
      async () => {
        const other = await generateKeyPair("RS256");
        return new SignJWT({ token_use: "id" })
          .setProtectedHeader({ alg: "RS256", kid: "k1" })
          .setIssuer(issuer())
          .setExpirationTime("10m")
          .sign(other.privateKey);
      },
    ],
  ])("refuses %s with 401", async (_, make) => {
    const tok = await make();
    const r = await fetch(`${base}/me`, { headers: tok ? { authorization: tok } : {} });
    expect(r.status).toBe(401);
    expect(await r.json()).toEqual({ message: "Unauthorized" });
  });

  it("checks the method's authorizationScopes against an access token's scope", async () => {
    const good = await fetch(`${base}/orders`, {
      headers: { authorization: await token({ token_use: "access", scope: "profile orders/read" }) },
    });
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({ scope: "profile orders/read" });
    const wrong = await fetch(`${base}/orders`, {
      headers: { authorization: await token({ token_use: "access", scope: "orders/write" }) },
    });
    expect(wrong.status).toBe(401);
    const idToken = await fetch(`${base}/orders`, {
      headers: { authorization: await token({ token_use: "id", scope: "orders/read" }) },
    });
    expect(idToken.status).toBe(401);
  });
});

describe("resource policies", () => {
  const policy = (acct: string) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: "*",
          Action: "execute-api:Invoke",
          Resource: [
            "execute-api:/*/GET/open",
            "execute-api:/*/GET/private",
            "execute-api:/*/GET/ipcheck",
            "execute-api:/*/GET/local",
          ],
        },
        { Effect: "Deny", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*/GET/private" },
        {
          Effect: "Deny",
          Principal: "*",
          Action: "execute-api:Invoke",
          Resource: `arn:aws:execute-api:*:${acct}:*/*/GET/ipcheck`,
          Condition: { NotIpAddress: { "aws:SourceIp": ["10.0.0.0/8"] } },
        },
        {
          Effect: "Deny",
          Principal: "*",
          Action: "execute-api:Invoke",
          Resource: "execute-api:/*/GET/local",
          Condition: { NotIpAddress: { "aws:SourceIp": ["127.0.0.0/8", "::1/128"] } },
        },
      ],
    });
  let apiId: string;
  let base: string;

  beforeAll(async () => {
    apiId = await buildApi(
      {
        "/open": { integration: mock },
        "/private": { integration: mock },
        "/ipcheck": { integration: mock },
        "/local": { integration: mock },
        "/unlisted": { integration: mock },
        "/iam": { method: { authorizationType: "AWS_IAM" }, integration: mock },
      },
      { policy: policy(t.tenant.accountId) },
    );
    await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "test" }));
    base = `${b.url}/gw/${apiId}/test`;
  });

  const arn = (p: string) => `arn:aws:execute-api:${region}:${t.tenant.accountId}:${apiId}/test/GET/${p}`;

  it("allows what a statement allows, by path and by source IP", async () => {
    expect((await fetch(`${base}/open`)).status).toBe(200);
    expect((await fetch(`${base}/local`)).status).toBe(200);
  });

  it("an explicit Deny wins, with API Gateway's message", async () => {
    const r = await fetch(`${base}/private`);
    expect(r.status).toBe(403);
    expect(r.headers.get("x-amzn-errortype")).toBe("AccessDeniedException");
    expect(await r.json()).toEqual({
      message: `User: anonymous is not authorized to perform: execute-api:Invoke on resource: ${arn("private")} with an explicit deny`,
    });
    const ip = await fetch(`${base}/ipcheck`);
    expect(ip.status).toBe(403);
  });

  it("a path no statement allows is refused (implicit deny)", async () => {
    const r = await fetch(`${base}/unlisted`);
    expect(r.status).toBe(403);
    expect(await r.json()).toEqual({
      message: `User: anonymous is not authorized to perform: execute-api:Invoke on resource: ${arn("unlisted")}`,
    });
  });

  it("AWS_IAM by the API's own account needs no Allow", async () => {
    expect((await signedFetch(`${base}/iam`)).status).toBe(200);
  });

  it("UpdateRestApi and CreateRestApi refuse an invalid policy with BadRequestException", async () => {
    for (const bad of ["{not json", '{"Statement":[{"Effect":"Allow"}]}']) {
      await expect(
        gw.send(
          new UpdateRestApiCommand({
            restApiId: apiId,
            patchOperations: [{ op: "replace", path: "/policy", value: bad }],
          }),
        ),
      ).rejects.toBeInstanceOf(BadRequestException);
      await expect(gw.send(new CreateRestApiCommand({ name: "bad-policy", policy: bad }))).rejects.toBeInstanceOf(
        BadRequestException,
      );
    }
  });
});

describe("cross-account AWS_IAM calls granted by the resource policy", () => {
  let stranger: TestTenant;
  let outsider: TestTenant;
  let base: string;
  let bare: string;
  let apiId: string;
  const who = '{"account": "$context.identity.accountId", "arn": "$context.identity.userArn"}';

  beforeAll(async () => {
    [stranger, outsider] = await Promise.all([createTestTenant(), createTestTenant()]);
    const iam = (template = who): MethodSpec => ({
      method: { authorizationType: "AWS_IAM" },
      integration: mock,
      template,
    });
    apiId = await buildApi(
      { "/shared": iam(), "/admin": iam(), "/tls": iam() },
      {
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { AWS: `arn:aws:iam::${stranger.tenant.accountId}:root` },
              Action: "execute-api:Invoke",
              Resource: ["execute-api:/*/GET/shared", "execute-api:/*/GET/tls"],
            },
            {
              Effect: "Deny",
              Principal: "*",
              Action: "execute-api:Invoke",
              Resource: "execute-api:/*/GET/tls",
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
    );
    await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "test" }));
    base = `${a.url}/gw/${apiId}/test`;
    const bareId = await buildApi({ "/shared": iam() });
    await gw.send(new CreateDeploymentCommand({ restApiId: bareId, stageName: "test" }));
    bare = `${b.url}/gw/${bareId}/test`;
  });

  const arn = (id: string, p: string) => `arn:aws:execute-api:${region}:${t.tenant.accountId}:${id}/test/GET/${p}`;
  const userArn = (x: TestTenant) => `arn:aws:iam::${x.tenant.accountId}:user/${x.key.id}`;

  it("another tenant's key is admitted where the policy names its account, and $context says who called", async () => {
    const r = await signedFetch(`${base}/shared`, {}, stranger.key);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ account: stranger.tenant.accountId, arn: userArn(stranger) });
  });

  it("is refused where no statement grants it (implicit deny), with its ARN in the message", async () => {
    const r = await signedFetch(`${base}/admin`, {}, stranger.key);
    expect(r.status).toBe(403);
    expect(r.headers.get("x-amzn-errortype")).toBe("AccessDeniedException");
    expect(await r.json()).toEqual({
      message: `User: ${userArn(stranger)} is not authorized to perform: execute-api:Invoke on resource: ${arn(apiId, "admin")}`,
    });
  });

  it("an explicit Deny wins over the grant (no TLS here)", async () => {
    const r = await signedFetch(`${base}/tls`, {}, stranger.key);
    expect(r.status).toBe(403);
    expect(((await r.json()) as { message: string }).message).toMatch(/with an explicit deny$/);
    // Behind a proxy that terminated TLS (X-Forwarded-Proto: https) the request counts as secure.
    const behindTls = await signedFetch(`${base}/tls`, { "x-forwarded-proto": "https" }, stranger.key);
    expect(behindTls.status).toBe(200);
  });

  it("a tenant the policy does not name is refused; the API's own tenant needs no grant", async () => {
    expect((await signedFetch(`${base}/shared`, {}, outsider.key)).status).toBe(403);
    expect((await signedFetch(`${base}/admin`)).status).toBe(200);
  });

  it("without a resource policy another tenant's key is refused", async () => {
    const r = await signedFetch(`${bare}/shared`, {}, stranger.key);
    expect(r.status).toBe(403);
    expect(((await r.json()) as { message: string }).message).toContain(`User: ${userArn(stranger)} is not authorized`);
    expect((await signedFetch(`${bare}/shared`)).status).toBe(200);
  });

  it("a bad signature with another tenant's key id is refused before the policy is read", async () => {
    const r = await signedFetch(`${base}/shared`, {}, { id: stranger.key.id, secret: "wrong" });
    expect(r.status).toBe(403);
    expect(r.headers.get("x-amzn-errortype")).not.toBe("AccessDeniedException");
  });

  it("CreateRestApi and UpdateRestApi refuse an unknown condition key with BadRequestException", async () => {
    const bad = JSON.stringify({
      Statement: [
        {
          Effect: "Allow",
          Principal: "*",
          Action: "execute-api:Invoke",
          Resource: "*",
          Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } },
        },
      ],
    });
    const create = gw.send(new CreateRestApiCommand({ name: "bad-key", policy: bad }));
    await expect(create).rejects.toBeInstanceOf(BadRequestException);
    await expect(create).rejects.toThrow(/Invalid policy document.*invalid condition key: aws:RequestedRegion/);
    await expect(
      gw.send(
        new UpdateRestApiCommand({
          restApiId: apiId,
          patchOperations: [{ op: "replace", path: "/policy", value: bad }],
        }),
      ),
    ).rejects.toBeInstanceOf(BadRequestException);
  });
});

describe("a Lambda authorizer and a resource policy (table A)", () => {
  it("the authorizer's allow admits where the policy says nothing; an explicit Deny refuses before the authorizer runs", async () => {
    const apiId = await buildApi(
      {
        "/open": { method: { authorizationType: "CUSTOM", authorizerId: "" }, integration: mock },
        "/blocked": { method: { authorizationType: "CUSTOM", authorizerId: "" }, integration: mock },
      },
      {
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Deny", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*/GET/blocked" },
          ],
        }),
        authorizer: async (id) =>
          (
            await gw.send(
              new CreateAuthorizerCommand({
                restApiId: id,
                name: "fn",
                type: "TOKEN",
                authorizerUri: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${region}:${t.tenant.accountId}:function:cache-auth-authorizer/invocations`,
                identitySource: "method.request.header.Authorization",
                authorizerResultTtlInSeconds: 0,
              }),
            )
          ).id!,
      },
    );
    await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: "test" }));
    const start = authorizerCalls;
    expect((await fetch(`${a.url}/gw/${apiId}/test/open`, { headers: { authorization: "tok" } })).status).toBe(200);
    expect(authorizerCalls).toBe(start + 1);
    const denied = await fetch(`${a.url}/gw/${apiId}/test/blocked`, { headers: { authorization: "tok" } });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { message: string }).message).toMatch(/with an explicit deny$/);
    expect(authorizerCalls).toBe(start + 1);
  });
});

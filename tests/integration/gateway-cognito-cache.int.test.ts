import http from "node:http";
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Authorizer } from "../../server/core/apis/model";
import { pool } from "../../server/db";
import { clearJwksCache } from "../../server/domains/apis/authorizers/jwt";
import { notifyAuthorizerFlush } from "../../server/domains/apis/response-cache.repository";
import { stopListening } from "../../server/platform/listen";
import { cognitoCacheUntil } from "../../server/domains/apis/authorizers/cognito";
import {
  cognitoVerificationCount,
  listenForAuthorizerFlushes,
  flushStageAuthorizersCache,
  runAuthorizer,
} from "../../server/http/gateway/authorizer";
import type { MethodRequest } from "../../server/http/gateway/request";
import { uniqueName } from "../helpers/fixtures";

// COGNITO_USER_POOLS results cached per authorizer and token (server/http/gateway/authorizer.ts), in
// this process, against a local JWKS server that counts its fetches. Two proofs that a hit skipped
// verification: the process's verification counter does not move, and (with the JWKS cache emptied
// between calls) the JWKS endpoint is not asked again. TTL 0 verifies every time; a token's `exp`
// bounds the entry; FlushStageAuthorizersCache (here, and by NOTIFY from another process) drops it.

const POOL = "us-east-1_CachePool";
const tenant = { id: "t", accountId: "111122223333", slug: "t", name: "t" };
let idp: http.Server;
let jwksFetches = 0;
let key: CryptoKey;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  key = privateKey as CryptoKey;
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  idp = http.createServer((req, res) => {
    if (req.url === `/${POOL}/.well-known/jwks.json`) {
      jwksFetches++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((ok) => idp.listen(0, "127.0.0.1", ok));
  process.env.SIGNALBOX_COGNITO_IDP_URL = `http://127.0.0.1:${(idp.address() as { port: number }).port}`;
});
afterAll(async () => {
  await stopListening();
  idp.closeAllConnections();
  await new Promise((ok) => idp.close(ok));
});

const token = (claims: Record<string, unknown>, exp: number | string = "10m") =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .setIssuer(`${process.env.SIGNALBOX_COGNITO_IDP_URL}/${POOL}`)
    .setSubject("user-1")
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(key);

const authorizer = (ttl: number): Authorizer => ({
  id: uniqueName("az"),
  name: "pool",
  type: "COGNITO_USER_POOLS",
  providerARNs: [`arn:aws:cognito-idp:us-east-1:${tenant.accountId}:userpool/${POOL}`],
  identitySource: "method.request.header.Authorization",
  authorizerResultTtlInSeconds: ttl,
});

function request(apiId: string, tok: string): MethodRequest {
  return {
    httpMethod: "GET",
    path: "/me",
    pathParams: {},
    query: {},
    multiQuery: {},
    headers: { Authorization: tok },
    multiHeaders: { Authorization: [tok] },
    body: Buffer.alloc(0),
    stageVariables: {},
    context: { apiId, stage: "prod" },
  };
}

/** Runs the authorizer with an empty JWKS cache; says whether it admitted, verified, fetched keys. */
async function call(a: Authorizer, apiId: string, tok: string, scopes: string[] = []) {
  clearJwksCache();
  const [v, f] = [cognitoVerificationCount(), jwksFetches];
  const out = await runAuthorizer(tenant, a, request(apiId, tok), "arn", "/me", scopes);
  return { ok: out.ok, verified: cognitoVerificationCount() - v, fetched: jwksFetches - f };
}

describe("COGNITO_USER_POOLS result cache", () => {
  it("a second call with the same token is answered from the cache (no verification, no JWKS fetch)", async () => {
    const a = authorizer(300);
    const apiId = uniqueName("api");
    const tok = await token({ token_use: "id" });
    expect(await call(a, apiId, tok)).toEqual({ ok: true, verified: 1, fetched: 1 });
    expect(await call(a, apiId, tok)).toEqual({ ok: true, verified: 0, fetched: 0 });
    expect(await call(a, apiId, `Bearer ${tok}`)).toEqual({ ok: true, verified: 0, fetched: 0 });
    // Another token, another authorizer, another API: verified afresh.
    expect(await call(a, apiId, await token({ token_use: "id", n: 2 }))).toMatchObject({ verified: 1 });
    expect(await call(authorizer(300), apiId, tok)).toMatchObject({ ok: true, verified: 1 });
    expect(await call(a, uniqueName("api"), tok)).toMatchObject({ ok: true, verified: 1 });
  });

  it("the method's rules still apply to a cached token (an ID token on a method with scopes is refused)", async () => {
    const a = authorizer(300);
    const apiId = uniqueName("api");
    const id = await token({ token_use: "id" });
    expect(await call(a, apiId, id)).toMatchObject({ ok: true, verified: 1 });
    expect(await call(a, apiId, id, ["orders/read"])).toEqual({ ok: false, verified: 0, fetched: 0 });
    const access = await token({ token_use: "access", scope: "orders/read", client_id: "c1" });
    expect(await call(a, apiId, access, ["orders/read"])).toMatchObject({ ok: true, verified: 1 });
    expect(await call(a, apiId, access, [])).toEqual({ ok: false, verified: 0, fetched: 0 });
  });

  it("TTL 0 verifies every call", async () => {
    const a = authorizer(0);
    const apiId = uniqueName("api");
    const tok = await token({ token_use: "id" });
    expect(await call(a, apiId, tok)).toEqual({ ok: true, verified: 1, fetched: 1 });
    expect(await call(a, apiId, tok)).toEqual({ ok: true, verified: 1, fetched: 1 });
  });

  it("a refused token is not cached", async () => {
    const a = authorizer(300);
    const apiId = uniqueName("api");
    const tok = await token({ token_use: "id" }, Math.floor(Date.now() / 1000) - 60);
    expect(await call(a, apiId, tok)).toMatchObject({ ok: false, verified: 1 });
    expect(await call(a, apiId, tok)).toMatchObject({ ok: false, verified: 1 });
  });

  it("an entry lives for the TTL, but never past the token's exp", () => {
    const now = 1_000_000_000_000;
    expect(cognitoCacheUntil(now, 300, now / 1000 + 3600)).toBe(now + 300_000);
    expect(cognitoCacheUntil(now, 300, now / 1000 + 60)).toBe(now + 60_000);
    expect(cognitoCacheUntil(now, 300, undefined)).toBe(now + 300_000);
    expect(cognitoCacheUntil(now, 0, now / 1000 + 60)).toBeNull();
    expect(cognitoCacheUntil(now, 300, now / 1000)).toBeNull();
  });

  it("FlushStageAuthorizersCache drops the stage's entries at once in this process", async () => {
    const a = authorizer(300);
    const apiId = uniqueName("api");
    const tok = await token({ token_use: "id" });
    await call(a, apiId, tok);
    expect(await call(a, apiId, tok)).toMatchObject({ verified: 0 });
    await flushStageAuthorizersCache(apiId, "dev"); // another stage: kept
    expect(await call(a, apiId, tok)).toMatchObject({ verified: 0 });
    await flushStageAuthorizersCache(apiId, "prod");
    expect(await call(a, apiId, tok)).toEqual({ ok: true, verified: 1, fetched: 1 });
    expect(await call(a, apiId, tok)).toMatchObject({ verified: 0 });
  });

  it("a flush announced by another process (NOTIFY) drops the entries here", async () => {
    const a = authorizer(300);
    const apiId = uniqueName("api");
    const tok = await token({ token_use: "id" });
    await call(a, apiId, tok);
    expect(await call(a, apiId, tok)).toMatchObject({ verified: 0 });
    await listenForAuthorizerFlushes();
    await notifyAuthorizerFlush(pool(), "signalbox_apigw_authorizers_flush", `${apiId}/prod`);
    let verified = 0;
    for (let i = 0; i < 100 && !verified; i++) {
      await new Promise((ok) => setTimeout(ok, 10));
      verified = (await call(a, apiId, tok)).verified;
    }
    expect(verified).toBe(1);
  });
});

import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import { guardedRequest } from "../../../platform/guarded-http";
import { logger } from "../../../logger";

// JWT authorizers (API Gateway v2): a token is valid when its signature verifies with a key of the
// issuer's JWKS (found through `<issuer>/.well-known/openid-configuration`, fetched with the guarded
// HTTP client and cached per process), `iss` is the issuer, `aud` (or `client_id`) is one of the
// audiences, and `exp` / `nbf` hold. Scopes come from `scope` (space separated) or `scp`.

export type JwtOutcome =
  { ok: true; claims: JWTPayload; scopes: string[] } | { ok: false; reason: "invalid_token"; description: string };

const TTL_MS = 2 * 60 * 60 * 1000;
const REFRESH_MIN_MS = 60 * 1000;
const jwksCache = new Map<string, { jwks: JSONWebKeySet; fetched: number }>();

async function fetchJson(url: string): Promise<unknown> {
  const r = await guardedRequest({
    url,
    method: "GET",
    headers: { accept: "application/json" },
    totalTimeoutMs: 5_000,
    connectTimeoutMs: 3_000,
    maxResponseBytes: 1024 * 1024,
  });
  if (!r.ok) throw new Error(`fetching ${url} failed: ${r.kind}`);
  if (r.status !== 200) throw new Error(`fetching ${url} answered ${r.status}`);
  return JSON.parse(r.body.toString("utf8"));
}

async function loadJwks(issuer: string, force: boolean): Promise<JSONWebKeySet> {
  const hit = jwksCache.get(issuer);
  const now = Date.now();
  if (hit && now - hit.fetched < (force ? REFRESH_MIN_MS : TTL_MS)) return hit.jwks;
  const config = (await fetchJson(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`)) as {
    jwks_uri?: string;
  };
  if (!config?.jwks_uri) throw new Error("the issuer's OpenID configuration has no jwks_uri");
  const jwks = (await fetchJson(config.jwks_uri)) as JSONWebKeySet;
  if (!jwks || !Array.isArray(jwks.keys)) throw new Error("the issuer's JWKS has no keys");
  jwksCache.set(issuer, { jwks, fetched: now });
  if (jwksCache.size > 500) jwksCache.delete(jwksCache.keys().next().value!);
  return jwks;
}

async function loadJwksAt(jwksUri: string, force: boolean): Promise<JSONWebKeySet> {
  const key = `uri:${jwksUri}`;
  const hit = jwksCache.get(key);
  const now = Date.now();
  if (hit && now - hit.fetched < (force ? REFRESH_MIN_MS : TTL_MS)) return hit.jwks;
  const jwks = (await fetchJson(jwksUri)) as JSONWebKeySet;
  if (!jwks || !Array.isArray(jwks.keys)) throw new Error("the JWKS has no keys");
  jwksCache.set(key, { jwks, fetched: now });
  if (jwksCache.size > 500) jwksCache.delete(jwksCache.keys().next().value!);
  return jwks;
}

/**
 * Verifies `token`'s signature with a key of the JWKS at `jwksUri` (cached as above, fetched again
 * at most once a minute when the token's key is not in it), its `iss` and `exp` / `nbf`. For
 * issuers whose JWKS address is known without discovery (Cognito user pools).
 */
export async function verifyJwtAt(
  token: string,
  jwksUri: string,
  issuer: string,
): Promise<{ ok: true; claims: JWTPayload } | { ok: false; description: string }> {
  const verifyWith = async (jwks: JSONWebKeySet) =>
    jwtVerify(token, createLocalJWKSet(jwks), { issuer, clockTolerance: 0 });
  try {
    let jwks: JSONWebKeySet;
    try {
      jwks = await loadJwksAt(jwksUri, false);
    } catch (e) {
      logger.debug({ err: e, jwksUri }, "jwt: JWKS unavailable");
      return { ok: false, description: "the issuer's signing keys are not available" };
    }
    try {
      return { ok: true, claims: (await verifyWith(jwks)).payload };
    } catch (e) {
      if ((e as { code?: string }).code !== "ERR_JWKS_NO_MATCHING_KEY") throw e;
      return { ok: true, claims: (await verifyWith(await loadJwksAt(jwksUri, true))).payload };
    }
  } catch (e) {
    return { ok: false, description: (e as { code?: string }).code ?? "the token is not valid" };
  }
}

/** Verifies `token` for an authorizer's issuer and audiences. */
export async function verifyJwt(token: string, issuer: string, audience: string[]): Promise<JwtOutcome> {
  const verifyWith = async (jwks: JSONWebKeySet) =>
    jwtVerify(token, createLocalJWKSet(jwks), { issuer, clockTolerance: 0 });
  let claims: JWTPayload;
  try {
    let jwks: JSONWebKeySet;
    try {
      jwks = await loadJwks(issuer, false);
    } catch (e) {
      logger.debug({ err: e, issuer }, "jwt authorizer: JWKS unavailable");
      return { ok: false, reason: "invalid_token", description: "the issuer's signing keys are not available" };
    }
    try {
      claims = (await verifyWith(jwks)).payload;
    } catch (e) {
      if ((e as { code?: string }).code !== "ERR_JWKS_NO_MATCHING_KEY") throw e;
      // A key rotated in since we cached the set: fetch it again (at most once a minute).
      claims = (await verifyWith(await loadJwks(issuer, true))).payload;
    }
  } catch (e) {
    const code = (e as { code?: string }).code ?? "";
    const description =
      code === "ERR_JWT_EXPIRED"
        ? "the token has expired"
        : code === "ERR_JWT_CLAIM_VALIDATION_FAILED"
          ? `the token's ${(e as { claim?: string }).claim ?? "claims"} is not valid`
          : "the token is not valid";
    return { ok: false, reason: "invalid_token", description };
  }
  const aud = [claims.aud ?? []].flat();
  const clientId = typeof claims.client_id === "string" ? [claims.client_id] : [];
  if (![...aud, ...clientId].some((a) => audience.includes(a)))
    return { ok: false, reason: "invalid_token", description: "the token's audience is not valid" };
  const scopes =
    typeof claims.scope === "string"
      ? claims.scope.split(" ").filter(Boolean)
      : Array.isArray(claims.scp)
        ? (claims.scp as unknown[]).map(String)
        : typeof claims.scp === "string"
          ? claims.scp.split(" ").filter(Boolean)
          : [];
  return { ok: true, claims, scopes };
}

/** Forgets every cached JWKS (tests). */
export function clearJwksCache(): void {
  jwksCache.clear();
}

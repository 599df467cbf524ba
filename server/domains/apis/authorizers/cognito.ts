import type { JWTPayload } from "jose";
import { verifyJwtAt } from "./jwt";

// COGNITO_USER_POOLS authorizers of REST APIs: the token (from the authorizer's identity source,
// the Authorization header by default) must be signed by a key of one of the authorizer's user
// pools (JWKS at `<Cognito IdP URL>/<pool id>/.well-known/jwks.json`), issued by that pool, not
// expired, and an ID or access token (`token_use`). Which of the two depends on the method, as in
// API Gateway: a method without authorizationScopes takes an ID token (an access token is refused),
// a method with authorizationScopes takes an access token whose `scope` holds one of them (an ID
// token is refused). The audience is not checked: a REST API's Cognito authorizer names pools, not
// app clients, so a token of any app client of the pool passes (an ID token carries the client in
// `aud`, an access token in `client_id`; templates can read both from the claims). The claims go to
// $context.authorizer.claims.
//
// Verifying (signature, issuer, expiry) is the costly part and depends on the token alone, so the
// gateway caches verifyCognitoIdentity's result per authorizer and token; admitCognitoClaims (the
// method's token-use and scope rules) runs on every request.
//
// SIGNALBOX_COGNITO_IDP_URL replaces `https://cognito-idp.<region>.amazonaws.com` (issuer and JWKS),
// for an operator running a Cognito-compatible identity provider (and for tests).

export type CognitoOutcome = { ok: true; claims: Record<string, string> } | { ok: false; description: string };
export type CognitoIdentity = { ok: true; claims: JWTPayload } | { ok: false; description: string };

const POOL_ARN = /^arn:aws[\w-]*:cognito-idp:([a-z0-9-]+):\d{12}:userpool\/([\w-]+)$/;

/** The issuer of a user pool's tokens, or null for a malformed provider ARN. */
export function userPoolIssuer(providerArn: string): string | null {
  const m = POOL_ARN.exec(providerArn);
  if (!m) return null;
  const base = (process.env.SIGNALBOX_COGNITO_IDP_URL ?? `https://cognito-idp.${m[1]}.amazonaws.com`).replace(
    /\/$/,
    "",
  );
  return `${base}/${m[2]}`;
}

function unverifiedIssuer(token: string): string | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as {
      iss?: unknown;
    };
    return typeof payload.iss === "string" ? payload.iss : null;
  } catch {
    return null;
  }
}

/** The token as the identity source carries it, without a `Bearer ` prefix. */
export function cognitoToken(raw: string): string {
  return raw.replace(/^Bearer\s+/i, "").trim();
}

/** Verifies a Cognito token's signature, issuer (one of the authorizer's pools) and expiry. */
export async function verifyCognitoIdentity(token: string, providerArns: string[]): Promise<CognitoIdentity> {
  const iss = unverifiedIssuer(token);
  // The pool is chosen by the token's issuer, then everything is verified against that pool.
  const issuer = providerArns.map(userPoolIssuer).find((i) => i !== null && i === iss);
  if (!issuer) return { ok: false, description: "the token was not issued by the authorizer's user pools" };
  const v = await verifyJwtAt(token, `${issuer}/.well-known/jwks.json`, issuer);
  if (!v.ok) return v;
  const use = v.claims.token_use;
  if (use !== "id" && use !== "access")
    return { ok: false, description: "the token is neither an ID nor an access token" };
  return v;
}

/** The method's rules on verified claims: ID token without scopes, access token with one of them. */
export function admitCognitoClaims(claims: JWTPayload, authorizationScopes: string[] | undefined): CognitoOutcome {
  const use = claims.token_use;
  if (authorizationScopes?.length) {
    if (use !== "access") return { ok: false, description: "the method's scopes need an access token" };
    const scopes = typeof claims.scope === "string" ? claims.scope.split(" ").filter(Boolean) : [];
    if (!authorizationScopes.some((s) => scopes.includes(s)))
      return { ok: false, description: "the token has none of the method's scopes" };
  } else if (use !== "id") {
    return { ok: false, description: "a method without authorization scopes takes an ID token" };
  }
  // API Gateway hands the claims to mapping templates as strings.
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(claims))
    out[k] = typeof val === "string" ? val : Array.isArray(val) ? val.join(",") : String(val);
  return { ok: true, claims: out };
}

/**
 * Until when (epoch ms) a verified token's claims may be reused: the authorizer's TTL, but never past
 * the token's `exp` (seconds); null when it must not be cached at all.
 */
export function cognitoCacheUntil(now: number, ttlSeconds: number, exp: unknown): number | null {
  if (!(ttlSeconds > 0)) return null;
  const until = Math.min(now + ttlSeconds * 1000, typeof exp === "number" ? exp * 1000 : Infinity);
  return until > now ? until : null;
}

/** Checks a Cognito token against the authorizer's user pools and the method's scopes (no cache). */
export async function verifyCognitoToken(
  rawToken: string,
  providerArns: string[],
  authorizationScopes: string[] | undefined,
): Promise<CognitoOutcome> {
  const v = await verifyCognitoIdentity(cognitoToken(rawToken), providerArns);
  return v.ok ? admitCognitoClaims(v.claims, authorizationScopes) : v;
}

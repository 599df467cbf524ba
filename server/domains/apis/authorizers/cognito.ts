import { verifyJwtAt } from "./jwt";

// COGNITO_USER_POOLS authorizers of REST APIs: the token (from the authorizer's identity source,
// the Authorization header by default) must be signed by a key of one of the authorizer's user
// pools (JWKS at `<Cognito IdP URL>/<pool id>/.well-known/jwks.json`), issued by that pool, not
// expired, and an ID or access token (`token_use`). A method with authorizationScopes needs an
// access token whose `scope` holds one of them. The claims go to $context.authorizer.claims.
//
// SIGNALBOX_COGNITO_IDP_URL replaces `https://cognito-idp.<region>.amazonaws.com` (issuer and JWKS),
// for an operator running a Cognito-compatible identity provider (and for tests).

export type CognitoOutcome = { ok: true; claims: Record<string, string> } | { ok: false; description: string };

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

/** Checks a Cognito token against the authorizer's user pools and the method's scopes. */
export async function verifyCognitoToken(
  rawToken: string,
  providerArns: string[],
  authorizationScopes: string[] | undefined,
): Promise<CognitoOutcome> {
  const token = rawToken.replace(/^Bearer\s+/i, "").trim();
  const iss = unverifiedIssuer(token);
  // The pool is chosen by the token's issuer, then everything is verified against that pool.
  const issuer = providerArns.map(userPoolIssuer).find((i) => i !== null && i === iss);
  if (!issuer) return { ok: false, description: "the token was not issued by the authorizer's user pools" };
  const v = await verifyJwtAt(token, `${issuer}/.well-known/jwks.json`, issuer);
  if (!v.ok) return v;
  const use = v.claims.token_use;
  if (use !== "id" && use !== "access")
    return { ok: false, description: "the token is neither an ID nor an access token" };
  if (authorizationScopes?.length) {
    if (use !== "access") return { ok: false, description: "the method's scopes need an access token" };
    const scopes = typeof v.claims.scope === "string" ? v.claims.scope.split(" ").filter(Boolean) : [];
    if (!authorizationScopes.some((s) => scopes.includes(s)))
      return { ok: false, description: "the token has none of the method's scopes" };
  }
  // API Gateway hands the claims to mapping templates as strings.
  const claims: Record<string, string> = {};
  for (const [k, val] of Object.entries(v.claims))
    claims[k] = typeof val === "string" ? val : Array.isArray(val) ? val.join(",") : String(val);
  return { ok: true, claims };
}

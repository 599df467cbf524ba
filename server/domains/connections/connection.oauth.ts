import { pool } from "../../db";
import { buildTokenRequest, parseTokenResponse, type AuthParameters } from "../../core/connections/auth-params";
import { guardedRequest } from "../../platform/guarded-http";
import type { AllowList } from "../../core/net/ip-guard";
import { openSecret, sealSecret } from "../../platform/secrets";
import { updateConnectionRow, type ConnectionRow } from "./connection.repository";

// OAuth client credentials: the access token is fetched from the connection's authorization
// endpoint (through the guarded client), sealed and cached on the connection until it expires
// (a minute early), and fetched again when an endpoint answers 401/407 (`force`).

const EARLY_SECONDS = 60;

export const sealToken = (connId: string, token: string) => sealSecret(token, `connection-token:${connId}`);
const openToken = (connId: string, sealed: string) => openSecret(sealed, `connection-token:${connId}`);

export type TokenResult = { ok: true; token: string } | { ok: false; error: string; permanent: boolean };

export async function fetchOAuthToken(
  auth: AuthParameters,
  allowList?: AllowList,
): Promise<TokenResult & { expiresAt?: Date | null }> {
  const req = buildTokenRequest(auth.OAuthParameters!);
  const res = await guardedRequest({ ...req, totalTimeoutMs: 5_000, maxResponseBytes: 64 * 1024, allowList });
  if (!res.ok)
    return {
      ok: false,
      error: `The authorization endpoint could not be reached: ${res.kind}: ${res.error}`,
      permanent: res.kind === "blocked" || res.kind === "bad_url",
    };
  if (res.status < 200 || res.status >= 300)
    return { ok: false, error: `The authorization endpoint answered HTTP ${res.status}`, permanent: false };
  const t = parseTokenResponse(res.body.toString("utf8"));
  if (!t) return { ok: false, error: "The authorization endpoint's answer has no access_token", permanent: false };
  return {
    ok: true,
    token: t.token,
    expiresAt: t.expiresInSeconds === null ? null : new Date(Date.now() + (t.expiresInSeconds - EARLY_SECONDS) * 1000),
  };
}

/** The cached token, or a new one (stored on the connection). */
export async function oauthToken(
  conn: ConnectionRow,
  auth: AuthParameters,
  opts: { force?: boolean; allowList?: AllowList } = {},
): Promise<TokenResult> {
  if (
    !opts.force &&
    conn.oauthTokenEnc &&
    (conn.oauthTokenExpiresAt === null || conn.oauthTokenExpiresAt.getTime() > Date.now())
  )
    return { ok: true, token: openToken(conn.id, conn.oauthTokenEnc) };
  const t = await fetchOAuthToken(auth, opts.allowList);
  if (!t.ok) {
    await updateConnectionRow(
      pool(),
      conn.tenantId,
      conn.id,
      { state: "DEAUTHORIZED", stateReason: t.error, oauthTokenEnc: null, oauthTokenExpiresAt: null },
      { touch: false },
    );
    return t;
  }
  await updateConnectionRow(
    pool(),
    conn.tenantId,
    conn.id,
    {
      oauthTokenEnc: sealToken(conn.id, t.token),
      oauthTokenExpiresAt: t.expiresAt ?? null,
      state: "AUTHORIZED",
      stateReason: null,
      lastAuthorizedAt: new Date(),
    },
    { touch: false },
  );
  return { ok: true, token: t.token };
}

// EventBridge connection authorization and API destination requests, pure (no I/O): validate
// AuthParameters for an AuthorizationType, split them into what DescribeConnection shows and what
// stays secret, and build the HTTP request an API destination sends (path `*` values, headers, query,
// body parameters, the connection's auth) and classify its answer as AWS documents.

export const AUTH_TYPES = ["API_KEY", "BASIC", "OAUTH_CLIENT_CREDENTIALS"] as const;
export type AuthType = (typeof AUTH_TYPES)[number];
export const HTTP_METHODS = ["POST", "GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export const OAUTH_METHODS = ["GET", "POST", "PUT"] as const;

export type Param = { Key: string; Value?: string; IsValueSecret?: boolean };
export type HttpParams = { HeaderParameters?: Param[]; QueryStringParameters?: Param[]; BodyParameters?: Param[] };

export type AuthParameters = {
  ApiKeyAuthParameters?: { ApiKeyName?: string; ApiKeyValue?: string };
  BasicAuthParameters?: { Username?: string; Password?: string };
  OAuthParameters?: {
    ClientParameters?: { ClientID?: string; ClientSecret?: string };
    AuthorizationEndpoint?: string;
    HttpMethod?: string;
    OAuthHttpParameters?: HttpParams;
  };
  InvocationHttpParameters?: HttpParams;
};

const KEY_FOR: Record<AuthType, keyof AuthParameters> = {
  API_KEY: "ApiKeyAuthParameters",
  BASIC: "BasicAuthParameters",
  OAUTH_CLIENT_CREDENTIALS: "OAuthParameters",
};

export type Problem = { message: string; field: string };

function checkParams(p: HttpParams | undefined, field: string): Problem | null {
  if (!p) return null;
  for (const k of ["HeaderParameters", "QueryStringParameters", "BodyParameters"] as const) {
    const list = p[k];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length > 100)
      return { message: `${field}.${k} must be a list of at most 100 entries.`, field };
    for (const e of list)
      if (
        !e ||
        typeof e.Key !== "string" ||
        !e.Key ||
        e.Key.length > 512 ||
        (e.Value !== undefined && typeof e.Value !== "string")
      )
        return { message: `${field}.${k} entries need a Key (1-512 characters) and a string Value.`, field };
  }
  return null;
}

/**
 * Checks AuthParameters against an AuthorizationType. `complete` (CreateConnection) requires every
 * credential; UpdateConnection may send only what changes (merged over the stored ones first).
 */
export function checkAuthParameters(type: AuthType, p: AuthParameters): Problem | null {
  const key = KEY_FOR[type];
  for (const other of Object.values(KEY_FOR))
    if (other !== key && p[other] !== undefined)
      return { message: `${other} is not valid for authorization type ${type}.`, field: other };
  const given = p[key];
  if (!given) return { message: `${key} must be specified for authorization type ${type}.`, field: key };
  if (type === "API_KEY") {
    const a = p.ApiKeyAuthParameters!;
    if (!a.ApiKeyName || !a.ApiKeyValue)
      return { message: "ApiKeyAuthParameters requires ApiKeyName and ApiKeyValue.", field: key };
    if (a.ApiKeyName.length > 512 || a.ApiKeyValue.length > 512)
      return { message: "ApiKeyName and ApiKeyValue must be at most 512 characters.", field: key };
  } else if (type === "BASIC") {
    const b = p.BasicAuthParameters!;
    if (!b.Username || !b.Password)
      return { message: "BasicAuthParameters requires Username and Password.", field: key };
    if (b.Username.length > 512 || b.Password.length > 512)
      return { message: "Username and Password must be at most 512 characters.", field: key };
  } else {
    const o = p.OAuthParameters!;
    if (!o.ClientParameters?.ClientID || !o.ClientParameters?.ClientSecret)
      return { message: "OAuthParameters.ClientParameters requires ClientID and ClientSecret.", field: key };
    if (!o.AuthorizationEndpoint) return { message: "OAuthParameters requires AuthorizationEndpoint.", field: key };
    if (!/^https?:\/\//.test(o.AuthorizationEndpoint) || o.AuthorizationEndpoint.length > 2048)
      return { message: "AuthorizationEndpoint must be an http(s) URL of at most 2048 characters.", field: key };
    if (!o.HttpMethod || !(OAUTH_METHODS as readonly string[]).includes(o.HttpMethod))
      return { message: "OAuthParameters.HttpMethod must be one of GET, POST, PUT.", field: key };
    const bad = checkParams(o.OAuthHttpParameters, "OAuthHttpParameters");
    if (bad) return bad;
  }
  return checkParams(p.InvocationHttpParameters, "InvocationHttpParameters");
}

function publicParams(p: HttpParams | undefined): HttpParams | undefined {
  if (!p) return undefined;
  const strip = (list?: Param[]) =>
    list?.map((e) =>
      e.IsValueSecret ? { Key: e.Key, IsValueSecret: true } : { Key: e.Key, Value: e.Value, IsValueSecret: false },
    );
  const out: HttpParams = {};
  if (p.HeaderParameters) out.HeaderParameters = strip(p.HeaderParameters);
  if (p.QueryStringParameters) out.QueryStringParameters = strip(p.QueryStringParameters);
  if (p.BodyParameters) out.BodyParameters = strip(p.BodyParameters);
  return out;
}

/** What DescribeConnection shows: never a key value, password, client secret or secret parameter value. */
export function publicAuthParameters(p: AuthParameters): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (p.ApiKeyAuthParameters) out.ApiKeyAuthParameters = { ApiKeyName: p.ApiKeyAuthParameters.ApiKeyName };
  if (p.BasicAuthParameters) out.BasicAuthParameters = { Username: p.BasicAuthParameters.Username };
  if (p.OAuthParameters) {
    const o = p.OAuthParameters;
    const v: Record<string, unknown> = {
      ClientParameters: { ClientID: o.ClientParameters?.ClientID },
      AuthorizationEndpoint: o.AuthorizationEndpoint,
      HttpMethod: o.HttpMethod,
    };
    if (o.OAuthHttpParameters) v.OAuthHttpParameters = publicParams(o.OAuthHttpParameters);
    out.OAuthParameters = v;
  }
  if (p.InvocationHttpParameters) out.InvocationHttpParameters = publicParams(p.InvocationHttpParameters);
  return out;
}

/** UpdateConnection's AuthParameters merged over the stored ones (credentials left out stay as they were). */
export function mergeAuthParameters(stored: AuthParameters, update: AuthParameters): AuthParameters {
  const out: AuthParameters = { ...stored };
  if (update.ApiKeyAuthParameters)
    out.ApiKeyAuthParameters = { ...stored.ApiKeyAuthParameters, ...defined(update.ApiKeyAuthParameters) };
  if (update.BasicAuthParameters)
    out.BasicAuthParameters = { ...stored.BasicAuthParameters, ...defined(update.BasicAuthParameters) };
  if (update.OAuthParameters) {
    const s = stored.OAuthParameters ?? {};
    const u = update.OAuthParameters;
    out.OAuthParameters = {
      ...s,
      ...defined({ AuthorizationEndpoint: u.AuthorizationEndpoint, HttpMethod: u.HttpMethod }),
      ClientParameters: { ...s.ClientParameters, ...defined(u.ClientParameters ?? {}) },
      ...(u.OAuthHttpParameters ? { OAuthHttpParameters: u.OAuthHttpParameters } : {}),
    };
  }
  if (update.InvocationHttpParameters) out.InvocationHttpParameters = update.InvocationHttpParameters;
  return out;
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A rule target's HttpParameters (Targets[].HttpParameters). */
export type TargetHttpParameters = {
  PathParameterValues?: string[];
  HeaderParameters?: Record<string, string>;
  QueryStringParameters?: Record<string, string>;
};

/**
 * HttpParameters values may be JSON paths into the event (`$.detail.id`), as on AWS; a path that
 * finds nothing gives an empty string, an object or array its JSON text.
 */
export function resolveParameter(value: string, event: unknown): string {
  if (!value.startsWith("$.") && value !== "$") return value;
  let cur: unknown = event;
  for (const key of value === "$" ? [] : value.slice(2).split(".")) {
    if (cur === null || typeof cur !== "object") return "";
    cur = (cur as Record<string, unknown>)[key];
  }
  if (cur === undefined || cur === null) return "";
  return typeof cur === "string" ? cur : JSON.stringify(cur);
}

export type BuiltRequest = {
  url: string;
  method: HttpMethod;
  headers: Record<string, string>;
  body: string | undefined;
};

/**
 * The request an API destination sends: `*` in the endpoint replaced by PathParameterValues in
 * order, the target's headers and query parameters, then the connection's invocation parameters
 * (the connection wins on the same key) and its authorization.
 */
export function buildApiDestinationRequest(input: {
  endpoint: string;
  method: HttpMethod;
  payload: string;
  target?: TargetHttpParameters;
  /** The event the target's JSON-path parameters read (default: the payload). */
  event?: string;
  auth: AuthParameters;
  authType: AuthType;
  oauthToken?: string | null;
}): { ok: true; request: BuiltRequest } | { ok: false; error: string } {
  let event: unknown = null;
  try {
    event = JSON.parse(input.event ?? input.payload);
  } catch {
    event = null;
  }
  const values = (input.target?.PathParameterValues ?? []).map((v) => resolveParameter(v, event));
  const stars = (input.endpoint.match(/\*/g) ?? []).length;
  if (stars !== values.length)
    return {
      ok: false,
      error: `The endpoint has ${stars} path parameter(s) (*) but the target gives ${values.length} PathParameterValues`,
    };
  let i = 0;
  const url = new URL(input.endpoint.replace(/\*/g, () => encodeURIComponent(values[i++]!)));
  const headers: Record<string, string> = {
    "content-type": "application/json; charset=utf-8",
    "user-agent": "Amazon/EventBridge/ApiDestinations",
    range: "bytes=0-1048575",
  };
  for (const [k, v] of Object.entries(input.target?.HeaderParameters ?? {}))
    headers[k.toLowerCase()] = resolveParameter(v, event);
  for (const [k, v] of Object.entries(input.target?.QueryStringParameters ?? {}))
    url.searchParams.set(k, resolveParameter(v, event));
  const inv = input.auth.InvocationHttpParameters;
  for (const p of inv?.HeaderParameters ?? []) headers[p.Key.toLowerCase()] = p.Value ?? "";
  for (const p of inv?.QueryStringParameters ?? []) url.searchParams.set(p.Key, p.Value ?? "");
  let body: string | undefined = input.method === "GET" || input.method === "HEAD" ? undefined : input.payload;
  if (body !== undefined && inv?.BodyParameters?.length) {
    try {
      const o = JSON.parse(body) as unknown;
      if (o && typeof o === "object" && !Array.isArray(o)) {
        for (const p of inv.BodyParameters) (o as Record<string, unknown>)[p.Key] = p.Value ?? "";
        body = JSON.stringify(o);
      }
    } catch {
      // a non-JSON body is sent as it is
    }
  }
  if (input.authType === "API_KEY") {
    const a = input.auth.ApiKeyAuthParameters!;
    headers[a.ApiKeyName!.toLowerCase()] = a.ApiKeyValue!;
  } else if (input.authType === "BASIC") {
    const b = input.auth.BasicAuthParameters!;
    headers.authorization = `Basic ${Buffer.from(`${b.Username}:${b.Password}`).toString("base64")}`;
  } else if (input.oauthToken) {
    headers.authorization = `Bearer ${input.oauthToken}`;
  }
  return { ok: true, request: { url: url.toString(), method: input.method, headers, body } };
}

/**
 * AWS: EventBridge retries 401, 407, 409, 429 and 5xx; 1xx, 3xx and other 4xx are not retried.
 * (A 401/407 also makes an OAuth connection fetch a new token before the retry.)
 */
export function classifyApiDestinationStatus(status: number): "success" | "retryable" | "permanent" {
  if (status >= 200 && status < 300) return "success";
  if (status === 401 || status === 407 || status === 409 || status === 429 || status >= 500) return "retryable";
  return "permanent";
}

/** The OAuth client-credentials token request: client id and secret as Basic auth, the connection's OAuth parameters. */
export function buildTokenRequest(o: NonNullable<AuthParameters["OAuthParameters"]>): BuiltRequest {
  const url = new URL(o.AuthorizationEndpoint!);
  const headers: Record<string, string> = {
    authorization: `Basic ${Buffer.from(`${o.ClientParameters!.ClientID}:${o.ClientParameters!.ClientSecret}`).toString("base64")}`,
    accept: "application/json",
    "user-agent": "Amazon/EventBridge/ApiDestinations",
  };
  const p = o.OAuthHttpParameters;
  for (const h of p?.HeaderParameters ?? []) headers[h.Key.toLowerCase()] = h.Value ?? "";
  for (const q of p?.QueryStringParameters ?? []) url.searchParams.set(q.Key, q.Value ?? "");
  const form = new URLSearchParams();
  const bodyParams = p?.BodyParameters ?? [];
  if (!bodyParams.some((b) => b.Key === "grant_type")) form.set("grant_type", "client_credentials");
  for (const b of bodyParams) form.set(b.Key, b.Value ?? "");
  const method = o.HttpMethod as HttpMethod;
  if (method === "GET") {
    for (const [k, v] of form) url.searchParams.set(k, v);
    return { url: url.toString(), method, headers, body: undefined };
  }
  headers["content-type"] = "application/x-www-form-urlencoded";
  return { url: url.toString(), method, headers, body: form.toString() };
}

/** Reads a token endpoint's answer: access_token and expires_in (seconds), as OAuth 2.0 defines them. */
export function parseTokenResponse(body: string): { token: string; expiresInSeconds: number | null } | null {
  try {
    const o = JSON.parse(body) as Record<string, unknown>;
    if (typeof o.access_token !== "string" || !o.access_token) return null;
    const exp = Number(o.expires_in);
    return { token: o.access_token, expiresInSeconds: Number.isFinite(exp) && exp > 0 ? exp : null };
  } catch {
    return null;
  }
}

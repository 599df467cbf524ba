// Host routing for API Gateway's execute-api form. When the operator sets
// SIGNALBOX_EXECUTE_API_DOMAIN (e.g. `api.example.com`, with a wildcard DNS record and certificate
// for `*.execute-api.api.example.com`), a request whose Host is `<api id>.execute-api.<domain>`
// (any port) is served as `/gw/<api id>/<path>`, for REST, HTTP and WebSocket APIs alike, and
// invoke URLs / apiEndpoint take that form. Unset: only the `/gw/<api id>/…` paths exist.

export const executeApiDomain = (): string | null => {
  const d = process.env.SIGNALBOX_EXECUTE_API_DOMAIN?.trim()
    .toLowerCase()
    .replace(/^\.+|\.+$/g, "");
  return d ? d : null;
};

const API_ID = /^[a-z0-9]{1,64}$/;

/**
 * The `/gw/<api id>/…` path a request addressed to `<api id>.execute-api.<domain>` stands for, or
 * null when the Host is not of that form (or no domain is configured).
 */
export function executeApiPath(host: string | string[] | undefined, url: string): string | null {
  const domain = executeApiDomain();
  if (!domain || typeof host !== "string") return null;
  const name = host.trim().toLowerCase().replace(/:\d+$/, "").replace(/\.$/, "");
  const suffix = `.execute-api.${domain}`;
  if (!name.endsWith(suffix)) return null;
  const apiId = name.slice(0, -suffix.length);
  if (!API_ID.test(apiId)) return null;
  return `/gw/${apiId}${url.startsWith("/") ? url : `/${url}`}`;
}

/**
 * Where an API is invoked: `<scheme>://<api id>.execute-api.<domain>[:port]` when a domain is set
 * (scheme and port of `baseUrl`), else `<baseUrl>/gw/<api id>`. No trailing slash.
 */
export function executeApiBase(baseUrl: string, apiId: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  const domain = executeApiDomain();
  if (!domain) return `${base}/gw/${apiId}`;
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    return `${base}/gw/${apiId}`;
  }
  return `${u.protocol}//${apiId}.execute-api.${domain}${u.port ? `:${u.port}` : ""}`;
}

// A host-routed request's URL is rewritten to /gw/<api id>/…; a SigV4 signature (AWS_IAM routes,
// @connections) was computed over the URL the client sent, which is kept here for verification.
const sentUrls = new WeakMap<object, string>();

/** Rewrites a host-routed request's URL to its /gw/ form (keeping the sent one); true if it was. */
export function routeByHost(req: { url?: string; headers: { host?: string } }): boolean {
  const sent = req.url ?? "/";
  const routed = executeApiPath(req.headers.host, sent);
  if (!routed) return false;
  sentUrls.set(req, sent);
  req.url = routed;
  return true;
}

/** The URL as the client sent (and signed) it. */
export const sentUrlOf = (req: { url?: string }): string => sentUrls.get(req) ?? req.url ?? "/";

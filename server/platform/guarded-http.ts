import http from "node:http";
import https from "node:https";
import dns from "node:dns";
import net from "node:net";
import { env } from "../env";
import { checkAddress, parseAllowList, type AllowList } from "../core/net/ip-guard";

// The ONE HTTP client for URLs a tenant chose (webhooks, subscription confirmations, later event-bus
// targets and workflow HTTP tasks). It resolves the host itself, refuses private/loopback/
// link-local/metadata/unique-local addresses unless the operator allow-list permits them, then
// connects to the address it checked (no second lookup, so DNS rebinding cannot swap it), with
// connect and total timeouts, a response-size cap, and redirects off unless asked for (each hop is
// checked again).

export type GuardedRequest = {
  url: string;
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";
  headers?: Record<string, string>;
  body?: string | Buffer;
  connectTimeoutMs?: number;
  totalTimeoutMs?: number;
  /** Bytes of response body kept (the rest is discarded). */
  maxResponseBytes?: number;
  /** 0 (default): a 3xx is returned as is. */
  maxRedirects?: number;
  /** Tests pass their own; default is SIGNALBOX_WEBHOOK_ALLOWLIST. */
  allowList?: AllowList;
};

export type GuardedResponse =
  | {
      ok: true;
      status: number;
      headers: Record<string, string>;
      body: Buffer;
      truncated: boolean;
      durationMs: number;
      address: string;
    }
  | {
      ok: false;
      kind: "blocked" | "dns" | "connect_timeout" | "timeout" | "network" | "bad_url";
      error: string;
      durationMs: number;
      address?: string;
    };

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_TOTAL_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

let envAllow: AllowList | undefined;
function defaultAllowList(): AllowList {
  return (envAllow ??= parseAllowList(env().SIGNALBOX_WEBHOOK_ALLOWLIST).list);
}

// Keep-alive pools: a busy endpoint reuses its connections. Every new connection goes through
// the pinned lookup below, so a pooled socket is always to an address that was checked. Every
// socket a host may use is kept when idle (until the timeout): with fewer kept, a burst above
// that many requests (an API's HTTP_PROXY under load) closes sockets it reopens a moment later,
// and the connects add latency just when the machine is busiest.
const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 128, maxFreeSockets: 128, timeout: 60_000 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 128, maxFreeSockets: 128, timeout: 60_000 }),
};

type Resolved =
  | { ok: true; address: string; family: 4 | 6 }
  | { ok: false; kind: "blocked" | "dns"; error: string; address?: string };

export async function resolveAllowed(hostname: string, allow: AllowList): Promise<Resolved> {
  const host = hostname.replace(/^\[|\]$/g, "");
  let candidates: Array<{ address: string; family: number }>;
  if (net.isIP(host)) candidates = [{ address: host, family: net.isIP(host) }];
  else {
    try {
      candidates = await dns.promises.lookup(host, { all: true, verbatim: true });
    } catch (e) {
      return {
        ok: false,
        kind: "dns",
        error: `DNS lookup of ${host} failed: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      };
    }
  }
  // Every resolved address must pass: a name that resolves to one public and one private
  // address is refused rather than half-trusted.
  for (const c of candidates) {
    const v = checkAddress(c.address, allow);
    if (!v.allowed) return { ok: false, kind: "blocked", error: v.reason, address: v.address };
  }
  const first = candidates[0];
  if (!first) return { ok: false, kind: "dns", error: `DNS lookup of ${host} returned no address` };
  const unmapped = checkAddress(first.address, allow).address;
  return { ok: true, address: unmapped, family: net.isIPv4(unmapped) ? 4 : 6 };
}

/**
 * The address check a delivery will make, made ahead of time (when an endpoint is subscribed), so
 * a person hears at once why an address will never be reached. Only a refused address is an
 * answer here: a name that does not resolve now may resolve later, and delivery checks again.
 */
export async function refusedEndpointAddress(
  url: string,
  allow: AllowList = defaultAllowList(),
): Promise<string | null> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null; // the endpoint's syntax is checked (and refused) by its protocol's rules
  }
  const r = await resolveAllowed(u.hostname, allow);
  return !r.ok && r.kind === "blocked" ? r.error : null;
}

/**
 * Whether a host is an address the operator allow-list names (a private service allowed on purpose):
 * API destinations accept plain http:// only for those (development receivers), https:// otherwise.
 */
export function hostOnAllowList(hostname: string, allow: AllowList = defaultAllowList()): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (!net.isIP(host)) return false;
  return allow.check(host, net.isIPv4(host) ? "ipv4" : "ipv6");
}

export async function guardedRequest(req: GuardedRequest): Promise<GuardedResponse> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const allow = req.allowList ?? defaultAllowList();
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return { ok: false, kind: "bad_url", error: "invalid URL", durationMs: elapsed() };
  }
  for (let hop = 0; ; hop++) {
    if (url.protocol !== "http:" && url.protocol !== "https:")
      return { ok: false, kind: "bad_url", error: `unsupported scheme ${url.protocol}`, durationMs: elapsed() };
    if (url.username || url.password)
      return { ok: false, kind: "bad_url", error: "credentials in URLs are not sent", durationMs: elapsed() };
    const resolved = await resolveAllowed(url.hostname, allow);
    if (!resolved.ok)
      return {
        ok: false,
        kind: resolved.kind,
        error: resolved.error,
        durationMs: elapsed(),
        address: resolved.address,
      };
    const remaining = (req.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS) - elapsed();
    if (remaining <= 0) return { ok: false, kind: "timeout", error: "total timeout", durationMs: elapsed() };
    const r = await once(url, resolved, req, remaining);
    const durationMs = elapsed();
    if (!r.ok) return { ...r, durationMs, address: resolved.address };
    const location = r.headers.location;
    if (r.status >= 300 && r.status < 400 && location && hop < (req.maxRedirects ?? 0)) {
      url = new URL(location, url);
      continue;
    }
    return { ...r, durationMs, address: resolved.address };
  }
}

type Once =
  | { ok: true; status: number; headers: Record<string, string>; body: Buffer; truncated: boolean }
  | { ok: false; kind: "connect_timeout" | "timeout" | "network"; error: string };

function once(
  url: URL,
  target: { address: string; family: 4 | 6 },
  req: GuardedRequest,
  totalMs: number,
): Promise<Once> {
  const cap = req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const body = req.body === undefined ? undefined : typeof req.body === "string" ? Buffer.from(req.body) : req.body;
  const mod = url.protocol === "https:" ? https : http;
  return new Promise<Once>((resolve) => {
    let settled = false;
    const done = (v: Once) => {
      if (settled) return;
      settled = true;
      clearTimeout(total);
      resolve(v);
    };
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    if (body) headers["content-length"] = String(body.length);
    const r = mod.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port || (url.protocol === "https:" ? 443 : 80),
        path: url.pathname + url.search,
        method: req.method ?? "POST",
        headers,
        agent: agents[url.protocol as "http:" | "https:"],
        // Pin the connection to the address we checked.
        lookup: ((_host: string, opts: { all?: boolean }, cb: (...a: unknown[]) => void) => {
          if (opts?.all) cb(null, [{ address: target.address, family: target.family }]);
          else cb(null, target.address, target.family);
        }) as never,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        res.on("data", (c: Buffer) => {
          if (truncated) return;
          if (size + c.length > cap) {
            chunks.push(c.subarray(0, cap - size));
            size = cap;
            truncated = true;
            // Enough read: stop the transfer (the socket is not reused).
            res.destroy();
            finish();
            return;
          }
          chunks.push(c);
          size += c.length;
        });
        const finish = () => {
          const h: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) h[k] = Array.isArray(v) ? v.join(", ") : v;
          done({ ok: true, status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks), truncated });
        };
        res.on("end", finish);
        res.on("error", (e) => (truncated ? undefined : done({ ok: false, kind: "network", error: e.message })));
      },
    );
    const total = setTimeout(() => {
      r.destroy(new Error("total timeout"));
      done({ ok: false, kind: "timeout", error: `no complete response within ${totalMs} ms` });
    }, totalMs);
    r.on("socket", (s) => {
      if (!s.connecting) return;
      const ct = setTimeout(() => {
        r.destroy(new Error("connect timeout"));
        done({
          ok: false,
          kind: "connect_timeout",
          error: `could not connect within ${req.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS} ms`,
        });
      }, req.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
      s.once("connect", () => clearTimeout(ct));
      s.once("secureConnect", () => clearTimeout(ct));
      s.once("close", () => clearTimeout(ct));
    });
    r.on("error", (e: NodeJS.ErrnoException) =>
      done({ ok: false, kind: "network", error: e.code ? `${e.code}: ${e.message}` : e.message }),
    );
    r.end(body);
  });
}

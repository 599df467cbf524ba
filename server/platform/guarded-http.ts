import dns from "node:dns";
import net from "node:net";
import { Pool, type Dispatcher } from "undici";
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

// Keep-alive pools (undici), one per origin AND checked address AND connect timeout: every
// connection a pool opens goes to the address it was made for (its lookup is pinned), so a pooled
// socket is always to an address that was checked. A pool keeps every connection it may use idle
// (until the keep-alive timeout): with fewer kept, a burst above that many requests (an API's
// HTTP_PROXY under load) closes sockets it reopens a moment later, and the connects add latency
// just when the machine is busiest. undici rather than node:http's client: it costs about half the
// event-loop time per request, which at 1,000 proxied requests/s is what the gateway's p99 is made
// of (measured with `npm run bench:apis`).
const MAX_POOLS = 256;
const CONNECTIONS_PER_POOL = 128;
const pools = new Map<string, Pool>();

function poolFor(url: URL, target: { address: string; family: 4 | 6 }, connectTimeoutMs: number): Pool {
  const key = `${url.protocol}//${url.host}\u0000${target.address}\u0000${connectTimeoutMs}`;
  let pool = pools.get(key);
  if (pool) return pool;
  if (pools.size >= MAX_POOLS) {
    // The oldest pool goes (its requests in flight finish first).
    const [oldKey, old] = pools.entries().next().value!;
    pools.delete(oldKey);
    void old.close().catch(() => undefined);
  }
  pool = new Pool(url.origin, {
    connections: CONNECTIONS_PER_POOL,
    pipelining: 1,
    // Idle connections are kept 4 s, or the server's own Keep-Alive hint less a margin (undici's
    // default): longer, and a request may race a server that closes idle sockets sooner.
    keepAliveTimeout: 4_000,
    connect: {
      timeout: connectTimeoutMs,
      // Pin every connection to the address we checked (the name is still used for SNI and Host).
      lookup: ((_host: string, opts: { all?: boolean }, cb: (...a: unknown[]) => void) => {
        if (opts?.all) cb(null, [{ address: target.address, family: target.family }]);
        else cb(null, target.address, target.family);
      }) as never,
    },
  });
  pools.set(key, pool);
  return pool;
}

/** Headers a client must not pass through (undici computes or refuses them). */
const NOT_FORWARDED = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "expect", "content-length"]);

type Resolved =
  | { ok: true; address: string; family: 4 | 6 }
  | { ok: false; kind: "blocked" | "dns"; error: string; address?: string };

// Busy endpoints (an API's HTTP_PROXY integration at 1,000 requests/s, a webhook receiving a burst)
// ask about the same few hosts over and over. Two small memos keep that off the hot path:
// - a name's addresses, for NAME_TTL_MS (no DNS answer is trusted longer; a failed lookup is not kept);
// - each address's verdict under an allow list (the check builds SocketAddress objects for the
//   operator's BlockList, which costs more than the rest of a request's bookkeeping).
// Both are bounded and start over when full. The connection is still pinned to the address that
// was checked, so a stale name entry can only ever send a request to an address that was allowed.
const NAME_TTL_MS = 2_000;
const MEMO_MAX = 1_000;
const names = new Map<string, { at: number; candidates: Array<{ address: string; family: number }> }>();
const verdicts = new WeakMap<AllowList, Map<string, ReturnType<typeof checkAddress>>>();

function verdictFor(address: string, allow: AllowList): ReturnType<typeof checkAddress> {
  let memo = verdicts.get(allow);
  if (!memo) verdicts.set(allow, (memo = new Map()));
  let v = memo.get(address);
  if (!v) {
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(address, (v = checkAddress(address, allow)));
  }
  return v;
}

async function lookupName(host: string): Promise<Array<{ address: string; family: number }>> {
  const now = performance.now();
  const hit = names.get(host);
  if (hit && now - hit.at < NAME_TTL_MS) return hit.candidates;
  const candidates = await dns.promises.lookup(host, { all: true, verbatim: true });
  if (names.size >= MEMO_MAX) names.clear();
  names.set(host, { at: now, candidates });
  return candidates;
}

export async function resolveAllowed(hostname: string, allow: AllowList): Promise<Resolved> {
  const host = hostname.replace(/^\[|\]$/g, "");
  let candidates: Array<{ address: string; family: number }>;
  if (net.isIP(host)) candidates = [{ address: host, family: net.isIP(host) }];
  else {
    try {
      candidates = await lookupName(host);
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
  let first: ReturnType<typeof checkAddress> | undefined;
  for (const c of candidates) {
    const v = verdictFor(c.address, allow);
    if (!v.allowed) return { ok: false, kind: "blocked", error: v.reason, address: v.address };
    first ??= v;
  }
  if (!first) return { ok: false, kind: "dns", error: `DNS lookup of ${host} returned no address` };
  return { ok: true, address: first.address, family: net.isIPv4(first.address) ? 4 : 6 };
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

/** A network failure in words a person reads on a delivery ("ECONNREFUSED: connect ECONNREFUSED …"). */
function networkError(e: Error & { code?: string }): string {
  if (e.code === "UND_ERR_SOCKET") return `ECONNRESET: the server closed the connection before a complete response`;
  if (e.code === "UND_ERR_HEADERS_OVERFLOW") return "the response headers are too large";
  const code = e.code ?? (e.cause as { code?: string } | undefined)?.code;
  return code && !code.startsWith("UND_ERR") && !e.message.startsWith(code) ? `${code}: ${e.message}` : e.message;
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
  const connectTimeoutMs = req.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const headers: Record<string, string> = {};
  for (const k in req.headers) if (!NOT_FORWARDED.has(k.toLowerCase())) headers[k] = req.headers[k]!;
  return new Promise<Once>((resolve) => {
    let settled = false;
    let controller: Dispatcher.DispatchController | undefined;
    const done = (v: Once) => {
      if (settled) return;
      settled = true;
      clearTimeout(total);
      resolve(v);
    };
    const total = setTimeout(() => {
      done({ ok: false, kind: "timeout", error: `no complete response within ${totalMs} ms` });
      controller?.abort(new Error("total timeout"));
    }, totalMs);
    let status = 0;
    let responseHeaders: Record<string, string> = {};
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    const finish = () =>
      done({ ok: true, status, headers: responseHeaders, body: Buffer.concat(chunks, size), truncated });
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (settled) c.abort(new Error("total timeout"));
      },
      onResponseStart(_c, statusCode, h) {
        // 1xx interim answers are not the response.
        if (statusCode < 200) return;
        status = statusCode;
        const out: Record<string, string> = {};
        for (const k in h) {
          const v = h[k];
          if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
        }
        responseHeaders = out;
      },
      onResponseData(c, chunk) {
        if (truncated) return;
        if (size + chunk.length > cap) {
          chunks.push(chunk.subarray(0, cap - size));
          size = cap;
          truncated = true;
          // Enough read: stop the transfer (the connection is not reused).
          finish();
          c.abort(new Error("response body cap reached"));
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      },
      onResponseEnd() {
        finish();
      },
      onResponseError(_c, e: Error & { code?: string }) {
        if (e.code === "UND_ERR_CONNECT_TIMEOUT")
          done({ ok: false, kind: "connect_timeout", error: `could not connect within ${connectTimeoutMs} ms` });
        else done({ ok: false, kind: "network", error: networkError(e) });
      },
    };
    try {
      poolFor(url, target, connectTimeoutMs).dispatch(
        {
          path: url.pathname + url.search,
          method: req.method ?? "POST",
          headers,
          body: req.body ?? null,
          // The total timeout above governs; undici's own header/body timeouts would only be longer.
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        handler,
      );
    } catch (e) {
      done({ ok: false, kind: "network", error: (e as Error).message });
    }
  });
}

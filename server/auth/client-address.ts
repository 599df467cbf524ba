import type http from "node:http";
import net from "node:net";
import { parseAllowList, unmapIPv4, type AllowList } from "../core/net/ip-guard";
import { env } from "../env";

// Which address a sign-in comes from, for the per-address limit. X-Forwarded-For is written by
// whoever sends the request, so it is believed only from the proxies the operator names in
// SIGNALBOX_TRUSTED_PROXIES (comma-separated CIDRs; default: none, so nobody can rotate the
// header to dodge the per-address limit unless the operator names its proxy). The web server stamps the socket's peer address on every request it hands to
// Next (PEER_HEADER, overwriting whatever the client sent), since Next does not expose it.

export const PEER_HEADER = "x-signalbox-peer";
export const DEFAULT_TRUSTED_PROXIES = ""; // as in server/env.ts

/** Called by the web server for every request it passes to Next. */
export function stampPeerAddress(req: http.IncomingMessage): void {
  req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "";
}

let trusted: { spec: string; list: AllowList } | undefined;
function trustedProxies(): AllowList {
  const spec = env().SIGNALBOX_TRUSTED_PROXIES;
  if (trusted?.spec !== spec) trusted = { spec, list: parseAllowList(spec).list };
  return trusted.list;
}

function isTrusted(address: string, list: AllowList): boolean {
  const a = unmapIPv4(address);
  const family = net.isIPv4(a) ? "ipv4" : net.isIPv6(a) ? "ipv6" : null;
  return !!family && list.check(a, family);
}

/**
 * The client's address: the peer, or — when the peer is a trusted proxy — the right-most
 * X-Forwarded-For entry that is not itself a trusted proxy (entries further left were written by
 * the client and prove nothing). Null when the peer is unknown.
 */
export function clientAddress(
  headers: Record<string, unknown> | undefined,
  list: AllowList = trustedProxies(),
): string | null {
  const peerRaw = headers?.[PEER_HEADER];
  const peer = typeof peerRaw === "string" && net.isIP(unmapIPv4(peerRaw)) ? unmapIPv4(peerRaw) : null;
  if (!peer) return null;
  if (!isTrusted(peer, list)) return peer;
  const xff = headers?.["x-forwarded-for"];
  const hops = (Array.isArray(xff) ? xff.join(",") : typeof xff === "string" ? xff : "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = unmapIPv4(hops[i]!);
    if (!net.isIP(hop)) return peer; // a garbled chain is not trusted past this point
    if (!isTrusted(hop, list)) return hop;
  }
  return hops.length ? unmapIPv4(hops[0]!) : peer;
}

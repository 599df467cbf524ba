// Which addresses a tenant-chosen URL may reach. Webhook endpoints are chosen by tenants, so without
// this a tenant could make Signalbox call the cloud metadata service or internal admin ports
// (SSRF). The check runs on resolved addresses, never on host names, and an operator allow-list
// (SIGNALBOX_WEBHOOK_ALLOWLIST, comma-separated CIDRs) can open specific ranges.
import net from "node:net";

const DENIED_V4 = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const;
const DENIED_V6 = [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
  ["2001:db8::", 32],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2002::", 16],
] as const;

const denied = new net.BlockList();
for (const [a, b] of DENIED_V4) denied.addSubnet(a, b, "ipv4");
for (const [a, b] of DENIED_V6) denied.addSubnet(a, b, "ipv6");

/** IPv4-mapped/compatible IPv6 (::ffff:10.0.0.1, ::ffff:a00:1) → the IPv4 address it carries. */
export function unmapIPv4(address: string): string {
  const a = address
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/%.*$/, "");
  const m = /^(?:0{0,4}:){0,5}(?::|0{0,4}:)?ffff:(.+)$/.exec(a) ?? /^::ffff:(.+)$/.exec(a);
  if (m && net.isIPv4(m[1]!)) return m[1]!;
  if (m) {
    const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(m[1]!);
    if (hex) {
      const hi = parseInt(hex[1]!, 16);
      const lo = parseInt(hex[2]!, 16);
      return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
    }
  }
  return a;
}

export type AllowList = net.BlockList;

export function parseAllowList(spec: string): { list: AllowList; invalid: string[] } {
  const list = new net.BlockList();
  const invalid: string[] = [];
  for (const part of spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [addr, bitsText] = part.split("/");
    const family = net.isIPv4(addr!) ? "ipv4" : net.isIPv6(addr!) ? "ipv6" : null;
    const bits = bitsText === undefined ? (family === "ipv4" ? 32 : 128) : Number(bitsText);
    if (!family || !Number.isInteger(bits) || bits < 0 || bits > (family === "ipv4" ? 32 : 128)) {
      invalid.push(part);
      continue;
    }
    list.addSubnet(addr!, bits, family);
  }
  return { list, invalid };
}

export type AddressVerdict = { allowed: true; address: string } | { allowed: false; address: string; reason: string };

/** Whether a resolved address may be connected to. */
export function checkAddress(address: string, allow?: AllowList): AddressVerdict {
  const a = unmapIPv4(address);
  const family = net.isIPv4(a) ? "ipv4" : net.isIPv6(a) ? "ipv6" : null;
  if (!family) return { allowed: false, address: a, reason: `not an IP address: ${address}` };
  if (allow?.check(a, family)) return { allowed: true, address: a };
  if (denied.check(a, family))
    return {
      allowed: false,
      address: a,
      reason: `address ${a} is private, loopback, link-local, metadata or reserved and not in SIGNALBOX_WEBHOOK_ALLOWLIST`,
    };
  return { allowed: true, address: a };
}

// Which addresses a tenant-chosen URL may reach. Webhook endpoints are chosen by tenants, so without
// this a tenant could make Signalbox call the cloud metadata service or internal admin ports
// (SSRF). The check runs on resolved addresses, never on host names, and an operator allow-list
// (SIGNALBOX_WEBHOOK_ALLOWLIST, comma-separated CIDRs) can open specific ranges.
//
// IPv6 has several ways to carry an IPv4 address (mapped, compatible, translated, 6to4, Teredo,
// NAT64). A stack or a gateway on the path may turn any of them back into that IPv4 address, so
// each form is decoded and the IPv4 address inside is judged as if it had been written plainly.
import net from "node:net";

const DENIED_V4: ReadonlyArray<readonly [string, number, string]> = [
  ["0.0.0.0", 8, "'this network'"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "carrier-grade NAT (shared)"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local (cloud metadata)"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "IETF protocol assignments"],
  ["192.0.2.0", 24, "documentation"],
  ["192.88.99.0", 24, "6to4 relay anycast"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "benchmarking"],
  ["198.51.100.0", 24, "documentation"],
  ["203.0.113.0", 24, "documentation"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
];
const DENIED_V6: ReadonlyArray<readonly [string, number, string]> = [
  ["::", 128, "unspecified"],
  ["::1", 128, "loopback"],
  ["fc00::", 7, "unique-local (private)"],
  ["fe80::", 10, "link-local"],
  ["fec0::", 10, "site-local"],
  ["ff00::", 8, "multicast"],
  ["2001:db8::", 32, "documentation"],
  // NAT64 hands the embedded IPv4 address to a translator on the operator's own network, which is
  // exactly where a tenant must not reach; the local-use prefix (RFC 8215) is never global.
  ["64:ff9b::", 96, "NAT64 (reaches IPv4 through a translator)"],
  ["64:ff9b:1::", 48, "local-use NAT64 (reaches IPv4 through a translator)"],
  ["100::", 64, "discard-only"],
  // 6to4 is deprecated (RFC 7526): relays are unowned, so even a public embedded address is refused.
  ["2002::", 16, "6to4 (deprecated relay tunnel)"],
];

function blockList(rows: ReadonlyArray<readonly [string, number, string]>, family: "ipv4" | "ipv6") {
  return rows.map(([a, bits, why]) => {
    const list = new net.BlockList();
    list.addSubnet(a, bits, family);
    return { list, why, cidr: `${a}/${bits}` };
  });
}
const deniedV4 = blockList(DENIED_V4, "ipv4");
const deniedV6 = blockList(DENIED_V6, "ipv6");

function v4Denial(v4: string): string | undefined {
  const hit = deniedV4.find((d) => d.list.check(v4, "ipv4"));
  return hit && `${hit.why}, ${hit.cidr}`;
}

/** An IPv6 text address as 8 16-bit groups, or undefined when it is not one. */
export function parseIPv6(text: string): number[] | undefined {
  const a = text
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/%.*$/, "");
  if (!net.isIPv6(a)) return undefined;
  let s = a;
  // A trailing dotted quad stands for the last two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const o = dotted[1]!.split(".").map(Number);
    s =
      s.slice(0, -dotted[1]!.length) + `${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const [head, tail] = s.includes("::") ? s.split("::") : [s, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const fill = tail === undefined ? [] : new Array<string>(8 - h.length - t.length).fill("0");
  const groups = [...h, ...fill, ...t].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : undefined;
}

const v4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

type Embedded = { form: string; v4: string[]; connectAsV4: boolean };

/** The IPv4 address(es) an IPv6 address carries, and under which form. */
export function embeddedIPv4(address: string): Embedded | undefined {
  const g = parseIPv6(address);
  if (!g) return undefined;
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  // ::ffff:a.b.c.d: the socket layer itself talks IPv4 to a.b.c.d.
  if (zero(0, 5) && g[5] === 0xffff) return { form: "an IPv4-mapped", v4: [v4Of(g[6]!, g[7]!)], connectAsV4: true };
  // ::ffff:0:a.b.c.d (SIIT, RFC 2765).
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0)
    return { form: "an IPv4-translated", v4: [v4Of(g[6]!, g[7]!)], connectAsV4: false };
  // ::a.b.c.d (deprecated, RFC 4291); :: and ::1 are their own cases below.
  if (zero(0, 6) && (g[6] !== 0 || g[7]! > 1))
    return { form: "an IPv4-compatible", v4: [v4Of(g[6]!, g[7]!)], connectAsV4: false };
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6))
    return { form: "a NAT64", v4: [v4Of(g[6]!, g[7]!)], connectAsV4: false };
  if (g[0] === 0x2002) return { form: "a 6to4", v4: [v4Of(g[1]!, g[2]!)], connectAsV4: false };
  // Teredo: server address in clear, client address bit-inverted in the last 32 bits.
  if (g[0] === 0x2001 && g[1] === 0)
    return {
      form: "a Teredo",
      v4: [v4Of(g[2]!, g[3]!), v4Of(g[6]! ^ 0xffff, g[7]! ^ 0xffff)],
      connectAsV4: false,
    };
  return undefined;
}

/** IPv4-mapped IPv6 (::ffff:10.0.0.1, ::ffff:a00:1) → the IPv4 address it carries; anything else unchanged. */
export function unmapIPv4(address: string): string {
  const a = address
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/%.*$/, "");
  const e = embeddedIPv4(a);
  return e?.connectAsV4 ? e.v4[0]! : a;
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

const ALLOWLIST_HINT = "and it is not in SIGNALBOX_WEBHOOK_ALLOWLIST";

/** Whether a resolved address may be connected to; `address` is the one to connect to. */
export function checkAddress(address: string, allow?: AllowList): AddressVerdict {
  const a = unmapIPv4(address);
  const family = net.isIPv4(a) ? "ipv4" : net.isIPv6(a) ? "ipv6" : null;
  if (!family) return { allowed: false, address: a, reason: `not an IP address: ${address}` };
  if (allow?.check(a, family)) return { allowed: true, address: a };
  if (family === "ipv4") {
    const why = v4Denial(a);
    if (why) return { allowed: false, address: a, reason: `address ${a} is ${why}, ${ALLOWLIST_HINT}` };
    return { allowed: true, address: a };
  }
  const embedded = embeddedIPv4(a);
  for (const v4 of embedded?.v4 ?? []) {
    const why = v4Denial(v4);
    if (why)
      return {
        allowed: false,
        address: a,
        reason: `address ${a} is ${embedded!.form} IPv6 address carrying IPv4 ${v4}, which is ${why}, ${ALLOWLIST_HINT}`,
      };
  }
  const hit = deniedV6.find((d) => d.list.check(a, "ipv6"));
  if (hit) return { allowed: false, address: a, reason: `address ${a} is ${hit.why}, ${hit.cidr}, ${ALLOWLIST_HINT}` };
  return { allowed: true, address: a };
}

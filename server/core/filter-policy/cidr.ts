// IPv4/IPv6 parsing for the `cidr` operator. Hand-rolled rather than node:net so the engine stays
// free of Node-only imports (the console may validate policies client-side). Addresses become
// bigints so v4 and v6 share one masking routine.

import type { CidrBlock } from "./types";

export type ParsedIp = { version: 4 | 6; value: bigint };

const IPV4_OCTET = /^(0|[1-9][0-9]{0,2})$/;

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!IPV4_OCTET.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseHextets(groups: string[]): bigint[] | undefined {
  const out: bigint[] = [];
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    out.push(BigInt(parseInt(group, 16)));
  }
  return out;
}

function parseIpv6(text: string): bigint | undefined {
  // A dotted-quad tail ("::ffff:10.0.0.1") stands for the last two hextets.
  let tail: bigint[] = [];
  let head = text;
  const lastColon = text.lastIndexOf(":");
  if (lastColon >= 0 && text.slice(lastColon + 1).includes(".")) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >> 16n, v4 & 0xffffn];
    head = text.slice(0, lastColon + 1);
    // "::10.0.0.1" leaves "::", "1::10.0.0.1" leaves "1::", "1:2:...:10.0.0.1" leaves "1:...:".
    if (head.endsWith(":") && !head.endsWith("::")) head = head.slice(0, -1);
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const split = (s: string) => (s === "" ? [] : s.split(":"));
  const left = parseHextets(split(halves[0]));
  const right = halves.length === 2 ? parseHextets(split(halves[1])) : [];
  if (!left || !right) return undefined;
  const explicit = left.length + right.length + tail.length;
  let groups: bigint[];
  if (halves.length === 2) {
    if (explicit > 7) return undefined;
    groups = [...left, ...Array<bigint>(8 - explicit).fill(0n), ...right, ...tail];
  } else {
    if (explicit !== 8) return undefined;
    groups = [...left, ...tail];
  }
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

export function parseIp(text: string): ParsedIp | undefined {
  if (text.includes(":")) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { version: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { version: 4, value };
}

function widthOf(version: 4 | 6): number {
  return version === 4 ? 32 : 128;
}

function mask(version: 4 | 6, bits: number): bigint {
  const width = BigInt(widthOf(version));
  const hostBits = width - BigInt(bits);
  return ((1n << width) - 1n) ^ ((1n << hostBits) - 1n);
}

/** Error texts mirror what SNS answered when LocalStack recorded them against real AWS. */
export function parseCidr(text: string): { ok: true; block: CidrBlock } | { ok: false; message: string } {
  const pieces = text.split("/");
  if (pieces.length !== 2) return { ok: false, message: "Malformed CIDR, one '/' required" };
  const [address, maskText] = pieces;
  if (!/^[0-9]+$/.test(maskText)) return { ok: false, message: "Malformed CIDR, mask bits must be an integer" };
  const ip = parseIp(address);
  if (!ip) return { ok: false, message: `Nonstandard IP address: ${address}` };
  const bits = Number(maskText);
  if (bits > widthOf(ip.version))
    return { ok: false, message: `Malformed CIDR, mask bits must be between 0 and ${widthOf(ip.version)}` };
  // Host bits are masked off rather than rejected: "10.0.0.7/24" means the same block as "10.0.0.0/24".
  return { ok: true, block: { version: ip.version, network: ip.value & mask(ip.version, bits), bits } };
}

export function ipInBlock(text: string, block: CidrBlock): boolean {
  const ip = parseIp(text);
  if (!ip || ip.version !== block.version) return false;
  return (ip.value & mask(block.version, block.bits)) === block.network;
}

// Shared by the SigV4 tests: sign with the SDK's own signer, then turn the outgoing request into
// what node:http would hand the server.
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { expect } from "vitest";
import { SignatureV4 } from "@smithy/signature-v4";
import { escapeUri, parseSigV4, verifySigV4, type ParseResult, type SigV4Request, type VerifyResult } from "./index";

export const AKID = "SBAKEXAMPLEEXAMPLE23";
export const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
export const T0 = new Date("2024-01-01T00:00:00Z");
export const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

// The SDK wants a hash class; a local node:crypto one avoids depending on transitive packages.
export class NodeSha256 {
  private h: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h =
      secret === undefined
        ? createHash("sha256")
        : createHmac("sha256", typeof secret === "string" ? secret : Buffer.from(secret as Uint8Array));
  }
  update(data: string | Uint8Array) {
    this.h.update(data);
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
  reset() {}
}

export type Outgoing = {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
};

// Same rules as the SDK's buildQueryString, i.e. what NodeHttpHandler puts on the wire.
export function wireQuery(query: Outgoing["query"] = {}): string {
  const parts: string[] = [];
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    if (Array.isArray(value)) for (const v of value) parts.push(`${escapeUri(key)}=${escapeUri(v)}`);
    else parts.push(value === null || value === undefined ? escapeUri(key) : `${escapeUri(key)}=${escapeUri(value)}`);
  }
  return parts.join("&");
}

/** What node:http would hand the server for this outgoing request. */
export function toWire(r: Outgoing): SigV4Request {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = v;
  // Copy Uint8Array bytes directly: the SDK's JSON codec hands over a Uint8Array whose string
  // methods are shimmed, and Buffer.from(obj) would call valueOf() on it.
  const body =
    r.body === undefined
      ? Buffer.alloc(0)
      : r.body instanceof Uint8Array
        ? Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength)
        : Buffer.from(r.body as string);
  return { method: r.method, path: r.path, query: wireQuery(r.query), headers, body };
}

export function signer(opts: { region?: string; service?: string; secret?: string; sessionToken?: string } = {}) {
  return new SignatureV4({
    service: opts.service ?? "sqs",
    region: opts.region ?? "us-east-1",
    credentials: { accessKeyId: AKID, secretAccessKey: opts.secret ?? SECRET, sessionToken: opts.sessionToken },
    sha256: NodeSha256,
  });
}

export function request(over: Partial<Outgoing> = {}): Outgoing {
  return {
    method: "POST",
    protocol: "http:",
    hostname: "localhost",
    port: 4566,
    path: "/",
    query: {},
    headers: { host: "localhost:4566", "content-type": "application/x-www-form-urlencoded" },
    ...over,
  };
}

export async function signHeader(r: Outgoing, opts: Parameters<typeof signer>[0] = {}, at = T0): Promise<SigV4Request> {
  return toWire((await signer(opts).sign(r as never, { signingDate: at })) as unknown as Outgoing);
}

export async function presign(
  r: Outgoing,
  expiresIn = 300,
  opts: Parameters<typeof signer>[0] = {},
  at = T0,
): Promise<SigV4Request> {
  return toWire((await signer(opts).presign(r as never, { signingDate: at, expiresIn })) as unknown as Outgoing);
}

export function check(req: SigV4Request, now = T0, secret = SECRET): ParseResult | VerifyResult {
  const parsed = parseSigV4(req);
  if (!parsed.ok) return parsed;
  return verifySigV4(req, parsed.auth, secret, now);
}

export function expectFailure(result: ParseResult | VerifyResult, code: string, message?: string | RegExp) {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.code).toBe(code);
  if (typeof message === "string") expect(result.message).toBe(message);
  else if (message) expect(result.message).toMatch(message);
}

export const withHeader = (r: SigV4Request, name: string, value: string): SigV4Request => ({
  ...r,
  headers: { ...r.headers, [name]: value },
});

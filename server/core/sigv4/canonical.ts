// Canonical-request building blocks. Each function mirrors @smithy/signature-v4 5.x (the signer
// inside AWS SDK v3) rather than a fresh reading of the spec, because a verifier is only correct
// if it rebuilds byte-for-byte what real clients signed. Where the SDK is silent (bare query keys,
// repeated headers) the AWS documentation decides.

import { createHash } from "node:crypto";

export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** RFC 3986 encoding as the SDK's escapeUri does it: encodeURIComponent plus !'()*. */
export function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Canonical URI for every service except S3: drop empty and "." segments, resolve "..", then
 * percent-encode the already-encoded wire path once more, keeping "/" ("%2F" -> "/").
 * Same steps, same order as SignatureV4Base.getCanonicalPath with uriEscapePath=true.
 */
export function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split("/")) {
    if (segment.length === 0 || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const leading = rawPath.startsWith("/") ? "/" : "";
  const trailing = segments.length > 0 && rawPath.endsWith("/") ? "/" : "";
  return escapeUri(`${leading}${segments.join("/")}${trailing}`).replace(/%2F/g, "/");
}

function decodeComponent(s: string): string {
  // A malformed escape cannot have come from a conforming signer; keeping it verbatim means the
  // request simply fails to verify instead of throwing.
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Raw query string -> decoded [name, value] pairs in wire order. '+' stays a literal plus: SDKs
 * send spaces as %20, so treating '+' as a space would break signatures over values containing '+'.
 * A bare key ("?uploads") is a key with an empty value, as the SigV4 documentation specifies.
 */
export function parseQuery(rawQuery: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (!rawQuery) return pairs;
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? "" : part.slice(eq + 1);
    pairs.push([decodeComponent(name), decodeComponent(value)]);
  }
  return pairs;
}

/**
 * Canonical query string: re-encode each name and value, sort by encoded name, then by the
 * "name=value" string within one name; X-Amz-Signature (any case) is never part of it.
 */
export function canonicalQuery(pairs: Array<[string, string]>): string {
  const byName = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    if (name.toLowerCase() === "x-amz-signature") continue;
    const encodedName = escapeUri(name);
    const entry = `${encodedName}=${escapeUri(value)}`;
    const list = byName.get(encodedName);
    if (list) list.push(entry);
    else byName.set(encodedName, [entry]);
  }
  // Default sort compares UTF-16 code units; every string here is ASCII after escaping, so this
  // is the byte order AWS specifies.
  return [...byName.keys()]
    .sort()
    .map((name) => byName.get(name)!.sort().join("&"))
    .join("&");
}

function canonicalOneValue(value: string): string {
  return value
    .replace(/[\r\n]/g, " ")
    .replace(/[ \t]+/g, " ")
    .replace(/^ | $/g, "");
}

/** Trim, collapse runs of spaces/tabs; repeated headers are joined with ',' as AWS documents. */
export function canonicalHeaderValue(value: string | string[]): string {
  return Array.isArray(value) ? value.map(canonicalOneValue).join(",") : canonicalOneValue(value);
}

export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  // hasOwn: a plain-object header bag would otherwise answer "constructor" from its prototype.
  const value = Object.hasOwn(headers, name) ? headers[name] : undefined;
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(",") : value;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

export function buildCanonicalRequest(parts: {
  method: string;
  path: string;
  query: Array<[string, string]>;
  headers: Array<[string, string | string[]]>;
  payloadHash: string;
}): string {
  const headerLines = parts.headers.map(([name, value]) => `${name}:${canonicalHeaderValue(value)}`).join("\n");
  const signedHeaders = parts.headers.map(([name]) => name).join(";");
  return [
    parts.method,
    canonicalPath(parts.path),
    canonicalQuery(parts.query),
    headerLines,
    "",
    signedHeaders,
    parts.payloadHash,
  ].join("\n");
}

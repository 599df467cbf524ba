// Signature check proper: time window, payload hash, canonical request, HMAC chain, constant-time
// compare. Pure: the caller supplies the secret (looked up by auth.accessKeyId) and the clock.

import { createHmac, timingSafeEqual } from "node:crypto";
import { buildCanonicalRequest, headerValue, parseQuery, sha256Hex } from "./canonical";
import { SIGV4_ALGORITHM, formatIsoBasic, isoBasicToMs } from "./parse";
import { sigv4Failure, type ParsedAuth, type SigV4Failure, type SigV4Request, type VerifyResult } from "./types";

/** AWS rejects requests whose timestamp is more than 15 minutes away from its clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

export const SIGNATURE_MISMATCH_MESSAGE =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

// Deriving the signing key costs four HMACs and the result is valid for a whole day, so hot
// clients (an SQS poller) reuse it. A Map keeps insertion order, which is all an LRU needs.
const KEY_CACHE_MAX = 256;
const keyCache = new Map<string, Buffer>();

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export function deriveSigningKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  // JSON keeps the parts unambiguous: region and service come from the request and may contain
  // any separator we might pick.
  const cacheKey = JSON.stringify([secretAccessKey, date, region, service]);
  const hit = keyCache.get(cacheKey);
  if (hit) {
    keyCache.delete(cacheKey);
    keyCache.set(cacheKey, hit);
    return hit;
  }
  let key: Buffer = Buffer.from(`AWS4${secretAccessKey}`, "utf8");
  for (const part of [date, region, service, "aws4_request"])
    key = createHmac("sha256", key).update(part, "utf8").digest();
  keyCache.set(cacheKey, key);
  if (keyCache.size > KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value!);
  return key;
}

/** For tests and for rotating secrets out of memory. */
export function clearSigningKeyCache(): void {
  keyCache.clear();
}

function checkTime(auth: ParsedAuth, now: Date): SigV4Failure | undefined {
  const signedAt = isoBasicToMs(auth.amzDate);
  const nowMs = now.getTime();
  if (Number.isNaN(signedAt)) {
    return sigv4Failure(
      "IncompleteSignature",
      `Date must be in ISO-8601 'basic format'. Got '${auth.amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  if (signedAt > nowMs + MAX_CLOCK_SKEW_MS) {
    return sigv4Failure(
      "RequestExpired",
      `Signature not yet current: ${auth.amzDate} is still later than ${formatIsoBasic(nowMs + MAX_CLOCK_SKEW_MS)} (${formatIsoBasic(nowMs)} + 15 min.)`,
    );
  }
  if (auth.presigned && auth.expiresSeconds !== undefined) {
    // A presigned URL lives exactly as long as it says (S3's rule); the 15 minutes of skew only
    // protect against a signer whose clock runs ahead.
    if (nowMs > signedAt + auth.expiresSeconds * 1000) return sigv4Failure("RequestExpired", "Request has expired");
    return undefined;
  }
  // Header form, and presigned requests without X-Amz-Expires: the plain 15-minute window.
  if (signedAt < nowMs - MAX_CLOCK_SKEW_MS) {
    return sigv4Failure(
      "RequestExpired",
      `Signature expired: ${auth.amzDate} is now earlier than ${formatIsoBasic(nowMs - MAX_CLOCK_SKEW_MS)} (${formatIsoBasic(nowMs)} - 15 min.)`,
    );
  }
  return undefined;
}

/**
 * The hash the client signed: x-amz-content-sha256 when sent (the SDK signs whatever that header
 * says, UNSIGNED-PAYLOAD included), else SHA-256 of the body. A presigned request carries it as a
 * query parameter because the SDK hoists every x-amz-* header into the query.
 */
function declaredPayloadHash(req: SigV4Request, auth: ParsedAuth, query: Array<[string, string]>): string | undefined {
  if (auth.presigned) {
    const fromQuery = query.find(([name]) => name.toLowerCase() === "x-amz-content-sha256");
    if (fromQuery) return fromQuery[1];
  }
  return headerValue(req.headers, "x-amz-content-sha256");
}

function sameHex(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(provided, "utf8");
  // Length is public (always 64 for a well-formed signature); only content must not leak timing.
  return a.length === b.length && timingSafeEqual(a, b);
}

export function verifySigV4(req: SigV4Request, auth: ParsedAuth, secretAccessKey: string, now: Date): VerifyResult {
  const timeFailure = checkTime(auth, now);
  if (timeFailure) return timeFailure;

  const query = parseQuery(req.query);
  const declared = declaredPayloadHash(req, auth, query);
  let bodyHash: string | undefined;
  let payloadHash: string;
  if (declared === undefined) {
    payloadHash = bodyHash = sha256Hex(req.body);
  } else if (declared === UNSIGNED_PAYLOAD || /^[0-9a-fA-F]{64}$/.test(declared)) {
    payloadHash = declared;
  } else {
    // Streaming (chunk-signed) payloads are an S3 feature this verifier does not implement.
    return sigv4Failure(
      "IncompleteSignature",
      "x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a valid sha256 value.",
    );
  }

  const headers: Array<[string, string | string[]]> = [];
  for (const name of auth.signedHeaders) {
    const value = Object.hasOwn(req.headers, name) ? req.headers[name] : undefined;
    // A header the client signed but that never arrived cannot reproduce its signature.
    if (value === undefined) return sigv4Failure("SignatureDoesNotMatch", SIGNATURE_MISMATCH_MESSAGE);
    headers.push([name, value]);
  }

  let canonicalRequest: string;
  try {
    canonicalRequest = buildCanonicalRequest({ method: req.method, path: req.path, query, headers, payloadHash });
  } catch {
    // encodeURIComponent throws on lone surrogates; such a request cannot have been signed by us.
    return sigv4Failure("SignatureDoesNotMatch", SIGNATURE_MISMATCH_MESSAGE);
  }
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = [SIGV4_ALGORITHM, auth.amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const key = deriveSigningKey(secretAccessKey, auth.date, auth.region, auth.service);
  const expected = createHmac("sha256", key).update(stringToSign, "utf8").digest("hex");
  if (!sameHex(expected, auth.signature)) return sigv4Failure("SignatureDoesNotMatch", SIGNATURE_MISMATCH_MESSAGE);

  // The signature covers the declared hash, not the bytes; check that the bytes match it
  // (S3's wording). Done after the signature so unauthenticated callers learn nothing extra.
  if (declared !== undefined && declared !== UNSIGNED_PAYLOAD) {
    bodyHash ??= sha256Hex(req.body);
    if (declared.toLowerCase() !== bodyHash) {
      return sigv4Failure(
        "SignatureDoesNotMatch",
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );
    }
  }
  return { ok: true };
}

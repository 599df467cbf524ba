// Structural parsing of SigV4 authentication, in either the Authorization header or the presigned
// query form. Nothing here needs the secret or the clock, so the caller can parse first, look the
// access key up, and only then verify. Messages are AWS's own wording (checked against the IAM
// SigV4 troubleshooting page and AWS's observed responses) so SDK users see familiar errors.

import { headerValue, parseQuery } from "./canonical";
import { sigv4Failure, type ParseResult, type ParsedAuth, type SigV4Request } from "./types";

export const SIGV4_ALGORITHM = "AWS4-HMAC-SHA256";
/** AWS caps presigned URLs at seven days. */
export const MAX_PRESIGNED_SECONDS = 604_800;

const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const PRESIGN_PARAMS = [
  "X-Amz-Algorithm",
  "X-Amz-Credential",
  "X-Amz-Signature",
  "X-Amz-SignedHeaders",
  "X-Amz-Date",
] as const;

/** YYYYMMDDTHHMMSSZ -> epoch ms, or NaN when it is not a real UTC instant. */
export function isoBasicToMs(value: string): number {
  const m = ISO_BASIC.exec(value);
  if (!m) return NaN;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 20240231 over into March; reject instead of silently accepting it.
  return formatIsoBasic(ms) === value ? ms : NaN;
}

export function formatIsoBasic(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

function badDate(got: string) {
  return sigv4Failure(
    "IncompleteSignature",
    `Date must be in ISO-8601 'basic format'. Got '${got}'. See http://en.wikipedia.org/wiki/ISO_8601`,
  );
}

/** The header form may carry its timestamp in x-amz-date or, failing that, in Date (RFC 7231). */
function headerDate(req: SigV4Request): { ok: true; amzDate: string } | { ok: false; got: string } | undefined {
  const amz = headerValue(req.headers, "x-amz-date");
  if (amz !== undefined) return Number.isNaN(isoBasicToMs(amz)) ? { ok: false, got: amz } : { ok: true, amzDate: amz };
  const date = headerValue(req.headers, "date");
  if (date === undefined) return undefined;
  if (!Number.isNaN(isoBasicToMs(date))) return { ok: true, amzDate: date };
  const ms = Date.parse(date);
  return Number.isNaN(ms) ? { ok: false, got: date } : { ok: true, amzDate: formatIsoBasic(ms) };
}

/** Checks shared by both forms once the raw pieces are in hand. */
function finish(
  fields: { algorithm: string; credential: string; signedHeaders: string; signature: string; amzDate: string },
  extra: { presigned: boolean; expiresSeconds?: number; sessionToken?: string },
): ParseResult {
  const signedHeaders = fields.signedHeaders
    .split(";")
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h.length > 0);
  // Without host in the signature a request could be replayed against another endpoint.
  if (!signedHeaders.includes("host") && !signedHeaders.includes(":authority")) {
    return sigv4Failure(
      "SignatureDoesNotMatch",
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  if (fields.algorithm !== SIGV4_ALGORITHM) {
    return sigv4Failure(
      "IncompleteSignature",
      `Unsupported AWS 'algorithm': '${fields.algorithm}' (only ${SIGV4_ALGORITHM} for now).`,
    );
  }
  // AWS ignores trailing slashes on the credential.
  const scope = fields.credential.replace(/\/+$/, "").split("/");
  if (scope.length !== 5 || scope.some((piece) => piece.length === 0)) {
    return sigv4Failure(
      "IncompleteSignature",
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${fields.credential}'`,
    );
  }
  const [accessKeyId, date, region, service, terminator] = scope as [string, string, string, string, string];
  if (terminator !== "aws4_request") {
    return sigv4Failure(
      "SignatureDoesNotMatch",
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`,
    );
  }
  if (date !== fields.amzDate.slice(0, 8)) {
    return sigv4Failure(
      "SignatureDoesNotMatch",
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${fields.amzDate.slice(0, 8)}', from '${fields.amzDate}'.`,
    );
  }
  const auth: ParsedAuth = {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders,
    signature: fields.signature,
    presigned: extra.presigned,
    amzDate: fields.amzDate,
  };
  if (extra.expiresSeconds !== undefined) auth.expiresSeconds = extra.expiresSeconds;
  if (extra.sessionToken !== undefined) auth.sessionToken = extra.sessionToken;
  return { ok: true, auth };
}

function parseHeaderForm(req: SigV4Request, authorization: string): ParseResult {
  const trimmed = authorization.trim();
  const space = trimmed.indexOf(" ");
  const algorithm = space === -1 ? trimmed : trimmed.slice(0, space);
  const params = new Map<string, string>();
  const rest = space === -1 ? "" : trimmed.slice(space + 1);
  for (const raw of rest.split(",")) {
    const part = raw.trim();
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq === -1) {
      return sigv4Failure(
        "IncompleteSignature",
        `'${part}' not a valid key=value pair (missing equal-sign) in Authorization header.`,
      );
    }
    params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }

  const date = headerDate(req);
  let missing = "";
  for (const name of ["Credential", "Signature", "SignedHeaders"]) {
    // SignedHeaders may be present but empty here; the host check below reports that case.
    if (!params.has(name) || (name !== "SignedHeaders" && params.get(name) === "")) {
      missing += `Authorization header requires '${name}' parameter. `;
    }
  }
  if (date === undefined)
    missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  if (missing) return sigv4Failure("IncompleteSignature", missing.trimEnd());
  if (!date!.ok) return badDate(date!.got);

  return finish(
    {
      algorithm,
      credential: params.get("Credential")!,
      signedHeaders: params.get("SignedHeaders")!,
      signature: params.get("Signature")!,
      amzDate: date!.amzDate,
    },
    { presigned: false, sessionToken: headerValue(req.headers, "x-amz-security-token") },
  );
}

function parsePresignedForm(query: Map<string, string>): ParseResult {
  let missing = "";
  for (const name of PRESIGN_PARAMS) {
    if (!query.get(name)) missing += `AWS query-string parameters must include '${name}'. `;
  }
  if (missing) return sigv4Failure("IncompleteSignature", `${missing}Re-examine the query-string parameters.`);

  const amzDate = query.get("X-Amz-Date")!;
  if (Number.isNaN(isoBasicToMs(amzDate))) return badDate(amzDate);

  let expiresSeconds: number | undefined;
  const expires = query.get("X-Amz-Expires");
  if (expires !== undefined) {
    // Wording from S3, the service that documents presigned URLs.
    if (!/^-?\d+$/.test(expires)) return sigv4Failure("IncompleteSignature", "X-Amz-Expires should be a number");
    expiresSeconds = Number(expires);
    if (expiresSeconds < 0) return sigv4Failure("IncompleteSignature", "X-Amz-Expires must be non-negative");
    if (expiresSeconds > MAX_PRESIGNED_SECONDS) {
      return sigv4Failure(
        "IncompleteSignature",
        `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGNED_SECONDS}`,
      );
    }
  }

  return finish(
    {
      algorithm: query.get("X-Amz-Algorithm")!,
      credential: query.get("X-Amz-Credential")!,
      signedHeaders: query.get("X-Amz-SignedHeaders")!,
      signature: query.get("X-Amz-Signature")!,
      amzDate,
    },
    { presigned: true, expiresSeconds, sessionToken: query.get("X-Amz-Security-Token") },
  );
}

export function parseSigV4(req: SigV4Request): ParseResult {
  // First occurrence wins for the X-Amz-* parameters; every occurrence is still signed over.
  const query = new Map<string, string>();
  for (const [name, value] of parseQuery(req.query)) if (!query.has(name)) query.set(name, value);

  const authorization = headerValue(req.headers, "authorization");
  const hasHeaderAuth = authorization !== undefined && authorization.trim() !== "";
  const hasQueryAuth = query.has("X-Amz-Algorithm") || query.has("X-Amz-Credential") || query.has("X-Amz-Signature");

  if (hasHeaderAuth && hasQueryAuth) {
    return sigv4Failure(
      "IncompleteSignature",
      "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
    );
  }
  if (hasHeaderAuth) return parseHeaderForm(req, authorization!);
  if (hasQueryAuth) return parsePresignedForm(query);
  return sigv4Failure("MissingAuthenticationToken", "Request is missing Authentication Token");
}

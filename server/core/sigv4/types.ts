// Shapes shared by the SigV4 parser and verifier. Kept free of node:http types so the verifier
// stays pure: the HTTP door adapts its request into SigV4Request once.

export type SigV4Request = {
  method: string;
  /** Raw path exactly as received on the wire (still percent-encoded), without the query. */
  path: string;
  /** Raw query string without the leading '?', exactly as received. */
  query: string;
  /** Lower-case header names, as node:http gives them; arrays for repeated headers. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
};

export type ParsedAuth = {
  accessKeyId: string;
  /** YYYYMMDD from the credential scope. */
  date: string;
  region: string;
  service: string;
  /** Lower-case header names in the order the client listed them. */
  signedHeaders: string[];
  signature: string;
  presigned: boolean;
  /** ISO-8601 basic timestamp (YYYYMMDDTHHMMSSZ) the client signed with. */
  amzDate: string;
  /** X-Amz-Expires of a presigned request, when given. */
  expiresSeconds?: number;
  /** x-amz-security-token / X-Amz-Security-Token, for the caller to check against temporary credentials. */
  sessionToken?: string;
};

// Query-protocol spellings (SQS query, SNS, STS). JSON-protocol services (DynamoDB style) call
// SignatureDoesNotMatch "InvalidSignatureException" and append "Exception" to the others; that
// renaming belongs to the protocol codec, not here.
export type SigV4ErrorCode =
  "MissingAuthenticationToken" | "IncompleteSignature" | "SignatureDoesNotMatch" | "RequestExpired";

export type SigV4Failure = { ok: false; code: SigV4ErrorCode; status: number; message: string };

export type ParseResult = { ok: true; auth: ParsedAuth } | SigV4Failure;
export type VerifyResult = { ok: true } | SigV4Failure;

// HTTP statuses from AWS's "Common Errors" pages (IncompleteSignature and RequestExpired are 400,
// the authentication failures 403).
export const SIGV4_ERROR_STATUS: Record<SigV4ErrorCode, number> = {
  MissingAuthenticationToken: 403,
  IncompleteSignature: 400,
  SignatureDoesNotMatch: 403,
  RequestExpired: 400,
};

export function sigv4Failure(code: SigV4ErrorCode, message: string): SigV4Failure {
  return { ok: false, code, status: SIGV4_ERROR_STATUS[code], message };
}

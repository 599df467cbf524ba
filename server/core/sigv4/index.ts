// AWS Signature Version 4 verification for the AWS-compatible door. Typical use:
//   const parsed = parseSigV4(req);                 // structure only
//   const key = await lookup(parsed.auth.accessKeyId) // InvalidClientTokenId when unknown
//   const result = verifySigV4(req, parsed.auth, key.secret, new Date());
export { parseSigV4, isoBasicToMs, formatIsoBasic, SIGV4_ALGORITHM, MAX_PRESIGNED_SECONDS } from "./parse";
export {
  verifySigV4,
  deriveSigningKey,
  clearSigningKeyCache,
  MAX_CLOCK_SKEW_MS,
  UNSIGNED_PAYLOAD,
  SIGNATURE_MISMATCH_MESSAGE,
} from "./verify";
export { canonicalPath, canonicalQuery, parseQuery, escapeUri } from "./canonical";
export {
  SIGV4_ERROR_STATUS,
  type SigV4Request,
  type ParsedAuth,
  type SigV4ErrorCode,
  type SigV4Failure,
  type ParseResult,
  type VerifyResult,
} from "./types";

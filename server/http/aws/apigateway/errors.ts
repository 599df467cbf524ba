import { AppError } from "../../../core/errors";
import { awsErrorCode } from "../codec";
import { restJsonErrorReply } from "../rest-json";
import type { AwsReply } from "../types";

// API Gateway's errors (v1 and v2 alike): the code in x-amzn-ErrorType and a body of
// `{"message": ...}` alone, which is what @aws-sdk/client-api-gateway, -apigatewayv2 and botocore
// parse. The door's own errors get API Gateway's names: its generic codes by kind, its SigV4
// failures in the JSON protocols' spelling (InvalidSignatureException, UnrecognizedClientException,
// ...), its throttling as TooManyRequestsException/429 (Retry-After is set by the door), and a path
// no operation matches as UnknownOperationException/404.

const CODES: Partial<Record<AppError["code"], { code: string; status: number }>> = {
  validation: { code: "BadRequestException", status: 400 },
  not_found: { code: "NotFoundException", status: 404 },
  conflict: { code: "ConflictException", status: 409 },
  rate_limited: { code: "TooManyRequestsException", status: 429 },
  too_large: { code: "BadRequestException", status: 413 },
  forbidden: { code: "AccessDeniedException", status: 403 },
  unsupported: { code: "BadRequestException", status: 400 },
  unavailable: { code: "ServiceUnavailableException", status: 503 },
};

/** The query protocols' spellings the door uses, as API Gateway (a JSON-protocol service) spells them. */
const RENAMED: Record<string, { code: string; status: number; message?: string }> = {
  SignatureDoesNotMatch: { code: "InvalidSignatureException", status: 403 },
  RequestExpired: { code: "InvalidSignatureException", status: 403 },
  IncompleteSignature: { code: "IncompleteSignatureException", status: 400 },
  MissingAuthenticationToken: { code: "MissingAuthenticationTokenException", status: 403 },
  InvalidClientTokenId: { code: "UnrecognizedClientException", status: 403 },
  AccessDenied: { code: "AccessDeniedException", status: 403 },
  MissingAction: {
    code: "UnknownOperationException",
    status: 404,
    message: "Unknown operation: Signalbox does not implement this API Gateway operation.",
  },
  InvalidAction: {
    code: "UnknownOperationException",
    status: 404,
    message: "Unknown operation: Signalbox does not implement this API Gateway operation.",
  },
};

export function renderApiGatewayError(err: AppError, requestId: string): AwsReply {
  const known = CODES[err.code];
  const renamed = err.awsCode ? RENAMED[err.awsCode] : undefined;
  let code: string;
  let status: number;
  if (err.code === "rate_limited") ({ code, status } = CODES.rate_limited!);
  else if (renamed) ({ code, status } = renamed);
  else if (err.awsCode) {
    code = err.awsCode;
    status = err.awsStatus ?? known?.status ?? err.mapping.awsStatus;
  } else {
    code = known?.code ?? awsErrorCode(err);
    status = known?.status ?? err.mapping.awsStatus;
  }
  const message = renamed?.message ?? err.message;
  const e = new AppError(err.code, message, { awsCode: code, awsStatus: status, senderFault: err.senderFault });
  const r = restJsonErrorReply(e, requestId, code);
  r.body = JSON.stringify({ message });
  return r;
}

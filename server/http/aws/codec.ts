import type { AppError } from "../../core/errors";
import type { AwsReply } from "./types";

// Shared pieces of the AWS wire formats. Each service adds its own shapes on top.

export function xmlEscape(s: string): string {
  return s.replace(
    /[<>&'"\r]/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;", "\r": "&#xD;" })[c]!,
  );
}

/** `<Tag>value</Tag>` for a scalar; nothing for undefined. */
export function xmlTag(tag: string, value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null) return "";
  return `<${tag}>${xmlEscape(String(value))}</${tag}>`;
}

export function awsErrorCode(err: AppError): string {
  return err.awsCode ?? err.mapping.aws;
}

export function awsErrorStatus(err: AppError): number {
  return err.awsStatus ?? err.mapping.awsStatus;
}

/** Query-protocol error document (SQS, SNS, STS share it; only the namespace differs). */
export function queryErrorReply(err: AppError, requestId: string, xmlns: string, code = awsErrorCode(err)): AwsReply {
  const type = err.senderFault ? "Sender" : "Receiver";
  const body = `<?xml version="1.0"?><ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(err.message)}</Message><Detail/></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  return { status: awsErrorStatus(err), headers: { "content-type": "text/xml", "x-amzn-requestid": requestId }, body };
}

/**
 * AWS JSON 1.0/1.1 error document. `x-amzn-errortype` and `__type` carry the fully qualified shape id
 * (`com.amazonaws.sqs#QueueDoesNotExist`), as AWS sends them; `queryCompat` adds the
 * x-amzn-query-error header SQS sends.
 */
export function jsonErrorReply(
  err: AppError,
  requestId: string,
  opts: { namespace: string; contentType: string; queryCompat?: string },
  code = awsErrorCode(err),
): AwsReply {
  const headers: Record<string, string> = {
    "content-type": opts.contentType,
    "x-amzn-requestid": requestId,
    "x-amzn-errortype": `${opts.namespace}#${code}`,
  };
  if (opts.queryCompat)
    headers["x-amzn-query-error"] = `${opts.queryCompat};${err.senderFault ? "Sender" : "Receiver"}`;
  return {
    status: awsErrorStatus(err),
    headers,
    body: JSON.stringify({ __type: `${opts.namespace}#${code}`, message: err.message }),
  };
}

export function queryReply(action: string, xmlns: string, resultXml: string, requestId: string): AwsReply {
  const result = resultXml === "" ? "" : `<${action}Result>${resultXml}</${action}Result>`;
  return {
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    body: `<?xml version="1.0"?><${action}Response xmlns="${xmlns}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
  };
}

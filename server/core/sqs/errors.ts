import { AppError } from "../errors";

// SQS error codes: the AWS JSON 1.0 name (`__type`), the query-protocol code (and the
// x-amzn-query-error header the SDK maps back), and the HTTP status, as the SQS model declares.
export const SQS_ERRORS: Record<string, { query: string; status: number }> = {
  BatchEntryIdsNotDistinct: { query: "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", status: 400 },
  BatchRequestTooLong: { query: "AWS.SimpleQueueService.BatchRequestTooLong", status: 400 },
  EmptyBatchRequest: { query: "AWS.SimpleQueueService.EmptyBatchRequest", status: 400 },
  InvalidAddress: { query: "InvalidAddress", status: 404 },
  InvalidBatchEntryId: { query: "AWS.SimpleQueueService.InvalidBatchEntryId", status: 400 },
  InvalidSecurity: { query: "InvalidSecurity", status: 403 },
  MessageNotInflight: { query: "AWS.SimpleQueueService.MessageNotInflight", status: 400 },
  OverLimit: { query: "OverLimit", status: 403 },
  PurgeQueueInProgress: { query: "AWS.SimpleQueueService.PurgeQueueInProgress", status: 403 },
  QueueDeletedRecently: { query: "AWS.SimpleQueueService.QueueDeletedRecently", status: 400 },
  QueueDoesNotExist: { query: "AWS.SimpleQueueService.NonExistentQueue", status: 400 },
  QueueNameExists: { query: "QueueAlreadyExists", status: 400 },
  ReceiptHandleIsInvalid: { query: "ReceiptHandleIsInvalid", status: 404 },
  RequestThrottled: { query: "RequestThrottled", status: 403 },
  ResourceNotFoundException: { query: "ResourceNotFoundException", status: 404 },
  TooManyEntriesInBatchRequest: { query: "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", status: 400 },
  UnsupportedOperation: { query: "AWS.SimpleQueueService.UnsupportedOperation", status: 400 },
  InvalidAttributeName: { query: "InvalidAttributeName", status: 400 },
  InvalidAttributeValue: { query: "InvalidAttributeValue", status: 400 },
  InvalidMessageContents: { query: "InvalidMessageContents", status: 400 },
  InvalidIdFormat: { query: "InvalidIdFormat", status: 400 },
  InvalidParameterValue: { query: "InvalidParameterValue", status: 400 },
  MissingParameter: { query: "MissingParameter", status: 400 },
  AccessDenied: { query: "AccessDenied", status: 403 },
};

/** The error codes map to AppError codes so REST and tRPC show sensible statuses too. */
const APP_CODE: Record<string, AppError["code"]> = {
  QueueDoesNotExist: "not_found",
  ResourceNotFoundException: "not_found",
  QueueNameExists: "conflict",
  PurgeQueueInProgress: "conflict",
  QueueDeletedRecently: "conflict",
  AccessDenied: "forbidden",
  OverLimit: "conflict",
  UnsupportedOperation: "unsupported",
  BatchRequestTooLong: "too_large",
};

export function sqsError(awsCode: string, message: string, field?: string): AppError {
  const e = SQS_ERRORS[awsCode];
  return new AppError(APP_CODE[awsCode] ?? "validation", message, {
    awsCode,
    awsStatus: e?.status ?? 400,
    ...(field ? { fieldErrors: { [field]: [message] } } : {}),
  });
}

export function queueDoesNotExist(): AppError {
  return sqsError("QueueDoesNotExist", "The specified queue does not exist.");
}

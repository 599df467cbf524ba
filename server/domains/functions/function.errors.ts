import { AppError } from "../../core/errors";

// Lambda's error codes, statuses and wording, shared by the function use cases (the AWS door shows
// awsCode; REST and the console show the message, beside the field when there is one).

export function functionNotFound(arn: string): AppError {
  return new AppError("not_found", `Function not found: ${arn}`, {
    awsCode: "ResourceNotFoundException",
    awsStatus: 404,
  });
}

export function invalidParameter(message: string, field = "request"): AppError {
  return new AppError("validation", message, {
    awsCode: "InvalidParameterValueException",
    fieldErrors: { [field]: [message] },
  });
}

export function validationError(message: string, field = "request"): AppError {
  return new AppError("validation", message, { awsCode: "ValidationException", fieldErrors: { [field]: [message] } });
}

export function functionExists(arn: string): AppError {
  return new AppError("conflict", `Function already exist: ${arn.split(":").pop()}`, {
    awsCode: "ResourceConflictException",
    awsStatus: 409,
  });
}

/** Reserved concurrency used up (RequestResponse); async invocations retry instead. */
export function concurrencyExceeded(): AppError {
  return new AppError("rate_limited", "Rate Exceeded.", { awsCode: "TooManyRequestsException", awsStatus: 429 });
}

export function payloadTooLarge(limit: number, operation = "InvokeFunction"): AppError {
  return new AppError("too_large", `Request must be smaller than ${limit} bytes for the ${operation} operation`, {
    awsCode: "RequestTooLargeException",
    awsStatus: 413,
  });
}

export function invalidPayload(detail: string): AppError {
  return new AppError(
    "validation",
    `Could not parse request body into json: Could not parse payload into json: ${detail}`,
    {
      awsCode: "InvalidRequestContentException",
    },
  );
}

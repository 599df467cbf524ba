import { AppError } from "../../core/errors";

// EventBridge's error codes and wording for connections and API destinations (JSON 1.1: every
// error is HTTP 400).

export function ebValidation(message: string, field = "request"): AppError {
  return new AppError("validation", message, { awsCode: "ValidationException", fieldErrors: { [field]: [message] } });
}

export function connectionNotFound(name: string): AppError {
  return new AppError("not_found", `Failed to describe the connection(s). Connection '${name}' does not exist.`, {
    awsCode: "ResourceNotFoundException",
  });
}

export function connectionExists(name: string): AppError {
  return new AppError("conflict", `Connection ${name} already exists.`, { awsCode: "ResourceAlreadyExistsException" });
}

export function apiDestinationNotFound(name: string): AppError {
  return new AppError(
    "not_found",
    `Failed to describe the api-destination(s). An api-destination '${name}' does not exist.`,
    {
      awsCode: "ResourceNotFoundException",
    },
  );
}

export function apiDestinationExists(name: string): AppError {
  return new AppError("conflict", `An api-destination '${name}' already exists.`, {
    awsCode: "ResourceAlreadyExistsException",
  });
}

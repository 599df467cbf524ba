import { AppError } from "../../core/errors";

// EventBridge's archive and replay errors (JSON 1.1, HTTP 400), with AWS's wording.

export const archiveValidation = (message: string, field = "request") =>
  new AppError("validation", message, { awsCode: "ValidationException", fieldErrors: { [field]: [message] } });

export const archiveNotFound = (name: string) =>
  new AppError("not_found", `Archive ${name} does not exist.`, {
    awsCode: "ResourceNotFoundException",
    awsStatus: 400,
  });

export const replayNotFound = (name: string) =>
  new AppError("not_found", `Replay ${name} does not exist.`, { awsCode: "ResourceNotFoundException", awsStatus: 400 });

export const alreadyExists = (message: string) =>
  new AppError("conflict", message, { awsCode: "ResourceAlreadyExistsException", awsStatus: 400 });

export const illegalStatus = (message: string) =>
  new AppError("conflict", message, { awsCode: "IllegalStatusException", awsStatus: 400 });

export const limitExceeded = (message: string) =>
  new AppError("validation", message, { awsCode: "LimitExceededException" });

export const invalidArchivePattern = (message: string) =>
  new AppError("validation", message, {
    awsCode: "InvalidEventPatternException",
    fieldErrors: { eventPattern: [message] },
  });

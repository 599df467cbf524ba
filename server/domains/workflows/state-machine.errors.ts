import { AppError } from "../../core/errors";

// Step Functions' own exception names and message wording (com.amazonaws.sfn#...), one constructor
// each, so every door shows AWS's words and the console/REST see a matching AppError code.

export const sfnValidation = (message: string) =>
  new AppError("validation", message, { awsCode: "ValidationException" });

/** AWS's model-validation wording for one member. */
export function constraint(value: unknown, member: string, rule: string): AppError {
  const shown = value === undefined || value === null ? "null" : `'${String(value)}'`;
  return sfnValidation(
    `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${rule}`,
  );
}

export const invalidArn = (detail: string) =>
  new AppError("validation", `Invalid Arn: '${detail}'`, { awsCode: "InvalidArn" });

export const invalidName = (name: string) =>
  new AppError("validation", `Invalid Name: '${name}'`, { awsCode: "InvalidName" });

export const invalidToken = (token: string) =>
  new AppError("validation", `Invalid Token: '${token}'`, { awsCode: "InvalidToken" });

export const invalidDefinition = (message: string) =>
  new AppError("validation", message, { awsCode: "InvalidDefinition" });

export const invalidLogging = (message: string) =>
  new AppError("validation", message, { awsCode: "InvalidLoggingConfiguration" });

export const invalidTracing = (message: string) =>
  new AppError("validation", message, { awsCode: "InvalidTracingConfiguration" });

export const invalidEncryption = (message: string) =>
  new AppError("validation", message, { awsCode: "InvalidEncryptionConfiguration" });

export const missingParameter = (message: string) =>
  new AppError("validation", message, { awsCode: "MissingRequiredParameter" });

export const stateMachineDoesNotExist = (arn: string) =>
  new AppError("not_found", `State Machine Does Not Exist: '${arn}'`, { awsCode: "StateMachineDoesNotExist" });

export const stateMachineAlreadyExists = (arn: string) =>
  new AppError("conflict", `State Machine Already Exists: '${arn}'`, { awsCode: "StateMachineAlreadyExists" });

export const stateMachineDeleting = (arn: string) =>
  new AppError("conflict", `State Machine is being deleted: '${arn}'`, { awsCode: "StateMachineDeleting" });

export const activityDoesNotExist = (arn: string) =>
  new AppError("not_found", `Activity Does Not Exist: '${arn}'`, { awsCode: "ActivityDoesNotExist" });

export const activityAlreadyExists = (arn: string) =>
  new AppError("conflict", `Activity Already Exists: '${arn}'`, { awsCode: "ActivityAlreadyExists" });

export const resourceNotFound = (arn: string) =>
  new AppError("not_found", `Resource not found: '${arn}'`, { awsCode: "ResourceNotFound" });

export const conflict = (message: string) => new AppError("conflict", message, { awsCode: "ConflictException" });

export const tooManyTags = (arn: string) =>
  new AppError("validation", `Too many tags on resource: '${arn}'. The maximum number of tags is 50.`, {
    awsCode: "TooManyTags",
  });

export const quotaExceeded = (message: string) =>
  new AppError("conflict", message, { awsCode: "ServiceQuotaExceededException" });

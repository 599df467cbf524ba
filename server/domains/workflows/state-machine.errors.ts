import { AppError } from "../../core/errors";

// Step Functions' own exception names and message wording (StateMachineDoesNotExist, ...), one constructor
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

/**
 * Model constraints as AWS's front end reports them: every violation of the request found at once,
 * "N validation error(s) detected: Value 'v' at 'member' failed to satisfy constraint: ...; ..."
 * (sensitive members such as definition show no value). They come before the service's own checks.
 */
export class ModelCheck {
  private readonly found: string[] = [];

  add(value: unknown, member: string, rule: string, sensitive = false): this {
    const shown = sensitive ? "" : value === undefined || value === null ? " null" : ` '${String(value)}'`;
    this.found.push(`Value${shown} at '${member}' failed to satisfy constraint: ${rule}`);
    return this;
  }

  length(value: string | undefined, member: string, min: number, max: number, sensitive = false): this {
    if (value === undefined) return this;
    if (value.length < min)
      this.add(value, member, `Member must have length greater than or equal to ${min}`, sensitive);
    else if (value.length > max)
      this.add(value, member, `Member must have length less than or equal to ${max}`, sensitive);
    return this;
  }

  oneOf(value: string | undefined, member: string, values: readonly string[]): this {
    if (value !== undefined && !values.includes(value))
      this.add(value, member, `Member must satisfy enum value set: [${values.join(", ")}]`);
    return this;
  }

  range(value: number | undefined, member: string, min: number, max: number): this {
    if (value === undefined) return this;
    if (value < min) this.add(value, member, `Member must have value greater than or equal to ${min}`);
    else if (value > max) this.add(value, member, `Member must have value less than or equal to ${max}`);
    return this;
  }

  done(): void {
    const n = this.found.length;
    if (n) throw sfnValidation(`${n} validation error${n > 1 ? "s" : ""} detected: ${this.found.join("; ")}`);
  }
}

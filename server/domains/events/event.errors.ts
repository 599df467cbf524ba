import { AppError } from "../../core/errors";

// EventBridge's error codes (JSON 1.1, every one HTTP 400 except InternalException), with AWS's
// wording; the console shows the same message beside the field.

export function ebValidation(message: string, field = "request"): AppError {
  return new AppError("validation", message, { awsCode: "ValidationException", fieldErrors: { [field]: [message] } });
}

export function ebNotFound(message: string): AppError {
  return new AppError("not_found", message, { awsCode: "ResourceNotFoundException", awsStatus: 400 });
}

export function busNotFound(name: string): AppError {
  return ebNotFound(`Event bus ${name} does not exist.`);
}

export function ruleNotFound(name: string, busName: string): AppError {
  return ebNotFound(`Rule ${name} does not exist on EventBus ${busName}.`);
}

export function ebAlreadyExists(message: string): AppError {
  return new AppError("conflict", message, { awsCode: "ResourceAlreadyExistsException", awsStatus: 400 });
}

export function invalidPattern(message: string): AppError {
  return new AppError("validation", message, {
    awsCode: "InvalidEventPatternException",
    fieldErrors: { eventPattern: [message] },
  });
}

export function limitExceeded(message: string): AppError {
  return new AppError("validation", message, { awsCode: "LimitExceededException" });
}

export function managedRule(message: string): AppError {
  return new AppError("forbidden", message, { awsCode: "ManagedRuleException", awsStatus: 400 });
}

export function ebAccessDenied(message: string): AppError {
  return new AppError("forbidden", message, { awsCode: "AccessDeniedException", awsStatus: 400 });
}

export function ebIllegalState(message: string): AppError {
  return new AppError("conflict", message, { awsCode: "IllegalStatusException", awsStatus: 400 });
}

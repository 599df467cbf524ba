import { AppError } from "../../core/errors";
import type { RuleError } from "../../core/sns/publish-rules";

// SNS's error codes and wording, shared by the topics services (the AWS door shows awsCode; the
// console shows the message beside the field).

export function snsInvalid(
  message: string,
  field = "request",
  awsCode: "InvalidParameter" | "InvalidParameterValue" = "InvalidParameter",
): AppError {
  return new AppError("validation", message, { awsCode, fieldErrors: { [field]: [message] } });
}

export function ruleError(e: RuleError): AppError {
  return snsInvalid(e.message, e.field, e.code);
}

export function topicNotFound(): AppError {
  return new AppError("not_found", "Topic does not exist", { awsCode: "NotFound", awsStatus: 404 });
}

export function subscriptionNotFound(): AppError {
  return new AppError("not_found", "Subscription does not exist", { awsCode: "NotFound", awsStatus: 404 });
}

export function resourceNotFound(): AppError {
  return new AppError("not_found", "Resource does not exist", { awsCode: "ResourceNotFound", awsStatus: 404 });
}

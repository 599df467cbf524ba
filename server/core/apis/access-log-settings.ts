// A stage's accessLogSettings, checked as API Gateway checks them on CreateStage/UpdateStage: one
// check for every door (the AWS door's v1 patch operations and v2 AccessLogSettings, the console),
// answering with API Gateway's wording. REST APIs may log to a CloudWatch Logs log group or an
// amazon-apigateway-* Kinesis Data Firehose stream; HTTP and WebSocket APIs to a log group only.

export type AccessLogProtocol = "REST" | "HTTP" | "WEBSOCKET";

const LOG_GROUP = /^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:[\w./#-]{1,512}(:\*)?$/;
const FIREHOSE = /^arn:aws[a-z-]*:firehose:[a-z0-9-]+:\d{12}:deliverystream\/amazon-apigateway-[\w.-]+$/;

/** Why `arn` cannot be the stage's access-log destination (API Gateway's message), or null. */
export function accessLogDestinationError(arn: string, protocol: AccessLogProtocol): string | null {
  if (!arn.startsWith("arn:")) return `Invalid ARN specified in the request. ARNs must start with 'arn:': ${arn}`;
  if (LOG_GROUP.test(arn) || (protocol === "REST" && FIREHOSE.test(arn))) return null;
  return "Invalid ARN specified in the request. The ARN must be a valid CloudWatch Logs log group or Kinesis Data Firehose delivery stream ARN.";
}

/**
 * Why `format` cannot be the stage's access-log format (API Gateway's message), or null: one line
 * (REST APIs allow a newline at the very end), with $context.requestId or $context.extendedRequestId.
 * HTTP and WebSocket APIs prefix their messages with "The following errors are found in Access Log Format: ".
 */
export function accessLogFormatError(format: string, protocol: AccessLogProtocol): string | null {
  const prefix = protocol === "REST" ? "" : "The following errors are found in Access Log Format: ";
  const line = protocol === "REST" ? format.replace(/\r?\n$/, "") : format;
  if (/[\r\n]/.test(line)) {
    const rule =
      protocol === "REST"
        ? "Access Log format must be single line, new line character is allowed only at end of the format"
        : "Access Log format must be single line";
    return `${prefix}${rule}: '${format}'`;
  }
  if (!/\$\{?context\.(requestId|extendedRequestId)\b/.test(format))
    return `${prefix}Access Log format must include either $context.requestId or $context.extendedRequestId : '${format}'`;
  return null;
}

/** The first problem with a stage's accessLogSettings (either part may be absent), or null. */
export function accessLogSettingsError(
  s: { destinationArn?: string; format?: string } | undefined,
  protocol: AccessLogProtocol,
): string | null {
  if (!s) return null;
  return (
    (s.destinationArn !== undefined ? accessLogDestinationError(s.destinationArn, protocol) : null) ??
    (s.format !== undefined ? accessLogFormatError(s.format, protocol) : null)
  );
}

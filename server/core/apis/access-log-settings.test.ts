import { describe, expect, it } from "vitest";
import { accessLogDestinationError, accessLogFormatError, accessLogSettingsError } from "./access-log-settings";

const GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/access";
const STREAM = "arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-x";

describe("accessLogDestinationError", () => {
  it.each([
    [GROUP, "REST", null],
    [`${GROUP}:*`, "HTTP", null],
    [STREAM, "REST", null],
    [STREAM, "HTTP", "valid CloudWatch Logs log group"],
    [STREAM, "WEBSOCKET", "valid CloudWatch Logs log group"],
    ["arn:aws:firehose:us-east-1:123456789012:deliverystream/other", "REST", "valid CloudWatch Logs log group"],
    ["arn:aws:sqs:us-east-1:123456789012:q", "REST", "valid CloudWatch Logs log group"],
    ["my-group", "HTTP", "ARNs must start with 'arn:': my-group"],
  ] as const)("%s on %s", (arn, protocol, want) => {
    const got = accessLogDestinationError(arn, protocol);
    if (want === null) expect(got).toBeNull();
    else expect(got).toContain(want);
  });
});

describe("accessLogFormatError", () => {
  it.each([
    ["$context.requestId", "REST", null],
    ["${context.extendedRequestId} $context.status", "HTTP", null],
    ["$context.requestId\n", "REST", null],
    [
      "$context.requestId\n",
      "HTTP",
      "The following errors are found in Access Log Format: Access Log format must be single line",
    ],
    ["$context.requestId\n$context.status", "REST", "new line character is allowed only at end of the format"],
    [
      "$context.requestIdentity",
      "REST",
      "must include either $context.requestId or $context.extendedRequestId : '$context.requestIdentity'",
    ],
    [
      "$context.status",
      "WEBSOCKET",
      "The following errors are found in Access Log Format: Access Log format must include",
    ],
  ] as const)("%j on %s", (format, protocol, want) => {
    const got = accessLogFormatError(format, protocol);
    if (want === null) expect(got).toBeNull();
    else expect(got).toContain(want);
  });

  it("checks only the parts that are set", () => {
    expect(accessLogSettingsError(undefined, "REST")).toBeNull();
    expect(accessLogSettingsError({ format: "$context.requestId" }, "REST")).toBeNull();
    expect(accessLogSettingsError({ destinationArn: "x", format: "$context.status" }, "REST")).toMatch(/^Invalid ARN/);
  });
});

import { describe, expect, it } from "vitest";
import { parseSubscriptionAttributeStrings } from "./subscription-attributes";

// The AWS door's half of subscription attributes: wire strings → a typed patch, with SNS's wording.
describe("parseSubscriptionAttributeStrings", () => {
  it.each([
    [{ RawMessageDelivery: "true" }, { rawMessageDelivery: true }],
    [
      { RawMessageDelivery: "false", FilterPolicy: "" },
      { rawMessageDelivery: false, filterPolicy: null },
    ],
    [
      { FilterPolicy: '{"a":["b"]}', FilterPolicyScope: "MessageBody" },
      { filterPolicy: '{"a":["b"]}', filterPolicyScope: "MessageBody" },
    ],
    [
      { RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq"}' },
      { redrivePolicy: { deadLetterTargetArn: "arn:aws:sqs:us-east-1:123456789012:dlq" } },
    ],
    [
      { RedrivePolicy: "", DeliveryPolicy: "" },
      { redrivePolicy: null, deliveryPolicy: null },
    ],
  ])("%j → %j", (attrs, patch) => {
    expect(parseSubscriptionAttributeStrings(attrs, true)).toEqual({ ok: true, patch });
  });

  it.each([
    [{ Colour: "red" }, true, "Invalid parameter: Attributes Reason: Unknown attribute Colour"],
    [{ Colour: "red" }, false, "Invalid parameter: AttributeName"],
    [
      { RawMessageDelivery: "yes" },
      false,
      "Invalid parameter: RawMessageDelivery: Invalid value [yes]. Must be true or false.",
    ],
    [
      { FilterPolicyScope: "Body" },
      true,
      "Invalid parameter: Attributes Reason: FilterPolicyScope: Invalid value [Body]. Please use either MessageBody or MessageAttributes",
    ],
    [{ RedrivePolicy: "{" }, true, "Invalid parameter: Attributes Reason: RedrivePolicy: failed to parse JSON."],
  ])("%j (subscribe %s) → %s", (attrs, subscribe, message) => {
    const r = parseSubscriptionAttributeStrings(attrs as Record<string, string>, subscribe as boolean);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe(message);
  });
});

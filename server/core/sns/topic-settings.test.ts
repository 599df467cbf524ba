import { describe, expect, it } from "vitest";
import {
  parseNewTopicAttributeStrings,
  parseTopicAttributeString,
  topicPatchAttributeNames,
  type TopicSettingsPatch,
} from "./topic-settings";

// The AWS door's half of topic attributes: wire strings → a typed patch, with SNS's wording.
describe("parseTopicAttributeString (SetTopicAttributes)", () => {
  it.each<[string, string, TopicSettingsPatch]>([
    ["DisplayName", "Orders", { displayName: "Orders" }],
    ["DisplayName", "", { displayName: null }],
    ["DeliveryPolicy", '{"http":{}}', { deliveryPolicy: '{"http":{}}' }],
    ["DeliveryPolicy", "", { deliveryPolicy: null }],
    ["ContentBasedDeduplication", "true", { contentBasedDeduplication: true }],
    ["ContentBasedDeduplication", "false", { contentBasedDeduplication: false }],
    ["Policy", '{"Version":"2012-10-17"}', { policy: '{"Version":"2012-10-17"}' }],
    ["Policy", "", { policy: null }],
    ["KmsMasterKeyId", "alias/aws/sns", { kmsMasterKeyId: "alias/aws/sns" }],
    ["TracingConfig", "Active", { tracingConfig: "Active" }],
    ["TracingConfig", "", { tracingConfig: null }],
    ["SignatureVersion", "2", { signatureVersion: "2" }],
    // Syntactically fine; the service refuses it with its own reason.
    ["SignatureVersion", "1", { signatureVersion: "1" }],
    ["ArchivePolicy", '{"MessageRetentionPeriod":"30"}', {}],
  ])("%s=%j → %j", (name, value, patch) => {
    expect(parseTopicAttributeString(name, value)).toEqual({ ok: true, value: patch });
  });

  it.each([
    ["FifoTopic", "true", "Invalid parameter: AttributeName", "FifoTopic"],
    ["Colour", "red", "Invalid parameter: AttributeName", "Colour"],
    [
      "ContentBasedDeduplication",
      "yes",
      "Invalid parameter: ContentBasedDeduplication: Invalid value [yes]. Must be true or false.",
      "ContentBasedDeduplication",
    ],
    [
      "TracingConfig",
      "Sometimes",
      "Invalid parameter: TracingConfig: Invalid value [Sometimes]. Must be PassThrough or Active",
      "TracingConfig",
    ],
    ["SignatureVersion", "3", "Invalid parameter: SignatureVersion Reason: must be 1 or 2", "SignatureVersion"],
  ])("%s=%j is refused", (name, value, message, field) => {
    expect(parseTopicAttributeString(name, value)).toEqual({ ok: false, error: { message, field } });
  });
});

describe("parseNewTopicAttributeStrings (CreateTopic)", () => {
  it("takes FifoTopic besides the settings", () => {
    expect(
      parseNewTopicAttributeStrings({ FifoTopic: "true", ContentBasedDeduplication: "true", DisplayName: "D" }),
    ).toEqual({
      ok: true,
      value: { fifoTopic: true, settings: { contentBasedDeduplication: true, displayName: "D" } },
    });
    expect(parseNewTopicAttributeStrings({})).toEqual({ ok: true, value: { settings: {} } });
  });

  it.each([
    [{ Colour: "red" }, "Invalid parameter: Attributes Reason: Unknown attribute Colour", "Colour"],
    [
      { FifoTopic: "maybe" },
      "Invalid parameter: Attributes Reason: FifoTopic: Invalid value [maybe]. Must be true or false.",
      "FifoTopic",
    ],
    [
      { TracingConfig: "On" },
      "Invalid parameter: Attributes Reason: TracingConfig: Invalid value [On]. Must be PassThrough or Active",
      "TracingConfig",
    ],
  ])("%j is refused", (attrs, message, field) => {
    expect(parseNewTopicAttributeStrings(attrs)).toEqual({ ok: false, error: { message, field } });
  });
});

describe("topicPatchAttributeNames", () => {
  it("names the set fields by their wire names (for the audit log)", () => {
    expect(topicPatchAttributeNames({ displayName: null, tracingConfig: "Active", policy: undefined })).toEqual([
      "DisplayName",
      "TracingConfig",
    ]);
  });
});

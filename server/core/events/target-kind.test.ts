import { describe, expect, it } from "vitest";
import { targetKindOfArn } from "./target-kind";

describe("targetKindOfArn", () => {
  it.each([
    ["arn:aws:sqs:us-east-1:123456789012:orders", "queue"],
    ["arn:aws:sqs:us-east-1:123456789012:orders.fifo", "queue"],
    ["arn:aws:sns:us-east-1:123456789012:alerts", "topic"],
    ["arn:aws:sns:us-east-1:123456789012:alerts.fifo", "topic"],
    ["arn:aws:lambda:us-east-1:123456789012:function:resize", "function"],
    ["arn:aws:lambda:us-east-1:123456789012:function:resize:live", "function"],
    ["arn:aws:events:us-east-1:123456789012:event-bus/default", "event-bus"],
    ["arn:aws:events:us-east-1:123456789012:api-destination/crm/0b1c", "api-destination"],
    ["arn:aws:events:us-east-1:123456789012:rule/orders", null],
    ["arn:aws:states:us-east-1:123456789012:stateMachine:flow", "workflow"],
    ["arn:aws:states:us-east-1:123456789012:stateMachine:flow:3", "workflow"],
    ["arn:aws:states:us-east-1:123456789012:stateMachine:flow:live", "workflow"],
    ["arn:aws:states:us-east-1:123456789012:execution:flow:run", null],
    ["arn:aws:states:us-east-1:123456789012:activity:work", null],
    ["arn:aws:sqs:us-east-1:123456789012:bad/name", null],
    ["not an arn", null],
  ])("%s → %s", (arn, kind) => {
    expect(targetKindOfArn(arn)).toBe(kind);
  });
});

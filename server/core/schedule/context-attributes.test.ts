import { describe, expect, it } from "vitest";
import { applyContextAttributes, executionIdOf } from "./context-attributes";

describe("Scheduler context attributes", () => {
  it("replaces every attribute wherever it occurs, and leaves other text alone", () => {
    const arn = "arn:aws:scheduler:us-east-1:123456789012:schedule/default/nightly";
    const out = applyContextAttributes(
      '{"a":"<aws.scheduler.schedule-arn>","t":"<aws.scheduler.scheduled-time>","e":"<aws.scheduler.execution-id>","n":<aws.scheduler.attempt-number>,"x":"<aws.events.rule-arn>","again":"<aws.scheduler.scheduled-time>"}',
      { scheduleArn: arn, scheduledTime: new Date("2026-03-22T18:59:43.000Z"), executionId: "e-1", attemptNumber: 1 },
    );
    expect(JSON.parse(out)).toEqual({
      a: arn,
      t: "2026-03-22T18:59:43Z",
      e: "e-1",
      n: 1,
      x: "<aws.events.rule-arn>",
      again: "2026-03-22T18:59:43Z",
    });
  });

  it("an execution id is stable per fire time and differs between fire times", () => {
    const a = executionIdOf("arn:x", "2026-01-01T00:00:00.000Z");
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(executionIdOf("arn:x", "2026-01-01T00:00:00.000Z")).toBe(a);
    expect(executionIdOf("arn:x", "2026-01-01T00:01:00.000Z")).not.toBe(a);
  });
});

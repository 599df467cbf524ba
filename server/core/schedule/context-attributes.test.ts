import { describe, expect, it } from "vitest";
import { applyContextAttributes, executionIdOf, quoteBareAttemptNumber, withAttemptNumber } from "./context-attributes";

describe("Scheduler context attributes", () => {
  it("replaces every attribute wherever it occurs, and leaves other text alone", () => {
    const arn = "arn:aws:scheduler:us-east-1:123456789012:schedule/default/nightly";
    const out = applyContextAttributes(
      '{"a":"<aws.scheduler.schedule-arn>","t":"<aws.scheduler.scheduled-time>","e":"<aws.scheduler.execution-id>","n":<aws.scheduler.attempt-number>,"x":"<aws.events.rule-arn>","again":"<aws.scheduler.scheduled-time>"}',
      { scheduleArn: arn, scheduledTime: new Date("2026-03-22T18:59:43.000Z"), executionId: "e-1" },
    );
    expect(JSON.parse(withAttemptNumber(out, 1))).toEqual({
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

  it("leaves the attempt number to each attempt: 1 on the first, the retry's number after", () => {
    const ctx = { scheduleArn: "arn:s", scheduledTime: new Date("2026-03-22T18:59:43Z"), executionId: "e-1" };
    const stored = applyContextAttributes(
      '{"n":<aws.scheduler.attempt-number>,"s":"try <aws.scheduler.attempt-number>"}',
      ctx,
    );
    expect(stored).toContain("<aws.scheduler.attempt-number>");
    expect(JSON.parse(withAttemptNumber(stored, 1))).toEqual({ n: 1, s: "try 1" });
    expect(JSON.parse(withAttemptNumber(stored, 3))).toEqual({ n: 3, s: "try 3" });
  });

  it("a bare attempt number survives parsing the Input (an event bus detail) and comes back bare", () => {
    const detail = JSON.parse(
      quoteBareAttemptNumber('{"n":<aws.scheduler.attempt-number>,"s":"a\\"<aws.scheduler.attempt-number>"}'),
    );
    const payload = JSON.stringify({ detail });
    expect(JSON.parse(withAttemptNumber(payload, 2))).toEqual({ detail: { n: 2, s: 'a"2' } });
  });
});

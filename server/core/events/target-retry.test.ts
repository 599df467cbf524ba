import { describe, expect, it } from "vitest";
import {
  backoffSeconds,
  deadLetterAttributes,
  eventTooOld,
  retryDecision,
  retryPolicyProblem,
  targetRetryPolicy,
} from "./target-retry";

const t0 = new Date("2026-12-02T00:00:00Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);

describe("target retry policy", () => {
  it("takes AWS's defaults and limits", () => {
    expect(targetRetryPolicy(undefined)).toEqual({ maxRetryAttempts: 185, maxAgeSeconds: 86_400 });
    expect(targetRetryPolicy({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 })).toEqual({
      maxRetryAttempts: 0,
      maxAgeSeconds: 60,
    });
    expect(retryPolicyProblem({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 })).toBeNull();
    for (const bad of [
      { MaximumRetryAttempts: -1 },
      { MaximumRetryAttempts: 186 },
      { MaximumRetryAttempts: 1.5 },
      { MaximumEventAgeInSeconds: 59 },
      { MaximumEventAgeInSeconds: 86_401 },
    ])
      expect(retryPolicyProblem(bad)).toMatch(/must be between/);
    expect(() => targetRetryPolicy({ MaximumRetryAttempts: 200 })).toThrow(RangeError);
  });

  it("backs off exponentially with jitter, capped at 5 minutes", () => {
    expect([1, 2, 3, 4].map((n) => backoffSeconds(n, 1))).toEqual([1, 2, 4, 8]);
    expect(backoffSeconds(4, 0)).toBe(4);
    expect(backoffSeconds(30, 1)).toBe(300);
    expect(backoffSeconds(30, 0)).toBe(150);
    for (let n = 1; n < 40; n++) {
      const lo = backoffSeconds(n, 0);
      const hi = backoffSeconds(n, 0.999);
      expect(lo).toBeGreaterThanOrEqual(1);
      expect(hi).toBeLessThanOrEqual(300);
      expect(lo).toBeLessThanOrEqual(hi);
    }
  });

  const policy = { maxRetryAttempts: 2, maxAgeSeconds: 3600 };
  const decide = (attemptsMade: number, now: Date, permanent = false) =>
    retryDecision({ policy, attemptsMade, permanent, eventTime: t0, now, random: 0.5 });

  it("retries until MaximumRetryAttempts retries were made", () => {
    expect(decide(1, at(1))).toMatchObject({ retry: true });
    expect(decide(2, at(5))).toMatchObject({ retry: true });
    expect(decide(3, at(10))).toEqual({ retry: false, condition: "MaximumRetryAttempts" });
    expect(
      retryDecision({
        policy: { ...policy, maxRetryAttempts: 0 },
        attemptsMade: 1,
        permanent: false,
        eventTime: t0,
        now: t0,
        random: 0,
      }),
    ).toEqual({ retry: false, condition: "MaximumRetryAttempts" });
  });

  it("stops when the next retry would come after MaximumEventAgeInSeconds", () => {
    expect(decide(1, at(3598))).toMatchObject({ retry: true });
    expect(decide(1, at(3600))).toEqual({ retry: false, condition: "MaximumEventAgeInSeconds" });
    expect(eventTooOld(policy, t0, at(3600))).toBe(false);
    expect(eventTooOld(policy, t0, at(3601))).toBe(true);
  });

  it("never retries a permanent error", () => {
    expect(decide(1, at(1), true)).toEqual({ retry: false, condition: null });
  });

  it("builds EventBridge's and Scheduler's dead-letter attributes", () => {
    const c = {
      sourceArn: "arn:aws:events:us-east-1:123456789012:rule/r",
      targetArn: "arn:aws:sqs:us-east-1:123456789012:q",
      errorCode: "NO_RESOURCE",
      errorMessage: "x".repeat(5000),
      condition: null,
      retryAttempts: 0,
      scheduledTime: new Date("2026-12-02T01:02:03.456Z"),
      executionId: "e-1",
    };
    const events = deadLetterAttributes("events", c);
    expect(Object.keys(events)).toEqual(["RULE_ARN", "TARGET_ARN", "ERROR_CODE", "ERROR_MESSAGE", "RETRY_ATTEMPTS"]);
    expect(events.ERROR_MESSAGE!.StringValue).toHaveLength(1024);
    const sched = deadLetterAttributes("scheduler", { ...c, condition: "MaximumRetryAttempts" });
    expect(Object.fromEntries(Object.entries(sched).map(([k, v]) => [k, v.StringValue]))).toMatchObject({
      EXECUTION_ID: "e-1",
      EXHAUSTED_RETRY_CONDITION: "MaximumRetryAttempts",
      IS_PAYLOAD_TRUNCATED: "false",
      SCHEDULED_TIME: "2026-12-02T01:02:03Z",
      SCHEDULE_ARN: c.sourceArn,
    });
    for (const v of Object.values(sched)) expect(v.DataType).toBe("String");
  });
});

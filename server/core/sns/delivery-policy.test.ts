import { describe, expect, it } from "vitest";
import {
  DEFAULT_HTTP_RETRY_POLICY,
  effectiveDeliveryPolicy,
  parseDeliveryPolicy,
  parseRetryPolicy,
  retryDelaySeconds,
} from "./delivery-policy";

const mid = 0.5; // no jitter

describe("SNS delivery policy", () => {
  it("uses AWS's default HTTP policy: 3 retries, 20 s apart", () => {
    expect(DEFAULT_HTTP_RETRY_POLICY).toMatchObject({
      numRetries: 3,
      minDelayTarget: 20,
      maxDelayTarget: 20,
      backoffFunction: "linear",
    });
    expect([1, 2, 3, 4].map((n) => retryDelaySeconds(DEFAULT_HTTP_RETRY_POLICY, n, mid))).toEqual([20, 20, 20, null]);
  });

  it("runs the four phases in order: immediate, pre-backoff, backoff, post-backoff", () => {
    const p = parseRetryPolicy({
      numRetries: 10,
      numNoDelayRetries: 2,
      numMinDelayRetries: 2,
      numMaxDelayRetries: 2,
      minDelayTarget: 5,
      maxDelayTarget: 45,
      backoffFunction: "linear",
    });
    expect(p.ok).toBe(true);
    const delays = Array.from({ length: 11 }, (_, i) =>
      retryDelaySeconds(p.ok ? p.value : DEFAULT_HTTP_RETRY_POLICY, i + 1, mid),
    );
    expect(delays).toEqual([0, 0, 5, 5, 15, 25, 35, 45, 45, 45, null]);
  });

  it.each([
    ["linear", [7.5, 10, 12.5, 15, 17.5, 20]],
    ["exponential", [7.5, 11.25, 16.875, 25.313, 37.969, 56.953]],
  ] as const)("backs off %s between min and max", (fn, expected) => {
    const p = parseRetryPolicy({
      numRetries: 6,
      minDelayTarget: 5,
      maxDelayTarget: fn === "linear" ? 20 : 60,
      backoffFunction: fn,
    });
    const v = p.ok ? p.value : DEFAULT_HTTP_RETRY_POLICY;
    const got = [1, 2, 3, 4, 5, 6].map((n) => retryDelaySeconds(v, n, mid)!);
    if (fn === "linear") expect(got).toEqual(expected);
    else got.forEach((g, i) => expect(g).toBeCloseTo(5 * 12 ** ((i + 1) / 6), 1));
    expect(got[5]).toBeLessThanOrEqual(fn === "linear" ? 20 : 60);
  });

  it("adds at most ±10% jitter", () => {
    expect(retryDelaySeconds(DEFAULT_HTTP_RETRY_POLICY, 1, 0)).toBe(18);
    expect(retryDelaySeconds(DEFAULT_HTTP_RETRY_POLICY, 1, 0.999999)).toBeCloseTo(22, 2);
  });

  it.each([
    [{ healthyRetryPolicy: { numRetries: 101 } }, /numRetries must be an integer between 0 and 100/],
    [
      { healthyRetryPolicy: { minDelayTarget: 30, maxDelayTarget: 10 } },
      /minDelayTarget must be less than or equal to maxDelayTarget/,
    ],
    [{ healthyRetryPolicy: { numRetries: 2, numNoDelayRetries: 3 } }, /must not exceed numRetries/],
    [{ healthyRetryPolicy: { backoffFunction: "cubic" } }, /backoffFunction must be one of/],
    [{ throttlePolicy: { maxReceivesPerSecond: 0 } }, /maxReceivesPerSecond/],
    ["not json", /failed to parse JSON/],
  ])("rejects %j", (policy, message) => {
    const r = parseDeliveryPolicy(typeof policy === "string" ? policy : JSON.stringify(policy), "subscription");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it("prefers the subscription's policy unless the topic disables overrides", () => {
    const topic = {
      http: { defaultHealthyRetryPolicy: { numRetries: 7 }, defaultThrottlePolicy: { maxReceivesPerSecond: 3 } },
    };
    expect(effectiveDeliveryPolicy({ healthyRetryPolicy: { numRetries: 1 } }, topic)).toMatchObject({
      retry: { numRetries: 1 },
      maxReceivesPerSecond: 3,
    });
    expect(
      effectiveDeliveryPolicy(
        { healthyRetryPolicy: { numRetries: 1 } },
        { http: { ...topic.http, disableSubscriptionOverrides: true } },
      ),
    ).toMatchObject({ retry: { numRetries: 7 } });
    expect(effectiveDeliveryPolicy(null, null)).toMatchObject({
      retry: DEFAULT_HTTP_RETRY_POLICY,
      maxReceivesPerSecond: null,
    });
  });
});

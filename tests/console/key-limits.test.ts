import { describe, expect, it } from "vitest";
import { describeLimits, fieldValue } from "../../components/api-keys/key-limits";

describe("a key's limits in the console", () => {
  it("reads as rate, burst and quota, or the team's limit alone", () => {
    expect(describeLimits(null)).toBe("Team limit only");
    expect(describeLimits({ rateLimit: 20, burstLimit: 40, quotaLimit: null, quotaPeriod: null })).toBe(
      "20/s, burst 40",
    );
    expect(describeLimits({ rateLimit: null, burstLimit: null, quotaLimit: 10000, quotaPeriod: "MONTH" })).toBe(
      "10,000/month",
    );
    expect(describeLimits({ rateLimit: 0.5, burstLimit: 1, quotaLimit: 100, quotaPeriod: "DAY" })).toBe(
      "0.5/s, burst 1 · 100/day",
    );
  });
  it("a blank field is no limit; anything else goes to the server as typed", () => {
    expect(fieldValue("  ")).toBeNull();
    expect(fieldValue(" 12 ")).toBe("12");
    expect(fieldValue("abc")).toBe("abc");
  });
});

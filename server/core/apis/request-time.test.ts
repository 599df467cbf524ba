import { describe, expect, it } from "vitest";
import { requestTime } from "./request-time";

describe("requestTime ($context.requestTime)", () => {
  it("formats API Gateway's CLF time in UTC, and a new second gets a new text", () => {
    expect(requestTime(new Date("2026-12-02T16:40:05.123Z"))).toBe("02/Dec/2026:16:40:05 +0000");
    expect(requestTime(new Date("2026-12-02T16:40:05.999Z"))).toBe("02/Dec/2026:16:40:05 +0000");
    expect(requestTime(new Date("2026-12-02T16:40:06.000Z"))).toBe("02/Dec/2026:16:40:06 +0000");
    expect(requestTime(new Date("2027-01-09T03:04:05Z"))).toBe("09/Jan/2027:03:04:05 +0000");
  });
});

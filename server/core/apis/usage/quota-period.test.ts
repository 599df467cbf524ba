import { describe, expect, it } from "vitest";
import { isoDay, periodEnd, periodStart } from "./quota-period";

describe("quota periods", () => {
  const wed = new Date("2026-12-02T15:30:00Z"); // a Wednesday
  it("DAY starts at UTC midnight and lasts a day", () => {
    const s = periodStart("DAY", 0, wed);
    expect(s.toISOString()).toBe("2026-12-02T00:00:00.000Z");
    expect(periodEnd("DAY", s).toISOString()).toBe("2026-12-03T00:00:00.000Z");
  });
  it("WEEK starts on the offset's weekday (0 = Sunday, 1 = Monday)", () => {
    expect(periodStart("WEEK", 0, wed).toISOString()).toBe("2026-11-29T00:00:00.000Z");
    expect(periodStart("WEEK", 1, wed).toISOString()).toBe("2026-11-30T00:00:00.000Z");
    expect(periodStart("WEEK", 3, wed).toISOString()).toBe("2026-12-02T00:00:00.000Z");
    expect(periodStart("WEEK", 4, wed).toISOString()).toBe("2026-11-26T00:00:00.000Z");
    expect(periodEnd("WEEK", periodStart("WEEK", 4, wed)).toISOString()).toBe("2026-12-03T00:00:00.000Z");
  });
  it("MONTH starts on day offset + 1, in this month or the previous one", () => {
    expect(periodStart("MONTH", 0, wed).toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(periodStart("MONTH", 1, wed).toISOString()).toBe("2026-12-02T00:00:00.000Z");
    expect(periodStart("MONTH", 5, wed).toISOString()).toBe("2026-11-06T00:00:00.000Z");
    expect(periodStart("MONTH", 5, new Date("2026-01-03T00:00:00Z")).toISOString()).toBe("2025-12-06T00:00:00.000Z");
    expect(periodEnd("MONTH", new Date("2026-11-06T00:00:00Z")).toISOString()).toBe("2026-12-06T00:00:00.000Z");
  });
  it("isoDay", () => expect(isoDay(wed)).toBe("2026-12-02"));
});

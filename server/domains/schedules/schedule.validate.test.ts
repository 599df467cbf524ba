import { describe, expect, it } from "vitest";
import { Checks, NAME_RE } from "./schedule.validate";

describe("Scheduler validation messages", () => {
  it("collects constraint violations in the service's wording", () => {
    const c = new Checks();
    c.string("", "name", { min: 1, max: 64, pattern: NAME_RE, required: true });
    c.string("x".repeat(65), "groupName", { min: 1, max: 64 });
    c.string("a b", "namePrefix", { min: 1, max: 64, pattern: NAME_RE });
    c.int(186, "target.retryPolicy.maximumRetryAttempts", 0, 185);
    c.oneOf("ON", "state", ["ENABLED", "DISABLED"] as const);
    c.object(undefined, "flexibleTimeWindow", true);
    expect(() => c.done()).toThrow(
      "6 validation errors detected: " +
        "Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        `Value '${"x".repeat(65)}' at 'groupName' failed to satisfy constraint: Member must have length less than or equal to 64; ` +
        "Value 'a b' at 'namePrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+; " +
        "Value 186 at 'target.retryPolicy.maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 185; " +
        "Value 'ON' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]; " +
        "Value null at 'flexibleTimeWindow' failed to satisfy constraint: Member must not be null",
    );
  });

  it("passes quietly when everything is valid", () => {
    const c = new Checks();
    expect(c.string("nightly", "name", { min: 1, max: 64, pattern: NAME_RE, required: true })).toBe("nightly");
    expect(c.date(1767225600, "startDate")).toEqual(new Date("2026-01-01T00:00:00Z"));
    expect(() => c.done()).not.toThrow();
  });
});

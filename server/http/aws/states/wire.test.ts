import { describe, expect, it } from "vitest";
import { wireJson } from "./wire";

// AWS JSON 1.0 as Step Functions sends it: timestamps as epoch seconds (with milliseconds as the
// fraction), unset members absent, at any depth (history events, routing configurations).

describe("wireJson", () => {
  it("turns Dates into epoch seconds and drops unset members at any depth", () => {
    const d = new Date("2026-12-02T05:00:00.123Z");
    expect(
      wireJson({
        creationDate: d,
        revisionId: undefined,
        label: null,
        events: [{ timestamp: d, details: { a: null, b: 0 } }],
      }),
    ).toEqual({ creationDate: 1796187600.123, events: [{ timestamp: 1796187600.123, details: { b: 0 } }] });
    expect(wireJson("text")).toBe("text");
    expect(wireJson([1, false])).toEqual([1, false]);
  });
});

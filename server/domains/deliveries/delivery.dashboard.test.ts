import { describe, expect, it } from "vitest";
import { bucketSeconds, likeText, zoomFrom } from "./delivery-dashboard.repository";

const end = new Date("2026-12-01T12:00:00Z");
const back = (ms: number) => ({ from: new Date(end.getTime() - ms), to: end });

describe("chart buckets and zoom", () => {
  it.each([
    [3600_000, 60],
    [6 * 3600_000, 600],
    [24 * 3600_000, 1800],
    [7 * 86400_000, 3 * 3600],
  ])("a range of %i ms gets %i-second bars", (span, b) => {
    expect(bucketSeconds(back(span))).toBe(b);
    expect(span / 1000 / b).toBeLessThanOrEqual(60);
  });

  it("zooms to a burst at the end of the range, never below 15 minutes", () => {
    const day = back(86400_000);
    expect(zoomFrom(day, null)).toEqual(day.from);
    expect(zoomFrom(day, new Date(end.getTime() - 20 * 3600_000))).toEqual(day.from);
    expect(zoomFrom(day, new Date(end.getTime() - 2 * 3600_000)).getTime()).toBe(end.getTime() - 2.2 * 3600_000);
    expect(zoomFrom(day, new Date(end.getTime() - 60_000)).getTime()).toBe(end.getTime() - 15 * 60_000);
  });

  it("takes LIKE wildcards literally", () => {
    expect(likeText("  50%_off\\ ")).toBe("50\\%\\_off\\\\");
    expect(likeText("   ")).toBeNull();
  });
});

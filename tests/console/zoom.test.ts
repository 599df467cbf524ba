import { describe, expect, it } from "vitest";
import { zoomToData } from "../../components/queues/monitoring-tab";
import { tickLabel, timeTicks } from "../../components/deliveries/time-range";

const minute = 60_000;
const series = (n: number, busyFrom: number) =>
  Array.from({ length: n }, (_, i) => ({
    t: i * minute,
    sent: i >= busyFrom ? 1 : 0,
    received: 0,
    deleted: 0,
    depth: null,
    inFlight: null,
    delayed: null,
  }));

describe("queue charts zoom to their data", () => {
  it("drops a quiet lead-in, keeping at least 15 minutes", () => {
    const z = zoomToData(series(360, 358));
    expect(z[z.length - 1]!.t).toBe(359 * minute);
    expect(z[0]!.t).toBe(344 * minute);
  });

  it("keeps the whole range when data fills most of it, or there is none", () => {
    expect(zoomToData(series(60, 10)).length).toBe(60);
    expect(zoomToData(series(360, 400)).length).toBe(360);
  });
});

describe("time axis", () => {
  it("puts at most 7 round ticks on 1h, 6h, 24h and 7d", () => {
    const end = Date.parse("2026-12-01T12:00:00Z");
    for (const [hours, step] of [
      [1, 10],
      [6, 60],
      [24, 360],
      [168, 1440],
    ] as const) {
      const { ticks, stepMs } = timeTicks(end - hours * 3600_000, end);
      expect(stepMs).toBe(step * minute);
      expect(ticks.length).toBeLessThanOrEqual(7);
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      for (const t of ticks) expect((t - new Date(t).getTimezoneOffset() * minute) % stepMs).toBe(0);
    }
    // Day steps are labelled with dates, not times.
    expect(tickLabel(end, 1440 * minute, 7 * 86400_000)).not.toMatch(/\d:\d\d/);
  });
});

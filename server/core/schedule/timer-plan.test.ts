import { describe, expect, it } from "vitest";
import { firstFireAfter, planFire, type TimerSpec } from "./timer-plan";

const spec = (over: Partial<TimerSpec>): TimerSpec => ({
  expression: "rate(1 minute)",
  dialect: "scheduler",
  timezone: "UTC",
  startDate: null,
  endDate: null,
  anchorAt: new Date("2026-01-01T00:00:00Z"),
  maxAgeSeconds: 86400,
  ...over,
});
const d = (s: string) => new Date(s);

describe("planFire", () => {
  it("on time: fires the due time and sets the next one", () => {
    const p = planFire(spec({}), d("2026-01-01T00:05:00Z"), d("2026-01-01T00:05:00.120Z"));
    expect(p).toEqual({ fireTime: d("2026-01-01T00:05:00Z"), missed: 0, next: d("2026-01-01T00:06:00Z") });
  });

  it("down for an hour: fires only the latest missed time, once", () => {
    const p = planFire(spec({}), d("2026-01-01T00:05:00Z"), d("2026-01-01T01:05:30Z"));
    expect(p.fireTime).toEqual(d("2026-01-01T01:05:00Z"));
    expect(p.missed).toBe(60);
    expect(p.next).toEqual(d("2026-01-01T01:06:00Z"));
  });

  it("late within the minute is on time: the next fire follows the due one, none skipped", () => {
    const p = planFire(spec({}), d("2026-01-01T00:05:00Z"), d("2026-01-01T00:05:59Z"));
    expect(p).toEqual({ fireTime: d("2026-01-01T00:05:00Z"), missed: 0, next: d("2026-01-01T00:06:00Z") });
  });

  it("a flexible window wider than the period: each fire time is invoked in turn", () => {
    const s = spec({ flexibleWindowMinutes: 15 });
    // Due 12 minutes late (a random point in its window): still on time, the next one follows it.
    const p = planFire(s, d("2026-01-01T00:05:00Z"), d("2026-01-01T00:17:00Z"));
    expect(p).toEqual({ fireTime: d("2026-01-01T00:05:00Z"), missed: 0, next: d("2026-01-01T00:06:00Z") });
    // Beyond the window and the minute: Signalbox was down, the latest passed time fires once.
    const late = planFire(s, d("2026-01-01T00:05:00Z"), d("2026-01-01T00:21:30Z"));
    expect(late.fireTime).toEqual(d("2026-01-01T00:21:00Z"));
    expect(late.next).toEqual(d("2026-01-01T00:22:00Z"));
  });

  it("a missed time older than the maximum event age is dropped", () => {
    const p = planFire(
      spec({ expression: "cron(0 9 * * ? *)", maxAgeSeconds: 3600 }),
      d("2026-01-01T09:00:00Z"),
      d("2026-01-01T12:00:00Z"),
    );
    expect(p).toEqual({ fireTime: null, missed: 1, next: d("2026-01-02T09:00:00Z") });
  });

  it("a one-time schedule fires once and completes; too late, it completes without firing", () => {
    const s = spec({ expression: "at(2026-01-01T10:00:00)", maxAgeSeconds: 60 });
    expect(planFire(s, d("2026-01-01T10:00:00Z"), d("2026-01-01T10:00:00.300Z"))).toEqual({
      fireTime: d("2026-01-01T10:00:00Z"),
      missed: 0,
      next: null,
    });
    expect(planFire(s, d("2026-01-01T10:00:00Z"), d("2026-01-01T10:05:00Z"))).toEqual({
      fireTime: null,
      missed: 1,
      next: null,
    });
  });

  it("a recurring schedule past its end date completes", () => {
    const s = spec({ expression: "rate(10 minutes)", endDate: d("2026-01-01T00:25:00Z") });
    expect(planFire(s, d("2026-01-01T00:20:00Z"), d("2026-01-01T00:20:01Z")).next).toBeNull();
  });

  it("firstFireAfter: a rate without a start date fires at its anchor first", () => {
    const s = spec({ anchorAt: d("2026-01-01T00:00:30Z") });
    expect(firstFireAfter(s, d("2026-01-01T00:00:29.999Z"))).toEqual(d("2026-01-01T00:00:30Z"));
  });
});

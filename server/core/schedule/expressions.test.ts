import { describe, expect, it } from "vitest";
import { describeNextFireTimes, nextFireTimes, parseScheduleExpression, ScheduleExpressionError } from "./expressions";
import { instantsOf } from "./zoned-time";

const iso = (ds: Date[]) => ds.map((d) => d.toISOString());
const next = (expr: string, after: string, count: number, extra: Record<string, unknown> = {}) =>
  iso(nextFireTimes(expr, { after: new Date(after), count, ...extra }));

describe("parseScheduleExpression: AWS's documented examples are accepted", () => {
  // EventBridge "Schedule expressions for rules" and Scheduler "Schedule types" examples.
  it.each([
    "cron(0 10 * * ? *)",
    "cron(15 12 * * ? *)",
    "cron(0 18 ? * MON-FRI *)",
    "cron(0 8 1 * ? *)",
    "cron(0/15 * * * ? *)",
    "cron(0/10 * ? * MON-FRI *)",
    "cron(0/5 8-17 ? * MON-FRI *)",
    "cron(0 9 ? * 2#1 *)",
    "cron(0 20 * * ? *)",
    "cron(0 9 ? * MON-FRI *)",
    "cron(15 10 ? * 6L 2022-2023)",
    "cron(0 0 L * ? *)",
    "cron(0 0 LW * ? *)",
    "cron(0 0 3W * ? *)",
    "cron(0 12 ? * L *)",
    "cron(0 22 ? * FRI-MON *)",
    "cron(0 0 1 JAN,FEB,MAR ? *)",
    "cron(1/10 * * * ? *)",
    "cron(0-15/1 8-8 ? * 2,3,4,5,6,7 *)",
    "cron(30-30 13-13 ? * 2,4,6 *)",
    "cron(0 0 1/10,2,3/8 * ? *)",
    "rate(1 minute)",
    "rate(5 minutes)",
    "rate(1 hour)",
    "rate(12 hours)",
    "rate(1 day)",
    "rate(7 days)",
    "at(2022-11-20T13:00:00)",
  ])("%s", (expr) => {
    expect(() => parseScheduleExpression(expr)).not.toThrow();
  });
});

describe("parseScheduleExpression: refused with AWS's messages", () => {
  it.each([
    "rate(1 minutes)",
    "rate(5 minute)",
    "rate(0 minutes)",
    "rate(-1 minutes)",
    "rate(1.5 hours)",
    "rate(1 second)",
    "rate(2 weeks)",
    "rate(minutes)",
    "cron(0 10 * * * *)", // both day fields set
    "cron(0 10 ? * ? *)", // both "?"
    "cron(0 10 * * ?)", // five fields
    "cron(0 10 * * ? * *)", // seven fields
    "cron(60 10 * * ? *)",
    "cron(0 24 * * ? *)",
    "cron(0 0 32 * ? *)",
    "cron(0 0 * 13 ? *)",
    "cron(0 0 ? * 8 *)",
    "cron(0 0 ? * FOO *)",
    "cron(0 0 * * ? 1969)",
    "cron(0 0 * * ? 2200)",
    "cron(0 9 ? * 3#1,6#3 *)", // only one '#' expression
    "cron(0 9 ? * 2#6 *)",
    "cron(0 L * * ? *)",
    "cron(0 0 ? * MON/2 *)", // '/' is not a day-of-week wildcard
    "cron(0/0 * * * ? *)",
    "cron(0 15 10 ? * 6L 2002-2005)", // Quartz's seven fields
    "cron()",
    "at(2022-11-20 13:00:00)",
    "at(2022-02-30T13:00:00)",
    "at(2022-11-20T24:00:00)",
    "every 5 minutes",
    "Rate(5 minutes)",
    "",
  ])("%s", (expr) => {
    let err: unknown;
    try {
      parseScheduleExpression(expr);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScheduleExpressionError);
    expect((err as Error).message).toBe(`Invalid Schedule Expression ${expr}.`);
  });

  it("EventBridge rules speak PutRule's message and have no at()", () => {
    expect(() => parseScheduleExpression("at(2030-01-01T00:00:00)", "events")).toThrow(
      "Parameter ScheduleExpression is not valid.",
    );
    expect(() => parseScheduleExpression("rate(1 minutes)", "events")).toThrow(
      "Parameter ScheduleExpression is not valid.",
    );
    expect(parseScheduleExpression("rate(5 minutes)", "events").kind).toBe("rate");
  });
});

describe("nextFireTimes in UTC", () => {
  it("cron(0 10 * * ? *): every day at 10:00", () => {
    expect(next("cron(0 10 * * ? *)", "2026-01-01T10:00:00Z", 3)).toEqual([
      "2026-01-02T10:00:00.000Z",
      "2026-01-03T10:00:00.000Z",
      "2026-01-04T10:00:00.000Z",
    ]);
  });

  it("cron(0/15 * * * ? *): every 15 minutes, strictly after", () => {
    expect(next("cron(0/15 * * * ? *)", "2026-01-01T10:07:00Z", 3)).toEqual([
      "2026-01-01T10:15:00.000Z",
      "2026-01-01T10:30:00.000Z",
      "2026-01-01T10:45:00.000Z",
    ]);
  });

  it("cron(1/10 * * * ? *): 1, 11, 21 … of each hour", () => {
    expect(next("cron(1/10 * * * ? *)", "2026-01-01T10:00:00Z", 3)).toEqual([
      "2026-01-01T10:01:00.000Z",
      "2026-01-01T10:11:00.000Z",
      "2026-01-01T10:21:00.000Z",
    ]);
  });

  it("cron(0 18 ? * MON-FRI *): weekdays only", () => {
    // 2026-01-02 is a Friday.
    expect(next("cron(0 18 ? * MON-FRI *)", "2026-01-02T18:00:00Z", 2)).toEqual([
      "2026-01-05T18:00:00.000Z",
      "2026-01-06T18:00:00.000Z",
    ]);
  });

  it("cron(0 9 ? * 2#1 *): the first Monday of each month", () => {
    expect(next("cron(0 9 ? * 2#1 *)", "2026-01-01T00:00:00Z", 3)).toEqual([
      "2026-01-05T09:00:00.000Z",
      "2026-02-02T09:00:00.000Z",
      "2026-03-02T09:00:00.000Z",
    ]);
  });

  it("cron(15 10 ? * 6L 2022-2023): the last Friday, only in those years", () => {
    const times = next("cron(15 10 ? * 6L 2022-2023)", "2023-11-01T00:00:00Z", 5);
    expect(times).toEqual(["2023-11-24T10:15:00.000Z", "2023-12-29T10:15:00.000Z"]);
  });

  it("L, LW and W in day-of-month", () => {
    expect(next("cron(0 0 L * ? *)", "2024-01-31T00:00:00Z", 2)).toEqual([
      "2024-02-29T00:00:00.000Z",
      "2024-03-31T00:00:00.000Z",
    ]);
    // May 2026 ends on a Sunday: the last weekday is Friday the 29th.
    expect(next("cron(0 0 LW * ? *)", "2026-05-01T00:00:00Z", 1)).toEqual(["2026-05-29T00:00:00.000Z"]);
    // 2026-08-01 is a Saturday: 1W is Monday the 3rd (never the previous month).
    expect(next("cron(0 0 1W * ? *)", "2026-07-15T00:00:00Z", 1)).toEqual(["2026-08-03T00:00:00.000Z"]);
    // 2026-01-03 is a Saturday: 3W is Friday the 2nd.
    expect(next("cron(0 0 3W * ? *)", "2025-12-15T00:00:00Z", 1)).toEqual(["2026-01-02T00:00:00.000Z"]);
  });

  it("month names, wrapping weekday ranges and a sparse expression", () => {
    expect(next("cron(0 22 ? * FRI-MON *)", "2026-01-01T23:00:00Z", 4)).toEqual([
      "2026-01-02T22:00:00.000Z",
      "2026-01-03T22:00:00.000Z",
      "2026-01-04T22:00:00.000Z",
      "2026-01-05T22:00:00.000Z",
    ]);
    expect(next("cron(0 0 29 FEB ? *)", "2026-01-01T00:00:00Z", 1)).toEqual(["2028-02-29T00:00:00.000Z"]);
    expect(next("cron(0 0 1 1 ? 2020)", "2026-01-01T00:00:00Z", 1)).toEqual([]);
  });

  it("start and end dates bound a recurring schedule", () => {
    expect(
      next("cron(0 * * * ? *)", "2026-01-01T00:00:00Z", 10, {
        startDate: new Date("2026-01-01T05:00:00Z"),
        endDate: new Date("2026-01-01T07:30:00Z"),
      }),
    ).toEqual(["2026-01-01T05:00:00.000Z", "2026-01-01T06:00:00.000Z", "2026-01-01T07:00:00.000Z"]);
  });

  it("rate counts whole periods from its start", () => {
    expect(next("rate(5 minutes)", "2026-01-01T00:12:00Z", 2, { startDate: new Date("2026-01-01T00:00:30Z") })).toEqual(
      ["2026-01-01T00:15:30.000Z", "2026-01-01T00:20:30.000Z"],
    );
    // No start date: from the anchor (e.g. its creation), the first fire at the anchor itself.
    expect(next("rate(1 hour)", "2026-01-01T00:00:00Z", 2, { anchor: new Date("2026-01-01T00:00:00.001Z") })).toEqual([
      "2026-01-01T00:00:00.001Z",
      "2026-01-01T01:00:00.001Z",
    ]);
    expect(next("rate(1 day)", "2026-01-01T00:00:00Z", 5, { endDate: new Date("2026-01-03T00:00:00Z") })).toEqual([
      "2026-01-02T00:00:00.000Z",
      "2026-01-03T00:00:00.000Z",
    ]);
  });

  it("at() fires once, ignoring start and end dates", () => {
    expect(next("at(2026-06-01T12:00:00)", "2026-01-01T00:00:00Z", 3, { endDate: new Date("2026-02-01") })).toEqual([
      "2026-06-01T12:00:00.000Z",
    ]);
    expect(next("at(2026-06-01T12:00:00)", "2026-06-01T12:00:00Z", 3)).toEqual([]);
  });
});

describe("nextFireTimes across daylight saving time", () => {
  it("America/New_York spring forward: 02:30 does not exist that day and is skipped", () => {
    // 2026-03-08 02:00 EST → 03:00 EDT.
    expect(next("cron(30 2 * * ? *)", "2026-03-06T12:00:00Z", 3, { timezone: "America/New_York" })).toEqual([
      "2026-03-07T07:30:00.000Z",
      "2026-03-09T06:30:00.000Z",
      "2026-03-10T06:30:00.000Z",
    ]);
  });

  it("America/New_York fall back: 01:30 happens twice and fires once, at the first", () => {
    // 2026-11-01 02:00 EDT → 01:00 EST.
    expect(next("cron(30 1 * * ? *)", "2026-10-31T12:00:00Z", 3, { timezone: "America/New_York" })).toEqual([
      "2026-11-01T05:30:00.000Z",
      "2026-11-02T06:30:00.000Z",
      "2026-11-03T06:30:00.000Z",
    ]);
  });

  it("every 30 minutes through the New York fall-back hour: no wall time twice", () => {
    const times = next("cron(0/30 * * * ? *)", "2026-11-01T04:45:00Z", 5, { timezone: "America/New_York" });
    // 01:00 EDT, 01:30 EDT, then (01:00/01:30 EST repeat, skipped) 02:00 EST, 02:30 EST, 03:00 EST.
    expect(times).toEqual([
      "2026-11-01T05:00:00.000Z",
      "2026-11-01T05:30:00.000Z",
      "2026-11-01T07:00:00.000Z",
      "2026-11-01T07:30:00.000Z",
      "2026-11-01T08:00:00.000Z",
    ]);
  });

  it("Europe/Berlin: the 09:00 schedule keeps local time across both transitions", () => {
    // CET → CEST on 2026-03-29, CEST → CET on 2026-10-25.
    expect(next("cron(0 9 * * ? *)", "2026-03-28T00:00:00Z", 2, { timezone: "Europe/Berlin" })).toEqual([
      "2026-03-28T08:00:00.000Z",
      "2026-03-29T07:00:00.000Z",
    ]);
    expect(next("cron(0 9 * * ? *)", "2026-10-24T00:00:00Z", 2, { timezone: "Europe/Berlin" })).toEqual([
      "2026-10-24T07:00:00.000Z",
      "2026-10-25T08:00:00.000Z",
    ]);
    // 02:15 does not exist in Berlin on 2026-03-29; on 2026-10-25 it exists twice.
    expect(next("cron(15 2 * * ? *)", "2026-03-28T12:00:00Z", 1, { timezone: "Europe/Berlin" })).toEqual([
      "2026-03-30T00:15:00.000Z",
    ]);
    expect(next("cron(15 2 * * ? *)", "2026-10-24T12:00:00Z", 2, { timezone: "Europe/Berlin" })).toEqual([
      "2026-10-25T00:15:00.000Z",
      "2026-10-26T01:15:00.000Z",
    ]);
  });

  it("rate(1 day) is 24 hours, whatever the clocks do", () => {
    expect(
      next("rate(1 day)", "2026-03-07T00:00:00Z", 2, {
        timezone: "America/New_York",
        startDate: new Date("2026-03-07T14:00:00Z"),
      }),
    ).toEqual(["2026-03-07T14:00:00.000Z", "2026-03-08T14:00:00.000Z"]);
  });

  it("at() is wall time in its zone; a time in the gap moves forward", () => {
    expect(next("at(2026-07-01T09:00:00)", "2026-01-01T00:00:00Z", 1, { timezone: "Europe/Berlin" })).toEqual([
      "2026-07-01T07:00:00.000Z",
    ]);
    expect(next("at(2026-03-08T02:30:00)", "2026-01-01T00:00:00Z", 1, { timezone: "America/New_York" })).toEqual([
      "2026-03-08T07:30:00.000Z",
    ]);
  });

  it("instantsOf: none in the gap, two in the overlap", () => {
    const w = { year: 2026, month: 11, day: 1, hour: 1, minute: 30, second: 0 };
    expect(instantsOf(w, "America/New_York").map((t) => new Date(t).toISOString())).toEqual([
      "2026-11-01T05:30:00.000Z",
      "2026-11-01T06:30:00.000Z",
    ]);
    expect(instantsOf({ ...w, month: 3, day: 8, hour: 2 }, "America/New_York")).toEqual([]);
  });
});

describe("describeNextFireTimes", () => {
  it("shows wall time with its offset", () => {
    const r = describeNextFireTimes("cron(0 9 * * ? *)", "Europe/Berlin", 2, {
      after: new Date("2026-03-28T00:00:00Z"),
    });
    expect(r).toEqual({
      ok: true,
      times: [
        { utc: "2026-03-28T08:00:00.000Z", local: "2026-03-28T09:00:00+01:00" },
        { utc: "2026-03-29T07:00:00.000Z", local: "2026-03-29T09:00:00+02:00" },
      ],
    });
  });

  it("explains an invalid expression or zone", () => {
    expect(describeNextFireTimes("rate(1 minutes)", "UTC", 3)).toEqual({
      ok: false,
      message: "Invalid Schedule Expression rate(1 minutes).",
    });
    expect(describeNextFireTimes("rate(1 minute)", "Mars/Olympus", 3).ok).toBe(false);
  });
});

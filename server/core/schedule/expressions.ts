import {
  dayOfWeek,
  daysInMonth,
  formatWithOffset,
  instantOfLenient,
  instantsOf,
  isValidTimeZone,
  wallTimeAt,
} from "./zoned-time";

// AWS schedule expressions, parsed once and walked forward in an IANA time zone. Pure: no I/O.
//
//   rate(value unit)    value a positive integer; unit minute|hour|day for 1, minutes|hours|days
//                       otherwise (AWS refuses "rate(1 minutes)" and "rate(5 minute)").
//   cron(min hour day-of-month month day-of-week year)
//                       AWS's six fields with , - * / ? L W # (see CronField below); exactly one of
//                       day-of-month and day-of-week is "?"; month and weekday names; years
//                       1970-2199.
//   at(yyyy-mm-ddThh:mm:ss)   EventBridge Scheduler's one-time schedule (not allowed on rules).
//
// Time zones and daylight saving time, as EventBridge Scheduler documents them:
//  - cron: a wall time that does not exist (spring forward) is skipped; a wall time that happens
//    twice (fall back) fires once, at its first occurrence.
//  - rate: a fixed duration from its start (a day is 24 hours whatever the clocks do).
//  - at: the wall time in the zone; one inside a spring-forward gap moves forward by the gap.
//
// The walk is written here rather than delegated to a cron library because AWS's L/W/# and the
// DST rules above must be exactly AWS's; it visits candidate days, not minutes, so even a sparse
// expression (29 February on a Monday) is answered in a few thousand steps.

export type ScheduleDialect = "events" | "scheduler";

export class ScheduleExpressionError extends Error {
  constructor(
    message: string,
    readonly expression: string,
  ) {
    super(message);
    this.name = "ScheduleExpressionError";
  }
}

/** AWS's message for a refused expression, per API. */
export function scheduleExpressionMessage(dialect: ScheduleDialect, expression: string): string {
  return dialect === "events"
    ? "Parameter ScheduleExpression is not valid."
    : `Invalid Schedule Expression ${expression}.`;
}

export type RateUnit = "minute" | "hour" | "day";

type DayOfMonth =
  | { kind: "any" } // ?
  | { kind: "set"; days: Set<number> }
  | { kind: "last" } // L
  | { kind: "lastWeekday" } // LW
  | { kind: "nearestWeekday"; day: number }; // 15W

type DayOfWeek =
  | { kind: "any" } // ?
  | { kind: "set"; days: Set<number> } // 1-7, SUN-SAT
  | { kind: "last"; day: number } // 6L: the last Friday of the month
  | { kind: "nth"; day: number; n: number }; // 6#3: the third Friday

export type CronFields = {
  minutes: number[];
  hours: number[];
  dayOfMonth: DayOfMonth;
  months: Set<number>;
  dayOfWeek: DayOfWeek;
  years: Set<number> | "all";
};

export type ScheduleExpression =
  | {
      kind: "at";
      text: string;
      wall: { year: number; month: number; day: number; hour: number; minute: number; second: number };
    }
  | { kind: "rate"; text: string; value: number; unit: RateUnit; periodMs: number }
  | { kind: "cron"; text: string; fields: CronFields };

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
export const MIN_YEAR = 1970;
export const MAX_YEAR = 2199;
const UNIT_MS: Record<RateUnit, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

class Invalid extends Error {}

function int(text: string, min: number, max: number, names?: string[]): number {
  const upper = text.toUpperCase();
  if (names) {
    const i = names.indexOf(upper);
    if (i >= 0) return i + 1;
  }
  if (!/^\d{1,4}$/.test(text)) throw new Invalid(text);
  const n = Number(text);
  if (n < min || n > max) throw new Invalid(text);
  return n;
}

/** A plain field (minutes, hours, months, years, or weekday/day lists): , - * / */
function numericField(text: string, min: number, max: number, names?: string[], allowStep = true): Set<number> {
  const out = new Set<number>();
  for (const item of text.split(",")) {
    if (item === "") throw new Invalid(text);
    const [range, stepText, extra] = item.split("/");
    if (extra !== undefined) throw new Invalid(item);
    let step = 1;
    if (stepText !== undefined) {
      if (!allowStep || !/^\d{1,4}$/.test(stepText)) throw new Invalid(item);
      step = Number(stepText);
      if (step < 1 || step > max - min + 1) throw new Invalid(item);
    }
    let from: number;
    let to: number;
    if (range === "*") {
      from = min;
      to = max;
    } else if (range!.includes("-")) {
      const [a, b, more] = range!.split("-");
      if (more !== undefined || a === undefined || b === undefined) throw new Invalid(item);
      from = int(a, min, max, names);
      to = int(b, min, max, names);
    } else {
      from = int(range!, min, max, names);
      // "5/15" means from 5 to the end of the range in steps of 15.
      to = stepText !== undefined ? max : from;
    }
    if (from <= to) for (let v = from; v <= to; v += step) out.add(v);
    else {
      // A range that wraps (FRI-MON, NOV-FEB, 22-2): from..max then min..to on one stride.
      const span = max - min + 1;
      for (let k = 0; from + k <= to + span; k += step) out.add(((from + k - min) % span) + min);
    }
  }
  return out;
}

function dayOfMonthField(text: string): DayOfMonth {
  if (text === "?") return { kind: "any" };
  const upper = text.toUpperCase();
  if (upper === "L") return { kind: "last" };
  if (upper === "LW" || upper === "WL") return { kind: "lastWeekday" };
  const w = /^(\d{1,2})W$/.exec(upper);
  if (w) return { kind: "nearestWeekday", day: int(w[1]!, 1, 31) };
  return { kind: "set", days: numericField(text, 1, 31) };
}

function dayOfWeekField(text: string): DayOfWeek {
  if (text === "?") return { kind: "any" };
  const upper = text.toUpperCase();
  if (upper === "L") return { kind: "last", day: 7 };
  const last = /^([A-Z]{3}|\d)L$/.exec(upper);
  if (last) return { kind: "last", day: int(last[1]!, 1, 7, WEEKDAYS) };
  if (upper.includes("#")) {
    // Only one expression with '#': "3#1,6#3" is two and is refused.
    const nth = /^([A-Z]{3}|\d)#(\d)$/.exec(upper);
    if (!nth) throw new Invalid(text);
    const n = Number(nth[2]);
    if (n < 1 || n > 5) throw new Invalid(text);
    return { kind: "nth", day: int(nth[1]!, 1, 7, WEEKDAYS), n };
  }
  // AWS lists "/" as a day-of-month wildcard only.
  return { kind: "set", days: numericField(text, 1, 7, WEEKDAYS, false) };
}

function parseCron(body: string): CronFields {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) throw new Invalid(body);
  const [min, hour, dom, month, dow, year] = parts as [string, string, string, string, string, string];
  // Exactly one of day-of-month / day-of-week is "?".
  if ((dom === "?") === (dow === "?")) throw new Invalid(body);
  if (/[?LW#]/i.test(min + hour + month + year)) throw new Invalid(body);
  return {
    minutes: [...numericField(min, 0, 59)].sort((a, b) => a - b),
    hours: [...numericField(hour, 0, 23)].sort((a, b) => a - b),
    dayOfMonth: dayOfMonthField(dom),
    months: numericField(month, 1, 12, MONTHS),
    dayOfWeek: dayOfWeekField(dow),
    years: year === "*" ? "all" : numericField(year, MIN_YEAR, MAX_YEAR),
  };
}

function parseRate(body: string): { value: number; unit: RateUnit } {
  const m = /^\s*(\d{1,9})\s+(minute|minutes|hour|hours|day|days)\s*$/.exec(body);
  if (!m) throw new Invalid(body);
  const value = Number(m[1]);
  const word = m[2]!;
  if (value < 1) throw new Invalid(body);
  const plural = word.endsWith("s");
  if ((value === 1) === plural) throw new Invalid(body);
  return { value, unit: (plural ? word.slice(0, -1) : word) as RateUnit };
}

function parseAt(body: string) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!m) throw new Invalid(body);
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) throw new Invalid(body);
  if (hour > 23 || minute > 59 || second > 59) throw new Invalid(body);
  return { year, month, day, hour, minute, second };
}

/**
 * Parses `rate(...)`, `cron(...)` and (for the Scheduler) `at(...)`. Throws
 * ScheduleExpressionError with AWS's message for `dialect`.
 */
export function parseScheduleExpression(text: string, dialect: ScheduleDialect = "scheduler"): ScheduleExpression {
  const fail = () => new ScheduleExpressionError(scheduleExpressionMessage(dialect, text), text);
  if (typeof text !== "string" || text.length === 0 || text.length > 256) throw fail();
  const m = /^(at|rate|cron)\((.*)\)$/.exec(text);
  if (!m) throw fail();
  try {
    const body = m[2]!;
    switch (m[1]) {
      case "rate": {
        const { value, unit } = parseRate(body);
        return { kind: "rate", text, value, unit, periodMs: value * UNIT_MS[unit] };
      }
      case "cron":
        return { kind: "cron", text, fields: parseCron(body) };
      default:
        if (dialect === "events") throw fail();
        return { kind: "at", text, wall: parseAt(body) };
    }
  } catch (err) {
    if (err instanceof ScheduleExpressionError) throw err;
    throw fail();
  }
}

/** Whether a parsed expression fires at most once. */
export const isOneTime = (e: ScheduleExpression) => e.kind === "at";

function dayMatches(f: CronFields, year: number, month: number, day: number): boolean {
  const dim = daysInMonth(year, month);
  const dom = f.dayOfMonth;
  switch (dom.kind) {
    case "set":
      return dom.days.has(day);
    case "last":
      return day === dim;
    case "lastWeekday": {
      let d = dim;
      while (dayOfWeek(year, month, d) === 1 || dayOfWeek(year, month, d) === 7) d--;
      return day === d;
    }
    case "nearestWeekday": {
      // The weekday nearest to the given day, never leaving the month (1W on a Saturday is Monday the 3rd).
      if (dom.day > dim) return false;
      let target = dom.day;
      const wd = dayOfWeek(year, month, target);
      if (wd === 7) target = target === 1 ? 3 : target - 1;
      else if (wd === 1) target = target === dim ? target - 2 : target + 1;
      return day === target;
    }
    case "any":
      break;
  }
  const dow = f.dayOfWeek;
  const wd = dayOfWeek(year, month, day);
  switch (dow.kind) {
    case "set":
      return dow.days.has(wd);
    case "last":
      return wd === dow.day && day + 7 > dim;
    case "nth":
      return wd === dow.day && Math.ceil(day / 7) === dow.n;
    case "any":
      return true;
  }
}

export type FireTimeOptions = {
  /** IANA zone the expression is evaluated in; UTC when absent. */
  timezone?: string;
  /** Fire times strictly after this instant. */
  after: Date;
  count: number;
  /** Recurring schedules: nothing before it; a rate counts its periods from it. */
  startDate?: Date;
  /** Recurring schedules: nothing after it. */
  endDate?: Date;
  /** A rate without a start date counts its periods from here (e.g. when it was created); defaults to `after`. */
  anchor?: Date;
};

function cronTimes(f: CronFields, tz: string, afterMs: number, count: number, endMs: number): number[] {
  const out: number[] = [];
  const start = wallTimeAt(afterMs, tz);
  let year = start.year;
  let month = start.month;
  let day = start.day;
  // Bounded: at most every day up to the last year AWS allows.
  while (year <= MAX_YEAR && out.length < count) {
    if (f.years !== "all" && !f.years.has(year)) {
      year++;
      month = 1;
      day = 1;
      continue;
    }
    if (!f.months.has(month) || day > daysInMonth(year, month)) {
      month++;
      if (month > 12) {
        month = 1;
        year++;
      }
      day = 1;
      continue;
    }
    if (dayMatches(f, year, month, day)) {
      for (const hour of f.hours) {
        for (const minute of f.minutes) {
          // Skipped in a spring-forward gap; the first of two in a fall-back overlap.
          const [t] = instantsOf({ year, month, day, hour, minute, second: 0 }, tz);
          if (t === undefined || t <= afterMs) continue;
          if (t > endMs) return out;
          out.push(t);
          if (out.length >= count) return out;
        }
      }
    }
    day++;
  }
  return out;
}

/**
 * The next `count` fire times strictly after `after`, in order. `at` ignores start and end dates,
 * as EventBridge Scheduler does for one-time schedules.
 */
export function nextFireTimes(expr: string | ScheduleExpression, opts: FireTimeOptions): Date[] {
  const e = typeof expr === "string" ? parseScheduleExpression(expr) : expr;
  const tz = opts.timezone || "UTC";
  if (!isValidTimeZone(tz)) throw new RangeError(`unknown time zone ${tz}`);
  const count = Math.max(0, Math.floor(opts.count));
  if (count === 0) return [];
  const afterMs = opts.after.getTime();
  if (e.kind === "at") {
    const t = instantOfLenient(e.wall, tz);
    return t > afterMs ? [new Date(t)] : [];
  }
  const endMs = opts.endDate ? opts.endDate.getTime() : Number.POSITIVE_INFINITY;
  const startMs = opts.startDate ? opts.startDate.getTime() : Number.NEGATIVE_INFINITY;
  // Nothing before the start date: begin just before it.
  const from = Math.max(afterMs, startMs - 1);
  if (e.kind === "rate") {
    const anchor = opts.startDate?.getTime() ?? opts.anchor?.getTime() ?? afterMs;
    let k = from < anchor ? 0 : Math.floor((from - anchor) / e.periodMs) + 1;
    const out: Date[] = [];
    while (out.length < count) {
      const t = anchor + k * e.periodMs;
      k++;
      if (t <= from) continue;
      if (t > endMs) break;
      out.push(new Date(t));
    }
    return out;
  }
  return cronTimes(e.fields, tz, from, count, endMs).map((t) => new Date(t));
}

export type DescribedFireTimes =
  { ok: true; times: Array<{ utc: string; local: string }> } | { ok: false; message: string };

/**
 * For the console's schedule editor: the next `count` fire times of `expr` in `timezone`, each in
 * UTC and as wall time with its offset, or AWS's message for an invalid expression or zone.
 */
export function describeNextFireTimes(
  expr: string,
  timezone = "UTC",
  count = 10,
  opts: { after?: Date; startDate?: Date; endDate?: Date; dialect?: ScheduleDialect } = {},
): DescribedFireTimes {
  if (!isValidTimeZone(timezone)) return { ok: false, message: `Invalid ScheduleExpressionTimezone ${timezone}.` };
  let parsed: ScheduleExpression;
  try {
    parsed = parseScheduleExpression(expr, opts.dialect ?? "scheduler");
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
  const times = nextFireTimes(parsed, {
    timezone,
    after: opts.after ?? new Date(),
    count: Math.min(count, 100),
    startDate: opts.startDate,
    endDate: opts.endDate,
  });
  return {
    ok: true,
    times: times.map((t) => ({ utc: t.toISOString(), local: formatWithOffset(t.getTime(), timezone) })),
  };
}

export { isValidTimeZone };

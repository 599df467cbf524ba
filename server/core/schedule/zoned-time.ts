// Wall-clock time in an IANA time zone, with nothing but Intl: the UTC offset at an instant, the
// wall time of an instant, and the instant(s) of a wall time (none in a spring-forward gap, two in a
// fall-back overlap). Pure; formatters are cached per zone.

export type WallTime = { year: number; month: number; day: number; hour: number; minute: number; second: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA zone name this runtime knows (UTC included). */
export function isValidTimeZone(timeZone: string): boolean {
  if (!timeZone || timeZone.length > 50) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall time at instant `ms` in `timeZone`. */
export function wallTimeAt(ms: number, timeZone: string): WallTime {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const get = (t: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour") % 24,
    minute: get("minute"),
    second: get("second"),
  };
}

function wallAsUtc(w: WallTime): number {
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second, 0);
  return d.getTime();
}

/** Offset of `timeZone` from UTC at instant `ms`, in milliseconds (east positive). */
export function offsetAt(ms: number, timeZone: string): number {
  const floored = Math.floor(ms / 1000) * 1000;
  return wallAsUtc(wallTimeAt(floored, timeZone)) - floored;
}

const sameWall = (a: WallTime, b: WallTime) =>
  a.year === b.year &&
  a.month === b.month &&
  a.day === b.day &&
  a.hour === b.hour &&
  a.minute === b.minute &&
  a.second === b.second;

/**
 * Every instant whose wall time in `timeZone` is `w`, earliest first: one normally, none in a
 * spring-forward gap, two in a fall-back overlap. Zone transitions are far more than a day apart,
 * so the offsets twelve hours either side are the only two candidates.
 */
export function instantsOf(w: WallTime, timeZone: string): number[] {
  const guess = wallAsUtc(w);
  const out = new Set<number>();
  for (const probe of [guess - 12 * 3600_000, guess + 12 * 3600_000]) {
    const t = guess - offsetAt(probe, timeZone);
    if (sameWall(wallTimeAt(t, timeZone), w)) out.add(t);
  }
  return [...out].sort((a, b) => a - b);
}

/** The instant of wall time `w`; a time inside a gap moves forward by the gap (02:30 → 03:30). */
export function instantOfLenient(w: WallTime, timeZone: string): number {
  const [first] = instantsOf(w, timeZone);
  if (first !== undefined) return first;
  const guess = wallAsUtc(w);
  return guess - offsetAt(guess - 12 * 3600_000, timeZone);
}

/** `2026-03-08T03:30:00-04:00`: an instant as wall time with its offset in `timeZone`. */
export function formatWithOffset(ms: number, timeZone: string): string {
  const w = wallTimeAt(ms, timeZone);
  const off = Math.round(offsetAt(ms, timeZone) / 60_000);
  const p2 = (n: number) => String(n).padStart(2, "0");
  const sign = off < 0 ? "-" : "+";
  const abs = Math.abs(off);
  return (
    `${String(w.year).padStart(4, "0")}-${p2(w.month)}-${p2(w.day)}T${p2(w.hour)}:${p2(w.minute)}:${p2(w.second)}` +
    `${sign}${p2(Math.floor(abs / 60))}:${p2(abs % 60)}`
  );
}

/** Days in `month` (1-12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Day of week 1 (Sunday) … 7 (Saturday), AWS's and Quartz's numbering. */
export function dayOfWeek(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCDay() + 1;
}

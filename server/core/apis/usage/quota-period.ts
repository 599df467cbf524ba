// Quota periods of usage plans (DAY | WEEK | MONTH with an offset) and of Signalbox keys (DAY |
// MONTH), in UTC. Pure: the caller passes the time.

export type QuotaPeriod = "DAY" | "WEEK" | "MONTH";
export const QUOTA_PERIODS: readonly QuotaPeriod[] = ["DAY", "WEEK", "MONTH"];

const DAY_MS = 86_400_000;

const utcMidnight = (t: Date) => Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());

/** The largest offset AWS accepts for a period (DAY 0, WEEK 0-6 with 0 = Sunday, MONTH 0-27). */
export function maxOffset(period: QuotaPeriod): number {
  return period === "DAY" ? 0 : period === "WEEK" ? 6 : 27;
}

/** The start of the period that contains `now`. */
export function periodStart(period: QuotaPeriod, offset: number, now: Date): Date {
  const day = utcMidnight(now);
  if (period === "DAY") return new Date(day);
  if (period === "WEEK") {
    const back = (new Date(day).getUTCDay() - offset + 7) % 7;
    return new Date(day - back * DAY_MS);
  }
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const thisMonth = Date.UTC(y, m, 1 + offset);
  return new Date(day >= thisMonth ? thisMonth : Date.UTC(y, m - 1, 1 + offset));
}

/** The start of the period after the one that starts at `start`. */
export function periodEnd(period: QuotaPeriod, start: Date): Date {
  if (period === "DAY") return new Date(start.getTime() + DAY_MS);
  if (period === "WEEK") return new Date(start.getTime() + 7 * DAY_MS);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, start.getUTCDate()));
}

/** "yyyy-MM-dd" of a UTC day. */
export const isoDay = (t: Date): string => new Date(utcMidnight(t)).toISOString().slice(0, 10);

import { nextFireTimes, parseScheduleExpression, type ScheduleDialect } from "./expressions";

// What a timer does when its due time has come: which fire time to invoke (if any) and when it is
// due next. Pure, so the policy for fires missed while Signalbox was down is table-tested:
//
//  - On time (the usual case: reached within its flexible window plus a minute): the due fire time
//    is invoked and the next one after it is set (with a flexible window wider than the period,
//    the next one may already be due: it fires on the next round, none is skipped).
//  - Several fire times passed while no worker ran: only the LATEST of them is invoked, once
//    (a rate(1 minute) schedule down for an hour fires once on restart, not sixty times), and only
//    if it is not older than the owner's maximum event age (a schedule's target
//    RetryPolicy.MaximumEventAgeInSeconds, 24 hours by default); an older one is dropped and
//    counted as missed. The next fire time is the first one after now.
//  - A one-time schedule (at) fires once when reached, unless older than the maximum age.

export type TimerSpec = {
  expression: string;
  dialect: ScheduleDialect;
  timezone: string;
  startDate: Date | null;
  endDate: Date | null;
  anchorAt: Date;
  maxAgeSeconds: number;
  /** FlexibleTimeWindow.MaximumWindowInMinutes (fires are due up to this much later). */
  flexibleWindowMinutes?: number | null;
};

export type FirePlan = {
  /** The scheduled time to invoke now, or null when the due time(s) are too old (dropped). */
  fireTime: Date | null;
  /** How many scheduled times are skipped (missed while down, or too old). */
  missed: number;
  /** The next scheduled time after now, or null when the timer is complete. */
  next: Date | null;
};

const MAX_SCAN = 1500; // a day of minutes: the longest allowed maximum age at the finest rate
const ON_TIME_SLACK_MS = 60_000; // AWS invokes within the minute: later than that is a missed fire

/** The first fire time strictly after `after`, or null. */
export function firstFireAfter(spec: TimerSpec, after: Date): Date | null {
  const expr = parseScheduleExpression(spec.expression, spec.dialect);
  const [t] = nextFireTimes(expr, {
    timezone: spec.timezone,
    after,
    count: 1,
    startDate: spec.startDate ?? undefined,
    endDate: spec.endDate ?? undefined,
    anchor: spec.anchorAt,
  });
  return t ?? null;
}

export function planFire(spec: TimerSpec, dueFireTime: Date, now: Date): FirePlan {
  const expr = parseScheduleExpression(spec.expression, spec.dialect);
  const windowMs = (spec.flexibleWindowMinutes ?? 0) * 60_000;
  if (now.getTime() <= dueFireTime.getTime() + windowMs + ON_TIME_SLACK_MS) {
    return { fireTime: dueFireTime, missed: 0, next: expr.kind === "at" ? null : firstFireAfter(spec, dueFireTime) };
  }
  const oldest = now.getTime() - spec.maxAgeSeconds * 1000;
  // Every scheduled time in (dueFireTime, now] that is recent enough to matter.
  const later =
    expr.kind === "at"
      ? []
      : nextFireTimes(expr, {
          timezone: spec.timezone,
          after: new Date(Math.max(dueFireTime.getTime(), oldest - 1)),
          count: MAX_SCAN,
          startDate: spec.startDate ?? undefined,
          endDate: new Date(Math.min(now.getTime(), spec.endDate?.getTime() ?? Infinity)),
          anchor: spec.anchorAt,
        });
  const latest = later.length ? later[later.length - 1]! : dueFireTime;
  const fireTime = latest.getTime() >= oldest ? latest : null;
  // Times not invoked: the passed ones but the one invoked (at least: times older than the maximum
  // age between the due time and the window are not walked).
  const missed = 1 + later.length - (fireTime ? 1 : 0);
  const next = expr.kind === "at" ? null : firstFireAfter(spec, new Date(Math.max(now.getTime(), latest.getTime())));
  return { fireTime, missed, next };
}

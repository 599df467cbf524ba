import { createHash, randomInt, randomUUID } from "node:crypto";
import type { Queryable } from "../../db";
import { BOSS_SCHEMA } from "../../jobs/boss";
import { CONTRACTS } from "../../jobs/contracts";
import type { JobContract } from "../../jobs/registry";
import { AppError } from "../../core/errors";
import { parseScheduleExpression, type ScheduleDialect } from "../../core/schedule/expressions";
import { firstFireAfter, type TimerSpec } from "../../core/schedule/timer-plan";
import { isValidTimeZone } from "../../core/schedule/zoned-time";
import * as repo from "./timer.repository";

// Timers (seam 5): one row per scheduled owner (an EventBridge rule with a ScheduleExpression, or an
// EventBridge Scheduler schedule). The owner calls `upsertTimer` / `deleteTimer` inside the
// transaction that changes it; the worker's timer loop (timer.loop.ts) then enqueues the owner's
// fire job `fireJob` once per fire time with `{ tenantId, ownerId, fireTime }` (fireTime: the
// scheduled time, ISO 8601 UTC), exactly once however many workers run. Missed fires: see
// core/schedule/timer-plan.ts (the latest missed time fires once, unless older than maxAgeSeconds).
//
//   upsertTimer(tx, { tenantId, ownerKind: "rule" | "schedule", ownerId, expression, timezone?,
//                     startDate?, endDate?, flexibleWindowMinutes?, maxAgeSeconds?, enabled, fireJob })
//   deleteTimer(tx, ownerKind, ownerId)
//
// Rules use the EventBridge dialect (rate/cron in UTC, PutRule's message on a bad expression);
// schedules the Scheduler's (at/rate/cron in a time zone). An upsert that changes nothing about
// when the owner fires keeps its next fire time (a rate keeps counting from where it started).

export const TIMERS_CHANNEL = "signalbox_timers";

export type TimerOwnerKind = "rule" | "schedule";

export type TimerSpecInput = {
  tenantId: string;
  ownerKind: TimerOwnerKind;
  ownerId: string;
  expression: string;
  timezone?: string;
  startDate?: Date | null;
  endDate?: Date | null;
  flexibleWindowMinutes?: number | null;
  /** Fires older than this when reached (Signalbox was down) are dropped; default 24 hours. */
  maxAgeSeconds?: number;
  enabled: boolean;
  /** The job contract name (jobs/contracts.ts) enqueued per fire time. */
  fireJob: string;
};

export type TimerState = { nextFireAt: Date | null; dueAt: Date | null };

const dialectOf = (kind: TimerOwnerKind): ScheduleDialect => (kind === "rule" ? "events" : "scheduler");

export function fireContract(name: string): JobContract | undefined {
  return CONTRACTS.find((c) => c.name === name);
}

/** A random point in the flexible window after `fireTime` (the whole window when it is set). */
export function dueWithin(fireTime: Date, windowMinutes: number | null | undefined): Date {
  if (!windowMinutes || windowMinutes <= 0) return fireTime;
  return new Date(fireTime.getTime() + randomInt(0, windowMinutes * 60_000));
}

export function specOf(
  row: Pick<
    repo.TimerRow,
    | "expression"
    | "owner_kind"
    | "timezone"
    | "start_date"
    | "end_date"
    | "anchor_at"
    | "max_age_seconds"
    | "flexible_window_minutes"
  >,
): TimerSpec {
  return {
    expression: row.expression,
    dialect: dialectOf(row.owner_kind),
    timezone: row.timezone,
    startDate: row.start_date,
    endDate: row.end_date,
    anchorAt: row.anchor_at,
    maxAgeSeconds: row.max_age_seconds,
    flexibleWindowMinutes: row.flexible_window_minutes,
  };
}

const sameTime = (a: Date | null | undefined, b: Date | null | undefined) =>
  (a?.getTime() ?? null) === (b?.getTime() ?? null);

/**
 * Creates or replaces the owner's timer inside the caller's transaction and wakes the timer loops
 * when it commits. Throws AppError("validation") with AWS's message for a bad expression or zone.
 */
export async function upsertTimer(tx: Queryable, spec: TimerSpecInput, now = new Date()): Promise<TimerState> {
  const dialect = dialectOf(spec.ownerKind);
  const timezone = spec.timezone || "UTC";
  try {
    parseScheduleExpression(spec.expression, dialect);
  } catch (err) {
    throw new AppError("validation", (err as Error).message, { awsCode: "ValidationException" });
  }
  if (!isValidTimeZone(timezone)) {
    throw new AppError("validation", `Invalid time zone ${timezone}.`, { awsCode: "ValidationException" });
  }
  if (!fireContract(spec.fireJob)) throw new Error(`timer fire job ${spec.fireJob} is not in jobs/contracts.ts`);

  const existing = await repo.lockTimer(tx, spec.ownerKind, spec.ownerId);
  const whenUnchanged =
    existing &&
    existing.expression === spec.expression &&
    existing.timezone === timezone &&
    sameTime(existing.start_date, spec.startDate) &&
    sameTime(existing.end_date, spec.endDate) &&
    (existing.flexible_window_minutes ?? null) === (spec.flexibleWindowMinutes ?? null);
  const anchorAt = whenUnchanged ? existing.anchor_at : now;
  let nextFireAt: Date | null;
  let dueAt: Date | null;
  if (whenUnchanged && existing.enabled && spec.enabled) {
    nextFireAt = existing.next_fire_at;
    dueAt = existing.due_at;
  } else {
    // New, changed or re-enabled: the first fire time from now on (a rate starts now).
    const row = {
      expression: spec.expression,
      owner_kind: spec.ownerKind,
      timezone,
      start_date: spec.startDate ?? null,
      end_date: spec.endDate ?? null,
      anchor_at: anchorAt,
      max_age_seconds: spec.maxAgeSeconds ?? 86400,
      flexible_window_minutes: spec.flexibleWindowMinutes ?? null,
    };
    // A Scheduler rate starts at once (AWS: "starts invoking the target immediately"); a rule's
    // rate first fires one period after the rule was created, as EventBridge rules do.
    nextFireAt = firstFireAfter(specOf(row), spec.ownerKind === "rule" ? now : new Date(now.getTime() - 1));
    // A one-time schedule whose at() has passed: Scheduler accepts it and invokes the target at
    // once. Its fire time stays the at() time (the scheduled-time attribute, the event's age), so
    // the timer plan fires it once if that is within the target's MaximumEventAgeInSeconds, and
    // completes without firing when it is older (counted as missed).
    if (!nextFireAt && parseScheduleExpression(spec.expression, dialect).kind === "at")
      nextFireAt = firstFireAfter(specOf(row), new Date(0));
    dueAt = nextFireAt ? dueWithin(nextFireAt, spec.flexibleWindowMinutes) : null;
  }
  await repo.upsertTimerRow(tx, {
    id: existing?.id ?? randomUUID(),
    tenant_id: spec.tenantId,
    owner_kind: spec.ownerKind,
    owner_id: spec.ownerId,
    expression: spec.expression,
    timezone,
    start_date: spec.startDate ?? null,
    end_date: spec.endDate ?? null,
    anchor_at: anchorAt,
    flexible_window_minutes: spec.flexibleWindowMinutes ?? null,
    max_age_seconds: spec.maxAgeSeconds ?? 86400,
    fire_job: spec.fireJob,
    boss_schema: BOSS_SCHEMA,
    enabled: spec.enabled,
    next_fire_at: nextFireAt,
    due_at: dueAt,
  });
  if (spec.enabled && dueAt) await repo.notifyTimerChanged(tx, TIMERS_CHANNEL, dueAt);
  return { nextFireAt, dueAt };
}

/** Removes the owner's timer (no further fires are enqueued once the transaction commits). */
export async function deleteTimer(tx: Queryable, ownerKind: TimerOwnerKind, ownerId: string): Promise<boolean> {
  return repo.deleteTimerRow(tx, ownerKind, ownerId);
}

/** The owner's timer as the console shows it (next fire time, counts), or null. */
export async function getTimer(db: Queryable, ownerKind: TimerOwnerKind, ownerId: string) {
  return repo.findTimer(db, ownerKind, ownerId);
}

/** pg-boss job id for one owner's fire time: the same fire time can never be enqueued twice. */
export function fireJobId(fireJob: string, ownerKind: string, ownerId: string, fireTime: Date): string {
  const h = createHash("sha256").update(`${fireJob}|${ownerKind}|${ownerId}|${fireTime.toISOString()}`).digest("hex");
  // Formatted as a version-5-style UUID (pg-boss ids are uuid).
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

import { createHash } from "node:crypto";

// EventBridge Scheduler's context attributes, replaced in a target's Input when it is invoked:
//   <aws.scheduler.schedule-arn>     the schedule's ARN
//   <aws.scheduler.scheduled-time>   the time the schedule was due, ISO 8601 to the second (…Z)
//   <aws.scheduler.execution-id>     one id per fire time (the same for every retry of it)
//   <aws.scheduler.attempt-number>   the attempt (1 here: the engine keeps one payload for retries)

export type SchedulerContext = { scheduleArn: string; scheduledTime: Date; executionId: string; attemptNumber: number };

/** A stable execution id (UUID-shaped) for one schedule's fire time. */
export function executionIdOf(scheduleArn: string, fireTimeIso: string): string {
  const h = createHash("sha256").update(`${scheduleArn}|${fireTimeIso}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function applyContextAttributes(input: string, ctx: SchedulerContext): string {
  const scheduled = ctx.scheduledTime.toISOString().replace(/\.\d{3}Z$/, "Z");
  return input
    .replaceAll("<aws.scheduler.schedule-arn>", ctx.scheduleArn)
    .replaceAll("<aws.scheduler.scheduled-time>", scheduled)
    .replaceAll("<aws.scheduler.execution-id>", ctx.executionId)
    .replaceAll("<aws.scheduler.attempt-number>", String(ctx.attemptNumber));
}

import { createHash } from "node:crypto";

// EventBridge Scheduler's context attributes, replaced in a target's Input when it is invoked:
//   <aws.scheduler.schedule-arn>     the schedule's ARN
//   <aws.scheduler.scheduled-time>   the time the schedule was due, ISO 8601 to the second (…Z)
//   <aws.scheduler.execution-id>     one id per fire time (the same for every retry of it)
//   <aws.scheduler.attempt-number>   the attempt of this invocation: 1, then 2, 3, … on retries
//
// The first three are known when the schedule fires; the attempt number only when the delivery
// engine makes an attempt. So a fire replaces the first three (applyContextAttributes) and leaves
// the attempt number as a marker in the stored payload; the engine replaces it on every attempt
// (withAttemptNumber), so the payload a retry sends carries the retry's number.

export type SchedulerContext = { scheduleArn: string; scheduledTime: Date; executionId: string };

export const ATTEMPT_NUMBER = "<aws.scheduler.attempt-number>";
/**
 * The marker for an attempt number that stood outside a JSON string (`{"n": <aws.scheduler.attempt-number>}`)
 * once the Input had to be parsed (an event bus target's detail): a JSON string that becomes the bare number.
 */
const BARE_MARKER = '"<aws.scheduler.attempt-number#bare>"';

/** A stable execution id (UUID-shaped) for one schedule's fire time. */
export function executionIdOf(scheduleArn: string, fireTimeIso: string): string {
  const h = createHash("sha256").update(`${scheduleArn}|${fireTimeIso}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Replaces the attributes known at fire time; `<aws.scheduler.attempt-number>` stays for the engine. */
export function applyContextAttributes(input: string, ctx: SchedulerContext): string {
  const scheduled = ctx.scheduledTime.toISOString().replace(/\.\d{3}Z$/, "Z");
  return input
    .replaceAll("<aws.scheduler.schedule-arn>", ctx.scheduleArn)
    .replaceAll("<aws.scheduler.scheduled-time>", scheduled)
    .replaceAll("<aws.scheduler.execution-id>", ctx.executionId);
}

/** Whether a payload still holds an attempt-number marker (only then the engine rewrites it). */
export const hasAttemptNumber = (payload: string) => payload.includes(ATTEMPT_NUMBER) || payload.includes(BARE_MARKER);

/**
 * Input text ready for JSON.parse: a bare attempt-number marker (outside a JSON string) becomes a
 * string marker that withAttemptNumber turns back into the bare number.
 */
export function quoteBareAttemptNumber(input: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (inString) {
      out += c;
      if (c === "\\") out += input[++i] ?? "";
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (input.startsWith(ATTEMPT_NUMBER, i)) {
      out += BARE_MARKER;
      i += ATTEMPT_NUMBER.length - 1;
    } else out += c;
  }
  return out;
}

/** The payload an attempt sends: every attempt-number marker replaced by `attempt` (1 for the first). */
export function withAttemptNumber(payload: string, attempt: number): string {
  const n = String(attempt);
  return payload.replaceAll(BARE_MARKER, n).replaceAll(ATTEMPT_NUMBER, n);
}

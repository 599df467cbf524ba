// EventBridge's (and EventBridge Scheduler's) retry policy for a target, and the dead-letter
// message AWS sends when it gives up. Pure: the delivery engine (server/domains/deliveries) applies
// it to invocations; sources (rules, schedules) use the defaults and limits to validate input.
//
// AWS ("Event retry policy and using dead-letter queues", EventBridge User Guide): a failed target
// call is retried with exponential backoff and jitter until MaximumRetryAttempts (0-185, default
// 185) retries were made or the event is MaximumEventAgeInSeconds old (60-86,400, default 86,400),
// whichever comes first. Errors that cannot succeed on retry (the target no longer exists, no
// permission) go to the dead-letter queue at once, without retries. Without a dead-letter queue
// the event is dropped. The dead-letter message's body is the event; its message attributes say
// why: RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE, EXHAUSTED_RETRY_CONDITION (only when a
// retry limit ended the delivery: MaximumRetryAttempts | MaximumEventAgeInSeconds) and
// RETRY_ATTEMPTS. EventBridge Scheduler's dead-letter event carries its own set: ERROR_CODE,
// ERROR_MESSAGE, EXECUTION_ID, EXHAUSTED_RETRY_CONDITION, IS_PAYLOAD_TRUNCATED, RETRY_ATTEMPTS,
// SCHEDULED_TIME, SCHEDULE_ARN, TARGET_ARN.

export const MAX_RETRY_ATTEMPTS_LIMIT = 185;
export const DEFAULT_MAX_RETRY_ATTEMPTS = 185;
export const MIN_EVENT_AGE_SECONDS = 60;
export const MAX_EVENT_AGE_SECONDS = 86_400;
export const DEFAULT_MAX_EVENT_AGE_SECONDS = 86_400;

/** AWS's RetryPolicy as the APIs spell it (both fields optional: AWS's defaults apply). */
export type AwsRetryPolicy = { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };

export type TargetRetryPolicy = { maxRetryAttempts: number; maxAgeSeconds: number };

/** Null when the policy is within AWS's limits, else what is wrong (for a ValidationException). */
export function retryPolicyProblem(p: AwsRetryPolicy | undefined | null): string | null {
  if (!p) return null;
  const r = p.MaximumRetryAttempts;
  if (r !== undefined && (!Number.isInteger(r) || r < 0 || r > MAX_RETRY_ATTEMPTS_LIMIT))
    return `MaximumRetryAttempts must be between 0 and ${MAX_RETRY_ATTEMPTS_LIMIT}.`;
  const a = p.MaximumEventAgeInSeconds;
  if (a !== undefined && (!Number.isInteger(a) || a < MIN_EVENT_AGE_SECONDS || a > MAX_EVENT_AGE_SECONDS))
    return `MaximumEventAgeInSeconds must be between ${MIN_EVENT_AGE_SECONDS} and ${MAX_EVENT_AGE_SECONDS}.`;
  return null;
}

/** AWS's RetryPolicy with its defaults filled in (throws on values outside AWS's limits). */
export function targetRetryPolicy(p: AwsRetryPolicy | undefined | null): TargetRetryPolicy {
  const problem = retryPolicyProblem(p);
  if (problem) throw new RangeError(problem);
  return {
    maxRetryAttempts: p?.MaximumRetryAttempts ?? DEFAULT_MAX_RETRY_ATTEMPTS,
    maxAgeSeconds: p?.MaximumEventAgeInSeconds ?? DEFAULT_MAX_EVENT_AGE_SECONDS,
  };
}

// Backoff: 1 s doubling to a 5-minute cap, "equal jitter" (half fixed, half random), so retries
// of many failed events spread out instead of arriving at the target together.
const BASE_DELAY_SECONDS = 1;
const MAX_DELAY_SECONDS = 300;

/** Delay before retry number `retry` (1 = the first retry), in whole seconds, at least 1. */
export function backoffSeconds(retry: number, random: number): number {
  const ceiling = Math.min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2 ** Math.max(0, retry - 1));
  return Math.max(1, Math.round(ceiling / 2 + (random * ceiling) / 2));
}

export type ExhaustedCondition = "MaximumRetryAttempts" | "MaximumEventAgeInSeconds";

export type RetryDecision =
  | { retry: true; delaySeconds: number }
  /** `condition` null: a permanent error (no retries were due). */
  | { retry: false; condition: ExhaustedCondition | null };

/**
 * What follows a failed attempt. `attemptsMade` counts the attempt that just failed (1 = the first
 * call). `permanent`: the error cannot succeed on retry (target gone, no permission).
 */
export function retryDecision(input: {
  policy: TargetRetryPolicy;
  attemptsMade: number;
  permanent: boolean;
  eventTime: Date;
  now: Date;
  random: number;
}): RetryDecision {
  if (input.permanent) return { retry: false, condition: null };
  const retriesMade = Math.max(0, input.attemptsMade - 1);
  if (retriesMade >= input.policy.maxRetryAttempts) return { retry: false, condition: "MaximumRetryAttempts" };
  const delaySeconds = backoffSeconds(retriesMade + 1, input.random);
  const deadline = input.eventTime.getTime() + input.policy.maxAgeSeconds * 1000;
  if (input.now.getTime() + delaySeconds * 1000 > deadline)
    return { retry: false, condition: "MaximumEventAgeInSeconds" };
  return { retry: true, delaySeconds };
}

/** True when the event is already older than the policy allows (checked before an attempt). */
export function eventTooOld(policy: TargetRetryPolicy, eventTime: Date, now: Date): boolean {
  return now.getTime() > eventTime.getTime() + policy.maxAgeSeconds * 1000;
}

/** Which attribute set a dead-letter message carries. */
export type DeadLetterStyle = "events" | "scheduler";

export type DeadLetterContext = {
  sourceArn: string;
  targetArn: string;
  errorCode: string;
  errorMessage: string;
  condition: ExhaustedCondition | null;
  /** Retries made (attempts - 1). */
  retryAttempts: number;
  /** Scheduler: the invocation's scheduled time and execution id. */
  scheduledTime?: Date;
  executionId?: string;
};

export type SqsStringAttribute = { DataType: "String"; StringValue: string };

// ERROR_MESSAGE is capped so the attributes stay far below SQS's 256 KiB message limit.
const MAX_ERROR_MESSAGE = 1024;

/** The dead-letter message attributes AWS sends, in the given style. */
export function deadLetterAttributes(style: DeadLetterStyle, c: DeadLetterContext): Record<string, SqsStringAttribute> {
  const s = (v: string): SqsStringAttribute => ({ DataType: "String", StringValue: v });
  const errorMessage = c.errorMessage.slice(0, MAX_ERROR_MESSAGE) || c.errorCode;
  const condition: Record<string, SqsStringAttribute> = c.condition
    ? { EXHAUSTED_RETRY_CONDITION: s(c.condition) }
    : {};
  if (style === "scheduler")
    return {
      ERROR_CODE: s(c.errorCode),
      ERROR_MESSAGE: s(errorMessage),
      EXECUTION_ID: s(c.executionId ?? ""),
      ...condition,
      IS_PAYLOAD_TRUNCATED: s("false"),
      RETRY_ATTEMPTS: s(String(c.retryAttempts)),
      SCHEDULED_TIME: s((c.scheduledTime ?? new Date(0)).toISOString().replace(/\.\d{3}Z$/, "Z")),
      SCHEDULE_ARN: s(c.sourceArn),
      TARGET_ARN: s(c.targetArn),
    };
  return {
    RULE_ARN: s(c.sourceArn),
    TARGET_ARN: s(c.targetArn),
    ERROR_CODE: s(c.errorCode),
    ERROR_MESSAGE: s(errorMessage),
    ...condition,
    RETRY_ATTEMPTS: s(String(c.retryAttempts)),
  };
}

/**
 * The error codes AWS puts in ERROR_CODE. A target kind reports one with its verdict; these are
 * the ones EventBridge documents for its own failures.
 */
export const TARGET_ERROR_CODES = {
  /** The target no longer exists. */
  noResource: "NO_RESOURCE",
  /** The target refuses the source (resource policy). */
  noPermissions: "NO_PERMISSIONS",
  /** The target answered with an error. */
  errorFromTarget: "ERROR_FROM_TARGET",
  /** The call could not be made (network, timeout). */
  clientError: "SDK_CLIENT_ERROR",
} as const;

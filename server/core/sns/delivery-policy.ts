// SNS HTTP/S delivery policy: parse the JSON a subscription or topic carries, and compute the delay
// before each retry. AWS's retry model has four phases, in order: immediate retries (no delay),
// pre-backoff (minDelayTarget each), backoff (minDelayTarget → maxDelayTarget along the backoff
// function) and post-backoff (maxDelayTarget each); numRetries counts all of them.
// https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html

export type BackoffFunction = "linear" | "arithmetic" | "geometric" | "exponential";

export type RetryPolicy = {
  minDelayTarget: number;
  maxDelayTarget: number;
  numRetries: number;
  numNoDelayRetries: number;
  numMinDelayRetries: number;
  numMaxDelayRetries: number;
  backoffFunction: BackoffFunction;
};

export type EffectiveDeliveryPolicy = {
  retry: RetryPolicy;
  maxReceivesPerSecond: number | null;
  headerContentType: string | null;
};

/** AWS's default policy for HTTP/S endpoints when none is set. */
export const DEFAULT_HTTP_RETRY_POLICY: RetryPolicy = {
  minDelayTarget: 20,
  maxDelayTarget: 20,
  numRetries: 3,
  numNoDelayRetries: 0,
  numMinDelayRetries: 0,
  numMaxDelayRetries: 0,
  backoffFunction: "linear",
};

export const MAX_RETRIES = 100;
export const MAX_DELAY_TARGET = 3600;
const BACKOFFS: BackoffFunction[] = ["linear", "arithmetic", "geometric", "exponential"];

type Result<T> = { ok: true; value: T } | { ok: false; message: string };

function intIn(v: unknown, name: string, lo: number, hi: number): Result<number> {
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi)
    return { ok: false, message: `${name} must be an integer between ${lo} and ${hi}` };
  return { ok: true, value: v };
}

/** Validates a healthyRetryPolicy object, filling AWS's defaults for missing fields. */
export function parseRetryPolicy(raw: unknown): Result<RetryPolicy> {
  if (raw === undefined || raw === null) return { ok: true, value: { ...DEFAULT_HTTP_RETRY_POLICY } };
  if (typeof raw !== "object" || Array.isArray(raw))
    return { ok: false, message: "healthyRetryPolicy must be an object" };
  const r = raw as Record<string, unknown>;
  const p: RetryPolicy = { ...DEFAULT_HTTP_RETRY_POLICY };
  for (const [k, lo, hi] of [
    ["numRetries", 0, MAX_RETRIES],
    ["numNoDelayRetries", 0, MAX_RETRIES],
    ["numMinDelayRetries", 0, MAX_RETRIES],
    ["numMaxDelayRetries", 0, MAX_RETRIES],
    ["minDelayTarget", 1, MAX_DELAY_TARGET],
    ["maxDelayTarget", 1, MAX_DELAY_TARGET],
  ] as const) {
    if (r[k] === undefined) continue;
    const v = intIn(r[k], k, lo, hi);
    if (!v.ok) return v;
    p[k] = v.value;
  }
  if (r.backoffFunction !== undefined) {
    if (!BACKOFFS.includes(r.backoffFunction as BackoffFunction))
      return { ok: false, message: `backoffFunction must be one of ${BACKOFFS.join(", ")}` };
    p.backoffFunction = r.backoffFunction as BackoffFunction;
  }
  if (p.minDelayTarget > p.maxDelayTarget)
    return { ok: false, message: "minDelayTarget must be less than or equal to maxDelayTarget" };
  if (p.numNoDelayRetries + p.numMinDelayRetries + p.numMaxDelayRetries > p.numRetries) {
    return {
      ok: false,
      message: "numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries must not exceed numRetries",
    };
  }
  return { ok: true, value: p };
}

/**
 * Parses a subscription's DeliveryPolicy ({healthyRetryPolicy, throttlePolicy, requestPolicy}) or
 * a topic's ({http: {defaultHealthyRetryPolicy, defaultThrottlePolicy, defaultRequestPolicy,
 * disableSubscriptionOverrides}}). Returns the policy normalised to the subscription shape.
 */
export function parseDeliveryPolicy(json: unknown, kind: "subscription" | "topic"): Result<Record<string, unknown>> {
  let v: unknown = json;
  if (typeof json === "string") {
    try {
      v = JSON.parse(json);
    } catch {
      return { ok: false, message: "DeliveryPolicy: failed to parse JSON" };
    }
  }
  if (typeof v !== "object" || v === null || Array.isArray(v))
    return { ok: false, message: "DeliveryPolicy: must be a JSON object" };
  const o = v as Record<string, unknown>;
  const node = kind === "topic" ? ((o.http ?? {}) as Record<string, unknown>) : o;
  const retry = parseRetryPolicy(kind === "topic" ? node.defaultHealthyRetryPolicy : node.healthyRetryPolicy);
  if (!retry.ok) return { ok: false, message: `DeliveryPolicy: ${retry.message}` };
  const throttle = (kind === "topic" ? node.defaultThrottlePolicy : node.throttlePolicy) as
    Record<string, unknown> | undefined;
  if (throttle?.maxReceivesPerSecond !== undefined) {
    const m = intIn(throttle.maxReceivesPerSecond, "maxReceivesPerSecond", 1, 1_000_000);
    if (!m.ok) return { ok: false, message: `DeliveryPolicy: ${m.message}` };
  }
  return { ok: true, value: o };
}

/** The policy that applies to one HTTP/S subscription: its own, else the topic's http defaults, else AWS's. */
export function effectiveDeliveryPolicy(subscriptionPolicy: unknown, topicPolicy: unknown): EffectiveDeliveryPolicy {
  const topicHttp = ((topicPolicy as { http?: Record<string, unknown> } | null)?.http ?? {}) as Record<string, unknown>;
  const sub = (topicHttp.disableSubscriptionOverrides === true ? null : subscriptionPolicy) as Record<
    string,
    unknown
  > | null;
  const pick = (subKey: string, topicKey: string) =>
    sub && sub[subKey] !== undefined ? sub[subKey] : topicHttp[topicKey];
  const retry = parseRetryPolicy(pick("healthyRetryPolicy", "defaultHealthyRetryPolicy"));
  const throttle = pick("throttlePolicy", "defaultThrottlePolicy") as { maxReceivesPerSecond?: number } | undefined;
  const request = pick("requestPolicy", "defaultRequestPolicy") as { headerContentType?: string } | undefined;
  return {
    retry: retry.ok ? retry.value : { ...DEFAULT_HTTP_RETRY_POLICY },
    maxReceivesPerSecond: typeof throttle?.maxReceivesPerSecond === "number" ? throttle.maxReceivesPerSecond : null,
    headerContentType: request?.headerContentType ?? null,
  };
}

function backoff(fn: BackoffFunction, min: number, max: number, i: number, n: number): number {
  if (n <= 0 || min === max) return min;
  const t = i / n; // 1/n … 1
  switch (fn) {
    case "linear":
      return min + (max - min) * t;
    case "arithmetic":
      return min + (max - min) * ((i * (i + 1)) / (n * (n + 1)));
    case "geometric":
      return min + (max - min) * ((2 ** i - 1) / (2 ** n - 1));
    case "exponential":
      return min * (max / min) ** t;
  }
}

/**
 * Seconds to wait before retry number `retry` (1-based), or null when retries are exhausted.
 * `random` in [0,1) adds up to ±10% jitter so a failing endpoint's retries do not arrive in lockstep.
 */
export function retryDelaySeconds(p: RetryPolicy, retry: number, random: number = Math.random()): number | null {
  if (retry < 1 || retry > p.numRetries) return null;
  let base: number;
  const backoffCount = p.numRetries - p.numNoDelayRetries - p.numMinDelayRetries - p.numMaxDelayRetries;
  if (retry <= p.numNoDelayRetries) return 0;
  else if (retry <= p.numNoDelayRetries + p.numMinDelayRetries) base = p.minDelayTarget;
  else if (retry <= p.numNoDelayRetries + p.numMinDelayRetries + backoffCount) {
    base = backoff(
      p.backoffFunction,
      p.minDelayTarget,
      p.maxDelayTarget,
      retry - p.numNoDelayRetries - p.numMinDelayRetries,
      backoffCount,
    );
  } else base = p.maxDelayTarget;
  const jitter = 1 + (random * 2 - 1) * 0.1;
  return Math.max(0, Math.round(base * jitter * 1000) / 1000);
}

import { AppError } from "../../../core/errors";
import { TARGET_ERROR_CODES } from "../../../core/events/target-retry";
import type { RetryPolicy } from "../../../core/sns/delivery-policy";
import type { Queryable } from "../../../db";
import type { SubscriptionRow } from "../../topics/topic.repository";
import type { MessageRow } from "../../topics/topic-message.repository";
import type { AttemptRecord, DeliveryRow, TopicDeliveryRow } from "../delivery.repository";
import type { InvocationData } from "../invocation.repository";

// A target kind: where a delivery goes (a queue in this database, an HTTP endpoint, an inbox, a
// topic, and next an event bus, a workflow, an API destination, a function). A kind only builds
// its request and says how the attempt went; the engine (deliver.ts, outcomes.ts) owns everything
// shared: claiming, retries and backoff, rate limits, auto-disable, dead-letter queues, the attempt
// log, metrics and the dashboard. Register a kind in targets/registry.ts.
//
// A kind serves topic subscriptions (`protocols` + `attempt`/`deliverBatch`), invocations from
// rules, schedules, functions, workflows and APIs (`invoke`/`invokeBatch`), or both.

export type TargetKindName =
  "queue" | "webhook" | "email" | "topic" | "event-bus" | "function" | "api-destination" | "workflow";

/** One topic delivery ready to attempt: the row, the message and the subscription it goes to. */
export type TargetInput = {
  delivery: TopicDeliveryRow;
  message: MessageRow;
  subscription: SubscriptionRow;
  /** The topic's DeliveryPolicy (webhooks), as stored. */
  topicPolicy: unknown;
  baseUrl: string;
};

/** One invocation ready to attempt (invocations.ts documents the fields). */
export type InvocationInput = {
  delivery: DeliveryRow;
  invocation: InvocationData;
  baseUrl: string;
};

/** How one attempt went. `record` is what the attempt log keeps (keep it small for successes). */
export type Classified = {
  result: "success" | "retryable" | "permanent";
  error: string | null;
  statusCode: number | null;
  /**
   * Invocations: the ERROR_CODE a dead-letter message carries (TARGET_ERROR_CODES in
   * core/events/target-retry.ts). Defaults: NO_RESOURCE/NO_PERMISSIONS are the kind's to say;
   * a retryable failure without one is ERROR_FROM_TARGET.
   */
  errorCode?: string;
  /**
   * Invocations: the target asked to slow down (a rate limit, a throttle). Retried until
   * MaximumEventAgeInSeconds without using up MaximumRetryAttempts, as EventBridge does.
   */
  throttled?: boolean;
  record: Partial<
    Pick<
      AttemptRecord,
      "requestHeaders" | "requestBody" | "responseStatus" | "responseHeaders" | "responseBody" | "durationMs"
    >
  >;
};

type Common = {
  kind: TargetKindName;
  /** Subscription protocols this kind serves (empty: invocations only). */
  protocols: readonly string[];
  /** Retry schedule and throughput limit for a topic delivery of this kind (default: LOCAL_RETRY_POLICY). */
  policy?(input: Pick<TargetInput, "subscription" | "topicPolicy">): { retry: RetryPolicy; maxPerSecond?: number };
  /** Whether topic-delivery failures count toward disabling the endpoint (remote endpoints that may be down). */
  autoDisable: boolean;
};

/** A target outside the database: attempted one by one, concurrently, outside any transaction. */
export type RemoteTarget = Common & {
  mode: "remote";
  /** Topic subscriptions (required when `protocols` is not empty). */
  attempt?(input: TargetInput): Promise<Classified>;
  /** Invocations: one call of the target (e.g. an API destination's HTTP request). */
  invoke?(input: InvocationInput): Promise<Classified>;
  /**
   * Invocations: a per-second limit shared by every worker (e.g. an API destination's
   * InvocationRateLimitPerSecond), keyed by what it limits; null for none.
   */
  invocationRate?(input: InvocationInput): Promise<{ key: string; perSecond: number } | null>;
};

/**
 * A target inside this database: a chunk is delivered in ONE transaction that also records the
 * outcome (so it is exactly once). Results are in the order of `inputs`.
 */
export type LocalTarget = Common & {
  mode: "local";
  /** Topic subscriptions (required when `protocols` is not empty). */
  deliverBatch?(inputs: TargetInput[], tx: Queryable): Promise<Classified[]>;
  /**
   * Invocations, inside the caller's transaction (createInvocations) or the engine's. Isolate
   * refusals with savepoints (underSavepoint) so one refused invocation does not undo the others.
   */
  invokeBatch?(inputs: InvocationInput[], tx: Queryable): Promise<Classified[]>;
};

export type TargetKind = RemoteTarget | LocalTarget;

export const MAX_REQUEST_BODY_LOGGED = 64 * 1024;
export const MAX_RESPONSE_BODY_LOGGED = 4 * 1024;

export const truncate = (s: string, n: number) =>
  Buffer.byteLength(s) <= n ? s : Buffer.from(s).subarray(0, n).toString("utf8");

/** Queue and email deliveries that fail (queue deleted, permission removed, SMTP down) retry on this schedule. */
export const LOCAL_RETRY_POLICY: RetryPolicy = {
  minDelayTarget: 1,
  maxDelayTarget: 300,
  numRetries: 10,
  numNoDelayRetries: 0,
  numMinDelayRetries: 0,
  numMaxDelayRetries: 0,
  backoffFunction: "exponential",
};

/**
 * The verdict for an error a local kind's call threw (another domain's AppError): what cannot
 * change on retry is permanent (EventBridge sends it to the dead-letter queue at once): the target
 * does not exist (NO_RESOURCE), refuses the source (NO_PERMISSIONS) or refuses the request itself
 * (ERROR_FROM_TARGET). Anything else (the database busy, a timeout) is retried.
 */
export function classifyError(e: unknown, record: Classified["record"] = {}): Classified {
  const code = e instanceof AppError ? e.code : null;
  const message = e instanceof Error ? e.message || e.name : String(e);
  const awsCode = e instanceof AppError ? e.awsCode : undefined;
  const error = awsCode ? `${awsCode}: ${message}` : message;
  if (code === "not_found")
    return { result: "permanent", error, statusCode: null, errorCode: TARGET_ERROR_CODES.noResource, record };
  if (code === "forbidden")
    return { result: "permanent", error, statusCode: null, errorCode: TARGET_ERROR_CODES.noPermissions, record };
  if (code === "validation" || code === "too_large" || code === "unsupported" || code === "conflict")
    return { result: "permanent", error, statusCode: null, errorCode: TARGET_ERROR_CODES.errorFromTarget, record };
  return { result: "retryable", error, statusCode: null, errorCode: TARGET_ERROR_CODES.errorFromTarget, record };
}

import type { RetryPolicy } from "../../../core/sns/delivery-policy";
import type { Queryable } from "../../../db";
import type { SubscriptionRow } from "../../topics/topic.repository";
import type { MessageRow } from "../../topics/topic-message.repository";
import type { AttemptRecord, DeliveryRow } from "../delivery.repository";

// A target kind: where a delivery goes (a queue in this database, an HTTP endpoint, an inbox, and
// next an event bus, a workflow, an API destination, a function). A kind only builds its request
// and says how the attempt went; the engine (deliver.ts, outcomes.ts) owns everything shared:
// claiming, retries and backoff, rate limits, auto-disable, dead-letter queues, the attempt log,
// metrics and the dashboard. Register a kind in targets/registry.ts.

export type TargetKindName = "queue" | "webhook" | "email";

/** One delivery ready to attempt: the row, the message and the subscription it goes to. */
export type TargetInput = {
  delivery: DeliveryRow;
  message: MessageRow;
  subscription: SubscriptionRow;
  /** The topic's DeliveryPolicy (webhooks), as stored. */
  topicPolicy: unknown;
  baseUrl: string;
};

/** How one attempt went. `record` is what the attempt log keeps (keep it small for successes). */
export type Classified = {
  result: "success" | "retryable" | "permanent";
  error: string | null;
  statusCode: number | null;
  record: Partial<
    Pick<
      AttemptRecord,
      "requestHeaders" | "requestBody" | "responseStatus" | "responseHeaders" | "responseBody" | "durationMs"
    >
  >;
};

type Common = {
  kind: TargetKindName;
  /** Subscription protocols this kind serves. */
  protocols: readonly string[];
  /** Retry schedule and throughput limit for a delivery of this kind. */
  policy(input: Pick<TargetInput, "subscription" | "topicPolicy">): { retry: RetryPolicy; maxPerSecond?: number };
  /** Whether failures count toward disabling the endpoint (remote endpoints that may be down). */
  autoDisable: boolean;
};

/** A target outside the database: attempted one by one, concurrently, outside any transaction. */
export type RemoteTarget = Common & {
  mode: "remote";
  attempt(input: TargetInput): Promise<Classified>;
};

/**
 * A target inside this database: a chunk is delivered in ONE transaction that also records the
 * outcome (so it is exactly once). Results are in the order of `inputs`.
 */
export type LocalTarget = Common & {
  mode: "local";
  deliverBatch(inputs: TargetInput[], tx: Queryable): Promise<Classified[]>;
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

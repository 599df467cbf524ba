// Row shapes of the delivery router (its SQL rows are untyped on the wire, so the console names them).
export type AttemptOutcome = "succeeded" | "failed" | "dlq" | "skipped";
export type DeliveryStatus = "pending" | "retrying" | "succeeded" | "failed" | "dlq";

/** Where a delivery came from: a topic's subscription, or an invocation by a rule, schedule, … */
export type SourceKind = "topic" | "rule" | "schedule" | "function" | "workflow" | "api";

/** Why a workflow Task's logged call has no Resend (the server refuses it with the same reason). */
export const WORKFLOW_NO_RESEND =
  "Calls made by workflow tasks cannot be resent: they belonged to their execution, which already handled the answer with its own Retry/Catch. Redrive or start the execution again instead.";

/**
 * One attempt. An invocation's (sourceKind other than "topic") has no message, subscription or
 * topic; its protocol is the target kind (queue, topic, function, …) and its endpoint the target ARN.
 */
export type AttemptRow = {
  id: string;
  deliveryId: string;
  messageId: string | null;
  subscriptionId: string | null;
  topicId: string | null;
  sourceKind?: SourceKind;
  sourceArn?: string | null;
  targetKind?: string;
  attemptNumber: number;
  protocol: string;
  endpoint: string;
  outcome: AttemptOutcome;
  startedAt: Date | string;
  durationMs: number | null;
  responseStatus: number | null;
  error: string | null;
  nextRetryAt: Date | string | null;
};

export type AttemptDetail = AttemptRow & {
  requestHeaders: Record<string, string> | null;
  requestBody: string | null;
  responseHeaders: Record<string, string | string[]> | null;
  responseBody: string | null;
  deliveryStatus: DeliveryStatus;
  deliveryAttempts: number;
  targetArn?: string | null;
  targetId?: string | null;
  eventId?: string | null;
};

export type FailingEndpoint = {
  /** Null for an invocation target (a rule's or schedule's), which is no subscription. */
  subscriptionId: string | null;
  endpoint: string;
  protocol: string;
  failures: number;
  retrying: number;
  lastFailureAt: Date | string;
  lastStatus: number | null;
  lastError: string | null;
};

export type DisabledEndpoint = {
  id: string;
  arn: string;
  protocol: string;
  endpoint: string;
  disabledAt: Date | string;
  disabledReason: string | null;
  consecutiveFailures: number;
  topicId: string;
  topicName: string;
};

export type ResendProgress = {
  id: string;
  status: "running" | "finished";
  total: number | null;
  done: number | null;
  since: Date | string;
  createdAt: Date | string;
  finishedAt: Date | string | null;
};

export type OutboxEmail = {
  id: string;
  subscriptionId: string;
  deliveryId: string | null;
  to: string;
  subject: string;
  body: string;
  status: string;
  createdAt: Date | string;
  sentAt: Date | string | null;
};

export type DeliveryNotification = {
  id: string;
  kind: string;
  subscriptionId: string | null;
  message: string;
  createdAt: Date | string;
  readAt: Date | string | null;
};

/** Scope of a dashboard: the whole tenant, one topic, or one subscription. */
export type DashboardScope = { topicId?: string | null; subscriptionId?: string | null };

export const OUTCOME_TONE = { succeeded: "success", failed: "danger", dlq: "warning", skipped: "neutral" } as const;
export const OUTCOME_LABEL: Record<AttemptOutcome, string> = {
  succeeded: "Succeeded",
  failed: "Failed",
  dlq: "Sent to DLQ",
  skipped: "Skipped",
};
export const STATUS_TONE = {
  pending: "info",
  retrying: "warning",
  succeeded: "success",
  failed: "danger",
  dlq: "warning",
} as const;
export const STATUS_LABEL: Record<DeliveryStatus, string> = {
  pending: "Pending",
  retrying: "Retrying",
  succeeded: "Succeeded",
  failed: "Failed",
  dlq: "In DLQ",
};

// What the console shows of event buses (components/events/*): the events router's output shapes,
// mapped from the service rows in events.console.ts so the pages do not follow every column rename.
export type Time = Date | string;

export type BusView = {
  name: string;
  arn: string;
  description: string | null;
  policy: string | null;
  createdAt: Time;
  lastModifiedAt: Time | null;
  rules: number;
};

export type RuleState = "ENABLED" | "DISABLED" | "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";

export type RuleView = {
  name: string;
  arn: string;
  busName: string;
  description: string | null;
  eventPattern: string | null;
  scheduleExpression: string | null;
  state: RuleState;
  managedBy: string | null;
  targets: number;
  createdAt: Time | null;
};

/** A rule with its targets (the rule page). */
export type RuleDetail = Omit<RuleView, "targets"> & { targets: TargetView[] };

export type TargetView = {
  id: string;
  arn: string;
  input: string | null;
  inputPath: string | null;
  inputTransformer: { inputPathsMap?: Record<string, string>; inputTemplate: string } | null;
  retryPolicy: { maximumRetryAttempts?: number; maximumEventAgeInSeconds?: number } | null;
  deadLetterArn: string | null;
  messageGroupId: string | null;
};

/** An event as AWS delivers it (the envelope), plus where it came from. */
export type EventEnvelope = {
  version: string;
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
  "replay-name"?: string;
};

export type EventSummary = {
  id: string;
  busName: string;
  source: string;
  detailType: string;
  time: Time;
  ingestedAt: Time;
  ingest: string;
  matchedRules: number;
  invocations: number;
  failed: number;
  envelope: EventEnvelope;
};

export type AttemptOutcome = "succeeded" | "failed" | "dlq" | "skipped";

export type InvocationView = {
  deliveryId: string;
  ruleName: string | null;
  ruleArn: string;
  targetId: string | null;
  targetArn: string;
  targetKind: string;
  status: string;
  attempts: {
    id: string;
    attemptNumber: number;
    outcome: AttemptOutcome;
    startedAt: Time;
    durationMs: number | null;
    responseStatus: number | null;
    error: string | null;
  }[];
};

export type EventDetail = Omit<EventSummary, "invocations"> & {
  matched: { ruleName: string; ruleArn: string }[];
  invocations: InvocationView[];
};

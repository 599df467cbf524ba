// The queue attribute form's state, its validation (the same ranges AWS enforces) and its
// conversion to the tRPC input. Pure so create and edit share one set of rules.
import {
  DELAY_SECONDS,
  MAX_RECEIVE_COUNT,
  MAXIMUM_MESSAGE_SIZE,
  MESSAGE_RETENTION_PERIOD,
  RECEIVE_WAIT_TIME_SECONDS,
  VISIBILITY_TIMEOUT,
  formatDuration,
  parseIntIn,
  queueNameError,
  splitDuration,
  unitSeconds,
  type UnitId,
} from "./format";

export type Duration = { value: string; unit: UnitId };
export type RedrivePermission = "allowAll" | "denyAll" | "byQueue";

export type QueueFormState = {
  name: string;
  fifo: boolean;
  visibilityTimeout: Duration;
  retention: Duration;
  maxSizeKiB: string;
  delaySeconds: string;
  waitSeconds: string;
  dlqEnabled: boolean;
  dlqArn: string;
  maxReceiveCount: string;
  contentBasedDeduplication: boolean;
  deduplicationScope: "queue" | "messageGroup";
  fifoThroughputLimit: "perQueue" | "perMessageGroupId";
  redrivePermission: RedrivePermission;
  redriveSources: string[];
  tags: { key: string; value: string }[];
};

export type FormErrors = Partial<Record<keyof QueueFormState | "tagsList", string>>;

export function defaultQueueForm(): QueueFormState {
  return {
    name: "",
    fifo: false,
    visibilityTimeout: { value: "30", unit: "s" },
    retention: { value: "4", unit: "d" },
    maxSizeKiB: "1024",
    delaySeconds: "0",
    waitSeconds: "0",
    dlqEnabled: false,
    dlqArn: "",
    maxReceiveCount: "5",
    contentBasedDeduplication: false,
    deduplicationScope: "queue",
    fifoThroughputLimit: "perQueue",
    redrivePermission: "allowAll",
    redriveSources: [],
    tags: [],
  };
}

export type QueueSettingsView = {
  visibilityTimeout: number;
  messageRetentionPeriod: number;
  maximumMessageSize: number;
  delaySeconds: number;
  receiveMessageWaitTimeSeconds: number;
  redrivePolicy?: { deadLetterTargetArn: string; maxReceiveCount: number } | null;
  redriveAllowPolicy?: { redrivePermission: RedrivePermission; sourceQueueArns?: string[] } | null;
  contentBasedDeduplication?: boolean;
  deduplicationScope?: "queue" | "messageGroup" | null;
  fifoThroughputLimit?: "perQueue" | "perMessageGroupId" | null;
};

/** The edit form starts from the queue's current settings. */
export function formFromSettings(name: string, fifo: boolean, s: QueueSettingsView): QueueFormState {
  const vis = splitDuration(s.visibilityTimeout, ["s", "m", "h"]);
  return {
    ...defaultQueueForm(),
    name,
    fifo,
    visibilityTimeout: s.visibilityTimeout === 0 ? { value: "0", unit: "s" } : vis,
    retention: splitDuration(s.messageRetentionPeriod),
    maxSizeKiB: String(Math.round(s.maximumMessageSize / 1024)),
    delaySeconds: String(s.delaySeconds),
    waitSeconds: String(s.receiveMessageWaitTimeSeconds),
    dlqEnabled: !!s.redrivePolicy,
    dlqArn: s.redrivePolicy?.deadLetterTargetArn ?? "",
    maxReceiveCount: String(s.redrivePolicy?.maxReceiveCount ?? 5),
    contentBasedDeduplication: !!s.contentBasedDeduplication,
    deduplicationScope: s.deduplicationScope ?? "queue",
    fifoThroughputLimit: s.fifoThroughputLimit ?? "perQueue",
    redrivePermission: s.redriveAllowPolicy?.redrivePermission ?? "allowAll",
    redriveSources: s.redriveAllowPolicy?.sourceQueueArns ?? [],
  };
}

function durationIn(d: Duration, min: number, max: number, label: string): { value?: number; error?: string } {
  const t = d.value.trim();
  if (t === "") return { error: `Enter ${label.toLowerCase()}.` };
  if (!/^\d+$/.test(t)) return { error: `${label} must be a whole number.` };
  const seconds = Number(t) * unitSeconds(d.unit);
  if (seconds < min || seconds > max)
    return { error: `${label} must be between ${formatDuration(min)} and ${formatDuration(max)}.` };
  return { value: seconds };
}

export type QueueSettingsPayload = {
  visibilityTimeout: number;
  messageRetentionPeriod: number;
  maximumMessageSize: number;
  delaySeconds: number;
  receiveMessageWaitTimeSeconds: number;
  redrivePolicy: { deadLetterTargetArn: string; maxReceiveCount: number } | null;
  redriveAllowPolicy: { redrivePermission: RedrivePermission; sourceQueueArns?: string[] } | null;
  contentBasedDeduplication?: boolean;
  deduplicationScope?: "queue" | "messageGroup";
  fifoThroughputLimit?: "perQueue" | "perMessageGroupId";
};

/** Checks every field; returns errors by field, or the settings for tRPC when all are valid. */
export function validateQueueForm(
  s: QueueFormState,
  opts: { checkName: boolean },
): {
  errors: FormErrors;
  payload?: QueueSettingsPayload & { name: string; fifo: boolean; tags?: Record<string, string> };
} {
  const errors: FormErrors = {};
  if (opts.checkName) {
    const e = queueNameError(s.name.trim(), s.fifo);
    if (e) errors.name = e;
  }
  const vis = durationIn(s.visibilityTimeout, VISIBILITY_TIMEOUT.min, VISIBILITY_TIMEOUT.max, "Visibility timeout");
  if (vis.error) errors.visibilityTimeout = vis.error;
  const ret = durationIn(s.retention, MESSAGE_RETENTION_PERIOD.min, MESSAGE_RETENTION_PERIOD.max, "Retention period");
  if (ret.error) errors.retention = ret.error;
  const size = parseIntIn(
    s.maxSizeKiB,
    MAXIMUM_MESSAGE_SIZE.min / 1024,
    MAXIMUM_MESSAGE_SIZE.max / 1024,
    "Maximum message size (KiB)",
  );
  if (size.error) errors.maxSizeKiB = size.error;
  const delay = parseIntIn(s.delaySeconds, DELAY_SECONDS.min, DELAY_SECONDS.max, "Delivery delay");
  if (delay.error) errors.delaySeconds = delay.error;
  const wait = parseIntIn(
    s.waitSeconds,
    RECEIVE_WAIT_TIME_SECONDS.min,
    RECEIVE_WAIT_TIME_SECONDS.max,
    "Receive wait time",
  );
  if (wait.error) errors.waitSeconds = wait.error;
  let mrc: number | undefined;
  if (s.dlqEnabled) {
    if (!s.dlqArn) errors.dlqArn = "Choose a dead-letter queue.";
    const m = parseIntIn(s.maxReceiveCount, MAX_RECEIVE_COUNT.min, MAX_RECEIVE_COUNT.max, "Maximum receives");
    if (m.error) errors.maxReceiveCount = m.error;
    mrc = m.value;
  }
  if (s.fifo && s.fifoThroughputLimit === "perMessageGroupId" && s.deduplicationScope !== "messageGroup") {
    errors.fifoThroughputLimit = "Throughput per message group needs deduplication scope “Message group”.";
  }
  if (s.redrivePermission === "byQueue") {
    if (s.redriveSources.length === 0) errors.redriveSources = "Choose at least one source queue, or allow all.";
    else if (s.redriveSources.length > 10) errors.redriveSources = "At most 10 source queues.";
  }
  let tags: Record<string, string> | undefined;
  if (s.tags.length) {
    tags = {};
    for (const t of s.tags) {
      const k = t.key.trim();
      if (!k && !t.value) continue;
      if (!k) errors.tagsList = "Every tag needs a key.";
      else if (k.length > 128) errors.tagsList = "Tag keys have at most 128 characters.";
      else if (t.value.length > 256) errors.tagsList = "Tag values have at most 256 characters.";
      else if (k in tags) errors.tagsList = `The tag key “${k}” appears twice.`;
      else tags[k] = t.value;
    }
    if (Object.keys(tags).length > 50) errors.tagsList = "At most 50 tags.";
  }
  if (Object.keys(errors).length) return { errors };
  return {
    errors,
    payload: {
      name: s.name.trim(),
      fifo: s.fifo,
      visibilityTimeout: vis.value!,
      messageRetentionPeriod: ret.value!,
      maximumMessageSize: size.value! * 1024,
      delaySeconds: delay.value!,
      receiveMessageWaitTimeSeconds: wait.value!,
      redrivePolicy: s.dlqEnabled ? { deadLetterTargetArn: s.dlqArn, maxReceiveCount: mrc! } : null,
      redriveAllowPolicy:
        s.redrivePermission === "allowAll"
          ? null
          : s.redrivePermission === "denyAll"
            ? { redrivePermission: "denyAll" }
            : { redrivePermission: "byQueue", sourceQueueArns: s.redriveSources },
      ...(s.fifo
        ? {
            contentBasedDeduplication: s.contentBasedDeduplication,
            deduplicationScope: s.deduplicationScope,
            fifoThroughputLimit: s.fifoThroughputLimit,
          }
        : {}),
      ...(tags && Object.keys(tags).length ? { tags } : {}),
    },
  };
}

// Server field errors come as zod (camelCase input names) or AppError (AWS attribute names).
const SERVER_KEYS: Record<string, (keyof QueueFormState | "tagsList")[]> = {
  name: ["name"],
  QueueName: ["name"],
  FifoQueue: ["name"],
  visibilityTimeout: ["visibilityTimeout"],
  VisibilityTimeout: ["visibilityTimeout"],
  messageRetentionPeriod: ["retention"],
  MessageRetentionPeriod: ["retention"],
  maximumMessageSize: ["maxSizeKiB"],
  MaximumMessageSize: ["maxSizeKiB"],
  delaySeconds: ["delaySeconds"],
  DelaySeconds: ["delaySeconds"],
  receiveMessageWaitTimeSeconds: ["waitSeconds"],
  ReceiveMessageWaitTimeSeconds: ["waitSeconds"],
  redrivePolicy: ["dlqArn"],
  RedrivePolicy: ["dlqArn"],
  redriveAllowPolicy: ["redriveSources"],
  RedriveAllowPolicy: ["redriveSources"],
  contentBasedDeduplication: ["contentBasedDeduplication"],
  ContentBasedDeduplication: ["contentBasedDeduplication"],
  deduplicationScope: ["deduplicationScope"],
  DeduplicationScope: ["deduplicationScope"],
  fifoThroughputLimit: ["fifoThroughputLimit"],
  FifoThroughputLimit: ["fifoThroughputLimit"],
  tags: ["tagsList"],
  Tags: ["tagsList"],
};

/** Server field errors placed under our fields; `rest` are the ones no field shows. */
export function mapServerFieldErrors(fe: Record<string, string[]>): { errors: FormErrors; rest: string[] } {
  const errors: FormErrors = {};
  const rest: string[] = [];
  for (const [k, msgs] of Object.entries(fe)) {
    const targets = SERVER_KEYS[k];
    if (targets && msgs?.[0]) for (const t of targets) errors[t] ??= msgs[0];
    else if (msgs?.[0]) rest.push(msgs[0]);
  }
  return { errors, rest };
}

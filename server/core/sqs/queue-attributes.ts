import { sqsError } from "./errors";
import { parseQueueArn } from "./names";
import type { PermissionGrant } from "./permissions";
import {
  DELAY_SECONDS,
  KMS_DATA_KEY_REUSE_PERIOD,
  MAX_KMS_KEY_ID_LENGTH,
  MAX_POLICY_BYTES,
  MAX_RECEIVE_COUNT,
  MAXIMUM_MESSAGE_SIZE,
  MESSAGE_RETENTION_PERIOD,
  RECEIVE_WAIT_TIME_SECONDS,
  VISIBILITY_TIMEOUT,
} from "./limits";

// Queue attributes: parsing what clients send (CreateQueue, SetQueueAttributes) into typed
// settings with AWS's error codes, and rendering settings back as GetQueueAttributes strings.

export type RedrivePolicy = { deadLetterTargetArn: string; maxReceiveCount: number };
export type RedriveAllowPolicy = { redrivePermission: "allowAll" | "denyAll" | "byQueue"; sourceQueueArns?: string[] };

/** A change to some settings (SetQueueAttributes, or CreateQueue's given attributes); the type is fixed at creation. */
export type QueueSettingsPatch = Partial<Omit<QueueSettings, "fifo">>;
/** What a creator asks for: the queue type and the settings it names (the rest take defaults). */
export type NewQueueSettings = { fifo: boolean; settings: QueueSettingsPatch };

export type QueueSettings = {
  fifo: boolean;
  visibilityTimeout: number;
  retentionPeriod: number;
  maximumMessageSize: number;
  delaySeconds: number;
  receiveWaitSeconds: number;
  redrivePolicy: RedrivePolicy | null;
  redriveAllowPolicy: RedriveAllowPolicy | null;
  contentBasedDedup: boolean;
  deduplicationScope: "queue" | "messageGroup";
  fifoThroughputLimit: "perQueue" | "perMessageGroupId";
  policy: string | null;
  /** Stored and echoed, no behaviour: KMS and SSE settings. */
  extra: Record<string, string>;
};

export const DEFAULT_SETTINGS: Omit<QueueSettings, "fifo"> = {
  visibilityTimeout: VISIBILITY_TIMEOUT.default,
  retentionPeriod: MESSAGE_RETENTION_PERIOD.default,
  maximumMessageSize: MAXIMUM_MESSAGE_SIZE.default,
  delaySeconds: DELAY_SECONDS.default,
  receiveWaitSeconds: RECEIVE_WAIT_TIME_SECONDS.default,
  redrivePolicy: null,
  redriveAllowPolicy: null,
  contentBasedDedup: false,
  deduplicationScope: "queue",
  fifoThroughputLimit: "perQueue",
  policy: null,
  extra: {},
};

const SETTABLE = [
  "DelaySeconds",
  "MaximumMessageSize",
  "MessageRetentionPeriod",
  "Policy",
  "ReceiveMessageWaitTimeSeconds",
  "VisibilityTimeout",
  "RedrivePolicy",
  "RedriveAllowPolicy",
  "KmsMasterKeyId",
  "KmsDataKeyReusePeriodSeconds",
  "SqsManagedSseEnabled",
  "FifoQueue",
  "ContentBasedDeduplication",
  "DeduplicationScope",
  "FifoThroughputLimit",
] as const;
const FIFO_ONLY = new Set(["FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"]);

export const READ_ONLY_ATTRIBUTES = [
  "QueueArn",
  "ApproximateNumberOfMessages",
  "ApproximateNumberOfMessagesNotVisible",
  "ApproximateNumberOfMessagesDelayed",
  "CreatedTimestamp",
  "LastModifiedTimestamp",
] as const;
export const ALL_ATTRIBUTE_NAMES: readonly string[] = [...SETTABLE, ...READ_ONLY_ATTRIBUTES];

export function invalidValue(name: string, why?: string) {
  return sqsError(
    "InvalidAttributeValue",
    `Invalid value for the parameter ${name}.${why ? ` Reason: ${why}` : ""}`,
    name,
  );
}

function intIn(name: string, raw: string, range: { min: number; max: number }): number {
  if (!/^-?\d+$/.test(raw.trim())) throw invalidValue(name);
  const n = Number(raw.trim());
  if (n < range.min || n > range.max) throw invalidValue(name, `Must be between ${range.min} and ${range.max}.`);
  return n;
}

function bool(name: string, raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (v === "true") return true;
  if (v === "false") return false;
  throw invalidValue(name);
}

export function parseRedrivePolicy(raw: string): RedrivePolicy | null {
  if (raw.trim() === "") return null;
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    throw invalidValue("RedrivePolicy", "Redrive policy is not a valid JSON map.");
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw invalidValue("RedrivePolicy", "Redrive policy is not a valid JSON map.");
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d)) {
    if (k !== "deadLetterTargetArn" && k !== "maxReceiveCount")
      throw invalidValue(
        "RedrivePolicy",
        `Only following attributes are supported: [deadLetterTargetArn, maxReceiveCount].`,
      );
  }
  const count =
    typeof d.maxReceiveCount === "number"
      ? d.maxReceiveCount
      : typeof d.maxReceiveCount === "string" && /^\d+$/.test(d.maxReceiveCount)
        ? Number(d.maxReceiveCount)
        : NaN;
  return checkRedrivePolicy(
    { deadLetterTargetArn: d.deadLetterTargetArn as string, maxReceiveCount: count },
    d.maxReceiveCount,
  );
}

/** A typed redrive policy's values, with AWS's messages (`given` is what the client wrote, for the message). */
export function checkRedrivePolicy(p: RedrivePolicy, given: unknown = p.maxReceiveCount): RedrivePolicy {
  if (typeof p.deadLetterTargetArn !== "string" || !parseQueueArn(p.deadLetterTargetArn))
    throw invalidValue("RedrivePolicy", "Invalid value for deadLetterTargetArn.");
  const count = p.maxReceiveCount;
  if (!Number.isInteger(count) || count < MAX_RECEIVE_COUNT.min || count > MAX_RECEIVE_COUNT.max) {
    throw invalidValue(
      "RedrivePolicy",
      `Value ${String(given)} for parameter MaxReceiveCount is invalid. Reason: must be an integer from ${MAX_RECEIVE_COUNT.min} to ${MAX_RECEIVE_COUNT.max}.`,
    );
  }
  return { deadLetterTargetArn: p.deadLetterTargetArn, maxReceiveCount: count };
}

export function parseRedriveAllowPolicy(raw: string): RedriveAllowPolicy | null {
  if (raw.trim() === "") return null;
  let d: Record<string, unknown>;
  try {
    d = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    throw invalidValue("RedriveAllowPolicy");
  }
  if (typeof d !== "object" || d === null || Array.isArray(d)) throw invalidValue("RedriveAllowPolicy");
  return checkRedriveAllowPolicy(d as RedriveAllowPolicy);
}

/** A typed redrive-allow policy's values, with AWS's messages. */
export function checkRedriveAllowPolicy(d: RedriveAllowPolicy): RedriveAllowPolicy {
  const perm = d.redrivePermission;
  if (perm !== "allowAll" && perm !== "denyAll" && perm !== "byQueue")
    throw invalidValue("RedriveAllowPolicy", "redrivePermission must be allowAll, denyAll or byQueue.");
  if (perm === "byQueue") {
    const arns: unknown = d.sourceQueueArns;
    if (
      !Array.isArray(arns) ||
      arns.length === 0 ||
      arns.length > 10 ||
      !arns.every((a) => typeof a === "string" && parseQueueArn(a))
    ) {
      throw invalidValue("RedriveAllowPolicy", "byQueue needs 1 to 10 sourceQueueArns.");
    }
    return { redrivePermission: perm, sourceQueueArns: arns as string[] };
  }
  if (d.sourceQueueArns !== undefined)
    throw invalidValue("RedriveAllowPolicy", "sourceQueueArns is only allowed with byQueue.");
  return { redrivePermission: perm };
}

/** A queue Policy document: at most MAX_POLICY_BYTES, a JSON object; empty means none. */
export function parsePolicy(raw: string): string | null {
  if (raw.trim() === "") return null;
  if (Buffer.byteLength(raw) > MAX_POLICY_BYTES)
    throw invalidValue("Policy", `Policy is larger than the maximum of ${MAX_POLICY_BYTES} bytes.`);
  try {
    const d = JSON.parse(raw);
    if (typeof d !== "object" || d === null || Array.isArray(d)) throw new Error();
  } catch {
    throw invalidValue("Policy", "Policy is not a valid JSON document.");
  }
  return raw;
}

/**
 * Parses given attributes into a settings patch. `fifo` is the queue's type (for CreateQueue:
 * what the name and FifoQueue say). FIFO-only attributes on a standard queue are unknown there,
 * as in AWS.
 */
export function parseQueueAttributes(
  input: Record<string, string>,
  mode: "create" | "set",
  fifo: boolean,
): QueueSettingsPatch {
  const out: QueueSettingsPatch = {};
  for (const [name, raw] of Object.entries(input)) {
    if (typeof raw !== "string") throw invalidValue(name);
    if (!(SETTABLE as readonly string[]).includes(name))
      throw sqsError("InvalidAttributeName", `Unknown Attribute ${name}.`, name);
    if (FIFO_ONLY.has(name) && !fifo && !(name === "FifoQueue" && raw.trim().toLowerCase() === "false"))
      throw sqsError("InvalidAttributeName", `Unknown Attribute ${name}.`, name);
    switch (name) {
      case "DelaySeconds":
        out.delaySeconds = intIn(name, raw, DELAY_SECONDS);
        break;
      case "MaximumMessageSize":
        out.maximumMessageSize = intIn(name, raw, MAXIMUM_MESSAGE_SIZE);
        break;
      case "MessageRetentionPeriod":
        out.retentionPeriod = intIn(name, raw, MESSAGE_RETENTION_PERIOD);
        break;
      case "ReceiveMessageWaitTimeSeconds":
        out.receiveWaitSeconds = intIn(name, raw, RECEIVE_WAIT_TIME_SECONDS);
        break;
      case "VisibilityTimeout":
        out.visibilityTimeout = intIn(name, raw, VISIBILITY_TIMEOUT);
        break;
      case "Policy":
        out.policy = parsePolicy(raw);
        break;
      case "RedrivePolicy":
        out.redrivePolicy = parseRedrivePolicy(raw);
        break;
      case "RedriveAllowPolicy":
        out.redriveAllowPolicy = parseRedriveAllowPolicy(raw);
        break;
      case "KmsMasterKeyId":
        if (raw.length > MAX_KMS_KEY_ID_LENGTH)
          throw invalidValue(name, `Must be at most ${MAX_KMS_KEY_ID_LENGTH} characters.`);
        out.extra = { ...(out.extra ?? {}), KmsMasterKeyId: raw };
        break;
      case "KmsDataKeyReusePeriodSeconds":
        out.extra = {
          ...(out.extra ?? {}),
          KmsDataKeyReusePeriodSeconds: String(intIn(name, raw, KMS_DATA_KEY_REUSE_PERIOD)),
        };
        break;
      case "SqsManagedSseEnabled":
        out.extra = { ...(out.extra ?? {}), SqsManagedSseEnabled: String(bool(name, raw)) };
        break;
      case "FifoQueue": {
        const v = bool(name, raw);
        if (mode === "set") throw sqsError("InvalidAttributeName", `Unknown Attribute ${name}.`, name);
        if (v !== fifo)
          throw invalidValue(
            name,
            fifo
              ? "The name of a FIFO queue must end with the .fifo suffix."
              : "The name of a FIFO queue must end with the .fifo suffix.",
          );
        break;
      }
      case "ContentBasedDeduplication":
        out.contentBasedDedup = bool(name, raw);
        break;
      case "DeduplicationScope":
        if (raw !== "queue" && raw !== "messageGroup") throw invalidValue(name);
        out.deduplicationScope = raw;
        break;
      case "FifoThroughputLimit":
        if (raw !== "perQueue" && raw !== "perMessageGroupId") throw invalidValue(name);
        out.fifoThroughputLimit = raw;
        break;
    }
  }
  // AWS: high-throughput FIFO (perMessageGroupId) requires deduplication per message group.
  return out;
}

/** What CreateQueue's attribute strings ask for: the queue's type (name and FifoQueue agree) and its settings. */
export function parseCreateQueueAttributes(name: string, attrs: Record<string, string>): NewQueueSettings {
  const fifoByName = name.endsWith(".fifo");
  const fifoAttr = typeof attrs.FifoQueue === "string" ? attrs.FifoQueue.trim().toLowerCase() : undefined;
  checkQueueType(name, fifoAttr === "true");
  return { fifo: fifoByName, settings: parseQueueAttributes(attrs, "create", fifoByName) };
}

/** The queue type a creator asks for must match its name, with AWS's two messages. */
export function checkQueueType(name: string, fifo: boolean): void {
  const fifoByName = name.endsWith(".fifo");
  if (fifo && !fifoByName)
    throw invalidValue(
      "FifoQueue",
      "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.",
    );
  if (fifoByName && !fifo)
    throw sqsError(
      "InvalidParameterValue",
      "The name of a FIFO queue must end with the .fifo suffix and the FifoQueue attribute must be true.",
      "FifoQueue",
    );
}

export function checkFifoCombination(s: QueueSettings): void {
  if (s.fifo && s.fifoThroughputLimit === "perMessageGroupId" && s.deduplicationScope !== "messageGroup") {
    throw invalidValue(
      "FifoThroughputLimit",
      "FifoThroughputLimit perMessageGroupId requires DeduplicationScope messageGroup.",
    );
  }
}

export function settableAttributeStrings(s: QueueSettings): Record<string, string> {
  const a: Record<string, string> = {
    VisibilityTimeout: String(s.visibilityTimeout),
    MaximumMessageSize: String(s.maximumMessageSize),
    MessageRetentionPeriod: String(s.retentionPeriod),
    DelaySeconds: String(s.delaySeconds),
    ReceiveMessageWaitTimeSeconds: String(s.receiveWaitSeconds),
    SqsManagedSseEnabled: s.extra.SqsManagedSseEnabled ?? "true",
  };
  if (s.extra.KmsMasterKeyId !== undefined) a.KmsMasterKeyId = s.extra.KmsMasterKeyId;
  if (s.extra.KmsDataKeyReusePeriodSeconds !== undefined)
    a.KmsDataKeyReusePeriodSeconds = s.extra.KmsDataKeyReusePeriodSeconds;
  if (s.policy) a.Policy = s.policy;
  if (s.redrivePolicy) a.RedrivePolicy = redrivePolicyString(s.redrivePolicy);
  if (s.redriveAllowPolicy) a.RedriveAllowPolicy = redriveAllowPolicyString(s.redriveAllowPolicy);
  if (s.fifo) {
    a.FifoQueue = "true";
    a.ContentBasedDeduplication = String(s.contentBasedDedup);
    a.DeduplicationScope = s.deduplicationScope;
    a.FifoThroughputLimit = s.fifoThroughputLimit;
  }
  return a;
}

// JSON attributes in AWS's key order, whatever order they were given or stored in (PostgreSQL's
// jsonb reorders keys by length).
export function redrivePolicyString(p: RedrivePolicy): string {
  return JSON.stringify({ deadLetterTargetArn: p.deadLetterTargetArn, maxReceiveCount: p.maxReceiveCount });
}
export function redriveAllowPolicyString(p: RedriveAllowPolicy): string {
  return JSON.stringify(
    p.sourceQueueArns
      ? { redrivePermission: p.redrivePermission, sourceQueueArns: p.sourceQueueArns }
      : { redrivePermission: p.redrivePermission },
  );
}

/**
 * The Policy attribute as AWS shows it: the queue's own policy document with one statement per
 * AddPermission grant (AWS writes grants into the policy), or a policy of just the grants.
 */
export function policyWithGrants(
  policy: string | null,
  grants: PermissionGrant[] | undefined,
  arn: string,
): string | null {
  if (!grants?.length) return policy;
  const statements = grants.map((g) => ({
    Sid: g.label,
    Effect: "Allow",
    Principal: {
      AWS:
        g.accounts.length === 1
          ? `arn:aws:iam::${g.accounts[0]}:root`
          : g.accounts.map((a) => `arn:aws:iam::${a}:root`),
    },
    Action: g.actions.length === 1 ? `SQS:${g.actions[0]}` : g.actions.map((a) => `SQS:${a}`),
    Resource: arn,
  }));
  let doc: Record<string, unknown> = { Version: "2012-10-17", Id: `${arn}/SQSDefaultPolicy`, Statement: [] };
  if (policy) {
    try {
      doc = JSON.parse(policy) as Record<string, unknown>;
    } catch {
      return policy;
    }
  }
  const own = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  return JSON.stringify({ ...doc, Statement: [...own, ...statements] });
}

export type QueueCounts = { visible: number; inFlight: number; delayed: number };

/** GetQueueAttributes: `names` may include "All"; unknown names answer InvalidAttributeName. */
export function renderQueueAttributes(
  s: QueueSettings,
  meta: { arn: string; createdAt: Date; modifiedAt: Date; counts?: QueueCounts; permissions?: PermissionGrant[] },
  names: string[],
): Record<string, string> {
  for (const n of names) {
    if (n !== "All" && !ALL_ATTRIBUTE_NAMES.includes(n))
      throw sqsError("InvalidAttributeName", `Unknown Attribute ${n}.`, n);
  }
  const all: Record<string, string> = {
    QueueArn: meta.arn,
    ApproximateNumberOfMessages: String(meta.counts?.visible ?? 0),
    ApproximateNumberOfMessagesNotVisible: String(meta.counts?.inFlight ?? 0),
    ApproximateNumberOfMessagesDelayed: String(meta.counts?.delayed ?? 0),
    CreatedTimestamp: String(Math.floor(meta.createdAt.getTime() / 1000)),
    LastModifiedTimestamp: String(Math.floor(meta.modifiedAt.getTime() / 1000)),
    ...settableAttributeStrings(s),
  };
  const policy = policyWithGrants(s.policy, meta.permissions, meta.arn);
  if (policy) all.Policy = policy;
  if (names.includes("All")) return all;
  const out: Record<string, string> = {};
  for (const n of names) if (all[n] !== undefined) out[n] = all[n];
  return out;
}

export function needsCounts(names: string[]): boolean {
  return names.some((n) => n === "All" || n.startsWith("ApproximateNumberOfMessages"));
}

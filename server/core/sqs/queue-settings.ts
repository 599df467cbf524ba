import { sqsError } from "./errors";
import {
  DELAY_SECONDS,
  KMS_DATA_KEY_REUSE_PERIOD,
  MAX_KMS_KEY_ID_LENGTH,
  MAXIMUM_MESSAGE_SIZE,
  MESSAGE_RETENTION_PERIOD,
  RECEIVE_WAIT_TIME_SECONDS,
  VISIBILITY_TIMEOUT,
} from "./limits";
import {
  DEFAULT_SETTINGS,
  checkFifoCombination,
  checkQueueType,
  checkRedriveAllowPolicy,
  checkRedrivePolicy,
  invalidValue,
  parsePolicy,
  redriveAllowPolicyString,
  redrivePolicyString,
  type NewQueueSettings,
  type QueueSettings,
  type QueueSettingsPatch,
} from "./queue-attributes";

// Typed queue settings, as every use case takes them: the AWS door and REST parse attribute
// strings into a QueueSettingsPatch once (queue-attributes.ts), the console builds one from its
// form. These checks hold whoever built the patch, with the same codes the AWS door shows.

type Field = Exclude<keyof QueueSettingsPatch, "extra">;

/** The SQS attribute name of each typed setting (for errors, audit and CreateQueue's comparison). */
export const SETTING_ATTRIBUTE_NAMES: Record<Field, string> = {
  visibilityTimeout: "VisibilityTimeout",
  retentionPeriod: "MessageRetentionPeriod",
  maximumMessageSize: "MaximumMessageSize",
  delaySeconds: "DelaySeconds",
  receiveWaitSeconds: "ReceiveMessageWaitTimeSeconds",
  redrivePolicy: "RedrivePolicy",
  redriveAllowPolicy: "RedriveAllowPolicy",
  contentBasedDedup: "ContentBasedDeduplication",
  deduplicationScope: "DeduplicationScope",
  fifoThroughputLimit: "FifoThroughputLimit",
  policy: "Policy",
};
const FIFO_ONLY_FIELDS = new Set<string>(["contentBasedDedup", "deduplicationScope", "fifoThroughputLimit"]);
const RANGES: Partial<Record<Field, { min: number; max: number }>> = {
  visibilityTimeout: VISIBILITY_TIMEOUT,
  retentionPeriod: MESSAGE_RETENTION_PERIOD,
  maximumMessageSize: MAXIMUM_MESSAGE_SIZE,
  delaySeconds: DELAY_SECONDS,
  receiveWaitSeconds: RECEIVE_WAIT_TIME_SECONDS,
};
const EXTRA_NAMES = new Set(["KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled"]);

const unknownAttribute = (name: string) => sqsError("InvalidAttributeName", `Unknown Attribute ${name}.`, name);

/** The fields a patch sets, in SQS attribute names. */
export function patchAttributeNames(patch: QueueSettingsPatch): string[] {
  const names: string[] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (k === "extra") names.push(...Object.keys(v as Record<string, string>));
    else names.push(SETTING_ATTRIBUTE_NAMES[k as Field] ?? k);
  }
  return names;
}

/** Refuses a patch AWS would refuse: unknown or FIFO-only fields on a standard queue, values out of range. */
export function checkSettingsPatch(patch: QueueSettingsPatch, fifo: boolean): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (k === "extra") {
      checkExtra(v as Record<string, string>);
      continue;
    }
    const name = SETTING_ATTRIBUTE_NAMES[k as Field];
    if (!name) throw unknownAttribute(k);
    if (FIFO_ONLY_FIELDS.has(k) && !fifo) throw unknownAttribute(name);
    const range = RANGES[k as Field];
    if (range) {
      if (typeof v !== "number" || !Number.isInteger(v)) throw invalidValue(name);
      if (v < range.min || v > range.max) throw invalidValue(name, `Must be between ${range.min} and ${range.max}.`);
      continue;
    }
    switch (k as Field) {
      case "redrivePolicy":
        if (v !== null) checkRedrivePolicy(v as QueueSettings["redrivePolicy"] & object);
        break;
      case "redriveAllowPolicy":
        if (v !== null) checkRedriveAllowPolicy(v as QueueSettings["redriveAllowPolicy"] & object);
        break;
      case "policy":
        if (v !== null && (typeof v !== "string" || (v.trim() !== "" && parsePolicy(v) === null)))
          throw invalidValue(name);
        break;
      case "contentBasedDedup":
        if (typeof v !== "boolean") throw invalidValue(name);
        break;
      case "deduplicationScope":
        if (v !== "queue" && v !== "messageGroup") throw invalidValue(name);
        break;
      case "fifoThroughputLimit":
        if (v !== "perQueue" && v !== "perMessageGroupId") throw invalidValue(name);
        break;
    }
  }
}

function checkExtra(extra: Record<string, string>): void {
  for (const [name, v] of Object.entries(extra)) {
    if (!EXTRA_NAMES.has(name)) throw unknownAttribute(name);
    if (typeof v !== "string") throw invalidValue(name);
    if (name === "KmsMasterKeyId" && v.length > MAX_KMS_KEY_ID_LENGTH)
      throw invalidValue(name, `Must be at most ${MAX_KMS_KEY_ID_LENGTH} characters.`);
    if (name === "KmsDataKeyReusePeriodSeconds") {
      const n = /^\d+$/.test(v) ? Number(v) : NaN;
      if (!(n >= KMS_DATA_KEY_REUSE_PERIOD.min && n <= KMS_DATA_KEY_REUSE_PERIOD.max)) throw invalidValue(name);
    }
    if (name === "SqsManagedSseEnabled" && v !== "true" && v !== "false") throw invalidValue(name);
  }
}

/** The settings after a patch (undefined fields keep their value; null clears a policy). */
export function applySettingsPatch(current: QueueSettings, patch: QueueSettingsPatch): QueueSettings {
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as QueueSettingsPatch;
  // A blank Policy clears it, as SetQueueAttributes with Policy="" does.
  if (typeof defined.policy === "string" && defined.policy.trim() === "") defined.policy = null;
  const next: QueueSettings = { ...current, ...defined, extra: { ...current.extra, ...(patch.extra ?? {}) } };
  checkFifoCombination(next);
  return next;
}

/** Settings for a new queue: defaults, then what the creator asked for. */
export function settingsForNewQueue(name: string, input: NewQueueSettings): QueueSettings {
  checkQueueType(name, input.fifo);
  checkSettingsPatch(input.settings, input.fifo);
  return applySettingsPatch({ ...DEFAULT_SETTINGS, fifo: input.fifo, extra: {} }, input.settings);
}

/** One setting's value as CreateQueue compares it: JSON settings by meaning (AWS's key order). */
function comparable(s: QueueSettings, field: string): string {
  switch (field) {
    case "extra":
      return "";
    case "redrivePolicy":
      return s.redrivePolicy ? redrivePolicyString(s.redrivePolicy) : "";
    case "redriveAllowPolicy":
      return s.redriveAllowPolicy ? redriveAllowPolicyString(s.redriveAllowPolicy) : "";
    case "policy":
      return s.policy ? canonicalJson(s.policy) : "";
    default:
      return String(s[field as Field]);
  }
}

function canonicalJson(text: string): string {
  const canon = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(canon)
      : x && typeof x === "object"
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .map((k) => [k, canon((x as Record<string, unknown>)[k])]),
          )
        : x;
  try {
    return JSON.stringify(canon(JSON.parse(text)));
  } catch {
    return text;
  }
}

/**
 * CreateQueue of an existing name: the attributes (SQS names) whose meaning differs from the
 * existing queue's. AWS compares only the ones the creator gave.
 */
export function differingSettings(existing: QueueSettings, name: string, input: NewQueueSettings): string[] {
  const wanted = settingsForNewQueue(name, input);
  const out: string[] = [];
  for (const [k, v] of Object.entries(input.settings)) {
    if (v === undefined) continue;
    if (k === "extra") {
      for (const e of Object.keys(v as Record<string, string>))
        if ((wanted.extra[e] ?? defaultExtra(e)) !== (existing.extra[e] ?? defaultExtra(e))) out.push(e);
    } else if (comparable(wanted, k) !== comparable(existing, k)) out.push(SETTING_ATTRIBUTE_NAMES[k as Field] ?? k);
  }
  return out;
}

// SqsManagedSseEnabled is on unless set: an existing queue that never set it compares as "true".
const defaultExtra = (name: string) => (name === "SqsManagedSseEnabled" ? "true" : "");

import { createHash } from "node:crypto";
import { sqsError } from "./errors";
import { md5Hex, md5OfMessageAttributes, type MessageAttributeValue } from "./md5";
import {
  DELAY_SECONDS,
  MAX_ATTRIBUTE_DATA_TYPE_LENGTH,
  MAX_ATTRIBUTE_NAME_LENGTH,
  MAX_DEDUP_ID_LENGTH,
  MAX_GROUP_ID_LENGTH,
  MAX_MESSAGE_ATTRIBUTES,
} from "./limits";

// One message as SendMessage / SendMessageBatch / deliverToQueue give it, validated with AWS's
// codes, measured as AWS measures it, with its checksums. Pure: the service stores the result.

export type { MessageAttributeValue };

export type SendInput = {
  body: string;
  attributes?: Record<string, MessageAttributeValue>;
  systemAttributes?: Record<string, MessageAttributeValue>;
  delaySeconds?: number;
  groupId?: string;
  dedupId?: string;
};

export type QueueRules = {
  fifo: boolean;
  maximumMessageSize: number;
  delaySeconds: number;
  contentBasedDedup: boolean;
  deduplicationScope: "queue" | "messageGroup";
};

export type PreparedMessage = {
  body: string;
  attributes: Record<string, MessageAttributeValue> | null;
  systemAttributes: Record<string, MessageAttributeValue> | null;
  md5Body: string;
  md5Attributes: string | undefined;
  md5SystemAttributes: string | undefined;
  size: number;
  delaySeconds: number;
  groupId: string | null;
  dedupId: string | null;
};

// XML 1.0 characters SQS accepts: #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF.
// Lone surrogates (invalid UTF-16) are refused as well.
const INVALID_CHARS = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export function hasInvalidCharacters(s: string): boolean {
  return INVALID_CHARS.test(s) || /[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ""));
}

const ATTR_NAME_RE = /^[A-Za-z0-9_.-]+$/;
const GROUP_ID_RE = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]+$/;

export function attributeNameProblem(name: string): string | null {
  if (name.length === 0 || name.length > MAX_ATTRIBUTE_NAME_LENGTH)
    return `Message (user) attribute name must be 1 to ${MAX_ATTRIBUTE_NAME_LENGTH} characters.`;
  if (!ATTR_NAME_RE.test(name))
    return `Message (user) attribute name '${name}' can only contain A-Z, a-z, 0-9, underscore (_), hyphen (-), and period (.).`;
  if (/^(aws\.|amazon\.)/i.test(name)) return `Message (user) attribute name '${name}' is reserved for use by Amazon.`;
  if (name.startsWith(".") || name.endsWith(".") || name.includes(".."))
    return `Message (user) attribute name '${name}' cannot start or end with a period or contain consecutive periods.`;
  return null;
}

function validateAttributes(attrs: Record<string, MessageAttributeValue>, kind: "user" | "system"): void {
  const names = Object.keys(attrs);
  if (kind === "user" && names.length > MAX_MESSAGE_ATTRIBUTES) {
    throw sqsError(
      "InvalidParameterValue",
      `Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`,
      "MessageAttributes",
    );
  }
  for (const name of names) {
    const a = attrs[name];
    if (kind === "system") {
      if (name !== "AWSTraceHeader")
        throw sqsError(
          "InvalidParameterValue",
          `Message system attribute name '${name}' is invalid.`,
          "MessageSystemAttributes",
        );
      if (a?.DataType !== "String" || !a.StringValue)
        throw sqsError(
          "InvalidParameterValue",
          `Message system attribute '${name}' must be a non-empty String.`,
          "MessageSystemAttributes",
        );
      continue;
    }
    const p = attributeNameProblem(name);
    if (p) throw sqsError("InvalidParameterValue", p, "MessageAttributes");
    if (!a || typeof a !== "object" || !a.DataType)
      throw sqsError(
        "InvalidParameterValue",
        `The message attribute '${name}' must contain non-empty message attribute type.`,
        "MessageAttributes",
      );
    if (a.DataType.length > MAX_ATTRIBUTE_DATA_TYPE_LENGTH)
      throw sqsError(
        "InvalidParameterValue",
        `The message attribute '${name}' has a type longer than ${MAX_ATTRIBUTE_DATA_TYPE_LENGTH} characters.`,
        "MessageAttributes",
      );
    const base = /^(String|Number|Binary)(\..+)?$/.exec(a.DataType)?.[1];
    if (!base)
      throw sqsError(
        "InvalidParameterValue",
        `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
        "MessageAttributes",
      );
    if (base === "Binary") {
      if (a.StringValue !== undefined)
        throw sqsError(
          "InvalidParameterValue",
          `The message attribute '${name}' with type 'Binary' must use field 'Binary'.`,
          "MessageAttributes",
        );
      if (!a.BinaryValue || a.BinaryValue.length === 0)
        throw sqsError(
          "InvalidParameterValue",
          `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${a.DataType}'.`,
          "MessageAttributes",
        );
    } else {
      if (a.BinaryValue !== undefined)
        throw sqsError(
          "InvalidParameterValue",
          `The message attribute '${name}' with type '${base}' must use field 'String'.`,
          "MessageAttributes",
        );
      if (a.StringValue === undefined || a.StringValue === "")
        throw sqsError(
          "InvalidParameterValue",
          `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${a.DataType}'.`,
          "MessageAttributes",
        );
      if (hasInvalidCharacters(a.StringValue))
        throw sqsError(
          "InvalidMessageContents",
          `Invalid binary character in message attribute '${name}'.`,
          "MessageAttributes",
        );
      if (base === "Number" && !isSqsNumber(a.StringValue))
        throw sqsError(
          "InvalidParameterValue",
          `Could not cast message attribute '${name}' value to number.`,
          "MessageAttributes",
        );
    }
  }
}

/** SQS numbers: up to 38 significant digits, between -10^128 and 10^126. */
export function isSqsNumber(s: string): boolean {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s.trim())) return false;
  const digits = s
    .replace(/[eE].*$/, "")
    .replace(/[^0-9]/g, "")
    .replace(/^0+/, "")
    .replace(/0+$/, "");
  if (digits.length > 38) return false;
  const n = Number(s);
  return Number.isFinite(n) && Math.abs(n) < 1e126;
}

/** Message size as SQS counts it: body plus each attribute's name, type and value, in bytes. */
export function messageSize(body: string, attrs?: Record<string, MessageAttributeValue> | null): number {
  let size = Buffer.byteLength(body, "utf8");
  for (const [name, a] of Object.entries(attrs ?? {})) {
    size += Buffer.byteLength(name, "utf8") + Buffer.byteLength(a.DataType, "utf8");
    size += a.BinaryValue !== undefined ? a.BinaryValue.length : Buffer.byteLength(a.StringValue ?? "", "utf8");
  }
  return size;
}

function checkId(kind: "MessageGroupId" | "MessageDeduplicationId", v: string, max: number) {
  if (v.length === 0 || v.length > max || !GROUP_ID_RE.test(v)) {
    throw sqsError(
      "InvalidParameterValue",
      `Value ${v} for parameter ${kind} is invalid. Reason: ${kind} can only include alphanumeric and punctuation characters. 1 to ${max} in length.`,
      kind,
    );
  }
}

/** Content-based deduplication id: SHA-256 of the body (hex), as AWS derives it. */
export function contentDedupId(body: string): string {
  return createHash("sha256").update(body, "utf8").digest("hex");
}

/** Validates one message against the queue's rules and computes what is stored. */
export function prepareMessage(input: SendInput, q: QueueRules): PreparedMessage {
  if (typeof input.body !== "string" || input.body.length === 0)
    throw sqsError("MissingParameter", "The request must contain the parameter MessageBody.", "MessageBody");
  if (hasInvalidCharacters(input.body)) {
    throw sqsError(
      "InvalidMessageContents",
      "Invalid binary character in the message body. Characters must be #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.",
      "MessageBody",
    );
  }
  const attrs = input.attributes && Object.keys(input.attributes).length ? input.attributes : null;
  if (attrs) validateAttributes(attrs, "user");
  const sys = input.systemAttributes && Object.keys(input.systemAttributes).length ? input.systemAttributes : null;
  if (sys) validateAttributes(sys, "system");
  const size = messageSize(input.body, attrs);
  if (size > q.maximumMessageSize) {
    throw sqsError(
      "InvalidParameterValue",
      `One or more parameters are invalid. Reason: Message must be shorter than ${q.maximumMessageSize} bytes.`,
      "MessageBody",
    );
  }
  let delay = q.delaySeconds;
  if (input.delaySeconds !== undefined && input.delaySeconds !== null) {
    // FIFO queues have no per-message delay; AWS still accepts an explicit 0 (SDKs and batch
    // helpers send it), and refuses only a real delay.
    if (q.fifo && input.delaySeconds !== 0)
      throw sqsError(
        "InvalidParameterValue",
        `Value ${input.delaySeconds} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`,
        "DelaySeconds",
      );
    if (
      !Number.isInteger(input.delaySeconds) ||
      input.delaySeconds < DELAY_SECONDS.min ||
      input.delaySeconds > DELAY_SECONDS.max
    ) {
      throw sqsError(
        "InvalidParameterValue",
        `Value ${input.delaySeconds} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= ${DELAY_SECONDS.min} and <= ${DELAY_SECONDS.max}.`,
        "DelaySeconds",
      );
    }
    if (!q.fifo) delay = input.delaySeconds;
  }
  let groupId: string | null = null;
  let dedupId: string | null = null;
  if (q.fifo) {
    if (input.groupId === undefined || input.groupId === null || input.groupId === "")
      throw sqsError("MissingParameter", "The request must contain the parameter MessageGroupId.", "MessageGroupId");
    checkId("MessageGroupId", input.groupId, MAX_GROUP_ID_LENGTH);
    groupId = input.groupId;
    if (input.dedupId !== undefined && input.dedupId !== null && input.dedupId !== "") {
      checkId("MessageDeduplicationId", input.dedupId, MAX_DEDUP_ID_LENGTH);
      dedupId = input.dedupId;
    } else if (q.contentBasedDedup) {
      dedupId = contentDedupId(input.body);
    } else {
      throw sqsError(
        "InvalidParameterValue",
        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
        "MessageDeduplicationId",
      );
    }
  } else {
    if (input.dedupId !== undefined && input.dedupId !== null && input.dedupId !== "") {
      throw sqsError(
        "InvalidParameterValue",
        `Value ${input.dedupId} for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type.`,
        "MessageDeduplicationId",
      );
    }
    // Standard queues accept MessageGroupId (fair queues); it is kept and returned.
    if (input.groupId !== undefined && input.groupId !== null && input.groupId !== "") {
      checkId("MessageGroupId", input.groupId, MAX_GROUP_ID_LENGTH);
      groupId = input.groupId;
    }
  }
  return {
    body: input.body,
    attributes: attrs,
    systemAttributes: sys,
    md5Body: md5Hex(Buffer.from(input.body, "utf8")),
    md5Attributes: md5OfMessageAttributes(attrs ?? undefined),
    md5SystemAttributes: md5OfMessageAttributes(sys ?? undefined),
    size,
    delaySeconds: delay,
    groupId,
    dedupId,
  };
}

/** The dedup scope key: "" for scope queue, the group for scope messageGroup. */
export function dedupScopeKey(q: Pick<QueueRules, "deduplicationScope">, groupId: string | null): string {
  return q.deduplicationScope === "messageGroup" ? (groupId ?? "") : "";
}

/** SQS sequence numbers are large decimal strings; ours is the arrival sequence, zero-padded to 20 digits. */
export function formatSequenceNumber(seq: bigint | string | number): string {
  return String(seq).padStart(20, "0");
}

/** Attributes in their stored JSON form (binary as base64) and back. */
export type StoredAttributes = Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;

export function toStoredAttributes(a: Record<string, MessageAttributeValue> | null): StoredAttributes | null {
  if (!a) return null;
  const out: StoredAttributes = {};
  for (const [k, v] of Object.entries(a)) {
    out[k] =
      v.BinaryValue !== undefined
        ? { DataType: v.DataType, BinaryValue: v.BinaryValue.toString("base64") }
        : { DataType: v.DataType, StringValue: v.StringValue };
  }
  return out;
}

export function fromStoredAttributes(
  a: StoredAttributes | null | undefined,
): Record<string, MessageAttributeValue> | undefined {
  if (!a) return undefined;
  const out: Record<string, MessageAttributeValue> = {};
  for (const [k, v] of Object.entries(a)) {
    out[k] =
      v.BinaryValue !== undefined
        ? { DataType: v.DataType, BinaryValue: Buffer.from(v.BinaryValue, "base64") }
        : { DataType: v.DataType, StringValue: v.StringValue };
  }
  return out;
}

/** ReceiveMessage's MessageAttributeNames filter: names, "All", ".*", or "prefix.*". */
export function selectAttributes<T>(
  attrs: Record<string, T> | undefined,
  wanted: string[] | undefined,
): Record<string, T> | undefined {
  if (!attrs || !wanted || wanted.length === 0) return undefined;
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (wanted.some((w) => w === "All" || w === ".*" || w === k || (w.endsWith(".*") && k.startsWith(w.slice(0, -1)))))
      out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

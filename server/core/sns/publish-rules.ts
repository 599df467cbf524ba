import { isBase64 } from "../sqs/wire-attributes";
// SNS's rules for names, messages and message attributes, each with AWS's wording. Pure: the AWS
// door, REST and console all run the same checks through the topics service.
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
import type { SnsAttribute } from "./envelope";

export const MAX_MESSAGE_BYTES = 262_144; // 256 KiB, message + attributes
export const MAX_SUBJECT_LENGTH = 100;
export const MAX_MESSAGE_ATTRIBUTES = 10;
export const MAX_TOPIC_NAME = 256;
export const MAX_BATCH_ENTRIES = 10;
export const MAX_TAGS = 50;
export const FIFO_DEDUP_WINDOW_MS = 5 * 60_000;

export type RuleError = { code: "InvalidParameter" | "InvalidParameterValue"; message: string; field: string };

export function checkTopicName(name: string, fifoAttr: boolean | undefined): RuleError | null {
  const isFifo = name.endsWith(".fifo");
  const base = isFifo ? name.slice(0, -5) : name;
  if (!name || name.length > MAX_TOPIC_NAME || !/^[A-Za-z0-9_-]+$/.test(base))
    return { code: "InvalidParameter", message: "Invalid parameter: Topic Name", field: "name" };
  if (fifoAttr === true && !isFifo)
    return {
      code: "InvalidParameter",
      message:
        "Invalid parameter: Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.",
      field: "name",
    };
  if (fifoAttr === false && isFifo)
    return { code: "InvalidParameter", message: "Invalid parameter: Topic Name", field: "name" };
  return null;
}

export function checkSubject(subject: string | undefined | null): RuleError | null {
  if (subject === undefined || subject === null) return null;
  if (
    subject.length === 0 ||
    subject.length > MAX_SUBJECT_LENGTH ||
    /[\r\n]/.test(subject) ||
    !/^[\x20-\x7e]+$/.test(subject)
  ) {
    return { code: "InvalidParameter", message: "Invalid parameter: Subject", field: "subject" };
  }
  return null;
}

const TYPE_RE = /^(String|Number|Binary)(\.[A-Za-z0-9_.-]+)?$/;

export function checkMessageAttributes(attrs: Record<string, SnsAttribute>): RuleError | null {
  const names = Object.keys(attrs);
  if (names.length > MAX_MESSAGE_ATTRIBUTES)
    return {
      code: "InvalidParameterValue",
      message: `Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`,
      field: "messageAttributes",
    };
  for (const [name, a] of Object.entries(attrs)) {
    if (
      !name ||
      name.length > 256 ||
      !/^[A-Za-z0-9_.-]+$/.test(name) ||
      name.startsWith(".") ||
      name.endsWith(".") ||
      name.includes("..") ||
      /^(aws|amazon)\./i.test(name)
    ) {
      return {
        code: "InvalidParameterValue",
        message: `Invalid attribute name: ${name}`,
        field: `messageAttributes.${name}`,
      };
    }
    const type = a.DataType ?? "";
    if (!TYPE_RE.test(type) && !/^String\.Array$/.test(type)) {
      return {
        code: "InvalidParameterValue",
        message: `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
        field: `messageAttributes.${name}`,
      };
    }
    const isBinary = type.startsWith("Binary");
    const value = isBinary ? a.BinaryValue : a.StringValue;
    if (value === undefined || value === "") {
      return {
        code: "InvalidParameterValue",
        message: `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type.split(".")[0]}'.`,
        field: `messageAttributes.${name}`,
      };
    }
    if (isBinary && !isBase64(value))
      return {
        code: "InvalidParameterValue",
        message: `The message attribute '${name}' has a BinaryValue that is not valid base64.`,
        field: `messageAttributes.${name}`,
      };
    if (type.startsWith("Number")) {
      const n = Number(value);
      if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.trim()) || !Number.isFinite(n))
        return {
          code: "InvalidParameterValue",
          message: `Could not cast message attribute '${name}' value to number.`,
          field: `messageAttributes.${name}`,
        };
    }
    if (type === "String.Array") {
      if (!isJsonArray(value))
        return {
          code: "InvalidParameterValue",
          message: `The message attribute '${name}' with type 'String.Array' must use a JSON array.`,
          field: `messageAttributes.${name}`,
        };
    }
  }
  return null;
}

export function messageSize(message: string, attrs: Record<string, SnsAttribute>): number {
  let n = Buffer.byteLength(message, "utf8");
  for (const [k, a] of Object.entries(attrs))
    n += Buffer.byteLength(k) + Buffer.byteLength(a.DataType) + Buffer.byteLength(a.StringValue ?? a.BinaryValue ?? "");
  return n;
}

export function checkMessage(
  message: string | undefined,
  structure: string | undefined | null,
  attrs: Record<string, SnsAttribute>,
): RuleError | null {
  if (message === undefined || message === "")
    return { code: "InvalidParameter", message: "Invalid parameter: Empty message", field: "message" };
  if (messageSize(message, attrs) > MAX_MESSAGE_BYTES)
    return { code: "InvalidParameter", message: "Invalid parameter: Message too long", field: "message" };
  if (structure !== undefined && structure !== null && structure !== "") {
    if (structure !== "json")
      return { code: "InvalidParameter", message: "Invalid parameter: MessageStructure", field: "messageStructure" };
    let o: unknown;
    try {
      o = JSON.parse(message);
    } catch {
      return {
        code: "InvalidParameter",
        message: "Invalid parameter: Message Structure - JSON message body failed to parse",
        field: "message",
      };
    }
    if (typeof o !== "object" || o === null || Array.isArray(o))
      return {
        code: "InvalidParameter",
        message: "Invalid parameter: Message Structure - JSON message body failed to parse",
        field: "message",
      };
    if (typeof (o as Record<string, unknown>).default !== "string")
      return {
        code: "InvalidParameter",
        message: "Invalid parameter: Message Structure - No default entry in JSON message body",
        field: "message",
      };
  }
  return null;
}

export function checkFifoPublish(
  fifo: boolean,
  contentBasedDedup: boolean,
  groupId?: string | null,
  dedupId?: string | null,
): RuleError | null {
  const idOk = (s: string) => s.length <= 128 && /^[\x21-\x7e]+$/.test(s);
  if (fifo) {
    if (!groupId)
      return {
        code: "InvalidParameter",
        message: "Invalid parameter: The MessageGroupId parameter is required for FIFO topics",
        field: "messageGroupId",
      };
    if (!idOk(groupId))
      return { code: "InvalidParameter", message: "Invalid parameter: MessageGroupId", field: "messageGroupId" };
    if (!dedupId && !contentBasedDedup)
      return {
        code: "InvalidParameter",
        message:
          "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
        field: "messageDeduplicationId",
      };
    if (dedupId && !idOk(dedupId))
      return {
        code: "InvalidParameter",
        message: "Invalid parameter: MessageDeduplicationId",
        field: "messageDeduplicationId",
      };
  } else {
    if (dedupId)
      return {
        code: "InvalidParameter",
        message:
          "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type",
        field: "messageDeduplicationId",
      };
  }
  return null;
}

/** Endpoint checks per protocol at Subscribe time (the guarded client re-checks addresses at delivery). */
export function checkEndpoint(protocol: string, endpoint: string | undefined): RuleError | null {
  const bad = (m: string): RuleError => ({ code: "InvalidParameter", message: m, field: "endpoint" });
  if (!endpoint) return bad("Invalid parameter: Endpoint");
  switch (protocol) {
    case "http":
    case "https": {
      let u: URL;
      try {
        u = new URL(endpoint);
      } catch {
        return bad("Invalid parameter: Endpoint must match the specified protocol");
      }
      if (u.protocol !== `${protocol}:`) return bad("Invalid parameter: Endpoint must match the specified protocol");
      return null;
    }
    case "email":
    case "email-json":
      return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(endpoint) ? null : bad("Invalid parameter: Email address");
    case "sqs":
      return /^arn:aws:sqs:[^:]+:\d{12}:[A-Za-z0-9_-]+(\.fifo)?$/.test(endpoint)
        ? null
        : bad("Invalid parameter: SQS endpoint ARN");
    default:
      return {
        code: "InvalidParameter",
        message: "Invalid parameter: Amazon SNS does not support this protocol string: " + protocol,
        field: "protocol",
      };
  }
}

function isJsonArray(value: string): boolean {
  try {
    return Array.isArray(JSON.parse(value));
  } catch {
    return false;
  }
}

// SNS's JSON message formats and SignatureVersion 2 signing.
// https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html
// https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html
import { sign, type KeyObject } from "node:crypto";

export type SnsAttribute = { DataType: string; StringValue?: string; BinaryValue?: string /* base64 */ };

export type NotificationFields = {
  MessageId: string;
  TopicArn: string;
  Subject?: string | null;
  Message: string;
  Timestamp: string;
  UnsubscribeURL: string;
  MessageAttributes?: Record<string, SnsAttribute>;
  SequenceNumber?: string | null;
};

export type ConfirmationFields = {
  MessageId: string;
  TopicArn: string;
  Token: string;
  SubscribeURL: string;
  Message: string;
  Timestamp: string;
};

const NOTIFICATION_KEYS = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"] as const;
const CONFIRMATION_KEYS = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"] as const;

/** The documented string to sign: "Key\nValue\n" for each signed key present, in this order. */
export function stringToSign(msg: Record<string, unknown>): string {
  const keys = msg.Type === "Notification" ? NOTIFICATION_KEYS : CONFIRMATION_KEYS;
  let s = "";
  for (const k of keys) {
    const v = msg[k];
    if (v === undefined || v === null) continue;
    s += `${k}\n${String(v)}\n`;
  }
  return s;
}

export function signSnsMessage(msg: Record<string, unknown>, privateKey: KeyObject): string {
  return sign("sha256", Buffer.from(stringToSign(msg), "utf8"), privateKey).toString("base64");
}

/** SNS's MessageAttributes as they appear in envelopes: {Type, Value}. */
export function envelopeAttributes(
  attrs: Record<string, SnsAttribute> | undefined,
): Record<string, { Type: string; Value: string }> | undefined {
  if (!attrs || Object.keys(attrs).length === 0) return undefined;
  const out: Record<string, { Type: string; Value: string }> = {};
  for (const [k, a] of Object.entries(attrs))
    out[k] = { Type: a.DataType, Value: a.BinaryValue ?? a.StringValue ?? "" };
  return out;
}

export function buildNotification(
  f: NotificationFields,
  signing: { key: KeyObject; certUrl: string },
): Record<string, unknown> {
  const msg: Record<string, unknown> = { Type: "Notification", MessageId: f.MessageId };
  if (f.SequenceNumber) msg.SequenceNumber = f.SequenceNumber;
  msg.TopicArn = f.TopicArn;
  if (f.Subject) msg.Subject = f.Subject;
  msg.Message = f.Message;
  msg.Timestamp = f.Timestamp;
  msg.SignatureVersion = "2";
  msg.Signature = signSnsMessage(msg, signing.key);
  msg.SigningCertURL = signing.certUrl;
  msg.UnsubscribeURL = f.UnsubscribeURL;
  const attrs = envelopeAttributes(f.MessageAttributes);
  if (attrs) msg.MessageAttributes = attrs;
  return msg;
}

export function buildSubscriptionConfirmation(
  f: ConfirmationFields,
  signing: { key: KeyObject; certUrl: string },
): Record<string, unknown> {
  const msg: Record<string, unknown> = {
    Type: "SubscriptionConfirmation",
    MessageId: f.MessageId,
    Token: f.Token,
    TopicArn: f.TopicArn,
    Message: f.Message,
    SubscribeURL: f.SubscribeURL,
    Timestamp: f.Timestamp,
    SignatureVersion: "2",
  };
  msg.Signature = signSnsMessage(msg, signing.key);
  msg.SigningCertURL = signing.certUrl;
  return msg;
}

export function confirmationText(topicArn: string): string {
  return `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`;
}

/** For MessageStructure=json: the body for one protocol, falling back to "default". */
export function bodyForProtocol(message: string, structure: string | null | undefined, protocol: string): string {
  if (structure !== "json") return message;
  const o = JSON.parse(message) as Record<string, string>;
  return typeof o[protocol] === "string" ? o[protocol] : o.default;
}

import { buildNotification, bodyForProtocol, type SnsAttribute } from "../../core/sns/envelope";
import { standardWebhookHeaders } from "../../core/sns/standard-webhooks";
import type { SubscriptionRow } from "../topics/topic.repository";
import type { MessageRow } from "../topics/topic-message.repository";
import { macOf } from "../../platform/secrets";
import { signingKey, signingCertUrl, webhookSigningSecrets } from "../../platform/signing";

// What a subscriber receives: the SNS JSON envelope (signed, SignatureVersion 2) or the raw
// message, with SNS's HTTP headers and Standard Webhooks headers for HTTP/S.

export const UNSUBSCRIBE_PATH = "/api/v1/sns/unsubscribe";

/** UnsubscribeURL carries an HMAC of the subscription ARN so it cannot be forged for other subscriptions. */
export function unsubscribeSignature(subscriptionArn: string): string {
  return macOf("unsubscribe", subscriptionArn);
}

export function unsubscribeUrl(baseUrl: string, subscriptionArn: string): string {
  return `${baseUrl}${UNSUBSCRIBE_PATH}?SubscriptionArn=${encodeURIComponent(subscriptionArn)}&Signature=${unsubscribeSignature(subscriptionArn)}`;
}

// The SignatureVersion 2 string to sign does not include the subscription (UnsubscribeURL is not
// signed), so one RSA signature serves every subscriber of a message: the signed envelope is
// cached per (message, protocol body) and only UnsubscribeURL is filled in per subscription.
const signedCache = new Map<string, Promise<Record<string, unknown>>>();
const SIGNED_CACHE_MAX = 2_000;

export async function envelopeFor(
  msg: MessageRow,
  sub: SubscriptionRow,
  protocol: string,
  baseUrl: string,
): Promise<Record<string, unknown>> {
  const body = bodyForProtocol(msg.body, msg.messageStructure, protocol);
  const cacheKey = `${msg.id}\u0000${baseUrl}\u0000${msg.messageStructure === "json" ? protocol : ""}`;
  let signed = signedCache.get(cacheKey);
  if (!signed) {
    // The promise is cached, so concurrent deliveries of one message share one signing.
    signed = signEnvelope(msg, sub.topicArn, body, baseUrl);
    if (signedCache.size >= SIGNED_CACHE_MAX) signedCache.delete(signedCache.keys().next().value!);
    signedCache.set(cacheKey, signed);
    signed.catch(() => signedCache.delete(cacheKey));
  }
  return { ...(await signed), UnsubscribeURL: unsubscribeUrl(baseUrl, sub.arn) };
}

async function signEnvelope(
  msg: MessageRow,
  topicArn: string,
  body: string,
  baseUrl: string,
): Promise<Record<string, unknown>> {
  const key = await signingKey();
  return buildNotification(
    {
      MessageId: msg.id,
      TopicArn: topicArn,
      Subject: msg.subject,
      Message: body,
      Timestamp: new Date(msg.createdAt).toISOString(),
      UnsubscribeURL: "",
      MessageAttributes: msg.attributes as Record<string, SnsAttribute>,
      SequenceNumber: msg.sequenceNumber,
    },
    { key: key.key, certUrl: signingCertUrl(baseUrl) },
  );
}

export async function httpRequestFor(
  deliveryId: string,
  msg: MessageRow,
  sub: SubscriptionRow,
  baseUrl: string,
  contentType: string | null,
  now = new Date(),
) {
  const body = sub.rawMessageDelivery
    ? bodyForProtocol(msg.body, msg.messageStructure, sub.protocol)
    : JSON.stringify(await envelopeFor(msg, sub, sub.protocol, baseUrl));
  const headers: Record<string, string> = {
    "content-type": contentType ?? "text/plain; charset=UTF-8",
    "user-agent": "Amazon Simple Notification Service Agent",
    "x-amz-sns-message-type": "Notification",
    "x-amz-sns-message-id": msg.id,
    "x-amz-sns-topic-arn": sub.topicArn,
    "x-amz-sns-subscription-arn": sub.arn,
    ...(sub.rawMessageDelivery ? { "x-amz-sns-rawdelivery": "true" } : {}),
    ...standardWebhookHeaders(webhookSigningSecrets(sub, now), deliveryId, Math.floor(now.getTime() / 1000), body),
  };
  return { url: sub.endpoint, headers, body };
}

export async function queueMessageFor(msg: MessageRow, sub: SubscriptionRow, baseUrl: string) {
  if (sub.rawMessageDelivery) {
    const attributes: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Buffer }> = {};
    for (const [k, a] of Object.entries(msg.attributes as Record<string, SnsAttribute>)) {
      attributes[k] =
        a.BinaryValue !== undefined
          ? { DataType: a.DataType, BinaryValue: Buffer.from(a.BinaryValue, "base64") }
          : { DataType: a.DataType, StringValue: a.StringValue };
    }
    return {
      body: bodyForProtocol(msg.body, msg.messageStructure, "sqs"),
      attributes: Object.keys(attributes).length ? attributes : undefined,
    };
  }
  return { body: JSON.stringify(await envelopeFor(msg, sub, "sqs", baseUrl)), attributes: undefined };
}

export async function emailFor(msg: MessageRow, sub: SubscriptionRow, baseUrl: string) {
  const subject = msg.subject ?? "AWS Notification Message";
  if (sub.protocol === "email-json")
    return { subject, body: JSON.stringify(await envelopeFor(msg, sub, "email-json", baseUrl)) };
  const text = bodyForProtocol(msg.body, msg.messageStructure, "email");
  return {
    subject,
    body: `${text}\n\n--\nIf you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:\n${unsubscribeUrl(baseUrl, sub.arn)}\n`,
  };
}

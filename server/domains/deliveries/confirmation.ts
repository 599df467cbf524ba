import { pool } from "../../db";
import { randomUUID } from "node:crypto";
import type { JobContext } from "../../jobs/registry";
import { buildSubscriptionConfirmation, confirmationText, signSnsMessage } from "../../core/sns/envelope";
import { findSubscriptionById } from "../topics/topic.repository";
import { guardedRequest } from "../../platform/guarded-http";
import { signingKey, signingCertUrl } from "../../platform/signing";
import { publicUrl } from "../../platform/public-url";
import { sendEmail } from "./email";
import { MAX_RESPONSE_BODY_LOGGED } from "./targets/target";
import { recordConfirmationOutcome } from "./confirmation-outcome.repository";

// SubscriptionConfirmation: POSTed to HTTP/S endpoints (signed like notifications), or emailed
// (outbox) for email/email-json subscriptions. SubscribeURL confirms with a plain GET.

export const CONFIRM_PATH = "/api/v1/sns/confirm";

export function subscribeUrl(baseUrl: string, topicArn: string, token: string): string {
  return `${baseUrl}${CONFIRM_PATH}?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(topicArn)}&Token=${token}`;
}

export async function sendConfirmation(
  data: { subscriptionId: string; tenantId: string; token: string; baseUrl?: string },
  ctx: JobContext,
): Promise<void> {
  const baseUrl = publicUrl(data.baseUrl);
  const sub = await findSubscriptionById(pool(), data.tenantId, data.subscriptionId);
  if (!sub || sub.status !== "pending") return;
  const key = await signingKey();
  const msg = buildSubscriptionConfirmation(
    {
      MessageId: randomUUID(),
      TopicArn: sub.topicArn,
      Token: data.token,
      SubscribeURL: subscribeUrl(baseUrl, sub.topicArn, data.token),
      Message: confirmationText(sub.topicArn),
      Timestamp: new Date().toISOString(),
    },
    { key: key.key, certUrl: signingCertUrl(baseUrl) },
  );
  if (sub.protocol === "email" || sub.protocol === "email-json") {
    const body =
      sub.protocol === "email-json"
        ? JSON.stringify(msg)
        : `${msg.Message}\n\nConfirm subscription: ${msg.SubscribeURL}\n`;
    const sent = await sendEmail({
      tenantId: sub.tenantId,
      subscriptionId: sub.id,
      deliveryId: null,
      to: sub.endpoint,
      subject: "AWS Notification - Subscription Confirmation",
      body,
    });
    if (!sent.ok) throw new Error(sent.error); // the job retries
    return;
  }
  const body = JSON.stringify(msg);
  const res = await guardedRequest({
    url: sub.endpoint,
    method: "POST",
    body,
    maxResponseBytes: MAX_RESPONSE_BODY_LOGGED,
    headers: {
      "content-type": "text/plain; charset=UTF-8",
      "user-agent": "Amazon Simple Notification Service Agent",
      "x-amz-sns-message-type": "SubscriptionConfirmation",
      "x-amz-sns-message-id": String(msg.MessageId),
      "x-amz-sns-topic-arn": sub.topicArn,
    },
  });
  if (!res.ok) {
    ctx.log.info({ subscriptionId: sub.id, kind: res.kind }, "subscription confirmation not delivered");
    const refused = res.kind === "blocked" || res.kind === "bad_url";
    await recordConfirmationOutcome(
      pool(),
      sub.tenantId,
      sub.id,
      false,
      refused
        ? `The SubscriptionConfirmation was not sent: ${res.error}.`
        : `The SubscriptionConfirmation could not be delivered (${res.error}); it is tried again.`,
    );
    // A refused address will not change on retry; other failures retry via the job's retry limit.
    if (refused) return;
    throw new Error(`confirmation delivery failed: ${res.kind}`);
  }
  if (res.status < 200 || res.status >= 300) {
    await recordConfirmationOutcome(
      pool(),
      sub.tenantId,
      sub.id,
      false,
      `The endpoint answered the SubscriptionConfirmation with HTTP ${res.status}; it is tried again.`,
    );
    throw new Error(`confirmation delivery got HTTP ${res.status}`);
  }
  await recordConfirmationOutcome(
    pool(),
    sub.tenantId,
    sub.id,
    true,
    `The endpoint received the SubscriptionConfirmation (HTTP ${res.status}).`,
  );
}

export function unsubscribeConfirmationText(subscriptionArn: string): string {
  return `You have chosen to deactivate subscription ${subscriptionArn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`;
}

/**
 * UnsubscribeConfirmation, POSTed to the endpoint of a confirmed HTTP/S subscription that was just
 * deleted (SNS does the same). Signed like every SNS message (SignatureVersion 2; the string to sign
 * uses the confirmation keys, Token and SubscribeURL included). SubscribeURL + Token restore it.
 */
export async function sendUnsubscribeConfirmation(
  data: {
    tenantId: string;
    topicArn: string;
    subscriptionArn: string;
    endpoint: string;
    token: string;
    baseUrl?: string;
  },
  ctx: JobContext,
): Promise<void> {
  const baseUrl = publicUrl(data.baseUrl);
  const key = await signingKey();
  const msg: Record<string, unknown> = {
    Type: "UnsubscribeConfirmation",
    MessageId: randomUUID(),
    Token: data.token,
    TopicArn: data.topicArn,
    Message: unsubscribeConfirmationText(data.subscriptionArn),
    SubscribeURL: subscribeUrl(baseUrl, data.topicArn, data.token),
    Timestamp: new Date().toISOString(),
    SignatureVersion: "2",
  };
  msg.Signature = signSnsMessage(msg, key.key);
  msg.SigningCertURL = signingCertUrl(baseUrl);
  const res = await guardedRequest({
    url: data.endpoint,
    method: "POST",
    body: JSON.stringify(msg),
    maxResponseBytes: MAX_RESPONSE_BODY_LOGGED,
    headers: {
      "content-type": "text/plain; charset=UTF-8",
      "user-agent": "Amazon Simple Notification Service Agent",
      "x-amz-sns-message-type": "UnsubscribeConfirmation",
      "x-amz-sns-message-id": String(msg.MessageId),
      "x-amz-sns-topic-arn": data.topicArn,
      "x-amz-sns-subscription-arn": data.subscriptionArn,
    },
  });
  if (!res.ok) {
    ctx.log.info({ subscriptionArn: data.subscriptionArn, kind: res.kind }, "unsubscribe confirmation not delivered");
    if (res.kind === "blocked" || res.kind === "bad_url") return;
    throw new Error(`unsubscribe confirmation delivery failed: ${res.kind}`);
  }
  if (res.status < 200 || res.status >= 300)
    throw new Error(`unsubscribe confirmation delivery got HTTP ${res.status}`);
}

import { z } from "zod";
import { timingSafeEqual } from "node:crypto";
import { defineRoute, RawReply } from "./route";
import { AppError } from "../../core/errors";
import {
  createTopic,
  deleteTopic,
  getTopicAttributes,
  listTopics,
  requireTopic,
  setTopicAttributes,
  topicArn,
} from "../../domains/topics/topic.service";
import {
  confirmSubscription,
  listSubscriptions,
  removeSubscription,
  requireSubscription,
  subscribe,
  unsubscribe,
} from "../../domains/topics/subscription.service";
import { publish } from "../../domains/topics/publish.service";
import {
  subscribePatchFromForm,
  subscriptionView,
  topicFromForm,
  topicPatchFromForm,
  topicView,
} from "../../domains/topics/topic.console";
import { findSubscriptionByArnUnscoped } from "../../domains/topics/topic.repository";
import { pool } from "../../db";
import { createTopicInput, publishInput, subscribeInput, updateTopicInput } from "../../domains/topics/topic.schemas";
import { signingKey } from "../../platform/signing";
import { unsubscribeSignature } from "../../domains/deliveries/payload";

// REST for topics (/api/v1/topics/...): the same services as the AWS door, in JSON. Plus the public
// links SNS messages carry: SubscribeURL (confirm), UnsubscribeURL and SigningCertURL.

const topicOut = z
  .object({ id: z.string(), name: z.string(), arn: z.string(), fifo: z.boolean(), displayName: z.string().nullable() })
  .passthrough();
const subOut = z
  .object({ id: z.string(), arn: z.string(), protocol: z.string(), endpoint: z.string(), status: z.string() })
  .passthrough();

export const topicRoutes = [
  defineRoute({
    method: "POST",
    path: "/api/v1/topics",
    tag: "topics",
    summary: "Create a topic (idempotent by name). FIFO names end with .fifo.",
    status: 201,
    body: createTopicInput,
    response: topicOut,
    handler: async (ctx, { body }) => {
      return topicView(await createTopic(ctx.actor, ctx.tenant, topicFromForm(body)));
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/topics",
    tag: "topics",
    summary: "List topics (100 per page; pass nextToken).",
    query: z.object({ nextToken: z.string().optional() }),
    response: z.object({ topics: z.array(topicOut), nextToken: z.string().nullable() }),
    handler: async (ctx, { query }) => {
      const r = await listTopics(ctx.actor, ctx.tenant, query.nextToken);
      return { topics: r.topics.map(topicView), nextToken: r.nextToken };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/topics/:name",
    tag: "topics",
    summary: "A topic with its SNS attributes.",
    response: topicOut,
    handler: async (ctx) => {
      const t = await requireTopic(ctx.tenant, topicArn(ctx.tenant, ctx.params.name!));
      return { ...topicView(t), attributes: await getTopicAttributes(ctx.actor, ctx.tenant, t.arn) };
    },
  }),
  defineRoute({
    method: "PATCH",
    path: "/api/v1/topics/:name",
    tag: "topics",
    summary:
      'Change a topic\'s settings (displayName, deliveryPolicy, contentBasedDeduplication for FIFO topics; null or "" clears). All are checked before any is written.',
    body: updateTopicInput.omit({ id: true }),
    response: topicOut,
    handler: async (ctx, { body }) => {
      const arn = topicArn(ctx.tenant, ctx.params.name!);
      await setTopicAttributes(ctx.actor, ctx.tenant, arn, topicPatchFromForm(body));
      const t = await requireTopic(ctx.tenant, arn);
      return { ...topicView(t), attributes: await getTopicAttributes(ctx.actor, ctx.tenant, t.arn) };
    },
  }),
  defineRoute({
    method: "DELETE",
    path: "/api/v1/topics/:name",
    tag: "topics",
    summary: "Delete a topic and its subscriptions.",
    status: 204,
    handler: async (ctx) => {
      await deleteTopic(ctx.actor, ctx.tenant, topicArn(ctx.tenant, ctx.params.name!));
      return undefined;
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/topics/:name/subscriptions",
    tag: "topics",
    status: 201,
    summary:
      "Subscribe a queue (sqs, queue ARN), a URL (http/https: pending until confirmed) or an address (email/email-json). HTTP/S subscriptions return their Standard Webhooks signing secret once.",
    body: subscribeInput.omit({ topicId: true }),
    response: z.object({
      subscription: subOut,
      pendingConfirmation: z.boolean(),
      signingSecret: z.string().nullable(),
    }),
    handler: async (ctx, { body }) => {
      const b = body;
      const r = await subscribe(
        ctx.actor,
        ctx.tenant,
        {
          topicArn: topicArn(ctx.tenant, ctx.params.name!),
          protocol: b.protocol,
          endpoint: b.endpoint,
          settings: subscribePatchFromForm(b),
        },
        { baseUrl: ctx.baseUrl },
      );
      return {
        subscription: subscriptionView(r.subscription),
        pendingConfirmation: r.pending,
        signingSecret: r.secret,
      };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/topics/:name/subscriptions",
    tag: "topics",
    summary: "List a topic's subscriptions.",
    query: z.object({ nextToken: z.string().optional() }),
    response: z.object({ subscriptions: z.array(subOut), nextToken: z.string().nullable() }),
    handler: async (ctx, { query }) => {
      const r = await listSubscriptions(ctx.actor, ctx.tenant, {
        topicArn: topicArn(ctx.tenant, ctx.params.name!),
        nextToken: query.nextToken,
      });
      return { subscriptions: r.subscriptions.map(subscriptionView), nextToken: r.nextToken };
    },
  }),
  defineRoute({
    method: "DELETE",
    path: "/api/v1/subscriptions/:id",
    tag: "topics",
    summary: "Unsubscribe (by subscription id or ARN).",
    status: 204,
    handler: async (ctx) => {
      const s = await requireSubscription(ctx.tenant, ctx.params.id!);
      await unsubscribe(ctx.actor, ctx.tenant, s.arn, { baseUrl: ctx.baseUrl });
      return undefined;
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/topics/:name/messages",
    tag: "topics",
    summary: "Publish a message (committed with its fan-out before the reply).",
    status: 201,
    body: publishInput.omit({ topicId: true }),
    response: z.object({ messageId: z.string(), sequenceNumber: z.string().nullable() }),
    handler: async (ctx, { body }) =>
      publish(ctx.actor, ctx.tenant, topicArn(ctx.tenant, ctx.params.name!), body, {
        baseUrl: ctx.baseUrl,
      }),
  }),
  // --- public links carried inside SNS messages ---
  defineRoute({
    method: "GET",
    path: "/api/v1/sns/confirm",
    tag: "topics",
    public: true,
    summary: "SubscribeURL: confirms a pending subscription with its token.",
    query: z.object({ TopicArn: z.string(), Token: z.string(), Action: z.string().optional() }),
    response: z.object({ subscriptionArn: z.string() }),
    handler: async (_ctx, { query }) => {
      const q = query;
      const s = await confirmSubscription({ topicArn: q.TopicArn, token: q.Token });
      return { subscriptionArn: s.arn };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/sns/unsubscribe",
    tag: "topics",
    public: true,
    summary: "UnsubscribeURL: removes the subscription named in a delivered message.",
    query: z.object({ SubscriptionArn: z.string(), Signature: z.string() }),
    response: z.object({ unsubscribed: z.boolean() }),
    handler: async (ctx, { query }) => {
      const q = query;
      const want = Buffer.from(unsubscribeSignature(q.SubscriptionArn));
      const got = Buffer.from(q.Signature);
      if (want.length !== got.length || !timingSafeEqual(want, got))
        throw new AppError("forbidden", "The unsubscribe link is not valid.");
      const s = await findSubscriptionByArnUnscoped(pool(), q.SubscriptionArn);
      if (s) await removeSubscription(s, ctx.baseUrl);
      return { unsubscribed: true };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/sns/signing-cert.pem",
    tag: "topics",
    public: true,
    summary: "SigningCertURL: the X.509 certificate that verifies SNS message signatures (SignatureVersion 2).",
    handler: async () => new RawReply((await signingKey()).certPem, "application/x-x509-ca-cert"),
  }),
];

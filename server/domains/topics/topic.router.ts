import { listTopicActivity } from "./topic.activity";
import { z } from "zod";
import { router, tenantProcedure } from "../../trpc/trpc";
import {
  createTopicInput,
  publishInput,
  subscribeInput,
  testFilterPolicyInput,
  updateSubscriptionInput,
  updateTopicInput,
} from "./topic.schemas";
import {
  consoleCreateTopic,
  consoleDeleteTopic,
  consoleGetSubscription,
  consoleGetTopic,
  consoleListSubscriptions,
  consoleListTopics,
  consolePublish,
  consoleSubscribe,
  consoleUpdateSubscription,
  consoleUpdateTopic,
  consoleBaseUrl,
} from "./topic.console";
import {
  confirmManually,
  reenableSubscription,
  rotateSigningSecret,
  testFilterPolicy,
  unsubscribe,
  requireSubscription,
} from "./subscription.service";
import { listRecentMessages } from "./publish.service";
import { getTopicById } from "./topic.service";

// topicRouter (`trpc.topic.*`): every input also carries `tenant` (slug or id).
//   list({search?})                     → [{id,name,arn,fifo,displayName,…,subscriptions:{confirmed,pending,disabled}}]
//   get({id})                           → topic + `attributes` (SNS GetTopicAttributes map); id may be the ARN
//   create({name,fifo?,displayName?,contentBasedDeduplication?,deliveryPolicy?,tags?}) → topic
//   update({id,displayName?,deliveryPolicy?,contentBasedDeduplication?})            → topic + attributes
//   delete({id})                        → {id, deleted}
//   subscriptions({topicId?})           → [subscription view]
//   subscription({id})                  → subscription view + publicArn + attributes
//   subscribe({topicId,protocol,endpoint,filterPolicy?,filterPolicyScope?,rawMessageDelivery?,deadLetterTargetArn?,deliveryPolicy?})
//                                       → {subscription, pendingConfirmation, signingSecret (whsec_…, shown once; null unless http/https)}
//                                         invalid filter policies → BAD_REQUEST with data.fieldErrors.FilterPolicy
//   updateSubscription({id, …same optional fields; "" removes})                   → subscription view
//   unsubscribe({id})                   → {id, deleted}
//   confirmSubscription({id})           → {id, confirmed}  (manual confirmation by an admin)
//   testFilterPolicy({filterPolicy,scope,body?,attributes?}) → {valid:false,error:{message,path}} | {valid:true,match:true} | {valid:true,match:false,reason}
//   publish({topicId,message,subject?,messageStructure?,messageAttributes?,messageGroupId?,messageDeduplicationId?}) → {messageId, sequenceNumber}
//   messages({topicId,limit?})          → recent published messages
//   rotateSecret({id, overlapHours?})   → {secret (once), previousExpiresAt}
//   reenable({id})                      → {id, enabled}
const id = z.object({ id: z.string().min(1) });

export const topicRouter = router({
  list: tenantProcedure
    .input(z.object({ search: z.string().optional() }))
    .query(({ ctx, input }) => consoleListTopics(ctx.actor, ctx.tenant, input.search)),
  // Publish counts for the list: [{topicId, publishedPerHour[24], published24h, lastPublishedAt}]
  activity: tenantProcedure.query(({ ctx }) => listTopicActivity(ctx.actor, ctx.tenant.id)),
  get: tenantProcedure.input(id).query(({ ctx, input }) => consoleGetTopic(ctx.actor, ctx.tenant, input.id)),
  create: tenantProcedure
    .input(createTopicInput)
    .mutation(({ ctx, input }) => consoleCreateTopic(ctx.actor, ctx.tenant, input)),
  update: tenantProcedure
    .input(updateTopicInput)
    .mutation(({ ctx, input }) => consoleUpdateTopic(ctx.actor, ctx.tenant, input)),
  delete: tenantProcedure.input(id).mutation(({ ctx, input }) => consoleDeleteTopic(ctx.actor, ctx.tenant, input.id)),
  subscriptions: tenantProcedure
    .input(z.object({ topicId: z.string().optional() }))
    .query(({ ctx, input }) => consoleListSubscriptions(ctx.actor, ctx.tenant, input.topicId)),
  subscription: tenantProcedure
    .input(id)
    .query(({ ctx, input }) => consoleGetSubscription(ctx.actor, ctx.tenant, input.id)),
  subscribe: tenantProcedure
    .input(subscribeInput)
    .mutation(({ ctx, input }) => consoleSubscribe(ctx.actor, ctx.tenant, input, consoleBaseUrl(ctx.origin))),
  updateSubscription: tenantProcedure
    .input(updateSubscriptionInput)
    .mutation(({ ctx, input }) => consoleUpdateSubscription(ctx.actor, ctx.tenant, input)),
  unsubscribe: tenantProcedure.input(id).mutation(async ({ ctx, input }) => {
    const s = await requireSubscription(ctx.tenant, input.id);
    await unsubscribe(ctx.actor, ctx.tenant, s.arn, { baseUrl: consoleBaseUrl(ctx.origin) });
    return { id: s.id, deleted: true };
  }),
  confirmSubscription: tenantProcedure.input(id).mutation(async ({ ctx, input }) => {
    await confirmManually(ctx.actor, ctx.tenant, input.id);
    return { id: input.id, confirmed: true };
  }),
  testFilterPolicy: tenantProcedure.input(testFilterPolicyInput).mutation(({ input }) => testFilterPolicy(input)),
  publish: tenantProcedure
    .input(publishInput)
    .mutation(({ ctx, input }) => consolePublish(ctx.actor, ctx.tenant, input, consoleBaseUrl(ctx.origin))),
  messages: tenantProcedure
    .input(z.object({ topicId: z.string(), limit: z.number().int().min(1).max(200).optional() }))
    .query(async ({ ctx, input }) => {
      const t = await getTopicById(ctx.actor, ctx.tenant, input.topicId);
      return listRecentMessages(ctx.actor, ctx.tenant, t.arn, input.limit);
    }),
  rotateSecret: tenantProcedure
    .input(z.object({ id: z.string().min(1), overlapHours: z.number().min(0).max(168).optional() }))
    .mutation(({ ctx, input }) =>
      rotateSigningSecret(
        ctx.actor,
        ctx.tenant,
        input.id,
        input.overlapHours === undefined ? undefined : input.overlapHours * 3600_000,
      ),
    ),
  reenable: tenantProcedure.input(id).mutation(async ({ ctx, input }) => {
    await reenableSubscription(ctx.actor, ctx.tenant, input.id);
    return { id: input.id, enabled: true };
  }),
});

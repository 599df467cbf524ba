import { publicUrl } from "../../platform/public-url";
import { z } from "zod";
import { router, tenantProcedure } from "../../trpc/trpc";
import {
  attemptDetail,
  browseAttempts,
  browseDeliveries,
  deliveryOverview,
  endpointOverview,
  failingEndpoints,
  listDisabledEndpoints,
  listNotifications,
  listOutboxPage,
  markNotificationsRead,
  resendDelivery,
  resendFailed,
  resendProgress,
  confirmationOutcome,
} from "./delivery.service";

// deliveryRouter (`trpc.delivery.*`): every input also carries `tenant`. Times are Dates (superjson).
// Scope everywhere: optional topicId and/or subscriptionId (omit both for the whole tenant), and optional
// sourceKind (topic | rule | schedule | function | workflow | api) and sourceArn (one topic, rule or schedule).
// Invocations (rule/schedule/... deliveries, no topic): protocol = target kind, endpoint = target ARN,
// messageId/subscriptionId/topicId null; attempts and deliveries rows also carry sourceKind, sourceArn,
// targetKind (deliveries: targetArn, targetId, eventId, deadLetterArn too); attempts/deliveries filter by eventId.
// Tiles, chart and failing endpoints all count the deliveries published in the range by their status now.
//   overview({from,to,topicId?,subscriptionId?}) → {from (chart start, zoomed to the data), bucketSeconds, points:[{t,succeeded,failed,retrying,dlq}],
//                                                  totals:{succeeded,failed,retrying,pending,dlq,failedAfterRetries,resentSucceeded,
//                                                  successRate,p50LatencyMs,p95LatencyMs}}   (latency leaves resent deliveries out)
//   endpoint({subscriptionId,from,to})           → overview's fields for one subscription + endpoint:{id,arn,protocol,endpoint,status,topicId,topicName,
//                                                  disabledAt,disabledReason,consecutiveFailures,failingSince,createdAt} + lastAttempt (or null)
//   failingEndpoints({from,to,topicId?,limit?})  → [{subscriptionId,endpoint,protocol,failures,retrying,lastFailureAt,lastStatus,lastError}]
//   disabledEndpoints()  (just {tenant})         → [{id,arn,protocol,endpoint,disabledAt,disabledReason,consecutiveFailures,topicId,topicName}]
//                                                  (re-enable with trpc.topic.reenable({id}))
//   attempts({topicId?,subscriptionId?,outcome?,statusCode?,messageId?,deliveryId?,endpoint?,text?,from?,to?,cursor?,limit?})
//                                                  endpoint: part of the endpoint; text: part of the request as sent (payload)
//                                                → {items:[{id,deliveryId,messageId,subscriptionId,topicId,attemptNumber,protocol,endpoint,outcome,
//                                                   startedAt,durationMs,responseStatus,error,nextRetryAt}], nextCursor}
//                                                  outcome ∈ succeeded | failed | dlq | skipped
//   attempt({id})                                → one attempt with requestHeaders, requestBody (≤64 KiB), responseHeaders, responseBody (≤4 KiB), deliveryStatus
//   deliveries({topicId?,subscriptionId?,status?,messageId?,before?,limit?}) → [{id,messageId,…,status,attempts,nextAttemptAt,lastStatusCode,lastError,latencyMs}]
//                                                  status ∈ pending | retrying | succeeded | failed | dlq
//   resend({deliveryId})                         → {id, queued}
//   resendFailed({since,topicId?,subscriptionId?,sourceKind?,sourceArn?}) → {id}   (bulk job; poll resendProgress)
//   resendProgress({id})                         → {id,status:'running'|'finished',total,done,…}
//   outbox({limit?, cursor?})                    → email outbox, newest first: {items:[{id,to,subject,body,status,createdAt,sentAt,subscriptionId,deliveryId}], nextCursor};
//                                                  pass the nextCursor of a page for the next (older) one; nextCursor null at the end.
//   confirmation({subscriptionId})              → {kind:'confirmation_delivered'|'confirmation_failed',message,createdAt} | null
//                                                  (what became of the last SubscriptionConfirmation POST)
//   notifications({unreadOnly?})                 → [{id,kind:'subscription_disabled'|…,subscriptionId,message,createdAt,readAt}]
//   markNotificationsRead({ids})                 → {ok}
const SOURCE_KINDS = ["topic", "rule", "schedule", "function", "workflow", "api"] as const;
const scope = {
  topicId: z.string().nullish(),
  subscriptionId: z.string().nullish(),
  sourceKind: z.enum(SOURCE_KINDS).nullish(),
  sourceArn: z.string().max(1600).nullish(),
};
const rangeInput = { from: z.coerce.date(), to: z.coerce.date() };

export const deliveryRouter = router({
  overview: tenantProcedure
    .input(z.object({ ...scope, ...rangeInput }))
    .query(({ ctx, input }) => deliveryOverview(ctx.actor, ctx.tenant, input)),
  endpoint: tenantProcedure
    .input(z.object({ subscriptionId: z.string().min(1).max(200), ...rangeInput }))
    .query(({ ctx, input }) => endpointOverview(ctx.actor, ctx.tenant, input)),
  failingEndpoints: tenantProcedure
    .input(z.object({ ...scope, ...rangeInput, limit: z.number().int().min(1).max(100).optional() }))
    .query(({ ctx, input }) => failingEndpoints(ctx.actor, ctx.tenant, input)),
  disabledEndpoints: tenantProcedure.query(({ ctx }) => listDisabledEndpoints(ctx.actor, ctx.tenant)),
  attempts: tenantProcedure
    .input(
      z.object({
        ...scope,
        outcome: z.enum(["succeeded", "failed", "dlq", "skipped"]).nullish(),
        statusCode: z.number().int().min(100).max(599).nullish(),
        messageId: z.string().nullish(),
        deliveryId: z.string().nullish(),
        endpoint: z.string().max(500).nullish(),
        text: z.string().max(500).nullish(),
        eventId: z.string().max(200).nullish(),
        from: z.coerce.date().nullish(),
        to: z.coerce.date().nullish(),
        cursor: z.string().regex(/^\d+$/).nullish(),
        limit: z.number().int().min(1).max(200).optional(),
      }),
    )
    .query(({ ctx, input }) => browseAttempts(ctx.actor, ctx.tenant, input)),
  attempt: tenantProcedure
    .input(z.object({ id: z.string() }))
    .query(({ ctx, input }) => attemptDetail(ctx.actor, ctx.tenant, input.id)),
  deliveries: tenantProcedure
    .input(
      z.object({
        ...scope,
        status: z.enum(["pending", "retrying", "succeeded", "failed", "dlq"]).nullish(),
        messageId: z.string().nullish(),
        eventId: z.string().max(200).nullish(),
        before: z.coerce.date().nullish(),
        limit: z.number().int().min(1).max(200).optional(),
      }),
    )
    .query(({ ctx, input }) => browseDeliveries(ctx.actor, ctx.tenant, input)),
  resend: tenantProcedure
    .input(z.object({ deliveryId: z.string().min(1) }))
    .mutation(({ ctx, input }) => resendDelivery(ctx.actor, ctx.tenant, input.deliveryId, publicUrl(ctx.origin))),
  resendFailed: tenantProcedure
    .input(
      z.object({
        since: z.coerce.date(),
        topicId: scope.topicId,
        subscriptionId: scope.subscriptionId,
        sourceKind: scope.sourceKind,
        sourceArn: scope.sourceArn,
      }),
    )
    .mutation(({ ctx, input }) => resendFailed(ctx.actor, ctx.tenant, input, publicUrl(ctx.origin))),
  resendProgress: tenantProcedure
    .input(z.object({ id: z.string() }))
    .query(({ ctx, input }) => resendProgress(ctx.actor, ctx.tenant, input.id)),
  outbox: tenantProcedure
    .input(z.object({ limit: z.number().int().min(1).max(200).optional(), cursor: z.string().max(200).nullish() }))
    .query(({ ctx, input }) => listOutboxPage(ctx.actor, ctx.tenant, input)),
  confirmation: tenantProcedure
    .input(z.object({ subscriptionId: z.string().min(1).max(200) }))
    .query(({ ctx, input }) => confirmationOutcome(ctx.actor, ctx.tenant, input.subscriptionId)),
  notifications: tenantProcedure
    .input(z.object({ unreadOnly: z.boolean().optional() }))
    .query(({ ctx, input }) => listNotifications(ctx.actor, ctx.tenant, input.unreadOnly)),
  markNotificationsRead: tenantProcedure
    .input(z.object({ ids: z.array(z.string()).max(200) }))
    .mutation(({ ctx, input }) => markNotificationsRead(ctx.actor, ctx.tenant, input.ids)),
});

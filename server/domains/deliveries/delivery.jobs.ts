import { z } from "zod";
import { defineJob, type JobDefinition } from "../../jobs/registry";

// The delivery engine's pg-boss jobs. Handlers are imported lazily so that the topics service can
// import these definitions (to enqueue in its own transaction) without an import cycle.
//
//  deliveries.fanout         one per Publish/PublishBatch: creates one delivery per matching
//                            subscription (unique (message, subscription): re-running creates none)
//                            and, in the same transaction, deliveries.deliver jobs deferred by 30 s
//                            as a safety net; then attempts the new deliveries itself at once.
//  deliveries.deliver        a chunk of deliveries (first attempts and retries): only rows still
//                            pending/retrying are attempted, so a re-run after a crash is safe.
//  deliveries.confirm        sends a SubscriptionConfirmation (HTTP/S POST or email).
//  deliveries.unsubscribe-confirm  sends an UnsubscribeConfirmation (HTTP/S POST, signed) after a
//                            confirmed HTTP/S subscription was deleted. A job of its own, not a
//                            delivery: the subscription row is gone (deliveries and attempts cascade
//                            from it), so the attempt log cannot hold it; like SubscriptionConfirmation
//                            it is retried by pg-boss (3 times) and only logged.
//  deliveries.resend         bulk "resend all failed since …" with progress rows.
//  deliveries.retention      daily: attempts older than the retention, old counters and dedup ids.

// A killed worker stops heartbeating; pg-boss then fails its active jobs and they are retried.
const liveJob = {
  retryLimit: 20,
  retryDelay: 2,
  notify: true,
  expireInSeconds: 120,
  heartbeatSeconds: 10,
} as NonNullable<JobDefinition["queue"]>;
// NOTIFY wakes workers for new jobs, but not for deferred ones (retries with startAfter): poll
// every second as well, and keep fetching while batches come back full (pg-boss work options,
// passed through by server/jobs/worker.ts).
const fast = (batchSize: number, localConcurrency: number) =>
  ({
    batchSize,
    localConcurrency,
    pollingIntervalSeconds: 1,
    notifyPollingIntervalSeconds: 1,
    burstWhenBatchFull: true,
  }) as NonNullable<JobDefinition["work"]>;

export const fanoutJob = defineJob({
  name: "deliveries.fanout",
  schema: z.object({ messageIds: z.array(z.string()).min(1).max(10), baseUrl: z.string() }),
  queue: liveJob,
  work: fast(2, 8),
  handler: async (data, ctx) => (await import("./fanout")).runFanout(data, ctx),
});

export const deliverJob = defineJob({
  name: "deliveries.deliver",
  schema: z.object({ deliveryIds: z.array(z.string()).min(1).max(200), baseUrl: z.string() }),
  queue: liveJob,
  work: fast(4, 8),
  handler: async (data, ctx) => (await import("./deliver")).runDeliver(data, ctx),
});

export const confirmJob = defineJob({
  name: "deliveries.confirm",
  schema: z.object({ subscriptionId: z.string(), tenantId: z.string(), token: z.string(), baseUrl: z.string() }),
  queue: { retryLimit: 3, retryDelay: 5, notify: true },
  work: fast(4, 4),
  handler: async (data, ctx) => (await import("./confirmation")).sendConfirmation(data, ctx),
});

export const unsubscribeConfirmJob = defineJob({
  name: "deliveries.unsubscribe-confirm",
  schema: z.object({
    tenantId: z.string(),
    topicArn: z.string(),
    subscriptionArn: z.string(),
    endpoint: z.string(),
    token: z.string(),
    baseUrl: z.string(),
  }),
  queue: { retryLimit: 3, retryDelay: 5, notify: true },
  work: fast(4, 4),
  handler: async (data, ctx) => (await import("./confirmation")).sendUnsubscribeConfirmation(data, ctx),
});

export const resendJob = defineJob({
  name: "deliveries.resend",
  schema: z.object({ resendId: z.string(), tenantId: z.string(), baseUrl: z.string() }),
  queue: { retryLimit: 3, retryDelay: 5, notify: true },
  work: fast(1, 2),
  handler: async (data, ctx) => (await import("./resend")).runResend(data, ctx),
});

export const retentionJob = defineJob({
  name: "deliveries.retention",
  schema: z.object({}).passthrough(),
  cron: "17 * * * *",
  handler: async (_data, ctx) => (await import("./retention")).runRetention(ctx),
});

export const deliveryJobs = [fanoutJob, deliverJob, confirmJob, unsubscribeConfirmJob, resendJob, retentionJob];

import { z } from "zod";
import { defineJob, type JobContract } from "../../jobs/registry";

// Contracts of the delivery engine's pg-boss jobs (handlers: jobs/catalog.ts). `baseUrl` is the
// request origin, carried only when no SIGNALBOX_PUBLIC_URL is configured (platform/public-url.ts).
//
//  deliveries.fanout         one per Publish/PublishBatch that has subscribers outside this database
//                            (HTTP/S, email): creates one delivery per matching subscription (unique
//                            (message, subscription)) and attempts every still-open delivery of its
//                            messages. A re-run (pg-boss retries it when a worker dies) re-attempts
//                            what is still open, so it is its own safety net.
//  deliveries.deliver        a chunk of deliveries (retries, resends): only rows still pending/
//                            retrying and due are attempted, so a re-run after a crash is safe.
//  deliveries.confirm        sends a SubscriptionConfirmation (HTTP/S POST or email).
//  deliveries.unsubscribe-confirm  sends an UnsubscribeConfirmation (HTTP/S POST, signed) after a
//                            confirmed HTTP/S subscription was deleted. A job of its own, not a
//                            delivery: the subscription row is gone (deliveries and attempts cascade
//                            from it), so the attempt log cannot hold it; like SubscriptionConfirmation
//                            it is retried by pg-boss (3 times) and only logged.
//  deliveries.resend         bulk "resend all failed since …" with progress rows.
//  deliveries.retention      hourly: attempts older than the retention, old counters and dedup ids.

// A killed worker stops heartbeating; pg-boss then fails its active jobs and they are retried.
const liveJob: NonNullable<JobContract["queue"]> = {
  retryLimit: 20,
  retryDelay: 2,
  notify: true,
  expireInSeconds: 120,
  heartbeatSeconds: 10,
};
// NOTIFY wakes workers for new jobs, but not for deferred ones (retries with startAfter): poll
// every second as well, and keep fetching while batches come back full.
const fast = (batchSize: number, localConcurrency: number): NonNullable<JobContract["work"]> => ({
  batchSize,
  localConcurrency,
  pollingIntervalSeconds: 1,
  notifyPollingIntervalSeconds: 1,
  burstWhenBatchFull: true,
});
const origin = z.string().optional();

export const fanoutJob = defineJob({
  name: "deliveries.fanout",
  schema: z.object({
    messageIds: z.array(z.string()).min(1).max(10),
    baseUrl: origin,
    /** Queue subscribers were delivered in the publish transaction: fan out to the others only. */
    queuesDone: z.boolean().optional(),
  }),
  queue: liveJob,
  work: fast(2, 8),
});

export const deliverJob = defineJob({
  name: "deliveries.deliver",
  schema: z.object({ deliveryIds: z.array(z.string()).min(1).max(200), baseUrl: origin }),
  queue: liveJob,
  work: fast(4, 8),
});

export const confirmJob = defineJob({
  name: "deliveries.confirm",
  schema: z.object({ subscriptionId: z.string(), tenantId: z.string(), token: z.string(), baseUrl: origin }),
  queue: { retryLimit: 3, retryDelay: 5, notify: true },
  work: fast(4, 4),
});

export const unsubscribeConfirmJob = defineJob({
  name: "deliveries.unsubscribe-confirm",
  schema: z.object({
    tenantId: z.string(),
    topicArn: z.string(),
    subscriptionArn: z.string(),
    endpoint: z.string(),
    token: z.string(),
    baseUrl: origin,
  }),
  queue: { retryLimit: 3, retryDelay: 5, notify: true },
  work: fast(4, 4),
});

export const resendJob = defineJob({
  name: "deliveries.resend",
  schema: z.object({ resendId: z.string(), tenantId: z.string(), baseUrl: origin }),
  queue: { retryLimit: 3, retryDelay: 5, notify: true },
  work: fast(1, 2),
});

export const retentionJob = defineJob({
  name: "deliveries.retention",
  schema: z.object({}).passthrough(),
  cron: "17 * * * *",
});

export const deliveryJobs: JobContract[] = [
  fanoutJob,
  deliverJob,
  confirmJob,
  unsubscribeConfirmJob,
  resendJob,
  retentionJob,
];

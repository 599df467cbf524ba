import { z } from "zod";
import { defineJob, type JobContract } from "../../jobs/registry";

// Contracts of the event-bus jobs (handlers registered in jobs/catalog.ts). Every handler is
// idempotent (pg-boss delivers at least once).

/**
 * One fire time of a rule's ScheduleExpression, enqueued exactly once per fire time by the
 * scheduler's timers (ownerKind "rule", ownerId = the rule id). The handler builds AWS's scheduled
 * event (source aws.events, detail-type "Scheduled Event", resources [rule ARN], detail {}) and
 * invokes the rule's targets; the fire time makes the event id and so the invocations' dedupe
 * keys, so a second run of the same fire creates nothing new.
 */
export const fireRuleScheduleJob = defineJob({
  name: "events.fireRuleSchedule",
  schema: z.object({ tenantId: z.string().min(1), ownerId: z.string().min(1), fireTime: z.string().min(1) }),
  queue: { retryLimit: 10, retryDelay: 2, notify: true, expireInSeconds: 60, heartbeatSeconds: 10 },
  work: { batchSize: 4, localConcurrency: 2, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1 },
});

/**
 * Kept for jobs enqueued before the event router (event-router.ts) existed: events a rule forwarded
 * to another bus are now stored unrouted and routed like any accepted event. The handler matches
 * the named events against the target bus's rules and creates their invocations (dedupe keys make
 * a second run, or an event the router also routed, a no-op).
 */
export const routeEventsJob = defineJob({
  name: "events.route",
  schema: z.object({
    tenantId: z.string().min(1),
    busId: z.string().min(1),
    eventIds: z.array(z.string().min(1)).min(1),
  }),
  // A killed worker stops heartbeating; pg-boss then fails its active jobs and they are retried.
  queue: { retryLimit: 20, retryDelay: 1, notify: true, expireInSeconds: 120, heartbeatSeconds: 10 },
  work: {
    batchSize: 8,
    localConcurrency: 4,
    pollingIntervalSeconds: 1,
    notifyPollingIntervalSeconds: 1,
    burstWhenBatchFull: true,
  },
});

/** Deletes accepted events past their retention (the explorer's window). */
export const eventRetentionJob = defineJob({
  name: "events.retention",
  schema: z.object({}).passthrough(),
  cron: "*/5 * * * *",
  queue: { policy: "singleton", retryLimit: 1 },
});

export const eventJobs: JobContract[] = [fireRuleScheduleJob, routeEventsJob, eventRetentionJob];

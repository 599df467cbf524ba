import { z } from "zod";
import { defineJob, type JobContract } from "../../jobs/registry";

// Contracts of EventBridge Scheduler's jobs (handlers: schedule.fire.ts, registered in jobs/catalog.ts).
//
//  scheduler.fire-schedule   enqueued by the timer loop (domains/timers) once per fire time of a
//                            schedule: invokes its target through the delivery engine (idempotent on
//                            schedule + fire time, so a retried job never invokes twice) and applies
//                            ActionAfterCompletion.

export const fireScheduleJob = defineJob({
  name: "scheduler.fire-schedule",
  schema: z.object({ tenantId: z.string().min(1), ownerId: z.string().min(1), fireTime: z.string().min(1) }),
  // A killed worker stops heartbeating: its fire jobs are retried within seconds, not at expiry.
  queue: {
    retryLimit: 20,
    retryDelay: 2,
    retryBackoff: true,
    notify: true,
    expireInSeconds: 120,
    heartbeatSeconds: 10,
  },
  work: { batchSize: 10, localConcurrency: 2, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1 },
});

export const scheduleJobs: JobContract[] = [fireScheduleJob];

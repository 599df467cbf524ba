import { z } from "zod";
import { defineJob, type JobContract } from "../../jobs/registry";

// Contracts of the functions domain's jobs (handler: function.destination.ts, registered in
// jobs/catalog.ts).

/**
 * An asynchronous invocation that failed for good: Lambda's invocation record goes to the
 * function's on-failure destination. Idempotent (the destination invocation is deduplicated on the
 * delivery id), so pg-boss's at-least-once delivery sends one record.
 */
export const functionFailureRecordJob = defineJob({
  name: "functions.failure-record",
  schema: z.object({
    tenantId: z.string().min(1),
    functionArn: z.string().min(1),
    destinationArn: z.string().min(1),
    deliveryId: z.string().min(1),
    record: z.record(z.string(), z.unknown()),
  }),
  queue: { retryLimit: 10, retryDelay: 5, retryBackoff: true },
});

export const functionJobs: JobContract[] = [functionFailureRecordJob];

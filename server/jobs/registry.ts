import type { z } from "zod";
import type { Logger } from "../logger";

// A job has two halves that live apart, so that enqueueing never drags a handler (and everything
// it imports) into the enqueuer's import graph:
//  - its contract (`defineJob`): the pg-boss queue name, a zod payload schema (checked on send and
//    again in the worker, since a payload may have been written by an older version) and the
//    queue/work options. Contracts sit in small `<domain>.jobs.ts` files that import nothing but zod;
//    any module may import one to enqueue it (platform/enqueue.ts).
//  - its handler, registered against the contract in ONE worker-side catalog (jobs/catalog.ts).
//    Handlers must be safe to run twice (pg-boss delivers at least once).

export type JobContext = { jobId: string; log: Logger; retryCount: number };

export type JobContract<S extends z.ZodType = z.ZodType> = {
  name: string;
  schema: S;
  /** pg-boss queue options (retries, expiry, dead letter, notify). */
  queue?: {
    retryLimit?: number;
    retryDelay?: number;
    retryBackoff?: boolean;
    expireInSeconds?: number;
    heartbeatSeconds?: number;
    deleteAfterSeconds?: number;
    retentionSeconds?: number;
    notify?: boolean;
    policy?: "standard" | "short" | "singleton" | "stately";
  };
  /** pg-boss work options for the worker process. */
  work?: {
    batchSize?: number;
    localConcurrency?: number;
    pollingIntervalSeconds?: number;
    notifyPollingIntervalSeconds?: number;
    burstWhenBatchFull?: boolean;
  };
  /** Cron (UTC) for periodic jobs such as retention and roll-ups. */
  cron?: string;
};

/** What a contract's payload must look like when enqueued. */
export type PayloadOf<C extends JobContract> = z.input<C["schema"]>;

export type JobHandler<C extends JobContract = JobContract> = (
  data: z.output<C["schema"]>,
  ctx: JobContext,
) => Promise<void>;

/** A contract with its handler: what the worker runs. Only jobs/catalog.ts builds these. */
export type JobRegistration = { contract: JobContract; handler: JobHandler };

export function defineJob<S extends z.ZodType>(contract: JobContract<S>): JobContract<S> {
  return contract;
}

export function handle<C extends JobContract>(contract: C, handler: JobHandler<C>): JobRegistration {
  return { contract, handler: handler as JobHandler };
}

import type { z } from "zod";
import type { Logger } from "../logger";

// A job definition: one pg-boss queue, a zod payload schema (checked on send and again in the
// worker, since a payload may have been written by an older version), and a handler that must be
// safe to run twice (pg-boss delivers at least once).

export type JobContext = { jobId: string; log: Logger; retryCount: number };

export type JobDefinition<S extends z.ZodType = z.ZodType> = {
  name: string;
  schema: S;
  /** pg-boss queue options (retries, expiry, dead letter, notify). */
  queue?: {
    retryLimit?: number;
    retryDelay?: number;
    retryBackoff?: boolean;
    expireInSeconds?: number;
    deleteAfterSeconds?: number;
    retentionSeconds?: number;
    notify?: boolean;
    policy?: "standard" | "short" | "singleton" | "stately";
  };
  /** pg-boss work options for this process. */
  work?: { batchSize?: number; localConcurrency?: number; pollingIntervalSeconds?: number };
  /** Cron (UTC) for periodic jobs such as retention and roll-ups. */
  cron?: string;
  handler: (data: z.infer<S>, ctx: JobContext) => Promise<void>;
};

export function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> {
  return def;
}

import { z } from "zod";
import { defineJob, type JobContract } from "../../jobs/registry";

// Contracts of the schema registry's jobs (handler: discovery.ts, registered in jobs/catalog.ts).

/**
 * Folds the detail shapes a discoverer recorded into its discovered schemas (a new version when a
 * shape adds something). "short" policy + singletonKey = the discoverer: however many PutEvents
 * record shapes, at most one fold waits per discoverer, so discovery is debounced for free.
 */
export const foldShapesJob = defineJob({
  name: "schemas.fold-shapes",
  schema: z.object({ tenantId: z.string().min(1), discovererId: z.string().min(1), accountId: z.string().min(1) }),
  queue: { policy: "short", retryLimit: 5, retryDelay: 2, expireInSeconds: 120 },
  work: { localConcurrency: 1 },
});

export const schemaJobs: JobContract[] = [foldShapesJob];

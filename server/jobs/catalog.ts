import type { JobDefinition } from "./registry";
import { systemJobs } from "../domains/system/system.jobs";
import { queueJobs } from "../domains/queues/queue.jobs";
import { deliveryJobs } from "../domains/deliveries/delivery.jobs";

// Every job the worker runs: one line per domain.
export const JOBS: JobDefinition[] = [...systemJobs, ...queueJobs, ...deliveryJobs] as JobDefinition[];

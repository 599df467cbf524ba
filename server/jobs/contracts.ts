import type { JobContract } from "./registry";
import { systemJobs } from "../domains/system/system.jobs";
import { queueJobs } from "../domains/queues/queue.jobs";
import { deliveryJobs } from "../domains/deliveries/delivery.jobs";
import { eventJobs } from "../domains/events/events.jobs";
import { scheduleJobs } from "../domains/schedules/schedule.jobs";
import { functionJobs } from "../domains/functions/functions.jobs";
import { schemaJobs } from "../domains/schemas/schemas.jobs";
import { archiveJobs } from "../domains/archives/archives.jobs";
import { workflowJobs } from "../domains/workflows/workflows.jobs";
import { apiJobs } from "../domains/apis/apis.jobs";

// Every job contract, one line per domain: the processes that start (web, worker) create their
// pg-boss queues from this list. Contracts import nothing but zod, so this list drags in no handler.
export const CONTRACTS: JobContract[] = [
  ...systemJobs,
  ...queueJobs,
  ...deliveryJobs,
  ...eventJobs,
  ...scheduleJobs,
  ...functionJobs,
  ...schemaJobs,
  ...archiveJobs,
  ...workflowJobs,
  ...apiJobs,
];

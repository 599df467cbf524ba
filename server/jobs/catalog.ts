import type { JobDefinition } from "./registry";
import { systemJobs } from "../domains/system/system.jobs";

// Every job the worker runs: one line per domain.
export const JOBS: JobDefinition[] = [
  ...systemJobs,
] as JobDefinition[];

import type { FunctionRow } from "./function.repository";

// What REST and the console show of a function: never the sealed secret.
export function functionView(f: FunctionRow) {
  return {
    id: f.id,
    name: f.name,
    arn: f.arn,
    url: f.url,
    description: f.description,
    timeoutSeconds: f.timeoutSeconds,
    reservedConcurrency: f.reservedConcurrency,
    maximumRetryAttempts: f.maximumRetryAttempts,
    maximumEventAgeSeconds: f.maximumEventAgeSeconds,
    onFailureDestination: f.onFailureDestination,
    revisionId: f.revisionId,
    createdAt: f.createdAt.toISOString(),
    updatedAt: f.updatedAt.toISOString(),
  };
}

export type FunctionView = ReturnType<typeof functionView>;

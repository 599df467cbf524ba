import type { Queryable } from "../../../db";
import { startedActivityTask } from "../activity-tasks.repository";

// The history events of a Task state, named as AWS names them for what the Resource is: an
// activity (ActivityScheduled / ActivityStarted with the worker's name / ActivitySucceeded /
// ActivityFailed / ActivityTimedOut), a bare Lambda function ARN (LambdaFunctionScheduled /
// LambdaFunctionStarted / LambdaFunctionSucceeded / ...), or a service integration (TaskScheduled /
// TaskStarted / TaskSubmitted / TaskSucceeded / ...). Detail member names follow AWS's HistoryEvent.

export type TaskFamily = "task" | "activity" | "lambda";
export type HistoryEntry = { type: string; details: Record<string, unknown>; timestamp?: Date };

const ACTIVITY = /^arn:aws[\w-]*:states:[^:]*:\d*:activity:/;
const LAMBDA_FUNCTION = /^arn:aws[\w-]*:lambda:/;

export function familyOf(resource: string): TaskFamily {
  if (ACTIVITY.test(resource)) return "activity";
  if (LAMBDA_FUNCTION.test(resource)) return "lambda";
  return "task";
}

const data = (key: "input" | "output", value: unknown) => ({
  [key]: JSON.stringify(value ?? null),
  [`${key}Details`]: { truncated: false },
});

export type Scheduling = {
  resourceType: string;
  resource: string;
  /** The full Resource string (activity / function ARN). */
  fullResource: string;
  region: string;
  input: unknown;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  credentials?: unknown;
};

/** What is recorded when the task is handed out (before any outcome). */
export function scheduledEvents(family: TaskFamily, s: Scheduling): HistoryEntry[] {
  const timeout = s.timeoutSeconds !== undefined ? { timeoutInSeconds: s.timeoutSeconds } : {};
  const heartbeat = s.heartbeatSeconds !== undefined ? { heartbeatInSeconds: s.heartbeatSeconds } : {};
  const creds = s.credentials !== undefined ? { taskCredentials: s.credentials } : {};
  if (family === "activity")
    return [
      {
        type: "ActivityScheduled",
        details: {
          activityScheduledEventDetails: {
            resource: s.fullResource,
            ...data("input", s.input),
            ...timeout,
            ...heartbeat,
          },
        },
      },
    ];
  if (family === "lambda")
    return [
      {
        type: "LambdaFunctionScheduled",
        details: {
          lambdaFunctionScheduledEventDetails: {
            resource: s.fullResource,
            ...data("input", s.input),
            ...timeout,
            ...creds,
          },
        },
      },
      { type: "LambdaFunctionStarted", details: {} },
    ];
  return [
    {
      type: "TaskScheduled",
      details: {
        taskScheduledEventDetails: {
          resourceType: s.resourceType,
          resource: s.resource,
          region: s.region,
          parameters: JSON.stringify(s.input),
          ...timeout,
          ...heartbeat,
          ...creds,
        },
      },
    },
    {
      type: "TaskStarted",
      details: { taskStartedEventDetails: { resourceType: s.resourceType, resource: s.resource } },
    },
  ];
}

/** TaskSubmitted: a .sync / .waitForTaskToken integration accepted the request (its response as output). */
export function submittedEvent(resourceType: string, resource: string, output: unknown): HistoryEntry {
  return {
    type: "TaskSubmitted",
    details: { taskSubmittedEventDetails: { resourceType, resource, ...data("output", output) } },
  };
}

type Ended =
  | { kind: "succeeded"; output: unknown }
  | { kind: "failed"; error: string; cause: string }
  | { kind: "timedOut"; error: string; cause: string }
  | { kind: "scheduleFailed"; error: string; cause: string };

/** The event that ends the task. */
export function endEvent(family: TaskFamily, resourceType: string, resource: string, e: Ended): HistoryEntry {
  const prefix = family === "activity" ? "Activity" : family === "lambda" ? "LambdaFunction" : "Task";
  const key = family === "activity" ? "activity" : family === "lambda" ? "lambdaFunction" : "task";
  const common = family === "task" ? { resourceType, resource } : {};
  const suffix =
    e.kind === "succeeded"
      ? "Succeeded"
      : e.kind === "failed"
        ? "Failed"
        : e.kind === "timedOut"
          ? "TimedOut"
          : family === "task"
            ? "Failed"
            : "ScheduleFailed";
  const body =
    e.kind === "succeeded"
      ? { ...common, ...data("output", e.output) }
      : {
          ...common,
          ...(e.error !== undefined ? { error: e.error } : {}),
          ...(e.cause !== undefined ? { cause: e.cause } : {}),
        };
  return { type: `${prefix}${suffix}`, details: { [`${key}${suffix}EventDetails`]: body } };
}

/** ActivityStarted (with the worker's name, when it took the task), recorded before the activity's end. */
export async function activityStartedEvent(q: Queryable, token: string | undefined): Promise<HistoryEntry | null> {
  if (!token) return null;
  const started = await startedActivityTask(q, token);
  if (!started) return null;
  return {
    type: "ActivityStarted",
    timestamp: started.startedAt,
    details: { activityStartedEventDetails: started.workerName !== null ? { workerName: started.workerName } : {} },
  };
}

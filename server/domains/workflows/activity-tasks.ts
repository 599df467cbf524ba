import { assertCan, type Actor } from "../../auth/permissions";
import { AppError } from "../../core/errors";
import { pool, withTransaction } from "../../db";
import { env } from "../../env";
import { dropActivityTask, findActivityByArn, takeActivityTask } from "./activity-tasks.repository";
import { recordActivityStarted } from "./executor/activity-started";
import { subscribeActivity } from "./activity-tasks.notify";

// GetActivityTask: a tenant's worker long-polls an activity for up to 60 seconds (AWS's limit) and
// takes the oldest queued task with its token and input; after 60 seconds with nothing, the
// answer has no taskToken (AWS: "a taskToken with a null string"), so the worker polls again. The
// worker then calls SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat with the token (the
// executor's, token-generic). A poll whose client went away stops waiting and takes nothing.
// Taking a task writes ActivityStarted into its execution's history in the same transaction
// (executor/activity-started.ts); a task whose thread stopped waiting is dropped, not handed out.

export const ACTIVITY_POLL_SECONDS = 60;

export type ActivityCaller = { tenant: { id: string; accountId: string }; actor?: Actor };

export type ActivityTask = { taskToken?: string; input?: string };

const ACTIVITY_ARN = /^arn:aws[\w-]*:states:([\w-]+):(\d{12}):activity:([^:]+)$/;

export function invalidArn(arn: string): AppError {
  return new AppError(
    "validation",
    `Invalid Arn: 'Resource type not valid in this context: ${arn.split(":")[5] ?? ""}'`,
    {
      awsCode: "InvalidArn",
    },
  );
}

export function activityDoesNotExist(arn: string): AppError {
  return new AppError("not_found", `Activity Does Not Exist: '${arn}'`, { awsCode: "ActivityDoesNotExist" });
}

export async function getActivityTask(
  caller: ActivityCaller,
  input: { activityArn: string; workerName?: string },
  opts: { signal?: AbortSignal; waitMs?: number } = {},
): Promise<ActivityTask> {
  if (caller.actor) assertCan(caller.actor.role, "resource:write");
  if (input.workerName !== undefined && input.workerName.length > 80)
    throw new AppError(
      "validation",
      `1 validation error detected: Value '${input.workerName}' at 'workerName' failed to satisfy constraint: Member must have length less than or equal to 80`,
      { awsCode: "ValidationException" },
    );
  const m = ACTIVITY_ARN.exec(input.activityArn);
  if (!m) throw invalidArn(input.activityArn);
  if (m[2] !== caller.tenant.accountId || m[1] !== env().SIGNALBOX_REGION)
    throw activityDoesNotExist(input.activityArn);
  const activity = await findActivityByArn(pool(), caller.tenant.id, input.activityArn);
  if (!activity) throw activityDoesNotExist(input.activityArn);

  const deadline = Date.now() + (opts.waitMs ?? ACTIVITY_POLL_SECONDS * 1000);
  const sub = await subscribeActivity(activity.id);
  try {
    while (!opts.signal?.aborted) {
      const task = await takeOne(activity.id, input.workerName ?? null);
      if (task) return task;
      const left = deadline - Date.now();
      if (left <= 0) break;
      await sub.wait(left, opts.signal);
    }
  } finally {
    sub.close();
  }
  return {};
}

/** Takes the oldest live task and records ActivityStarted with it; skips tasks nobody waits on any more. */
async function takeOne(activityId: string, workerName: string | null): Promise<ActivityTask | null> {
  for (;;) {
    const r = await withTransaction(async (tx) => {
      const task = await takeActivityTask(tx, activityId, workerName);
      if (!task) return null;
      const started = await recordActivityStarted(tx, task.taskToken, workerName, task.startedAt);
      if (started === "gone") {
        await dropActivityTask(tx, task.taskToken);
        return "again" as const;
      }
      return { taskToken: task.taskToken, input: task.input };
    });
    if (r !== "again") return r;
  }
}

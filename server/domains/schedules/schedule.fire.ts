import { withTransaction } from "../../db";
import { gated } from "../../platform/tx-gate";
import type { JobContext } from "../../jobs/registry";
import { createInvocations, type Invocation } from "../deliveries/invocations";
import type { TargetKindName } from "../deliveries/targets/target";
import { getTimer } from "../timers/timer.service";
import {
  applyContextAttributes,
  executionIdOf,
  hasAttemptNumber,
  quoteBareAttemptNumber,
} from "../../core/schedule/context-attributes";
import * as repo from "./schedule.repository";
import { deleteCompletedSchedule, scheduleTargetKind } from "./schedule.service";

// The `scheduler.fire-schedule` job: one per fire time of a schedule (enqueued exactly once by the
// timer loop). It invokes the target through the delivery engine as an invocation with source
// kind `schedule` and the schedule's ARN as source, idempotent on `${scheduleArn}:${fireTime}`, so
// a job pg-boss runs twice (a worker died after committing) invokes once. Local targets (a queue,
// a topic) are delivered inside this transaction; the engine retries per the target's
// RetryPolicy and sends what it gives up on to the DeadLetterConfig queue.
//
// Input: AWS's context attributes are replaced (core/schedule/context-attributes.ts); the attempt
// number by the engine on each attempt (params.attemptNumber marks the payloads that carry it).
// Without Input, a queue/topic/function receives "{}" and a bus event's detail is {}.
//
// ActionAfterCompletion DELETE: when the schedule has no further fire time (an `at` schedule after
// its one fire, a recurring one past its EndDate), it is deleted in the same transaction.

function detailOf(input: string | undefined): unknown {
  if (input === undefined) return {};
  try {
    return JSON.parse(quoteBareAttemptNumber(input));
  } catch {
    return {};
  }
}

export function invocationOf(s: repo.ScheduleRow, fireTime: Date): Invocation {
  const kind = scheduleTargetKind(s.target.Arn);
  if (!kind) throw new Error(`schedule ${s.arn} has a target Signalbox cannot invoke`);
  const iso = fireTime.toISOString();
  const executionId = executionIdOf(s.arn, iso);
  const input =
    s.target.Input === undefined
      ? undefined
      : applyContextAttributes(s.target.Input, {
          scheduleArn: s.arn,
          scheduledTime: fireTime,
          executionId,
        });
  let params: Record<string, unknown> = {};
  let payload = input ?? "{}";
  if (kind === "queue") {
    // Scheduler sets no deduplication id: a FIFO queue needs content-based deduplication.
    params = { messageGroupId: s.target.SqsParameters?.MessageGroupId, messageDeduplicationId: null };
  } else if (kind === "workflow") {
    // StartExecution with the Input as the execution's input; the RoleArn is kept as AWS requires it.
    params = { roleArn: s.target.RoleArn };
  } else if (kind === "event-bus") {
    // PutEvents with EventBridgeParameters: the Input is the event's detail, the schedule its resource.
    payload = JSON.stringify({
      source: s.target.EventBridgeParameters?.Source,
      "detail-type": s.target.EventBridgeParameters?.DetailType,
      detail: detailOf(input),
      resources: [s.arn],
      time: iso.replace(/\.\d{3}Z$/, "Z"),
    });
  }
  // <aws.scheduler.attempt-number> stays in the payload: the engine writes each attempt's number.
  if (hasAttemptNumber(payload)) params = { ...params, attemptNumber: true };
  return {
    tenantId: s.tenant_id,
    sourceKind: "schedule",
    sourceArn: s.arn,
    targetKind: kind as TargetKindName,
    targetArn: s.target.Arn,
    targetId: s.name,
    payload,
    params,
    eventId: executionId,
    eventTime: fireTime,
    retryPolicy: s.target.RetryPolicy ?? null,
    deadLetterArn: s.target.DeadLetterConfig?.Arn ?? null,
    deadLetterStyle: "scheduler",
    dedupeKey: `${s.arn}:${iso}`,
  };
}

export async function runFireSchedule(
  data: { tenantId: string; ownerId: string; fireTime: string },
  ctx?: Pick<JobContext, "log">,
): Promise<void> {
  const fireTime = new Date(data.fireTime);
  await gated(() =>
    withTransaction(async (tx) => {
      const s = await repo.findScheduleById(tx, data.tenantId, data.ownerId, { forUpdate: true });
      // Deleted or disabled since the fire was enqueued: AWS invokes nothing then either.
      if (!s || s.state !== "ENABLED") return;
      const [res] = await createInvocations(tx, [invocationOf(s, fireTime)]);
      ctx?.log.info(
        { schedule: s.arn, fireTime: data.fireTime, delivery: res?.deliveryId, status: res?.status },
        "schedule fired",
      );
      if (s.action_after_completion === "DELETE") {
        // A one-time schedule is complete once its fire is made (its timer may still hold that fire
        // time when the job runs first); a recurring one when its timer has no further fire time.
        const oneTime = s.schedule_expression.startsWith("at(");
        const timer = oneTime ? null : await getTimer(tx, "schedule", s.id);
        if (oneTime || !timer || timer.next_fire_at === null) await deleteCompletedSchedule(tx, s);
      }
    }),
  );
}

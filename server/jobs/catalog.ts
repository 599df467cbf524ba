import { handle, type JobRegistration } from "./registry";
import { pruneLoginAttempts, vacuumHotTables } from "../domains/system/system.jobs";
import { runPruneLoginAttempts } from "../domains/system/system.maintenance";
import { runVacuumRound } from "../domains/system/vacuum";
import { BOSS_SCHEMA } from "./boss";
import { queueMetricsRollup, queueMoveTask, queueRetention } from "../domains/queues/queue.jobs";
import { runQueueMetricsRollup, runQueueRetention } from "../domains/queues/queue.maintenance";
import { runMoveTaskJob } from "../domains/queues/move-tasks";
import {
  confirmJob,
  deliverJob,
  fanoutJob,
  resendJob,
  retentionJob,
  unsubscribeConfirmJob,
} from "../domains/deliveries/delivery.jobs";
import { runFanout } from "../domains/deliveries/fanout";
import { runDeliver } from "../domains/deliveries/deliver";
import { sendConfirmation, sendUnsubscribeConfirmation } from "../domains/deliveries/confirmation";
import { runResend } from "../domains/deliveries/resend";
import { runRetention } from "../domains/deliveries/retention";
import { functionFailureRecordJob } from "../domains/functions/functions.jobs";
import { runFailureRecord } from "../domains/functions/function.destination";
import { eventRetentionJob, fireRuleScheduleJob, routeEventsJob } from "../domains/events/events.jobs";
import { runRouteEvents } from "../domains/events/rule-route";
import { runFireRuleSchedule } from "../domains/events/rule-fire";
import { runEventRetention } from "../domains/events/events.maintenance";
import { fireScheduleJob } from "../domains/schedules/schedule.jobs";
import { runFireSchedule } from "../domains/schedules/schedule.fire";
import { foldShapesJob } from "../domains/schemas/schemas.jobs";
import { runFoldShapes } from "../domains/schemas/discovery";
import { archiveRetentionJob, replayJob } from "../domains/archives/archives.jobs";
import { runReplay } from "../domains/archives/replay.run";
import { runArchiveRetention } from "../domains/archives/archive.retention";
import { executionRetentionJob, runTaskJob, stopChildrenJob } from "../domains/workflows/workflows.jobs";
import { runExecutionRetention } from "../domains/workflows/execution.retention";
import { runRemoteTask } from "../domains/workflows/executor/runner";
import { runStopChildren } from "../domains/workflows/executor/abort";
import { apiMetricsRetentionJob } from "../domains/apis/apis.jobs";
import { runApiMetricsRetention } from "../domains/apis/metrics/retention";

// The worker's catalog: every contract (jobs/contracts.ts) with its handler. Only the worker
// imports this file; nothing it imports may import it back (no cycles: eslint import-x/no-cycle).
export const HANDLERS: JobRegistration[] = [
  handle(pruneLoginAttempts, runPruneLoginAttempts),
  handle(vacuumHotTables, async () => {
    await runVacuumRound(BOSS_SCHEMA);
  }),
  handle(queueRetention, runQueueRetention),
  handle(queueMetricsRollup, runQueueMetricsRollup),
  handle(queueMoveTask, runMoveTaskJob),
  handle(fanoutJob, runFanout),
  handle(deliverJob, runDeliver),
  handle(confirmJob, sendConfirmation),
  handle(unsubscribeConfirmJob, sendUnsubscribeConfirmation),
  handle(resendJob, runResend),
  handle(retentionJob, (_data, ctx) => runRetention(ctx)),
  handle(functionFailureRecordJob, runFailureRecord),
  handle(fireRuleScheduleJob, runFireRuleSchedule),
  handle(routeEventsJob, runRouteEvents),
  handle(eventRetentionJob, async () => {
    await runEventRetention();
  }),
  handle(fireScheduleJob, runFireSchedule),
  handle(foldShapesJob, runFoldShapes),
  handle(replayJob, runReplay),
  handle(runTaskJob, runRemoteTask),
  handle(stopChildrenJob, runStopChildren),
  handle(executionRetentionJob, async () => {
    await runExecutionRetention();
  }),
  handle(apiMetricsRetentionJob, async (_data, ctx) => {
    ctx.log.info(await runApiMetricsRetention(), "api metrics retention done");
  }),
  handle(archiveRetentionJob, async (data, ctx) => {
    await runArchiveRetention(data, ctx);
  }),
];

import { listQueueActivity } from "./queue.activity";
import { router, tenantProcedure } from "../../trpc/trpc";
import {
  browseQueue,
  cancelMoveTaskFromConsole,
  changeVisibilityFromConsole,
  createQueueFromConsole,
  deadLetterSourcesOf,
  deleteFromConsole,
  deleteQueueFromConsole,
  getQueueDetail,
  listMoveTasksFromConsole,
  listQueuesWithStats,
  purgeQueueFromConsole,
  queueMetrics,
  receiveFromConsole,
  sendFromConsole,
  startMoveTaskFromConsole,
  updateQueueFromConsole,
  tagQueueFromConsole,
  untagQueueFromConsole,
  addPermissionFromConsole,
  removePermissionFromConsole,
} from "./queue.console";
import {
  browseInput,
  cancelMoveTaskInput,
  changeVisibilityInput,
  createQueueInput,
  metricsInput,
  queueRefInput,
  queueSettingsInput,
  receiptInput,
  receiveMessagesInput,
  sendMessageInput,
  startMoveTaskInput,
  tagInput,
  untagInput,
  addPermissionInput,
  removePermissionInput,
} from "./queue.schemas";

// The console's queue procedures. Thin: parse (zod gives field errors), call one use case.
export const queueRouter = router({
  list: tenantProcedure.query(({ ctx }) => listQueuesWithStats(ctx.actor, ctx.tenant.id)),
  // Sparklines and last activity for the list: [{queueId, sentPerHour[24], receivedPerHour[24], sent24h, lastActivityAt}]
  activity: tenantProcedure.query(({ ctx }) => listQueueActivity(ctx.actor, ctx.tenant.id)),
  get: tenantProcedure
    .input(queueRefInput)
    .query(({ ctx, input }) => getQueueDetail(ctx.actor, ctx.tenant.id, input.name)),
  create: tenantProcedure
    .input(createQueueInput)
    .mutation(({ ctx, input }) => createQueueFromConsole(ctx.actor, ctx.tenant.id, input)),
  updateAttributes: tenantProcedure.input(queueRefInput.merge(queueSettingsInput)).mutation(({ ctx, input }) => {
    const { name, ...settings } = input;
    return updateQueueFromConsole(ctx.actor, ctx.tenant.id, name, settings);
  }),
  delete: tenantProcedure
    .input(queueRefInput)
    .mutation(({ ctx, input }) => deleteQueueFromConsole(ctx.actor, ctx.tenant.id, input.name)),
  purge: tenantProcedure
    .input(queueRefInput)
    .mutation(({ ctx, input }) => purgeQueueFromConsole(ctx.actor, ctx.tenant.id, input.name)),
  send: tenantProcedure
    .input(sendMessageInput)
    .mutation(({ ctx, input }) => sendFromConsole(ctx.actor, ctx.tenant.id, input)),
  receive: tenantProcedure
    .input(receiveMessagesInput)
    .mutation(({ ctx, input, signal }) => receiveFromConsole(ctx.actor, ctx.tenant.id, input, signal)),
  deleteMessage: tenantProcedure
    .input(receiptInput)
    .mutation(({ ctx, input }) => deleteFromConsole(ctx.actor, ctx.tenant.id, input.name, input.receiptHandle)),
  changeVisibility: tenantProcedure
    .input(changeVisibilityInput)
    .mutation(({ ctx, input }) =>
      changeVisibilityFromConsole(ctx.actor, ctx.tenant.id, input.name, input.receiptHandle, input.visibilityTimeout),
    ),
  browse: tenantProcedure.input(browseInput).query(({ ctx, input }) => browseQueue(ctx.actor, ctx.tenant.id, input)),
  deadLetterSources: tenantProcedure
    .input(queueRefInput)
    .query(({ ctx, input }) => deadLetterSourcesOf(ctx.actor, ctx.tenant.id, input.name)),
  startMoveTask: tenantProcedure
    .input(startMoveTaskInput)
    .mutation(({ ctx, input }) => startMoveTaskFromConsole(ctx.actor, ctx.tenant.id, input)),
  listMoveTasks: tenantProcedure
    .input(queueRefInput)
    .query(({ ctx, input }) => listMoveTasksFromConsole(ctx.actor, ctx.tenant.id, input.name)),
  cancelMoveTask: tenantProcedure
    .input(cancelMoveTaskInput)
    .mutation(({ ctx, input }) => cancelMoveTaskFromConsole(ctx.actor, ctx.tenant.id, input.taskHandle)),
  tag: tenantProcedure
    .input(tagInput)
    .mutation(({ ctx, input }) => tagQueueFromConsole(ctx.actor, ctx.tenant.id, input.name, input.tags)),
  untag: tenantProcedure
    .input(untagInput)
    .mutation(({ ctx, input }) => untagQueueFromConsole(ctx.actor, ctx.tenant.id, input.name, input.keys)),
  addPermission: tenantProcedure
    .input(addPermissionInput)
    .mutation(({ ctx, input }) => addPermissionFromConsole(ctx.actor, ctx.tenant.id, input)),
  removePermission: tenantProcedure
    .input(removePermissionInput)
    .mutation(({ ctx, input }) => removePermissionFromConsole(ctx.actor, ctx.tenant.id, input.name, input.label)),
  metrics: tenantProcedure
    .input(metricsInput)
    .query(({ ctx, input }) => queueMetrics(ctx.actor, ctx.tenant.id, input.name, input.hours)),
});

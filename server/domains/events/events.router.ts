import { z } from "zod";
import { router, tenantProcedure } from "../../trpc/trpc";
import {
  busRef,
  createBusInput,
  eventSearchInput,
  putEventInput,
  putRuleInput,
  putTargetInput,
  ruleMetricsInput,
  ruleRef,
} from "./events.console-schemas";
import {
  consoleBus,
  consoleBuses,
  consoleCreateBus,
  consoleDeleteBus,
  consoleDeleteRule,
  consoleEvent,
  consoleEvents,
  consoleGrant,
  consolePutEvent,
  consolePutRule,
  consolePutTarget,
  consoleRemoveTarget,
  consoleRevoke,
  consoleRule,
  consoleRuleMetrics,
  consoleRules,
  consoleSetRuleState,
} from "./events.console";
import {
  consoleArchives,
  consoleCancelReplay,
  consoleCreateArchive,
  consoleDeleteArchive,
  consoleStartReplay,
} from "./events.console-archives";
import { consoleSchema, consoleSchemas, consoleSetDiscovery } from "./events.console-schemas-browser";
import { consoleCreateSchedule, consoleDeleteSchedule, consoleSchedules } from "./events.console-schedules";
import { connectionProcedures } from "./events.router-connections";

// eventsRouter (`trpc.events.*`): every input also carries `tenant`. Shapes: components/events/types.ts.
//   buses()                                   → BusView[] (the default bus first; created on demand)
//   bus({bus})                                → BusView
//   createBus({name, description?})           → BusView            deleteBus({bus}) → {deleted}
//   grant({bus, principal, statementId})      → BusView (PutPermission events:PutEvents)
//   revoke({bus, statementId})                → BusView (RemovePermission)
//   rules({bus})                              → RuleView[]
//   rule({bus, rule})                         → RuleView + targets: TargetView[]
//   putRule({bus, name, description?, eventPattern?, scheduleExpression?, state}) → RuleView
//   setRuleState({bus, rule, enabled})        → RuleView
//   deleteRule({bus, rule, force?})           → {deleted}  (force: removes the targets first)
//   putTarget({bus, rule, target})            → TargetView  (AWS's per-entry failure becomes a field error)
//   removeTarget({bus, rule, id})             → {removed}
//   putEvent({bus, source, detailType, detail, resources?}) → {eventId}  (PutEvents, one entry)
//   events({bus, source?, detailType?, id?, from?, to?, cursor?, limit?}) → {items: EventSummary[], nextCursor}
//   event({bus, id})                          → EventDetail (rules matched, target invocations and attempts)
//   archives({bus})                           → {archives: [archive + eventCount, sizeBytes], replays} (this bus's)
//   createArchive({bus, name, description?, eventPattern?, retentionDays?})  deleteArchive({bus, name})
//   startReplay({bus, name, archiveArn, from, to, ruleArns?})  → replay   cancelReplay({bus, name}) → replay
//   schemas({bus})                            → {discoverer: {id, arn, state} | null, schemas: [discovered schemas]}
//   setDiscovery({bus, started})              → {state}  (creates the bus's discoverer on first start)
//   schema({name, version?})                  → {name, version, versions, typescript, jsonSchema, openApi (files)}
//   schedules()                               → EventBridge Scheduler schedules with their next fire time
//   createSchedule({name, group?, expression, timezone, startDate?, endDate?, flexibleWindowMinutes?, enabled,
//                   deleteAfterCompletion, targetArn, input?, messageGroupId?, retry…, deadLetterArn?}) → schedule
//   deleteSchedule({name, group})             → {deleted}
//   ruleMetrics({bus, rule, from, to})        → {from (zoomed), bucketSeconds, points, totals} as AWS/Events names them
//   connections, API destinations, updateSchedule, setScheduleState: events.router-connections.ts
export const eventsRouter = router({
  ...connectionProcedures,
  buses: tenantProcedure.query(({ ctx }) => consoleBuses(ctx.actor, ctx.tenant)),
  bus: tenantProcedure.input(busRef).query(({ ctx, input }) => consoleBus(ctx.actor, ctx.tenant, input.bus)),
  createBus: tenantProcedure
    .input(createBusInput)
    .mutation(({ ctx, input }) => consoleCreateBus(ctx.actor, ctx.tenant, input)),
  deleteBus: tenantProcedure
    .input(busRef)
    .mutation(({ ctx, input }) => consoleDeleteBus(ctx.actor, ctx.tenant, input.bus)),
  grant: tenantProcedure
    .input(
      busRef.extend({
        principal: z.string().trim().min(1, "Say which account may put events."),
        statementId: z.string().trim().min(1, "Name the statement.").max(64),
      }),
    )
    .mutation(({ ctx, input }) => consoleGrant(ctx.actor, ctx.tenant, input)),
  revoke: tenantProcedure
    .input(busRef.extend({ statementId: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) => consoleRevoke(ctx.actor, ctx.tenant, input)),
  rules: tenantProcedure.input(busRef).query(({ ctx, input }) => consoleRules(ctx.actor, ctx.tenant, input.bus)),
  rule: tenantProcedure.input(ruleRef).query(({ ctx, input }) => consoleRule(ctx.actor, ctx.tenant, input)),
  putRule: tenantProcedure
    .input(putRuleInput)
    .mutation(({ ctx, input }) => consolePutRule(ctx.actor, ctx.tenant, input)),
  setRuleState: tenantProcedure
    .input(ruleRef.extend({ enabled: z.boolean() }))
    .mutation(({ ctx, input }) => consoleSetRuleState(ctx.actor, ctx.tenant, input)),
  deleteRule: tenantProcedure
    .input(ruleRef.extend({ force: z.boolean().optional() }))
    .mutation(({ ctx, input }) => consoleDeleteRule(ctx.actor, ctx.tenant, input)),
  putTarget: tenantProcedure
    .input(putTargetInput)
    .mutation(({ ctx, input }) => consolePutTarget(ctx.actor, ctx.tenant, input)),
  removeTarget: tenantProcedure
    .input(ruleRef.extend({ id: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) => consoleRemoveTarget(ctx.actor, ctx.tenant, input)),
  putEvent: tenantProcedure
    .input(putEventInput)
    .mutation(({ ctx, input }) => consolePutEvent(ctx.actor, ctx.tenant, input)),
  events: tenantProcedure
    .input(eventSearchInput)
    .query(({ ctx, input }) => consoleEvents(ctx.actor, ctx.tenant, input)),
  event: tenantProcedure
    .input(busRef.extend({ id: z.string().min(1).max(128) }))
    .query(({ ctx, input }) => consoleEvent(ctx.actor, ctx.tenant, input)),
  archives: tenantProcedure.input(busRef).query(({ ctx, input }) => consoleArchives(ctx.actor, ctx.tenant, input.bus)),
  createArchive: tenantProcedure
    .input(
      busRef.extend({
        name: z.string().trim().min(1, "Give the archive a name.").max(48, "Archive names are at most 48 characters."),
        description: z.string().max(512).optional(),
        eventPattern: z.string().max(4096).optional(),
        retentionDays: z.number().int().min(0, "Retention is 0 (forever) or more days.").optional(),
      }),
    )
    .mutation(({ ctx, input }) => consoleCreateArchive(ctx.actor, ctx.tenant, input)),
  deleteArchive: tenantProcedure
    .input(busRef.extend({ name: z.string().min(1).max(48) }))
    .mutation(({ ctx, input }) => consoleDeleteArchive(ctx.actor, ctx.tenant, input.name)),
  startReplay: tenantProcedure
    .input(
      busRef.extend({
        name: z.string().trim().min(1, "Give the replay a name.").max(64, "Replay names are at most 64 characters."),
        archiveArn: z.string().min(1, "Pick the archive to replay."),
        from: z.coerce.date({ message: "Pick when the window starts." }),
        to: z.coerce.date({ message: "Pick when the window ends." }),
        ruleArns: z.array(z.string().max(1600)).max(100).optional(),
        description: z.string().max(512).optional(),
      }),
    )
    .mutation(({ ctx, input }) => consoleStartReplay(ctx.actor, ctx.tenant, input)),
  cancelReplay: tenantProcedure
    .input(busRef.extend({ name: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) => consoleCancelReplay(ctx.actor, ctx.tenant, input.name)),
  schemas: tenantProcedure.input(busRef).query(({ ctx, input }) => consoleSchemas(ctx.actor, ctx.tenant, input.bus)),
  setDiscovery: tenantProcedure
    .input(busRef.extend({ started: z.boolean() }))
    .mutation(({ ctx, input }) => consoleSetDiscovery(ctx.actor, ctx.tenant, input.bus, input.started)),
  schema: tenantProcedure
    .input(z.object({ name: z.string().min(1).max(385), version: z.string().max(32).optional() }))
    .query(({ ctx, input }) => consoleSchema(ctx.actor, ctx.tenant, input)),
  schedules: tenantProcedure.query(({ ctx }) => consoleSchedules(ctx.actor, ctx.tenant)),
  createSchedule: tenantProcedure
    .input(
      z.object({
        name: z
          .string()
          .trim()
          .min(1, "Give the schedule a name.")
          .max(64, "Schedule names are at most 64 characters.")
          .regex(/^[0-9a-zA-Z-_.]+$/, "Use letters, digits, and . - _ only."),
        group: z.string().max(64).optional(),
        description: z.string().max(512).optional(),
        expression: z.string().trim().min(1, "Say when it fires: at(…), rate(…) or cron(…).").max(256),
        timezone: z.string().min(1).max(50),
        startDate: z.coerce.date().optional(),
        endDate: z.coerce.date().optional(),
        flexibleWindowMinutes: z
          .number()
          .int()
          .min(1, "1 to 1,440 minutes.")
          .max(1440, "1 to 1,440 minutes.")
          .optional(),
        enabled: z.boolean(),
        deleteAfterCompletion: z.boolean(),
        targetArn: z.string().trim().min(1, "Pick where the schedule sends its input.").max(1600),
        input: z.string().max(8192).optional(),
        messageGroupId: z.string().max(128).optional(),
        // an event bus target's EventBridgeParameters (Scheduler requires both)
        detailType: z.string().trim().min(1, "Give the event a detail type.").max(128).optional(),
        eventSource: z.string().trim().min(1, "Give the event a source.").max(256).optional(),
        maximumRetryAttempts: z.number().int().min(0).max(185).optional(),
        maximumEventAgeInSeconds: z.number().int().min(60).max(86400).optional(),
        deadLetterArn: z.string().max(1600).optional(),
      }),
    )
    .mutation(({ ctx, input }) => consoleCreateSchedule(ctx.actor, ctx.tenant, input)),
  deleteSchedule: tenantProcedure
    .input(z.object({ name: z.string().min(1).max(64), group: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) => consoleDeleteSchedule(ctx.actor, ctx.tenant, input)),
  ruleMetrics: tenantProcedure
    .input(ruleMetricsInput)
    .query(({ ctx, input }) => consoleRuleMetrics(ctx.actor, ctx.tenant, input)),
});

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
//   ruleMetrics({bus, rule, from, to})        → {from (zoomed), bucketSeconds, points, totals} as AWS/Events names them
export const eventsRouter = router({
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
  ruleMetrics: tenantProcedure
    .input(ruleMetricsInput)
    .query(({ ctx, input }) => consoleRuleMetrics(ctx.actor, ctx.tenant, input)),
});

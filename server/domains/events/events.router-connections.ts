import { z } from "zod";
import { tenantProcedure } from "../../trpc/trpc";
import {
  apiDestinationInput,
  connectionRef,
  consoleConnections,
  consoleCreateApiDestination,
  consoleCreateConnection,
  consoleDeauthorizeConnection,
  consoleDeleteApiDestination,
  consoleDeleteConnection,
  consoleUpdateApiDestination,
  consoleUpdateConnection,
  createConnectionInput,
  updateConnectionInput,
} from "./events.console-connections";
import { consoleSetScheduleState, consoleUpdateSchedule } from "./events.console-schedules";

// More of eventsRouter (`trpc.events.*`, spread into events.router.ts): connections, API
// destinations and schedule edits. Every input also carries `tenant`.
//   connections()                          → {connections: [view + destinations (count)], apiDestinations: [view]}
//   createConnection({name, description?, authorizationType, apiKeyName?, apiKeyValue?, username?, password?,
//                     clientId?, clientSecret?, authorizationEndpoint?, oauthHttpMethod?}) → view (no secrets)
//   updateConnection({…same; a blank secret keeps the stored one})   → view
//   deauthorizeConnection({name}) → view        deleteConnection({name}) → {deleted}
//   createApiDestination({name, description?, connectionArn, endpoint, httpMethod, rateLimit?}) → view
//   updateApiDestination({…same})  → view       deleteApiDestination({name}) → {deleted}
//   updateSchedule({name, group, expression, timezone, input?, flexibleWindowMinutes?, enabled}) → schedule
//   setScheduleState({name, group, enabled}) → schedule
const scheduleRef = { name: z.string().min(1).max(64), group: z.string().min(1).max(64) };

export const connectionProcedures = {
  connections: tenantProcedure.query(({ ctx }) => consoleConnections(ctx.actor, ctx.tenant)),
  createConnection: tenantProcedure
    .input(createConnectionInput)
    .mutation(({ ctx, input }) => consoleCreateConnection(ctx.actor, ctx.tenant, input)),
  updateConnection: tenantProcedure
    .input(updateConnectionInput)
    .mutation(({ ctx, input }) => consoleUpdateConnection(ctx.actor, ctx.tenant, input)),
  deauthorizeConnection: tenantProcedure
    .input(connectionRef)
    .mutation(({ ctx, input }) => consoleDeauthorizeConnection(ctx.actor, ctx.tenant, input.name)),
  deleteConnection: tenantProcedure
    .input(connectionRef)
    .mutation(({ ctx, input }) => consoleDeleteConnection(ctx.actor, ctx.tenant, input.name)),
  createApiDestination: tenantProcedure
    .input(apiDestinationInput)
    .mutation(({ ctx, input }) => consoleCreateApiDestination(ctx.actor, ctx.tenant, input)),
  updateApiDestination: tenantProcedure
    .input(apiDestinationInput)
    .mutation(({ ctx, input }) => consoleUpdateApiDestination(ctx.actor, ctx.tenant, input)),
  deleteApiDestination: tenantProcedure
    .input(connectionRef)
    .mutation(({ ctx, input }) => consoleDeleteApiDestination(ctx.actor, ctx.tenant, input.name)),
  updateSchedule: tenantProcedure
    .input(
      z.object({
        ...scheduleRef,
        expression: z.string().trim().min(1, "Say when it fires: at(…), rate(…) or cron(…).").max(256),
        timezone: z.string().min(1, "Pick a time zone.").max(50),
        input: z.string().max(8192, "Inputs are at most 8,192 characters.").optional(),
        flexibleWindowMinutes: z
          .number({ message: "1 to 1,440 minutes." })
          .int("1 to 1,440 minutes.")
          .min(1, "1 to 1,440 minutes.")
          .max(1440, "1 to 1,440 minutes.")
          .optional(),
        enabled: z.boolean(),
      }),
    )
    .mutation(({ ctx, input }) => consoleUpdateSchedule(ctx.actor, ctx.tenant, input)),
  setScheduleState: tenantProcedure
    .input(z.object({ ...scheduleRef, enabled: z.boolean() }))
    .mutation(({ ctx, input }) => consoleSetScheduleState(ctx.actor, ctx.tenant, input)),
};

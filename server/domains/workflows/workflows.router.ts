import { z } from "zod";
import { router, tenantProcedure } from "../../trpc/trpc";
import {
  aliasInput,
  createMachineInput,
  executionRef,
  executionsInput,
  machineName,
  machineRef,
  startExecutionInput,
  stopExecutionInput,
  taskFailureInput,
  taskSuccessInput,
  testStateInput,
  updateMachineInput,
  updateMapRunInput,
} from "./workflows.console-schemas";
import {
  consoleCreateAlias,
  consoleCreateMachine,
  consoleDeleteAlias,
  consoleDeleteMachine,
  consoleExecution,
  consoleExecutions,
  consoleMachine,
  consoleMachines,
  consoleMapRunExecutions,
  consoleMapRuns,
  consolePublishVersion,
  consoleRedriveExecution,
  consoleSendTaskFailure,
  consoleSendTaskSuccess,
  consoleStartExecution,
  consoleStopExecution,
  consoleTestState,
  consoleUpdateMachine,
  consoleUpdateMapRun,
  consoleValidate,
} from "./workflows.console";

// workflowsRouter (`trpc.workflows.*`): every input also carries `tenant`. Shapes: workflows.console-views.ts.
// Viewers read; developers and up act (the services check through server/auth/permissions).
//   machines()                                   → MachineSummary[] (with version/alias counts, latest execution)
//   machine({machine})                           → MachineDetail (definition, versions, aliases)
//   validate({definition})                       → {result, diagnostics[{severity, code, message, location}]}
//   createMachine({name, type, definition, roleArn?, description?}) → MachineSummary
//   updateMachine({machine, definition, publish?, versionDescription?}) → {revisionId, versionArn}
//   deleteMachine({machine})                     → {deleted}
//   publishVersion({machine, description?})      → {versionArn}
//   createAlias({machine, name, version, description?}) → {aliasArn}     deleteAlias({machine, name}) → {deleted}
//   executions({machine?, status?, namePrefix?, startedAfter?, startedBefore?, cursor?, limit?})
//                                                → ExecutionPage {items (newest first), nextCursor} (one tenant-wide query)
//   execution({machine, execution, mapRun?})     → ExecutionDetail (history events, waiting task tokens, parent map run)
//   mapRuns({machine, execution})                → MapRunView[] (ListMapRuns + DescribeMapRun)
//   mapRunExecutions({machine, execution, mapRunArn, cursor?}) → ExecutionPage (the map run's children)
//   updateMapRun({machine, execution, mapRunArn, maxConcurrency?, toleratedFailurePercentage?, toleratedFailureCount?}) → MapRunView
//   startExecution({machine, qualifier?, name?, input}) → {executionArn, name}
//   stopExecution({machine, execution, error?, cause?}) → {stopDate}
//   redriveExecution({machine, execution})       → {redriveDate}
//   sendTaskSuccess({machine, execution, taskToken, output}) / sendTaskFailure({…, error?, cause?}) → {sent}
//   testState({definition, input, roleArn?, variables?}) → TestStateView (TestState, inspection level DEBUG)
export const workflowsRouter = router({
  machines: tenantProcedure.query(({ ctx }) => consoleMachines(ctx.actor, ctx.tenant)),
  machine: tenantProcedure
    .input(machineRef)
    .query(({ ctx, input }) => consoleMachine(ctx.actor, ctx.tenant, input.machine)),
  validate: tenantProcedure
    .input(z.object({ definition: z.string().max(1_048_576) }))
    .query(({ ctx, input }) => consoleValidate(ctx.actor, ctx.tenant, input.definition)),
  createMachine: tenantProcedure
    .input(createMachineInput)
    .mutation(({ ctx, input }) => consoleCreateMachine(ctx.actor, ctx.tenant, input)),
  updateMachine: tenantProcedure
    .input(updateMachineInput)
    .mutation(({ ctx, input }) => consoleUpdateMachine(ctx.actor, ctx.tenant, input)),
  deleteMachine: tenantProcedure
    .input(machineRef)
    .mutation(({ ctx, input }) => consoleDeleteMachine(ctx.actor, ctx.tenant, input.machine)),
  publishVersion: tenantProcedure
    .input(machineRef.extend({ description: z.string().max(256).optional() }))
    .mutation(({ ctx, input }) => consolePublishVersion(ctx.actor, ctx.tenant, input)),
  createAlias: tenantProcedure
    .input(aliasInput)
    .mutation(({ ctx, input }) => consoleCreateAlias(ctx.actor, ctx.tenant, input)),
  deleteAlias: tenantProcedure
    .input(z.object({ machine: machineName, name: z.string().min(1).max(80) }))
    .mutation(({ ctx, input }) => consoleDeleteAlias(ctx.actor, ctx.tenant, input)),
  executions: tenantProcedure
    .input(executionsInput)
    .query(({ ctx, input }) => consoleExecutions(ctx.actor, ctx.tenant, input)),
  execution: tenantProcedure
    .input(executionRef)
    .query(({ ctx, input }) => consoleExecution(ctx.actor, ctx.tenant, input)),
  mapRuns: tenantProcedure.input(executionRef).query(({ ctx, input }) => consoleMapRuns(ctx.actor, ctx.tenant, input)),
  mapRunExecutions: tenantProcedure
    .input(executionRef.extend({ mapRunArn: z.string().min(1).max(2048), cursor: z.string().max(2048).nullish() }))
    .query(({ ctx, input }) => consoleMapRunExecutions(ctx.actor, ctx.tenant, input)),
  updateMapRun: tenantProcedure
    .input(updateMapRunInput)
    .mutation(({ ctx, input }) => consoleUpdateMapRun(ctx.actor, ctx.tenant, input)),
  startExecution: tenantProcedure
    .input(startExecutionInput)
    .mutation(({ ctx, input }) => consoleStartExecution(ctx.actor, ctx.tenant, input)),
  stopExecution: tenantProcedure
    .input(stopExecutionInput)
    .mutation(({ ctx, input }) => consoleStopExecution(ctx.actor, ctx.tenant, input)),
  redriveExecution: tenantProcedure
    .input(executionRef)
    .mutation(({ ctx, input }) => consoleRedriveExecution(ctx.actor, ctx.tenant, input)),
  sendTaskSuccess: tenantProcedure
    .input(taskSuccessInput)
    .mutation(({ ctx, input }) => consoleSendTaskSuccess(ctx.actor, ctx.tenant, input)),
  sendTaskFailure: tenantProcedure
    .input(taskFailureInput)
    .mutation(({ ctx, input }) => consoleSendTaskFailure(ctx.actor, ctx.tenant, input)),
  testState: tenantProcedure
    .input(testStateInput)
    .mutation(({ ctx, input }) => consoleTestState(ctx.actor, ctx.tenant, input)),
});

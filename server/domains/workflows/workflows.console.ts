import type { z } from "zod";
import { assertCan, type Actor } from "../../auth/permissions";
import { AppError } from "../../core/errors";
import { validateDefinition } from "../../core/states";
import type {
  aliasInput,
  createMachineInput,
  executionRef,
  executionsInput,
  startExecutionInput,
  stopExecutionInput,
  taskFailureInput,
  taskSuccessInput,
  testStateInput,
  updateMachineInput,
} from "./workflows.console-schemas";
import type {
  ExecutionDetail,
  ExecutionSummary,
  MachineDetail,
  MachineSummary,
  TestStateView,
  ValidationView,
} from "./workflows.console-views";

// The console's use of the workflows services: the same use cases the AWS door calls (so the
// console gets AWS's checks and messages), with the pages' inputs mapped to AWS's request members
// and the responses mapped to the shapes the pages show (workflows.console-views.ts).

type Tenant = { id: string; accountId: string };

const pending = (): never => {
  throw new AppError("unavailable", "Workflows are being set up on this server.");
};

/** Live validation for the editor: ValidateStateMachineDefinition's diagnostics with locations. */
export function consoleValidate(actor: Actor, _tenant: Tenant, definition: string): ValidationView {
  assertCan(actor.role, "resource:read");
  const r = validateDefinition(definition);
  return { result: r.result, diagnostics: r.diagnostics };
}

export async function consoleMachines(_actor: Actor, _tenant: Tenant): Promise<MachineSummary[]> {
  return pending();
}

export async function consoleMachine(_actor: Actor, _tenant: Tenant, _name: string): Promise<MachineDetail> {
  return pending();
}

export async function consoleCreateMachine(
  _actor: Actor,
  _tenant: Tenant,
  _input: z.infer<typeof createMachineInput>,
): Promise<MachineSummary> {
  return pending();
}

export async function consoleUpdateMachine(
  _actor: Actor,
  _tenant: Tenant,
  _input: z.infer<typeof updateMachineInput>,
): Promise<{ revisionId: string | null; versionArn: string | null }> {
  return pending();
}

export async function consoleDeleteMachine(_actor: Actor, _tenant: Tenant, _name: string): Promise<{ deleted: true }> {
  return pending();
}

export async function consolePublishVersion(
  _actor: Actor,
  _tenant: Tenant,
  _input: { machine: string; description?: string },
): Promise<{ versionArn: string }> {
  return pending();
}

export async function consoleCreateAlias(
  _actor: Actor,
  _tenant: Tenant,
  _input: z.infer<typeof aliasInput>,
): Promise<{ aliasArn: string }> {
  return pending();
}

export async function consoleDeleteAlias(
  _actor: Actor,
  _tenant: Tenant,
  _input: { machine: string; name: string },
): Promise<{ deleted: true }> {
  return pending();
}

export async function consoleExecutions(
  _actor: Actor,
  _tenant: Tenant,
  _input: z.infer<typeof executionsInput>,
): Promise<ExecutionSummary[]> {
  return pending();
}

export async function consoleExecution(
  _actor: Actor,
  _tenant: Tenant,
  _input: z.infer<typeof executionRef>,
): Promise<ExecutionDetail> {
  return pending();
}

export async function consoleStartExecution(
  _actor: Actor,
  _tenant: Tenant,
  _input: z.infer<typeof startExecutionInput>,
): Promise<{ executionArn: string; name: string }> {
  return pending();
}

export async function consoleStopExecution(
  _actor: Actor,
  _tenant: Tenant,
  _input: z.infer<typeof stopExecutionInput>,
): Promise<{ stopDate: Date }> {
  return pending();
}

export async function consoleRedriveExecution(
  _actor: Actor,
  _tenant: Tenant,
  _input: z.infer<typeof executionRef>,
): Promise<{ redriveDate: Date }> {
  return pending();
}

export async function consoleSendTaskSuccess(
  _actor: Actor,
  _tenant: Tenant,
  _input: z.infer<typeof taskSuccessInput>,
): Promise<{ sent: true }> {
  return pending();
}

export async function consoleSendTaskFailure(
  _actor: Actor,
  _tenant: Tenant,
  _input: z.infer<typeof taskFailureInput>,
): Promise<{ sent: true }> {
  return pending();
}

export async function consoleTestState(
  _actor: Actor,
  _tenant: Tenant,
  _input: z.infer<typeof testStateInput>,
): Promise<TestStateView> {
  return pending();
}

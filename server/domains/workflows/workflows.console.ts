import type { z } from "zod";
import { assertCan, type Actor } from "../../auth/permissions";
import { AppError, isAppError } from "../../core/errors";
import {
  createStateMachine,
  createStateMachineAlias,
  deleteStateMachine,
  deleteStateMachineAlias,
  describeStateMachine,
  describeStateMachineAlias,
  listStateMachineAliases,
  listStateMachines,
  listStateMachineVersions,
  publishStateMachineVersion,
  updateStateMachine,
  validateStateMachineDefinition,
} from "./state-machine.service";
import {
  describeExecution,
  describeStateMachineForExecution,
  getExecutionHistory,
  listExecutions,
  listWaitingTaskTokens,
  redriveExecution,
  sendTaskFailure,
  sendTaskSuccess,
  startExecution,
  stopExecution,
  type ExecutionListItem,
  type HistoryEvent,
} from "./execution.service";
import { stateMachineArn } from "./state-machine.arns";
import { executionArnOf } from "./execution.arns";
import { testState } from "./test-state";
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
  AliasView,
  ExecutionDetail,
  ExecutionSummary,
  MachineDetail,
  MachineSummary,
  TestStateView,
  ValidationView,
  VersionView,
  WaitingTokenView,
} from "./workflows.console-views";

// The console's use of the workflows services: the same use cases the AWS door calls (wf-door's
// catalog, wf-exec's executions), so the console gets AWS's checks and messages, with the pages'
// inputs mapped to AWS's request members and the answers mapped to the shapes the pages show
// (workflows.console-views.ts). Viewers read, developers and up act: the catalog checks the role
// itself; the execution services do not, so the reads and actions here check it first.

type Tenant = { id: string; accountId: string };
const callerOf = (actor: Actor, tenant: Tenant) => ({ tenant: { id: tenant.id, accountId: tenant.accountId }, actor });
const canRead = (actor: Actor) => assertCan(actor.role, "resource:read");
const canWrite = (actor: Actor) => assertCan(actor.role, "resource:write");

/** AWS's errors about one input, shown beside that field in the form. */
const FIELD_OF: Record<string, string> = {
  InvalidName: "name",
  StateMachineAlreadyExists: "name",
  ExecutionAlreadyExists: "name",
  InvalidDefinition: "definition",
  InvalidExecutionInput: "input",
  InvalidOutput: "output",
  InvalidArn: "roleArn",
};

async function asFieldErrors<T>(run: () => Promise<T>, only?: string[]): Promise<T> {
  try {
    return await run();
  } catch (e) {
    const field = isAppError(e) && e.awsCode ? FIELD_OF[e.awsCode] : undefined;
    if (isAppError(e) && field && (!only || only.includes(field)) && !e.fieldErrors)
      throw new AppError(e.code, e.message, { awsCode: e.awsCode, fieldErrors: { [field]: [e.message] }, cause: e });
    throw e;
  }
}

async function allPages<T>(
  page: (token?: string) => Promise<{ items: T[]; nextToken?: string }>,
  cap = 1000,
): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const p = await page(token);
    out.push(...p.items);
    token = p.nextToken;
  } while (token && out.length < cap);
  return out;
}

const machineArnOf = (tenant: Tenant, name: string) => stateMachineArn(tenant.accountId, name);

/** Live validation for the editor: ValidateStateMachineDefinition's diagnostics (warnings too) with locations. */
export function consoleValidate(actor: Actor, tenant: Tenant, definition: string): ValidationView {
  if (!definition) return { result: "FAIL", diagnostics: [] };
  const r = validateStateMachineDefinition(callerOf(actor, tenant), { definition, severity: "WARNING" });
  return { result: r.result, diagnostics: r.diagnostics };
}

export async function consoleMachines(actor: Actor, tenant: Tenant): Promise<MachineSummary[]> {
  const caller = callerOf(actor, tenant);
  const all = await allPages(async (nextToken) => {
    const r = await listStateMachines(caller, { nextToken, maxResults: 1000 });
    return { items: r.stateMachines, nextToken: r.nextToken };
  });
  return all.map((m) => ({ name: m.name, arn: m.stateMachineArn, type: m.type, createdAt: m.creationDate }));
}

export async function consoleMachine(actor: Actor, tenant: Tenant, name: string): Promise<MachineDetail> {
  const caller = callerOf(actor, tenant);
  const arn = machineArnOf(tenant, name);
  const m = await describeStateMachine(caller, { stateMachineArn: arn });
  const versionArns = await allPages(async (nextToken) => {
    const r = await listStateMachineVersions(caller, { stateMachineArn: arn, nextToken });
    return { items: r.stateMachineVersions, nextToken: r.nextToken };
  }, 200);
  const versions: VersionView[] = await Promise.all(
    versionArns.map(async (v) => {
      const d = await describeStateMachine(caller, { stateMachineArn: v.stateMachineVersionArn });
      return {
        version: Number(v.stateMachineVersionArn.split(":").pop()),
        arn: v.stateMachineVersionArn,
        description: d.description ?? "",
        createdAt: v.creationDate,
      };
    }),
  );
  versions.sort((a, b) => b.version - a.version);
  const aliasArns = await allPages(async (nextToken) => {
    const r = await listStateMachineAliases(caller, { stateMachineArn: arn, nextToken });
    return { items: r.stateMachineAliases, nextToken: r.nextToken };
  }, 200);
  const aliases: AliasView[] = await Promise.all(
    aliasArns.map(async (a) => {
      const d = await describeStateMachineAlias(caller, { stateMachineAliasArn: a.stateMachineAliasArn });
      return {
        name: d.name,
        arn: d.stateMachineAliasArn,
        description: d.description ?? "",
        routing: d.routingConfiguration.map((r) => ({
          stateMachineVersionArn: r.stateMachineVersionArn,
          weight: r.weight,
        })),
        createdAt: d.creationDate,
      };
    }),
  );
  return {
    name: m.name,
    arn: m.stateMachineArn,
    type: m.type,
    createdAt: m.creationDate,
    definition: m.definition,
    roleArn: m.roleArn,
    description: m.description ?? "",
    status: m.status,
    revisionId: m.revisionId ?? null,
    versions,
    aliases,
  };
}

export async function consoleCreateMachine(
  actor: Actor,
  tenant: Tenant,
  input: z.infer<typeof createMachineInput>,
): Promise<MachineSummary> {
  const r = await asFieldErrors(() =>
    createStateMachine(callerOf(actor, tenant), {
      name: input.name,
      type: input.type,
      definition: input.definition,
      roleArn: input.roleArn || `arn:aws:iam::${tenant.accountId}:role/signalbox-workflows`,
    }),
  );
  return { name: input.name, arn: r.stateMachineArn, type: input.type, createdAt: r.creationDate };
}

export async function consoleUpdateMachine(
  actor: Actor,
  tenant: Tenant,
  input: z.infer<typeof updateMachineInput>,
): Promise<{ revisionId: string | null; versionArn: string | null }> {
  const r = await asFieldErrors(() =>
    updateStateMachine(callerOf(actor, tenant), {
      stateMachineArn: machineArnOf(tenant, input.machine),
      definition: input.definition,
      publish: input.publish,
      versionDescription: input.publish ? input.versionDescription : undefined,
    }),
  );
  return { revisionId: r.revisionId, versionArn: r.stateMachineVersionArn ?? null };
}

export async function consoleDeleteMachine(actor: Actor, tenant: Tenant, name: string): Promise<{ deleted: true }> {
  await deleteStateMachine(callerOf(actor, tenant), { stateMachineArn: machineArnOf(tenant, name) });
  return { deleted: true };
}

export async function consolePublishVersion(
  actor: Actor,
  tenant: Tenant,
  input: { machine: string; description?: string },
): Promise<{ versionArn: string }> {
  const r = await publishStateMachineVersion(callerOf(actor, tenant), {
    stateMachineArn: machineArnOf(tenant, input.machine),
    description: input.description,
  });
  return { versionArn: r.stateMachineVersionArn };
}

export async function consoleCreateAlias(
  actor: Actor,
  tenant: Tenant,
  input: z.infer<typeof aliasInput>,
): Promise<{ aliasArn: string }> {
  const r = await asFieldErrors(() =>
    createStateMachineAlias(callerOf(actor, tenant), {
      name: input.name,
      description: input.description,
      routingConfiguration: [
        { stateMachineVersionArn: `${machineArnOf(tenant, input.machine)}:${input.version}`, weight: 100 },
      ],
    }),
  );
  return { aliasArn: r.stateMachineAliasArn };
}

export async function consoleDeleteAlias(
  actor: Actor,
  tenant: Tenant,
  input: { machine: string; name: string },
): Promise<{ deleted: true }> {
  await deleteStateMachineAlias(callerOf(actor, tenant), {
    stateMachineAliasArn: `${machineArnOf(tenant, input.machine)}:${input.name}`,
  });
  return { deleted: true };
}

// --- executions ---------------------------------------------------------------------------------

const summary = (e: ExecutionListItem, machineName: string): ExecutionSummary => ({
  arn: e.executionArn,
  name: e.name,
  status: e.status,
  stateMachineArn: e.stateMachineArn,
  machineName,
  startDate: e.startDate,
  stopDate: e.stopDate ?? null,
  redriveCount: e.redriveCount,
});

const LIST_LIMIT = 200;

/** Executions newest first: of one machine, or of every STANDARD machine (EXPRESS keep no history). */
export async function consoleExecutions(
  actor: Actor,
  tenant: Tenant,
  input: z.infer<typeof executionsInput>,
): Promise<ExecutionSummary[]> {
  canRead(actor);
  const caller = callerOf(actor, tenant);
  const machines = input.machine
    ? [{ name: input.machine, type: null as string | null }]
    : (await consoleMachines(actor, tenant)).filter((m) => m.type === "STANDARD");
  const search = input.search?.trim().toLowerCase();
  const lists = await Promise.all(
    machines.map(async (m) => {
      if (m.type === null) {
        // One machine: an EXPRESS machine has no listed executions (AWS refuses the call).
        const d = await describeStateMachine(caller, { stateMachineArn: machineArnOf(tenant, m.name) });
        if (d.type === "EXPRESS") return [];
      }
      const r = await listExecutions(caller, {
        stateMachineArn: machineArnOf(tenant, m.name),
        statusFilter: input.status,
        maxResults: search ? 1000 : LIST_LIMIT,
      });
      return r.executions.map((e) => summary(e, m.name));
    }),
  );
  return lists
    .flat()
    .filter((e) => !search || e.name.toLowerCase().includes(search))
    .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
    .slice(0, LIST_LIMIT);
}

const executionArn = (tenant: Tenant, machine: string, execution: string) => executionArnOf(tenant, machine, execution);

/** One execution with its history, the definition it runs and the task tokens it waits on. */
export async function consoleExecution(
  actor: Actor,
  tenant: Tenant,
  input: z.infer<typeof executionRef>,
): Promise<ExecutionDetail> {
  canRead(actor);
  const caller = callerOf(actor, tenant);
  const arn = executionArn(tenant, input.machine, input.execution);
  const d = await describeExecution(caller, { executionArn: arn });
  const [sm, events, tokens] = await Promise.all([
    describeStateMachineForExecution(caller, { executionArn: arn }),
    allPages(async (nextToken) => {
      const r = await getExecutionHistory(caller, { executionArn: arn, nextToken, maxResults: 1000 });
      return { items: r.events, nextToken: r.nextToken };
    }, 25_000),
    d.status === "RUNNING" ? listWaitingTaskTokens(caller, arn) : Promise.resolve([]),
  ]);
  const byId = new Map<number, HistoryEvent>(events.map((e) => [e.id, e]));
  const waitingTokens: WaitingTokenView[] = tokens.map((t) => {
    const scheduled = byId.get(t.scheduledEventId);
    const details = (scheduled?.taskScheduledEventDetails ?? scheduled?.activityScheduledEventDetails) as
      { resource?: string; resourceType?: string; heartbeatInSeconds?: number } | undefined;
    return {
      taskToken: t.taskToken,
      stateName: t.stateName,
      resource: details?.resource
        ? details.resourceType
          ? `${details.resourceType}:${details.resource}`
          : details.resource
        : null,
      enteredAt: t.createdAt,
      heartbeatSeconds: details?.heartbeatInSeconds ?? null,
    };
  });
  return {
    arn: d.executionArn,
    name: d.name,
    status: d.status,
    stateMachineArn: d.stateMachineArn,
    machineName: input.machine,
    startDate: d.startDate,
    stopDate: d.stopDate ?? null,
    redriveCount: d.redriveCount,
    input: d.input ?? null,
    output: d.output ?? null,
    error: d.error ?? null,
    cause: d.cause ?? null,
    definition: sm.definition,
    versionArn: d.stateMachineVersionArn ?? null,
    aliasArn: d.stateMachineAliasArn ?? null,
    events,
    waitingTokens,
    redrivable: d.redriveStatus === "REDRIVABLE",
  };
}

export async function consoleStartExecution(
  actor: Actor,
  tenant: Tenant,
  input: z.infer<typeof startExecutionInput>,
): Promise<{ executionArn: string; name: string; express: boolean }> {
  canWrite(actor);
  const base = machineArnOf(tenant, input.machine);
  const r = await asFieldErrors(() =>
    startExecution(callerOf(actor, tenant), {
      stateMachineArn: input.qualifier ? `${base}:${input.qualifier}` : base,
      name: input.name,
      input: input.input,
    }),
  );
  // Standard: ...:execution:SM:NAME; express: ...:express:SM:NAME:UUID (no history to show).
  const parts = r.executionArn.split(":");
  return { executionArn: r.executionArn, name: parts[7] ?? input.name ?? "", express: parts[5] === "express" };
}

export async function consoleStopExecution(
  actor: Actor,
  tenant: Tenant,
  input: z.infer<typeof stopExecutionInput>,
): Promise<{ stopDate: Date }> {
  canWrite(actor);
  return stopExecution(callerOf(actor, tenant), {
    executionArn: executionArn(tenant, input.machine, input.execution),
    error: input.error,
    cause: input.cause,
  });
}

export async function consoleRedriveExecution(
  actor: Actor,
  tenant: Tenant,
  input: z.infer<typeof executionRef>,
): Promise<{ redriveDate: Date }> {
  canWrite(actor);
  return redriveExecution(callerOf(actor, tenant), {
    executionArn: executionArn(tenant, input.machine, input.execution),
  });
}

/** The token must be one this execution waits on (a console page answers only its own execution's tasks). */
async function ownToken(actor: Actor, tenant: Tenant, input: z.infer<typeof executionRef> & { taskToken: string }) {
  const tokens = await listWaitingTaskTokens(
    callerOf(actor, tenant),
    executionArn(tenant, input.machine, input.execution),
  );
  if (!tokens.some((t) => t.taskToken === input.taskToken))
    throw new AppError("not_found", "Task Does Not Exist", { awsCode: "TaskDoesNotExist" });
}

export async function consoleSendTaskSuccess(
  actor: Actor,
  tenant: Tenant,
  input: z.infer<typeof taskSuccessInput>,
): Promise<{ sent: true }> {
  canWrite(actor);
  await ownToken(actor, tenant, input);
  await asFieldErrors(() =>
    sendTaskSuccess(callerOf(actor, tenant), { taskToken: input.taskToken, output: input.output }),
  );
  return { sent: true };
}

export async function consoleSendTaskFailure(
  actor: Actor,
  tenant: Tenant,
  input: z.infer<typeof taskFailureInput>,
): Promise<{ sent: true }> {
  canWrite(actor);
  await ownToken(actor, tenant, input);
  await sendTaskFailure(callerOf(actor, tenant), {
    taskToken: input.taskToken,
    error: input.error,
    cause: input.cause,
  });
  return { sent: true };
}

export async function consoleTestState(
  actor: Actor,
  tenant: Tenant,
  input: z.infer<typeof testStateInput>,
): Promise<TestStateView> {
  canWrite(actor);
  const r = await asFieldErrors(() =>
    testState(callerOf(actor, tenant), {
      definition: input.definition,
      input: input.input,
      roleArn: input.roleArn,
      variables: input.variables,
      inspectionLevel: "DEBUG",
    }),
  );
  return {
    status: r.status,
    output: r.output ?? null,
    error: r.error ?? null,
    cause: r.cause ?? null,
    nextState: r.nextState ?? null,
    inspectionData: r.inspectionData ?? null,
  };
}

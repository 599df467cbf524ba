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
import { describeMapRun, listMapRuns, updateMapRun } from "./map-run.service";
import { pool } from "../../db";
import { listConsoleExecutions, machineStats, type ConsoleExecutionRow } from "./workflows.console.repository";
import type {
  aliasInput,
  createMachineInput,
  executionRef,
  executionsInput,
  startExecutionInput,
  updateMapRunInput,
  stopExecutionInput,
  taskFailureInput,
  taskSuccessInput,
  testStateInput,
  updateMachineInput,
} from "./workflows.console-schemas";
import type {
  AliasView,
  ExecutionDetail,
  ExecutionPage,
  ExecutionSummary,
  MapRunView,
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
  const stats = new Map((await machineStats(pool(), tenant.id)).map((r) => [r.name, r]));
  return all.map((m) => {
    const st = stats.get(m.name);
    return {
      name: m.name,
      arn: m.stateMachineArn,
      type: m.type,
      createdAt: m.creationDate,
      versionCount: st?.versions ?? 0,
      aliasCount: st?.aliases ?? 0,
      lastExecution:
        st?.last_status && st.last_start && st.last_name
          ? { name: st.last_name, status: st.last_status, startDate: st.last_start }
          : null,
    };
  });
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
    versionCount: versions.length,
    aliasCount: aliases.length,
    lastExecution: null,
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
  return {
    name: input.name,
    arn: r.stateMachineArn,
    type: input.type,
    createdAt: r.creationDate,
    versionCount: 0,
    aliasCount: 0,
    lastExecution: null,
  };
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

/** A Distributed Map child's label, from its ARN (…:execution:<machine>/<label>:<name>). */
const labelOf = (arn: string): string | undefined => arn.split(":")[6]?.split("/")[1];

const summary = (e: ExecutionListItem, machineName: string): ExecutionSummary => {
  const label = e.mapRunArn ? labelOf(e.executionArn) : undefined;
  return {
    arn: e.executionArn,
    name: e.name,
    status: e.status,
    stateMachineArn: e.stateMachineArn,
    machineName,
    startDate: e.startDate,
    stopDate: e.stopDate ?? null,
    redriveCount: e.redriveCount,
    ...(label ? { mapRun: label } : {}),
  };
};

const rowSummary = (e: ConsoleExecutionRow): ExecutionSummary => ({
  arn: e.arn,
  name: e.name,
  status: e.status,
  stateMachineArn: e.state_machine_arn,
  machineName: e.machine_name,
  startDate: e.start_date,
  stopDate: e.stop_date,
  redriveCount: e.redrive_count,
});

const PAGE = 50;

// Keyset cursor: the last row's start date (ISO, ms) and id, base64url. Not a secret: it only
// narrows the caller's own tenant-scoped query.
const encodeCursor = (r: ConsoleExecutionRow) =>
  Buffer.from(`${r.start_date.toISOString()}|${r.id}`).toString("base64url");
function decodeCursor(c: string): { startDate: Date; id: string } {
  const [iso, id] = Buffer.from(c, "base64url").toString("utf8").split("|");
  const d = new Date(iso ?? "");
  if (!id || Number.isNaN(d.getTime()))
    throw new AppError("validation", "That page of executions no longer exists; search again.", {
      fieldErrors: { cursor: ["That page of executions no longer exists; search again."] },
    });
  return { startDate: d, id };
}

/**
 * Executions newest first, one page at a time: of one machine, or of the whole team (every Standard
 * machine, in one query). Filters: status, name prefix, start-time range.
 */
export async function consoleExecutions(
  actor: Actor,
  tenant: Tenant,
  input: z.infer<typeof executionsInput>,
): Promise<ExecutionPage> {
  canRead(actor);
  if (input.machine) {
    // The machine must exist (AWS's error otherwise); an EXPRESS machine lists nothing (AWS refuses).
    const d = await describeStateMachine(callerOf(actor, tenant), {
      stateMachineArn: machineArnOf(tenant, input.machine),
    });
    if (d.type === "EXPRESS") return { items: [], nextCursor: null };
  }
  const limit = input.limit ?? PAGE;
  const rows = await listConsoleExecutions(pool(), {
    tenantId: tenant.id,
    machine: input.machine,
    status: input.status,
    namePrefix: input.namePrefix || undefined,
    startedAfter: input.startedAfter,
    startedBefore: input.startedBefore,
    after: input.cursor ? decodeCursor(input.cursor) : undefined,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    items: page.map(rowSummary),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null,
  };
}

const executionArn = (tenant: Tenant, machine: string, execution: string, mapRun?: string) =>
  executionArnOf(tenant, mapRun ? `${machine}/${mapRun}` : machine, execution);

/** One execution with its history, the definition it runs and the task tokens it waits on. */
export async function consoleExecution(
  actor: Actor,
  tenant: Tenant,
  input: z.infer<typeof executionRef>,
): Promise<ExecutionDetail> {
  canRead(actor);
  const caller = callerOf(actor, tenant);
  const arn = executionArn(tenant, input.machine, input.execution, input.mapRun);
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
    parent: d.mapRunArn ? await parentOf(caller, d.mapRunArn) : null,
    ...(input.mapRun ? { mapRun: input.mapRun } : {}),
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
    executionArn: executionArn(tenant, input.machine, input.execution, input.mapRun),
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
    executionArn: executionArn(tenant, input.machine, input.execution, input.mapRun),
  });
}

/** The token must be one this execution waits on (a console page answers only its own execution's tasks). */
async function ownToken(actor: Actor, tenant: Tenant, input: z.infer<typeof executionRef> & { taskToken: string }) {
  const tokens = await listWaitingTaskTokens(
    callerOf(actor, tenant),
    executionArn(tenant, input.machine, input.execution, input.mapRun),
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
      ...(input.mockResult !== undefined ? { mock: { result: input.mockResult } } : {}),
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

// --- Distributed Map runs ------------------------------------------------------------------------

async function parentOf(caller: ReturnType<typeof callerOf>, mapRunArn: string) {
  try {
    const m = await describeMapRun(caller, { mapRunArn });
    return { name: m.executionArn.split(":").pop() ?? "", mapRunArn };
  } catch {
    return null;
  }
}

const mapRunView = (m: Awaited<ReturnType<typeof describeMapRun>>): MapRunView => ({
  arn: m.mapRunArn,
  label: m.mapRunArn.split(":")[6]?.split("/")[1] ?? "",
  status: m.status,
  startDate: m.startDate,
  stopDate: m.stopDate ?? null,
  maxConcurrency: m.maxConcurrency,
  toleratedFailurePercentage: m.toleratedFailurePercentage,
  toleratedFailureCount: m.toleratedFailureCount,
  itemCounts: {
    pending: m.itemCounts.pending,
    running: m.itemCounts.running,
    succeeded: m.itemCounts.succeeded,
    failed: m.itemCounts.failed,
    timedOut: m.itemCounts.timedOut,
    aborted: m.itemCounts.aborted,
    total: m.itemCounts.total,
    resultsWritten: m.itemCounts.resultsWritten,
  },
  redriveCount: m.redriveCount,
});

/** The map runs of an execution's Distributed Map states (ListMapRuns + DescribeMapRun), oldest first. */
export async function consoleMapRuns(
  actor: Actor,
  tenant: Tenant,
  input: z.infer<typeof executionRef>,
): Promise<MapRunView[]> {
  canRead(actor);
  const caller = callerOf(actor, tenant);
  const r = await listMapRuns(caller, {
    executionArn: executionArn(tenant, input.machine, input.execution, input.mapRun),
  });
  return Promise.all(r.mapRuns.map(async (m) => mapRunView(await describeMapRun(caller, { mapRunArn: m.mapRunArn }))));
}

/** The map run, checked to belong to the execution the page shows. */
async function ownMapRun(
  actor: Actor,
  tenant: Tenant,
  input: { machine: string; execution: string; mapRunArn: string },
) {
  const caller = callerOf(actor, tenant);
  const m = await describeMapRun(caller, { mapRunArn: input.mapRunArn });
  if (m.executionArn !== executionArn(tenant, input.machine, input.execution))
    throw new AppError("not_found", `Resource not found: '${input.mapRunArn}'`, { awsCode: "ResourceNotFound" });
  return m;
}

/** A map run's child executions, newest first, a page at a time (ListExecutions with MapRunArn). */
export async function consoleMapRunExecutions(
  actor: Actor,
  tenant: Tenant,
  input: { machine: string; execution: string; mapRunArn: string; cursor?: string | null },
): Promise<ExecutionPage> {
  canRead(actor);
  await ownMapRun(actor, tenant, input);
  const r = await listExecutions(callerOf(actor, tenant), {
    mapRunArn: input.mapRunArn,
    maxResults: 100,
    nextToken: input.cursor ?? undefined,
  });
  return { items: r.executions.map((e) => summary(e, input.machine)), nextCursor: r.nextToken ?? null };
}

/** UpdateMapRun: MaxConcurrency and the tolerated failures of a running map run. */
export async function consoleUpdateMapRun(
  actor: Actor,
  tenant: Tenant,
  input: z.infer<typeof updateMapRunInput>,
): Promise<MapRunView> {
  canWrite(actor);
  await ownMapRun(actor, tenant, input);
  const caller = callerOf(actor, tenant);
  await updateMapRun(caller, {
    mapRunArn: input.mapRunArn,
    maxConcurrency: input.maxConcurrency,
    toleratedFailurePercentage: input.toleratedFailurePercentage,
    toleratedFailureCount: input.toleratedFailureCount,
  });
  return mapRunView(await describeMapRun(caller, { mapRunArn: input.mapRunArn }));
}

import { randomUUID } from "node:crypto";
import { pool, withTransaction, type Queryable } from "../../db";
import { validateDefinition, invalidDefinitionMessage, type Diagnostic } from "../../core/states";
import { nameProblem, parseMachineArn, stateMachineArn, type MachineRef } from "./state-machine.arns";
import {
  canRead,
  canWrite,
  checkTagCount,
  pageSize,
  pageToken,
  readPageToken,
  stableJson,
  tagChecks,
  tagMap,
  type WorkflowCaller,
} from "./state-machine.common";
import {
  invalidArn,
  invalidDefinition,
  invalidEncryption,
  invalidLogging,
  invalidName,
  missingParameter,
  ModelCheck,
  sfnValidation,
  stateMachineAlreadyExists,
  stateMachineDeleting,
  stateMachineDoesNotExist,
} from "./state-machine.errors";
import {
  deleteStateMachineRow,
  findStateMachine,
  findVersion,
  insertStateMachine,
  latestVersion,
  listStateMachinesPage,
  purgeDeletedStateMachines,
  runningExecutionCount,
  updateStateMachineRow,
  type EncryptionConfiguration,
  type LoggingConfiguration,
  type StateMachineRow,
  type TracingConfiguration,
} from "./state-machine.repository";
import { publishInTx } from "./version.service";

// The Workflows catalog (AWS Step Functions' control plane): create, describe, update, delete, list
// and validate state machines. Inputs and outputs are AWS's request/response members in camelCase
// with Dates; errors carry AWS's exception names. Versions, aliases and tags live beside it and are
// re-exported here so callers import one module.

export { publishStateMachineVersion, listStateMachineVersions, deleteStateMachineVersion } from "./version.service";
export {
  createStateMachineAlias,
  describeStateMachineAlias,
  updateStateMachineAlias,
  deleteStateMachineAlias,
  listStateMachineAliases,
} from "./alias.service";
export { tagResource, untagResource, listTagsForResource } from "./state-machine.tags";
export type { WorkflowCaller } from "./state-machine.common";

export type StateMachineType = "STANDARD" | "EXPRESS";
const MAX_DEFINITION = 1_048_576;

export type CreateStateMachineInput = {
  name: string;
  definition: string;
  roleArn: string;
  type?: string;
  loggingConfiguration?: Partial<LoggingConfiguration>;
  tracingConfiguration?: Partial<TracingConfiguration>;
  encryptionConfiguration?: Partial<EncryptionConfiguration>;
  tags?: Array<{ key?: unknown; value?: unknown }>;
  publish?: boolean;
  versionDescription?: string;
};

export type StateMachineDescription = {
  stateMachineArn: string;
  name: string;
  status: "ACTIVE" | "DELETING";
  definition: string;
  roleArn: string;
  type: StateMachineType;
  creationDate: Date;
  loggingConfiguration: LoggingConfiguration;
  tracingConfiguration: TracingConfiguration;
  revisionId?: string;
  description?: string;
  encryptionConfiguration: EncryptionConfiguration;
  variableReferences?: Record<string, string[]>;
};

// ---- input checks (AWS's order: model constraints, then the service's own) ----

const TYPES = ["STANDARD", "EXPRESS"] as const;
const LEVELS = ["ALL", "ERROR", "FATAL", "OFF"] as const;
const KEY_TYPES = ["AWS_OWNED_KEY", "CUSTOMER_MANAGED_KMS_KEY"] as const;

/** Model constraints of CreateStateMachine/UpdateStateMachine, in the order the model declares the members. */
function modelChecks(
  m: ModelCheck,
  input: {
    definition?: string;
    roleArn?: string;
    type?: string;
    loggingConfiguration?: Partial<LoggingConfiguration>;
    tags?: Array<{ key?: unknown; value?: unknown }>;
    encryptionConfiguration?: Partial<EncryptionConfiguration>;
    versionDescription?: string;
  },
): ModelCheck {
  m.length(input.definition, "definition", 1, MAX_DEFINITION, true)
    .length(input.roleArn, "roleArn", 1, 256)
    .oneOf(input.type, "type", TYPES)
    .oneOf(input.loggingConfiguration?.level, "loggingConfiguration.level", LEVELS);
  tagChecks(m, input.tags);
  return m
    .length(input.versionDescription, "versionDescription", 0, 256, true)
    .oneOf(input.encryptionConfiguration?.type, "encryptionConfiguration.type", KEY_TYPES)
    .length(input.encryptionConfiguration?.kmsKeyId, "encryptionConfiguration.kmsKeyId", 1, 2048);
}

export function checkRoleArn(roleArn: string): void {
  new ModelCheck().length(roleArn, "roleArn", 1, 256).done();
  if (!roleArn.startsWith("arn:")) throw invalidArn(`Invalid ARN prefix: ${roleArn}`);
  if (!/^arn:[^:]+:iam::[0-9]*:role\/.+$/.test(roleArn)) throw invalidArn(`Invalid ARN: ${roleArn}`);
}

/** The definition's diagnostics, or InvalidDefinition with AWS's message. */
export function checkDefinition(definition: string): Diagnostic[] {
  new ModelCheck().length(definition, "definition", 1, MAX_DEFINITION, true).done();
  const v = validateDefinition(definition);
  if (v.result === "FAIL") throw invalidDefinition(invalidDefinitionMessage(v.diagnostics));
  return v.diagnostics;
}

function checkLogging(l: Partial<LoggingConfiguration> | undefined, type: StateMachineType): LoggingConfiguration {
  const level = l?.level ?? "OFF";
  const destinations = l?.destinations ?? [];
  if (!Array.isArray(destinations) || destinations.length > 1)
    throw invalidLogging("Invalid Logging Configuration: Must specify exactly one Log Destination.");
  if (level !== "OFF" && destinations.length !== 1)
    throw invalidLogging("Invalid Logging Configuration: Must specify exactly one Log Destination.");
  for (const d of destinations) {
    const arn = d?.cloudWatchLogsLogGroup?.logGroupArn;
    if (typeof arn !== "string" || !/^arn:[^:]+:logs:[^:]*:[0-9]*:log-group:.+/.test(arn))
      throw invalidLogging(`Invalid Logging Configuration: Invalid Log Group ARN: ${String(arn)}`);
  }
  void type;
  const out: LoggingConfiguration = { level, includeExecutionData: l?.includeExecutionData === true };
  if (destinations.length) out.destinations = destinations;
  return out;
}

function checkTracing(t: Partial<TracingConfiguration> | undefined): TracingConfiguration {
  return { enabled: t?.enabled === true };
}

function checkEncryption(e: Partial<EncryptionConfiguration> | undefined): EncryptionConfiguration {
  const type = e?.type ?? "AWS_OWNED_KEY";
  if (type === "CUSTOMER_MANAGED_KMS_KEY") {
    if (!e?.kmsKeyId)
      throw invalidEncryption("Invalid Encryption Configuration: kmsKeyId is required for CUSTOMER_MANAGED_KMS_KEY.");
    // No key service here: data is always protected with Signalbox's own key.
    throw invalidEncryption(
      "Invalid Encryption Configuration: customer managed KMS keys are not available; use AWS_OWNED_KEY.",
    );
  }
  if (e?.kmsKeyId !== undefined)
    throw invalidEncryption("Invalid Encryption Configuration: kmsKeyId is not allowed with AWS_OWNED_KEY.");
  return { type };
}

function checkVersionDescription(publish: boolean | undefined, description: string | undefined): void {
  if (description === undefined) return;
  if (!publish) throw sfnValidation("Version description can only be set when publish is true");
}

const sameJson = (a: unknown, b: unknown) => stableJson(a) === stableJson(b);

// ---- lookups ----

/** The caller's own machine for a machine ARN (no qualifier). */
export async function requireStateMachine(
  q: Queryable,
  caller: WorkflowCaller,
  arn: string,
  opts: { lock?: boolean; qualified?: "refuse" | "allow" } = {},
): Promise<{ row: StateMachineRow; ref: MachineRef }> {
  const ref = parseMachineArn(arn);
  if (ref.kind !== "machine" && opts.qualified !== "allow")
    throw sfnValidation(`Invalid Arn: 'Qualified state machine ARN is not supported: ${arn}'`);
  const row =
    ref.accountId === caller.tenant.accountId ? await findStateMachine(q, caller.tenant.id, ref.name, opts.lock) : null;
  if (!row || row.arn !== stateMachineArn(ref.accountId, ref.name)) throw stateMachineDoesNotExist(arn);
  return { row, ref };
}

function describeRow(row: StateMachineRow): StateMachineDescription {
  return {
    stateMachineArn: row.arn,
    name: row.name,
    status: row.status,
    definition: row.definition,
    roleArn: row.roleArn,
    type: row.type,
    creationDate: row.createdAt,
    loggingConfiguration: row.loggingConfiguration,
    tracingConfiguration: row.tracingConfiguration,
    revisionId: row.revisionId === "INITIAL" ? undefined : row.revisionId,
    encryptionConfiguration: row.encryptionConfiguration,
    variableReferences: variableReferences(row.definition),
  };
}

// ---- use cases ----

export async function createStateMachine(
  caller: WorkflowCaller,
  input: CreateStateMachineInput,
): Promise<{ stateMachineArn: string; creationDate: Date; stateMachineVersionArn?: string }> {
  canWrite(caller);
  modelChecks(new ModelCheck().length(input.name, "name", 1, 80), input).done();
  if (nameProblem(input.name)) throw invalidName(input.name);
  checkRoleArn(input.roleArn);
  checkDefinition(input.definition);
  const type = (input.type ?? "STANDARD") as StateMachineType;
  const logging = checkLogging(input.loggingConfiguration, type);
  const tracing = checkTracing(input.tracingConfiguration);
  const encryption = checkEncryption(input.encryptionConfiguration);
  const tags = tagMap(input.tags);
  const arn = stateMachineArn(caller.tenant.accountId, input.name);
  checkTagCount(arn, tags);
  checkVersionDescription(input.publish, input.versionDescription);
  return withTransaction(async (tx) => {
    await purgeDeletedStateMachines(tx, caller.tenant.id);
    const made = await insertStateMachine(tx, {
      id: randomUUID(),
      tenantId: caller.tenant.id,
      name: input.name,
      arn,
      type,
      definition: input.definition,
      roleArn: input.roleArn,
      description: "",
      loggingConfiguration: logging,
      tracingConfiguration: tracing,
      encryptionConfiguration: encryption,
      revisionId: "INITIAL",
      tags,
    });
    if (made) {
      const version = input.publish ? await publishInTx(tx, made, input.versionDescription ?? "") : null;
      return {
        stateMachineArn: made.arn,
        creationDate: made.createdAt,
        ...(version ? { stateMachineVersionArn: version.arn } : {}),
      };
    }
    // AWS answers an identical request with the machine it already made (roleArn and tags ignored).
    const existing = (await findStateMachine(tx, caller.tenant.id, input.name, true))!;
    if (existing.status === "DELETING") throw stateMachineDeleting(existing.arn);
    const identical =
      existing.definition === input.definition &&
      existing.type === type &&
      sameJson(existing.loggingConfiguration, logging) &&
      sameJson(existing.tracingConfiguration, tracing);
    if (!identical) throw stateMachineAlreadyExists(existing.arn);
    if (!input.publish) return { stateMachineArn: existing.arn, creationDate: existing.createdAt };
    const latest = await latestVersion(tx, existing.id);
    if (!latest || latest.revisionId !== existing.revisionId || latest.description !== (input.versionDescription ?? ""))
      throw stateMachineAlreadyExists(existing.arn);
    return { stateMachineArn: existing.arn, creationDate: existing.createdAt, stateMachineVersionArn: latest.arn };
  });
}

/** DescribeStateMachine of a machine or of one of its versions (version ARN). */
export async function describeStateMachine(
  caller: WorkflowCaller,
  input: { stateMachineArn: string; includedData?: string },
): Promise<StateMachineDescription> {
  canRead(caller);
  new ModelCheck()
    .length(input.stateMachineArn, "stateMachineArn", 1, 256)
    .oneOf(input.includedData, "includedData", ["ALL_DATA", "METADATA_ONLY"])
    .done();
  const db = pool();
  await purgeDeletedStateMachines(db, caller.tenant.id);
  const { row, ref } = await requireStateMachine(db, caller, input.stateMachineArn, { qualified: "allow" });
  if (ref.kind === "alias")
    throw sfnValidation(`Invalid Arn: 'Alias ARN is not supported for this operation: ${input.stateMachineArn}'`);
  let out = describeRow(row);
  if (ref.kind === "version") {
    const v = await findVersion(db, row.id, ref.version);
    if (!v) throw stateMachineDoesNotExist(input.stateMachineArn);
    out = {
      ...out,
      stateMachineArn: v.arn,
      status: "ACTIVE",
      definition: v.definition,
      roleArn: v.roleArn,
      creationDate: v.createdAt,
      loggingConfiguration: v.loggingConfiguration ?? row.loggingConfiguration,
      tracingConfiguration: v.tracingConfiguration ?? row.tracingConfiguration,
      revisionId: v.revisionId === "INITIAL" ? undefined : v.revisionId,
      description: v.description === "" ? undefined : v.description,
      variableReferences: variableReferences(v.definition),
    };
  }
  if (input.includedData === "METADATA_ONLY") {
    // Only the metadata: no definition text (AWS replaces it when encrypted with a customer key).
    out = { ...out, variableReferences: undefined };
  }
  return out;
}

export type UpdateStateMachineInput = {
  stateMachineArn: string;
  definition?: string;
  roleArn?: string;
  loggingConfiguration?: Partial<LoggingConfiguration>;
  tracingConfiguration?: Partial<TracingConfiguration>;
  encryptionConfiguration?: Partial<EncryptionConfiguration>;
  publish?: boolean;
  versionDescription?: string;
};

export async function updateStateMachine(
  caller: WorkflowCaller,
  input: UpdateStateMachineInput,
): Promise<{ updateDate: Date; revisionId: string; stateMachineVersionArn?: string }> {
  canWrite(caller);
  if (
    input.definition === undefined &&
    input.roleArn === undefined &&
    input.loggingConfiguration === undefined &&
    input.tracingConfiguration === undefined &&
    input.encryptionConfiguration === undefined
  )
    throw missingParameter(
      "Either the definition, the role ARN, the LoggingConfiguration, the EncryptionConfiguration or the TracingConfiguration must be specified",
    );
  modelChecks(new ModelCheck(), input).done();
  if (input.roleArn !== undefined) checkRoleArn(input.roleArn);
  if (input.definition !== undefined) checkDefinition(input.definition);
  checkVersionDescription(input.publish, input.versionDescription);
  return withTransaction(async (tx) => {
    const { row } = await requireStateMachine(tx, caller, input.stateMachineArn, { lock: true });
    if (row.status === "DELETING") throw stateMachineDeleting(row.arn);
    const next = {
      definition: input.definition ?? row.definition,
      roleArn: input.roleArn ?? row.roleArn,
      loggingConfiguration:
        input.loggingConfiguration !== undefined
          ? checkLogging(input.loggingConfiguration, row.type)
          : row.loggingConfiguration,
      tracingConfiguration:
        input.tracingConfiguration !== undefined ? checkTracing(input.tracingConfiguration) : row.tracingConfiguration,
      encryptionConfiguration:
        input.encryptionConfiguration !== undefined
          ? checkEncryption(input.encryptionConfiguration)
          : row.encryptionConfiguration,
    };
    const changed =
      next.definition !== row.definition ||
      next.roleArn !== row.roleArn ||
      !sameJson(next.loggingConfiguration, row.loggingConfiguration) ||
      !sameJson(next.tracingConfiguration, row.tracingConfiguration) ||
      !sameJson(next.encryptionConfiguration, row.encryptionConfiguration);
    // A new revision whenever anything changed (or none was ever assigned): versions snapshot revisions.
    const revisionId = changed || row.revisionId === "INITIAL" ? randomUUID() : row.revisionId;
    const updated = await updateStateMachineRow(tx, row.id, { ...next, revisionId });
    const version = input.publish ? await publishInTx(tx, updated, input.versionDescription ?? "") : null;
    return {
      updateDate: updated.updatedAt,
      revisionId: updated.revisionId,
      ...(version ? { stateMachineVersionArn: version.arn } : {}),
    };
  });
}

/**
 * DeleteStateMachine: AWS marks the machine DELETING and removes it (with its versions and aliases)
 * once no execution runs. Here: gone at once when nothing runs; otherwise DELETING (new executions,
 * updates and versions are refused) until the executor finishes the last one and calls
 * `finishStateMachineDeletion`. Unknown machines succeed, as on AWS.
 */
export async function deleteStateMachine(caller: WorkflowCaller, input: { stateMachineArn: string }): Promise<void> {
  canWrite(caller);
  const ref = parseMachineArn(input.stateMachineArn);
  if (ref.kind !== "machine")
    throw sfnValidation(`Invalid Arn: 'Qualified state machine ARN is not supported: ${input.stateMachineArn}'`);
  await withTransaction(async (tx) => {
    const row =
      ref.accountId === caller.tenant.accountId ? await findStateMachine(tx, caller.tenant.id, ref.name, true) : null;
    if (!row || row.arn !== input.stateMachineArn) return;
    if ((await runningExecutionCount(tx, row.id)) === 0) await deleteStateMachineRow(tx, row.id);
    else if (row.status !== "DELETING") await updateStateMachineRow(tx, row.id, { status: "DELETING" }, false);
  });
}

/** For the executor: after an execution of a DELETING machine ends, the machine goes once nothing runs. */
export async function finishStateMachineDeletion(q: Queryable, tenantId: string): Promise<void> {
  await purgeDeletedStateMachines(q, tenantId);
}

export async function listStateMachines(
  caller: WorkflowCaller,
  input: { maxResults?: number; nextToken?: string } = {},
): Promise<{
  stateMachines: Array<{ stateMachineArn: string; name: string; type: StateMachineType; creationDate: Date }>;
  nextToken?: string;
}> {
  canRead(caller);
  const limit = pageSize(input.maxResults);
  const after = readPageToken<string>("sm", input.nextToken);
  const db = pool();
  await purgeDeletedStateMachines(db, caller.tenant.id);
  const rows = await listStateMachinesPage(db, caller.tenant.id, after, limit + 1);
  const page = rows.slice(0, limit);
  return {
    stateMachines: page.map((r) => ({
      stateMachineArn: r.arn,
      name: r.name,
      type: r.type,
      creationDate: r.createdAt,
    })),
    ...(rows.length > limit ? { nextToken: pageToken("sm", page[page.length - 1]!.name) } : {}),
  };
}

/** ValidateStateMachineDefinition: OK/FAIL and diagnostics, ERROR only unless severity is WARNING. */
export function validateStateMachineDefinition(
  caller: WorkflowCaller,
  input: { definition: string; type?: string; severity?: string; maxResults?: number },
): { result: "OK" | "FAIL"; diagnostics: Diagnostic[]; truncated: boolean } {
  canRead(caller);
  new ModelCheck()
    .length(input.definition, "definition", 1, MAX_DEFINITION, true)
    .oneOf(input.type, "type", TYPES)
    .oneOf(input.severity, "severity", ["ERROR", "WARNING"])
    .range(input.maxResults, "maxResults", 0, 100)
    .done();
  const severity = input.severity ?? "ERROR";
  const max = pageSize(input.maxResults, 100, 100);
  const v = validateDefinition(input.definition);
  const shown = v.diagnostics.filter((d) => severity === "WARNING" || d.severity === "ERROR");
  return { result: v.result, diagnostics: shown.slice(0, max), truncated: shown.length > max };
}

// ---- variable references (DescribeStateMachine's variableReferences) ----

/** The variables each state reads ($name in JSONPath values, $name in JSONata expressions), by state name. */
export function variableReferences(definition: string): Record<string, string[]> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition);
  } catch {
    return undefined;
  }
  const out: Record<string, string[]> = {};
  const reserved = new Set(["states", "$"]);
  const walkScope = (scope: unknown) => {
    const states = (scope as { States?: Record<string, unknown> } | null)?.States;
    if (!states || typeof states !== "object") return;
    for (const [name, state] of Object.entries(states)) {
      const found = new Set<string>();
      const visit = (v: unknown, key: string | null) => {
        if (typeof v === "string") {
          const jsonata = /^\{%[\s\S]*%\}$/.test(v.trim()) || /\{%[\s\S]*%\}/.test(v);
          const isPath = key !== null && (key.endsWith(".$") || key.endsWith("Path") || key === "Variable");
          if (jsonata || isPath)
            for (const m of v.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)(\s*\()?/g)) {
              const n = m[1]!;
              // In JSONata `$name(` calls a function; a bare `$name` reads a variable.
              if (!reserved.has(n) && !(jsonata && m[2] !== undefined && JSONATA_FUNCTIONS.has(n))) found.add(n);
            }
        } else if (Array.isArray(v)) v.forEach((x) => visit(x, key));
        else if (v && typeof v === "object")
          for (const [k, x] of Object.entries(v)) {
            if (k === "Branches" || k === "ItemProcessor" || k === "Iterator") continue;
            visit(x, k);
          }
      };
      visit(state, null);
      if (found.size) out[name] = [...found];
      const s = state as { Branches?: unknown[]; ItemProcessor?: unknown; Iterator?: unknown };
      for (const b of s?.Branches ?? []) walkScope(b);
      walkScope(s?.ItemProcessor ?? s?.Iterator);
    }
  };
  walkScope(parsed);
  return Object.keys(out).length ? out : undefined;
}

// JSONata's built-in functions (and AWS's additions) are not variables.
const JSONATA_FUNCTIONS = new Set(
  (
    "sum count max min average string substring substringBefore substringAfter lowercase uppercase length trim pad " +
    "contains split join match replace eval base64encode base64decode encodeUrlComponent encodeUrl decodeUrlComponent " +
    "decodeUrl number abs floor ceil round power sqrt random formatNumber formatBase formatInteger parseInteger " +
    "boolean not exists keys lookup spread merge sift each error assert type sort reverse shuffle distinct zip append " +
    "map filter single reduce now millis fromMillis toMillis partition range hash uuid parse"
  ).split(" "),
);

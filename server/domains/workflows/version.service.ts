import { randomUUID } from "node:crypto";
import { pool, withTransaction, type Queryable } from "../../db";
import { parseMachineArn, stateMachineArn } from "./state-machine.arns";
import { canRead, canWrite, pageSize, pageToken, readPageToken, type WorkflowCaller } from "./state-machine.common";
import {
  conflict,
  constraint,
  quotaExceeded,
  sfnValidation,
  stateMachineDeleting,
  stateMachineDoesNotExist,
} from "./state-machine.errors";
import {
  aliasesRoutingTo,
  deleteVersionRow,
  findStateMachine,
  findVersion,
  insertVersion,
  latestVersion,
  listVersionsPage,
  updateStateMachineRow,
  versionCount,
  type StateMachineRow,
  type VersionRow,
} from "./state-machine.repository";

// State machine versions: immutable snapshots of a revision (definition + role), numbered 1, 2, ...
// (never reused). Publishing the revision that already has a version returns that version.

const MAX_VERSIONS = 1000;

async function machineFor(q: Queryable, caller: WorkflowCaller, arn: string, lock = false) {
  const ref = parseMachineArn(arn);
  if (ref.kind !== "machine")
    throw sfnValidation(`Invalid Arn: 'Qualified state machine ARN is not supported: ${arn}'`);
  const row =
    ref.accountId === caller.tenant.accountId ? await findStateMachine(q, caller.tenant.id, ref.name, lock) : null;
  if (!row || row.arn !== stateMachineArn(ref.accountId, ref.name)) throw stateMachineDoesNotExist(arn);
  return row;
}

/** Publishes the machine's current revision (the row must be locked by the caller's transaction). */
export async function publishInTx(
  tx: Queryable,
  machine: StateMachineRow,
  description: string,
  expectedRevision?: string,
): Promise<VersionRow> {
  if (machine.status === "DELETING") throw stateMachineDeleting(machine.arn);
  if (expectedRevision !== undefined && expectedRevision !== machine.revisionId)
    throw conflict(
      `Failed to publish the State Machine version for revision ${expectedRevision}. The current State Machine revision is ${machine.revisionId}.`,
    );
  const latest = await latestVersion(tx, machine.id);
  if (latest && latest.revisionId === machine.revisionId) {
    if (latest.description !== description)
      throw conflict(
        `Failed to publish the State Machine version for revision ${machine.revisionId}: version ${latest.arn} exists for this revision with a different description.`,
      );
    return latest;
  }
  if ((await versionCount(tx, machine.id)) >= MAX_VERSIONS)
    throw quotaExceeded(
      `The maximum number of versions (${MAX_VERSIONS}) for state machine '${machine.arn}' has been reached. Delete unused versions with DeleteStateMachineVersion.`,
    );
  const version = machine.nextVersion;
  const made = await insertVersion(tx, {
    id: randomUUID(),
    tenantId: machine.tenantId,
    stateMachineId: machine.id,
    version,
    arn: `${machine.arn}:${version}`,
    definition: machine.definition,
    roleArn: machine.roleArn,
    description,
    revisionId: machine.revisionId,
    loggingConfiguration: machine.loggingConfiguration,
    tracingConfiguration: machine.tracingConfiguration,
  });
  await updateStateMachineRow(tx, machine.id, { nextVersion: version + 1 }, false);
  return made;
}

export async function publishStateMachineVersion(
  caller: WorkflowCaller,
  input: { stateMachineArn: string; revisionId?: string; description?: string },
): Promise<{ creationDate: Date; stateMachineVersionArn: string }> {
  canWrite(caller);
  if (input.description !== undefined && input.description.length > 256)
    throw constraint(input.description, "description", "Member must have length less than or equal to 256");
  return withTransaction(async (tx) => {
    const machine = await machineFor(tx, caller, input.stateMachineArn, true);
    const v = await publishInTx(tx, machine, input.description ?? "", input.revisionId);
    return { creationDate: v.createdAt, stateMachineVersionArn: v.arn };
  });
}

export async function listStateMachineVersions(
  caller: WorkflowCaller,
  input: { stateMachineArn: string; maxResults?: number; nextToken?: string },
): Promise<{
  stateMachineVersions: Array<{ stateMachineVersionArn: string; creationDate: Date }>;
  nextToken?: string;
}> {
  canRead(caller);
  const limit = pageSize(input.maxResults);
  const below = readPageToken<number>(`v:${input.stateMachineArn}`, input.nextToken);
  const db = pool();
  const machine = await machineFor(db, caller, input.stateMachineArn);
  const rows = await listVersionsPage(db, machine.id, below, limit + 1);
  const page = rows.slice(0, limit);
  return {
    stateMachineVersions: page.map((v) => ({ stateMachineVersionArn: v.arn, creationDate: v.createdAt })),
    ...(rows.length > limit
      ? { nextToken: pageToken(`v:${input.stateMachineArn}`, page[page.length - 1]!.version) }
      : {}),
  };
}

/** Refused while an alias routes to the version (ConflictException); an unknown version succeeds. */
export async function deleteStateMachineVersion(
  caller: WorkflowCaller,
  input: { stateMachineVersionArn: string },
): Promise<void> {
  canWrite(caller);
  const ref = parseMachineArn(input.stateMachineVersionArn);
  if (ref.kind !== "version")
    throw sfnValidation(
      `Invalid Arn: 'Unqualified or alias ARN is not a version ARN: ${input.stateMachineVersionArn}'`,
    );
  await withTransaction(async (tx) => {
    const machine =
      ref.accountId === caller.tenant.accountId ? await findStateMachine(tx, caller.tenant.id, ref.name, true) : null;
    if (!machine) return;
    const v = await findVersion(tx, machine.id, ref.version);
    if (!v || v.arn !== input.stateMachineVersionArn) return;
    const aliases = await aliasesRoutingTo(tx, machine.id, v.arn);
    if (aliases.length)
      throw conflict(
        `Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${aliases.map((a) => a.name).join(", ")}]`,
      );
    await deleteVersionRow(tx, v.id);
  });
}

import { randomUUID } from "node:crypto";
import { pool, withTransaction, type Queryable } from "../../db";
import { parseMachineArn, stateMachineArn } from "./state-machine.arns";
import { canRead, canWrite, pageSize, pageToken, readPageToken, type WorkflowCaller } from "./state-machine.common";
import {
  conflict,
  constraint,
  invalidArn,
  ModelCheck,
  quotaExceeded,
  resourceNotFound,
  sfnValidation,
  stateMachineDeleting,
  stateMachineDoesNotExist,
} from "./state-machine.errors";
import {
  aliasCount,
  aliasesRoutingTo,
  deleteAliasRow,
  findAlias,
  findStateMachine,
  findVersion,
  insertAlias,
  listAliasesPage,
  updateAliasRow,
  type AliasRow,
  type RoutingEntry,
  type StateMachineRow,
} from "./state-machine.repository";

// Aliases: a name that routes executions to one or two versions by weight (StartExecution with an
// alias ARN picks a version; wf-exec's resolver does the pick).

const MAX_ALIASES = 100;
const ALIAS_NAME = /^(?=.*[a-zA-Z_\-.])[a-zA-Z0-9_\-.]+$/;

function checkAliasName(name: string): void {
  new ModelCheck().length(name, "name", 1, 80).done();
  if (!ALIAS_NAME.test(name))
    throw constraint(
      name,
      "name",
      "Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$",
    );
}

function checkDescription(d: string | undefined): void {
  if (d !== undefined && d.length > 256)
    throw constraint(d, "description", "Member must have length less than or equal to 256");
}

/** The routing's versions must exist, belong to one machine, differ, and their weights add up to 100. */
async function checkRouting(
  q: Queryable,
  caller: WorkflowCaller,
  routing: Array<{ stateMachineVersionArn?: unknown; weight?: unknown }> | undefined,
  lock: boolean,
): Promise<{ machine: StateMachineRow; routing: RoutingEntry[] }> {
  if (!routing || routing.length < 1 || routing.length > 2)
    throw constraint(
      routing ? `[${routing.map((r) => JSON.stringify(r)).join(", ")}]` : undefined,
      "routingConfiguration",
      !routing
        ? "Member must not be null"
        : routing.length < 1
          ? "Member must have length greater than or equal to 1"
          : "Member must have length less than or equal to 2",
    );
  const entries: RoutingEntry[] = [];
  let machine: StateMachineRow | null = null;
  for (const [i, r] of routing.entries()) {
    const arn = typeof r?.stateMachineVersionArn === "string" ? r.stateMachineVersionArn : undefined;
    if (!arn)
      throw constraint(
        undefined,
        `routingConfiguration.${i + 1}.member.stateMachineVersionArn`,
        "Member must not be null",
      );
    const weight = r?.weight;
    if (typeof weight !== "number" || !Number.isInteger(weight))
      throw constraint(undefined, `routingConfiguration.${i + 1}.member.weight`, "Member must not be null");
    if (weight < 0 || weight > 100)
      throw constraint(
        weight,
        `routingConfiguration.${i + 1}.member.weight`,
        weight < 0
          ? "Member must have value greater than or equal to 0"
          : "Member must have value less than or equal to 100",
      );
    const ref = parseMachineArn(arn);
    if (ref.kind !== "version") throw invalidArn(`Invalid version ARN: ${arn}`);
    const m =
      ref.accountId === caller.tenant.accountId ? await findStateMachine(q, caller.tenant.id, ref.name, lock) : null;
    if (!m || `${m.arn}:${ref.version}` !== arn) throw resourceNotFound(arn);
    if (machine && machine.id !== m.id)
      throw sfnValidation("Routing configuration must contain state machine version ARNs of the same state machine.");
    machine = m;
    if (!(await findVersion(q, m.id, ref.version))) throw resourceNotFound(arn);
    if (entries.some((e) => e.stateMachineVersionArn === arn))
      throw sfnValidation("Routing configuration must contain distinct state machine version ARNs.");
    entries.push({ stateMachineVersionArn: arn, weight });
  }
  if (entries.reduce((s, e) => s + e.weight, 0) !== 100)
    throw sfnValidation("Sum of routing configuration weights must be equal to 100.");
  if (machine!.status === "DELETING") throw stateMachineDeleting(machine!.arn);
  return { machine: machine!, routing: entries };
}

async function requireAlias(q: Queryable, caller: WorkflowCaller, arn: string): Promise<AliasRow> {
  const ref = parseMachineArn(arn);
  if (ref.kind !== "alias") throw invalidArn(`Invalid alias ARN: ${arn}`);
  const m = ref.accountId === caller.tenant.accountId ? await findStateMachine(q, caller.tenant.id, ref.name) : null;
  const a = m ? await findAlias(q, m.id, ref.alias) : null;
  if (!a || a.arn !== arn) throw resourceNotFound(arn);
  return a;
}

/** Routing entries in AWS's member order (JSONB reorders keys). */
const norm = (r: RoutingEntry[]): RoutingEntry[] =>
  r.map((e) => ({ stateMachineVersionArn: e.stateMachineVersionArn, weight: e.weight }));

const sameRouting = (a: RoutingEntry[], b: RoutingEntry[]) =>
  JSON.stringify(norm(a).sort((x, y) => x.stateMachineVersionArn.localeCompare(y.stateMachineVersionArn))) ===
  JSON.stringify(norm(b).sort((x, y) => x.stateMachineVersionArn.localeCompare(y.stateMachineVersionArn)));

/** Idempotent for an identical request (returns the alias); a different one under the same name is a ConflictException. */
export async function createStateMachineAlias(
  caller: WorkflowCaller,
  input: {
    name: string;
    description?: string;
    routingConfiguration: Array<{ stateMachineVersionArn?: unknown; weight?: unknown }>;
  },
): Promise<{ stateMachineAliasArn: string; creationDate: Date }> {
  canWrite(caller);
  checkDescription(input.description);
  checkAliasName(input.name);
  return withTransaction(async (tx) => {
    const { machine, routing } = await checkRouting(tx, caller, input.routingConfiguration, true);
    const arn = `${stateMachineArn(caller.tenant.accountId, machine.name)}:${input.name}`;
    const existing = await findAlias(tx, machine.id, input.name);
    if (existing) {
      if (existing.description === (input.description ?? "") && sameRouting(existing.routing, routing))
        return { stateMachineAliasArn: existing.arn, creationDate: existing.createdAt };
      throw conflict(
        `Failed to create alias because an alias with the same name and a different configuration already exists: ${arn}`,
      );
    }
    if ((await aliasCount(tx, machine.id)) >= MAX_ALIASES)
      throw quotaExceeded(
        `The maximum number of aliases (${MAX_ALIASES}) for state machine '${machine.arn}' has been reached.`,
      );
    const made = await insertAlias(tx, {
      id: randomUUID(),
      tenantId: caller.tenant.id,
      stateMachineId: machine.id,
      name: input.name,
      arn,
      description: input.description ?? "",
      routing,
    });
    if (!made) throw conflict(`Failed to create alias: ${arn} was created concurrently.`);
    return { stateMachineAliasArn: made.arn, creationDate: made.createdAt };
  });
}

export async function describeStateMachineAlias(
  caller: WorkflowCaller,
  input: { stateMachineAliasArn: string },
): Promise<{
  stateMachineAliasArn: string;
  name: string;
  description?: string;
  routingConfiguration: RoutingEntry[];
  creationDate: Date;
  updateDate: Date;
}> {
  canRead(caller);
  const a = await requireAlias(pool(), caller, input.stateMachineAliasArn);
  return {
    stateMachineAliasArn: a.arn,
    name: a.name,
    ...(a.description ? { description: a.description } : {}),
    routingConfiguration: norm(a.routing),
    creationDate: a.createdAt,
    updateDate: a.updatedAt,
  };
}

export async function updateStateMachineAlias(
  caller: WorkflowCaller,
  input: {
    stateMachineAliasArn: string;
    description?: string;
    routingConfiguration?: Array<{ stateMachineVersionArn?: unknown; weight?: unknown }>;
  },
): Promise<{ updateDate: Date }> {
  canWrite(caller);
  checkDescription(input.description);
  if (input.description === undefined && input.routingConfiguration === undefined)
    throw sfnValidation("Either the description or the RoutingConfiguration must be specified");
  return withTransaction(async (tx) => {
    const a = await requireAlias(tx, caller, input.stateMachineAliasArn);
    let routing: RoutingEntry[] | undefined;
    if (input.routingConfiguration !== undefined) {
      const checked = await checkRouting(tx, caller, input.routingConfiguration, true);
      if (checked.machine.id !== a.stateMachineId)
        throw sfnValidation(
          "Routing configuration must contain state machine version ARNs of the alias' state machine.",
        );
      routing = checked.routing;
    }
    const updated = await updateAliasRow(tx, a.id, { description: input.description, routing });
    return { updateDate: updated.updatedAt };
  });
}

export async function deleteStateMachineAlias(caller: WorkflowCaller, input: { stateMachineAliasArn: string }) {
  canWrite(caller);
  await withTransaction(async (tx) => {
    const a = await requireAlias(tx, caller, input.stateMachineAliasArn);
    await deleteAliasRow(tx, a.id);
  });
}

/** Aliases of a machine, or (version ARN) the aliases routing to that version. */
export async function listStateMachineAliases(
  caller: WorkflowCaller,
  input: { stateMachineArn: string; maxResults?: number; nextToken?: string },
): Promise<{ stateMachineAliases: Array<{ stateMachineAliasArn: string; creationDate: Date }>; nextToken?: string }> {
  canRead(caller);
  const limit = pageSize(input.maxResults);
  const scope = `a:${input.stateMachineArn}`;
  const after = readPageToken<string>(scope, input.nextToken);
  const ref = parseMachineArn(input.stateMachineArn);
  if (ref.kind === "alias") throw invalidArn(`Invalid Arn: ${input.stateMachineArn}`);
  const db = pool();
  const m = ref.accountId === caller.tenant.accountId ? await findStateMachine(db, caller.tenant.id, ref.name) : null;
  if (!m) throw stateMachineDoesNotExist(input.stateMachineArn);
  let rows: AliasRow[];
  if (ref.kind === "version") {
    if (!(await findVersion(db, m.id, ref.version))) throw resourceNotFound(input.stateMachineArn);
    rows = (await aliasesRoutingTo(db, m.id, input.stateMachineArn))
      .sort((x, y) => x.name.localeCompare(y.name))
      .filter((a) => after === null || a.name > after)
      .slice(0, limit + 1);
  } else rows = await listAliasesPage(db, m.id, after, limit + 1);
  const page = rows.slice(0, limit);
  return {
    stateMachineAliases: page.map((a) => ({ stateMachineAliasArn: a.arn, creationDate: a.createdAt })),
    ...(rows.length > limit ? { nextToken: pageToken(scope, page[page.length - 1]!.name) } : {}),
  };
}

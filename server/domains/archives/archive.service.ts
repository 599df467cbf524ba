import { randomUUID } from "node:crypto";
import { assertCan, type Actor } from "../../auth/permissions";
import { pool, withTransaction } from "../../db";
import { constraintMessage, parseBusArn } from "../../core/events/names";
import { compilePattern, PatternError } from "../../core/events/pattern";
import { recordAudit } from "../audit/audit.service";
import { region, requireOwnBus, type Caller } from "../events/bus.service";
import {
  archiveStats,
  deleteArchiveRow,
  findArchive,
  insertArchive,
  listArchiveRows,
  updateArchiveRow,
  type ArchiveRow,
  type ArchiveStats,
} from "./archive.repository";
import { forgetArchiveCache } from "./archive.record";
import { alreadyExists, archiveNotFound, archiveValidation, invalidArchivePattern } from "./archive.errors";

// Archives (EventBridge CreateArchive … ListArchives): what a bus keeps of its events, for how
// long, and which events (an optional pattern). Recording happens in archive.record.ts; expiry in
// archive.retention.ts. Shared by the AWS door and the console.

export type { Caller };
export type ArchiveView = ArchiveRow & ArchiveStats;

const NAME_RE = /^[.\-_A-Za-z0-9]+$/;

export const archiveArn = (caller: Pick<Caller, "accountId">, name: string) =>
  `arn:aws:events:${region()}:${caller.accountId}:archive/${name}`;

export function archiveNameProblem(name: string, member = "archiveName"): string | null {
  if (name.length < 1) return constraintMessage(name, member, "Member must have length greater than or equal to 1");
  if (name.length > 48) return constraintMessage(name, member, "Member must have length less than or equal to 48");
  if (!NAME_RE.test(name))
    return constraintMessage(name, member, "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+");
  return null;
}

function checkName(name: string) {
  const p = archiveNameProblem(name);
  if (p) throw archiveValidation(p, "archiveName");
}

function checkDescription(d: string | undefined) {
  if (d !== undefined && d.length > 512)
    throw archiveValidation(
      constraintMessage(d, "description", "Member must have length less than or equal to 512"),
      "description",
    );
}

function checkRetention(days: number | undefined) {
  if (days !== undefined && (!Number.isInteger(days) || days < 0))
    throw archiveValidation(
      constraintMessage(String(days), "retentionDays", "Member must have value greater than or equal to 0"),
      "retentionDays",
    );
}

function checkArchivePattern(pattern: string | undefined) {
  if (pattern === undefined) return;
  try {
    compilePattern(pattern);
  } catch (err) {
    if (err instanceof PatternError) throw invalidArchivePattern(err.message);
    throw err;
  }
}

async function withStats(rows: ArchiveRow[]): Promise<ArchiveView[]> {
  const stats = await archiveStats(
    pool(),
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({ ...r, ...(stats.get(r.id) ?? { eventCount: 0, sizeBytes: 0 }) }));
}

export async function createArchive(
  actor: Actor,
  caller: Caller,
  input: { name: string; eventSourceArn: string; description?: string; eventPattern?: string; retentionDays?: number },
): Promise<ArchiveRow> {
  assertCan(actor.role, "resource:write");
  checkName(input.name);
  checkDescription(input.description);
  checkRetention(input.retentionDays);
  checkArchivePattern(input.eventPattern);
  if (!parseBusArn(input.eventSourceArn))
    throw archiveValidation(
      "Parameter EventSourceArn is not valid. Reason: Provided Arn is not in correct format.",
      "eventSourceArn",
    );
  return withTransaction(async (tx) => {
    const bus = await requireOwnBus(tx, caller, input.eventSourceArn);
    const row = await insertArchive(tx, {
      id: randomUUID(),
      tenantId: caller.tenantId,
      name: input.name,
      arn: archiveArn(caller, input.name),
      busId: bus.id,
      eventSourceArn: bus.arn,
      description: input.description ?? null,
      eventPattern: input.eventPattern ?? null,
      retentionDays: input.retentionDays ?? 0,
      state: "ENABLED",
      stateReason: null,
    });
    if (!row) throw alreadyExists(`Archive ${input.name} already exists.`);
    await recordAudit(
      actor,
      caller.tenantId,
      "archive.create",
      { type: "archive", id: row.id },
      { after: { name: row.name } },
      tx,
    );
    forgetArchiveCache(bus.id);
    return row;
  });
}

export async function describeArchive(actor: Actor, caller: Caller, name: string): Promise<ArchiveView> {
  assertCan(actor.role, "resource:read");
  checkName(name);
  const row = await findArchive(pool(), caller.tenantId, name);
  if (!row) throw archiveNotFound(name);
  return (await withStats([row]))[0]!;
}

export async function updateArchive(
  actor: Actor,
  caller: Caller,
  input: { name: string; description?: string; eventPattern?: string; retentionDays?: number },
): Promise<ArchiveRow> {
  assertCan(actor.role, "resource:write");
  checkName(input.name);
  checkDescription(input.description);
  checkRetention(input.retentionDays);
  checkArchivePattern(input.eventPattern);
  return withTransaction(async (tx) => {
    const row = await updateArchiveRow(tx, caller.tenantId, input.name, {
      description: input.description,
      eventPattern: input.eventPattern,
      retentionDays: input.retentionDays,
    });
    if (!row) throw archiveNotFound(input.name);
    await recordAudit(
      actor,
      caller.tenantId,
      "archive.update",
      { type: "archive", id: row.id },
      { after: { name: row.name } },
      tx,
    );
    forgetArchiveCache(row.busId);
    return row;
  });
}

export async function deleteArchive(actor: Actor, caller: Caller, name: string): Promise<void> {
  assertCan(actor.role, "resource:write");
  checkName(name);
  await withTransaction(async (tx) => {
    const row = await findArchive(tx, caller.tenantId, name);
    if (!row) throw archiveNotFound(name);
    await deleteArchiveRow(tx, caller.tenantId, row.id);
    await recordAudit(
      actor,
      caller.tenantId,
      "archive.delete",
      { type: "archive", id: row.id },
      { before: { name } },
      tx,
    );
    forgetArchiveCache(row.busId);
  });
}

const STATES = new Set(["ENABLED", "DISABLED", "CREATING", "UPDATING", "CREATE_FAILED", "UPDATE_FAILED"]);

export async function listArchives(
  actor: Actor,
  caller: Caller,
  input: { namePrefix?: string; eventSourceArn?: string; state?: string; nextToken?: string; limit?: number },
): Promise<{ archives: ArchiveView[]; nextToken?: string }> {
  assertCan(actor.role, "resource:read");
  const limit = input.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw archiveValidation(
      constraintMessage(String(limit), "limit", "Member must have value less than or equal to 100"),
      "limit",
    );
  if (input.state !== undefined && !STATES.has(input.state))
    throw archiveValidation(
      constraintMessage(input.state, "state", `Member must satisfy enum value set: [${[...STATES].join(", ")}]`),
      "state",
    );
  if ([input.namePrefix, input.eventSourceArn, input.state].filter((x) => x !== undefined).length > 1)
    throw archiveValidation(
      "At most one filter is allowed for ListArchives. Use either : State, EventSourceArn, or NamePrefix.",
    );
  let after: string | undefined;
  if (input.nextToken) {
    try {
      after = Buffer.from(input.nextToken, "base64url").toString("utf8");
    } catch {
      after = undefined;
    }
    if (!after) throw archiveValidation("The NextToken is not valid.", "nextToken");
  }
  const rows = await listArchiveRows(pool(), caller.tenantId, {
    ...input,
    prefix: input.namePrefix,
    after,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    archives: await withStats(page),
    nextToken: rows.length > limit ? Buffer.from(page[page.length - 1]!.name).toString("base64url") : undefined,
  };
}

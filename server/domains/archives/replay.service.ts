import { randomUUID } from "node:crypto";
import { assertCan, type Actor } from "../../auth/permissions";
import { pool, withTransaction } from "../../db";
import { constraintMessage, parseBusArn, parseRuleArn } from "../../core/events/names";
import { enqueue } from "../../platform/enqueue";
import { recordAudit } from "../audit/audit.service";
import { region, type Caller } from "../events/bus.service";
import { requireRule } from "../events/rule.service";
import {
  countActiveReplays,
  countInWindow,
  findArchiveByArn,
  findReplay,
  insertReplay,
  listReplayRows,
  lockReplay,
  updateReplayProgress,
  type ReplayRow,
} from "./archive.repository";
import { replayJob } from "./archives.jobs";
import { alreadyExists, archiveValidation, illegalStatus, limitExceeded, replayNotFound } from "./archive.errors";

// Replays (EventBridge StartReplay … CancelReplay): a time window of an archive re-put on its bus,
// optionally to some rules only. StartReplay commits the replay and its job together; the job
// (replay.run.ts) does the work batch by batch. Shared by the AWS door and the console.

export const MAX_ACTIVE_REPLAYS = 10;
// Sorted, as AWS lists them in its enum message.
const STATES = ["CANCELLED", "CANCELLING", "COMPLETED", "FAILED", "RUNNING", "STARTING"];
const NAME_RE = /^[.\-_A-Za-z0-9]+$/;

export const replayArn = (caller: Pick<Caller, "accountId">, name: string) =>
  `arn:aws:events:${region()}:${caller.accountId}:replay/${name}`;

function checkName(name: string) {
  const member = "replayName";
  if (name.length < 1)
    throw archiveValidation(
      constraintMessage(name, member, "Member must have length greater than or equal to 1"),
      member,
    );
  if (name.length > 64)
    throw archiveValidation(
      constraintMessage(name, member, "Member must have length less than or equal to 64"),
      member,
    );
  if (!NAME_RE.test(name))
    throw archiveValidation(
      constraintMessage(name, member, "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+"),
      member,
    );
}

export type StartReplayInput = {
  name: string;
  description?: string;
  eventSourceArn: string;
  eventStartTime: Date;
  eventEndTime: Date;
  destination: { arn: string; filterArns?: string[] };
};

export async function startReplay(actor: Actor, caller: Caller, input: StartReplayInput): Promise<ReplayRow> {
  assertCan(actor.role, "resource:write");
  checkName(input.name);
  if (input.description !== undefined && input.description.length > 512)
    throw archiveValidation(
      constraintMessage(input.description, "description", "Member must have length less than or equal to 512"),
      "description",
    );
  if (input.eventStartTime.getTime() > input.eventEndTime.getTime())
    throw archiveValidation(
      "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.",
      "eventEndTime",
    );
  if (!parseBusArn(input.destination.arn))
    throw archiveValidation(
      "Parameter Destination.Arn is not valid. Reason: Must contain an event bus ARN.",
      "destination",
    );
  const filterArns = [...new Set(input.destination.filterArns ?? [])];
  return withTransaction(async (tx) => {
    const archive = await findArchiveByArn(tx, caller.tenantId, input.eventSourceArn);
    if (!archive)
      throw archiveValidation(
        `Parameter EventSourceArn is not valid. Reason: Archive ${input.eventSourceArn.split("/").pop()} does not exist.`,
        "eventSourceArn",
      );
    if (input.destination.arn !== archive.eventSourceArn)
      throw archiveValidation(
        "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.",
        "destination",
      );
    for (const arn of filterArns) {
      const parsed = parseRuleArn(arn);
      if (!parsed || parsed.accountId !== caller.accountId)
        throw archiveValidation(
          `Parameter Destination.FilterArns is not valid. Reason: ${arn} is not a rule ARN.`,
          "destination",
        );
      // Each rule must be on the destination bus (ResourceNotFoundException otherwise).
      const { bus } = await requireRule(tx, caller, parsed.busName, parsed.name);
      if (bus.id !== archive.busId)
        throw archiveValidation(
          `Parameter Destination.FilterArns is not valid. Reason: Rule ${arn} is not on the destination event bus.`,
          "destination",
        );
    }
    if ((await countActiveReplays(tx, caller.tenantId)) >= MAX_ACTIVE_REPLAYS)
      throw limitExceeded(
        `The requested resource exceeds the maximum number allowed. Active replays: ${MAX_ACTIVE_REPLAYS}.`,
      );
    const window = { start: input.eventStartTime, end: input.eventEndTime };
    const row = await insertReplay(tx, {
      id: randomUUID(),
      tenantId: caller.tenantId,
      name: input.name,
      arn: replayArn(caller, input.name),
      archiveId: archive.id,
      eventSourceArn: archive.arn,
      description: input.description ?? null,
      destinationArn: input.destination.arn,
      filterArns,
      eventStartTime: window.start,
      eventEndTime: window.end,
      totalCount: await countInWindow(tx, archive.id, window),
    });
    if (!row) throw alreadyExists(`Replay ${input.name} already exists.`);
    await enqueue(replayJob, { tenantId: caller.tenantId, replayId: row.id }, { tx });
    await recordAudit(
      actor,
      caller.tenantId,
      "replay.start",
      { type: "replay", id: row.id },
      { after: { name: row.name } },
      tx,
    );
    return row;
  });
}

export async function describeReplay(actor: Actor, caller: Caller, name: string): Promise<ReplayRow> {
  assertCan(actor.role, "resource:read");
  checkName(name);
  const row = await findReplay(pool(), caller.tenantId, name);
  if (!row) throw replayNotFound(name);
  return row;
}

export async function listReplays(
  actor: Actor,
  caller: Caller,
  input: { namePrefix?: string; eventSourceArn?: string; state?: string; nextToken?: string; limit?: number },
): Promise<{ replays: ReplayRow[]; nextToken?: string }> {
  assertCan(actor.role, "resource:read");
  const limit = input.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw archiveValidation(
      constraintMessage(String(limit), "limit", "Member must have value less than or equal to 100"),
      "limit",
    );
  if (input.state !== undefined && !STATES.includes(input.state))
    throw archiveValidation(
      constraintMessage(input.state, "state", `Member must satisfy enum value set: [${STATES.join(", ")}]`),
      "state",
    );
  if ([input.namePrefix, input.eventSourceArn, input.state].filter((x) => x !== undefined).length > 1)
    throw archiveValidation(
      "At most one filter is allowed for ListReplays. Use either : State, EventSourceArn, or NamePrefix.",
    );
  const after = input.nextToken ? Buffer.from(input.nextToken, "base64url").toString("utf8") : undefined;
  if (input.nextToken && !after) throw archiveValidation("The NextToken is not valid.", "nextToken");
  const rows = await listReplayRows(pool(), caller.tenantId, {
    ...input,
    prefix: input.namePrefix,
    after,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    replays: page,
    nextToken: rows.length > limit ? Buffer.from(page[page.length - 1]!.name).toString("base64url") : undefined,
  };
}

/**
 * CancelReplay: a STARTING or RUNNING replay becomes CANCELLING; the job stops before its next
 * batch and marks it CANCELLED (the batch in flight, committed with its events, stays replayed).
 */
export async function cancelReplay(actor: Actor, caller: Caller, name: string): Promise<ReplayRow> {
  assertCan(actor.role, "resource:write");
  checkName(name);
  return withTransaction(async (tx) => {
    const found = await findReplay(tx, caller.tenantId, name);
    if (!found) throw replayNotFound(name);
    const row = (await lockReplay(tx, caller.tenantId, found.id))!;
    if (row.state !== "STARTING" && row.state !== "RUNNING")
      throw illegalStatus(`Replay ${name} is not in a valid state for this operation.`);
    await updateReplayProgress(tx, row.id, { state: "CANCELLING" });
    await recordAudit(actor, caller.tenantId, "replay.cancel", { type: "replay", id: row.id }, { after: { name } }, tx);
    return { ...row, state: "CANCELLING" };
  });
}

import { AppError } from "../../../core/errors";
import {
  createArchive,
  deleteArchive,
  describeArchive,
  listArchives,
  updateArchive,
} from "../../../domains/archives/archive.service";
import { cancelReplay, describeReplay, listReplays, startReplay } from "../../../domains/archives/replay.service";
import type { ReplayRow } from "../../../domains/archives/archive.repository";
import { compact, epoch, int, list, obj, str, type In, caller, jsonActions, type Handler } from "./wire";

// EventBridge archives and replays on the AWS door (contracts.md seam 7): CreateArchive,
// DescribeArchive, UpdateArchive, DeleteArchive, ListArchives, StartReplay, DescribeReplay,
// ListReplays, CancelReplay. events' service spreads `archiveActions` into its table.

/** A JSON 1.1 timestamp member: epoch seconds (what the SDKs send) or an ISO 8601 string. */
function timestamp(input: In, name: string): Date {
  const v = input[name];
  if (v === undefined || v === null) {
    const lower = name.charAt(0).toLowerCase() + name.slice(1);
    throw new AppError(
      "validation",
      `1 validation error detected: Value null at '${lower}' failed to satisfy constraint: Member must not be null`,
      { awsCode: "ValidationException" },
    );
  }
  const d = typeof v === "number" ? new Date(v * 1000) : typeof v === "string" ? new Date(v) : null;
  if (!d || Number.isNaN(d.getTime()))
    throw new AppError("validation", `Unexpected type for member ${name}.`, { awsCode: "SerializationException" });
  return d;
}

function replayOut(r: ReplayRow, full: boolean) {
  return compact({
    ReplayName: r.name,
    ...(full ? { ReplayArn: r.arn, Description: r.description } : {}),
    EventSourceArn: r.eventSourceArn,
    ...(full
      ? { Destination: { Arn: r.destinationArn, ...(r.filterArns.length ? { FilterArns: r.filterArns } : {}) } }
      : {}),
    State: r.state,
    StateReason: r.stateReason,
    EventStartTime: epoch(r.eventStartTime),
    EventEndTime: epoch(r.eventEndTime),
    EventLastReplayedTime: r.eventLastReplayedTime ? epoch(r.eventLastReplayedTime) : null,
    ReplayStartTime: r.replayStartTime ? epoch(r.replayStartTime) : null,
    ReplayEndTime: r.replayEndTime ? epoch(r.replayEndTime) : null,
  });
}

const HANDLERS: Array<[string, Handler]> = [
  [
    "CreateArchive",
    async (ctx, input) => {
      const a = await createArchive(ctx.actor, caller(ctx), {
        name: str(input, "ArchiveName", true),
        eventSourceArn: str(input, "EventSourceArn", true),
        description: str(input, "Description"),
        eventPattern: str(input, "EventPattern"),
        retentionDays: int(input, "RetentionDays"),
      });
      return compact({
        ArchiveArn: a.arn,
        State: a.state,
        StateReason: a.stateReason,
        CreationTime: epoch(a.createdAt),
      });
    },
  ],
  [
    "DescribeArchive",
    async (ctx, input) => {
      const a = await describeArchive(ctx.actor, caller(ctx), str(input, "ArchiveName", true));
      return compact({
        ArchiveArn: a.arn,
        ArchiveName: a.name,
        EventSourceArn: a.eventSourceArn,
        Description: a.description,
        EventPattern: a.eventPattern,
        State: a.state,
        StateReason: a.stateReason,
        RetentionDays: a.retentionDays,
        SizeBytes: a.sizeBytes,
        EventCount: a.eventCount,
        CreationTime: epoch(a.createdAt),
      });
    },
  ],
  [
    "UpdateArchive",
    async (ctx, input) => {
      const a = await updateArchive(ctx.actor, caller(ctx), {
        name: str(input, "ArchiveName", true),
        description: str(input, "Description"),
        eventPattern: str(input, "EventPattern"),
        retentionDays: int(input, "RetentionDays"),
      });
      return compact({
        ArchiveArn: a.arn,
        State: a.state,
        StateReason: a.stateReason,
        CreationTime: epoch(a.createdAt),
      });
    },
  ],
  [
    "DeleteArchive",
    async (ctx, input) => {
      await deleteArchive(ctx.actor, caller(ctx), str(input, "ArchiveName", true));
      return {};
    },
  ],
  [
    "ListArchives",
    async (ctx, input) => {
      const r = await listArchives(ctx.actor, caller(ctx), {
        namePrefix: str(input, "NamePrefix"),
        eventSourceArn: str(input, "EventSourceArn"),
        state: str(input, "State"),
        nextToken: str(input, "NextToken"),
        limit: int(input, "Limit"),
      });
      return compact({
        Archives: r.archives.map((a) =>
          compact({
            ArchiveName: a.name,
            EventSourceArn: a.eventSourceArn,
            State: a.state,
            StateReason: a.stateReason,
            RetentionDays: a.retentionDays,
            SizeBytes: a.sizeBytes,
            EventCount: a.eventCount,
            CreationTime: epoch(a.createdAt),
          }),
        ),
        NextToken: r.nextToken,
      });
    },
  ],
  [
    "StartReplay",
    async (ctx, input) => {
      const dest = obj(input, "Destination");
      if (!dest)
        throw new AppError(
          "validation",
          "1 validation error detected: Value null at 'destination' failed to satisfy constraint: Member must not be null",
          { awsCode: "ValidationException" },
        );
      const r = await startReplay(ctx.actor, caller(ctx), {
        name: str(input, "ReplayName", true),
        description: str(input, "Description"),
        eventSourceArn: str(input, "EventSourceArn", true),
        eventStartTime: timestamp(input, "EventStartTime"),
        eventEndTime: timestamp(input, "EventEndTime"),
        destination: { arn: str(dest, "Arn", true), filterArns: list<string>(dest, "FilterArns") },
      });
      return compact({
        ReplayArn: r.arn,
        State: r.state,
        StateReason: r.stateReason,
        ReplayStartTime: r.replayStartTime ? epoch(r.replayStartTime) : null,
      });
    },
  ],
  [
    "DescribeReplay",
    async (ctx, input) => replayOut(await describeReplay(ctx.actor, caller(ctx), str(input, "ReplayName", true)), true),
  ],
  [
    "ListReplays",
    async (ctx, input) => {
      const r = await listReplays(ctx.actor, caller(ctx), {
        namePrefix: str(input, "NamePrefix"),
        eventSourceArn: str(input, "EventSourceArn"),
        state: str(input, "State"),
        nextToken: str(input, "NextToken"),
        limit: int(input, "Limit"),
      });
      return compact({ Replays: r.replays.map((x) => replayOut(x, false)), NextToken: r.nextToken });
    },
  ],
  [
    "CancelReplay",
    async (ctx, input) => {
      const r = await cancelReplay(ctx.actor, caller(ctx), str(input, "ReplayName", true));
      return compact({ ReplayArn: r.arn, State: r.state, StateReason: r.stateReason });
    },
  ],
];

export const archiveActions = jsonActions(HANDLERS);

import { MAX_PUT_EVENTS_BYTES, putEventsEntrySize } from "../../core/events/envelope";
import type { Queryable } from "../../db";
import { BOSS_SCHEMA } from "../../jobs/boss";
import { intakeEvents, type PutEventsEntry } from "../events/event-intake";
import { insertEvents, notifyEventsAccepted } from "../events/event.repository";
import { afterEventsAccepted } from "../events/events.hooks";

// "Step Functions Execution Status Change" events, as AWS sends them to the account's default
// event bus: source aws.states, the execution ARN as the only resource, and the execution's
// state in `detail` (AWS's member names and order; dates as epoch milliseconds). STANDARD
// executions only (AWS sends none for EXPRESS).
//
// The executor calls emitExecutionStatusChange inside the transaction that changes the status:
// the event is stored "not routed yet" in that transaction and its NOTIFY wakes the routers on
// commit, so a status change and its event commit together (exactly once) and rules on the
// default bus react like to any accepted event. This module takes the LOW accept path
// (event-intake + event.repository + events.hooks, as events/bus.delivery.ts does), never
// put-events.ts or the router: those reach rule dispatch and the delivery registry, whose
// workflow target kind reaches the executor's start path (import-x/no-cycle).

export const STATUS_CHANGE_SOURCE = "aws.states";
export const STATUS_CHANGE_DETAIL_TYPE = "Step Functions Execution Status Change";

/** What the event needs of an execution (the executions row's fields in camelCase; the optional ones default as for a first run). */
export type ExecutionStatusRecord = {
  tenantId: string;
  /** The execution ARN (`arn:aws:states:R:A:execution:SM:NAME`). */
  executionArn: string;
  stateMachineArn: string;
  name: string;
  /** RUNNING | SUCCEEDED | FAILED | TIMED_OUT | ABORTED | PENDING_REDRIVE */
  status: string;
  /** STANDARD | EXPRESS (EXPRESS executions send no events). */
  type?: string;
  startDate: Date;
  stopDate?: Date | null;
  input?: string | null;
  output?: string | null;
  error?: string | null;
  cause?: string | null;
  versionArn?: string | null;
  aliasArn?: string | null;
  redriveCount?: number | null;
  redriveDate?: Date | null;
};

// The whole PutEvents entry must stay under 256 KiB: AWS leaves out an input or output too large
// for the event and says so with `included: false`.
const MAX_DATA_BYTES = 240 * 1024;
const REDRIVE_WINDOW_MS = 14 * 24 * 3600 * 1000;
const REDRIVABLE = new Set(["FAILED", "TIMED_OUT", "ABORTED"]);

function redriveStatus(e: ExecutionStatusRecord): { status: string; reason: string | null } {
  if (!REDRIVABLE.has(e.status))
    return { status: "NOT_REDRIVABLE", reason: `Execution is ${e.status} and cannot be redriven` };
  if (e.stopDate && Date.now() - e.stopDate.getTime() > REDRIVE_WINDOW_MS)
    return { status: "NOT_REDRIVABLE", reason: "Execution is not redrivable after 14 days" };
  return { status: "REDRIVABLE", reason: null };
}

const accountOf = (arn: string): string | null => /^arn:aws[\w-]*:states:[^:]*:(\d{12}):/.exec(arn)?.[1] ?? null;

/** AWS's `detail` for one execution's current status (member order as AWS's documented examples). */
export function executionStatusDetail(e: ExecutionStatusRecord): Record<string, unknown> {
  const input = e.input ?? null;
  const finished = e.status !== "RUNNING" && e.status !== "PENDING_REDRIVE";
  let output = e.status === "SUCCEEDED" ? (e.output ?? null) : null;
  let inputIncluded = true;
  let outputIncluded = true;
  const bytes = (s: string | null) => (s === null ? 0 : Buffer.byteLength(s));
  let inputText = input;
  if (bytes(inputText) + bytes(output) > MAX_DATA_BYTES) {
    if (bytes(output) > MAX_DATA_BYTES / 2 || bytes(inputText) <= MAX_DATA_BYTES / 2) {
      output = null;
      outputIncluded = false;
    }
    if (bytes(inputText) + bytes(output) > MAX_DATA_BYTES) {
      inputText = null;
      inputIncluded = false;
    }
  }
  const redrive = redriveStatus(e);
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: e.startDate.getTime(),
    stopDate: finished && e.stopDate ? e.stopDate.getTime() : null,
    input: inputText,
    output,
    stateMachineVersionArn: e.versionArn ?? null,
    stateMachineAliasArn: e.aliasArn ?? null,
    redriveCount: e.redriveCount ?? 0,
    redriveDate: e.redriveDate ? e.redriveDate.getTime() : null,
    redriveStatus: redrive.status,
    redriveStatusReason: redrive.reason,
    inputDetails: { included: inputIncluded },
    outputDetails: e.status === "SUCCEEDED" ? { included: outputIncluded } : null,
    error: e.error ?? null,
    cause: e.cause ?? null,
  };
}

/** The PutEvents entry for a status change (exported for tests and the console's event samples). */
export function executionStatusEntry(e: ExecutionStatusRecord): PutEventsEntry {
  const at = e.status === "RUNNING" ? (e.redriveDate ?? e.startDate) : (e.stopDate ?? new Date());
  const entry = (detail: Record<string, unknown>): PutEventsEntry => ({
    Source: STATUS_CHANGE_SOURCE,
    DetailType: STATUS_CHANGE_DETAIL_TYPE,
    Detail: JSON.stringify(detail),
    Resources: [e.executionArn],
    Time: at,
  });
  let detail = executionStatusDetail(e);
  // A long cause (up to 32 KiB) next to large data could still pass PutEvents' limit: then the
  // data goes, and at worst the cause is shortened, so the status change itself is never refused.
  if (putEventsEntrySize(entry(detail)) > MAX_PUT_EVENTS_BYTES) {
    detail = {
      ...detail,
      input: null,
      output: null,
      inputDetails: { included: false },
      outputDetails: detail.outputDetails === null ? null : { included: false },
    };
  }
  const cause = detail.cause;
  if (typeof cause === "string" && putEventsEntrySize(entry(detail)) > MAX_PUT_EVENTS_BYTES)
    detail = { ...detail, cause: cause.slice(0, 16 * 1024) };
  return entry(detail);
}

/**
 * Puts the execution's "Step Functions Execution Status Change" event on its tenant's default bus
 * inside `tx` (the transaction that changed the status). Returns the event id, or null when none
 * is sent (an EXPRESS execution). Throws only what the database throws.
 */
export async function emitExecutionStatusChange(
  tx: Queryable,
  execution: ExecutionStatusRecord,
): Promise<string | null> {
  if (execution.type === "EXPRESS") return null;
  const accountId = accountOf(execution.executionArn) ?? accountOf(execution.stateMachineArn);
  if (!accountId) return null;
  const intake = await intakeEvents(
    tx,
    { tenantId: execution.tenantId, accountId },
    "default",
    [executionStatusEntry(execution)],
    { ingest: "source", allowAwsSource: true },
  );
  const r = intake.results[0]!;
  const g = intake.groups[0];
  if ("ErrorCode" in r || !g) return null;
  const stored = await insertEvents(
    tx,
    g.events.map((ev) => ev.row),
    intake.receivedAt,
    BOSS_SCHEMA,
  );
  await afterEventsAccepted(tx, g.bus, stored);
  await notifyEventsAccepted(tx, BOSS_SCHEMA);
  return r.EventId;
}

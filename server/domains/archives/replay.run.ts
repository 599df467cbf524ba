import { withTransaction } from "../../db";
import type { JobContext } from "../../jobs/registry";
import { enqueue } from "../../platform/enqueue";
import { putEvents, type PutEventsEntry } from "../events/put-events";
import { replayJob } from "./archives.jobs";
import { archivedBatch, lockReplay, updateReplayProgress, type ArchivedEvent } from "./archive.repository";

// The replay job: re-puts the archived events of a window in (event time, archive order) batches
// through events' putEvents, each batch in ONE transaction with the replay's cursor, so the events,
// their invocations and the progress commit together. A killed worker's retry resumes after the
// last committed batch (no event replayed twice, none skipped); CancelReplay is seen before each
// batch. Replayed events carry `replay-name` and match only the filter rules, when given.

const MAX_BATCH = 10; // PutEvents' entry limit
const MAX_BATCH_BYTES = 256 * 1024; // PutEvents' request size limit

/** The next batch's events within PutEvents' limits (at least one, whatever its size). */
function fitBatch(events: ArchivedEvent[]): ArchivedEvent[] {
  const out: ArchivedEvent[] = [];
  let bytes = 0;
  for (const e of events) {
    if (out.length && bytes + e.size > MAX_BATCH_BYTES) break;
    out.push(e);
    bytes += e.size;
  }
  return out;
}

function toEntry(e: ArchivedEvent): PutEventsEntry {
  const env = JSON.parse(e.envelope) as {
    source: string;
    "detail-type": string;
    detail: unknown;
    resources?: string[];
    time: string;
  };
  return {
    Source: env.source,
    DetailType: env["detail-type"],
    Detail: JSON.stringify(env.detail ?? {}),
    Resources: env.resources ?? [],
    Time: env.time,
  };
}

/** Runs one batch; returns false when the replay reached a final state. */
export async function runReplayBatch(tenantId: string, replayId: string): Promise<boolean> {
  return withTransaction(async (tx) => {
    const r = await lockReplay(tx, tenantId, replayId);
    if (!r) return false;
    if (r.state === "COMPLETED" || r.state === "CANCELLED" || r.state === "FAILED") return false;
    if (r.state === "CANCELLING") {
      await updateReplayProgress(tx, r.id, { state: "CANCELLED", finished: true });
      return false;
    }
    if (!r.archiveId) {
      await updateReplayProgress(tx, r.id, {
        state: "FAILED",
        stateReason: "The archive was deleted.",
        finished: true,
      });
      return false;
    }
    const cursor = r.cursorTime && r.cursorId ? { time: r.cursorTime, id: r.cursorId } : null;
    const candidates = await archivedBatch(
      tx,
      r.archiveId,
      { start: r.eventStartTime, end: r.eventEndTime },
      cursor,
      MAX_BATCH,
    );
    if (!candidates.length) {
      await updateReplayProgress(tx, r.id, { state: "COMPLETED", finished: true });
      return false;
    }
    const batch = fitBatch(candidates);
    const accountId = r.arn.split(":")[4]!;
    await putEvents(tx, { tenantId, accountId }, r.destinationArn, batch.map(toEntry), {
      replayName: r.name,
      ruleArns: r.filterArns.length ? r.filterArns : undefined,
      ingest: "replay",
    });
    const last = batch[batch.length - 1]!;
    await updateReplayProgress(tx, r.id, {
      state: "RUNNING",
      cursor: { time: last.eventTime, id: last.id },
      replayed: batch.length,
      lastReplayed: last.eventTime,
    });
    return true;
  });
}

const SLICE_MS = 20_000;

/**
 * The job: batches until the replay ends, or for about 20 s, after which it hands over to a fresh
 * job (a long replay never nears the job's expiry; a failed hand-over fails this job, whose retry
 * resumes from the cursor). `sliceMs` is for tests.
 */
export async function runReplay(
  data: { tenantId: string; replayId: string },
  ctx?: Pick<JobContext, "log">,
  sliceMs = SLICE_MS,
): Promise<void> {
  const until = Date.now() + sliceMs;
  let batches = 0;
  for (;;) {
    if (!(await runReplayBatch(data.tenantId, data.replayId))) {
      ctx?.log.info({ replayId: data.replayId, batches }, "replay finished");
      return;
    }
    batches++;
    if (Date.now() >= until) {
      await enqueue(replayJob, data);
      return;
    }
  }
}

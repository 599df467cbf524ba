import { randomUUID } from "node:crypto";
import { assertCan, type Actor } from "../../auth/permissions";
import { pool, withTransaction } from "../../db";
import { enqueue } from "../../platform/enqueue";
import type { JobContext } from "../../jobs/registry";
import { queueMoveTask } from "./queue.jobs";
import { recordAudit } from "../audit/audit.service";
import { MAX_MOVE_TASK_RATE, parseQueueArn, sqsError } from "../../core/sqs";
import { listDeadLetterSources, type QueueRow } from "./queue.repository";
import { adjustFifoGroups, inIndexOrder, moveMessageRows } from "./message.repository";
import {
  activeMoveTask,
  addMoved,
  countMovable,
  findMoveTask,
  insertMoveTask,
  listMoveTaskRows,
  lockMovable,
  setMoveTaskStatus,
  type MoveTaskRow,
} from "./maintenance.repository";
import { now, queueByArn } from "./queue.context";
import type { Logger } from "../../logger";

// Message-move tasks (StartMessageMoveTask / ListMessageMoveTasks / CancelMessageMoveTask): move
// the messages a dead-letter queue held when the task started back to their source queues (or to
// one destination), at most MaxNumberOfMessagesPerSecond, in a worker. Each chunk is one
// transaction that moves the rows and counts them, so a crashed worker resumes without loss or
// double counting.

export type MoveTaskView = {
  taskHandle?: string;
  status: string;
  sourceArn: string;
  destinationArn?: string;
  maxNumberOfMessagesPerSecond?: number;
  approximateNumberOfMessagesMoved: number;
  approximateNumberOfMessagesToMove?: number;
  failureReason?: string;
  startedTimestamp: number;
};

export function moveTaskView(r: MoveTaskRow): MoveTaskView {
  return {
    ...(r.status === "RUNNING" ? { taskHandle: r.id } : {}),
    status: r.status,
    sourceArn: r.source_arn,
    ...(r.destination_arn ? { destinationArn: r.destination_arn } : {}),
    ...(r.max_per_second ? { maxNumberOfMessagesPerSecond: r.max_per_second } : {}),
    approximateNumberOfMessagesMoved: Number(r.moved),
    approximateNumberOfMessagesToMove: Number(r.to_move),
    ...(r.failure_reason ? { failureReason: r.failure_reason } : {}),
    startedTimestamp: r.started_at.getTime(),
  };
}

async function ownQueueByArn(tenantId: string, arn: string, field: string): Promise<QueueRow> {
  const q = parseQueueArn(arn) ? await queueByArn(arn) : null;
  if (!q || q.tenantId !== tenantId)
    throw sqsError(
      "ResourceNotFoundException",
      `The resource that you specified for the ${field} parameter doesn't exist.`,
      field,
    );
  return q;
}

export async function startMessageMoveTask(
  actor: Actor,
  tenantId: string,
  input: { sourceArn: string; destinationArn?: string; maxNumberOfMessagesPerSecond?: number },
): Promise<{ taskHandle: string }> {
  assertCan(actor.role, "resource:write");
  const source = await ownQueueByArn(tenantId, input.sourceArn, "SourceArn");
  const sources = await listDeadLetterSources(pool(), tenantId, source.arn, { limit: 1 });
  if (!sources.length)
    throw sqsError("InvalidParameterValue", "Source queue must be configured as a Dead Letter Queue.", "SourceArn");
  if (input.destinationArn) {
    const dest = await ownQueueByArn(tenantId, input.destinationArn, "DestinationArn");
    if (dest.settings.fifo !== source.settings.fifo)
      throw sqsError(
        "InvalidParameterValue",
        "The destination queue must be of the same type as the source queue.",
        "DestinationArn",
      );
    if (dest.id === source.id)
      throw sqsError("InvalidParameterValue", "The destination queue cannot be the source queue.", "DestinationArn");
  }
  const rate = input.maxNumberOfMessagesPerSecond;
  if (rate !== undefined && (!Number.isInteger(rate) || rate < 1 || rate > MAX_MOVE_TASK_RATE)) {
    throw sqsError(
      "InvalidParameterValue",
      `Value ${rate} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and ${MAX_MOVE_TASK_RATE}.`,
      "MaxNumberOfMessagesPerSecond",
    );
  }
  if (await activeMoveTask(pool(), tenantId, source.id))
    throw sqsError(
      "UnsupportedOperation",
      "There is already a task running. Only one active task is allowed for a source queue arn at a given time.",
    );
  const t = now();
  const id = Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn: source.arn })).toString("base64");
  const toMove = await countMovable(pool(), tenantId, source.id, t, t);
  await withTransaction(async (tx) => {
    await insertMoveTask(tx, {
      id,
      tenantId,
      sourceQueueId: source.id,
      sourceArn: source.arn,
      destinationArn: input.destinationArn ?? null,
      maxPerSecond: rate ?? null,
      toMove,
      cutoff: t,
    });
    await enqueue(queueMoveTask, { taskId: id }, { tx });
  });
  await recordAudit(
    actor,
    tenantId,
    "queue.move_task.start",
    { type: "queue", id: source.id },
    { name: source.name, destinationArn: input.destinationArn ?? null, rate: rate ?? null, toMove },
  );
  return { taskHandle: id };
}

export async function listMessageMoveTasks(
  actor: Actor,
  tenantId: string,
  input: { sourceArn: string; maxResults?: number },
): Promise<MoveTaskView[]> {
  assertCan(actor.role, "resource:read");
  const source = await ownQueueByArn(tenantId, input.sourceArn, "SourceArn");
  const max = input.maxResults ?? 1;
  if (!Number.isInteger(max) || max < 1 || max > 10)
    throw sqsError(
      "InvalidParameterValue",
      `Value ${max} for parameter MaxResults is invalid. Reason: Must be between 1 and 10.`,
      "MaxResults",
    );
  return (await listMoveTaskRows(pool(), tenantId, source.id, max)).map(moveTaskView);
}

export async function cancelMessageMoveTask(
  actor: Actor,
  tenantId: string,
  taskHandle: string,
): Promise<{ approximateNumberOfMessagesMoved: number }> {
  assertCan(actor.role, "resource:write");
  const row = await setMoveTaskStatus(pool(), tenantId, taskHandle, "CANCELLING", ["RUNNING"]);
  if (!row)
    throw sqsError(
      "ResourceNotFoundException",
      "The resource that you specified for the TaskHandle parameter doesn't exist.",
      "TaskHandle",
    );
  await recordAudit(
    actor,
    tenantId,
    "queue.move_task.cancel",
    { type: "queue", id: row.source_queue_id },
    { taskHandle },
  );
  return { approximateNumberOfMessagesMoved: Number(row.moved) };
}

/** The queues.move-task handler: works for a while, then hands the rest to a fresh job. */
export async function runMoveTaskJob(data: { taskId: string }, ctx: JobContext): Promise<void> {
  const next = await runMoveTask(data.taskId, ctx.log);
  if (next === "again") await enqueue(queueMoveTask, { taskId: data.taskId });
}

const DEFAULT_RATE = 500;
const CHUNK_MAX = 500;

/**
 * Works on one task for up to `budgetMs`, one chunk per second at the task's rate. Returns
 * "again" when the task still has messages (the job re-enqueues itself), "done" otherwise.
 */
export async function runMoveTask(taskId: string, log: Logger, budgetMs = 20_000): Promise<"again" | "done"> {
  const started = Date.now();
  for (;;) {
    const task = await findMoveTask(pool(), null, taskId);
    if (!task) return "done";
    if (task.status === "CANCELLING") {
      await setMoveTaskStatus(pool(), task.tenant_id, task.id, "CANCELLED", ["CANCELLING"]);
      return "done";
    }
    if (task.status !== "RUNNING") return "done";
    const source = await queueByArn(task.source_arn);
    if (!source || source.id !== task.source_queue_id) {
      await setMoveTaskStatus(
        pool(),
        task.tenant_id,
        task.id,
        "FAILED",
        ["RUNNING"],
        "The source queue no longer exists.",
      );
      return "done";
    }
    const limit = Math.min(task.max_per_second ?? DEFAULT_RATE, CHUNK_MAX);
    const tickStart = Date.now();
    const outcome = await inIndexOrder(async (tx) => {
      const t = now();
      const rows = await lockMovable(tx, task.tenant_id, source.id, task.cutoff, t, limit);
      if (!rows.length) return { moved: 0, failed: null as string | null };
      const byDest = new Map<string, typeof rows>();
      for (const r of rows) {
        const dest = task.destination_arn ?? r.dead_letter_source_arn;
        if (!dest) continue; // never dead-lettered and no destination: stays (AWS needs a source to return to)
        (byDest.get(dest) ?? byDest.set(dest, []).get(dest)!).push(r);
      }
      let moved = 0;
      for (const [arn, list] of byDest) {
        const dest = await queueByArn(arn);
        if (!dest || dest.tenantId !== task.tenant_id)
          return { moved: 0, failed: `The destination queue ${arn} does not exist.` };
        const done = await moveMessageRows(
          tx,
          list.map((r) => r.id),
          {
            queueId: dest.id,
            tenantId: dest.tenantId,
            retentionSeconds: dest.settings.retentionPeriod,
            sourceArn: null,
            resetReceives: true,
          },
          t,
        );
        if (source.settings.fifo) {
          const counts = new Map<string, number>();
          for (const m of done) counts.set(m.group_id!, (counts.get(m.group_id!) ?? 0) + 1);
          await adjustFifoGroups(
            tx,
            source.id,
            source.tenantId,
            [...counts].map(([groupId, c]) => ({ groupId, delta: -c, availableAt: t })),
          );
          await adjustFifoGroups(
            tx,
            dest.id,
            dest.tenantId,
            [...counts].map(([groupId, c]) => ({ groupId, delta: c, availableAt: t })),
          );
        }
        moved += done.length;
      }
      await addMoved(tx, task.id, moved);
      return { moved, failed: null, skippedOnly: moved === 0 };
    });
    if (outcome.failed) {
      await setMoveTaskStatus(pool(), task.tenant_id, task.id, "FAILED", ["RUNNING", "CANCELLING"], outcome.failed);
      return "done";
    }
    if (outcome.moved === 0) {
      await setMoveTaskStatus(pool(), task.tenant_id, task.id, "COMPLETED", ["RUNNING"]);
      log.info({ taskId }, "message move task completed");
      return "done";
    }
    if (Date.now() - started > budgetMs) return "again";
    // The rate: at most `limit` messages per second.
    const wait = 1_000 - (Date.now() - tickStart);
    if (task.max_per_second && wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}

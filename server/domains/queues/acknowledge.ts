import type { AppError } from "../../core/errors";
import { isAppError } from "../../core/errors";
import { assertCan, type Actor } from "../../auth/permissions";
import { pool, withTransaction, type Queryable } from "../../db";
import { MAX_IN_FLIGHT_SECONDS, VISIBILITY_TIMEOUT, decodeReceiptHandle, sqsError, type Receipt } from "../../core/sqs";
import { type QueueRow } from "./queue.repository";
import {
  adjustFifoGroups,
  changeVisibilityRows,
  deleteByReceipts,
  findMessageState,
  lockGroupsOfMessages,
  notifyQueue,
} from "./message.repository";
import { assertQueueAccess, now, receiptHandleKey } from "./queue.context";
import { countMetric } from "./queue.metrics";
import { refreshGroupLocks } from "./receive";

// DeleteMessage(Batch) and ChangeMessageVisibility(Batch). A receipt handle names one receive of
// one message; a handle from an earlier receive no longer matches (AWS: the call succeeds, the
// message stays). Garbage answers ReceiptHandleIsInvalid.

export type EntryResult = { ok: true } | { ok: false; error: AppError };

function decodeFor(q: QueueRow, handle: string | undefined): Receipt {
  if (handle === undefined || handle === null || handle === "")
    throw sqsError("MissingParameter", "The request must contain the parameter ReceiptHandle.", "ReceiptHandle");
  const r = decodeReceiptHandle(handle, receiptHandleKey());
  if (!r || r.queueId !== q.id)
    throw sqsError(
      "ReceiptHandleIsInvalid",
      `The input receipt handle "${handle.slice(0, 100)}" is not a valid receipt handle.`,
      "ReceiptHandle",
    );
  return r;
}

export async function deleteMessages(
  actor: Actor,
  tenantId: string,
  q: QueueRow,
  handles: string[],
  opts: { batch: boolean },
): Promise<EntryResult[]> {
  assertCan(actor.role, "resource:write");
  await assertQueueAccess(tenantId, q, "DeleteMessage");
  const results: EntryResult[] = new Array(handles.length);
  const valid: Array<{ index: number; r: Receipt }> = [];
  handles.forEach((h, index) => {
    try {
      valid.push({ index, r: decodeFor(q, h) });
    } catch (e) {
      if (!opts.batch || !isAppError(e)) throw e;
      results[index] = { ok: false, error: e };
    }
  });
  for (const v of valid) results[v.index] = { ok: true };
  if (!valid.length) return results;
  const items = valid.map((v) => ({ messageId: v.r.messageId, token: v.r.token }));
  let deleted: Array<{ id: string; group_id: string | null }>;
  if (!q.settings.fifo) {
    deleted = await deleteByReceipts(pool(), q.tenantId, q.id, items);
  } else {
    deleted = await withTransaction(async (tx) => {
      await lockGroupsOfMessages(
        tx,
        q.id,
        items.map((i) => i.messageId),
      );
      const rows = await deleteByReceipts(tx, q.tenantId, q.id, items);
      if (rows.length) {
        const t = now();
        const counts = new Map<string, number>();
        for (const r of rows) counts.set(r.group_id!, (counts.get(r.group_id!) ?? 0) + 1);
        await adjustFifoGroups(
          tx,
          q.id,
          q.tenantId,
          [...counts].map(([groupId, c]) => ({ groupId, delta: -c, availableAt: t })),
        );
        await refreshGroupLocks(tx, q, [...counts.keys()], t);
        await notifyQueue(tx, q.id);
      }
      return rows;
    });
  }
  countMetric(q, "deleted", deleted.length);
  return results;
}

export async function changeVisibility(
  actor: Actor,
  tenantId: string,
  q: QueueRow,
  entries: Array<{ handle: string; timeout: number }>,
  opts: { batch: boolean },
): Promise<EntryResult[]> {
  assertCan(actor.role, "resource:write");
  await assertQueueAccess(tenantId, q, "ChangeMessageVisibility");
  const t = now();
  const results: EntryResult[] = new Array(entries.length);
  const valid: Array<{ index: number; r: Receipt; timeout: number }> = [];
  entries.forEach((e, index) => {
    try {
      const r = decodeFor(q, e.handle);
      if (!Number.isInteger(e.timeout) || e.timeout < VISIBILITY_TIMEOUT.min || e.timeout > VISIBILITY_TIMEOUT.max) {
        throw sqsError(
          "InvalidParameterValue",
          `Value ${e.timeout} for parameter VisibilityTimeout is invalid. Reason: Must be between ${VISIBILITY_TIMEOUT.min} and ${VISIBILITY_TIMEOUT.max}.`,
          "VisibilityTimeout",
        );
      }
      valid.push({ index, r, timeout: e.timeout });
    } catch (err) {
      if (!opts.batch || !isAppError(err)) throw err;
      results[index] = { ok: false, error: err };
    }
  });
  if (!valid.length) return results;
  const items = valid.map((v) => ({
    messageId: v.r.messageId,
    token: v.r.token,
    visibleAt: new Date(t.getTime() + v.timeout * 1000),
  }));
  // FIFO: one transaction (group locks first); standard: single statements on the pool.
  const run = async (db: Queryable, tx?: Queryable) => {
    if (q.settings.fifo && tx)
      await lockGroupsOfMessages(
        tx,
        q.id,
        items.map((i) => i.messageId),
      );
    const rows = await changeVisibilityRows(db, q.tenantId, q.id, items, MAX_IN_FLIGHT_SECONDS);
    if (q.settings.fifo && tx && rows.length)
      await refreshGroupLocks(tx, q, [...new Set(rows.map((r) => r.group_id!))], t);
    if (rows.some((r) => r.visible_at.getTime() <= t.getTime() + 1000)) await notifyQueue(db, q.id);
    return rows;
  };
  const changed = new Set(
    (q.settings.fifo ? await withTransaction((tx) => run(tx, tx)) : await run(pool())).map((r) => r.id),
  );
  for (const v of valid) {
    if (changed.has(v.r.messageId)) {
      results[v.index] = { ok: true };
      continue;
    }
    // Say why, as AWS does: gone / received again since, or past the 12-hour limit.
    const state = await findMessageState(pool(), q.tenantId, q.id, v.r.messageId);
    let err: AppError;
    if (state && state.receipt_token === v.r.token) {
      err = sqsError(
        "InvalidParameterValue",
        `Value ${v.timeout} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [${MAX_IN_FLIGHT_SECONDS} seconds].`,
        "VisibilityTimeout",
      );
    } else {
      err = sqsError(
        "InvalidParameterValue",
        `Value ${entries[v.index].handle.slice(0, 100)} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
        "ReceiptHandle",
      );
    }
    if (!opts.batch) throw err;
    results[v.index] = { ok: false, error: err };
  }
  return results;
}

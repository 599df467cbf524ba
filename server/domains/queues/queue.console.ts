import type { z } from "zod";
import { assertCan, actorLabel, type Actor } from "../../auth/permissions";
import { recordAudit } from "../audit/audit.service";
import { queueDoesNotExist, renderQueueAttributes, settableAttributeStrings } from "../../core/sqs";
import { pool } from "../../db";
import { approximateQueueCounts } from "./queue-counts";
import { findQueueByName, listAllQueueRows, listDeadLetterSources, type QueueRow } from "./queue.repository";
import { browseMessages } from "./message.repository";
import { metricSeries } from "./maintenance.repository";
import { now } from "./queue.context";
import {
  addPermission,
  createQueue,
  deleteQueue,
  getQueue,
  purgeQueue,
  removePermission,
  setQueueAttributes,
  tagQueue,
  untagQueue,
} from "./queue.service";
import { sendMessages } from "./send";
import { receiveMessages } from "./receive";
import { changeVisibility, deleteMessages } from "./acknowledge";
import { cancelMessageMoveTask, listMessageMoveTasks, startMessageMoveTask } from "./move-tasks";
import {
  attributesFromInput,
  settingsPatchFromForm,
  type createQueueInput,
  type QueueSettingsInput,
  type sendMessageInput,
} from "./queue.schemas";

// Console use cases (tRPC): the same services as the doors, shaped for pages. Sends and receives
// from the console are audited (they are people acting, not the hot path).

const path = (q: QueueRow) => `/api/aws/${q.accountId}/${q.name}`;

function summary(q: QueueRow) {
  return {
    id: q.id,
    name: q.name,
    arn: q.arn,
    urlPath: path(q),
    fifo: q.settings.fifo,
    createdAt: q.createdAt,
    modifiedAt: q.modifiedAt,
    deadLetterTargetArn: q.settings.redrivePolicy?.deadLetterTargetArn ?? null,
    maxReceiveCount: q.settings.redrivePolicy?.maxReceiveCount ?? null,
  };
}

export async function listQueuesWithStats(actor: Actor, tenantId: string) {
  assertCan(actor.role, "resource:read");
  const rows = await listAllQueueRows(pool(), tenantId);
  const t = now();
  const counts = rows.length
    ? await approximateQueueCounts(
        tenantId,
        rows.map((r) => r.id),
        t,
      )
    : new Map();
  const dlqArns = new Set(rows.map((r) => r.settings.redrivePolicy?.deadLetterTargetArn).filter(Boolean));
  return rows.map((q) => {
    const c = counts.get(q.id);
    return {
      ...summary(q),
      isDeadLetterQueue: dlqArns.has(q.arn),
      visible: c?.visible ?? 0,
      inFlight: c?.inFlight ?? 0,
      delayed: c?.delayed ?? 0,
      oldestMessageAgeSeconds: c?.oldestSentAt
        ? Math.max(0, Math.floor((t.getTime() - c.oldestSentAt.getTime()) / 1000))
        : null,
    };
  });
}

export async function getQueueDetail(actor: Actor, tenantId: string, name: string) {
  const q = await getQueue(actor, tenantId, name);
  const t = now();
  const c = (await approximateQueueCounts(tenantId, [q.id], t)).get(q.id);
  const sources = await listDeadLetterSources(pool(), tenantId, q.arn, { limit: 100 });
  return {
    ...summary(q),
    settings: {
      visibilityTimeout: q.settings.visibilityTimeout,
      messageRetentionPeriod: q.settings.retentionPeriod,
      maximumMessageSize: q.settings.maximumMessageSize,
      delaySeconds: q.settings.delaySeconds,
      receiveMessageWaitTimeSeconds: q.settings.receiveWaitSeconds,
      redrivePolicy: q.settings.redrivePolicy,
      redriveAllowPolicy: q.settings.redriveAllowPolicy,
      contentBasedDeduplication: q.settings.contentBasedDedup,
      deduplicationScope: q.settings.deduplicationScope,
      fifoThroughputLimit: q.settings.fifoThroughputLimit,
      policy: q.settings.policy,
    },
    attributes: renderQueueAttributes(
      q.settings,
      { arn: q.arn, createdAt: q.createdAt, modifiedAt: q.modifiedAt, counts: c, permissions: q.permissions },
      ["All"],
    ),
    tags: q.tags,
    permissions: q.permissions,
    counts: {
      visible: c?.visible ?? 0,
      inFlight: c?.inFlight ?? 0,
      delayed: c?.delayed ?? 0,
      oldestMessageAgeSeconds: c?.oldestSentAt ? Math.floor((t.getTime() - c.oldestSentAt.getTime()) / 1000) : null,
    },
    deadLetterSources: sources.map((s) => ({ name: s.name, arn: s.arn })),
  };
}

export async function createQueueFromConsole(actor: Actor, tenantId: string, input: z.infer<typeof createQueueInput>) {
  const { name, fifo, tags, ...settings } = input;
  const { queue, created } = await createQueue(actor, tenantId, {
    name,
    fifo: fifo || name.endsWith(".fifo"),
    settings: settingsPatchFromForm(settings),
    tags,
  });
  return { ...summary(queue), created };
}

export async function updateQueueFromConsole(
  actor: Actor,
  tenantId: string,
  name: string,
  settings: QueueSettingsInput,
) {
  const q = await getQueue(actor, tenantId, name);
  const updated = await setQueueAttributes(actor, tenantId, q, settingsPatchFromForm(settings));
  return { ...summary(updated), attributes: settableAttributeStrings(updated.settings) };
}

export async function deleteQueueFromConsole(actor: Actor, tenantId: string, name: string) {
  await deleteQueue(actor, tenantId, await getQueue(actor, tenantId, name));
  return { ok: true as const };
}

export async function purgeQueueFromConsole(actor: Actor, tenantId: string, name: string) {
  return purgeQueue(actor, tenantId, await getQueue(actor, tenantId, name));
}

function senderOf(actor: Actor): string {
  return actor.type === "user" ? actor.userId : actorLabel(actor);
}

export async function sendFromConsole(actor: Actor, tenantId: string, input: z.infer<typeof sendMessageInput>) {
  const q = await getQueue(actor, tenantId, input.name);
  const [r] = await sendMessages(
    actor,
    tenantId,
    q,
    [
      {
        body: input.body,
        attributes: attributesFromInput(input.attributes),
        delaySeconds: input.delaySeconds,
        groupId: input.messageGroupId,
        dedupId: input.messageDeduplicationId,
      },
    ],
    { senderId: senderOf(actor), batch: false },
  );
  if (!r.ok) throw r.error;
  await recordAudit(
    actor,
    tenantId,
    "queue.message.send",
    { type: "queue", id: q.id },
    { name: q.name, messageId: r.messageId },
  );
  return {
    messageId: r.messageId,
    md5OfMessageBody: r.md5Body,
    md5OfMessageAttributes: r.md5Attributes ?? null,
    sequenceNumber: r.sequenceNumber ?? null,
  };
}

export async function receiveFromConsole(
  actor: Actor,
  tenantId: string,
  input: { name: string; maxMessages: number; visibilityTimeout?: number; waitTimeSeconds: number },
  signal?: AbortSignal,
) {
  const q = await getQueue(actor, tenantId, input.name);
  const msgs = await receiveMessages(actor, tenantId, q, {
    maxMessages: input.maxMessages,
    visibilityTimeout: input.visibilityTimeout,
    waitTimeSeconds: input.waitTimeSeconds,
    signal,
  });
  if (msgs.length)
    await recordAudit(
      actor,
      tenantId,
      "queue.message.receive",
      { type: "queue", id: q.id },
      { name: q.name, count: msgs.length },
    );
  return msgs.map((m) => ({
    messageId: m.messageId,
    receiptHandle: m.receiptHandle,
    body: m.body,
    md5OfBody: m.md5Body,
    attributes: Object.entries(m.attributes ?? {}).map(([name, a]) => ({
      name,
      dataType: a.DataType,
      value: a.BinaryValue ? a.BinaryValue.toString("base64") : (a.StringValue ?? ""),
    })),
    system: m.system,
  }));
}

export async function deleteFromConsole(actor: Actor, tenantId: string, name: string, receiptHandle: string) {
  const q = await getQueue(actor, tenantId, name);
  await deleteMessages(actor, tenantId, q, [receiptHandle], { batch: false });
  await recordAudit(actor, tenantId, "queue.message.delete", { type: "queue", id: q.id }, { name: q.name });
  return { ok: true as const };
}

export async function changeVisibilityFromConsole(
  actor: Actor,
  tenantId: string,
  name: string,
  receiptHandle: string,
  timeout: number,
) {
  const q = await getQueue(actor, tenantId, name);
  await changeVisibility(actor, tenantId, q, [{ handle: receiptHandle, timeout }], { batch: false });
  await recordAudit(
    actor,
    tenantId,
    "queue.message.change_visibility",
    { type: "queue", id: q.id },
    { name: q.name, visibilityTimeout: timeout },
  );
  return { ok: true as const };
}

/** Peek at messages without receiving them: nothing about the messages changes. */
export async function browseQueue(
  actor: Actor,
  tenantId: string,
  input: { name: string; cursor?: string; limit: number },
) {
  assertCan(actor.role, "resource:read");
  const q = await findQueueByName(pool(), tenantId, input.name);
  if (!q) throw queueDoesNotExist();
  const t = now();
  const rows = await browseMessages(tenantId, q.id, { afterSeq: input.cursor, limit: input.limit + 1, now: t });
  const page = rows.slice(0, input.limit);
  return {
    items: page.map((r) => ({
      messageId: r.id as string,
      body: r.body as string,
      size: r.size as number,
      attributes: Object.entries(
        (r.attributes ?? {}) as Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>,
      ).map(([name, a]) => ({ name, dataType: a.DataType, value: a.StringValue ?? a.BinaryValue ?? "" })),
      sentAt: r.sent_at as Date,
      firstReceiveAt: (r.first_receive_at as Date | null) ?? null,
      receiveCount: r.receive_count as number,
      state:
        (r.visible_at as Date).getTime() <= t.getTime()
          ? ("visible" as const)
          : (r.receive_count as number) > 0
            ? ("inFlight" as const)
            : ("delayed" as const),
      visibleAt: r.visible_at as Date,
      expiresAt: r.expires_at as Date,
      messageGroupId: (r.group_id as string | null) ?? null,
      messageDeduplicationId: (r.dedup_id as string | null) ?? null,
      sequenceNumber: q.settings.fifo ? (r.seq as string).padStart(20, "0") : null,
      deadLetterSourceArn: (r.dead_letter_source_arn as string | null) ?? null,
    })),
    nextCursor: rows.length > input.limit ? (page[page.length - 1].seq as string) : null,
  };
}

export async function deadLetterSourcesOf(actor: Actor, tenantId: string, name: string) {
  const q = await getQueue(actor, tenantId, name);
  return (await listDeadLetterSources(pool(), tenantId, q.arn, { limit: 1000 })).map((s) => ({
    name: s.name,
    arn: s.arn,
  }));
}

export async function startMoveTaskFromConsole(
  actor: Actor,
  tenantId: string,
  input: { name: string; destinationArn?: string; maxNumberOfMessagesPerSecond?: number },
) {
  const q = await getQueue(actor, tenantId, input.name);
  return startMessageMoveTask(actor, tenantId, {
    sourceArn: q.arn,
    destinationArn: input.destinationArn,
    maxNumberOfMessagesPerSecond: input.maxNumberOfMessagesPerSecond,
  });
}

export async function listMoveTasksFromConsole(actor: Actor, tenantId: string, name: string) {
  const q = await getQueue(actor, tenantId, name);
  return listMessageMoveTasks(actor, tenantId, { sourceArn: q.arn, maxResults: 10 });
}

export async function cancelMoveTaskFromConsole(actor: Actor, tenantId: string, taskHandle: string) {
  return cancelMessageMoveTask(actor, tenantId, taskHandle);
}

/** sent/received/deleted per minute and depth samples over the last `hours`, every minute present (zeros filled). */
export async function queueMetrics(actor: Actor, tenantId: string, name: string, hours: number) {
  const q = await getQueue(actor, tenantId, name);
  const t = now();
  const end = Math.floor(t.getTime() / 60_000) * 60_000;
  const start = end - hours * 3_600_000 + 60_000;
  const rows = await metricSeries(pool(), tenantId, q.id, new Date(start));
  const byMinute = new Map(rows.map((r) => [r.minute.getTime(), r]));
  const points = [];
  for (let m = start; m <= end; m += 60_000) {
    const r = byMinute.get(m);
    points.push({
      minute: new Date(m),
      sent: r?.sent ?? 0,
      received: r?.received ?? 0,
      deleted: r?.deleted ?? 0,
      depth: r?.depth ?? null,
      inFlight: r?.in_flight ?? null,
      delayed: r?.delayed ?? null,
    });
  }
  return { points };
}

export async function tagQueueFromConsole(actor: Actor, tenantId: string, name: string, tags: Record<string, string>) {
  await tagQueue(actor, tenantId, await getQueue(actor, tenantId, name), tags);
  return (await getQueue(actor, tenantId, name)).tags;
}

export async function untagQueueFromConsole(actor: Actor, tenantId: string, name: string, keys: string[]) {
  await untagQueue(actor, tenantId, await getQueue(actor, tenantId, name), keys);
  return (await getQueue(actor, tenantId, name)).tags;
}

export async function addPermissionFromConsole(
  actor: Actor,
  tenantId: string,
  input: { name: string; label: string; accountIds: string[]; actions: string[] },
) {
  await addPermission(actor, tenantId, await getQueue(actor, tenantId, input.name), {
    label: input.label,
    accounts: input.accountIds,
    actions: input.actions,
  });
  return (await getQueue(actor, tenantId, input.name)).permissions;
}

export async function removePermissionFromConsole(actor: Actor, tenantId: string, name: string, label: string) {
  await removePermission(actor, tenantId, await getQueue(actor, tenantId, name), label);
  return (await getQueue(actor, tenantId, name)).permissions;
}

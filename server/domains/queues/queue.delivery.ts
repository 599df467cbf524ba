import type pg from "pg";
import { AppError } from "../../core/errors";
import { crossAccountDecision, queueDoesNotExist } from "../../core/sqs";
import type { Actor } from "../../auth/permissions";
import { pool } from "../../db";
import { tenantAccountId } from "./queue.repository";
import { queueByArn } from "./queue.context";
import { sendMessages } from "./send";

// The queue API other domains build on (SNS fan-out, event rules, workflows).

export type DeliverInput = {
  queueArn: string;
  sourceTenantId: string;
  senderId: string;
  body: string;
  attributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Buffer }>;
  messageGroupId?: string;
  messageDeduplicationId?: string;
  sourceArn?: string;
  /** The AWS service sending for the source (events.amazonaws.com, scheduler.amazonaws.com): Policy principal. */
  service?: string;
};

const DELIVERY_ACTOR: Actor = { type: "system", label: "queue-delivery", role: "developer" };

export type QueueDeliveryMessage = {
  body: string;
  attributes?: DeliverInput["attributes"];
  messageGroupId?: string;
  messageDeduplicationId?: string;
};

/** The queue behind `queueArn` if `sourceTenantId` may send to it, else AppError (QueueDoesNotExist / AccessDenied). */
async function writableQueue(queueArn: string, sourceTenantId: string, sourceArn?: string, service?: string) {
  const q = await queueByArn(queueArn);
  if (!q) throw queueDoesNotExist();
  if (q.tenantId !== sourceTenantId) {
    const account = await tenantAccountId(pool(), sourceTenantId);
    const decision = account
      ? crossAccountDecision(q.permissions, q.settings.policy, {
          accountId: account,
          action: "SendMessage",
          queueArn: q.arn,
          sourceArn,
          service,
        })
      : "none";
    if (decision !== "allow")
      throw new AppError("forbidden", `Access to the resource ${q.arn} is denied.`, { awsCode: "AccessDenied" });
  }
  return q;
}

/**
 * Delivers messages into ONE queue identified by ARN, with the same validation/size/dedup rules
 * as SendMessage, stored by one multi-row INSERT (in order: FIFO sequence numbers follow it).
 * Delivering into another tenant's queue requires that queue's permission (AddPermission / Policy,
 * checked with the publisher's account, `sourceArn` as aws:SourceArn and `service` as a Service
 * principal) to allow SendMessage,
 * otherwise AppError forbidden (AccessDenied). Any refused message refuses the whole call (the
 * caller isolates it under a savepoint). Pass tx to store in the caller's transaction.
 */
export async function deliverManyToQueue(
  target: {
    queueArn: string;
    sourceTenantId: string;
    senderId: string;
    sourceArn?: string;
    /** The AWS service sending for the source (events.amazonaws.com, scheduler.amazonaws.com): Policy principal. */
    service?: string;
  },
  messages: QueueDeliveryMessage[],
  tx?: pg.PoolClient,
): Promise<Array<{ messageId: string; sequenceNumber?: string }>> {
  const q = await writableQueue(target.queueArn, target.sourceTenantId, target.sourceArn, target.service);
  const results = await sendMessages(
    DELIVERY_ACTOR,
    target.sourceTenantId,
    q,
    messages.map((m) => ({
      body: m.body,
      attributes: m.attributes,
      groupId: m.messageGroupId,
      // A standard queue subscribed to a FIFO topic takes no deduplication id.
      dedupId: q.settings.fifo ? m.messageDeduplicationId : undefined,
    })),
    { senderId: target.senderId, batch: false, tx, sourceArn: target.sourceArn, service: target.service },
  );
  return results.map((r) => {
    if (!r.ok) throw r.error;
    return { messageId: r.messageId, ...(r.sequenceNumber ? { sequenceNumber: r.sequenceNumber } : {}) };
  });
}

/** One message into one queue (see deliverManyToQueue). */
export async function deliverToQueue(
  input: DeliverInput,
  tx?: pg.PoolClient,
): Promise<{ messageId: string; sequenceNumber?: string }> {
  const [r] = await deliverManyToQueue(input, [input], tx);
  return r!;
}

export async function findQueueByArn(
  arn: string,
): Promise<{ id: string; tenantId: string; name: string; arn: string; fifo: boolean } | null> {
  const q = await queueByArn(arn);
  return q ? { id: q.id, tenantId: q.tenantId, name: q.name, arn: q.arn, fifo: q.settings.fifo } : null;
}

import type pg from "pg";
import { AppError } from "../../core/errors";
import { crossAccountDecision, queueDoesNotExist } from "../../core/sqs";
import type { Actor } from "../../auth/permissions";
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
};

const DELIVERY_ACTOR: Actor = { type: "system", label: "queue-delivery", role: "developer" };

/**
 * Delivers one message into a queue identified by ARN. Runs the same validation/size/dedup rules
 * as SendMessage. Delivering into another tenant's queue requires that queue's permission
 * (AddPermission / Policy, checked with the publisher's account and `sourceArn` as aws:SourceArn)
 * to allow SendMessage, otherwise AppError forbidden (AccessDenied). Pass tx to enqueue in the
 * caller's transaction (the message then commits or rolls back with it).
 */
export async function deliverToQueue(
  input: DeliverInput,
  tx?: pg.PoolClient,
): Promise<{ messageId: string; sequenceNumber?: string }> {
  const q = await queueByArn(input.queueArn);
  if (!q) throw queueDoesNotExist();
  if (q.tenantId !== input.sourceTenantId) {
    const account = await tenantAccountId(input.sourceTenantId);
    const decision = account
      ? crossAccountDecision(q.permissions, q.settings.policy, {
          accountId: account,
          action: "SendMessage",
          queueArn: q.arn,
          sourceArn: input.sourceArn,
        })
      : "none";
    if (decision !== "allow")
      throw new AppError("forbidden", `Access to the resource ${q.arn} is denied.`, { awsCode: "AccessDenied" });
  }
  const [r] = await sendMessages(
    DELIVERY_ACTOR,
    input.sourceTenantId,
    q,
    [
      {
        body: input.body,
        attributes: input.attributes,
        groupId: input.messageGroupId,
        // A standard queue subscribed to a FIFO topic takes no deduplication id.
        dedupId: q.settings.fifo ? input.messageDeduplicationId : undefined,
      },
    ],
    { senderId: input.senderId, batch: false, tx },
  );
  if (!r.ok) throw r.error;
  return { messageId: r.messageId, ...(r.sequenceNumber ? { sequenceNumber: r.sequenceNumber } : {}) };
}

export async function findQueueByArn(
  arn: string,
): Promise<{ id: string; tenantId: string; name: string; arn: string; fifo: boolean } | null> {
  const q = await queueByArn(arn);
  return q ? { id: q.id, tenantId: q.tenantId, name: q.name, arn: q.arn, fifo: q.settings.fifo } : null;
}
